#!/usr/bin/env bats
# PLAN=1 for every CLUSTER x CNI: the printed plan has the right commands, in order, and runs nothing.

load helpers

setup() {
  setup_stubs
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
}

pool() {
  case "$1" in flannel) echo 10.244.0.0/16 ;; calico) echo 192.168.0.0/16 ;; weave) echo 10.32.0.0/12 ;; esac
}

plan() {
  local script="$1" cluster="$2" cni="$3"; shift 3
  CLUSTER="${cluster}" CNI="${cni}" PLAN=1 run "${CLUSTER_DIR}/${script}" "$@"
  assert_status 0
  assert_no_tool_called
  assert_has "PLAN=1: printed the plan; nothing was run"
}

# The cluster creation step of up.sh for CLUSTER.
assert_creates() {
  local cluster="$1" cni="$2"
  if [[ "${cluster}" == kind ]]; then
    assert_in_order "preflight: would check the Docker daemon answers" "preflight: would check kind is installed (>= ${MIN_KIND_VERSION})" \
      "fs.inotify.max_user_watches >= ${MIN_INOTIFY_MAX_USER_WATCHES}" \
      "preflight: would check host port 30080/TCP is free" \
      "cat > ${BATS_TEST_TMPDIR}/netpaths-kind-netpaths/kind-config.yaml <<'EOF'" \
      "disableDefaultCNI: true" "podSubnet: $(pool "${cni}")" "EOF" \
      "kind create cluster --name netpaths --image ${KIND_NODE_IMAGE} --config ${BATS_TEST_TMPDIR}/netpaths-kind-netpaths/kind-config.yaml"
  else
    assert_in_order "preflight: would check k3d is installed" "preflight: would check host port 443/TCP is free" \
      "k3d cluster create netpaths --image ${K3S_IMAGE} --servers 1 --agents 2 --k3s-arg '--flannel-backend=none@server:*' --k3s-arg '--disable-network-policy@server:*' --k3s-arg '--disable=traefik@server:*' --k3s-arg '--disable=servicelb@server:*' --k3s-arg '--cluster-cidr=$(pool "${cni}")@server:*'"
    assert_has "--port 127.0.0.1:30081:30081/udp@server:0"
    assert_lacks "--port 30081"
  fi
}

# The CNI plugin copy for CLUSTER/CNI: PLUGINS then NODES.
assert_plugins_copied() {
  local tgz="cni-plugins-linux-amd64-${CNI_PLUGINS_VERSION}.tgz" plugin node plugins="$1" nodes="$2"
  [[ "$(uname -m)" == x86_64 ]] || tgz="${tgz/amd64/arm64}"
  assert_in_order "curl -fsSL --retry 3 -o ${XDG_CACHE_HOME}/netpaths/cni-plugins-${CNI_PLUGINS_VERSION}/${tgz}.sha256" \
    "${CNI_PLUGINS_URL}/${CNI_PLUGINS_VERSION}/${tgz}" "sha256sum -c ${tgz}.sha256" "tar -xzf"
  for plugin in ${plugins}; do assert_has "cni-stage/opt/cni/bin/${plugin}"; done
  for node in ${nodes}; do assert_has "cni-stage/opt/. ${node}:/opt"; done
  assert_count "$(wc -w <<<"${nodes}")" "cni-stage/opt/. "
}

assert_no_plugins_copied() {
  assert_lacks "docker cp"
  assert_lacks "cni-plugins-linux"
}

# up: create, (plugins), CNI, nodes Ready, in this order.
assert_up_order() {
  local create="$1" cni_first="$2" cni_wait="$3"
  assert_in_order "${create}" "${cni_first}" "${cni_wait}" \
    "wait --for=condition=Ready nodes --all --timeout=300s" "rollout status deployment/coredns"
}

@test "PLAN=1 up kind+flannel: config, kind create, br_netfilter check, bridge into 3 nodes, Flannel at the pinned version" {
  plan up.sh kind flannel
  assert_creates kind flannel
  assert_plugins_copied "bridge" "netpaths-control-plane netpaths-worker netpaths-worker2"
  # kind ships portmap (v1.9.1, kind images/base/Dockerfile): never overwritten
  assert_lacks "cni-stage/opt/cni/bin/portmap"
  assert_lacks "cni-stage/opt/cni/bin/loopback"
  assert_in_order "kind create cluster" "docker exec netpaths-control-plane cat /proc/sys/net/bridge/bridge-nf-call-iptables" \
    "docker cp" "kube-flannel.yml"
  assert_up_order "kind create cluster" "docker cp" \
    "kubectl --context kind-netpaths apply -f https://github.com/flannel-io/flannel/releases/download/${FLANNEL_VERSION}/kube-flannel.yml"
  assert_in_order "kube-flannel.yml" "-n kube-flannel rollout status daemonset/kube-flannel-ds --timeout=300s"
}

@test "PLAN=1 up kind+calico: operator CRDs, operator, Installation without containerIPForwarding" {
  plan up.sh kind calico
  assert_creates kind calico
  assert_no_plugins_copied
  assert_up_order "kind create cluster" "calico/${CALICO_VERSION}/manifests/operator-crds.yaml" "rollout status daemonset/calico-node"
  assert_in_order "operator-crds.yaml" "tigera-operator.yaml" "rollout status deployment/tigera-operator" \
    "kubectl --context kind-netpaths apply -f - <<'EOF'" "kind: Installation" "cidr: 192.168.0.0/16" "EOF" \
    "get daemonset/calico-node" "rollout status daemonset/calico-node"
  assert_lacks "containerIPForwarding"
}

@test "PLAN=1 up kind+weave: the fork's -1.11 manifest, IPALLOC_RANGE written before apply, no plugins copied" {
  plan up.sh kind weave
  assert_creates kind weave
  assert_no_plugins_copied
  local manifest="${BATS_TEST_TMPDIR}/netpaths-kind-netpaths/weave-daemonset-k8s.yaml"
  assert_up_order "kind create cluster" \
    "curl -fsSL --retry 3 -o ${manifest} https://github.com/rajch/weave/releases/download/${WEAVE_VERSION}/weave-daemonset-k8s-1.11.yaml" \
    "rollout status daemonset/weave-net"
  assert_in_order "bridge-nf-call-iptables" "weave-daemonset-k8s-1.11.yaml" "IPALLOC_RANGE=10.32.0.0/12 written into the env of container weave" \
    "kubectl --context kind-netpaths apply -f ${manifest}" "rollout status daemonset/weave-net"
  assert_lacks "set env"
  assert_lacks "WEAVE_NO_FASTDP"
  assert_lacks "machine-id"
  assert_lacks "weaveworks/weave"
}

@test "PLAN=1 up k3d+flannel: k3s flannel off, reference plugins into server and agents, Flannel" {
  plan up.sh k3d flannel
  assert_creates k3d flannel
  assert_plugins_copied "bridge host-local loopback portmap" "k3d-netpaths-server-0 k3d-netpaths-agent-0 k3d-netpaths-agent-1"
  assert_up_order "k3d cluster create" "docker cp" "kube-flannel.yml"
}

@test "PLAN=1 up k3d+calico: k3s args, Installation with containerIPForwarding: Enabled" {
  plan up.sh k3d calico
  assert_creates k3d calico
  assert_no_plugins_copied
  assert_up_order "k3d cluster create" "operator-crds.yaml" "rollout status daemonset/calico-node"
  assert_in_order "k3d cluster create" "docker exec k3d-netpaths-server-0 cat /var/lib/rancher/k3s/agent/etc/containerd/config.toml" "operator-crds.yaml"
  assert_in_order "kubectl --context k3d-netpaths apply -f - <<'EOF'" "kind: Installation" \
    "containerIPForwarding: Enabled" "cidr: 192.168.0.0/16" "encapsulation: VXLAN" "EOF"
  assert_lacks "bridge-nf-call-iptables"   # Calico does not need br_netfilter
  assert_lacks "kind create"
  assert_lacks "inotify"
}

@test "PLAN=1 up k3d+weave: k3s args, plugins copied, the rajch/weave fork" {
  plan up.sh k3d weave
  assert_creates k3d weave
  assert_plugins_copied "host-local loopback portmap" "k3d-netpaths-server-0 k3d-netpaths-agent-0 k3d-netpaths-agent-1"
  assert_up_order "k3d cluster create" "docker cp" "rollout status daemonset/weave-net"
  # a unique machine-id per node (Weave peer names), before Weave starts
  local node
  for node in k3d-netpaths-server-0 k3d-netpaths-agent-0 k3d-netpaths-agent-1; do
    assert_in_order "k3d cluster create" "bridge-nf-call-iptables" "docker cp ${BATS_TEST_TMPDIR}/netpaths-k3d-netpaths/machine-id-${node} ${node}:/etc/machine-id" \
      "weave-daemonset-k8s-1.11.yaml"
  done
  assert_count 3 ":/etc/machine-id"
}

@test "PLAN=1 up honours NODES and a custom WAIT_TIMEOUT" {
  NODES=1 WAIT_TIMEOUT=42 plan up.sh kind flannel
  assert_count 1 "cni-stage/opt/. "
  assert_lacks "role: worker"
  assert_lacks "inotify"
  assert_has "wait --for=condition=Ready nodes --all --timeout=42s"
}

assert_deploy() {
  local cluster="$1"
  assert_in_order "preflight: would check the kube context ${cluster}-netpaths reaches a cluster" \
    "kubectl kustomize k8s/overlays/kind, every CLUSTER_NAME env set to netpaths, images netpaths/echo-service:0.1.0-<image id>" \
    "kubectl --context ${cluster}-netpaths apply -f -" \
    "kubectl --context ${cluster}-netpaths get ingressclass nginx >/dev/null 2>&1 && kubectl --context ${cluster}-netpaths apply -f ${GATEWAY_CONFIG_DIR}/ingress" \
    "get crd gateways.gateway.networking.k8s.io >/dev/null 2>&1 && kubectl --context ${cluster}-netpaths apply -k ${GATEWAY_CONFIG_DIR}/gateway-api" \
    "get crd virtualservices.networking.istio.io >/dev/null 2>&1 && kubectl --context ${cluster}-netpaths apply -f ${GATEWAY_CONFIG_DIR}/istio" \
    "-n netpaths rollout status deployment/echo --timeout=300s" \
    "-n netpaths rollout status deployment/echo-v2" "-n netpaths rollout status deployment/sidecar-demo" \
    "-n netpaths rollout status daemonset/caller" "-n netpaths-other rollout status deployment/echo " \
    "-n netpaths-other rollout status deployment/echo-restricted" \
    "-n netpaths wait --for=condition=Programmed gateway/netpaths-gateway"
}

@test "PLAN=1 deploy kind+flannel: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh kind flannel; assert_deploy kind; }
@test "PLAN=1 deploy kind+calico: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh kind calico; assert_deploy kind; }
@test "PLAN=1 deploy kind+weave: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh kind weave; assert_deploy kind; }
@test "PLAN=1 deploy k3d+flannel: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh k3d flannel; assert_deploy k3d; }
@test "PLAN=1 deploy k3d+calico: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh k3d calico; assert_deploy k3d; }
@test "PLAN=1 deploy k3d+weave: overlay, entry points guarded by their CRDs, rollouts" { plan deploy.sh k3d weave; assert_deploy k3d; }

@test "PLAN=1 deploy uses the repository's gateway-config/ by default" {
  unset GATEWAY_CONFIG_DIR
  plan deploy.sh kind flannel
  assert_has "apply -f gateway-config/gateway-api"
  assert_lacks "gateway-config/metallb"
}

assert_addons() {
  local cluster="$1" subnet="$2"
  assert_in_order "preflight: would check helm is installed" \
    "kubectl --context ${cluster}-netpaths apply -f ${METALLB_MANIFEST_URL}" \
    "-n metallb-system rollout status deployment/controller" "-n metallb-system rollout status daemonset/speaker" \
    "retried up to 12 times" "kubectl --context ${cluster}-netpaths apply -f - <<'EOF'" "    - ${subnet}.255.200-${subnet}.255.250" "name: netpaths-l2" "EOF" \
    "refused when the other controller (ingress-nginx/deployment/ingress-nginx-controller) is installed" \
    "helm --kube-context ${cluster}-netpaths upgrade --install nginx-ingress ${NGINX_IC_CHART} --version ${NGINX_IC_CHART_VERSION} --namespace nginx-ingress --create-namespace --values - <<'EOF'" \
    "name: nginx" "ingress-ready: \"true\"" "strategy:" "type: Recreate" "EOF" \
    "-n nginx-ingress rollout status deployment/nginx-ingress-controller" \
    "helm template eg-crds ${ENVOY_GATEWAY_CRDS_CHART} --version ${ENVOY_GATEWAY_VERSION} --set crds.gatewayAPI.enabled=true --set crds.gatewayAPI.channel=standard --set crds.envoyGateway.enabled=true | kubectl --context ${cluster}-netpaths apply --server-side --force-conflicts -f -" \
    "helm --kube-context ${cluster}-netpaths upgrade --install eg ${ENVOY_GATEWAY_CHART} --version ${ENVOY_GATEWAY_VERSION} --namespace envoy-gateway-system --create-namespace --set crds.enabled=false" \
    "-n envoy-gateway-system rollout status deployment/envoy-gateway" \
    "upgrade --install istio-base base --repo ${ISTIO_CHART_REPO} --version ${ISTIO_VERSION} --namespace istio-system --create-namespace" \
    "upgrade --install istiod istiod" "-n istio-system rollout status deployment/istiod" \
    "upgrade --install istio-ingressgateway gateway" "-n istio-system rollout status deployment/istio-ingressgateway"
  assert_lacks "kubernetes/ingress-nginx"
  assert_lacks "channel=experimental"
}

@test "PLAN=1 addons kind+flannel: MetalLB pool from the kind network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" plan addons.sh kind flannel all; assert_addons kind 172.18
}
@test "PLAN=1 addons kind+calico: MetalLB pool from the kind network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" plan addons.sh kind calico all; assert_addons kind 172.18
}
@test "PLAN=1 addons kind+weave: MetalLB pool from the kind network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" plan addons.sh kind weave; assert_addons kind 172.18
}
@test "PLAN=1 addons k3d+flannel: MetalLB pool from the k3d network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/k3d-network.json" plan addons.sh k3d flannel all; assert_addons k3d 172.19
}
@test "PLAN=1 addons k3d+calico: MetalLB pool from the k3d network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/k3d-network.json" plan addons.sh k3d calico all; assert_addons k3d 172.19
}
@test "PLAN=1 addons k3d+weave: MetalLB pool from the k3d network, NGINX IC, Envoy Gateway, Istio" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/k3d-network.json" plan addons.sh k3d weave all; assert_addons k3d 172.19
}

@test "PLAN=1 addons without Docker: says where the range comes from and shows it for 172.18.0.0/16" {
  plan addons.sh k3d flannel metallb
  assert_has "computed at run time from 'docker network inspect k3d-netpaths'"
  assert_has "    - 172.18.255.200-172.18.255.250"
  assert_lacks "helm"
}

@test "PLAN=1 addons ingress with INGRESS=ingress-nginx: the retired manifest, with a warning" {
  INGRESS=ingress-nginx plan addons.sh kind flannel ingress
  local manifest="${BATS_TEST_TMPDIR}/netpaths-kind-netpaths/ingress-nginx.yaml"
  assert_in_order "refused when the other controller (nginx-ingress/deployment/nginx-ingress-controller) is installed" \
    "curl -fsSL --retry 3 -o ${manifest} ${INGRESS_NGINX_MANIFEST_URL}" \
    "--publish-status-address=localhost replaced by --publish-service=\$(POD_NAMESPACE)/ingress-nginx-controller" \
    "kubectl --context kind-netpaths apply -f ${manifest}" \
    "-n ingress-nginx rollout status deployment/ingress-nginx-controller"
  assert_has "RETIRED"
  assert_has "INGRESS=nginx (F5 NGINX Ingress Controller) is maintained"
  assert_lacks "helm"
}

@test "PLAN=1 images: Jib build of the three services, then kind load / k3d image import by cluster name" {
  plan images.sh kind flannel
  assert_in_order "mvn -B -ntp package -DskipTests -Dquarkus.container-image.build=true '-Dquarkus.jib.platforms=linux/<docker version -f {{.Server.Arch}}>' -pl echo-service,caller-service,sidecar-demo -am" \
    "docker tag netpaths/echo-service:0.1.0 'netpaths/echo-service:0.1.0-<image id>'" \
    "kind load docker-image --name netpaths 'netpaths/echo-service:0.1.0-<image id>' 'netpaths/caller-service:0.1.0-<image id>' 'netpaths/sidecar-demo:0.1.0-<image id>'"
  plan images.sh k3d flannel
  assert_has "k3d image import --cluster netpaths 'netpaths/echo-service:0.1.0-<image id>' 'netpaths/caller-service:0.1.0-<image id>' 'netpaths/sidecar-demo:0.1.0-<image id>'"
  assert_lacks ":latest"
}

@test "PLAN=1 conformance: the harness with the kube context, a peer context and a timestamped report dir" {
  PEER_CONTEXT=k3d-netpaths-b plan conformance.sh k3d calico
  assert_has "java -jar conformance/target/netpaths-conformance.jar --kube-context k3d-netpaths --reports reports/k3d-calico-"
  assert_has "--peer-context k3d-netpaths-b"
  # Docker Desktop is decided from docker info when it runs (not under PLAN=1), and said in the plan
  assert_in_order "kube-system/netpaths-data-plane" "says Docker Desktop: --docker-desktop (external paths through the host port mapping on 127.0.0.1)" "java -jar"
  local java
  java="$(grep '^java -jar' <<<"${output}")"
  [[ -n "${java}" && "${java}" != *--docker-desktop* ]]
}

@test "PLAN=1 up records the data-plane choices and the host port mapping it created (none with HOST_PORTS=0)" {
  PROXY_MODE=nftables plan up.sh kind calico
  assert_in_order "name: netpaths-data-plane" 'CNI: "calico"' 'PROXY_MODE: "nftables"' 'CALICO_ENCAP: "vxlan"' 'WEAVE_MODE: "n/a"' \
    'HOST_PORT_ADDRESS: "127.0.0.1"' 'HOST_PORT_NODE: "netpaths-control-plane"' \
    'HOST_PORTS: "30080/TCP 30081/UDP 30090/TCP 80/TCP 443/TCP"' 'HOST_PORTS_INGRESS: "80/TCP 443/TCP"'
  HOST_PORTS=0 plan up.sh k3d weave
  assert_has 'HOST_PORT_NODE: "k3d-netpaths-server-0"'
  assert_has 'HOST_PORTS: ""'
  assert_has 'WEAVE_MODE: "fastdp"'
}

@test "PLAN=1 conformance: the expected skips: cross-cluster for one cluster, none for two, EXPECT_SKIPS overrides" {
  plan conformance.sh kind flannel
  assert_has "--expect-skips cross-cluster"
  PEER_CONTEXT=kind-netpaths-b plan conformance.sh kind flannel
  assert_has "--peer-context kind-netpaths-b --expect-skips none"
  EXPECT_SKIPS='cross-cluster,istio*' plan conformance.sh kind flannel
  assert_has "--expect-skips 'cross-cluster,istio*'"
  EXPECT_SKIPS=off plan conformance.sh kind flannel
  assert_lacks "--expect-skips"
}

@test "PLAN=1 down: deletes by name; --all deletes netpaths-b first (it uses netpaths' k3d network)" {
  plan down.sh k3d flannel --all
  assert_in_order "k3d cluster delete netpaths-b" "k3d cluster delete netpaths"
  assert_count 2 "k3d cluster delete"
  plan down.sh kind flannel
  assert_has "kind delete cluster --name netpaths"
  assert_lacks "netpaths-b"
}

@test "PLAN=1 multicluster kind: two clusters, second without host ports, disjoint MetalLB slices" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" ADDONS=metallb plan multicluster.sh kind calico
  assert_in_order "kind create cluster --name netpaths " "    - 172.18.255.200-172.18.255.250" \
    "kind load docker-image --name netpaths " "every CLUSTER_NAME env set to netpaths," "--context kind-netpaths apply -f -" \
    "kind create cluster --name netpaths-b " "    - 172.18.254.200-172.18.254.250" \
    "kind load docker-image --name netpaths-b " "every CLUSTER_NAME env set to netpaths-b," "--context kind-netpaths-b apply -f -"
  assert_count 1 "extraPortMappings"
  assert_count 1 "mvn -B -ntp package"
  assert_has "PEER_CONTEXT=kind-netpaths-b CLUSTER=kind CNI=calico make conformance"
}

@test "PLAN=1 multicluster k3d: the second cluster joins k3d-netpaths and maps no ports" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/k3d-network.json" ADDONS=none plan multicluster.sh k3d flannel
  assert_in_order "k3d cluster create netpaths " "k3d cluster create netpaths-b "
  run grep -F "k3d cluster create netpaths-b " <<<"${output}"
  assert_has "--network k3d-netpaths"
  assert_lacks "--port"
}

@test "PLAN=1 make up deploy prints both plans through the Makefile" {
  command -v make >/dev/null || skip "make not installed"
  cd "${REPO_ROOT}"
  PLAN=1 CLUSTER=k3d CNI=calico run make --no-print-directory up deploy
  assert_status 0
  assert_in_order "k3d cluster create netpaths" "containerIPForwarding: Enabled" "kubectl kustomize k8s/overlays/kind" "apply -f -"
  assert_no_tool_called
}
