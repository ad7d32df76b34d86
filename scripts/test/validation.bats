#!/usr/bin/env bats
# Inputs are checked against their allowed values before anything runs; help and preflight messages.

load helpers

setup() { setup_stubs; }

@test "CNI=foo: exit 2 naming flannel, calico, weave" {
  CNI=foo run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "CNI must be one of flannel, calico, weave (got 'foo')"
  assert_no_tool_called
}

@test "CLUSTER=minikube: exit 2 naming kind, k3d" {
  for script in up.sh addons.sh images.sh deploy.sh conformance.sh down.sh multicluster.sh; do
    CLUSTER=minikube run "${CLUSTER_DIR}/${script}"
    assert_status 2
    assert_has "CLUSTER must be one of kind, k3d (got 'minikube')"
  done
  assert_no_tool_called
}

@test "NODES must be 1..9" {
  for bad in 0 10 abc -1 2.5; do
    NODES="${bad}" run "${CLUSTER_DIR}/up.sh"
    assert_status 2
    assert_has "NODES must be a whole number from 1 to 9"
  done
}

@test "INGRESS=traefik: exit 2 naming nginx, ingress-nginx" {
  INGRESS=traefik run "${CLUSTER_DIR}/addons.sh" ingress
  assert_status 2
  assert_has "INGRESS must be one of nginx, ingress-nginx (got 'traefik')"
}

@test "addons.sh with an unknown add-on: exit 2 with the allowed ones" {
  run "${CLUSTER_DIR}/addons.sh" cilium
  assert_status 2
  assert_has "must be one of all, metallb, ingress, gateway, istio (got 'cilium')"
}

@test "PLAN and CLUSTER_NAME are validated too" {
  PLAN=yes run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "PLAN must be one of 0, 1"
  CLUSTER_NAME="Bad_Name" run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "CLUSTER_NAME must be lower-case"
}

@test "the data-plane choices are validated: PROXY_MODE, CALICO_ENCAP, WEAVE_MODE" {
  PROXY_MODE=userspace run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "PROXY_MODE must be one of iptables, ipvs, nftables (got 'userspace')"
  CALICO_ENCAP=gre run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "CALICO_ENCAP must be one of vxlan, ipip, none"
  WEAVE_MODE=fast run "${CLUSTER_DIR}/up.sh"
  assert_status 2
  assert_has "WEAVE_MODE must be one of fastdp, sleeve"
  assert_no_tool_called
}

@test "every script prints its usage and Settings with -h and --help, exit 0" {
  for script in up.sh addons.sh images.sh deploy.sh conformance.sh down.sh multicluster.sh; do
    run "${CLUSTER_DIR}/${script}" --help
    assert_status 0
    assert_has "Usage: scripts/cluster/${script}"
    assert_has "Settings:"
    run "${CLUSTER_DIR}/${script}" -h
    assert_status 0
    assert_has "Usage: scripts/cluster/${script}"
  done
}

@test "an unknown option: exit 2 and the usage" {
  run "${CLUSTER_DIR}/up.sh" --frobnicate
  assert_status 2
  assert_has "unknown option '--frobnicate'"
  assert_has "Usage:"
}

@test "preflight without a Docker daemon fails with an actionable message" {
  stub docker 'case "$1" in version) echo 28.2.2 ;; *) echo "Cannot connect to the Docker daemon" >&2; exit 1 ;; esac'
  run "${CLUSTER_DIR}/up.sh"
  assert_status 1
  assert_has "the Docker daemon is not reachable"
  assert_has "docker info"
}

@test "preflight refuses a kind older than the pinned minimum" {
  stub docker 'case "$1" in version) echo 28.2.2 ;; info) exit 0 ;; esac'
  stub kind 'echo "kind v0.20.0 go1.21 linux/amd64"'
  run "${CLUSTER_DIR}/up.sh"
  assert_status 1
  assert_has "kind v0.20.0 is too old: need >= v0.32.0"
}

@test "preflight with a missing tool says how to install it" {
  stub docker 'case "$1" in version) echo 28.2.2 ;; info) exit 0 ;; esac'
  rm "${STUB_DIR}/k3d"
  PATH="${STUB_DIR}:/usr/bin:/bin" CLUSTER=k3d run "${CLUSTER_DIR}/up.sh"
  assert_status 1
  assert_has "k3d not found"
  assert_has "TAG=v5.9.0"
}

@test "add-ons against a context with no cluster: tells to run make up" {
  stub kubectl 'case "$*" in *version*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.37.0\"}}" ;; *) exit 1 ;; esac'
  stub helm 'echo v3.19.0'
  run "${CLUSTER_DIR}/addons.sh" gateway
  assert_status 1
  assert_has "kube context kind-netpaths reaches no cluster"
  assert_has "make up"
}

@test "conformance without the harness jar says: run make build" {
  stub kubectl 'case "$*" in *version*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.37.0\"}}" ;; *) exit 0 ;; esac'
  HARNESS_JAR="${BATS_TEST_TMPDIR}/missing.jar" run "${CLUSTER_DIR}/conformance.sh"
  assert_status 1
  assert_has "missing.jar not found: run make build"
}

@test "up.sh on an existing cluster says so and continues with the CNI (idempotent)" {
  stub docker 'case "$1" in version) echo 28.2.2 ;; info) exit 0 ;; *) exit 97 ;; esac'
  stub kind 'case "$1" in version) echo "kind v0.33.0 go1.25 linux/amd64" ;; get) echo netpaths ;; *) exit 97 ;; esac'
  # the cluster already runs Calico (its DaemonSet exists, nodes have pod CIDRs from Calico's pool)
  stub kubectl 'case "$*" in *version*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.37.0\"}}" ;; *"get daemonset calico-node"*) ;; *"get daemonset "*) exit 1 ;; *"get nodes -o jsonpath"*) echo 192.168.0.0/24 ;; *) cat >/dev/null 2>&1 || true ;; esac'
  VERSIONS_CHECK=0 NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" CNI=calico NODES=1 WAIT_TIMEOUT=5 run "${CLUSTER_DIR}/up.sh"
  assert_status 0
  assert_has "cluster netpaths already exists: keeping it"
  run cat "${STUB_CALLS}"
  assert_lacks "kind create"
  assert_in_order "kubectl --context kind-netpaths apply --server-side --force-conflicts -f https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/operator-crds.yaml" \
    "rollout status deployment/tigera-operator" "kubectl --context kind-netpaths apply -f -" "rollout status daemonset/calico-node" \
    "wait --for=condition=Ready nodes --all"
}

@test "a wait that times out dumps events, pods and logs, then names what it waited for" {
  stub kubectl 'case "$*" in
    *version*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.37.0\"}}" ;;
    *"rollout status"*) exit 1 ;;
    *"get pods --no-headers"*) printf "echo-abc 0/1 CrashLoopBackOff 3 1m\necho-ok 1/1 Running 0 1m\n" ;;
    *) echo "kubectl-said: $*" ;;
  esac'
  WAIT_TIMEOUT=5 run "${CLUSTER_DIR}/deploy.sh"
  assert_status 1
  assert_has "debug dump: namespace netpaths"
  assert_has "get events --sort-by=.lastTimestamp"
  assert_has "logs pod/echo-abc --all-containers"
  assert_lacks "pod/echo-ok"
  assert_has "timed out after 5s waiting for netpaths/deployment/echo to roll out"
}

@test "down.sh with no cluster: nothing to delete, exit 0 (idempotent)" {
  stub kind 'case "$1" in version) echo "kind v0.33.0" ;; get) exit 0 ;; *) exit 97 ;; esac'
  run "${CLUSTER_DIR}/down.sh"
  assert_status 0
  assert_has "no kind cluster netpaths: nothing to delete"
  run cat "${STUB_CALLS}"
  assert_lacks "kind delete"
}
