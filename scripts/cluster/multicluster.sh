#!/usr/bin/env bash
# Two clusters on one Docker network, each with the CNI, add-ons, images and netpaths deployed:
#   netpaths    host ports mapped, MetalLB slice 0 of the network
#   netpaths-b  no host ports (they are taken by the first), MetalLB slice 1 (disjoint from slice 0)
# kind puts every cluster on the network "kind"; k3d's second cluster joins k3d-netpaths. Then it prints
# how to run the cross-cluster case. Reuses up.sh, addons.sh, images.sh and deploy.sh.
#
# Usage: scripts/cluster/multicluster.sh [-h|--help]        (make multicluster)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CNI=${CNI:-flannel}                  flannel | calico | weave (both clusters)
#   NODES=${NODES:-2}                    nodes per cluster (default 2 here, to fit two clusters on one host)
#   INGRESS=${INGRESS:-nginx}            nginx | ingress-nginx
#   ADDONS=${ADDONS:-all}                add-ons for each cluster: all | metallb | ... | none
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# bring_up NAME INDEX HOST_PORTS: one cluster, end to end.
bring_up() {
  local name="$1" index="$2" host_ports="$3" network=""
  if [[ "${CLUSTER}" == k3d && "${index}" != 0 ]]; then network="k3d-${CLUSTER_NAME}"; fi
  step "Cluster ${name} (MetalLB slice ${index}, host ports ${host_ports})"
  local env=(CLUSTER="${CLUSTER}" CNI="${CNI}" NODES="${NODES}" INGRESS="${INGRESS}" CLUSTER_NAME="${name}"
             HOST_PORTS="${host_ports}" METALLB_INDEX="${index}" K3D_NETWORK="${network}" PLAN="${PLAN}")
  env "${env[@]}" "${LIB_DIR}/up.sh"
  if [[ "${ADDONS}" != none ]]; then env "${env[@]}" "${LIB_DIR}/addons.sh" "${ADDONS}"; fi
  env "${env[@]}" SKIP_BUILD="$([[ "${index}" == 0 ]] && echo 0 || echo 1)" "${LIB_DIR}/images.sh"
  env "${env[@]}" "${LIB_DIR}/deploy.sh"
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  NODES="${NODES:-2}"
  load_settings
  ADDONS="${ADDONS:-all}"
  require_one_of ADDONS "${ADDONS}" all metallb ingress gateway istio none
  bring_up "${CLUSTER_NAME}" 0 1
  bring_up "${SECOND_CLUSTER_NAME}" 1 0
  local a b
  a="$(kube_context "${CLUSTER}" "${CLUSTER_NAME}")"; b="$(kube_context "${CLUSTER}" "${SECOND_CLUSTER_NAME}")"
  cat >&2 <<MSG

Both clusters are on one Docker network ($(docker_network "${CLUSTER}" "${CLUSTER_NAME}")); MetalLB gives them disjoint ranges.
Run the cross-cluster case:
  PEER_CONTEXT=${b} CLUSTER=${CLUSTER} CNI=${CNI} make conformance
  # = java -jar conformance/target/netpaths-conformance.jar --kube-context ${a} --peer-context ${b} --reports reports/...
Delete both: CLUSTER=${CLUSTER} scripts/cluster/down.sh --all
MSG
}

main "$@"
