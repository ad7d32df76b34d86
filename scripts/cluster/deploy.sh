#!/usr/bin/env bash
# Deploys netpaths: the kustomize overlay k8s/overlays/$CLUSTER, then each part of gateway-config/ whose
# add-on is installed (its CRD or IngressClass exists; otherwise it is skipped with a message), then waits
# for every rollout. Idempotent (kubectl apply). MetalLB's pool is applied by addons.sh (it needs the range).
#
# Usage: scripts/cluster/deploy.sh [-h|--help]        (make deploy)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d (also picks the overlay)
#   INGRESS=${INGRESS:-nginx}            nginx | ingress-nginx: gateway-config/ingress/$INGRESS when it exists
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   GATEWAY_CONFIG_DIR=${GATEWAY_CONFIG_DIR:-gateway-config}
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}    seconds for each wait
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Workloads of docs/architecture.md, "namespace kind/name".
ROLLOUTS=(
  "netpaths deployment/echo"
  "netpaths deployment/echo-v2"
  "netpaths deployment/sidecar-demo"
  "netpaths daemonset/caller"
  "netpaths-other deployment/echo"
  "netpaths-other deployment/echo-restricted"
)

apply_args() {
  if [[ -f "$1/kustomization.yaml" ]]; then echo "-k"; else echo "-f"; fi
}

deploy_overlay() {
  local overlay="k8s/overlays/${CLUSTER}"
  step "Workloads: k8s/overlays/${CLUSTER}"
  if [[ ! -d "${overlay}" ]]; then
    is_plan || die "${overlay} not found: the ${CLUSTER} overlay of k8s/ is missing"
    warn "${overlay} does not exist in this tree yet"
  fi
  kc apply -k "${overlay}"
}

# apply_part PART DIR CHECK...: apply DIR when CHECK (a kubectl query) finds the add-on.
apply_part() {
  local part="$1" dir="$2"; shift 2
  local check=(kubectl --context "${KUBE_CONTEXT}" "$@") apply
  apply=(kubectl --context "${KUBE_CONTEXT}" apply "$(apply_args "${dir}")" "${dir}")
  if [[ ! -d "${dir}" ]]; then
    log "skip ${part}: ${dir} is not in this tree"
    return 1
  fi
  if is_plan; then
    printf '%s >/dev/null 2>&1 && %s\n' "$(shell_line "${check[@]}")" "$(shell_line "${apply[@]}")"
    return 0
  fi
  if ! "${check[@]}" >/dev/null 2>&1; then
    log "skip ${part}: its add-on is not installed ($(shell_line "$@") found nothing; make addons-${part%%-*})"
    return 1
  fi
  "${apply[@]}"
}

deploy_entry_points() {
  local ingress_dir="${GATEWAY_CONFIG_DIR}/ingress"
  [[ -d "${ingress_dir}/${INGRESS}" ]] && ingress_dir="${ingress_dir}/${INGRESS}"
  step "Entry points: gateway-config/ parts whose add-ons are installed"
  apply_part ingress "${ingress_dir}" get ingressclass nginx || true
  if apply_part gateway-api "${GATEWAY_CONFIG_DIR}/gateway-api" get crd gateways.gateway.networking.k8s.io; then
    GATEWAY_APPLIED=1
  fi
  apply_part istio "${GATEWAY_CONFIG_DIR}/istio" get crd virtualservices.networking.istio.io || true
}

wait_all() {
  local entry
  step "Wait for the rollouts"
  for entry in "${ROLLOUTS[@]}"; do wait_rollout "${entry% *}" "${entry#* }"; done
  if [[ "${GATEWAY_APPLIED}" == 1 ]]; then
    plan_note "only when the Gateway API part was applied:"
    wait_or_dump envoy-gateway-system "Gateway netpaths/netpaths-gateway to be Programmed" \
      kubectl --context "${KUBE_CONTEXT}" -n netpaths wait --for=condition=Programmed gateway/netpaths-gateway --timeout="${WAIT_TIMEOUT}s"
  fi
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  load_settings
  GATEWAY_APPLIED=0
  step "Preflight"
  preflight_tool kubectl "${MIN_KUBECTL_VERSION}"
  preflight_cluster
  deploy_overlay
  deploy_entry_points
  wait_all
  done_note "netpaths deployed on ${KUBE_CONTEXT}. Next: make conformance"
}

main "$@"
