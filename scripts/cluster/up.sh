#!/usr/bin/env bash
# Creates a kind or k3d cluster without its default CNI, installs the chosen CNI at its pinned version
# (scripts/versions.env) and waits until every node is Ready. Idempotent: an existing cluster is kept, but
# one that runs another CNI (or whose node pod CIDRs are outside this CNI's pool) is refused.
# Before creating anything it runs `versions.sh check cluster` (skipped with a note when offline); after
# the nodes exist it checks what the CNI needs from them: a Docker network that does not overlap the pod
# pool, br_netfilter in the host kernel (Flannel, Weave), k3s's containerd on /opt/cni/bin and
# /etc/cni/net.d (k3d), and a unique /etc/machine-id per node (k3d + Weave).
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
#   PROXY_MODE=${PROXY_MODE:-iptables}   kube-proxy mode: iptables | ipvs | nftables
#   CALICO_ENCAP=${CALICO_ENCAP:-vxlan}  CNI=calico: vxlan | ipip | none (plain BGP routes)
#   WEAVE_MODE=${WEAVE_MODE:-fastdp}     CNI=weave: fastdp | sleeve (UDP encapsulation)
#   VERSIONS_CHECK=${VERSIONS_CHECK:-1}  0: skip `versions.sh check cluster`
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
  versions_check cluster
}

# installed_cnis: the CNIs whose DaemonSet runs in the cluster (the ones up.sh installs), one a line.
installed_cnis() {
  kc_get -n kube-flannel get daemonset kube-flannel-ds >/dev/null && echo flannel
  kc_get -n calico-system get daemonset calico-node >/dev/null && echo calico
  kc_get -n kube-system get daemonset weave-net >/dev/null && echo weave
  return 0
}

# An existing cluster must already run this CNI (or none): a second CNI over the first leaves pods with
# addresses from one pool and routes from the other (kind#1216).
refuse_other_cni() {
  local found other cidr
  plan_note "when the cluster exists: refuse it if it runs another CNI or its node pod CIDRs are outside $(cni_pod_subnet "${CNI}")"
  is_plan && return 0
  found="$(installed_cnis)"
  for other in ${found}; do
    [[ "${other}" == "${CNI}" ]] \
      || die "cluster ${CLUSTER_NAME} already runs ${other}, not ${CNI}: one cluster has one CNI. Delete it first (CLUSTER=${CLUSTER} make down), then CNI=${CNI} make up"
  done
  for cidr in $(kc_get get nodes -o 'jsonpath={.items[*].spec.podCIDR}'); do
    cidr_overlap "${cidr}" "$(cni_pod_subnet "${CNI}")" \
      || die "cluster ${CLUSTER_NAME}'s nodes have pod CIDR ${cidr}, outside ${CNI}'s pool $(cni_pod_subnet "${CNI}"): it was created for another CNI. Delete it first (CLUSTER=${CLUSTER} make down)"
  done
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
    refuse_other_cni
    done_note "cluster ${CLUSTER_NAME} already exists: keeping it (make down to start over)"
    return 0
  fi
  if is_plan; then refuse_other_cni; fi
  plan_note "skipped when the cluster already exists ($( [[ "${CLUSTER}" == kind ]] && echo 'kind get clusters' || echo "k3d cluster get ${CLUSTER_NAME}"))"
  if [[ "${HOST_PORTS}" == 1 ]]; then preflight_ports; fi
  if [[ "${CLUSTER}" == kind ]]; then
    local config="${STATE_DIR}/kind-config.yaml" yaml
    yaml="$(kind_config "${CNI}" "${NODES}" "${HOST_PORTS}")"
    write_file "${config}" "${yaml}"
    run kind create cluster --name "${CLUSTER_NAME}" --image "${KIND_NODE_IMAGE}" --config "${config}"
  else
    local args=() arg
    while IFS= read -r arg; do args+=("${arg}"); done < <(k3d_args "${CNI}" "${NODES}" "${HOST_PORTS}" "${K3D_NETWORK}")
    run k3d cluster create "${CLUSTER_NAME}" "${args[@]}"
  fi
}

first_node() { node_names "${CLUSTER}" "${CLUSTER_NAME}" 1; }

# The node network must not overlap the pod pool (Calico's 192.168.0.0/16 can meet Docker's fallback
# pools or a home LAN): routes to pods and to nodes would collide.
check_network_overlap() {
  local network pool json subnet
  network="$(docker_network "${CLUSTER}" "${CLUSTER_NAME}")"; pool="$(cni_pod_subnet "${CNI}")"
  if is_plan && [[ -z "${NETPATHS_NETWORK_JSON:-}" ]]; then
    plan_note "check: the Docker network ${network} (docker network inspect ${network}) does not overlap the pod pool ${pool}"
    return 0
  fi
  json="$(network_json "${CLUSTER}" "${CLUSTER_NAME}")" || die "'docker network inspect ${network}' failed"
  for subnet in $(ipv4_subnets <<<"${json}"); do
    if cidr_overlap "${subnet}" "${pool}"; then
      die "the Docker network ${network} (${subnet}) overlaps ${CNI}'s pod pool ${pool}: pod and node routes would collide. Delete the cluster (CLUSTER=${CLUSTER} make down), remove or re-create the network on another subnet (docker network rm ${network}), or use another CNI"
    fi
  done
}

# Flannel exits without br_netfilter (flannel-io/flannel main.go, "Failed to check br_netfilter"), and
# Weave's bridge needs it; current Docker no longer loads it (moby/moby#48948). A node cannot load a
# module: it has to be in the Docker host's kernel (the Docker Desktop VM on macOS).
check_br_netfilter() {
  local node
  [[ "${CNI}" == flannel || "${CNI}" == weave ]] || return 0
  node="$(first_node)"
  if is_plan; then
    plan_note "check: br_netfilter is loaded in the Docker host's kernel (${CNI} needs it):"
    shell_line docker exec "${node}" cat /proc/sys/net/bridge/bridge-nf-call-iptables
    return 0
  fi
  docker exec "${node}" cat /proc/sys/net/bridge/bridge-nf-call-iptables >/dev/null 2>&1 \
    || die "${CNI} needs the br_netfilter kernel module, and the Docker host has not loaded it (/proc/sys/net/bridge/bridge-nf-call-iptables is missing in node ${node}). Fix on the Docker host: sudo modprobe br_netfilter && echo br_netfilter | sudo tee /etc/modules-load.d/br_netfilter.conf ; then run make up again (the cluster is kept)"
}

# With k3s's flannel off, its containerd config has no [cni] section and containerd uses /opt/cni/bin and
# /etc/cni/net.d, where the plugins and CNI configs go (k3s-io/k3s pkg/agent/templates: the section is
# only written `if not .NodeConfig.NoFlannel`). A k3s that wrote k3s paths would leave every node NotReady.
check_k3s_cni_dirs() {
  local node toml="/var/lib/rancher/k3s/agent/etc/containerd/config.toml" config
  [[ "${CLUSTER}" == k3d ]] || return 0
  node="$(first_node)"
  if is_plan; then
    plan_note "check: k3s's containerd uses /opt/cni/bin and /etc/cni/net.d (no k3s CNI paths in its config):"
    shell_line docker exec "${node}" cat "${toml}"
    return 0
  fi
  config="$(docker exec "${node}" cat "${toml}" 2>&1)" || die "cannot read ${toml} in ${node}: ${config}"
  if grep -E '(bin_dirs?|conf_dir)[[:space:]]*=' <<<"${config}" | grep -q '/var/lib/rancher/k3s'; then
    die "k3s's containerd in ${node} looks for CNI plugins/configs under /var/lib/rancher/k3s ($(grep -E '(bin_dirs?|conf_dir)' <<<"${config}" | tr -s ' ' | paste -sd ';' -)), not /opt/cni/bin and /etc/cni/net.d where ${CNI} installs: this k3s image (${K3S_IMAGE}) is not supported by these scripts"
  fi
}

# Weave names its peer from /etc/machine-id + the product UUID (rajch/weave net/uuid.go). k3s node
# containers have no machine-id and share the host's UUID, so peers would collide; kind's entrypoint
# writes a unique one per node (kubernetes-sigs/kind images/base/files/usr/local/bin/entrypoint).
unique_machine_ids() {
  local node id file
  [[ "${CLUSTER}" == k3d && "${CNI}" == weave ]] || return 0
  step "Give every k3d node a unique /etc/machine-id (Weave peer names)"
  while IFS= read -r node; do
    file="${STATE_DIR}/machine-id-${node}"
    if is_plan; then id="<32 random hex digits>"; else id="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"; fi
    write_file "${file}" "${id}"
    run docker cp "${file}" "${node}:/etc/machine-id"
  done < <(node_names "${CLUSTER}" "${CLUSTER_NAME}" "${NODES}")
}

check_nodes() {
  step "Check what ${CNI} needs from the nodes"
  check_network_overlap
  check_br_netfilter
  check_k3s_cni_dirs
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
  run_input "$(calico_installation "${CLUSTER}" "${CALICO_ENCAP}")" kubectl --context "${KUBE_CONTEXT}" apply -f -
  wait_exists calico-system daemonset/calico-node
  wait_rollout calico-system daemonset/calico-node
}

# The range (and, for WEAVE_MODE=sleeve, WEAVE_NO_FASTDP: rajch/weave prog/weave-kube/launch.sh) goes into
# the manifest before it is applied, so the DaemonSet rolls out once.
install_weave() {
  local manifest="${STATE_DIR}/weave-daemonset-k8s.yaml" edited
  run mkdir -p "${STATE_DIR}"
  run curl -fsSL --retry 3 -o "${manifest}" "${WEAVE_MANIFEST_URL}"
  plan_note "then: IPALLOC_RANGE=$(cni_pod_subnet weave)$([[ "${WEAVE_MODE}" == sleeve ]] && echo " and WEAVE_NO_FASTDP=1") written into the env of container weave (weave_manifest_env)"
  if ! is_plan; then
    edited="$(weave_manifest_env "$(cni_pod_subnet weave)" "${WEAVE_MODE}" <"${manifest}")" || exit 1
    printf '%s\n' "${edited}" >"${manifest}"
  fi
  kc apply -f "${manifest}"
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

# The data-plane choices this cluster was created with, for the harness report (conformance.sh copies them
# into reports/.../data-plane.env): what up.sh installed, not what a later command line says.
record_data_plane() {
  step "Record the data-plane choices (ConfigMap kube-system/netpaths-data-plane)"
  run_input "$(cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: netpaths-data-plane
  namespace: kube-system
data:
  CLUSTER: "${CLUSTER}"
  CNI: "${CNI}"
  PROXY_MODE: "${PROXY_MODE}"
  CALICO_ENCAP: "$([[ "${CNI}" == calico ]] && echo "${CALICO_ENCAP}" || echo "n/a")"
  WEAVE_MODE: "$([[ "${CNI}" == weave ]] && echo "${WEAVE_MODE}" || echo "n/a")"
  NODE_IMAGE: "$([[ "${CLUSTER}" == kind ]] && echo "${KIND_NODE_IMAGE}" || echo "${K3S_IMAGE}")"
$(host_port_record)
EOF
)" kubectl --context "${KUBE_CONTEXT}" apply -f -
}

# host_port_record: the host port mapping this cluster was created with (lib.sh HOST_PORT_MAPPINGS on the
# ingress-ready node), as ConfigMap data lines; the harness probes it where it cannot route to the nodes
# (conformance/.../run/HostPortMapping.java). HOST_PORTS=0: no mapping, nothing recorded to probe.
host_port_record() {
  local ports="" ingress=""
  if [[ "${HOST_PORTS}" == 1 ]]; then ports="${HOST_PORT_MAPPINGS[*]}"; ingress="${INGRESS_HOST_PORTS[*]}"; fi
  printf '  HOST_PORT_ADDRESS: "%s"\n  HOST_PORT_NODE: "%s"\n  HOST_PORTS: "%s"\n  HOST_PORTS_INGRESS: "%s"' \
    "${HOST_PORT_ADDRESS}" "$(first_node)" "${ports}" "${ingress}"
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  load_settings
  trap cleanup EXIT
  preflight
  create_cluster
  check_nodes
  unique_machine_ids
  install_cni_plugins
  install_cni
  wait_nodes
  record_data_plane
  done_note "cluster ${CLUSTER_NAME} (${CLUSTER}, ${CNI}, ${NODES} nodes) is up; kube context ${KUBE_CONTEXT}. Next: make addons images deploy conformance"
}

main "$@"
