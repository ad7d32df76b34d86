#!/usr/bin/env bash
# The disruption case against a real cluster (kind or k3d, deployed with `make up addons images deploy`): the
# harness's `rollingRestartLosesNoRequest` (conformance/README.md, group disruption), run by
# scripts/cluster/conformance.sh. While `kubectl rollout restart deployment/echo` runs (then `kubectl rollout
# status`), constant load through the ClusterIP (from a caller pod, through the API server's pod proxy), the
# NodePort, echo-lb's LoadBalancer IP, the Ingress and the Gateway; every request and its outcome counted per path,
# as on the lab (`scripts/lab/lab.sh disruption`): the same case, only the rollout seam differs (kubectl here, the
# lab's CLI there; conformance/.../discovery/Rollout.java). Exit 1 when a request was lost, a path carried none or
# could not run (EXPECT_SKIPS=none: node and LoadBalancer addresses must be routable from this host, so not
# Docker Desktop). Reports as conformance.sh writes them (REPORTS_DIR).
#
# Usage: scripts/cluster/disruption.sh [-h|--help] [--no-drain]        (make disruption [NO_DRAIN=1])
#   --no-drain   the control, `rollingRestartWithoutDrainLosesRequests`: `kubectl set env deployment/echo
#                QUARKUS_SHUTDOWN_DELAY=0s` and its rollout first (not measured), then the measured rollout, which
#                must lose requests (the check can fail); echo's drain is restored after
#
# Settings: those of scripts/cluster/conformance.sh (CLUSTER, CLUSTER_NAME, HARNESS_JAR, REPORTS_DIR, PLAN, ...);
#   EXPECT_SKIPS=${EXPECT_SKIPS:-none}   every path must run
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

main() {
  case "${1:-}" in -h|--help) handle_help "${BASH_SOURCE[0]}" "$1" ;; esac
  local name=rollingRestartLosesNoRequest
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-drain) name=rollingRestartWithoutDrainLosesRequests ;;
      *) print_usage "${BASH_SOURCE[0]}" >&2; usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
  EXPECT_SKIPS="${EXPECT_SKIPS:-none}" exec "$(dirname "${BASH_SOURCE[0]}")/conformance.sh" --case "${name}"
}

main "$@"
