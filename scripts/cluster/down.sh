#!/usr/bin/env bash
# Deletes the cluster by name (and, with --all, the multicluster pair: netpaths-b first, then netpaths).
# Idempotent: a cluster that does not exist is reported and skipped.
#
# Usage: scripts/cluster/down.sh [--all] [-h|--help]        (make down)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

delete_cluster() {
  local name="$1"
  if [[ "${CLUSTER}" == kind ]]; then
    if ! is_plan && ! kind get clusters 2>/dev/null | grep -qx "${name}"; then
      log "no kind cluster ${name}: nothing to delete"; return 0
    fi
    run kind delete cluster --name "${name}"
  else
    if ! is_plan && ! k3d cluster get "${name}" >/dev/null 2>&1; then
      log "no k3d cluster ${name}: nothing to delete"; return 0
    fi
    run k3d cluster delete "${name}"
  fi
}

main() {
  local all=0
  case "${1:-}" in
    --all) all=1; shift ;;
  esac
  handle_help "${BASH_SOURCE[0]}" "$@"
  [[ $# -eq 0 ]] || usage_error "unexpected argument '$1' (usage: down.sh [--all])"
  load_settings
  step "Delete the ${CLUSTER} cluster(s)"
  preflight_tool "${CLUSTER}"
  # The second cluster first: on k3d it joined the first one's network k3d-${CLUSTER_NAME}, which k3d only
  # removes with the first cluster when nothing else uses it (k3d-io/k3d pkg/client/cluster.go
  # ClusterDelete: "still in use" keeps it; an external network is never deleted by the cluster joining it).
  if [[ "${all}" == 1 ]]; then delete_cluster "${SECOND_CLUSTER_NAME}"; fi
  delete_cluster "${CLUSTER_NAME}"
  done_note "deleted"
}

main "$@"
