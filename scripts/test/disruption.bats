#!/usr/bin/env bats
# scripts/cluster/disruption.sh (make disruption) against fake kubectl, docker and java: the five paths are found
# where the harness's discovery finds them, the caller is reached through a port-forward that ends with the script,
# the drain is restored (or removed for --no-drain) before the measured rollout, the load gets the five paths and
# the roll command (kubectl rollout restart, then rollout status), a lost request fails the run, and a cluster
# without a path changes nothing. The load itself runs on real sockets in DisruptionTest (lab module). Nothing here
# talks to Docker, a cluster or the network.

load helpers

setup() {
  setup_stubs
  export LAB_JAR="${BATS_TEST_TMPDIR}/netpaths-lab.jar" FORWARD_PIDFILE="${BATS_TEST_TMPDIR}/forward.pid" WAIT_TIMEOUT=5
  touch "${LAB_JAR}"
  unset FAKE_DRAIN FAKE_NO_LB FAKE_DOCKER_DESKTOP FAKE_LOST FAKE_FORWARD_FAILS
  stub docker 'if [[ "${FAKE_DOCKER_DESKTOP:-0}" == 1 ]]; then echo "Docker Desktop"; else echo "Debian GNU/Linux 13 (trixie)"; fi'
  # kubectl: the answers of a deployed cluster; port-forward stays up (as the real one) until it is killed
  stub kubectl '
case "$*" in
  *" cluster-info"*) echo "Kubernetes control plane is running" ;;
  *" get pods -l app.kubernetes.io/name=caller-service"*) echo caller-x7k2p ;;
  *" get nodes "*) echo 172.18.0.4 ;;
  *" get service echo-nodeport "*) echo 30080 ;;
  *" get service echo-lb "*) [[ "${FAKE_NO_LB:-0}" == 1 ]] || echo 172.18.255.200 ;;
  *" get ingress echo "*) echo 172.18.255.201 ;;
  *" get gateway netpaths-gateway "*) echo 172.18.255.202 ;;
  *" get deployment echo "*) echo "${FAKE_DRAIN:-}" ;;
  *" port-forward "*)
    if [[ "${FAKE_FORWARD_FAILS:-0}" == 1 ]]; then echo "error: unable to forward port because pod is not running" >&2; exit 1; fi
    echo $$ >"${FORWARD_PIDFILE}"; echo "Forwarding from 127.0.0.1:41234 -> 8080"; exec sleep 30 ;;
  *" set env "*|*" rollout "*) ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 99 ;;
esac'
  # java: the version for the preflight; the load runs the roll command after -- and says what it counted
  stub java '
if [[ "$1" == -version ]]; then echo "openjdk version \"17.0.12\" 2024-07-16" >&2; exit 0; fi
while [[ $# -gt 0 && "$1" != -- ]]; do shift; done
shift
"$@" || exit 1
if [[ "${FAKE_LOST:-0}" == 1 ]]; then echo "disruption: FAILED, 3 requests lost"; exit 1; fi
echo "disruption: PASSED, no request lost"'
}

disruption() { run "${CLUSTER_DIR}/disruption.sh" "$@"; }

calls() { output="$(cat "${STUB_CALLS}")"; }

# The port-forward the run started is no longer running.
assert_forward_ended() {
  local pid
  pid="$(cat "${FORWARD_PIDFILE}")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill "${pid}"
    echo "the port-forward (pid ${pid}) outlived the script" >&2
    return 1
  fi
}

@test "disruption: the reference run loads the five paths while kubectl rolls echo, and ends its port-forward" {
  disruption
  assert_status 0
  assert_has "disruption: PASSED, no request lost"
  assert_forward_ended
  calls
  assert_in_order "kubectl --context kind-netpaths cluster-info" \
    "-n netpaths get pods -l app.kubernetes.io/name=caller-service --field-selector=status.phase=Running" \
    "-n netpaths port-forward --address 127.0.0.1 pod/caller-x7k2p :8080" \
    "java -cp ${LAB_JAR} dev.netpaths.lab.live.Disruption --timeout 5 clusterip=http://127.0.0.1:41234/call?url=http://echo:8080/echo&tries=1&timeoutMs=2000||\"ok\":true nodeport=http://172.18.0.4:30080/echo loadbalancer=http://172.18.255.200/echo ingress=http://172.18.255.201/v1|ingress.netpaths.test gateway=http://172.18.255.202/v1|gateway.netpaths.test -- bash -c" \
    "kubectl --context kind-netpaths -n netpaths rollout restart deployment/echo" \
    "kubectl --context kind-netpaths -n netpaths rollout status deployment/echo --timeout=5s"
  assert_lacks "set env"
  assert_lacks "--no-drain"
}

@test "disruption: after a --no-drain run the reference run restores echo's drain before the measured rollout" {
  FAKE_DRAIN=0s disruption
  assert_status 0
  calls
  assert_in_order "-n netpaths set env deployment/echo QUARKUS_SHUTDOWN_DELAY-" \
    "-n netpaths rollout status deployment/echo --timeout=5s" "java -cp" "rollout restart deployment/echo"
}

@test "disruption: --no-drain rolls echo to QUARKUS_SHUTDOWN_DELAY=0s first, then measures with --no-drain" {
  disruption --no-drain
  assert_status 0
  calls
  assert_in_order "-n netpaths set env deployment/echo QUARKUS_SHUTDOWN_DELAY=0s" \
    "-n netpaths rollout status deployment/echo --timeout=5s" \
    "dev.netpaths.lab.live.Disruption --timeout 5 --no-drain clusterip=" "rollout restart deployment/echo"
  FAKE_DRAIN=0s disruption --no-drain
  assert_status 0
  calls
  assert_count 1 "set env"
}

@test "disruption: a lost request fails the run, and the port-forward still ends" {
  FAKE_LOST=1 disruption
  assert_status 1
  assert_has "disruption: FAILED, 3 requests lost"
  assert_forward_ended
}

@test "disruption: a cluster without a path's address is refused by name and changes nothing" {
  FAKE_NO_LB=1 disruption
  assert_status 1
  assert_has "no LoadBalancer IP of service/echo-lb in kind-netpaths"
  calls
  assert_lacks "set env"
  assert_lacks "rollout"
  assert_lacks "port-forward"
  assert_lacks "dev.netpaths.lab.live.Disruption"
}

@test "disruption: a port-forward that cannot start is an error with kubectl's reason, before anything rolls" {
  FAKE_FORWARD_FAILS=1 disruption --no-drain
  assert_status 1
  assert_has "kubectl port-forward to pod/caller-x7k2p ended: error: unable to forward port because pod is not running"
  calls
  assert_lacks "set env"
  assert_lacks "rollout"
}

@test "disruption: Docker Desktop, whose node and LoadBalancer addresses the host cannot reach, is refused" {
  FAKE_DOCKER_DESKTOP=1 disruption
  assert_status 1
  assert_has "Docker Desktop routes no node or LoadBalancer address to this host"
  calls
  assert_lacks "rollout"
}

@test "disruption: a missing lab jar and an unknown argument are refused" {
  LAB_JAR="${BATS_TEST_TMPDIR}/none.jar" disruption
  assert_status 1
  assert_has "none.jar not found: run make build"
  disruption --drain
  assert_status 2
  assert_has "unknown argument '--drain'"
}

@test "disruption: PLAN=1 (make disruption) prints the rollout under load and calls nothing" {
  stub kubectl 'exit 97'
  stub docker 'exit 97'
  stub java 'exit 97'
  : >"${STUB_CALLS}"
  cd "${REPO_ROOT}"
  run make --no-print-directory disruption PLAN=1 NO_DRAIN=1
  assert_status 0
  assert_no_tool_called
  assert_in_order "kubectl --context kind-netpaths -n netpaths set env deployment/echo QUARKUS_SHUTDOWN_DELAY=0s" \
    "rollout status deployment/echo" \
    "java -cp ${LAB_JAR} dev.netpaths.lab.live.Disruption --timeout 5 --no-drain 'clusterip=http://127.0.0.1:<local-port>/call?"
  assert_has "-- bash -c 'kubectl --context \"\$1\" -n \"\$2\" rollout restart deployment/echo && kubectl --context \"\$1\" -n \"\$2\" rollout status deployment/echo --timeout=\"\$3s\"' roll kind-netpaths netpaths 5"
  assert_has "PLAN=1: printed the plan; nothing was run"
}
