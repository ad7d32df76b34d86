#!/usr/bin/env bats
# The real-cluster path end to end against fake tools (scripts/test/fakes/fake-tool as docker, kind, k3d,
# kubectl, helm, curl, mvn, java): `make up addons images deploy conformance down` and `make multicluster`
# for every CLUSTER x CNI, asserting the order of the calls, the waits, the refusals and the exit codes,
# and the failures the fakes can play: a 404, a webhook rejection, a missing br_netfilter, an arm64
# daemon, a cluster with another CNI, bash 3.2. Nothing here talks to Docker, a cluster or the network.

load helpers

setup() {
  local var
  for var in "${!FAKE_@}"; do unset "${var}"; done
  STUB_DIR="${BATS_TEST_TMPDIR}/bin"
  mkdir -p "${STUB_DIR}"
  local tool
  for tool in docker kind k3d kubectl helm curl mvn java ss; do
    ln -s "${BATS_TEST_DIRNAME}/fakes/fake-tool" "${STUB_DIR}/${tool}"
  done
  export PATH="${STUB_DIR}:${PATH}"
  export FAKE_CALLS="${BATS_TEST_TMPDIR}/calls" FAKE_STATE="${BATS_TEST_TMPDIR}/state" FAKE_FIXTURES="${FIXTURES}" FAKE_REPO="${REPO_ROOT}"
  : >"${FAKE_CALLS}"
  export TMPDIR="${BATS_TEST_TMPDIR}" XDG_CACHE_HOME="${BATS_TEST_TMPDIR}/cache"
  export HARNESS_JAR="${BATS_TEST_TMPDIR}/harness.jar" REPORTS_DIR="${BATS_TEST_TMPDIR}/reports"
  touch "${HARNESS_JAR}"
  # the host's inotify limits as kind wants them (the real ones are this machine's business)
  mkdir -p "${BATS_TEST_TMPDIR}/inotify"
  echo 524288 >"${BATS_TEST_TMPDIR}/inotify/max_user_watches"; echo 512 >"${BATS_TEST_TMPDIR}/inotify/max_user_instances"
  export NETPATHS_INOTIFY_DIR="${BATS_TEST_TMPDIR}/inotify" WAIT_TIMEOUT=5 WEBHOOK_RETRY_DELAY=0
  unset CLUSTER CNI NODES INGRESS CLUSTER_NAME PLAN HOST_PORTS METALLB_INDEX K3D_NETWORK NETPATHS_NETWORK_JSON \
    PEER_CONTEXT PROXY_MODE CALICO_ENCAP WEAVE_MODE VERSIONS_CHECK GATEWAY_CONFIG_DIR SKIP_BUILD ADDONS
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
  cd "${REPO_ROOT}" || return 1
}

calls() { output="$(cat "${FAKE_CALLS}")"; }

# cluster_state CONTEXT: the fake's directory for that cluster.
cluster_state() { echo "${FAKE_STATE}/clusters/${1%%-*}/${1#*-}"; }

# applied CONTEXT TEXT: some kubectl apply to CONTEXT carried TEXT (in its arguments or its stdin).
applied() {
  local dir; dir="$(cluster_state "$1")"; [[ -d "${dir}" ]] || dir="${dir}.deleted"
  grep -qF -- "$2" "${dir}"/applied-[0-9]*
}

make_run() { run make --no-print-directory "$@"; }

# The script behind a make target exited 1 (make itself then exits 2 and says "Error 1").
assert_make_failed() {
  assert_status 2
  assert_has "Error 1"
}

# The calls of a whole `make up addons images deploy conformance down` for CLUSTER/CNI, in order.
assert_full_run() {
  local cluster="$1" cni="$2" ctx="$1-netpaths" create
  if [[ "${cluster}" == kind ]]; then create="kind create cluster --name netpaths --image ${KIND_NODE_IMAGE}"; else create="k3d cluster create netpaths --image ${K3S_IMAGE}"; fi
  calls
  assert_in_order "curl -fsSI -m 10 -o /dev/null https://github.com" "curl -sSL -m 30 -o" "${create}" "docker network inspect" \
    "--context ${ctx} wait --for=condition=Ready nodes --all --timeout=5s" "-n kube-system rollout status deployment/coredns" \
    "kubectl --context ${ctx} apply -f -" \
    "kubectl --context ${ctx} apply -f ${METALLB_MANIFEST_URL}" "-n metallb-system rollout status deployment/controller" \
    "helm --kube-context ${ctx} upgrade --install nginx-ingress" "-n nginx-ingress rollout status deployment/nginx-ingress-controller" \
    "helm template eg-crds ${ENVOY_GATEWAY_CRDS_CHART}" \
    "helm --kube-context ${ctx} upgrade --install eg" "-n envoy-gateway-system rollout status deployment/envoy-gateway" \
    "get crd gateways.gateway.networking.k8s.io -o go-template" \
    "upgrade --install istio-base" "-n istio-system rollout status deployment/istiod" "upgrade --install istio-ingressgateway" \
    "mvn -B -ntp package -DskipTests -Dquarkus.container-image.build=true -Dquarkus.jib.platforms=linux/amd64" \
    "docker tag netpaths/echo-service:0.1.0 netpaths/echo-service:0.1.0-" \
    "kubectl kustomize k8s/overlays/kind" "kubectl --context ${ctx} apply -f -" \
    "get ingressclass nginx" "apply -f gateway-config/ingress" "get crd gateways.gateway.networking.k8s.io" \
    "-n netpaths rollout status deployment/echo " "-n netpaths-other rollout status deployment/echo-restricted" \
    "-n netpaths-other rollout status deployment/caller-trusted" \
    "-n netpaths wait --for=condition=Programmed gateway/netpaths-gateway" \
    "-n kube-system get configmap netpaths-data-plane" "java -jar ${HARNESS_JAR} --kube-context ${ctx}"
  # the CRD chart is piped into a server-side apply (the two ends of one pipe: no order between them)
  assert_has "kubectl --context ${ctx} apply --server-side --force-conflicts -f -"
  if [[ "${cluster}" == kind ]]; then
    assert_in_order "kind load docker-image --name netpaths netpaths/echo-service:0.1.0-" "kind delete cluster --name netpaths"
  else
    assert_in_order "k3d image import --cluster netpaths netpaths/echo-service:0.1.0-" "k3d cluster delete netpaths"
    assert_has "docker exec k3d-netpaths-server-0 cat /var/lib/rancher/k3s/agent/etc/containerd/config.toml"
  fi
  case "${cni}" in
    flannel) assert_in_order "${create}" "bridge-nf-call-iptables" "apply -f ${FLANNEL_MANIFEST_URL}" "-n kube-flannel rollout status daemonset/kube-flannel-ds" ;;
    calico) assert_in_order "${create}" "operator-crds.yaml" "rollout status deployment/tigera-operator" "apply -f -" \
              "-n calico-system get daemonset/calico-node" "rollout status daemonset/calico-node"
            assert_lacks "bridge-nf-call-iptables" ;;
    weave) assert_in_order "${create}" "bridge-nf-call-iptables" "curl -fsSL --retry 3 -o ${TMPDIR}/netpaths-${cluster}-netpaths/weave-daemonset-k8s.yaml ${WEAVE_MANIFEST_URL}" \
             "-n kube-system rollout status daemonset/weave-net" ;;
  esac
  # the images the pods run are the loaded content tags, with the cluster's name
  applied "${ctx}" "image: netpaths/echo-service:0.1.0-"
  applied "${ctx}" "value: netpaths"
  run cat "${REPORTS_DIR}/data-plane.env"
  assert_has "CNI=${cni}"
  assert_has "PROXY_MODE=iptables"
}

full_run() {
  local cluster="$1" cni="$2"
  CLUSTER="${cluster}" CNI="${cni}" make_run up addons images deploy conformance down
  assert_status 0
  assert_full_run "${cluster}" "${cni}"
  [ ! -d "$(cluster_state "${cluster}-netpaths")" ]   # make down deleted it
}

@test "fakes: make up addons images deploy conformance down, kind + flannel" { full_run kind flannel; }
@test "fakes: make up addons images deploy conformance down, kind + calico" { full_run kind calico; }
@test "fakes: make up addons images deploy conformance down, kind + weave" { full_run kind weave; }
@test "fakes: make up addons images deploy conformance down, k3d + flannel" { full_run k3d flannel; }
@test "fakes: make up addons images deploy conformance down, k3d + calico" { full_run k3d calico; }
@test "fakes: make up addons images deploy conformance down, k3d + weave: unique machine-ids before Weave" {
  full_run k3d weave
  calls
  local node
  for node in k3d-netpaths-server-0 k3d-netpaths-agent-0 k3d-netpaths-agent-1; do
    assert_in_order "k3d cluster create" "docker cp ${TMPDIR}/netpaths-k3d-netpaths/machine-id-${node} ${node}:/etc/machine-id" "weave-daemonset-k8s-1.11.yaml"
  done
}

# make multicluster: B gets its own name, no host ports, slice 1, and (k3d) joins A's network.
multicluster() {
  local cluster="$1" cni="$2"
  CLUSTER="${cluster}" CNI="${cni}" make_run multicluster
  assert_status 0
  calls
  if [[ "${cluster}" == kind ]]; then
    assert_in_order "kind create cluster --name netpaths " "kind load docker-image --name netpaths " \
      "kind create cluster --name netpaths-b " "kind load docker-image --name netpaths-b "
    run grep -c "hostPort" "$(cluster_state kind-netpaths-b)/kind-config.yaml"
    [ "${output}" = 0 ]
  else
    assert_in_order "k3d cluster create netpaths " "k3d image import --cluster netpaths " \
      "k3d cluster create netpaths-b " "k3d image import --cluster netpaths-b "
    run grep -cx -- "--port" "$(cluster_state k3d-netpaths-b)/k3d-args"
    [ "${output}" = 0 ]
    grep -qx "k3d-netpaths" "$(cluster_state k3d-netpaths-b)/k3d-args"
  fi
  # each cluster reports its own name; B never says "netpaths"
  applied "${cluster}-netpaths-b" "value: netpaths-b"
  run grep -hx '[[:space:]]*value: netpaths' "$(cluster_state "${cluster}-netpaths-b")"/applied-[0-9]*
  assert_status 1
  applied "${cluster}-netpaths" "value: netpaths"
  run applied "${cluster}-netpaths" "value: netpaths-b"
  assert_status 1
  # disjoint MetalLB slices
  applied "${cluster}-netpaths" ".255.200-"
  applied "${cluster}-netpaths-b" ".254.200-"
  calls
  assert_count 1 "mvn -B -ntp package"
  CLUSTER="${cluster}" run scripts/cluster/down.sh --all
  assert_status 0
  calls
  if [[ "${cluster}" == kind ]]; then
    assert_in_order "kind delete cluster --name netpaths-b" "kind delete cluster --name netpaths"
  else
    assert_in_order "k3d cluster delete netpaths-b" "k3d cluster delete netpaths"
  fi
}

@test "fakes: make multicluster, kind + flannel" { multicluster kind flannel; }
@test "fakes: make multicluster, kind + calico" { multicluster kind calico; }
@test "fakes: make multicluster, kind + weave" { multicluster kind weave; }
@test "fakes: make multicluster, k3d + flannel" { multicluster k3d flannel; }
@test "fakes: make multicluster, k3d + calico" { multicluster k3d calico; }
@test "fakes: make multicluster, k3d + weave" { multicluster k3d weave; }

# --- refusals and failures ---------------------------------------------------------------------------

@test "fakes: a pinned URL answering 404 stops make up before anything is created, naming the pin" {
  FAKE_404=weave-daemonset CNI=weave make_run up
  assert_make_failed
  assert_has "MISSING WEAVE_MANIFEST_URL: ${WEAVE_MANIFEST_URL} answered HTTP 404"
  assert_has "1 of 2 pins in scripts/versions.env do not resolve upstream"
  calls
  assert_lacks "kind create"
}

@test "fakes: offline, make up skips the pin check with a note and goes on" {
  # curl cannot reach anything: the probe fails, so does the plugin download later (Flannel on kind)
  FAKE_OFFLINE=1 CNI=calico make_run up
  assert_status 0
  assert_has "offline (https://github.com did not answer): versions-check skipped"
  calls
  assert_in_order "curl -fsSI -m 10 -o /dev/null https://github.com" "kind create cluster"
  assert_lacks "hub.docker.com"
}

@test "fakes: versions-check all resolves every pin (200), names a 404 chart and a wrong digest" {
  make_run versions-check
  assert_status 0
  assert_has "ok  KIND_NODE_IMAGE: ${KIND_NODE_IMAGE}"
  assert_has "ok  K3S_IMAGE: ${K3S_IMAGE}"
  assert_has "ok  ENVOY_GATEWAY_VERSION: ${ENVOY_GATEWAY_CRDS_CHART} ${ENVOY_GATEWAY_VERSION}"
  assert_has "ok  ENVOY_PROXY_IMAGE: ${ENVOY_PROXY_IMAGE}"
  assert_has "ok  HELM_VERSION: https://get.helm.sh/helm-${HELM_VERSION}-linux-amd64.tar.gz"
  calls
  assert_has "helm show chart ${NGINX_IC_CHART} --version ${NGINX_IC_CHART_VERSION}"
  assert_has "https://hub.docker.com/v2/repositories/envoyproxy/envoy/tags/${ENVOY_PROXY_IMAGE##*:}"
  assert_has "curl -sSIL -m 30 -o /dev/null -w %{http_code} ${INGRESS_NGINX_MANIFEST_URL}"
  FAKE_404=gateway-crds-helm FAKE_HUB_DIGEST=sha256:0000 make_run versions-check
  assert_make_failed
  assert_has "MISSING ENVOY_GATEWAY_VERSION: chart ${ENVOY_GATEWAY_CRDS_CHART} --version ${ENVOY_GATEWAY_VERSION}"
  assert_has "MISSING KIND_NODE_IMAGE: kindest/node:v1.36.1 has digest sha256:0000, the pin says ${KIND_NODE_IMAGE#*@}"
}

@test "fakes: make addons checks the add-on pins first and stops on a missing chart" {
  CLUSTER=k3d CNI=calico VERSIONS_CHECK=0 make_run up
  assert_status 0
  FAKE_404=nginx-ingress CLUSTER=k3d make_run addons
  assert_make_failed
  assert_has "MISSING NGINX_IC_CHART_VERSION"
  calls
  assert_lacks "apply -f ${METALLB_MANIFEST_URL}"
}

@test "fakes: no br_netfilter in the host kernel: make up stops with the modprobe fix before Flannel" {
  FAKE_NO_BR_NETFILTER=1 make_run up
  assert_make_failed
  assert_has "flannel needs the br_netfilter kernel module"
  assert_has "sudo modprobe br_netfilter && echo br_netfilter | sudo tee /etc/modules-load.d/br_netfilter.conf"
  calls
  assert_has "kind create cluster"
  assert_lacks "apply -f ${FLANNEL_MANIFEST_URL}"
  # Calico does not need it
  FAKE_NO_BR_NETFILTER=1 CLUSTER=k3d CNI=calico make_run up
  assert_status 0
}

@test "fakes: an existing cluster with another CNI is refused, the same CNI is kept" {
  CNI=flannel make_run up
  assert_status 0
  CNI=calico make_run up
  assert_make_failed
  assert_has "cluster netpaths already runs flannel, not calico"
  calls
  assert_lacks "-f ${CALICO_OPERATOR_CRDS_URL}"
  CNI=flannel make_run up
  assert_status 0
  assert_has "already exists: keeping it"
}

@test "fakes: a Docker network overlapping the pod pool is refused before the CNI" {
  FAKE_NETWORK_SUBNET=192.168.16.0/20 CNI=calico make_run up
  assert_make_failed
  assert_has "the Docker network kind (192.168.16.0/20) overlaps calico's pod pool 192.168.0.0/16"
  calls
  assert_lacks "-f ${CALICO_OPERATOR_CRDS_URL}"
  FAKE_NETWORK_SUBNET=192.168.16.0/20 CNI=flannel make_run up
  assert_status 0
}

@test "fakes: k3s containerd on k3s's own CNI directories is refused" {
  FAKE_K3S_CNI_DIRS=k3s CLUSTER=k3d make_run up
  assert_make_failed
  assert_has "looks for CNI plugins/configs under /var/lib/rancher/k3s"
  calls
  assert_lacks "apply -f ${FLANNEL_MANIFEST_URL}"
}

@test "fakes: a webhook that is not serving yet is retried; a webhook rejection stops the deploy with its error" {
  VERSIONS_CHECK=0 make_run up addons images
  assert_status 0
  FAKE_WEBHOOK_RACE=2 make_run deploy
  assert_status 0
  assert_has "a webhook does not answer yet (attempt 2/12)"
  assert_has "applied ingress (gateway-config/ingress)"
  FAKE_WEBHOOK_DENY=gateway-config/ingress make_run deploy
  assert_make_failed
  assert_has "applying ingress (gateway-config/ingress) failed: Error from server (BadRequest)"
  assert_has "denied the request"
  # it stopped there: no rollout was awaited after the rejection
  run bash -c "tail -n 3 '${FAKE_CALLS}'"
  assert_lacks "rollout status"
}

@test "fakes: an add-on that is not installed is skipped, not failed" {
  VERSIONS_CHECK=0 make_run up images
  assert_status 0
  make_run deploy
  assert_status 0
  assert_has "skip ingress: its add-on is not installed"
  assert_has "skip gateway-api: its add-on is not installed"
  calls
  assert_lacks "wait --for=condition=Programmed"
}

@test "fakes: an arm64 Docker daemon gets arm64 images; amd64 images on it are refused" {
  FAKE_ARCH=arm64 VERSIONS_CHECK=0 make_run up images
  assert_status 0
  calls
  assert_has "-Dquarkus.jib.platforms=linux/arm64"
  assert_has "cni-plugins-linux-"
  FAKE_ARCH=arm64 FAKE_IMAGE_ARCH=amd64 SKIP_BUILD=1 make_run images
  assert_make_failed
  assert_has "image netpaths/echo-service:0.1.0 is built for amd64, the nodes run arm64"
}

@test "fakes: a rebuilt image gets a new content tag, so deploy changes the pod spec" {
  VERSIONS_CHECK=0 make_run up images deploy
  assert_status 0
  local first second
  first="$(grep -ho 'image: netpaths/echo-service:.*' "$(cluster_state kind-netpaths)"/applied-[0-9]* | tail -n1)"
  FAKE_BUILD=2 make_run images deploy
  assert_status 0
  second="$(grep -ho 'image: netpaths/echo-service:.*' "$(cluster_state kind-netpaths)"/applied-[0-9]* | tail -n1)"
  [ -n "${first}" ] && [ "${first}" != "${second}" ]
}

@test "fakes: switching the ingress controller on a cluster is refused with the way out" {
  VERSIONS_CHECK=0 make_run up addons-ingress
  assert_status 0
  INGRESS=ingress-nginx make_run addons-ingress
  assert_make_failed
  assert_has "the other ingress controller (nginx-ingress/nginx-ingress-controller) is installed"
  assert_has "make down up"
  make_run down
  VERSIONS_CHECK=0 INGRESS=ingress-nginx make_run up addons-ingress
  assert_status 0
  # the controller publishes its LoadBalancer Service, not "localhost"
  applied kind-netpaths "--publish-service=\$(POD_NAMESPACE)/ingress-nginx-controller"
  run applied kind-netpaths "--publish-status-address=localhost"
  assert_status 1
}

@test "fakes: the data-plane choices reach the cluster config and the report" {
  PROXY_MODE=ipvs CNI=calico CALICO_ENCAP=none VERSIONS_CHECK=0 make_run up conformance
  assert_status 0
  grep -q "kubeProxyMode: ipvs" "$(cluster_state kind-netpaths)/kind-config.yaml"
  applied kind-netpaths "encapsulation: None"
  applied kind-netpaths "bgp: Enabled"
  run cat "${REPORTS_DIR}/data-plane.env"
  assert_has "PROXY_MODE=ipvs"
  assert_has "CALICO_ENCAP=none"
  make_run down
  PROXY_MODE=nftables CLUSTER=k3d CNI=weave WEAVE_MODE=sleeve VERSIONS_CHECK=0 make_run up conformance
  assert_status 0
  grep -qx -- "--kube-proxy-arg=proxy-mode=nftables@server:\*" "$(cluster_state k3d-netpaths)/k3d-args"
  grep -qx -- "--kube-proxy-arg=proxy-mode=nftables@agent:\*" "$(cluster_state k3d-netpaths)/k3d-args"
  run cat "${REPORTS_DIR}/data-plane.env"
  assert_has "WEAVE_MODE=sleeve"
  assert_has "PROXY_MODE=nftables"
  # sleeve: WEAVE_NO_FASTDP in the manifest that was applied
  applied k3d-netpaths "WEAVE_NO_FASTDP"
  applied k3d-netpaths 'value: "10.32.0.0/12"'
}

@test "fakes: Weave fastdp (the default) leaves WEAVE_NO_FASTDP out, and the range is in the manifest applied once" {
  CNI=weave VERSIONS_CHECK=0 make_run up
  assert_status 0
  applied kind-netpaths '- name: IPALLOC_RANGE'
  run applied kind-netpaths "WEAVE_NO_FASTDP"
  assert_status 1
  calls
  # one apply of the edited manifest, and no second change of the DaemonSet (no `set env` rollout)
  assert_count 1 "kubectl --context kind-netpaths apply -f ${TMPDIR}/netpaths-kind-netpaths/weave-daemonset-k8s.yaml"
  assert_lacks "set env"
}

@test "fakes: bash 3.2 (macOS's /bin/bash) is refused with the fix; bash 4+ passes" {
  run lib require_bash 3 2
  assert_status 1
  assert_has "bash 3.2 is too old"
  assert_has "brew install bash"
  run lib require_bash "${BASH_VERSINFO[0]}" "${BASH_VERSINFO[1]}"
  assert_status 0
  # and no script uses mapfile/readarray (the first thing 3.2 lacks) outside the test runner
  run grep -nE '^[^#]*\b(mapfile|readarray)\b' scripts/cluster/*.sh
  assert_status 1
}

# --- the data-plane choices, each end to end -----------------------------------------------------------
# make up conformance down with one choice: the choice reaches the command that creates or configures it,
# in order before the CNI rollout, the record, and the harness (which reads the record into report.json
# and its console header), and the run exits 0.
choice_run() {
  local cluster="$1" cni="$2" var="$3" value="$4" ctx="$1-netpaths"
  export "${var}=${value}"
  CLUSTER="${cluster}" CNI="${cni}" VERSIONS_CHECK=0 make_run up conformance down
  assert_status 0
  assert_has "data plane: "
  assert_has "${var}=${value}"
  calls
  case "${var}" in
    PROXY_MODE)
      if [[ "${cluster}" == kind ]]; then
        assert_in_order "kind create cluster --name netpaths" "kubectl --context ${ctx} wait --for=condition=Ready nodes"
        grep -qx "  kubeProxyMode: ${value}" "$(cluster_state "${ctx}").deleted/kind-config.yaml"
      else
        assert_in_order "k3d cluster create netpaths" "kubectl --context ${ctx} wait --for=condition=Ready nodes"
        grep -qx -- "--kube-proxy-arg=proxy-mode=${value}@server:\*" "$(cluster_state "${ctx}").deleted/k3d-args"
        grep -qx -- "--kube-proxy-arg=proxy-mode=${value}@agent:\*" "$(cluster_state "${ctx}").deleted/k3d-args"
      fi ;;
    CALICO_ENCAP)
      assert_in_order "rollout status deployment/tigera-operator" "kubectl --context ${ctx} apply -f -" "rollout status daemonset/calico-node"
      local encap bgp
      case "${value}" in vxlan) encap=VXLAN bgp=Disabled ;; ipip) encap=IPIP bgp=Enabled ;; none) encap=None bgp=Enabled ;; esac
      applied "${ctx}" "encapsulation: ${encap}"
      applied "${ctx}" "bgp: ${bgp}" ;;
    WEAVE_MODE)
      assert_in_order "weave-daemonset-k8s-1.11.yaml" "kubectl --context ${ctx} apply -f ${TMPDIR}/netpaths-${cluster}-netpaths/weave-daemonset-k8s.yaml" "rollout status daemonset/weave-net"
      if [[ "${value}" == sleeve ]]; then applied "${ctx}" "WEAVE_NO_FASTDP"; else run applied "${ctx}" "WEAVE_NO_FASTDP"; assert_status 1; fi ;;
  esac
  calls
  assert_in_order "wait --for=condition=Ready nodes" "-n kube-system rollout status deployment/coredns" \
    "kubectl --context ${ctx} apply -f -" "-n kube-system get configmap netpaths-data-plane" \
    "java -jar ${HARNESS_JAR} --kube-context ${ctx}" "delete"
  applied "${ctx}" "name: netpaths-data-plane"
  applied "${ctx}" "${var}: \"${value}\""
  # recorded where the report is: data-plane.env (conformance.sh) and report.json (the harness)
  run cat "${REPORTS_DIR}/data-plane.env"
  assert_has "${var}=${value}"
  assert_has "CNI=${cni}"
  run cat "${REPORTS_DIR}/report.json"
  assert_has "\"${var}\":\"${value}\""
}

@test "fakes: PROXY_MODE=iptables on kind, end to end, recorded" { choice_run kind flannel PROXY_MODE iptables; }
@test "fakes: PROXY_MODE=ipvs on kind, end to end, recorded" { choice_run kind flannel PROXY_MODE ipvs; }
@test "fakes: PROXY_MODE=nftables on kind, end to end, recorded" { choice_run kind flannel PROXY_MODE nftables; }
@test "fakes: PROXY_MODE=iptables on k3s (k3d), end to end, recorded" { choice_run k3d flannel PROXY_MODE iptables; }
@test "fakes: PROXY_MODE=ipvs on k3s (k3d), end to end, recorded" { choice_run k3d flannel PROXY_MODE ipvs; }
@test "fakes: PROXY_MODE=nftables on k3s (k3d), end to end, recorded" { choice_run k3d flannel PROXY_MODE nftables; }
@test "fakes: CALICO_ENCAP=vxlan, end to end, recorded" { choice_run kind calico CALICO_ENCAP vxlan; }
@test "fakes: CALICO_ENCAP=ipip, end to end, recorded" { choice_run kind calico CALICO_ENCAP ipip; }
@test "fakes: CALICO_ENCAP=none (plain BGP routes), end to end, recorded" { choice_run k3d calico CALICO_ENCAP none; }
@test "fakes: WEAVE_MODE=fastdp, end to end, recorded" { choice_run kind weave WEAVE_MODE fastdp; }
@test "fakes: WEAVE_MODE=sleeve (UDP encapsulation), end to end, recorded" { choice_run k3d weave WEAVE_MODE sleeve; }

@test "fakes: a choice that does not exist stops make up before anything runs" {
  # a usage error: the script exits 2 (make then says "Error 2")
  PROXY_MODE=userspace make_run up
  assert_status 2
  assert_has "Error 2"
  assert_has "PROXY_MODE must be one of iptables, ipvs, nftables (got 'userspace')"
  CALICO_ENCAP=wireguard CNI=calico make_run up
  assert_status 2
  assert_has "CALICO_ENCAP must be one of vxlan, ipip, none (got 'wireguard')"
  calls
  assert_lacks "kind create"
}

# --- Docker Desktop: the harness probes the host port mapping --------------------------------------------

@test "fakes: the host port mapping is recorded from the one list that maps the ports" {
  VERSIONS_CHECK=0 make_run up
  assert_status 0
  applied kind-netpaths 'HOST_PORT_ADDRESS: "127.0.0.1"'
  applied kind-netpaths 'HOST_PORT_NODE: "netpaths-control-plane"'
  applied kind-netpaths 'HOST_PORTS: "30080/TCP 30081/UDP 30090/TCP 80/TCP 443/TCP"'
  applied kind-netpaths 'HOST_PORTS_INGRESS: "80/TCP 443/TCP"'
  # the same ports the kind config maps, on the node recorded
  run grep -c 'listenAddress: "127.0.0.1"' "$(cluster_state kind-netpaths)/kind-config.yaml"
  [ "${output}" = 5 ]
  # the harness's tests read this record as conformance/src/test/resources/data-plane/kind.yaml: it must be
  # exactly what up.sh writes (regenerate it from `PLAN=1 scripts/cluster/up.sh` when this fails)
  local fixture="${REPO_ROOT}/conformance/src/test/resources/data-plane/kind.yaml"
  run bash -c 'PLAN=1 "$1/up.sh" 2>/dev/null | sed -n "/^apiVersion: v1$/,/^EOF$/p" | grep -v "^EOF$"' _ "${CLUSTER_DIR}"
  [ "${output}" = "$(grep -v '^#' "${fixture}")" ]
  CLUSTER=k3d HOST_PORTS=0 VERSIONS_CHECK=0 make_run up
  assert_status 0
  applied k3d-netpaths 'HOST_PORT_NODE: "k3d-netpaths-server-0"'
  applied k3d-netpaths 'HOST_PORTS: ""'
}

@test "fakes: on Docker Desktop conformance.sh passes --docker-desktop; elsewhere it does not" {
  VERSIONS_CHECK=0 make_run up
  assert_status 0
  FAKE_DOCKER_DESKTOP=1 make_run conformance
  assert_status 0
  assert_has "Docker Desktop: node and LoadBalancer addresses are not routable from this host"
  calls
  assert_has "java -jar ${HARNESS_JAR} --kube-context kind-netpaths --reports ${REPORTS_DIR} --docker-desktop"
  : >"${FAKE_CALLS}"
  make_run conformance
  assert_status 0
  assert_lacks "Docker Desktop"
  calls
  assert_has "java -jar ${HARNESS_JAR} --kube-context kind-netpaths --reports ${REPORTS_DIR}"
  assert_lacks "--docker-desktop"
  # a cluster without a mapping: said before the harness skips every external path
  make_run down
  HOST_PORTS=0 VERSIONS_CHECK=0 make_run up
  FAKE_DOCKER_DESKTOP=1 make_run conformance
  assert_status 0
  assert_has "this cluster records no host port mapping"
}
