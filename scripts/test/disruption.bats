#!/usr/bin/env bats
# scripts/cluster/disruption.sh (make disruption) against fake kubectl, docker and java: it is the harness's
# disruption case run by scripts/cluster/conformance.sh against the kube context (kubectl rolls echo through the
# harness's rollout seam), the reference case by default and its control with --no-drain, every path required
# (EXPECT_SKIPS=none); a lost request (the harness's exit 1) fails the run; bad input changes nothing. The case
# itself (load, rollout, verdict) is proven in the conformance module (DisruptionRunnerTest on real loopback
# sockets, RolloutTest, DisruptionCaseTest) and in the lab. Nothing here talks to Docker, a cluster or the network.

load helpers

setup() {
  setup_stubs
  export HARNESS_JAR="${BATS_TEST_TMPDIR}/netpaths-conformance.jar" REPORTS_DIR="${BATS_TEST_TMPDIR}/reports"
  touch "${HARNESS_JAR}"
  unset FAKE_LOST EXPECT_SKIPS
  stub docker 'echo "Debian GNU/Linux 13 (trixie)"'
  stub kubectl '
case "$*" in
  *" cluster-info"*) echo "Kubernetes control plane is running" ;;
  *" get configmap netpaths-data-plane "*) echo "PROXY_MODE=iptables" ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 99 ;;
esac'
  # java: the version for the preflight; the harness says what it counted
  stub java '
if [[ "$1" == -version ]]; then echo "openjdk version \"17.0.12\" 2024-07-16" >&2; exit 0; fi
if [[ "${FAKE_LOST:-0}" == 1 ]]; then echo "rollingRestartLosesNoRequest [nodeport] FAILED 3 of 812 requests lost"; exit 1; fi
echo "5 passed, 0 failed, 0 skipped"'
}

disruption() { run "${CLUSTER_DIR}/disruption.sh" "$@"; }

calls() { output="$(cat "${STUB_CALLS}")"; }

@test "disruption: the reference case runs in the harness against the context, every path required" {
  disruption
  assert_status 0
  assert_has "5 passed, 0 failed, 0 skipped"
  calls
  assert_has "java -jar ${HARNESS_JAR} --kube-context kind-netpaths --reports ${REPORTS_DIR} --expect-skips none --case rollingRestartLosesNoRequest"
  assert_lacks "rollout"
}

@test "disruption: --no-drain runs the control, which rolls echo without its drain and must lose requests" {
  disruption --no-drain
  assert_status 0
  calls
  assert_has "--expect-skips none --case rollingRestartWithoutDrainLosesRequests"
}

@test "disruption: a lost request fails the run" {
  FAKE_LOST=1 disruption
  assert_status 1
  assert_has "3 of 812 requests lost"
}

@test "disruption: an unknown argument is a usage error and runs nothing" {
  disruption --drain
  assert_status 2
  assert_has "unknown argument '--drain'"
  calls
  assert_lacks "java"
  assert_lacks "kubectl"
}

@test "disruption: PLAN=1 prints the harness command and runs nothing" {
  PLAN=1 disruption
  assert_status 0
  assert_has "--case rollingRestartLosesNoRequest"
  calls
  assert_lacks "java -jar"
}
