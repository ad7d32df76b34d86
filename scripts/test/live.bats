#!/usr/bin/env bats
# How make test counts the TAP of the live lab's proofs (scripts/test/live.sh) and the other TAP files
# (scripts/test.sh count_tap): a skipped proof is never a pass, and a run that died half way fails the results it
# planned but never printed. The proofs themselves need a lab: scripts/test.sh's calico run.

load helpers

# count FILE: "passed failed skipped" as scripts/test.sh counts FILE
count() {
  bash -c 'passed=0 failed=0 skipped=0
    eval "$(sed -n "/^count_tap() {/,/^}/p" "$1/scripts/test.sh")"
    count_tap "$2"
    echo "${passed} ${failed} ${skipped}"' _ "${REPO_ROOT}" "$1" 2>"${BATS_TEST_TMPDIR}/err"
}

tap() { printf '%s\n' "$@" >"${BATS_TEST_TMPDIR}/t.tap"; }

@test "count_tap: a proof skipped with # SKIP counts as skipped, not passed" {
  tap 1..5 "ok 1 bad input is refused" "ok 2 a Service applied answers" "ok 3 # SKIP the lab's CNI does not enforce NetworkPolicy" \
    "ok 4 scale" "not ok 5 delete pod"
  run count "${BATS_TEST_TMPDIR}/t.tap"
  assert_status 0
  [[ "${output}" == "3 1 1" ]] || { echo "counted: ${output}" >&2; return 1; }
}

@test "count_tap: bats' own skips (ok N name # skip) count as skipped, a test named with # SKIP or # skip) in it passes" {
  # real bats output: its skip directive stands at the end of the line; a name may hold the same text anywhere
  # (each line's "@test" is printed: bats would read one written here as a test of this file)
  printf '@%s\n' 'test "skipped, with a reason" { skip "needs root"; }' 'test "skipped, no reason" { skip; }' \
    'test "a proof skipped with # SKIP counts" { :; }' "test \"bats' own skips (ok N name # skip) count\" { :; }" \
    >"${BATS_TEST_TMPDIR}/t.bats"
  # a bats of its own (the one running this file, BATS_ROOT/bin/bats): none of this run's BATS_* variables, and not
  # its TAP stream (fd 3)
  env -i PATH="${PATH}" HOME="${HOME}" "${BATS_ROOT}/bin/bats" --tap "${BATS_TEST_TMPDIR}/t.bats" >"${BATS_TEST_TMPDIR}/t.tap" 3>&- || true
  grep -qx "ok 1 skipped, with a reason # skip needs root" "${BATS_TEST_TMPDIR}/t.tap" \
    || { cat "${BATS_TEST_TMPDIR}/t.tap" >&2; return 1; }
  run count "${BATS_TEST_TMPDIR}/t.tap"
  [[ "${output}" == "2 0 2" ]] || { echo "counted: ${output}" >&2; return 1; }
}

@test "count_tap: results missing from the plan (a run that died half way) count as failed" {
  tap 1..5 "ok 1 bad input is refused" "ok 2 a Service applied answers"
  run count "${BATS_TEST_TMPDIR}/t.tap"
  [[ "${output}" == "2 3 0" ]] || { echo "counted: ${output}" >&2; return 1; }
  grep -qF "planned 5 results, has 2: the missing ones count as failed" "${BATS_TEST_TMPDIR}/err"
  tap 1..5
  run count "${BATS_TEST_TMPDIR}/t.tap"
  [[ "${output}" == "0 5 0" ]] || { echo "counted: ${output}" >&2; return 1; }
}

@test "count_tap: a TAP without a plan counts its lines only (the one-line TAPs of test.sh)" {
  tap "ok 1 down after kill -9 mid-change leaves nothing"
  run count "${BATS_TEST_TMPDIR}/t.tap"
  [[ "${output}" == "1 0 0" ]] || { echo "counted: ${output}" >&2; return 1; }
}

# flip LAB_CNI NETWORK_POLICY_LINE: the TAP line live.sh's policy flip writes for a lab whose cluster.yaml has that
# line (the flip's own steps are not reached: every case here ends before it touches a lab)
flip() {
  mkdir -p "${BATS_TEST_TMPDIR}/state/netpaths"
  printf 'items:\n- kind: ConfigMap\n  data:\n%s\n' "$2" >"${BATS_TEST_TMPDIR}/state/netpaths/cluster.yaml"
  LAB_CNI="$1" LAB_STATE_DIR="${BATS_TEST_TMPDIR}/state" TAP="${BATS_TEST_TMPDIR}/t.tap" bash -c '
    n=0 failures=0
    eval "$(sed -n "/^tap() {/,/^}/p; /^skip() {/,/^}/p; /^policy_mode() {/,/^}/p; /^proof_policy_flip() {/,/^}/p" "$1/scripts/test/live.sh")"
    connects() { echo "connects called: the flip ran"; exit 0; }
    proof_policy_flip' _ "${REPO_ROOT}"
}

@test "live.sh: the policy flip skips only where the lab does not enforce NetworkPolicy and LAB_CNI allows it" {
  run flip flannel '    networkPolicy: "not-enforced"'
  assert_status 0
  assert_has "ok 1 # SKIP policy flip: the lab's CNI does not enforce NetworkPolicy"
  run flip calico '    networkPolicy: "not-enforced"'
  assert_has "not ok 1 policy flip: the lab says its CNI does not enforce NetworkPolicy, but LAB_CNI=calico must"
  run flip weave '    networkPolicy: not-enforced'
  assert_has "not ok 1 policy flip: the lab says its CNI does not enforce NetworkPolicy, but LAB_CNI=weave must"
  run flip flannel '    cni: "flannel"'
  assert_has "not ok 1 policy flip: cannot tell whether the lab's CNI enforces NetworkPolicy"
  run flip calico '    networkPolicy: "enforced"'
  assert_has "connects called: the flip ran"
}

# cells_flipped NODE OPEN CLOSED from live.sh, on the cells the harness printed (no lab)
cells() {
  bash -c 'log() { printf "live: %s\n" "$*"; }
    eval "$(sed -n "/^cells_flipped() {/,/^}/p" "$1/scripts/test/live.sh")"
    cells_flipped "$2" "$3" "$4"' _ "${REPO_ROOT}" "$@"
}

CLOSED='cp → netpaths/echo . PASSED
cp → netpaths-other/echo-restricted X PASSED
w1 → netpaths/echo . PASSED
w1 → netpaths-other/echo-restricted X PASSED'

@test "live.sh: the truth-table flip passes only when the admitted caller's cell alone flips from . to X, each passed" {
  run cells cp "${CLOSED/cp → netpaths-other\/echo-restricted X/cp → netpaths-other/echo-restricted .}" "${CLOSED}"
  assert_status 0
  # no flip: the policy applied changed nothing
  run cells cp "${CLOSED}" "${CLOSED}"
  assert_status 1
  assert_has 'with live-open applied, not "cp → netpaths-other/echo-restricted . PASSED"'
  # the flip, but another cell changed too
  run cells cp "${CLOSED/X PASSED
w1/X PASSED
w1}" "${CLOSED/w1 → netpaths\/echo . PASSED/w1 → netpaths/echo X PASSED}"
  assert_status 1
  # the open cell answered where the harness says it must not have (FAILED)
  run cells cp "${CLOSED/cp → netpaths-other\/echo-restricted X PASSED/cp → netpaths-other/echo-restricted . FAILED}" "${CLOSED}"
  assert_status 1
  assert_has "truth-table cells not passed"
  # no X cell left while open: the harness would not test enforcement
  run cells cp ". PASSED" ". PASSED"
  assert_status 1
  run cells cp "" ""
  assert_status 1
  assert_has "the harness printed no truth-table cells"
}

# lab_left_behind with ip and pgrep stubbed to show what a lab left (scripts/test/leftovers.sh)
left() {
  bash -c 'source "$1/scripts/test/leftovers.sh"; lab_left_behind "$2" "$3" "$4"' _ "${REPO_ROOT}" "$@"
}

@test "leftovers.sh: down left nothing passes; each thing left (namespace, link, process, journal, state dir) fails, named" {
  setup_stubs
  stub ip 'if [[ "$1" == netns ]]; then printf "%s\n" ${FAKE_NETNS:-}; elif [[ -n "${FAKE_LINKS:-}" ]]; then echo "${FAKE_LINKS}"; fi'
  stub pgrep 'printf "%s\n" ${FAKE_PGREP:-}; [[ -n "${FAKE_PGREP:-}" ]]'
  local state="${BATS_TEST_TMPDIR}/gone"
  run left lv "${state}" ""
  assert_status 0
  [[ -z "${output}" ]]
  export FAKE_NETNS="lv-net other-net"
  run left lv "${state}" ""
  assert_status 1
  assert_has "left: namespaces lv-net"
  assert_lacks "other-net"
  unset FAKE_NETNS
  export FAKE_LINKS="2: lv-br0: <BROADCAST> mtu 1500"
  run left lv "${state}" ""
  assert_status 1
  assert_has "left: links lv-br0"
  unset FAKE_LINKS
  export FAKE_PGREP=4242
  run left lv "${state}" ""
  assert_status 1
  assert_has "left: processes naming ${state}: 4242"
  unset FAKE_PGREP
  # a journaled process still running as itself; the same PID with another start time is not the lab's
  sleep 60 &
  local pid=$! start
  start="$(awk '{print $20}' <<<"$(sed 's/.*) //' "/proc/${pid}/stat")")"
  run left lv "${state}" "${pid} ${start}"
  assert_status 1
  assert_has "left: process ${pid} (journaled, start time ${start})"
  run left lv "${state}" "${pid} $((start + 1))"
  assert_status 0
  kill "${pid}"
  # a zombie (exited, its parent has yet to reap it) holds nothing of the lab's: gone, as down counts it
  bash -c 'sleep 0 & echo $! >"$1"; exec sleep 30' _ "${BATS_TEST_TMPDIR}/zombie" &
  local parent=$! zombie="" tries
  for ((tries = 0; tries < 50; tries++)); do
    zombie="$(cat "${BATS_TEST_TMPDIR}/zombie" 2>/dev/null || true)"
    [[ -n "${zombie}" && "$(sed 's/.*) //' "/proc/${zombie}/stat" | cut -d' ' -f1)" == Z ]] && break
    sleep 0.1
  done
  start="$(awk '{print $20}' <<<"$(sed 's/.*) //' "/proc/${zombie}/stat")")"
  run left lv "${state}" "${zombie} ${start}"
  kill "${parent}"
  assert_status 0
  mkdir -p "${state}"
  run left lv "${state}" ""
  assert_status 1
  assert_has "left: the state dir ${state}"
  touch "${state}/journal"
  run left lv "${state}" ""
  assert_has "left: the journal ${state}/journal"
}
