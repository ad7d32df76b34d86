#!/usr/bin/env bash
# `make test`: every test netpaths has, cheapest failure first.
#   1. Debian packages: checked only (missing ones are named; `make deps` installs them, as root)
#   2. the Maven build with every module's tests: services, manifest checks, lab logic, harness logic
#      (the harness's own tests include the headless-browser check of a generated HTML report)
#   3. the scripts: shellcheck and the bats suite (cluster configs, MetalLB ranges, PLAN=1 for every
#      CLUSTER x CNI combination)
#   4. the lab: a real cluster data plane in network namespaces for each run in LAB_TEST_RUNS (CNI and
#      number of clusters; two clusters add the cross-cluster cases; `:rootless` runs it without root, in
#      user namespaces of its own, as NETPATHS_TEST_ROOTLESS_USER when this script runs as root), the full
#      conformance catalogue against it and the browser check of the report it wrote; a rootless run keeps its lab
#      up for the drift test of the workshop chapters written for it (`<!-- workshop: lab=weave clusters=1 -->`:
#      chapter 5, run as that user), then takes it down
#   5. in the first flannel:1 iptables lab of step 4, while it is up (up, catalogue, workshop, breaks, disruption,
#      down): the workshop chapters' drift test (scripts/test/workshop.sh: every command on the pages, output as
#      shown; `scripts/test/workshop.sh --update` re-captures them after a change to the lab); the break-it suite (scripts/test/breaks.sh): each break must make its cases FAIL with their likely
#      cause, and they must pass once restored; the harness's disruption case, `lab.sh case
#      rollingRestartLosesNoRequest` (echo rolled under load on five paths; any lost request fails the run; the
#      other CNIs' counts are in docs/lab/live.md, `LAB_DISRUPTION=1 make lab` repeats them). With NETPATHS_TEST_BREAKS=0 that lab runs the catalogue only; without such a run the
#      break-it suite brings up a lab of its own
#   6. in the calico run of step 4 (with NETPATHS_TEST_LIVE=1), while its lab is up: the drift test of the chapters
#      written for that lab (`<!-- workshop: lab=calico clusters=2 -->`), then the live lab's proofs; after it, the
#      workshop blocks written for Calico's BGP mode (```console lab lab=calico-bgp clusters=1) in a lab of their own
# It ends with one line counting every test and case: "netpaths: N passed, N failed, N skipped".
#
# Settings:
#   LAB_TEST_RUNS="flannel:1 calico:2 weave:1:rootless:nftables"   lab runs as CNI:clusters[:OPTION...] (empty: no lab run);
#                                          options: rootless, nftables (kube-proxy's mode, LAB_PROXY_MODE; default iptables),
#                                          bgp (Calico's mode, LAB_CALICO; default vxlan)
#   NETPATHS_TEST_ROOTLESS_USER=nobody     who runs the rootless lab when this script runs as root (with a
#                                          temporary HOME; it must be able to read the clone and the JDK)
#   NETPATHS_TEST_SKIP_DEPS=1              do not check or install Debian packages
#   NETPATHS_TEST_BREAKS=1                 0: no break-it suite (make test-breaks runs it alone)
#   NETPATHS_TEST_LIVE=1                   0: the calico run without the live lab's proofs in its lab (scripts/test/live.sh)
#                                          and without the kill -9 test after the lab runs (scripts/test/kill9.sh)
#   NETPATHS_TEST_WORKSHOP=1               0: no workshop chapters' drift test (Flannel lab; the calico lab's pages with live;
#                                          the rootless lab's pages)
#   LAB_PREFIX=nt                          the prefix of the labs this test brings up (not `make lab`'s np)
#   MVN="mvn -B -ntp"                      the Maven command
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -B -ntp}"
LAB_TEST_RUNS="${LAB_TEST_RUNS-flannel:1 calico:2 weave:1:rootless:nftables}"
ROOTLESS_USER="${NETPATHS_TEST_ROOTLESS_USER:-nobody}"
REPORTS="${REPO_ROOT}/reports"

passed=0
failed=0
skipped=0

step() { printf '\n==> %s (%s UTC)\n' "$*" "$(date -u +%T)"; }

# Adds the counts of JUnit XML reports (Surefire's and the harness's) under a directory.
count_junit_xml() {
  local dir="$1" file tests failures errors skips
  [[ -d "${dir}" ]] || return 0
  while IFS= read -r file; do
    tests=$(grep -o -m1 'tests="[0-9]*"' "${file}" | tr -dc '0-9')
    failures=$(grep -o -m1 'failures="[0-9]*"' "${file}" | tr -dc '0-9')
    errors=$(grep -o -m1 'errors="[0-9]*"' "${file}" | tr -dc '0-9')
    skips=$(grep -o -m1 'skipped="[0-9]*"' "${file}" | tr -dc '0-9')
    failed=$((failed + ${failures:-0} + ${errors:-0}))
    skipped=$((skipped + ${skips:-0}))
    passed=$((passed + ${tests:-0} - ${failures:-0} - ${errors:-0} - ${skips:-0}))
  done < <(find "${dir}" -name 'TEST-*.xml' -type f)
}

summary() {
  local rc=$?
  count_junit_xml_all
  printf '\nnetpaths: %d passed, %d failed, %d skipped\n' "${passed}" "${failed}" "${skipped}"
  if [[ ${rc} -eq 0 && ${failed} -gt 0 ]]; then rc=1; fi
  exit "${rc}"
}

count_junit_xml_all() {
  local module
  for module in echo-service caller-service sidecar-demo manifest-checks lab conformance; do
    count_junit_xml "${REPO_ROOT}/${module}/target/surefire-reports"
    count_junit_xml "${REPO_ROOT}/${module}/target/failsafe-reports"
  done
  count_junit_xml "${REPORTS}"
  local tap
  for tap in "${REPORTS}/bats.tap" "${REPORTS}/breaks/breaks.tap" "${REPORTS}"/workshop-*.tap "${REPORTS}/live/live.tap" "${REPORTS}/kill9.tap"; do
    if [[ -f "${tap}" ]]; then
      count_tap "${tap}"
    fi
  done
}

# count_tap FILE: "ok" lines passed, skipped ones skipped, "not ok" failed; with a plan (1..N), each result missing
# from it failed (a run that died half way). A skip is TAP's SKIP directive where the writers put it, and nowhere
# else (a test's name may hold "# SKIP"): bats ends the line with " # skip" or " # skip REASON" (bats-core
# libexec/bats-core/bats-format-tap, bats_tap_stream_skipped; its own formatter.bash reads it back the same way),
# live.sh's skip() writes "ok N # SKIP REASON", with no description.
count_tap() {
  local ok skips not_ok planned
  ok=$(grep -cE '^ok ' "$1" || true)
  skips=$(grep -cE '^ok [0-9]+ (# SKIP|.* # skip)( |$)' "$1" || true)
  not_ok=$(grep -cE '^not ok ' "$1" || true)
  planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
  passed=$((passed + ok - skips))
  skipped=$((skipped + skips))
  failed=$((failed + not_ok))
  if [[ -n "${planned}" ]] && ((ok + not_ok < planned)); then
    echo "test: $1 planned ${planned} results, has $((ok + not_ok)): the missing ones count as failed" >&2
    failed=$((failed + planned - ok - not_ok))
  fi
}

# can_run_lab USER TREE: USER can read TREE's lab jar and run java
can_run_lab() {
  # shellcheck disable=SC2016 # $1 is expanded by that inner sh
  setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups env PATH="${PATH}" \
    sh -c 'test -r "$1" && java -version' _ "$2/lab/target/netpaths-lab.jar" >/dev/null 2>&1
}

# stage_lab_tree DIR: copies what `lab.sh run` and the workshop's drift test read (scripts, manifests, the built jars,
# the workshop pages) to DIR, for a user who cannot read this clone (a clone under /root, say)
stage_lab_tree() {
  local dir="$1" module
  cp -a "${REPO_ROOT}/scripts" "${REPO_ROOT}/k8s" "${REPO_ROOT}/gateway-config" "${dir}/"
  mkdir -p "${dir}/docs"
  cp -a "${REPO_ROOT}/docs/workshop" "${dir}/docs/"
  for module in lab conformance; do
    mkdir -p "${dir}/${module}/target"
    cp -a "${REPO_ROOT}/${module}/target/netpaths-${module}.jar" "${REPO_ROOT}/${module}/target/lib" "${dir}/${module}/target/"
  done
  for module in echo-service caller-service sidecar-demo; do
    mkdir -p "${dir}/${module}/target"
    cp -a "${REPO_ROOT}/${module}/target/quarkus-app" "${dir}/${module}/target/"
  done
  chmod -R a+rX "${dir}"
  # the short JVMs of `lab.sh exec`/`case` write their class-data archive next to the jar (scripts/lab/lab.sh short_jvm)
  chown "${ROOTLESS_USER}" "${dir}/lab/target" "${dir}/conformance/target"
}

# A rootless lab: `lab.sh run` keeping the lab (its reports copied to REPORTS/lab-CNI), the drift test of the workshop
# chapters written for that lab (one TAP line in REPORTS/workshop-CNI.tap, as workshop_pages writes; not with
# NETPATHS_TEST_WORKSHOP=0), then `lab.sh down` whatever happened. As root: all three as ROOTLESS_USER (an
# unprivileged user) with its own environment (a fresh HOME, the lab's state dir and reports in it), so the lab
# really runs without privileges; from this clone, or from a copy of what they read when that user cannot read the
# clone. Otherwise as the caller, with the same settings.
run_rootless_lab() {
  local cni="$1" clusters="$2" home tree="${REPO_ROOT}" staged="" rc=0 as_user=()
  home="$(mktemp -d /tmp/netpaths-test-rootless.XXXXXX)"
  if [[ ${EUID} -eq 0 ]]; then
    if ! can_run_lab "${ROOTLESS_USER}" "${tree}"; then
      staged="$(mktemp -d /tmp/netpaths-test-rootless-tree.XXXXXX)"
      echo "test: ${ROOTLESS_USER} cannot read this clone; running the rootless lab from a copy in ${staged}"
      stage_lab_tree "${staged}"
      tree="${staged}"
      if ! can_run_lab "${ROOTLESS_USER}" "${tree}"; then
        echo "test: ${ROOTLESS_USER} cannot read ${tree}/lab/target/netpaths-lab.jar or run java: the rootless lab" \
          "needs a JDK that user can run (or set NETPATHS_TEST_ROOTLESS_USER, or drop :rootless from LAB_TEST_RUNS)" >&2
        rm -rf "${staged}" "${home}"
        return 1
      fi
    fi
    chown "${ROOTLESS_USER}" "${home}"
    as_user=(setpriv --reuid="${ROOTLESS_USER}" --regid="$(id -g "${ROOTLESS_USER}")" --clear-groups --reset-env)
  fi
  # the lab's settings, the same for its three steps (the workshop's commands read them as an attendee's shell would)
  local lab_env=(env HOME="${home}" PATH="${PATH}" JAVA_HOME="${JAVA_HOME:-}" LAB_ROOTLESS=yes LAB_SKIP_DEPS=1
    LAB_CNI="${cni}" LAB_PROXY_MODE="${LAB_PROXY_MODE:-iptables}" LAB_CALICO="${LAB_CALICO:-vxlan}"
    LAB_CLUSTERS="${clusters}" LAB_PREFIX="${LAB_PREFIX:-np}" LAB_STATE_DIR="${home}/state")
  # the caller's locale: the harness prints its arrows (→, …) only in a UTF-8 one, as the pages show them
  local var
  for var in LANG LC_ALL LC_CTYPE; do
    if [[ -n "${!var:-}" ]]; then lab_env+=("${var}=${!var}"); fi
  done
  # from inside the tree: the lab keeps its working directory inside its namespaces, so that user must reach it
  (cd "${tree}" && "${as_user[@]}" "${lab_env[@]}" LAB_KEEP=1 LAB_REPORTS="${home}/lab-${cni}" \
    "${tree}/scripts/lab/lab.sh" run) || rc=$?
  if [[ "${NETPATHS_TEST_WORKSHOP:-1}" == 1 ]]; then
    step "Workshop chapters written for this lab (${cni}, ${clusters} cluster(s), rootless): every command on the pages, as they show it"
    local w_rc=0
    # its own harness runs (the break-it steps fail cases on purpose) write their reports outside REPORTS, uncounted
    (cd "${tree}" && "${as_user[@]}" "${lab_env[@]}" LAB_REPORTS="${home}/workshop" NETPATHS_LAB_RUNNING=1 \
      "${tree}/scripts/test/workshop.sh") || w_rc=$?
    if [[ ${w_rc} -eq 0 ]]; then
      echo "ok 1 the workshop chapters of the ${cni} lab match it" >"${REPORTS}/workshop-${cni}.tap"
    else
      echo "not ok 1 the workshop chapters of the ${cni} lab match it" >"${REPORTS}/workshop-${cni}.tap"
      [[ ${rc} -ne 0 ]] || rc=${w_rc}
    fi
  fi
  (cd "${tree}" && "${as_user[@]}" "${lab_env[@]}" "${tree}/scripts/lab/lab.sh" down) || rc=$?
  rm -rf "${REPORTS}/lab-${cni}"
  if [[ -d "${home}/lab-${cni}" ]]; then
    cp -r "${home}/lab-${cni}" "${REPORTS}/lab-${cni}"
  fi
  rm -rf "${home}" ${staged:+"${staged}"}
  return "${rc}"
}

# The flannel:1 lab with the break-it suite in it: up, the whole catalogue (as `lab.sh run`: reports/lab-flannel,
# its exit code), the breaks while the same lab is up (NETPATHS_LAB_RUNNING=1), then down whatever happened.
# workshop_pages CNI: the drift test (scripts/test/workshop.sh) of the chapters written for the running lab (the
# others say "skipped"), as one TAP line in workshop-CNI.tap; its own harness runs (the break-it steps fail cases
# on purpose) write their reports outside REPORTS, uncounted
workshop_pages() {
  local scratch rc=0
  scratch="$(mktemp -d /tmp/netpaths-test-workshop.XXXXXX)"
  LAB_CNI="$1" LAB_REPORTS="${scratch}" NETPATHS_LAB_RUNNING=1 scripts/test/workshop.sh || rc=$?
  rm -rf "${scratch}"
  if [[ ${rc} -eq 0 ]]; then
    echo "ok 1 the workshop chapters of the $1 lab match it" >"${REPORTS}/workshop-$1.tap"
  else
    echo "not ok 1 the workshop chapters of the $1 lab match it" >"${REPORTS}/workshop-$1.tap"
  fi
  return "${rc}"
}

run_lab_with_breaks() {
  local state rc=0
  state="$(mktemp -d /tmp/netpaths-test-lab.XXXXXX)"
  export LAB_CNI=flannel LAB_CLUSTERS=1 LAB_STATE_DIR="${state}/lab"
  step "Lab (flannel, 1 cluster): bring up, run the conformance catalogue, the break-it suite, the disruption case, tear down"
  if scripts/lab/lab.sh up; then
    LAB_REPORTS="${REPORTS}/lab-flannel" scripts/lab/lab.sh case '*' || rc=$?
    if [[ "${NETPATHS_TEST_WORKSHOP:-1}" == 1 ]]; then
      step "Workshop chapters against the same lab: every command on the pages, its output as the page shows it"
      workshop_pages flannel || rc=$?
    fi
    step "Break-it suite in the same lab: each break must make its cases fail, and they must pass once restored"
    NETPATHS_LAB_RUNNING=1 LAB_REPORTS="${REPORTS}/breaks" scripts/test/breaks.sh || rc=$?
    # last: the rollout renames echo's pods, which the workshop pages and the breaks read as the lab made them
    # the harness's disruption group is opt-in (the '*' above leaves it out): only the reference case, once; its
    # control (a rollout without the drain must lose requests) costs three rollouts and is run by hand
    # (docs/lab/live.md). Its paths are JUnit rows of their own report directory.
    step "Disruption case in the same lab (harness): echo rolled under load on five paths; any lost request fails"
    LAB_REPORTS="${REPORTS}/disruption" scripts/lab/lab.sh case rollingRestartLosesNoRequest || rc=$?
  else
    rc=1
  fi
  scripts/lab/lab.sh down || rc=$?
  unset LAB_CNI LAB_CLUSTERS LAB_STATE_DIR
  rm -rf "${state}"
  BREAKS_DONE=1
  return "${rc}"
}

# A lab run (calico) kept up after the catalogue for the live lab's dynamic proofs (scripts/test/live.sh: apply and
# delete refusals, a Service applied, the deny policy flip and the harness's truth-table cells flipping, scale, delete
# pod, a pod killed between verbs, and last `down`, checked to leave nothing); down again whatever happened (nothing to
# do after live.sh's).
run_lab_with_live() {
  local state rc=0
  state="$(mktemp -d /tmp/netpaths-test-live.XXXXXX)"
  step "Lab ($1, $2 cluster(s)): the conformance catalogue, then the live lab's dynamic proofs in the same lab"
  LAB_KEEP=1 LAB_CNI="$1" LAB_CLUSTERS="$2" LAB_STATE_DIR="${state}/lab" scripts/lab/lab.sh run || rc=$?
  if [[ "${NETPATHS_TEST_WORKSHOP:-1}" == 1 ]]; then
    step "Workshop chapters written for this lab ($1, $2 cluster(s)): every command on the pages, as they show it"
    LAB_STATE_DIR="${state}/lab" LAB_CLUSTERS="$2" workshop_pages "$1" || rc=$?
  fi
  LAB_PREFIX="${LAB_PREFIX:-np}" LAB_CNI="$1" NETPATHS_LAB_RUNNING=1 LAB_REPORTS="${REPORTS}/live" LAB_STATE_DIR="${state}/lab" scripts/test/live.sh || rc=$?
  LAB_STATE_DIR="${state}/lab" scripts/lab/lab.sh down || rc=$?
  rm -rf "${state}"
  if [[ "$1" == calico && "${NETPATHS_TEST_WORKSHOP:-1}" == 1 ]]; then
    workshop_calico_bgp || rc=$?
  fi
  return "${rc}"
}

# The workshop blocks written for Calico's BGP mode (```console lab lab=calico-bgp clusters=1: chapter 4's BGP part),
# in a one-cluster LAB_CALICO=bgp lab that workshop.sh brings up and takes down for them alone (no catalogue run);
# one TAP line in workshop-calico-bgp.tap
workshop_calico_bgp() {
  local state scratch rc=0
  state="$(mktemp -d /tmp/netpaths-test-bgp.XXXXXX)"
  scratch="$(mktemp -d /tmp/netpaths-test-workshop.XXXXXX)"
  step "Workshop blocks written for Calico in BGP mode: a one-cluster LAB_CALICO=bgp lab up, the blocks, down"
  LAB_CNI=calico LAB_CALICO=bgp LAB_CLUSTERS=1 LAB_STATE_DIR="${state}/lab" LAB_REPORTS="${scratch}" \
    scripts/test/workshop.sh || rc=$?
  rm -rf "${state}" "${scratch}"
  if [[ ${rc} -eq 0 ]]; then
    echo "ok 1 the workshop blocks of the calico-bgp lab match it" >"${REPORTS}/workshop-calico-bgp.tap"
  else
    echo "not ok 1 the workshop blocks of the calico-bgp lab match it" >"${REPORTS}/workshop-calico-bgp.tap"
  fi
  return "${rc}"
}

run_lab() {
  local run cni clusters opts opt rootless skips
  for run in ${LAB_TEST_RUNS}; do
    IFS=: read -r cni clusters opts <<<"${run}"
    rootless=0
    LAB_PROXY_MODE=iptables
    LAB_CALICO=vxlan
    for opt in ${opts//:/ }; do
      case "${opt}" in
        rootless) rootless=1 ;;
        iptables|nftables) LAB_PROXY_MODE="${opt}" ;;
        vxlan|bgp) LAB_CALICO="${opt}" ;;
        *) echo "test: LAB_TEST_RUNS entry '${run}': unknown option '${opt}' (rootless, iptables, nftables, vxlan, bgp)" >&2; return 2 ;;
      esac
    done
    export LAB_PROXY_MODE LAB_CALICO
    if [[ ${rootless} == 1 ]]; then
      step "Lab (${cni}, ${clusters} cluster(s), kube-proxy ${LAB_PROXY_MODE}, rootless as ${ROOTLESS_USER}): bring up, run the conformance catalogue, tear down"
      run_rootless_lab "${cni}" "${clusters}"
    elif [[ "${cni}:${clusters}:${LAB_PROXY_MODE}" == flannel:1:iptables && "${NETPATHS_TEST_BREAKS:-1}" == 1 \
      && "${BREAKS_DONE:-0}" == 0 ]]; then
      run_lab_with_breaks
    elif [[ "${cni}" == calico && "${NETPATHS_TEST_LIVE:-1}" == 1 ]]; then
      run_lab_with_live "${cni}" "${clusters}"
    else
      step "Lab (${cni}, ${clusters} cluster(s), kube-proxy ${LAB_PROXY_MODE}): bring up, run the conformance catalogue, tear down"
      LAB_CNI="${cni}" LAB_CLUSTERS="${clusters}" scripts/lab/lab.sh run
    fi
    step "Lab (${cni}): the HTML report in a real headless browser"
    # a one-cluster run may skip only the cross-cluster cases; a two-cluster run skips nothing
    skips=none
    [[ "${clusters}" == 1 ]] && skips=cross-cluster
    java -jar conformance/target/netpaths-conformance.jar check-report --expect-skips "${skips}" "${REPORTS}/lab-${cni}"
  done
}

main() {
  cd "${REPO_ROOT}"
  rm -rf "${REPORTS}"
  mkdir -p "${REPORTS}"
  trap summary EXIT
  if [[ "${NETPATHS_TEST_SKIP_DEPS:-0}" != 1 ]]; then
    step "Debian packages"
    scripts/install-deps.sh --check
  fi
  step "Maven build and every module's tests"
  ${MVN} install
  step "Scripts: shellcheck and bats"
  scripts/test/run.sh | tee "${REPORTS}/bats.tap"
  # the labs of this test take a prefix of their own: `down` sweeps every namespace of its prefix, so with `make lab`'s
  # (np) a lab a developer has up would be torn down under them, or would tear down this test's
  export LAB_PREFIX="${LAB_PREFIX:-nt}"
  if [[ -n "${LAB_TEST_RUNS}" ]]; then
    run_lab
    if [[ "${NETPATHS_TEST_LIVE:-1}" == 1 && ${EUID} -eq 0 ]]; then
      step "kill -9 of the lab CLI mid-rollout, then down: nothing of the lab may be left (scripts/test/kill9.sh)"
      if scripts/test/kill9.sh; then
        echo "ok 1 down after kill -9 mid-change leaves nothing" >"${REPORTS}/kill9.tap"
      else
        echo "not ok 1 down after kill -9 mid-change leaves nothing" >"${REPORTS}/kill9.tap"
      fi
    fi
  fi
  if [[ "${NETPATHS_TEST_BREAKS:-1}" == 1 && "${BREAKS_DONE:-0}" == 0 ]]; then
    step "Break-it suite in a lab of its own (no flannel:1 run above): each break must make its cases fail, then pass again"
    LAB_REPORTS="${REPORTS}/breaks" scripts/test/breaks.sh
  fi
}

# sourced (a test or a developer calling one step): the functions only
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
