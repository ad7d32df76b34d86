#!/usr/bin/env bash
# The disruption case against a real cluster (kind or k3d, deployed with `make up addons images deploy`): constant
# load through the ClusterIP (from a caller pod), the NodePort, echo-lb's LoadBalancer IP, the Ingress and the
# Gateway while `kubectl rollout restart deployment/echo` runs; every request and its outcome counted per path. The
# load, the counting and the verdict are the lab's (`scripts/lab/lab.sh disruption`, lab/.../live/Disruption.java):
# only the roll and the way to the paths differ. Exit 1 when a request failed or a path carried none.
#
# The paths, found with kubectl where the harness's discovery finds them:
#   clusterip     the first caller pod, reached through `kubectl port-forward` on 127.0.0.1 (no pod address is
#                 routable from the host), /call?url=http://echo:8080/echo: the caller resolves echo and connects
#                 through kube-proxy's ClusterIP rules
#   nodeport      echo-nodeport's node port on the last node's InternalIP
#   loadbalancer  service/echo-lb's .status.loadBalancer.ingress[0].ip
#   ingress       ingress/echo's .status.loadBalancer.ingress[0].ip, Host ingress.netpaths.test, /v1
#   gateway       gateway/netpaths-gateway's .status.addresses[0].value, Host gateway.netpaths.test, /v1
# Node and LoadBalancer addresses must be routable from this host (Linux with Docker; not Docker Desktop).
#
# Usage: scripts/cluster/disruption.sh [-h|--help] [--no-drain]        (make disruption [NO_DRAIN=1])
#   --no-drain   the break-it variant: first `kubectl set env deployment/echo QUARKUS_SHUTDOWN_DELAY=0s` and wait for
#                that rollout (not measured), then the measured rollout; exit 0 (the failures are the lesson). A run
#                without it first removes that variable again (echo's 5 s drain, quarkus.shutdown.delay)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}    seconds for each rollout and for the port-forward to listen
#   LAB_JAR=${LAB_JAR:-lab/target/netpaths-lab.jar}   the jar with the load (make build)
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

NS=netpaths
DRAIN=QUARKUS_SHUTDOWN_DELAY
FORWARD_PID=""
FORWARD_LOG=""
FORWARD_PORT=""

cleanup() {
  if [[ -n "${FORWARD_PID}" ]]; then kill "${FORWARD_PID}" 2>/dev/null || true; wait "${FORWARD_PID}" 2>/dev/null || true; fi
  if [[ -n "${FORWARD_LOG}" ]]; then rm -f "${FORWARD_LOG}"; fi
}

# get WHAT ARGS...: one value read with kubectl, or die naming WHAT
get() {
  local what="$1" value; shift
  value="$(kubectl --context "${KUBE_CONTEXT}" "$@" 2>/dev/null)" || value=""
  [[ -n "${value}" ]] || die "no ${what} in ${KUBE_CONTEXT} (kubectl $*): deploy the reference manifests and add-ons first (make addons images deploy)"
  printf '%s\n' "${value}"
}

# port_forward POD: a local port (FORWARD_PORT) forwarded to POD's 8080 by kubectl in the background, ended by
# cleanup (in this shell, not a subshell: cleanup needs its PID)
port_forward() {
  local pod="$1" deadline port
  FORWARD_LOG="$(mktemp "${TMPDIR:-/tmp}/netpaths-disruption-forward.XXXXXX")"
  kubectl --context "${KUBE_CONTEXT}" -n "${NS}" port-forward --address 127.0.0.1 "pod/${pod}" :8080 >"${FORWARD_LOG}" 2>&1 &
  FORWARD_PID=$!
  deadline=$((SECONDS + WAIT_TIMEOUT))
  until port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) -> 8080.*/\1/p' "${FORWARD_LOG}" | head -n 1)" && [[ -n "${port}" ]]; do
    kill -0 "${FORWARD_PID}" 2>/dev/null || die "kubectl port-forward to pod/${pod} ended: $(cat "${FORWARD_LOG}")"
    ((SECONDS < deadline)) || die "kubectl port-forward to pod/${pod} did not listen within ${WAIT_TIMEOUT}s"
    sleep 0.2
  done
  FORWARD_PORT="${port}"
}

# set_drain VALUE|-: echo's QUARKUS_SHUTDOWN_DELAY set (or removed with -), rolled out (not measured)
set_drain() {
  if [[ "$1" == - ]]; then
    log "restoring echo's drain (${DRAIN} removed) first (not measured)"
    kc -n "${NS}" set env deployment/echo "${DRAIN}-"
  else
    log "the break-it variant: rolling echo to ${DRAIN}=$1 first (not measured)"
    kc -n "${NS}" set env deployment/echo "${DRAIN}=$1"
  fi
  wait_rollout "${NS}" deployment/echo
}

main() {
  case "${1:-}" in -h|--help) handle_help "${BASH_SOURCE[0]}" "$1" ;; esac
  local no_drain=0 jar drain caller node lb ingress gateway port
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-drain) no_drain=1 ;;
      *) print_usage "${BASH_SOURCE[0]}" >&2; usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
  load_settings
  jar="${LAB_JAR:-lab/target/netpaths-lab.jar}"
  step "Preflight"
  preflight_tool java "${MIN_JAVA_VERSION}"
  preflight_tool kubectl
  preflight_cluster
  if ! is_plan; then
    [[ -f "${jar}" ]] || die "${jar} not found: run make build"
    [[ "$(docker info --format '{{.OperatingSystem}}' 2>/dev/null || true)" != "Docker Desktop" ]] \
      || die "Docker Desktop routes no node or LoadBalancer address to this host: the disruption case needs them (run it on Linux)"
  fi
  trap cleanup EXIT

  step "The five paths (kubectl, where the harness's discovery reads them)"
  if is_plan; then
    plan_note "caller: kubectl -n ${NS} get pods -l app.kubernetes.io/name=caller-service; kubectl port-forward --address 127.0.0.1 pod/<caller> :8080 (a local port)"
    plan_note "node: the last node's InternalIP; echo-lb, ingress/echo, gateway/netpaths-gateway: their status addresses"
    caller='<caller>' node='<node-ip>' lb='<echo-lb-ip>' ingress='<ingress-ip>' gateway='<gateway-ip>' port='<local-port>'
  else
    caller="$(get "caller pod" -n "${NS}" get pods -l app.kubernetes.io/name=caller-service --field-selector=status.phase=Running -o 'jsonpath={.items[0].metadata.name}')"
    node="$(get "node InternalIP" get nodes -o 'jsonpath={.items[-1:].status.addresses[?(@.type=="InternalIP")].address}')"
    get "service/echo-nodeport with node port 30080" -n "${NS}" get service echo-nodeport -o 'jsonpath={.spec.ports[?(@.nodePort==30080)].nodePort}' >/dev/null
    lb="$(get "LoadBalancer IP of service/echo-lb" -n "${NS}" get service echo-lb -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')"
    ingress="$(get "address of ingress/echo" -n "${NS}" get ingress echo -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')"
    gateway="$(get "address of gateway/netpaths-gateway" -n "${NS}" get gateway netpaths-gateway -o 'jsonpath={.status.addresses[0].value}')"
    drain="$(kubectl --context "${KUBE_CONTEXT}" -n "${NS}" get deployment echo \
      -o "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"${DRAIN}\")].value}" 2>/dev/null)" \
      || die "no deployment/echo in ${KUBE_CONTEXT}: deploy the reference manifests first (make deploy)"
    port_forward "${caller}"
    port="${FORWARD_PORT}"
    log "clusterip through ${caller} (127.0.0.1:${port}), nodeport ${node}:30080, loadbalancer ${lb}, ingress ${ingress}, gateway ${gateway}"
  fi

  if ((no_drain)); then
    if is_plan || [[ "${drain:-}" != 0s ]]; then set_drain 0s; fi
  elif is_plan; then
    plan_note "when echo carries ${DRAIN} (a --no-drain run before): kubectl -n ${NS} set env deployment/echo ${DRAIN}- and its rollout first"
  elif [[ -n "${drain}" ]]; then
    set_drain -
  fi

  step "Rollout restart of deployment/echo under load"
  local args=(--timeout "${WAIT_TIMEOUT}")
  ((no_drain)) && args+=(--no-drain)
  # shellcheck disable=SC2016 # $1..$4 are the inner bash's arguments
  run java -cp "${jar}" dev.netpaths.lab.live.Disruption "${args[@]}" \
    "clusterip=http://127.0.0.1:${port}/call?url=http://echo:8080/echo&tries=1&timeoutMs=2000||\"ok\":true" \
    "nodeport=http://${node}:30080/echo" \
    "loadbalancer=http://${lb}/echo" \
    "ingress=http://${ingress}/v1|ingress.netpaths.test" \
    "gateway=http://${gateway}/v1|gateway.netpaths.test" \
    -- bash -c 'kubectl --context "$1" -n "$2" rollout restart deployment/echo && kubectl --context "$1" -n "$2" rollout status deployment/echo --timeout="$3s"' \
    roll "${KUBE_CONTEXT}" "${NS}" "${WAIT_TIMEOUT}"
  done_note "disruption case done against ${KUBE_CONTEXT}"
}

main "$@"
