#!/usr/bin/env bash
# Deploys netpaths: the kustomize overlay k8s/overlays/kind (kind and k3d share it, lib.sh OVERLAY) rendered
# for this cluster (every CLUSTER_NAME env set to $CLUSTER_NAME, so two clusters answer with different names;
# every netpaths image by its content tag from `make images`, so a rebuilt image rolls the pods), then each part of
# gateway-config/ whose add-on is installed, then waits for every rollout. Idempotent (kubectl apply).
# "Add-on not installed" (its CRD or IngressClass is absent) skips a part with a message; any failure of
# an apply (a webhook rejection, a CRD or API error) stops the deploy with the error. Only "failed calling
# webhook" (a webhook that does not serve yet: ingress-nginx's admission, Istio's validation) is retried.
# MetalLB's pool is applied by addons.sh (it needs the range).
#
# Usage: scripts/cluster/deploy.sh [-h|--help]        (make deploy)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   INGRESS=${INGRESS:-nginx}            nginx | ingress-nginx: gateway-config/ingress/$INGRESS when it exists
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   GATEWAY_CONFIG_DIR=${GATEWAY_CONFIG_DIR:-gateway-config}
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}    seconds for each wait
#   WEBHOOK_RETRY_DELAY=${WEBHOOK_RETRY_DELAY:-5}  seconds between applies a webhook could not answer (12 tries)
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Workloads of docs/architecture.md's Workload table, "namespace kind/name" (configs.bats holds the two together).
ROLLOUTS=(
  "netpaths deployment/echo"
  "netpaths deployment/echo-v2"
  "netpaths deployment/sidecar-demo"
  "netpaths daemonset/caller"
  "netpaths-other deployment/echo"
  "netpaths-other deployment/echo-restricted"
  "netpaths-other deployment/caller-trusted"
)

# render_overlay: the overlay with this cluster's name and the loaded images' content tags.
render_overlay() {
  local overlay="${OVERLAY}" rendered module tags=()
  for module in "${IMAGE_MODULES[@]}"; do tags+=("$(image_ref "${module}")") || exit 1; done
  rendered="$(kubectl kustomize "${overlay}")" || die "kubectl kustomize ${overlay} failed (above)"
  rename_overlay "${CLUSTER_NAME}" "${tags[@]}" <<<"${rendered}"
}

deploy_overlay() {
  local overlay="${OVERLAY}"
  step "Workloads: ${overlay} as cluster ${CLUSTER_NAME}"
  [[ -d "${overlay}" ]] || die "${overlay} not found: the overlay of k8s/ is missing"
  if is_plan; then
    plan_note "kubectl kustomize ${overlay}, every CLUSTER_NAME env set to ${CLUSTER_NAME}, images $(image_ref "${IMAGE_MODULES[0]}") (and the other two), then:"
    shell_line kubectl --context "${KUBE_CONTEXT}" apply -f -
    return 0
  fi
  apply_retrying_webhooks workloads "$(render_overlay)" -f -
}

# apply_retrying_webhooks WHAT TEXT|'' KUBECTL-APPLY-ARGS...: kubectl apply; a webhook that does not serve
# yet ("failed calling webhook") is retried 12 times, WEBHOOK_RETRY_DELAY apart; every other failure
# stops here with kubectl's error.
apply_retrying_webhooks() {
  local what="$1" text="$2" i err; shift 2
  for ((i = 1; i <= 12; i++)); do
    if err="$(kubectl --context "${KUBE_CONTEXT}" apply "$@" <<<"${text}" 2>&1 >/dev/null)"; then
      log "applied ${what}"; return 0
    fi
    grep -q 'failed calling webhook' <<<"${err}" || die "applying ${what} failed: ${err}"
    ((i < 12)) && { warn "applying ${what}: a webhook does not answer yet (attempt ${i}/12); retrying in ${WEBHOOK_RETRY_DELAY:-5}s"; sleep "${WEBHOOK_RETRY_DELAY:-5}"; }
  done
  die "applying ${what}: the webhook still did not answer after 12 attempts: ${err}"
}

apply_args() {
  if [[ -f "$1/kustomization.yaml" ]]; then echo "-k"; else echo "-f"; fi
}

# apply_part PART DIR CHECK...: apply DIR when CHECK (a kubectl query) finds the add-on. Returns 0 when
# applied, 3 when skipped (DIR or the add-on absent); a failed apply stops the deploy.
apply_part() {
  local part="$1" dir="$2"; shift 2
  local check=(kubectl --context "${KUBE_CONTEXT}" "$@") apply
  apply=(kubectl --context "${KUBE_CONTEXT}" apply "$(apply_args "${dir}")" "${dir}")
  if [[ ! -d "${dir}" ]]; then
    log "skip ${part}: ${dir} is not in this tree"
    return 3
  fi
  if is_plan; then
    printf '%s >/dev/null 2>&1 && %s\n' "$(shell_line "${check[@]}")" "$(shell_line "${apply[@]}")"
    return 0
  fi
  if ! "${check[@]}" >/dev/null 2>&1; then
    log "skip ${part}: its add-on is not installed ($(shell_line "$@") found nothing; make addons-${part%%-*})"
    return 3
  fi
  apply_retrying_webhooks "${part} (${dir})" "" "${apply[@]:4}"
}

deploy_entry_points() {
  local ingress_dir="${GATEWAY_CONFIG_DIR}/ingress"
  [[ -d "${ingress_dir}/${INGRESS}" ]] && ingress_dir="${ingress_dir}/${INGRESS}"
  step "Entry points: gateway-config/ parts whose add-ons are installed"
  local rc
  apply_part ingress "${ingress_dir}" get ingressclass nginx || skipped $?
  rc=0; apply_part gateway-api "${GATEWAY_CONFIG_DIR}/gateway-api" get crd gateways.gateway.networking.k8s.io || rc=$?
  skipped "${rc}"
  if ((rc == 0)); then GATEWAY_APPLIED=1; fi
  apply_part istio "${GATEWAY_CONFIG_DIR}/istio" get crd virtualservices.networking.istio.io || skipped $?
}

# skipped RC: 0 and 3 (skipped) are outcomes; anything else is a failure to stop on.
skipped() { (($1 == 0 || $1 == 3)) || die "an entry point failed to apply (exit $1)"; }

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
