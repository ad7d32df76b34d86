#!/usr/bin/env bats
# scripts/lab/lab.sh before it builds anything: settings checked against their allowed values, what a user who is
# not root is told (root mode on request, missing packages), and the rootless state dir. Nothing here creates a
# namespace. The unprivileged cases run as NETPATHS_TEST_ROOTLESS_USER (default nobody) when the suite runs as
# root (CI), else as the caller. When that user cannot read this clone (a clone under /root, say), they run a
# copy of the scripts and the lab jar, made once for the file.

load helpers

TEST_USER="${NETPATHS_TEST_ROOTLESS_USER:-nobody}"

setup_file() {
  export TREE="${REPO_ROOT}"
  if [[ ${EUID} -eq 0 ]] && ! setpriv --reuid="${TEST_USER}" --regid="$(id -g "${TEST_USER}")" --clear-groups \
      test -x "${REPO_ROOT}/scripts/lab/lab.sh"; then
    TREE="$(mktemp -d /tmp/netpaths-lab-bats-tree.XXXXXX)"
    cp -a "${REPO_ROOT}/scripts" "${TREE}/"
    if [[ -f "${REPO_ROOT}/lab/target/netpaths-lab.jar" ]]; then
      mkdir -p "${TREE}/lab/target"
      cp -a "${REPO_ROOT}/lab/target/netpaths-lab.jar" "${REPO_ROOT}/lab/target/lib" "${TREE}/lab/target/"
    fi
    chmod -R a+rX "${TREE}"
  fi
}

teardown_file() {
  if [[ "${TREE}" != "${REPO_ROOT}" ]]; then rm -rf "${TREE}"; fi
}

setup() {
  LAB_SH="${TREE}/scripts/lab/lab.sh"
  # a dir the unprivileged user can read, for stubs and a HOME
  USER_DIR="$(mktemp -d /tmp/netpaths-lab-bats.XXXXXX)"
  chmod 755 "${USER_DIR}"
  mkdir -p "${USER_DIR}/bin" "${USER_DIR}/home"
  if [[ ${EUID} -eq 0 ]]; then chown "${TEST_USER}" "${USER_DIR}/home"; fi
  unset LAB_CNI LAB_CALICO LAB_PROXY_MODE LAB_NODES LAB_CLUSTERS LAB_PREFIX LAB_STATE_DIR LAB_ROOTLESS LAB_REPORTS XDG_STATE_HOME
}

teardown() { rm -rf "${USER_DIR}"; }

# as_user CMD...: CMD as an unprivileged user (TEST_USER when we are root), HOME in USER_DIR, stubs first on PATH.
as_user() {
  local path="${USER_DIR}/bin:/usr/local/bin:/usr/bin:/bin"
  if [[ ${EUID} -eq 0 ]]; then
    setpriv --reuid="${TEST_USER}" --regid="$(id -g "${TEST_USER}")" --clear-groups env HOME="${USER_DIR}/home" PATH="${path}" "$@"
  else
    env HOME="${USER_DIR}/home" PATH="${path}" "$@"
  fi
}

@test "LAB_CALICO=ipip: exit 2 naming vxlan and bgp (the kernel has no IPIP)" {
  LAB_CNI=calico LAB_CALICO=ipip run "${LAB_SH}" up
  assert_status 2
  assert_has "LAB_CALICO must be vxlan or bgp, got 'ipip'"
}

@test "LAB_ROOTLESS=maybe: exit 2 naming auto, yes, no" {
  LAB_ROOTLESS=maybe run "${LAB_SH}" up
  assert_status 2
  assert_has "LAB_ROOTLESS must be auto, yes or no, got 'maybe'"
}

@test "LAB_PROXY_MODE=ipvs: exit 2 saying the kernel has no ip_vs and pointing to PROXY_MODE=ipvs on kind" {
  LAB_PROXY_MODE=ipvs run "${LAB_SH}" up
  assert_status 2
  assert_has "LAB_PROXY_MODE=ipvs: the lab does not model IPVS, the kernel it runs on has no ip_vs"
  assert_has "on kind: PROXY_MODE=ipvs make up"
}

@test "LAB_PROXY_MODE=userspace: exit 2 naming iptables and nftables" {
  LAB_PROXY_MODE=userspace run "${LAB_SH}" up
  assert_status 2
  assert_has "LAB_PROXY_MODE must be iptables or nftables, got 'userspace'"
}

@test "LAB_ROOTLESS=no without root: exit 1 with the sudo command and the rootless alternative" {
  run as_user env LAB_ROOTLESS=no LAB_PREFIX=rlb "${LAB_SH}" up
  assert_status 1
  assert_has "LAB_ROOTLESS=no: the lab uses the machine's namespaces and needs root"
  assert_has "lab: run: sudo --preserve-env=LAB_CNI,LAB_CALICO,LAB_PROXY_MODE,LAB_NODES,LAB_CLUSTERS,LAB_PREFIX,LAB_STATE_DIR,LAB_ROOTLESS,LAB_REPORTS,LAB_KEEP,LAB_DISRUPTION,LAB_SKIP_DEPS,LAB_READY_TIMEOUT,INGRESS,HARNESS_JAR ${LAB_SH} up"
  assert_has "lab: or run it rootless: LAB_ROOTLESS=auto ${LAB_SH} up"
}

@test "missing Debian packages without root: the exact sudo commands, nothing installed" {
  printf '#!/bin/sh\n[ "$3" = bird2 ] && exit 1\necho "install ok installed"\n' >"${USER_DIR}/bin/dpkg-query"
  printf '#!/bin/sh\necho "apt-get must not run" >&2\nexit 97\n' >"${USER_DIR}/bin/apt-get"
  chmod 755 "${USER_DIR}/bin/dpkg-query" "${USER_DIR}/bin/apt-get"
  run as_user "${TREE}/scripts/install-deps.sh"
  assert_status 1
  assert_has "install-deps: missing packages: bird2"
  assert_has "install-deps: installing needs root: sudo ${TREE}/scripts/install-deps.sh"
  assert_has "(the same as: sudo apt-get update && sudo apt-get install -y --no-install-recommends bird2)"
  assert_lacks "apt-get must not run"
}

@test "rootless status without a lab: looks in ~/.local/state, not /run" {
  [[ -f "${TREE}/lab/target/netpaths-lab.jar" ]] || skip "lab/target/netpaths-lab.jar not built"
  command -v java >/dev/null || skip "no java"
  run as_user env LAB_PREFIX=rlb LAB_SKIP_DEPS=1 PATH="/usr/bin:/bin:$(dirname "$(command -v java)")" "${LAB_SH}" status
  assert_status 1
  assert_has "no lab in ${USER_DIR}/home/.local/state/netpaths-lab-rlb"
}

@test "rootless state dir under /run is refused: the lab mounts a private /run" {
  [[ -f "${TREE}/lab/target/netpaths-lab.jar" ]] || skip "lab/target/netpaths-lab.jar not built"
  run as_user env LAB_PREFIX=rlb LAB_STATE_DIR=/run/user/65534/lab PATH="/usr/bin:/bin:$(dirname "$(command -v java)")" "${LAB_SH}" down
  assert_status 1
  assert_has "the state dir /run/user/65534/lab is under /run, which the lab replaces with a private mount"
}

@test "exec, rules and case without a lab: exit 2 naming the state dir and how to start one" {
  [[ -f "${TREE}/lab/target/netpaths-lab.jar" ]] || skip "lab/target/netpaths-lab.jar not built"
  command -v java >/dev/null || skip "no java"
  local verb
  for verb in "exec host -- true" "rules netpaths-worker netpaths/echo" "case dns"; do
    # shellcheck disable=SC2086 # the verb and its arguments, split on purpose
    run as_user env LAB_PREFIX=rlb LAB_SKIP_DEPS=1 LAB_STATE_DIR="${USER_DIR}/home/state" \
      PATH="/usr/bin:/bin:$(dirname "$(command -v java)")" "${LAB_SH}" ${verb}
    assert_status 2
    assert_has "no lab in ${USER_DIR}/home/state (start one with \`scripts/lab/lab.sh up\`"
  done
}

@test "rules: a Service not written as NAMESPACE/NAME is refused before anything runs" {
  [[ -f "${TREE}/lab/target/netpaths-lab.jar" ]] || skip "lab/target/netpaths-lab.jar not built"
  run as_user env LAB_PREFIX=rlb LAB_SKIP_DEPS=1 LAB_STATE_DIR="${USER_DIR}/home/state" \
    PATH="/usr/bin:/bin:$(dirname "$(command -v java)")" "${LAB_SH}" rules netpaths-worker echo
  assert_status 2
  assert_has "rules: name the Service as NAMESPACE/NAME (e.g. netpaths/echo), got 'echo'"
}

@test "exec without a command: picocli's usage error, exit 2" {
  [[ -f "${TREE}/lab/target/netpaths-lab.jar" ]] || skip "lab/target/netpaths-lab.jar not built"
  run as_user env LAB_PREFIX=rlb LAB_SKIP_DEPS=1 LAB_STATE_DIR="${USER_DIR}/home/state" \
    PATH="/usr/bin:/bin:$(dirname "$(command -v java)")" "${LAB_SH}" exec host
  assert_status 2
  assert_has "Missing required parameter"
}

# fake_tree: a copy of the scripts whose jars are empty files and whose `java` is a stub that logs each call to
# $STUB_CALLS and answers as the lab CLI would: up exits FAKE_UP, state-dir prints a dir, exec (the harness)
# exits FAKE_HARNESS (the disruption case FAKE_DISRUPTION). What `run` and `case` do is then read from the log.
fake_tree() {
  FAKE="${USER_DIR}/tree"
  mkdir -p "${FAKE}/lab/target" "${FAKE}/conformance/target"
  cp -a "${REPO_ROOT}/scripts" "${FAKE}/"
  touch "${FAKE}/lab/target/netpaths-lab.jar" "${FAKE}/conformance/target/netpaths-conformance.jar"
  local module
  for module in echo-service caller-service sidecar-demo; do
    mkdir -p "${FAKE}/${module}/target/quarkus-app"
    touch "${FAKE}/${module}/target/quarkus-app/quarkus-run.jar"
  done
  export STUB_CALLS="${USER_DIR}/calls"
  : >"${STUB_CALLS}"
  chmod 666 "${STUB_CALLS}"
  cat >"${USER_DIR}/bin/java" <<'STUB'
#!/usr/bin/env bash
echo "java $*" >>"${STUB_CALLS}"
# the verb follows the jar; JVM options (the short verbs' lighter JVM) may come before -jar
while [[ $# -gt 0 && "$1" != -jar ]]; do shift; done
case "${3:-}" in
  up) exit "${FAKE_UP:-0}" ;;
  state-dir) echo /fake/state ;;
  exec) if [[ "$*" == *" --case rollingRestart"* ]]; then exit "${FAKE_DISRUPTION:-0}"; fi; exit "${FAKE_HARNESS:-0}" ;;
esac
STUB
  chmod 755 "${USER_DIR}/bin/java"
  export PATH="${USER_DIR}/bin:${PATH}" LAB_SKIP_DEPS=1 LAB_PREFIX=fk MVN=false
  unset HARNESS_JAR LAB_KEEP LAB_DISRUPTION
}

# assert_lines LINE...: $output is exactly these lines.
assert_lines() {
  local expected
  expected="$(printf '%s\n' "$@")"
  if [[ "${output}" != "${expected}" ]]; then
    printf 'expected exactly:\n%s\n---- got ----\n%s\n' "${expected}" "${output}" >&2
    return 1
  fi
}

# the lab CLI verbs in the order they ran (the harness as "harness ARGS")
verbs() {
  sed -E 's|^java( -[^ ]+)* -jar [^ ]*/lab/target/netpaths-lab.jar ([a-z-]+) --prefix fk( --state-dir [^ ]*)?|\2|;
          s|^exec host -- java( -[^ ]+)* -jar [^ ]*/conformance/target/netpaths-conformance.jar|harness|;
          s| --lab-cli [^ ]*/scripts/lab/lab.sh| --lab-cli LAB.SH|' "${STUB_CALLS}"
}

@test "run is up, the harness in the host namespace on the lab's state, down; it exits with the harness's code" {
  fake_tree
  local reports="${BATS_TEST_TMPDIR}/r"
  local code
  for code in 0 1; do
    : >"${STUB_CALLS}"
    FAKE_HARNESS=${code} LAB_REPORTS="${reports}" run "${FAKE}/scripts/lab/lab.sh" run
    assert_status "${code}"
    run verbs
    assert_lines "up --cni flannel --nodes 3 --clusters 1 --repo ${FAKE}" "state-dir" \
      "harness --lab-state /fake/state --reports ${reports} --lab-cli LAB.SH" "down"
  done
}

@test "run: pods failed at up: the harness still runs, then down, exit 1; a lab that could not be built: down, exit 1" {
  fake_tree
  FAKE_UP=3 run "${FAKE}/scripts/lab/lab.sh" run
  assert_status 1
  assert_has "lab: run FAILED: pods failed at up"
  run verbs
  assert_lines "up --cni flannel --nodes 3 --clusters 1 --repo ${FAKE}" "state-dir" \
    "harness --lab-state /fake/state --reports ${FAKE}/reports/lab-flannel --lab-cli LAB.SH" "down"
  : >"${STUB_CALLS}"
  FAKE_UP=1 run "${FAKE}/scripts/lab/lab.sh" run
  assert_status 1
  run verbs
  assert_lines "up --cni flannel --nodes 3 --clusters 1 --repo ${FAKE}" "down"
}

@test "run: LAB_DISRUPTION=1 runs the harness's disruption case after the catalogue and its failure fails the run; LAB_KEEP=1 keeps the lab" {
  fake_tree
  LAB_CNI=calico LAB_DISRUPTION=1 FAKE_DISRUPTION=1 LAB_KEEP=1 run "${FAKE}/scripts/lab/lab.sh" run
  assert_status 1
  run verbs
  assert_lines "up --cni calico --nodes 3 --clusters 1 --repo ${FAKE}" "state-dir" \
    "harness --lab-state /fake/state --reports ${FAKE}/reports/lab-calico --lab-cli LAB.SH" "state-dir" \
    "harness --lab-state /fake/state --reports ${FAKE}/reports/lab-calico-disruption --lab-cli LAB.SH --case rollingRestartLosesNoRequest"
}

@test "disruption is the harness's disruption case (--no-drain: its control), with the lab's CLI to roll echo" {
  fake_tree
  FAKE_DISRUPTION=1 run "${FAKE}/scripts/lab/lab.sh" disruption --reports "${BATS_TEST_TMPDIR}/d"
  assert_status 1
  run "${FAKE}/scripts/lab/lab.sh" disruption --no-drain --reports "${BATS_TEST_TMPDIR}/d"
  assert_status 0
  run verbs
  assert_lines "state-dir" \
    "harness --lab-state /fake/state --reports ${BATS_TEST_TMPDIR}/d --lab-cli LAB.SH --case rollingRestartLosesNoRequest" \
    "state-dir" \
    "harness --lab-state /fake/state --reports ${BATS_TEST_TMPDIR}/d --lab-cli LAB.SH --case rollingRestartWithoutDrainLosesRequests"
}

@test "run: reports that cannot be written fail before anything is built or started" {
  fake_tree
  mkdir -m 555 "${USER_DIR}/ro"
  run as_user env LAB_REPORTS="${USER_DIR}/ro/r" "${FAKE}/scripts/lab/lab.sh" run
  assert_status 1
  assert_has "the harness could not write its reports to ${USER_DIR}/ro/r (${USER_DIR}/ro is not writable by this user)"
  [[ ! -s "${STUB_CALLS}" ]]
}

@test "case hands each GLOB to the harness as --case, with --reports and --converge-seconds; bad input exits 2" {
  fake_tree
  FAKE_HARNESS=1 run "${FAKE}/scripts/lab/lab.sh" case dns '*NodePort*' --converge-seconds 5 --reports "${BATS_TEST_TMPDIR}/c"
  assert_status 1
  run verbs
  assert_lines "state-dir" \
    "harness --lab-state /fake/state --reports ${BATS_TEST_TMPDIR}/c --lab-cli LAB.SH --case dns --case *NodePort* --converge-seconds 5"
  : >"${STUB_CALLS}"
  run "${FAKE}/scripts/lab/lab.sh" case --no-such-option x
  assert_status 2
  assert_has "lab: case: unknown option '--no-such-option'"
  run "${FAKE}/scripts/lab/lab.sh" case
  assert_status 2
  assert_has "lab: case: name a case or group"
  [[ ! -s "${STUB_CALLS}" ]]
}

@test "exec and the harness skip the CLI's JVM when the lab's exec index names the target and is newer than its sources" {
  [[ ${EUID} -eq 0 ]] || skip "the index is used as root only (a rootless lab always goes through the CLI)"
  fake_tree
  printf '#!/usr/bin/env bash\necho "ip $*" >>"${STUB_CALLS}"\n' >"${USER_DIR}/bin/ip"
  chmod 755 "${USER_DIR}/bin/ip"
  local state="${BATS_TEST_TMPDIR}/state"
  mkdir -p "${state}/netpaths"
  touch -d '1 minute ago' "${state}/journal" "${state}/lab.properties" "${state}/netpaths/cluster.yaml"
  printf 'host fk-host\nnetpaths/echo-1 fk-c1-netpaths-echo-1\n' >"${state}/exec-index"
  export LAB_STATE_DIR="${state}"
  run "${FAKE}/scripts/lab/lab.sh" exec netpaths/echo-1 -- ip -br addr
  assert_status 0
  run cat "${STUB_CALLS}"
  assert_lines "ip netns exec fk-c1-netpaths-echo-1 ip -br addr"
  # a name the index does not hold exactly (a unique start, an ambiguous or unknown name): the CLI resolves it
  : >"${STUB_CALLS}"
  run "${FAKE}/scripts/lab/lab.sh" exec echo -- true
  run verbs
  assert_lines "exec echo -- true"
  # the harness in the host namespace, from the index: no state-dir, no exec through the CLI
  : >"${STUB_CALLS}"
  run "${FAKE}/scripts/lab/lab.sh" case dns --reports "${BATS_TEST_TMPDIR}/c"
  run grep -c "^ip netns exec fk-host java .*-jar ${FAKE}/conformance/target/netpaths-conformance.jar --lab-state ${state} " "${STUB_CALLS}"
  assert_has 1
  run grep -c "netpaths-lab.jar" "${STUB_CALLS}"
  assert_has 0
  # the lab changed after the index was written (a live verb rewrote cluster.yaml): the CLI, which writes it anew
  touch "${state}/netpaths/cluster.yaml"
  : >"${STUB_CALLS}"
  run "${FAKE}/scripts/lab/lab.sh" exec netpaths/echo-1 -- true
  run verbs
  assert_lines "exec netpaths/echo-1 -- true"
  # a rootless lab never reads it
  touch -d '1 minute ago' "${state}/netpaths/cluster.yaml"
  : >"${STUB_CALLS}"
  LAB_ROOTLESS=yes run "${FAKE}/scripts/lab/lab.sh" exec netpaths/echo-1 -- true
  run grep -c "^ip netns" "${STUB_CALLS}"
  assert_has 0
}
