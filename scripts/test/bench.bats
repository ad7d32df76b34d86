#!/usr/bin/env bats
# scripts/bench/lab.sh (make bench-lab) before it starts anything: settings refused with the reason, nothing run.

load helpers

BENCH_LAB="${REPO_ROOT}/scripts/bench/lab.sh"

@test "bench-lab: BENCH_LAB_PREFIX=np is refused: the default lab's prefix, which the benchmark would take down" {
  BENCH_LAB_PREFIX=np run "${BENCH_LAB}"
  assert_status 1
  assert_has "bench: BENCH_LAB_PREFIX must not be 'np', the default lab's prefix"
}

@test "bench-lab: a timeout that is no whole number is refused naming the setting" {
  BENCH_READY_TIMEOUT=3m run "${BENCH_LAB}"
  assert_status 1
  assert_has "bench: BENCH_READY_TIMEOUT must be a positive whole number, got '3m'"
}

@test "bench-lab: a baseline harness jar that does not exist is refused before the lab comes up" {
  BENCH_LAB_PREFIX=zz BENCH_BASELINE_JAR=/nonexistent/netpaths-conformance.jar run "${BENCH_LAB}"
  assert_status 1
  assert_has "bench: BENCH_BASELINE_JAR: no such file '/nonexistent/netpaths-conformance.jar'"
  assert_lacks "lab.sh run"
}

@test "bench-lab: a reports directory inside the lab's state dir is refused (down removes it), and not created" {
  BENCH_LAB_PREFIX=zz LAB_STATE_DIR="${BATS_TEST_TMPDIR}/state" BENCH_REPORTS="${BATS_TEST_TMPDIR}/state/keep" run "${BENCH_LAB}"
  assert_status 1
  assert_has "bench: BENCH_REPORTS must not be inside the lab's state dir ${BATS_TEST_TMPDIR}/state (down removes it)"
  assert_lacks "lab.sh run"
  [[ ! -e "${BATS_TEST_TMPDIR}/state" ]]
}

@test "bench-lab: --help prints the settings, an unknown argument exits 2" {
  run "${BENCH_LAB}" --help
  assert_status 0
  assert_has "BENCH_BASELINE_JAR"
  run "${BENCH_LAB}" --bogus
  assert_status 2
}
