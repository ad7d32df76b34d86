#!/usr/bin/env bash
# Shared by every scripts/cluster/*.sh: settings and their validation, the PLAN=1 run wrapper, logging,
# bounded waits with a debug dump, preflight checks, and the generated configs (kind config, k3d flags,
# Calico Installation, MetalLB range). Source it; it runs nothing by itself.
#
# Settings (each script lists the ones it reads):
#   CLUSTER=${CLUSTER:-kind}              kind | k3d
#   CNI=${CNI:-flannel}                   flannel | calico | weave
#   NODES=${NODES:-3}                     1 control-plane/server + NODES-1 workers/agents (1..9)
#   INGRESS=${INGRESS:-nginx}             nginx (F5 NGINX Ingress Controller) | ingress-nginx (retired)
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   PLAN=${PLAN:-0}                       1: print every command, in order, instead of running it
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}     seconds for every wait
#   HOST_PORTS=${HOST_PORTS:-1}           1: map NodePorts and 80/443 to the host (0 for a second cluster)
#   METALLB_INDEX=${METALLB_INDEX:-0}     which slice of the Docker network MetalLB gets (multicluster)
#   K3D_NETWORK=${K3D_NETWORK:-}          k3d: join this Docker network instead of k3d-$CLUSTER_NAME
#   GATEWAY_CONFIG_DIR=${GATEWAY_CONFIG_DIR:-gateway-config}  (paths are relative to the repository root)
#   NETPATHS_NETWORK_JSON=${NETPATHS_NETWORK_JSON:-}  a file with `docker network inspect` output to use
#                                         instead of asking Docker (tests; PLAN=1 without Docker)
#   NETPATHS_INOTIFY_DIR=${NETPATHS_INOTIFY_DIR:-/proc/sys/fs/inotify}  where the inotify limits are read (tests)
# Data-plane choices (docs/clusters/README.md, "Data-plane choices"):
#   PROXY_MODE=${PROXY_MODE:-iptables}    kube-proxy mode: iptables | ipvs | nftables (kind and k3s)
#   CALICO_ENCAP=${CALICO_ENCAP:-vxlan}   Calico pool encapsulation: vxlan | ipip | none (plain BGP routes)
#   WEAVE_MODE=${WEAVE_MODE:-fastdp}      Weave datapath: fastdp (kernel VXLAN) | sleeve (UDP, user space)

# shellcheck disable=SC2034  # variables here are used by the scripts that source this file
LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${LIB_DIR}/../.." && pwd)"
# shellcheck source=scripts/versions.env
source "${REPO_ROOT}/scripts/versions.env"

ALLOWED_CLUSTERS=(kind k3d)
ALLOWED_CNIS=(flannel calico weave)
ALLOWED_INGRESS=(nginx ingress-nginx)
ALLOWED_PROXY_MODES=(iptables ipvs nftables)
ALLOWED_CALICO_ENCAPS=(vxlan ipip none)
ALLOWED_WEAVE_MODES=(fastdp sleeve)
SECOND_CLUSTER_NAME=netpaths-b
# The kustomize overlay deploy.sh applies, kind and k3d alike (nothing in it differs between them; the lab
# renders the same one).
OVERLAY=k8s/overlays/kind
SERVICE_SUBNET=10.96.0.0/12
# The host port mappings, "port/PROTO" (the container port is the host port): the fixed NodePorts of
# docs/architecture.md, then the ports the ingress controller binds as hostPorts on the ingress-ready node.
# One owner for the kind config, the k3d flags, the port preflight and the record the harness reads
# (up.sh record_data_plane: it probes these on 127.0.0.1 where Docker Desktop routes no node address).
NODEPORT_HOST_PORTS=(30080/TCP 30081/UDP 30090/TCP)
INGRESS_HOST_PORTS=(80/TCP 443/TCP)
HOST_PORT_MAPPINGS=("${NODEPORT_HOST_PORTS[@]}" "${INGRESS_HOST_PORTS[@]}")
# Host port mappings listen on loopback only: the NodePorts and the ingress must not face the LAN.
HOST_PORT_ADDRESS=127.0.0.1
SCRIPT_NAME="$(basename "${0}")"

# --- Logging and errors ---------------------------------------------------------------------------------
log() { printf '[%s] %s\n' "${SCRIPT_NAME}" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "${SCRIPT_NAME}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${SCRIPT_NAME}" "$*" >&2; exit 1; }
# Bad input: exit 2, as getopt-style tools do.
usage_error() { printf '[%s] ERROR: %s\n' "${SCRIPT_NAME}" "$*" >&2; exit 2; }

# require_bash MAJOR MINOR: the scripts use bash 4 features; macOS's /bin/bash is 3.2 (no mapfile, no
# associative arrays). Called below with this shell's BASH_VERSINFO, and by the tests with 3 2.
require_bash() {
  (($1 >= 4)) && return 0
  die "bash $1.$2 is too old: the netpaths scripts need bash >= 4 (macOS ships 3.2). Fix: brew install bash, then make sure \`command -v bash\` is the new one (it runs these scripts through /usr/bin/env bash)"
}

# Prints the comment block at the top of the calling script (after the shebang) as its help.
print_usage() {
  local script="$1"
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${script}"
}

# --- Settings -------------------------------------------------------------------------------------------
join_by() { local sep="$1"; shift; local out="$1"; shift; local x; for x in "$@"; do out+="${sep}${x}"; done; echo "${out}"; }

# require_one_of NAME VALUE ALLOWED...: exit 2 naming the allowed values.
require_one_of() {
  local name="$1" value="$2"; shift 2
  local allowed
  for allowed in "$@"; do [[ "${value}" == "${allowed}" ]] && return 0; done
  usage_error "${name} must be one of $(join_by ', ' "$@") (got '${value}')"
}

require_nodes() {
  [[ "$1" =~ ^[1-9]$ ]] || usage_error "NODES must be a whole number from 1 to 9: 1 control-plane plus NODES-1 workers (got '$1')"
}

require_cluster_name() {
  [[ "$1" =~ ^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$ ]] \
    || usage_error "CLUSTER_NAME must be lower-case letters, digits and '-', at most 32 characters (got '$1')"
}

# Reads and checks the settings every script shares.
load_settings() {
  require_bash "${BASH_VERSINFO[0]}" "${BASH_VERSINFO[1]}"
  CLUSTER="${CLUSTER:-kind}"
  CNI="${CNI:-flannel}"
  NODES="${NODES:-3}"
  INGRESS="${INGRESS:-nginx}"
  CLUSTER_NAME="${CLUSTER_NAME:-netpaths}"
  PLAN="${PLAN:-0}"
  WAIT_TIMEOUT="${WAIT_TIMEOUT:-300}"
  HOST_PORTS="${HOST_PORTS:-1}"
  METALLB_INDEX="${METALLB_INDEX:-0}"
  K3D_NETWORK="${K3D_NETWORK:-}"
  GATEWAY_CONFIG_DIR="${GATEWAY_CONFIG_DIR:-gateway-config}"
  PROXY_MODE="${PROXY_MODE:-iptables}"
  CALICO_ENCAP="${CALICO_ENCAP:-vxlan}"
  WEAVE_MODE="${WEAVE_MODE:-fastdp}"
  require_one_of CLUSTER "${CLUSTER}" "${ALLOWED_CLUSTERS[@]}"
  require_one_of CNI "${CNI}" "${ALLOWED_CNIS[@]}"
  require_one_of INGRESS "${INGRESS}" "${ALLOWED_INGRESS[@]}"
  require_one_of PLAN "${PLAN}" 0 1
  require_one_of HOST_PORTS "${HOST_PORTS}" 0 1
  require_one_of PROXY_MODE "${PROXY_MODE}" "${ALLOWED_PROXY_MODES[@]}"
  require_one_of CALICO_ENCAP "${CALICO_ENCAP}" "${ALLOWED_CALICO_ENCAPS[@]}"
  require_one_of WEAVE_MODE "${WEAVE_MODE}" "${ALLOWED_WEAVE_MODES[@]}"
  require_nodes "${NODES}"
  require_cluster_name "${CLUSTER_NAME}"
  [[ "${WAIT_TIMEOUT}" =~ ^[1-9][0-9]*$ ]] || usage_error "WAIT_TIMEOUT must be a number of seconds (got '${WAIT_TIMEOUT}')"
  [[ "${METALLB_INDEX}" =~ ^[0-9]$ ]] || usage_error "METALLB_INDEX must be 0..9 (got '${METALLB_INDEX}')"
  KUBE_CONTEXT="$(kube_context "${CLUSTER}" "${CLUSTER_NAME}")"
  # Every script works from the repository root, so plans print repository-relative paths.
  cd "${REPO_ROOT}" || die "cannot enter ${REPO_ROOT}"
  STATE_DIR="${TMPDIR:-/tmp}/netpaths-${CLUSTER}-${CLUSTER_NAME}"
}

# Standard help handling: every script takes -h/--help and rejects unknown flags.
handle_help() {
  local script="$1"; shift
  case "${1:-}" in
    -h|--help) print_usage "${script}"; exit 0 ;;
    -*) print_usage "${script}" >&2; usage_error "unknown option '$1'" ;;
  esac
}

kube_context() { echo "$1-$2"; }   # kind-NAME / k3d-NAME: what both tools write into the kubeconfig

cni_pod_subnet() {
  case "$1" in
    flannel) echo 10.244.0.0/16 ;;   # kube-flannel.yml net-conf.json Network
    calico) echo 192.168.0.0/16 ;;   # Calico's default IPv4 pool
    weave) echo 10.32.0.0/12 ;;      # Weave's default IPALLOC_RANGE
    *) usage_error "CNI must be one of $(join_by ', ' "${ALLOWED_CNIS[@]}") (got '$1')" ;;
  esac
}

# Node container names, as kind and k3d name them (deterministic, so PLAN=1 can print them).
node_names() {
  local cluster="$1" name="$2" nodes="$3" i
  if [[ "${cluster}" == kind ]]; then
    echo "${name}-control-plane"
    for ((i = 1; i < nodes; i++)); do
      if ((i == 1)); then echo "${name}-worker"; else echo "${name}-worker${i}"; fi
    done
  else
    echo "k3d-${name}-server-0"
    for ((i = 0; i < nodes - 1; i++)); do echo "k3d-${name}-agent-${i}"; done
  fi
}

docker_network() {
  local cluster="$1" name="$2"
  if [[ "${cluster}" == kind ]]; then
    echo "${KIND_EXPERIMENTAL_DOCKER_NETWORK:-kind}"
  else
    echo "${K3D_NETWORK:-k3d-${name}}"
  fi
}

# --- Generated configs ----------------------------------------------------------------------------------
# kind_config CNI NODES [HOST_PORTS]: the kind cluster config. No default CNI (kindnet), the pod subnet is
# the CNI's pool (kind#1216), kube-proxy in PROXY_MODE (kind v1alpha4 `networking.kubeProxyMode`:
# iptables | ipvs | nftables, kubernetes-sigs/kind pkg/apis/config/v1alpha4/types.go), the control-plane is
# labelled ingress-ready and maps the fixed NodePorts and 80/443 (where the ingress controller binds
# hostPorts) to 127.0.0.1 of the host (`listenAddress`; kind's default is 0.0.0.0).
kind_config() {
  local cni="$1" nodes="$2" host_ports="${3:-1}" i mapping
  require_one_of CNI "${cni}" "${ALLOWED_CNIS[@]}"
  require_nodes "${nodes}"
  cat <<EOF
# kind cluster for netpaths with CNI ${cni}: generated by scripts/cluster/lib.sh kind_config.
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: $(cni_pod_subnet "${cni}")
  serviceSubnet: ${SERVICE_SUBNET}
  kubeProxyMode: ${PROXY_MODE:-iptables}
nodes:
  - role: control-plane
    labels:
      ingress-ready: "true"
EOF
  if [[ "${host_ports}" == 1 ]]; then
    echo "    extraPortMappings:"
    for mapping in "${HOST_PORT_MAPPINGS[@]}"; do
      printf '      - containerPort: %s\n        hostPort: %s\n        listenAddress: "%s"\n        protocol: %s\n' \
        "${mapping%/*}" "${mapping%/*}" "${HOST_PORT_ADDRESS}" "${mapping#*/}"
    done
  fi
  for ((i = 1; i < nodes; i++)); do echo "  - role: worker"; done
}

# k3d_args CNI NODES [HOST_PORTS] [NETWORK]: the `k3d cluster create` flags, one per line. k3s's own
# flannel, network policy controller, traefik and servicelb are off (@server:*, not @all:*: k3d#1241);
# MetalLB and our ingress controller replace the last two. kube-proxy runs in PROXY_MODE on servers and
# agents (k3s `--kube-proxy-arg`); host ports are bound on 127.0.0.1 (`--port [HOST:][HOSTPORT:]CONTAINERPORT`,
# k3d-io/k3d cmd/cluster/clusterCreate.go).
k3d_args() {
  local cni="$1" nodes="$2" host_ports="${3:-1}" network="${4:-}" mapping proto
  require_one_of CNI "${cni}" "${ALLOWED_CNIS[@]}"
  require_nodes "${nodes}"
  printf '%s\n' --image "${K3S_IMAGE}" --servers 1 --agents "$((nodes - 1))"
  printf -- '--k3s-arg\n%s@server:*\n' \
    --flannel-backend=none --disable-network-policy --disable=traefik --disable=servicelb \
    "--cluster-cidr=$(cni_pod_subnet "${cni}")" "--service-cidr=${SERVICE_SUBNET}" \
    "--kube-proxy-arg=proxy-mode=${PROXY_MODE:-iptables}"
  if ((nodes > 1)); then printf -- '--k3s-arg\n%s@agent:*\n' "--kube-proxy-arg=proxy-mode=${PROXY_MODE:-iptables}"; fi
  printf '%s\n' --k3s-node-label 'ingress-ready=true@server:0'
  if [[ "${host_ports}" == 1 ]]; then
    for mapping in "${HOST_PORT_MAPPINGS[@]}"; do
      proto="$(tr '[:upper:]' '[:lower:]' <<<"${mapping#*/}")"
      printf '%s\n' --port "${HOST_PORT_ADDRESS}:${mapping%/*}:${mapping%/*}/${proto}@server:0"
    done
  fi
  if [[ -n "${network}" ]]; then printf '%s\n' --network "${network}"; fi
  printf '%s\n' --wait --timeout "${WAIT_TIMEOUT:-300}s"
}

# calico_installation CLUSTER [ENCAP]: the operator's Installation. ENCAP (CALICO_ENCAP) picks the pool's
# encapsulation: vxlan (VXLAN, the default: works on any Docker host, BGP off), ipip (IPIP over BGP-learnt
# routes; the host kernel needs the ipip module) or none (plain BGP routes between nodes on one L2
# network, which every kind/k3d node network is). Field values from projectcalico/calico
# api/pkg/apis/projectcalico/v3 and the operator's Installation CRD (bgp: Enabled|Disabled,
# encapsulation: IPIP|VXLAN|None). k3s needs containerIPForwarding (k3d#898).
calico_installation() {
  local cluster="$1" encap="${2:-${CALICO_ENCAP:-vxlan}}" pool_encap bgp
  case "${encap}" in
    vxlan) pool_encap=VXLAN; bgp=Disabled ;;
    ipip) pool_encap=IPIP; bgp=Enabled ;;
    none) pool_encap=None; bgp=Enabled ;;
    *) usage_error "CALICO_ENCAP must be one of $(join_by ', ' "${ALLOWED_CALICO_ENCAPS[@]}") (got '${encap}')" ;;
  esac
  cat <<EOF
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  calicoNetwork:
    bgp: ${bgp}
EOF
  if [[ "${cluster}" == k3d ]]; then echo "    containerIPForwarding: Enabled"; fi
  cat <<EOF
    ipPools:
      - name: default-ipv4-ippool
        cidr: $(cni_pod_subnet calico)
        encapsulation: ${pool_encap}
        natOutgoing: Enabled
        nodeSelector: all()
EOF
}

# cni_plugins_needed CLUSTER CNI: reference CNI plugins the nodes lack for this CNI, copied in by up.sh.
#   kind: node images ship host-local, loopback, ptp and portmap (containernetworking/plugins v1.9.1,
#         kubernetes-sigs/kind images/base/Dockerfile) but not bridge (kind#1340, flannel#1847), which
#         Flannel delegates to. Weave brings its own plugin and uses kind's portmap. Never overwrite
#         kind's plugins with older ones.
#   k3d:  with --flannel-backend=none k3s's bundled plugins are not in /opt/cni/bin, where the CNI's
#         config points the runtime; Calico installs its own, Flannel and Weave do not.
cni_plugins_needed() {
  case "$1/$2" in
    kind/flannel) echo "bridge" ;;
    kind/weave) echo "" ;;
    k3d/flannel) echo "bridge host-local loopback portmap" ;;
    k3d/weave) echo "host-local loopback portmap" ;;
    */calico) echo "" ;;
    *) usage_error "unknown CLUSTER/CNI '$1/$2'" ;;
  esac
}

# weave_manifest_env RANGE MODE < weave-daemonset-k8s-1.11.yaml: the manifest with IPALLOC_RANGE (and for
# MODE=sleeve WEAVE_NO_FASTDP=1) added to the env of container "weave". Fails when that env is not found.
weave_manifest_env() {
  local range="$1" mode="$2" out
  out="$(awk -v range="${range}" -v sleeve="$([[ "${mode}" == sleeve ]] && echo 1 || echo 0)" '
    /^[[:space:]]*- name: weave[[:space:]]*$/ { in_weave = 1 }
    { print }
    in_weave && /^[[:space:]]*env:[[:space:]]*$/ {
      pad = $0; sub(/env:.*/, "", pad); pad = pad "  "
      print pad "- name: IPALLOC_RANGE"; print pad "  value: \"" range "\""
      if (sleeve) { print pad "- name: WEAVE_NO_FASTDP"; print pad "  value: \"1\"" }
      in_weave = 0; done = 1
    }
    END { if (!done) exit 3 }')" || die "the Weave manifest has no container 'weave' with an env list: is WEAVE_MANIFEST_URL (${WEAVE_MANIFEST_URL:-}) the rajch/weave weave-daemonset-k8s-1.11.yaml?"
  printf '%s\n' "${out}"
}

# --- MetalLB range --------------------------------------------------------------------------------------
ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}
int_to_ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }

# metallb_range INDEX < docker-network-inspect.json: an address range near the top of the network's IPv4
# subnet (IPv6 subnets ignored), far from the addresses Docker hands out from the bottom.
#   /23 or larger: slice INDEX is the INDEX-th /24 from the top, .200-.250 (a /16: x.y.255.200-x.y.255.250,
#                  then x.y.254.200-x.y.254.250 for the second cluster)
#   /24: two slices, .200-.224 and .225-.250.  Smaller: refused.
metallb_range() {
  local index="${1:-0}" json subnet network prefix size top base first last
  json="$(cat)"
  [[ -n "${json//[[:space:]]/}" ]] || die "no Docker network JSON on input: expected the output of 'docker network inspect NAME'"
  subnet="$(jq -r '[.[0].IPAM.Config[]?.Subnet // empty | select(test("^[0-9.]+/[0-9]+$"))][0] // empty' <<<"${json}" 2>/dev/null)" \
    || die "Docker network JSON could not be parsed: expected the output of 'docker network inspect NAME'"
  [[ -n "${subnet}" ]] \
    || die "the Docker network has no IPv4 subnet (found: $(jq -r '[.[0].IPAM.Config[]?.Subnet] | join(", ")' <<<"${json}" 2>/dev/null)); MetalLB needs one"
  prefix="${subnet#*/}"
  ((prefix <= 24)) || die "the Docker network's subnet ${subnet} is too small for a MetalLB pool (need /24 or larger)"
  size=$((1 << (32 - prefix)))
  network=$(($(ip_to_int "${subnet%/*}") & ~(size - 1) & 0xFFFFFFFF))
  top=$((network + size - 256))        # the highest /24 of the subnet
  if ((prefix == 24)); then
    ((index <= 1)) || die "subnet ${subnet} holds 2 MetalLB slices; slice ${index} does not fit"
    first=$((top + 200 + 25 * index)); last=$((first + 24 + index))
  else
    base=$((top - 256 * index))
    ((base >= network)) || die "subnet ${subnet} holds $((size / 256)) MetalLB slices; slice ${index} does not fit"
    first=$((base + 200)); last=$((base + 250))
  fi
  echo "$(int_to_ip "${first}")-$(int_to_ip "${last}")"
}

# cidr_overlap A B: true when the IPv4 CIDRs A and B share an address (one contains the other's start).
cidr_overlap() {
  local a="$1" b="$2" bits mask
  bits=$(( ${a#*/} < ${b#*/} ? ${a#*/} : ${b#*/} ))
  mask=$(( bits == 0 ? 0 : (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF ))
  (( ($(ip_to_int "${a%/*}") & mask) == ($(ip_to_int "${b%/*}") & mask) ))
}

# ipv4_subnets < docker-network-inspect.json: the network's IPv4 subnets, one a line.
ipv4_subnets() {
  jq -r '.[0].IPAM.Config[]?.Subnet // empty | select(test("^[0-9.]+/[0-9]+$"))' 2>/dev/null \
    || die "Docker network JSON could not be parsed: expected the output of 'docker network inspect NAME'"
}

# network_json CLUSTER NAME: `docker network inspect` output for the cluster's network.
network_json() {
  if [[ -n "${NETPATHS_NETWORK_JSON:-}" ]]; then
    [[ -r "${NETPATHS_NETWORK_JSON}" ]] || die "NETPATHS_NETWORK_JSON=${NETPATHS_NETWORK_JSON} is not a readable file"
    cat "${NETPATHS_NETWORK_JSON}"
  else
    docker network inspect "$(docker_network "$1" "$2")"
  fi
}

# render_metallb DIR RANGE: the committed MetalLB objects (gateway-config/metallb/) with every address
# entry replaced by RANGE. The committed files stay untouched.
render_metallb() {
  local dir="$1" range="$2" rendered
  [[ -d "${dir}" ]] || die "${dir} not found: the MetalLB pool (metallb-system/netpaths-pool) lives there"
  if [[ -f "${dir}/kustomization.yaml" ]]; then
    rendered="$(kubectl kustomize "${dir}")"
  else
    rendered="$(find "${dir}" -maxdepth 1 -name '*.yaml' -type f | sort | while IFS= read -r f; do echo "---"; cat "${f}"; done)"
  fi
  grep -Eq '^[[:space:]]*-[[:space:]]*["'"'"']?[0-9]+(\.[0-9]+){3}(-[0-9]+(\.[0-9]+){3}|/[0-9]+)["'"'"']?[[:space:]]*$' <<<"${rendered}" \
    || die "no address entry ('- a.b.c.d-e.f.g.h' or '- a.b.c.d/n') found in ${dir}"
  sed -E 's#^([[:space:]]*-[[:space:]]*)["'"'"']?[0-9]+(\.[0-9]+){3}(-[0-9]+(\.[0-9]+){3}|/[0-9]+)["'"'"']?[[:space:]]*$#\1'"${range}"'#' <<<"${rendered}"
}

# --- Images ---------------------------------------------------------------------------------------------
# The service images (docs/architecture.md): Jib builds netpaths/<module>:IMAGE_TAG; images.sh also tags
# each by content (IMAGE_TAG-<12 hex digits of the image ID>) and loads that tag, which deploy.sh writes
# into the pod specs: a rebuilt image changes the spec and rolls the pods, an unchanged one does not.
IMAGE_MODULES=(echo-service caller-service sidecar-demo)
IMAGE_TAG=0.1.0

# image_ref MODULE: netpaths/MODULE:IMAGE_TAG-<content>, from the local Docker daemon.
image_ref() {
  local base="netpaths/$1:${IMAGE_TAG}" id
  if is_plan; then echo "${base}-<image id>"; return 0; fi
  id="$(docker image inspect -f '{{.Id}}' "${base}" 2>/dev/null)" \
    || die "image ${base} is not in the local Docker daemon: build and load it first (make images)"
  id="${id#sha256:}"
  echo "${base}-${id:0:12}"
}

# rename_overlay NAME IMAGE... < rendered overlay: every CLUSTER_NAME env value set to NAME and every
# netpaths/<module>:IMAGE_TAG replaced by the matching IMAGE. Fails when either is not found.
rename_overlay() {
  local name="$1"; shift
  awk -v name="${name}" -v images="$*" -v tag="${IMAGE_TAG}" '
    BEGIN { n = split(images, img, " ") }
    after_name && /^[[:space:]]*value:/ { sub(/value:.*/, "value: " name); renamed++ }
    { after_name = ($0 ~ /^[[:space:]]*- name: CLUSTER_NAME[[:space:]]*$/) }
    /^[[:space:]]*image: netpaths\// {
      for (i = 1; i <= n; i++) {
        base = img[i]; sub(/:[^:]*$/, "", base)
        if (index($0, "image: " base ":" tag) && $0 ~ (":" tag "[[:space:]]*$")) { sub(/image: .*/, "image: " img[i]); swapped++ }
      }
    }
    { print }
    END { if (!renamed) exit 3; if (n && !swapped) exit 4 }' \
    || die "the rendered overlay has no CLUSTER_NAME env or no netpaths/<module>:${IMAGE_TAG} image to set (k8s/components/cluster-name, k8s/base)"
}

# --- Running, or printing the plan ----------------------------------------------------------------------
is_plan() { [[ "${PLAN:-0}" == 1 ]]; }

# Quotes one word for the plan only when the shell would need it.
shell_word() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=@,+%^-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
shell_line() {
  local out="" w
  for w in "$@"; do out+="$(shell_word "${w}") "; done
  printf '%s\n' "${out% }"
}

# run CMD...: run it, or print it under PLAN=1.
run() {
  if is_plan; then shell_line "$@"; else "$@"; fi
}

# run_in DIR CMD...: run CMD in DIR (a subshell; the caller's directory stays).
run_in() {
  local dir="$1"; shift
  if is_plan; then printf '(cd %s && %s)\n' "$(shell_word "${dir}")" "$(shell_line "$@")"; else (cd "${dir}" && "$@"); fi
}

# run_input TEXT CMD...: CMD reads TEXT on stdin (printed as a here-document under PLAN=1).
run_input() {
  local text="$1"; shift
  if is_plan; then
    printf '%s <<'"'"'EOF'"'"'\n%s\nEOF\n' "$(shell_line "$@")" "${text}"
  else
    "$@" <<<"${text}"
  fi
}

# write_file PATH TEXT: a generated file (under PLAN=1: the here-document that writes it).
write_file() {
  local path="$1" text="$2"
  if is_plan; then
    printf 'mkdir -p %s\ncat > %s <<'"'"'EOF'"'"'\n%s\nEOF\n' "$(shell_word "$(dirname "${path}")")" "$(shell_word "${path}")" "${text}"
  else
    mkdir -p "$(dirname "${path}")"
    printf '%s\n' "${text}" >"${path}"
  fi
}

plan_note() { if is_plan; then printf '# %s\n' "$*"; fi; }
# done_note MESSAGE: the closing line; under PLAN=1 it says that nothing ran.
done_note() { if is_plan; then log "PLAN=1: printed the plan; nothing was run"; else log "$*"; fi; }
step() { if is_plan; then printf '\n# == %s\n' "$*"; else log "== $*"; fi; }

kc() { run kubectl --context "${KUBE_CONTEXT}" "$@"; }

# run_pipe CMD1... '|' CMD2...: CMD1's output into CMD2 (one pipeline line under PLAN=1).
run_pipe() {
  local left=()
  while [[ $# -gt 0 && "$1" != '|' ]]; do left+=("$1"); shift; done
  [[ $# -gt 1 ]] || die "run_pipe: no '|' in the command"
  shift
  if is_plan; then printf '%s | %s\n' "$(shell_line "${left[@]}")" "$(shell_line "$@")"; else "${left[@]}" | "$@"; fi
}

# kc_get ARGS...: a read-only kubectl query of the current context (never printed, never run under PLAN=1).
kc_get() { ! is_plan && kubectl --context "${KUBE_CONTEXT}" "$@" 2>/dev/null; }

# --- Waits ----------------------------------------------------------------------------------------------
# debug_dump NAMESPACE: what a person would look at first when a wait times out: nodes, pods, recent
# events, and describe + logs of every pod whose containers are not all ready (CrashLoopBackOff included).
debug_dump() {
  local ns="$1" pod
  is_plan && return 0
  log "---- debug dump: namespace ${ns} (context ${KUBE_CONTEXT}) ----"
  kubectl --context "${KUBE_CONTEXT}" get nodes -o wide >&2 || true
  kubectl --context "${KUBE_CONTEXT}" -n "${ns}" get pods -o wide >&2 || true
  kubectl --context "${KUBE_CONTEXT}" -n "${ns}" get events --sort-by=.lastTimestamp 2>&1 | tail -n 30 >&2 || true
  while IFS= read -r pod; do
    [[ -n "${pod}" ]] || continue
    log "---- ${ns}/${pod}: describe (tail) and logs ----"
    kubectl --context "${KUBE_CONTEXT}" -n "${ns}" describe "${pod}" 2>&1 | tail -n 25 >&2 || true
    kubectl --context "${KUBE_CONTEXT}" -n "${ns}" logs "${pod}" --all-containers --tail=40 >&2 2>&1 || true
    kubectl --context "${KUBE_CONTEXT}" -n "${ns}" logs "${pod}" --all-containers --previous --tail=20 >&2 2>&1 || true
  done < <(kubectl --context "${KUBE_CONTEXT}" -n "${ns}" get pods --no-headers 2>/dev/null \
             | awk '{ split($2, r, "/"); if (r[1] != r[2] && $3 != "Completed") print "pod/" $1 }' || true)
}

# wait_or_dump NAMESPACE WHAT CMD...: a bounded wait (CMD carries its own --timeout); on failure the
# debug dump of NAMESPACE and a clear error.
wait_or_dump() {
  local ns="$1" what="$2"; shift 2
  if is_plan; then shell_line "$@"; return 0; fi
  log "waiting up to ${WAIT_TIMEOUT}s for ${what}"
  if ! "$@"; then
    debug_dump "${ns}"
    die "timed out after ${WAIT_TIMEOUT}s waiting for ${what} (debug dump above)"
  fi
}

# wait_rollout NAMESPACE KIND/NAME
wait_rollout() {
  wait_or_dump "$1" "$1/$2 to roll out" \
    kubectl --context "${KUBE_CONTEXT}" -n "$1" rollout status "$2" --timeout="${WAIT_TIMEOUT}s"
}

# wait_exists NAMESPACE KIND/NAME: for objects an operator creates later (kubectl wait fails on absent ones).
wait_exists() {
  local ns="$1" obj="$2" deadline
  if is_plan; then
    printf 'timeout %s sh -c %s\n' "${WAIT_TIMEOUT}" \
      "'until kubectl --context ${KUBE_CONTEXT} -n ${ns} get ${obj} >/dev/null 2>&1; do sleep 5; done'"
    return 0
  fi
  deadline=$((SECONDS + WAIT_TIMEOUT))
  until kubectl --context "${KUBE_CONTEXT}" -n "${ns}" get "${obj}" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      debug_dump "${ns}"
      die "timed out after ${WAIT_TIMEOUT}s waiting for ${ns}/${obj} to be created (debug dump above)"
    fi
    sleep 5
  done
}

# retry ATTEMPTS DELAY CMD...: for calls a starting webhook may reject.
retry() {
  local attempts="$1" delay="$2" i; shift 2
  if is_plan; then plan_note "retried up to ${attempts} times, ${delay}s apart, while webhooks start:"; fi
  for ((i = 1; i <= attempts; i++)); do
    if run "$@"; then return 0; fi
    ((i < attempts)) && { warn "attempt ${i}/${attempts} failed; retrying in ${delay}s"; sleep "${delay}"; }
  done
  die "gave up after ${attempts} attempts: $(shell_line "$@")"
}

retry_input() {
  local attempts="$1" delay="$2" text="$3" i; shift 3
  if is_plan; then plan_note "retried up to ${attempts} times, ${delay}s apart, while webhooks start:"; fi
  for ((i = 1; i <= attempts; i++)); do
    if run_input "${text}" "$@"; then return 0; fi
    ((i < attempts)) && { warn "attempt ${i}/${attempts} failed; retrying in ${delay}s"; sleep "${delay}"; }
  done
  die "gave up after ${attempts} attempts: $(shell_line "$@")"
}

# nginx_ic_values: Helm values for the F5 NGINX Ingress Controller. It runs on the ingress-ready node
# (kind's control-plane, k3d's server-0) with hostPorts 80/443, which the cluster maps to the host, and
# keeps its LoadBalancer Service (an address from MetalLB).
nginx_ic_values() {
  cat <<EOF
controller:
  ingressClass:
    name: nginx
    create: true
    setAsDefaultIngress: false
  hostPort:
    enable: true
    http: 80
    https: 443
  nodeSelector:
    ingress-ready: "true"
  tolerations:
    - key: node-role.kubernetes.io/control-plane
      operator: Exists
      effect: NoSchedule
  service:
    type: LoadBalancer
    # The chart's default is Local (nginx/kubernetes-ingress v5.5.4 charts/nginx-ingress/values.yaml,
    # controller.service.externalTrafficPolicy). Local announces the address only from a node with a ready
    # controller pod, and the controller runs on the control plane (ingress-ready), which MetalLB never
    # elects (node.kubernetes.io/exclude-from-external-load-balancers): the Ingress address would go dark.
    externalTrafficPolicy: Cluster
  # One replica holding hostPorts 80/443 on the only ingress-ready node: a RollingUpdate surge pod could
  # never be scheduled, so an upgrade would never finish (chart default strategy: {} = RollingUpdate,
  # nginx/kubernetes-ingress charts/nginx-ingress/values.yaml).
  strategy:
    type: Recreate
EOF
}

# --- Preflight ------------------------------------------------------------------------------------------
# versions_check SCOPE: scripts/cluster/versions.sh check SCOPE before anything is created (it skips with
# a note when offline). VERSIONS_CHECK=0 skips it.
versions_check() {
  if [[ "${VERSIONS_CHECK:-1}" == 0 ]]; then log "VERSIONS_CHECK=0: not checking the pins"; return 0; fi
  if is_plan; then plan_note "preflight: would run scripts/cluster/versions.sh check $1 (every pin it uses exists upstream; skipped when offline)"; return 0; fi
  "${LIB_DIR}/versions.sh" check "$1"
}
# version_ge HAVE MIN (leading "v" ignored)
version_ge() {
  local have="${1#v}" min="${2#v}"
  [[ "$(printf '%s\n%s\n' "${min}" "${have}" | sort -V | head -n1)" == "${min}" ]]
}

tool_version() {
  case "$1" in
    docker) docker version --format '{{.Client.Version}}' 2>/dev/null ;;
    kind) kind version 2>/dev/null | awk '{print $2}' ;;
    k3d) k3d version 2>/dev/null | awk '/^k3d version/ {print $3}' ;;
    kubectl) kubectl version --client -o json 2>/dev/null | jq -r '.clientVersion.gitVersion' | sed 's/-.*//' ;;
    helm) helm version --template '{{.Version}}' 2>/dev/null ;;
    java) java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | sed 's/^1\.//; s/[._].*//' ;;
    *) echo "" ;;
  esac
}

install_hint() {
  case "$1" in
    docker) echo "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop" ;;
    kind) echo "go install sigs.k8s.io/kind@${KIND_VERSION}, or the binary from https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    k3d) echo "curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | TAG=${K3D_VERSION} bash" ;;
    kubectl) echo "https://kubernetes.io/docs/tasks/tools/ (version ${KUBECTL_VERSION})" ;;
    helm) echo "https://helm.sh/docs/intro/install/ (version ${HELM_VERSION})" ;;
    java) echo "a JDK ${MIN_JAVA_VERSION} or newer (Debian: apt-get install openjdk-17-jdk-headless)" ;;
    jq) echo "apt-get install jq / brew install jq" ;;
    mvn) echo "Maven 3.9+ (apt-get install maven)" ;;
    *) echo "install $1" ;;
  esac
}

# preflight_tool NAME [MIN_VERSION]
preflight_tool() {
  local tool="$1" min="${2:-}" have
  if is_plan; then plan_note "preflight: would check ${tool} is installed${min:+ (>= ${min})}"; return 0; fi
  command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found: $(install_hint "${tool}")"
  [[ -n "${min}" ]] || return 0
  have="$(tool_version "${tool}")"
  [[ -n "${have}" ]] || { warn "could not read the version of ${tool}; need >= ${min}"; return 0; }
  version_ge "${have}" "${min}" || die "${tool} ${have} is too old: need >= ${min}; $(install_hint "${tool}")"
}

preflight_docker() {
  if is_plan; then plan_note "preflight: would check the Docker daemon answers (docker info)"; return 0; fi
  preflight_tool docker "${MIN_DOCKER_VERSION}"
  docker info >/dev/null 2>&1 \
    || die "the Docker daemon is not reachable: start it (sudo systemctl start docker, or open Docker Desktop) and check 'docker info'"
}

# inotify limits: multi-node kind clusters exhaust the defaults (kind#2586).
preflight_inotify() {
  local nodes="$1" key min have
  ((nodes > 1)) || return 0
  for key in max_user_watches max_user_instances; do
    if [[ "${key}" == max_user_watches ]]; then min="${MIN_INOTIFY_MAX_USER_WATCHES}"; else min="${MIN_INOTIFY_MAX_USER_INSTANCES}"; fi
    if is_plan; then plan_note "preflight: would check fs.inotify.${key} >= ${min} (multi-node cluster)"; continue; fi
    [[ -r "${NETPATHS_INOTIFY_DIR:-/proc/sys/fs/inotify}/${key}" ]] || continue   # not Linux (Docker Desktop): its VM has its own limits
    have="$(cat "${NETPATHS_INOTIFY_DIR:-/proc/sys/fs/inotify}/${key}")"
    ((have >= min)) || die "fs.inotify.${key} is ${have}, a ${nodes}-node cluster needs >= ${min} (kind#2586): sudo sysctl fs.inotify.${key}=${min} (persist it in /etc/sysctl.d/)"
  done
}

# The kube context must reach a cluster (add-ons, images, deploy, conformance come after make up).
preflight_cluster() {
  if is_plan; then plan_note "preflight: would check the kube context ${KUBE_CONTEXT} reaches a cluster (kubectl cluster-info)"; return 0; fi
  kubectl --context "${KUBE_CONTEXT}" cluster-info >/dev/null 2>&1 \
    || die "kube context ${KUBE_CONTEXT} reaches no cluster: create it first (CLUSTER=${CLUSTER} CNI=${CNI} make up)"
}

# The host ports the cluster maps must be free (only checked before creating it).
preflight_ports() {
  local mapping port proto busy
  for mapping in "${HOST_PORT_MAPPINGS[@]}"; do
    port="${mapping%/*}"; proto="${mapping#*/}"
    if is_plan; then plan_note "preflight: would check host port ${port}/${proto} is free"; continue; fi
    busy=0
    if command -v ss >/dev/null 2>&1; then
      if [[ "${proto}" == UDP ]]; then
        [[ -n "$(ss -Hlun "sport = :${port}" 2>/dev/null)" ]] && busy=1
      else
        [[ -n "$(ss -Hltn "sport = :${port}" 2>/dev/null)" ]] && busy=1
      fi
    elif command -v lsof >/dev/null 2>&1; then
      # -sTCP:LISTEN: plain -iTCP:80 also matches outgoing connections to port 80 (macOS has no ss).
      if [[ "${proto}" == UDP ]]; then
        lsof -nP "-iUDP:${port}" >/dev/null 2>&1 && busy=1
      else
        lsof -nP "-iTCP:${port}" -sTCP:LISTEN >/dev/null 2>&1 && busy=1
      fi
    else
      warn "neither ss nor lsof found: cannot check host port ${port}/${proto}"; continue
    fi
    ((busy == 0)) || die "host port ${port}/${proto} is in use; the cluster maps it (docs/architecture.md). Free it, or create a second cluster with HOST_PORTS=0"
  done
}
