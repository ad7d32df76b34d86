#!/usr/bin/env bats
# The generated cluster configs: kind YAML and k3d flags for every CNI (lib.sh kind_config, k3d_args).

load helpers

setup() { setup_stubs; }

pool() {
  case "$1" in flannel) echo 10.244.0.0/16 ;; calico) echo 192.168.0.0/16 ;; weave) echo 10.32.0.0/12 ;; esac
}

# kind: default CNI off, pod subnet = the CNI's pool, Service subnet fixed.
kind_config_has_cni_pool() {
  run lib kind_config "$1" 3
  assert_status 0
  assert_has "disableDefaultCNI: true"
  assert_has "podSubnet: $(pool "$1")"
  assert_has "serviceSubnet: 10.96.0.0/12"
  assert_count 1 "podSubnet:"
}

@test "kind config for flannel disables kindnet and uses 10.244.0.0/16" { kind_config_has_cni_pool flannel; }
@test "kind config for calico disables kindnet and uses 192.168.0.0/16" { kind_config_has_cni_pool calico; }
@test "kind config for weave disables kindnet and uses 10.32.0.0/12" { kind_config_has_cni_pool weave; }

@test "kind config is valid YAML with 1 control-plane, NODES-1 workers and the fixed ports on the control-plane" {
  python3 -c 'import yaml' 2>/dev/null || skip "python3 yaml module not installed"
  run lib kind_config calico 4
  assert_status 0
  run python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
roles = [n["role"] for n in c["nodes"]]
assert c["kind"] == "Cluster" and c["apiVersion"] == "kind.x-k8s.io/v1alpha4", c
assert c["networking"] == {"disableDefaultCNI": True, "podSubnet": "192.168.0.0/16", "serviceSubnet": "10.96.0.0/12", "kubeProxyMode": "iptables"}, c["networking"]
assert roles == ["control-plane", "worker", "worker", "worker"], roles
cp = c["nodes"][0]
ports = sorted((m["containerPort"], m["hostPort"], m["protocol"]) for m in cp["extraPortMappings"])
assert ports == [(80, 80, "TCP"), (443, 443, "TCP"), (30080, 30080, "TCP"), (30081, 30081, "UDP"), (30090, 30090, "TCP")], ports
# the mappings listen on the host loopback only (kind default 0.0.0.0 would face the LAN)
assert all(m["listenAddress"] == "127.0.0.1" for m in cp["extraPortMappings"]), cp["extraPortMappings"]
assert cp["labels"] == {"ingress-ready": "true"}, cp
assert all("extraPortMappings" not in n for n in c["nodes"][1:])
print("ok")' <<<"${output}"
  assert_status 0
  assert_has ok
}

@test "kind config maps 30081 as UDP and the other NodePorts as TCP" {
  run lib kind_config flannel 1
  assert_status 0
  assert_in_order "containerPort: 30080" "protocol: TCP" "containerPort: 30081" "protocol: UDP" \
    "containerPort: 30090" "protocol: TCP" "containerPort: 80" "containerPort: 443"
  assert_count 0 "role: worker"
}

@test "kind config for a second cluster (HOST_PORTS=0) maps no host ports" {
  run lib kind_config flannel 2 0
  assert_status 0
  assert_lacks "extraPortMappings"
  assert_lacks "hostPort"
  assert_count 1 "role: worker"
}

k3d_args_for_cni() {
  run lib k3d_args "$1" 3
  assert_status 0
  # one flag per line: flags and their values alternate
  assert_in_order "--image" "rancher/k3s:" "--servers" "1" "--agents" "2"
  assert_has "--flannel-backend=none@server:*"
  assert_has "--disable-network-policy@server:*"
  assert_has "--disable=traefik@server:*"
  assert_has "--disable=servicelb@server:*"
  assert_has "--cluster-cidr=$(pool "$1")@server:*"
  assert_has "--service-cidr=10.96.0.0/12@server:*"
  assert_lacks "@all:*"
  assert_has "30080:30080/tcp@server:0"
  assert_has "30081:30081/udp@server:0"
  assert_has "30090:30090/tcp@server:0"
  assert_has "80:80/tcp@server:0"
  assert_has "443:443/tcp@server:0"
  assert_has "ingress-ready=true@server:0"
}

@test "k3d flags for flannel: k3s flannel/netpol/traefik/servicelb off, pod CIDR 10.244.0.0/16, ports mapped" { k3d_args_for_cni flannel; }
@test "k3d flags for calico: k3s flannel/netpol/traefik/servicelb off, pod CIDR 192.168.0.0/16, ports mapped" { k3d_args_for_cni calico; }
@test "k3d flags for weave: k3s flannel/netpol/traefik/servicelb off, pod CIDR 10.32.0.0/12, ports mapped" { k3d_args_for_cni weave; }

@test "k3d flags pin the k3s image from versions.env" {
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
  run lib k3d_args flannel 1
  assert_has "${K3S_IMAGE}"
  assert_in_order "--agents" "0"
}

@test "k3d flags for the second cluster join the first cluster's network and map no ports" {
  run lib k3d_args calico 2 0 k3d-netpaths
  assert_status 0
  assert_in_order "--network" "k3d-netpaths"
  assert_lacks "--port"
}

@test "Calico Installation sets containerIPForwarding on k3d only, pool 192.168.0.0/16" {
  run lib calico_installation k3d
  assert_has "containerIPForwarding: Enabled"
  assert_has "cidr: 192.168.0.0/16"
  run lib calico_installation kind
  assert_lacks "containerIPForwarding"
  assert_has "cidr: 192.168.0.0/16"
}

@test "CNI plugins copied into nodes: only bridge for Flannel on kind (kind ships portmap), none for Weave on kind or Calico" {
  run lib cni_plugins_needed kind flannel
  [ "${output}" = "bridge" ]
  run lib cni_plugins_needed kind weave
  [ -z "${output}" ]
  run lib cni_plugins_needed kind calico
  [ -z "${output}" ]
  run lib cni_plugins_needed k3d calico
  [ -z "${output}" ]
  run lib cni_plugins_needed k3d flannel
  [ "${output}" = "bridge host-local loopback portmap" ]
}

@test "node names follow kind's and k3d's naming" {
  run lib node_names kind netpaths 3
  [ "${output}" = "$(printf 'netpaths-control-plane\nnetpaths-worker\nnetpaths-worker2')" ]
  run lib node_names k3d netpaths 2
  [ "${output}" = "$(printf 'k3d-netpaths-server-0\nk3d-netpaths-agent-0')" ]
}

@test "every pinned version is set, and no image is pinned to :latest" {
  run grep -E '^[A-Z0-9_]+=$' "${REPO_ROOT}/scripts/versions.env"
  assert_status 1
  run grep -nE ':latest|=latest' "${REPO_ROOT}/scripts/versions.env"
  assert_status 1
  run grep -cE '^[A-Z0-9_]+=[^ ]+$' "${REPO_ROOT}/scripts/versions.env"
  [ "${output}" -ge 25 ]
  # GitHub's env file format: every non-comment line is NAME=value
  run grep -vE '^(#.*|[A-Z0-9_]+=[^ "'"'"']+)?$' "${REPO_ROOT}/scripts/versions.env"
  assert_status 1
}

@test "Calico encapsulation choices: vxlan = VXLAN with BGP off, ipip = IPIP with BGP, none = plain BGP routes" {
  run lib calico_installation kind vxlan
  assert_has "encapsulation: VXLAN"; assert_has "bgp: Disabled"
  run lib calico_installation kind ipip
  assert_has "encapsulation: IPIP"; assert_has "bgp: Enabled"
  run lib calico_installation k3d none
  assert_has "encapsulation: None"; assert_has "bgp: Enabled"; assert_has "containerIPForwarding: Enabled"
  run lib calico_installation kind gre
  assert_status 2
}

@test "CIDR overlap: Calico's 192.168.0.0/16 meets a 192.168.16.0/20 Docker network, not 172.18.0.0/16" {
  run lib cidr_overlap 192.168.16.0/20 192.168.0.0/16
  assert_status 0
  run lib cidr_overlap 192.168.0.0/16 192.168.16.0/20
  assert_status 0
  run lib cidr_overlap 172.18.0.0/16 192.168.0.0/16
  assert_status 1
  run lib cidr_overlap 10.32.0.0/12 10.44.0.0/16
  assert_status 0
  run lib cidr_overlap 10.32.0.0/12 10.48.0.0/16
  assert_status 1
}

@test "kube-proxy mode reaches the kind config and both k3s node roles; k3d ports bind 127.0.0.1" {
  PROXY_MODE=nftables run lib kind_config flannel 2
  assert_has "kubeProxyMode: nftables"
  PROXY_MODE=ipvs run lib k3d_args flannel 2
  assert_has "--kube-proxy-arg=proxy-mode=ipvs@server:*"
  assert_has "--kube-proxy-arg=proxy-mode=ipvs@agent:*"
  assert_has "127.0.0.1:80:80/tcp@server:0"
  PROXY_MODE=ipvs run lib k3d_args flannel 1
  assert_lacks "@agent:*"
}

@test "the one overlay (kind and k3d) renders with imagePullPolicy Never and a renamable CLUSTER_NAME" {
  local kubectl rendered
  kubectl="$(PATH="${PATH#*:}" command -v kubectl)" || skip "kubectl not installed"   # past the stubs
  # deploy.sh applies lib.sh OVERLAY for both clusters; no other overlay exists to drift from it
  run bash -c 'source "$1/lib.sh"; echo "${OVERLAY}"' _ "${CLUSTER_DIR}"
  [ "${output}" = "k8s/overlays/kind" ]
  run bash -c 'ls -d "$1"/k8s/overlays/*/' _ "${REPO_ROOT}"
  [ "$(wc -l <<<"${output}")" -eq 1 ]
  rendered="$("${kubectl}" kustomize "${REPO_ROOT}/k8s/overlays/kind")"
  output="${rendered}"
  assert_lacks "imagePullPolicy: IfNotPresent"
  assert_count 8 "imagePullPolicy: Never"
  run bash -c 'source "$1/lib.sh"; rename_overlay netpaths-b netpaths/echo-service:0.1.0-a netpaths/caller-service:0.1.0-b netpaths/sidecar-demo:0.1.0-c <<<"$2"' _ "${CLUSTER_DIR}" "${rendered}"
  assert_status 0
  assert_count 8 "value: netpaths-b"
  [ "$(grep -cE '^[[:space:]]*value: netpaths$' <<<"${output}")" -eq 0 ]
  [ "$(grep -cE 'image: netpaths/[a-z-]+:0\.1\.0$' <<<"${output}")" -eq 0 ]
  assert_has "image: netpaths/sidecar-demo:0.1.0-c"
}

@test "rendering refuses an overlay with no CLUSTER_NAME env, and a Weave manifest with no weave container env" {
  run bash -c 'source "$1/lib.sh"; printf "kind: Deployment\n" | rename_overlay netpaths-b' _ "${CLUSTER_DIR}"
  assert_status 1
  assert_has "no CLUSTER_NAME env"
  run bash -c 'source "$1/lib.sh"; printf "items:\n  - name: weave-npc\n    env:\n" | weave_manifest_env 10.32.0.0/12 fastdp' _ "${CLUSTER_DIR}"
  assert_status 1
  assert_has "has no container 'weave' with an env list"
  run bash -c 'source "$1/lib.sh"; weave_manifest_env 10.32.0.0/12 fastdp <"$2"' _ "${CLUSTER_DIR}" "${FIXTURES}/weave-daemonset.yaml"
  assert_status 0
  assert_count 1 "name: IPALLOC_RANGE"
  assert_in_order "- name: weave" "env:" "- name: IPALLOC_RANGE" 'value: "10.32.0.0/12"' "- name: INIT_CONTAINER" "- name: weave-npc"
}

@test "port preflight without ss (macOS): TCP uses lsof -sTCP:LISTEN, so a client connection to port 80 is not 'in use'" {
  local bin="${BATS_TEST_TMPDIR}/no-ss" tool
  mkdir -p "${bin}"
  for tool in dirname basename; do ln -s "$(command -v "${tool}")" "${bin}/${tool}"; done
  # lsof answers like a Mac with a browser connected to some site's port 80 and a listener on 443: plain
  # -iTCP:80 matches the outgoing connection, -iTCP:80 -sTCP:LISTEN does not.
  cat >"${bin}/lsof" <<'STUB'
#!/bin/bash
echo "lsof $*" >>"${LSOF_CALLS}"
case "$*" in
  *"-iTCP:443 -sTCP:LISTEN"*) exit 0 ;;
  *"-iTCP:80 -sTCP:LISTEN"*) exit 1 ;;
  *"-iTCP:80"*) exit 0 ;;
esac
exit 1
STUB
  chmod +x "${bin}/lsof"
  export LSOF_CALLS="${BATS_TEST_TMPDIR}/lsof-calls"
  run env PATH="${bin}" /bin/bash -c 'source "$1/lib.sh"; preflight_ports' _ "${CLUSTER_DIR}"
  assert_status 1
  assert_has "host port 443/TCP is in use"
  assert_lacks "host port 80/TCP"
  run cat "${LSOF_CALLS}"
  assert_has "lsof -nP -iTCP:80 -sTCP:LISTEN"
  assert_has "lsof -nP -iUDP:30081"
}

# k8s/README.md's "Apply" (Platform) table against what each platform really renders: the make deploy row's
# overlay is lib.sh's OVERLAY and its CLUSTER values are the ones lib.sh takes; the lab row's overlay is the one
# lab/'s ManifestSource renders; every overlay a row names exists. Prints one line per disagreement.
apply_table_problems() {
  local readme="$1" rows row overlay named accepted lab
  rows="$(awk '/^\| Platform \| Command \|$/ {t=1; next} t && /^\|/ {print; next} t {exit}' "${readme}")"
  [[ -n "${rows}" ]] || { echo "${readme}: no '| Platform | Command |' table"; return 0; }
  for overlay in $(grep -oE 'k8s/overlays/[a-z0-9-]+' <<<"${rows}" | sort -u); do
    [[ -d "${REPO_ROOT}/${overlay}" ]] || echo "the table names ${overlay}, which does not exist"
  done
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  overlay="$(bash -c 'source "$1/lib.sh"; echo "${OVERLAY}"' _ "${CLUSTER_DIR}")"
  row="$(grep -F 'make deploy' <<<"${rows}")" || { echo "no make deploy row"; return 0; }
  named="$(grep -oE 'k8s/overlays/[a-z0-9-]+' <<<"${row}" | sort -u | xargs)"
  [[ "${named}" == "${overlay}" ]] || echo "the make deploy row applies '${named}'; deploy.sh applies lib.sh's OVERLAY=${overlay}"
  named="$(grep -oE 'CLUSTER=[a-z0-9]+' <<<"${row}" | cut -d= -f2 | sort -u | xargs)"
  accepted="$(sed -nE 's/^#   CLUSTER=\$\{CLUSTER:-[a-z0-9]+\} +(.*)$/\1/p' "${CLUSTER_DIR}/lib.sh" | tr -d '|' | xargs -n1 | sort -u | xargs)"
  [[ "${named}" == "${accepted}" ]] || echo "the make deploy row names CLUSTER=${named// /, }; lib.sh takes ${accepted// /, }"
  lab="$(grep -oE 'repo\.resolve\("k8s/overlays/[a-z0-9-]+"\)' "${REPO_ROOT}/lab/src/main/java/dev/netpaths/lab/ManifestSource.java" \
    | sed -E 's/.*"(.*)".*/\1/')"
  row="$(grep -F 'scripts/lab/lab.sh' <<<"${rows}")" || { echo "no lab row"; return 0; }
  named="$(grep -oE 'k8s/overlays/[a-z0-9-]+' <<<"${row}" | sort -u | xargs)"
  [[ "${named}" == "${lab}" ]] || echo "the lab row renders '${named}'; the lab (ManifestSource.java) renders ${lab}"
}

# check_says CHECK FILE EXPECTED: the table check CHECK (a *_problems function here) on FILE prints exactly EXPECTED,
# nothing for a table that holds
check_says() {
  run "$1" "$2"
  assert_status 0
  [[ "${output}" == "$3" ]] || { echo "got: ${output}" >&2; return 1; }
}

# broken_copy FILE SED_ARGS...: a copy of FILE (a path from the repository root) with the sed expressions applied, in the
# test's directory; prints its path. A copy sed left unchanged fails: the test no longer breaks anything.
broken_copy() {
  local file="$1" copy
  shift
  copy="${BATS_TEST_TMPDIR}/$(basename "${file}")"
  sed "$@" "${REPO_ROOT}/${file}" >"${copy}"
  ! cmp -s "${REPO_ROOT}/${file}" "${copy}" || { echo "sed $* changes nothing in ${file}" >&2; return 1; }
  echo "${copy}"
}

@test "k8s/README.md's Apply table names the overlay each platform applies and the CLUSTER values lib.sh takes" {
  check_says apply_table_problems "${REPO_ROOT}/k8s/README.md" ""
}

@test "the Apply table check fails on a broken row: another overlay for the lab, a CLUSTER lib.sh does not take" {
  check_says apply_table_problems "$(broken_copy k8s/README.md \
    -e 's#| the lab (`scripts/lab/lab.sh`) | renders `kubectl kustomize k8s/overlays/kind`#| the lab (`scripts/lab/lab.sh`) | renders `kubectl kustomize k8s/overlays/lab`#' \
    -e 's/`CLUSTER=kind` or `CLUSTER=k3d`/`CLUSTER=kind`, `CLUSTER=k3d` or `CLUSTER=minikube`/')" \
    "the table names k8s/overlays/lab, which does not exist
the make deploy row names CLUSTER=k3d, kind, minikube; lib.sh takes k3d, kind
the lab row renders 'k8s/overlays/lab'; the lab (ManifestSource.java) renders k8s/overlays/kind"
}

# deploy.sh waits for the rollout of each workload of docs/architecture.md's Workload table (its ROLLOUTS): the
# same set, both ways. Prints one line per disagreement.
rollout_problems() {
  local doc="$1" table rollouts
  table="$(awk '/^\| Namespace \| Workload \| Version \| Replicas \| What it is for \|$/ {t=1; next} t && /^\|/ {print; next} t {exit}' "${doc}" \
    | awk -F' *\\| *' '$2 !~ /^-+$/ {split($3, w, " "); gsub(/`/, "", w[2]); print $2 " " tolower(w[1]) "/" w[2]}' | sort)"
  [[ -n "${table}" ]] || { echo "${doc}: no Workload table"; return 0; }
  rollouts="$(sed -n '/^ROLLOUTS=(/,/^)/p' "${CLUSTER_DIR}/deploy.sh" | sed -nE 's/^ *"(.*)"$/\1/p' | sort)"
  comm -23 <(echo "${table}") <(echo "${rollouts}") | sed 's/^/deploy.sh does not wait for the rollout of /'
  comm -13 <(echo "${table}") <(echo "${rollouts}") | sed 's/$/: deploy.sh waits for it, docs\/architecture.md has no such workload/'
}

@test "deploy.sh waits for the rollout of exactly the workloads of docs/architecture.md" {
  check_says rollout_problems "${REPO_ROOT}/docs/architecture.md" ""
}

@test "the rollout check fails on a workload row deploy.sh does not know, and names the one it then misses" {
  check_says rollout_problems "$(broken_copy docs/architecture.md 's/| netpaths | Deployment `echo-v2` |/| netpaths | Deployment `echo-v3` |/')" \
    "deploy.sh does not wait for the rollout of netpaths deployment/echo-v3
netpaths deployment/echo-v2: deploy.sh waits for it, docs/architecture.md has no such workload"
}
