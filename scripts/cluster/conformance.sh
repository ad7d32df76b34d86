#!/usr/bin/env bash
# Runs the conformance harness against the cluster's kube context and writes its report to
# reports/<cluster>-<cni>-<UTC timestamp>/ (uploaded by CI), with data-plane.env: the data-plane choices
# the cluster was created with (up.sh records them; the harness reads the same record into its report).
# On Docker Desktop it passes --docker-desktop: external paths go through the host port mapping.
# The harness is built by `make build`.
#
# Usage: scripts/cluster/conformance.sh [-h|--help] [HARNESS ARGS...]        (make conformance)
#   extra arguments go to the harness unchanged
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CNI=${CNI:-flannel}                  flannel | calico | weave (names the report directory)
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   PEER_CONTEXT=${PEER_CONTEXT:-}       the second cluster's kube context (multicluster cases)
#   EXPECT_SKIPS=${EXPECT_SKIPS:-}       the paths this run may skip, as the harness's --expect-skips (globs over
#                                        case, group or path key; none): any other skip fails the run. Default:
#                                        cross-cluster without PEER_CONTEXT, none with it (a cluster made by
#                                        `make up addons ...` has every group installed). Set it to `off` to let
#                                        the harness decide alone (a cluster without some add-on)
#   REPORTS_DIR=${REPORTS_DIR:-reports/<cluster>-<cni>-<timestamp>}
#   HARNESS_JAR=${HARNESS_JAR:-conformance/target/netpaths-conformance.jar}
#   PLAN=${PLAN:-0}                      1: print the command instead of running it
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# record_data_plane FILE: the data-plane choices up.sh recorded in the cluster (PROXY_MODE, CALICO_ENCAP,
# WEAVE_MODE, ...), written next to the harness report as KEY=value lines.
record_data_plane() {
  local file="$1" data
  if is_plan; then
    plan_note "then: kube-system/netpaths-data-plane (written by up.sh: PROXY_MODE, CALICO_ENCAP, WEAVE_MODE) copied to ${file}"
    return 0
  fi
  data="$(kubectl --context "${KUBE_CONTEXT}" -n kube-system get configmap netpaths-data-plane \
    -o go-template='{{range $k, $v := .data}}{{$k}}={{$v}}{{"\n"}}{{end}}' 2>/dev/null)" \
    || data="# unknown: kube-system/netpaths-data-plane not found (the cluster was not created by make up)"
  printf '%s\n' "${data}" >"${file}"
  log "data plane: $(grep -v '^#' "${file}" | paste -sd ' ' -)"
}

# docker_desktop_args: --docker-desktop when the Docker server is Docker Desktop (macOS, Windows), whose
# `docker info` says "Operating System: Docker Desktop": its VM routes no node or LoadBalancer address to
# the host (kind#3482), so the harness probes the host port mappings the cluster recorded (up.sh
# host_port_record) on 127.0.0.1, labelled "via the host port mapping", and skips the paths they do not
# cover. Elsewhere the harness uses the mapping only for targets it finds unroutable.
docker_desktop_args() {
  local os
  os="$(docker info --format '{{.OperatingSystem}}' 2>/dev/null)" || return 0
  [[ "${os}" == "Docker Desktop" ]] || return 0
  log "Docker Desktop: node and LoadBalancer addresses are not routable from this host; external paths go through the host port mapping on ${HOST_PORT_ADDRESS} where the cluster maps them (labelled \"via the host port mapping\"), the others are skipped"
  echo --docker-desktop
}

# expected_skips: what the run may skip: EXPECT_SKIPS, else only the cross-cluster cases of a one-cluster run
expected_skips() {
  if [[ -n "${EXPECT_SKIPS:-}" ]]; then
    echo "${EXPECT_SKIPS}"
  elif [[ -n "${PEER_CONTEXT:-}" ]]; then
    echo none
  else
    echo cross-cluster
  fi
}

main() {
  # only -h/--help is this script's; every other argument (--case GLOB, ...) is the harness's
  case "${1:-}" in -h|--help) handle_help "${BASH_SOURCE[0]}" "$1" ;; esac
  load_settings
  local jar="${HARNESS_JAR:-conformance/target/netpaths-conformance.jar}"
  local reports="${REPORTS_DIR:-reports/${CLUSTER}-${CNI}-$(date -u +%Y%m%dT%H%M%SZ)}"
  local args=(--kube-context "${KUBE_CONTEXT}" --reports "${reports}")
  if [[ -n "${PEER_CONTEXT:-}" ]]; then args+=(--peer-context "${PEER_CONTEXT}"); fi
  step "Preflight"
  preflight_tool java "${MIN_JAVA_VERSION}"
  preflight_cluster
  if [[ ! -f "${jar}" ]]; then
    is_plan || die "${jar} not found: run make build"
    warn "${jar} not found yet: run make build"
  fi
  step "Conformance: ${CLUSTER}/${CNI} through ${KUBE_CONTEXT}${PEER_CONTEXT:+ (peer ${PEER_CONTEXT})}"
  run mkdir -p "${reports}"
  record_data_plane "${reports}/data-plane.env"
  local desktop=""
  plan_note "when docker info --format '{{.OperatingSystem}}' says Docker Desktop: --docker-desktop (external paths through the host port mapping on ${HOST_PORT_ADDRESS})"
  is_plan || desktop="$(docker_desktop_args)"
  if [[ -n "${desktop}" ]]; then
    args+=("${desktop}")
    grep -q '^HOST_PORTS=.' "${reports}/data-plane.env" \
      || warn "this cluster records no host port mapping (created with HOST_PORTS=0, or not by make up): on Docker Desktop every external path will be skipped"
  fi
  local skips
  skips="$(expected_skips)"
  if [[ -n "${desktop}" && -z "${EXPECT_SKIPS:-}" ]]; then
    # the paths no host port maps are skipped there by design; EXPECT_SKIPS can still pin the set
    warn "Docker Desktop: the skipped set is not checked (set EXPECT_SKIPS to check it)"
    skips=off
  fi
  if [[ "${skips}" != off ]]; then args+=(--expect-skips "${skips}"); fi
  run java -jar "${jar}" "${args[@]}" "$@"
  done_note "report: ${reports}"
}

main "$@"
