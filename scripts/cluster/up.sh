#!/usr/bin/env bash
# Creates a kind or k3d cluster without its default CNI, installs the chosen CNI at its pinned version
# (scripts/versions.env) and waits until every node is Ready. Idempotent: an existing cluster is kept.
#
# Usage: scripts/cluster/up.sh [-h|--help]        (make up)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CNI=${CNI:-flannel}                  flannel | calico | weave
#   NODES=${NODES:-3}                    1 control-plane + NODES-1 workers (1..9)
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   HOST_PORTS=${HOST_PORTS:-1}          map NodePorts 30080/TCP 30081/UDP 30090/TCP and 80/443 to the host
#   K3D_NETWORK=${K3D_NETWORK:-}         k3d only: join this Docker network (multicluster)
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}    seconds for each wait
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

cleanup() { if ! is_plan; then rm -rf "${STATE_DIR:?}"; fi; }

preflight() {
  step "Preflight"
  preflight_docker
  preflight_tool "${CLUSTER}" "$([[ "${CLUSTER}" == kind ]] && echo "${MIN_KIND_VERSION}" || echo "${MIN_K3D_VERSION}")"
  preflight_tool kubectl "${MIN_KUBECTL_VERSION}"
  preflight_tool jq
  if [[ "${CLUSTER}" == kind ]]; then preflight_inotify "${NODES}"; fi
}

cluster_exists() {
  is_plan && return 1
  if [[ "${CLUSTER}" == kind ]]; then
    kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"
  else
    k3d cluster get "${CLUSTER_NAME}" >/dev/null 2>&1
  fi
}

create_cluster() {
  step "Create the ${CLUSTER} cluster ${CLUSTER_NAME} (${NODES} nodes, no default CNI, pod subnet $(cni_pod_subnet "${CNI}"))"
  if cluster_exists; then
    done_note "cluster ${CLUSTER_NAME} already exists: keeping it (make down to start over)"
    return 0
  fi
  plan_note "skipped when the cluster already exists ($( [[ "${CLUSTER}" == kind ]] && echo 'kind get clusters' || echo "k3d cluster get ${CLUSTER_NAME}"))"
  if [[ "${HOST_PORTS}" == 1 ]]; then preflight_ports; fi
  if [[ "${CLUSTER}" == kind ]]; then
    local config="${STATE_DIR}/kind-config.yaml" yaml
    yaml="$(kind_config "${CNI}" "${NODES}" "${HOST_PORTS}")"
    write_file "${config}" "${yaml}"
    run kind create cluster --name "${CLUSTER_NAME}" --image "${KIND_NODE_IMAGE}" --config "${config}"
  else
    local args
    mapfile -t args < <(k3d_args "${CNI}" "${NODES}" "${HOST_PORTS}" "${K3D_NETWORK}")
    run k3d cluster create "${CLUSTER_NAME}" "${args[@]}"
  fi
}

host_arch() {
  case "$(uname -m)" in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) die "no containernetworking/plugins build for $(uname -m)" ;;
  esac
}

# Copies the reference plugins this CNI delegates to (lib.sh cni_plugins_needed says which and why) from
# the pinned containernetworking/plugins release into every node, before the CNI is applied.
install_cni_plugins() {
  local plugins plugin node arch tgz cache extract stage
  plugins="$(cni_plugins_needed "${CLUSTER}" "${CNI}")"
  [[ -n "${plugins}" ]] || return 0
  step "Copy the CNI plugins ${plugins} (containernetworking/plugins ${CNI_PLUGINS_VERSION}) into the nodes"
  arch="$(host_arch)"
  tgz="cni-plugins-linux-${arch}-${CNI_PLUGINS_VERSION}.tgz"
  cache="${XDG_CACHE_HOME:-${HOME}/.cache}/netpaths/cni-plugins-${CNI_PLUGINS_VERSION}"
  extract="${STATE_DIR}/cni-plugins"
  stage="${STATE_DIR}/cni-stage"
  if is_plan || [[ ! -f "${cache}/${tgz}" ]]; then
    run mkdir -p "${cache}"
    run curl -fsSL --retry 3 -o "${cache}/${tgz}.sha256" "${CNI_PLUGINS_URL}/${CNI_PLUGINS_VERSION}/${tgz}.sha256"
    run curl -fsSL --retry 3 -o "${cache}/${tgz}" "${CNI_PLUGINS_URL}/${CNI_PLUGINS_VERSION}/${tgz}"
  fi
  if command -v sha256sum >/dev/null 2>&1; then
    run_in "${cache}" sha256sum -c "${tgz}.sha256"
  else
    run_in "${cache}" shasum -a 256 -c "${tgz}.sha256"   # macOS
  fi
  run mkdir -p "${extract}" "${stage}/opt/cni/bin"
  run tar -xzf "${cache}/${tgz}" -C "${extract}"
  for plugin in ${plugins}; do run cp "${extract}/${plugin}" "${stage}/opt/cni/bin/${plugin}"; done
  # docker cp needs nothing inside the node (k3s images have no tar); "opt/." merges into /opt.
  while IFS= read -r node; do
    run docker cp "${stage}/opt/." "${node}:/opt"
  done < <(node_names "${CLUSTER}" "${CLUSTER_NAME}" "${NODES}")
}

install_flannel() {
  kc apply -f "${FLANNEL_MANIFEST_URL}"
  wait_rollout kube-flannel daemonset/kube-flannel-ds
}

install_calico() {
  # Server-side apply: the CRDs are too large for the last-applied annotation, and it stays idempotent.
  kc apply --server-side --force-conflicts -f "${CALICO_OPERATOR_CRDS_URL}"
  kc apply --server-side --force-conflicts -f "${CALICO_OPERATOR_URL}"
  wait_rollout tigera-operator deployment/tigera-operator
  run_input "$(calico_installation "${CLUSTER}")" kubectl --context "${KUBE_CONTEXT}" apply -f -
  wait_exists calico-system daemonset/calico-node
  wait_rollout calico-system daemonset/calico-node
}

install_weave() {
  kc apply -f "${WEAVE_MANIFEST_URL}"
  # Weave's default range, said explicitly: it must equal the cluster's pod subnet.
  kc -n kube-system set env daemonset/weave-net -c weave "IPALLOC_RANGE=$(cni_pod_subnet weave)"
  wait_rollout kube-system daemonset/weave-net
}

install_cni() {
  step "Install ${CNI} (${CNI} pool $(cni_pod_subnet "${CNI}"))"
  case "${CNI}" in
    flannel) install_flannel ;;
    calico) install_calico ;;
    weave) install_weave ;;
  esac
}

wait_nodes() {
  step "Wait for the nodes and cluster DNS"
  wait_or_dump kube-system "every node to be Ready" \
    kubectl --context "${KUBE_CONTEXT}" wait --for=condition=Ready nodes --all --timeout="${WAIT_TIMEOUT}s"
  wait_rollout kube-system deployment/coredns
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  load_settings
  trap cleanup EXIT
  preflight
  create_cluster
  install_cni_plugins
  install_cni
  wait_nodes
  done_note "cluster ${CLUSTER_NAME} (${CLUSTER}, ${CNI}, ${NODES} nodes) is up; kube context ${KUBE_CONTEXT}. Next: make addons images deploy conformance"
}

main "$@"
