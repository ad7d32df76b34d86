#!/usr/bin/env bash
# Installs the add-ons the entry points need, at the versions pinned in scripts/versions.env:
#   metallb  MetalLB, then gateway-config/metallb/ with a pool from the cluster's Docker network (IPv4)
#   ingress  INGRESS=nginx: F5 NGINX Ingress Controller (Helm), class nginx, namespace nginx-ingress;
#            INGRESS=ingress-nginx: the retired kubernetes/ingress-nginx (manifest), namespace ingress-nginx
#   gateway  Envoy Gateway (Helm; brings the Gateway API CRDs), namespace envoy-gateway-system
#   istio    Istio (Helm: base, istiod, gateway 'istio-ingressgateway' = the default profile), istio-system
#   all      all of the above, in that order (MetalLB first so LoadBalancer Services get addresses)
# Idempotent: kubectl apply and helm upgrade --install.
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

addon_ingress() {
  if [[ "${INGRESS}" == nginx ]]; then
    step "F5 NGINX Ingress Controller ${NGINX_IC_VERSION} (chart ${NGINX_IC_CHART_VERSION}), class nginx"
    run_input "$(nginx_ic_values)" helm --kube-context "${KUBE_CONTEXT}" upgrade --install nginx-ingress \
      "${NGINX_IC_CHART}" --version "${NGINX_IC_CHART_VERSION}" \
      --namespace nginx-ingress --create-namespace --values -
    wait_rollout nginx-ingress deployment/nginx-ingress-controller
  else
    step "ingress-nginx ${INGRESS_NGINX_VERSION} (RETIRED: no releases or CVE fixes since March 2026)"
    warn "INGRESS=ingress-nginx installs the retired kubernetes/ingress-nginx; INGRESS=nginx (F5 NGINX Ingress Controller) is maintained"
    kc apply -f "${INGRESS_NGINX_MANIFEST_URL}"
    wait_rollout ingress-nginx deployment/ingress-nginx-controller
  fi
}

addon_gateway() {
  local bundle
  step "Envoy Gateway ${ENVOY_GATEWAY_VERSION} (Gateway API CRDs included)"
  run helm --kube-context "${KUBE_CONTEXT}" upgrade --install eg "${ENVOY_GATEWAY_CHART}" \
    --version "${ENVOY_GATEWAY_VERSION}" --namespace envoy-gateway-system --create-namespace
  wait_rollout envoy-gateway-system deployment/envoy-gateway
  if is_plan; then
    plan_note "then: the Gateway API bundle version installed is compared with GATEWAY_API_VERSION=${GATEWAY_API_VERSION}"
    return 0
  fi
  bundle="$(kubectl --context "${KUBE_CONTEXT}" get crd gateways.gateway.networking.k8s.io \
    -o jsonpath='{.metadata.annotations.gateway\.networking\.k8s\.io/bundle-version}' 2>/dev/null || true)"
  if [[ "${bundle}" != "${GATEWAY_API_VERSION}" ]]; then
    warn "Envoy Gateway installed Gateway API ${bundle:-unknown}; scripts/versions.env says ${GATEWAY_API_VERSION}: update one of them"
  fi
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
