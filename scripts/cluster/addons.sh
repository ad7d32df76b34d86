#!/usr/bin/env bash
# Installs the add-ons the entry points need, at the versions pinned in scripts/versions.env:
#   metallb  MetalLB, then gateway-config/metallb/ with a pool from the cluster's Docker network (IPv4)
#   ingress  INGRESS=nginx: F5 NGINX Ingress Controller (Helm), class nginx, namespace nginx-ingress;
#            INGRESS=ingress-nginx: the retired kubernetes/ingress-nginx (manifest), namespace ingress-nginx,
#            publishing its LoadBalancer Service's address (not the manifest's "localhost").
#            Both claim IngressClass nginx and hostPorts 80/443: the other one must not be installed
#            (switching needs a fresh cluster, or removing the other first; refused otherwise).
#   gateway  the Gateway API CRDs (standard channel, GATEWAY_API_VERSION) from Envoy Gateway's CRD chart,
#            server-side applied, then Envoy Gateway with its own CRD copy off, namespace envoy-gateway-system
#   istio    Istio (Helm: base, istiod, gateway 'istio-ingressgateway' = the default profile), istio-system
#   all      all of the above, in that order (MetalLB first so LoadBalancer Services get addresses)
# Idempotent: kubectl apply and helm upgrade --install. First runs `versions.sh check addons` (skipped with
# a note when offline).
#
# Usage: scripts/cluster/addons.sh [all|metallb|ingress|gateway|istio] [-h|--help]   (make addons, make addons-X)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CNI=${CNI:-flannel}                  flannel | calico | weave (only checked)
#   INGRESS=${INGRESS:-nginx}            nginx | ingress-nginx
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   METALLB_INDEX=${METALLB_INDEX:-0}    slice of the Docker network for the pool (1 for a second cluster)
#   K3D_NETWORK=${K3D_NETWORK:-}         k3d only: the Docker network, when not k3d-$CLUSTER_NAME
#   GATEWAY_CONFIG_DIR=${GATEWAY_CONFIG_DIR:-gateway-config}
#   NETPATHS_NETWORK_JSON=${NETPATHS_NETWORK_JSON:-}   `docker network inspect` output to use instead of Docker
#   VERSIONS_CHECK=${VERSIONS_CHECK:-1}  0: skip `versions.sh check addons`
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}    seconds for each wait
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ADDONS=(metallb ingress gateway istio)

preflight() {
  local what="$1"
  step "Preflight"
  preflight_tool kubectl "${MIN_KUBECTL_VERSION}"
  if [[ "${what}" != metallb && ! ("${what}" == ingress && "${INGRESS}" == ingress-nginx) ]]; then
    preflight_tool helm "${MIN_HELM_VERSION}"
  fi
  if [[ "${what}" == metallb || "${what}" == all ]]; then
    preflight_tool jq
    if [[ -z "${NETPATHS_NETWORK_JSON:-}" ]]; then preflight_docker; fi
  fi
  preflight_cluster
  versions_check addons
}

# The pool's range. Under PLAN=1 without Docker network JSON, the range is shown for kind's usual subnet.
pool_range() {
  local json network
  network="$(docker_network "${CLUSTER}" "${CLUSTER_NAME}")"
  if is_plan && [[ -z "${NETPATHS_NETWORK_JSON:-}" ]]; then
    metallb_range "${METALLB_INDEX}" <<<'[{"IPAM":{"Config":[{"Subnet":"172.18.0.0/16"}]}}]'
    return 0
  fi
  json="$(network_json "${CLUSTER}" "${CLUSTER_NAME}")" \
    || die "'docker network inspect ${network}' failed: is the cluster up (make up)?"
  metallb_range "${METALLB_INDEX}" <<<"${json}"
}

addon_metallb() {
  local range pool
  step "MetalLB ${METALLB_VERSION}"
  kc apply -f "${METALLB_MANIFEST_URL}"
  wait_rollout metallb-system deployment/controller
  wait_rollout metallb-system daemonset/speaker
  range="$(pool_range)"
  if is_plan && [[ -z "${NETPATHS_NETWORK_JSON:-}" ]]; then
    plan_note "pool range: computed at run time from 'docker network inspect $(docker_network "${CLUSTER}" "${CLUSTER_NAME}")' (its IPv4 subnet, slice ${METALLB_INDEX}); shown for 172.18.0.0/16"
  fi
  log "MetalLB pool netpaths-pool: ${range} (from the ${CLUSTER} Docker network $(docker_network "${CLUSTER}" "${CLUSTER_NAME}"))"
  case "$(uname -s)" in
    Darwin|MINGW*|MSYS*|CYGWIN*) warn "LoadBalancer IPs (${range}) are not reachable from this host on macOS/Windows (kind#3482): use the NodePorts or port-forward" ;;
  esac
  # The controller's webhook rejects pools until it serves: retry instead of sleeping blindly.
  pool="$(render_metallb "${GATEWAY_CONFIG_DIR}/metallb" "${range}")"
  retry_input 12 5 "${pool}" kubectl --context "${KUBE_CONTEXT}" apply -f -
}

# refuse_other_ingress: the other controller claims IngressClass nginx and hostPorts 80/443 too.
refuse_other_ingress() {
  local ns deploy how
  if [[ "${INGRESS}" == nginx ]]; then
    ns=ingress-nginx; deploy=ingress-nginx-controller; how="kubectl --context ${KUBE_CONTEXT} delete -f ${INGRESS_NGINX_MANIFEST_URL}"
  else
    ns=nginx-ingress; deploy=nginx-ingress-controller; how="helm --kube-context ${KUBE_CONTEXT} uninstall nginx-ingress -n nginx-ingress"
  fi
  plan_note "refused when the other controller (${ns}/deployment/${deploy}) is installed"
  if kc_get -n "${ns}" get deployment "${deploy}" >/dev/null; then
    die "the other ingress controller (${ns}/${deploy}) is installed; both claim IngressClass nginx and hostPorts 80/443. Switching controllers needs a fresh cluster (make down up), or remove it first: ${how}"
  fi
}

addon_ingress() {
  refuse_other_ingress
  if [[ "${INGRESS}" == nginx ]]; then
    step "F5 NGINX Ingress Controller ${NGINX_IC_VERSION} (chart ${NGINX_IC_CHART_VERSION}), class nginx"
    run_input "$(nginx_ic_values)" helm --kube-context "${KUBE_CONTEXT}" upgrade --install nginx-ingress \
      "${NGINX_IC_CHART}" --version "${NGINX_IC_CHART_VERSION}" \
      --namespace nginx-ingress --create-namespace --values -
    wait_rollout nginx-ingress deployment/nginx-ingress-controller
  else
    step "ingress-nginx ${INGRESS_NGINX_VERSION} (RETIRED: no releases or CVE fixes since March 2026)"
    warn "INGRESS=ingress-nginx installs the retired kubernetes/ingress-nginx; INGRESS=nginx (F5 NGINX Ingress Controller) is maintained"
    install_ingress_nginx
    wait_rollout ingress-nginx deployment/ingress-nginx-controller
  fi
}

# The kind provider manifest publishes "localhost" as every Ingress's address
# (kubernetes/ingress-nginx controller-v1.15.1 deploy/static/provider/kind/deploy.yaml,
# --publish-status-address=localhost), which a caller in another cluster cannot use: publish the
# controller's LoadBalancer Service (MetalLB address) instead.
install_ingress_nginx() {
  local manifest="${STATE_DIR}/ingress-nginx.yaml" edited
  run mkdir -p "${STATE_DIR}"
  run curl -fsSL --retry 3 -o "${manifest}" "${INGRESS_NGINX_MANIFEST_URL}"
  plan_note "then: --publish-status-address=localhost replaced by --publish-service=\$(POD_NAMESPACE)/ingress-nginx-controller"
  if ! is_plan; then
    grep -q -- '--publish-status-address=localhost' "${manifest}" \
      || die "${INGRESS_NGINX_MANIFEST_URL} has no --publish-status-address=localhost to replace: check the pinned manifest"
    edited="$(sed 's#--publish-status-address=localhost#--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller#' "${manifest}")"
    printf '%s\n' "${edited}" >"${manifest}"
  fi
  kc apply -f "${manifest}"
}

# Envoy Gateway's main chart carries the EXPERIMENTAL Gateway API CRDs in crds/, which Helm installs once and
# never upgrades. Install the standard channel from its CRD chart (server-side: the CRDs are too large for
# client-side apply) and the main chart with crds.enabled=false (envoyproxy/gateway v1.9.0
# site/content/en/latest/install/install-helm.md, "Installing CRDs separately").
addon_gateway() {
  local got
  step "Gateway API ${GATEWAY_API_VERSION} CRDs (standard channel) and Envoy Gateway ${ENVOY_GATEWAY_VERSION}"
  run_pipe helm template eg-crds "${ENVOY_GATEWAY_CRDS_CHART}" --version "${ENVOY_GATEWAY_VERSION}" \
    --set crds.gatewayAPI.enabled=true --set crds.gatewayAPI.channel=standard --set crds.envoyGateway.enabled=true \
    '|' kubectl --context "${KUBE_CONTEXT}" apply --server-side --force-conflicts -f -
  run helm --kube-context "${KUBE_CONTEXT}" upgrade --install eg "${ENVOY_GATEWAY_CHART}" \
    --version "${ENVOY_GATEWAY_VERSION}" --namespace envoy-gateway-system --create-namespace --set crds.enabled=false
  wait_rollout envoy-gateway-system deployment/envoy-gateway
  plan_note "then: the installed Gateway API CRDs must be GATEWAY_API_VERSION=${GATEWAY_API_VERSION}, channel standard"
  is_plan && return 0
  got="$(kubectl --context "${KUBE_CONTEXT}" get crd gateways.gateway.networking.k8s.io \
    -o go-template='{{ index .metadata.annotations "gateway.networking.k8s.io/bundle-version" }} {{ index .metadata.annotations "gateway.networking.k8s.io/channel" }}' 2>/dev/null || true)"
  [[ "${got}" == "${GATEWAY_API_VERSION} standard" ]] \
    || die "the cluster's Gateway API CRDs are '${got:-missing}' (version channel), expected '${GATEWAY_API_VERSION} standard': another installer owns them; delete the gateway.networking.k8s.io CRDs or align GATEWAY_API_VERSION"
  log "Gateway API CRDs: ${got}"
}

addon_istio() {
  step "Istio ${ISTIO_VERSION}: base, istiod, istio-ingressgateway (the default profile's parts)"
  run helm --kube-context "${KUBE_CONTEXT}" upgrade --install istio-base base --repo "${ISTIO_CHART_REPO}" \
    --version "${ISTIO_VERSION}" --namespace istio-system --create-namespace
  run helm --kube-context "${KUBE_CONTEXT}" upgrade --install istiod istiod --repo "${ISTIO_CHART_REPO}" \
    --version "${ISTIO_VERSION}" --namespace istio-system
  # The gateway's pods are injected by istiod: it must serve first.
  wait_rollout istio-system deployment/istiod
  # The gateway chart labels its pods istio=<release name without "istio-">: istio=ingressgateway.
  run helm --kube-context "${KUBE_CONTEXT}" upgrade --install istio-ingressgateway gateway --repo "${ISTIO_CHART_REPO}" \
    --version "${ISTIO_VERSION}" --namespace istio-system
  wait_rollout istio-system deployment/istio-ingressgateway
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  local what="${1:-all}" addon
  require_one_of "the add-on" "${what}" all "${ADDONS[@]}"
  load_settings
  preflight "${what}"
  if [[ "${what}" == all ]]; then
    for addon in "${ADDONS[@]}"; do "addon_${addon}"; done
  else
    "addon_${what}"
  fi
  done_note "add-ons (${what}) installed on ${KUBE_CONTEXT}. Next: make images deploy"
}

main "$@"
