#!/usr/bin/env bash
# Benchmarks the lab itself and prints each figure of issue #16 item 1 beside its target (docs/benchmarks.md,
# "Figure 6"); not a test: it never fails on a figure. Builds nothing but what the lab builds when a jar is missing.
#   1. `scripts/lab/lab.sh run` with LAB_KEEP=1 (wall clock): the whole run, with the lab's own per-phase table
#      and its "all pods ready N s after start" line.
#   2. On that lab (warm pods): one harness run over every case (`lab.sh case '*'`), then the same after
#      `lab.sh scale deployment/echo --replicas=0` in netpaths and netpaths-other breaks every path that ends at
#      echo; the share of rows that FAILED is printed beside the ratio.
#   3. The lab's JVMs (every java process in its namespaces: command line, environment, working directory) are
#      recorded, the lab taken down, and the same JVMs started bare and all at once: the processes of one pod in
#      one network namespace of their own with only loopback (so they keep their ports), nothing else. The figure
#      is the time until the last one is ready (Quarkus: /q/health/ready answers 200, polled every 50 ms; the
#      sidecar role of sidecar-demo: its listener accepts).
# Ratios (targets from issue #16 item 1):
#   pods ready / bare parallel JVM start                              <= 1.3
#   whole run / (bare parallel JVM start + one harness run, warm)     <= 2.0   (what a run cannot go below)
#   harness with echo scaled to 0 / healthy harness run               <= 1.5   (issue: a third of the paths broken)
# Needs root (the lab's namespaces, ip netns exec). Every wait is bounded; the lab is taken down on exit and
# the bare namespaces deleted; only processes this script started are stopped.
#
# Usage: scripts/bench/lab.sh [-h|--help]
#
# Settings:
#   BENCH_LAB_PREFIX=${BENCH_LAB_PREFIX:-npl}            the lab's prefix; never 'np', and no lab may be up with it
#   LAB_STATE_DIR=${LAB_STATE_DIR:-}                    the lab's state dir (default: the lab's, /run/netpaths-lab-<prefix>)
#   LAB_CNI=${LAB_CNI:-flannel}  LAB_NODES=${LAB_NODES:-3}  the lab's shape (one cluster)
#   BENCH_RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-900}         seconds `lab.sh run` gets, and each harness run
#   BENCH_READY_TIMEOUT=${BENCH_READY_TIMEOUT:-180}     seconds the bare JVMs get to become ready
#   BENCH_DOWN_TIMEOUT=${BENCH_DOWN_TIMEOUT:-120}       seconds `lab.sh down` gets
#   BENCH_REPORTS=${BENCH_REPORTS:-}                    a directory to keep every run's reports and logs in (by default
#                                                      they go with the work dir); not inside LAB_STATE_DIR
#   BENCH_BASELINE_JAR=${BENCH_BASELINE_JAR:-}          another build of the harness (its lib/ beside it): step 2 also
#                                                      times it on the healthy lab, in turns with this one, and on the
#                                                      lab with echo at 0 after this one (before/after, side by side)
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_LAB_PREFIX="${BENCH_LAB_PREFIX:-npl}"
LAB_CNI="${LAB_CNI:-flannel}"
LAB_NODES="${LAB_NODES:-3}"
BENCH_RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-900}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-180}"
BENCH_DOWN_TIMEOUT="${BENCH_DOWN_TIMEOUT:-120}"
BENCH_BASELINE_JAR="${BENCH_BASELINE_JAR:-}"
BENCH_REPORTS="${BENCH_REPORTS:-}"
LAB_SH="${REPO_ROOT}/scripts/lab/lab.sh"
STATE_DIR="${LAB_STATE_DIR:-/run/netpaths-lab-${BENCH_LAB_PREFIX}}"

WORK_DIR=""
LAB_STARTED=0
BARE_NS=()        # namespaces this script created
BARE_PIDS=()      # processes this script started

# usage, log, die, now_ms, print_machine
# shellcheck source=scripts/bench/lib.sh
source "${REPO_ROOT}/scripts/bench/lib.sh"

check_settings() {
  local name
  for name in LAB_NODES BENCH_RUN_TIMEOUT BENCH_READY_TIMEOUT BENCH_DOWN_TIMEOUT; do
    [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || die "${name} must be a positive whole number, got '${!name}'"
  done
  [[ "${BENCH_LAB_PREFIX}" =~ ^[a-z][a-z0-9]{0,9}$ ]] \
    || die "BENCH_LAB_PREFIX must be a lower-case letter then up to 9 letters or digits, got '${BENCH_LAB_PREFIX}'"
  [[ "${BENCH_LAB_PREFIX}" != np ]] || die "BENCH_LAB_PREFIX must not be 'np', the default lab's prefix"
  [[ ${EUID} -eq 0 ]] || die "this benchmark needs root (the lab's namespaces, ip netns exec): sudo --preserve-env=BENCH_LAB_PREFIX,LAB_CNI,LAB_NODES ${BASH_SOURCE[0]}"
  local tool
  for tool in java jq curl ip timeout awk; do
    command -v "${tool}" >/dev/null || die "${tool} is missing: run 'make deps'"
  done
  [[ -z "${BENCH_BASELINE_JAR}" || -f "${BENCH_BASELINE_JAR}" ]] || die "BENCH_BASELINE_JAR: no such file '${BENCH_BASELINE_JAR}'"
  if [[ -n "${BENCH_REPORTS}" ]]; then
    case "$(realpath -m "${BENCH_REPORTS}")/" in
      "$(realpath -m "${STATE_DIR}")"/*) die "BENCH_REPORTS must not be inside the lab's state dir ${STATE_DIR} (down removes it)" ;;
    esac
    if ! mkdir -p "${BENCH_REPORTS}" 2>/dev/null || [[ ! -w "${BENCH_REPORTS}" ]]; then
      die "BENCH_REPORTS: cannot write to '${BENCH_REPORTS}'"
    fi
  fi
  if ip netns list | awk '{ print $1 }' | grep -q -- "^${BENCH_LAB_PREFIX}-"; then
    die "namespaces with prefix ${BENCH_LAB_PREFIX}- exist: a lab with that prefix is up (LAB_PREFIX=${BENCH_LAB_PREFIX} ${LAB_SH} down, or another BENCH_LAB_PREFIX)"
  fi
}

# the lab's settings, as a command prefix (timeout cannot run a function)
LAB_ENV=(env LAB_PREFIX="${BENCH_LAB_PREFIX}" LAB_STATE_DIR="${STATE_DIR}" LAB_CNI="${LAB_CNI}" LAB_NODES="${LAB_NODES}" LAB_CLUSTERS=1)

cleanup() {
  local rc=$? pid ns
  for pid in "${BARE_PIDS[@]}"; do
    kill -9 "${pid}" 2>/dev/null || true
  done
  for ns in "${BARE_NS[@]}"; do
    ip netns delete "${ns}" 2>/dev/null || true
  done
  if [[ ${LAB_STARTED} == 1 ]]; then
    log "tearing the lab down (LAB_PREFIX=${BENCH_LAB_PREFIX} ${LAB_SH} down)"
    timeout --kill-after=10 "${BENCH_DOWN_TIMEOUT}" env LAB_PREFIX="${BENCH_LAB_PREFIX}" LAB_STATE_DIR="${STATE_DIR}" \
      "${LAB_SH}" down >&2 || echo "bench: lab down failed: run LAB_PREFIX=${BENCH_LAB_PREFIX} LAB_STATE_DIR=${STATE_DIR} ${LAB_SH} down" >&2
  fi
  if [[ -n "${WORK_DIR}" && -n "${BENCH_REPORTS}" ]]; then
    cp -a "${WORK_DIR}/." "${BENCH_REPORTS}/" 2>/dev/null || echo "bench: could not copy ${WORK_DIR} to ${BENCH_REPORTS}" >&2
    rm -rf "${BENCH_REPORTS}/images" "${BENCH_REPORTS}/jvm"
  fi
  [[ -z "${WORK_DIR}" ]] || rm -rf "${WORK_DIR}"
  exit "${rc}"
}

# seconds of a command's wall clock (its output to FILE); the command's exit code in LAST_RC
LAST_RC=0
timed() {
  local file="$1" start
  shift
  start="$(now_ms)"
  LAST_RC=0
  timeout --kill-after=10 "${BENCH_RUN_TIMEOUT}" "$@" >"${file}" 2>&1 || LAST_RC=$?
  awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }'
}

# seconds from a harness report's run.startedAt to finishedAt (the harness's own clock, without its JVM's start)
report_s() {
  jq -r '[.run.startedAt, .run.finishedAt] | map(sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) | .[1] - .[0]' \
    "$1/report.json" 2>/dev/null || echo '?'
}

# "passed failed skipped" of a harness report
summary() {
  jq -r '"\(.summary.passed) \(.summary.failed) \(.summary.skipped)"' "$1/report.json" 2>/dev/null \
    || echo "? ? ?"
}

# Records every java process in the lab's namespaces: per process a directory with cmdline, environ, cwd, ns,
# each with the path of the lab's images replaced by a copy in the work dir (`down` removes the state dir, and
# with it the images the JVMs run). Sets JVMS to their count.
JVMS=0
record_jvms() {
  local ns pid n=0 dir f
  cp -a "${STATE_DIR}/images" "${WORK_DIR}/images"
  for ns in $(ip netns list | awk '{ print $1 }' | grep -- "^${BENCH_LAB_PREFIX}-"); do
    for pid in $(ip netns pids "${ns}" 2>/dev/null); do
      [[ "$(readlink "/proc/${pid}/exe" 2>/dev/null)" == */java ]] || continue
      tr '\0' '\n' <"/proc/${pid}/cmdline" | grep -q -- '-jar' || continue
      dir="${WORK_DIR}/jvm/${n}"
      mkdir -p "${dir}"
      cp "/proc/${pid}/cmdline" "${dir}/cmdline"
      cp "/proc/${pid}/environ" "${dir}/environ"
      readlink "/proc/${pid}/cwd" >"${dir}/cwd"
      echo "${ns}" >"${dir}/ns"
      for f in cmdline environ cwd; do
        sed -i "s#${STATE_DIR}/images/#${WORK_DIR}/images/#g" "${dir}/${f}"
      done
      n=$(( n + 1 ))
    done
  done
  JVMS="${n}"
}

# the value of NAME in an environ file (NUL-separated), or DEFAULT
env_of() {
  local value
  value="$(tr '\0' '\n' <"$1" | sed -n "s/^$2=//p" | head -1)"
  echo "${value:-$3}"
}

# Starts every recorded JVM at once, each pod's in a loopback-only namespace of its own; sets BARE_SECONDS to
# the seconds until the last one is ready. Runs in the main shell, so cleanup knows what it started.
BARE_SECONDS=""
bare_start() {
  local dir ns bare start i=0 pending port listen deadline cwd
  declare -A nsmap=()
  local -a dirs=() urls=()
  for dir in "${WORK_DIR}"/jvm/*; do
    ns="$(cat "${dir}/ns")"
    if [[ -z "${nsmap[${ns}]:-}" ]]; then
      bare="${BENCH_LAB_PREFIX}-bare${#nsmap[@]}"
      ip netns add "${bare}"
      BARE_NS+=("${bare}")
      ip -n "${bare}" link set lo up
      nsmap[${ns}]="${bare}"
    fi
    dirs+=("${dir}")
  done
  start="$(now_ms)"
  for dir in "${dirs[@]}"; do
    bare="${nsmap[$(cat "${dir}/ns")]}"
    local -a envs=() cmd=()
    mapfile -d '' envs <"${dir}/environ"
    mapfile -d '' cmd <"${dir}/cmdline"
    # the recorded environment alone (env -i), then the recorded command line, in the recorded directory
    cwd="$(cat "${dir}/cwd")"
    [[ -d "${cwd}" ]] || cwd="${WORK_DIR}"
    (cd "${cwd}" && exec ip netns exec "${bare}" env -i "${envs[@]}" "${cmd[@]}") >"${dir}/log" 2>&1 &
    BARE_PIDS+=("$!")
    disown "$!"   # cleanup's kill -9 is expected: no "Killed" job report
    if [[ "$(env_of "${dir}/environ" NETPATHS_SIDECAR_ROLE '')" == sidecar ]]; then
      listen="$(env_of "${dir}/environ" NETPATHS_SIDECAR_LISTEN 127.0.0.1:9000)"
      urls+=("${bare} tcp ${listen}")
    else
      port="$(env_of "${dir}/environ" QUARKUS_HTTP_PORT 8080)"
      urls+=("${bare} http http://127.0.0.1:${port}/q/health/ready")
    fi
  done
  deadline=$(( start + BENCH_READY_TIMEOUT * 1000 ))
  pending=("${!urls[@]}")
  while [[ ${#pending[@]} -gt 0 ]]; do
    local still=()
    for i in "${pending[@]}"; do
      read -r bare kind target <<<"${urls[${i}]}"
      kill -0 "${BARE_PIDS[${i}]}" 2>/dev/null || die "bare JVM ${dirs[${i}]} exited; its log ends: $(tail -3 "${dirs[${i}]}/log")"
      if [[ "${kind}" == tcp ]]; then
        ip netns exec "${bare}" timeout 1 bash -c "exec 3<>/dev/tcp/${target%:*}/${target##*:}" 2>/dev/null || still+=("${i}")
      else
        [[ "$(ip netns exec "${bare}" curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${target}")" == 200 ]] || still+=("${i}")
      fi
    done
    pending=("${still[@]}")
    [[ ${#pending[@]} -eq 0 ]] && break
    (( $(now_ms) < deadline )) || die "bare JVMs not ready after ${BENCH_READY_TIMEOUT} s (BENCH_READY_TIMEOUT): ${pending[*]}; logs: ${dirs[${pending[0]}]}/log"
    sleep 0.05
  done
  BARE_SECONDS="$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

main() {
  case "${1:-}" in
    -h|--help) usage; return 0 ;;
    "") ;;
    *) usage >&2; return 2 ;;
  esac
  check_settings
  WORK_DIR="$(mktemp -d)"
  trap cleanup EXIT
  print_machine

  log "1/4 lab.sh run (LAB_KEEP=1, ${LAB_CNI}, ${LAB_NODES} nodes, prefix ${BENCH_LAB_PREFIX})"
  LAB_STARTED=1
  local run_s run_rc ready_s healthy_s broken_s bare_s healthy_sum broken_sum
  run_s="$(timed "${WORK_DIR}/run.log" "${LAB_ENV[@]}" LAB_KEEP=1 LAB_REPORTS="${WORK_DIR}/run" "${LAB_SH}" run)"
  run_rc="${LAST_RC}"
  ready_s="$(sed -n 's/^  all pods ready \([0-9.]*\) s after start$/\1/p' "${WORK_DIR}/run.log" | tail -1)"
  [[ -n "${ready_s}" ]] || die "lab.sh run printed no 'all pods ready' line (exit ${run_rc}); its output ends:"$'\n'"$(tail -20 "${WORK_DIR}/run.log")"
  sed -n '/^TIMING of run/,/^  total/p' "${WORK_DIR}/run.log"
  log "lab.sh run: ${run_s} s wall clock (exit ${run_rc}), all pods ready ${ready_s} s after start"

  log "2/4 the harness on the warm lab, healthy, then with echo scaled to 0"
  healthy_s="$(timed "${WORK_DIR}/healthy.log" "${LAB_ENV[@]}" LAB_REPORTS="${WORK_DIR}/healthy" "${LAB_SH}" case '*')"
  healthy_sum="$(summary "${WORK_DIR}/healthy")"
  log "harness, healthy: ${healthy_s} s (${healthy_sum})"
  local baseline_s="" after2_s=""
  if [[ -n "${BENCH_BASELINE_JAR}" ]]; then
    # as the lab starts its harness (LabCli.harness): in the lab's host namespace, against its state dir
    baseline_s="$(timed "${WORK_DIR}/baseline.log" ip netns exec "${BENCH_LAB_PREFIX}-host" java -jar "${BENCH_BASELINE_JAR}" \
      --lab-state "${STATE_DIR}" --reports "${WORK_DIR}/baseline")"
    after2_s="$(timed "${WORK_DIR}/healthy2.log" "${LAB_ENV[@]}" LAB_REPORTS="${WORK_DIR}/healthy2" "${LAB_SH}" case '*')"
  fi
  # the JVMs as the healthy lab runs them, before echo is scaled away
  record_jvms
  [[ "${JVMS}" -gt 0 ]] || die "no java process found in the lab's namespaces"
  local ns
  for ns in netpaths netpaths-other; do
    "${LAB_ENV[@]}" "${LAB_SH}" scale deployment/echo --replicas=0 -n "${ns}" >"${WORK_DIR}/scale.log" 2>&1 \
      || die "lab.sh scale failed: $(tail -5 "${WORK_DIR}/scale.log")"
  done
  broken_s="$(timed "${WORK_DIR}/broken.log" "${LAB_ENV[@]}" LAB_REPORTS="${WORK_DIR}/broken" "${LAB_SH}" case '*')"
  broken_sum="$(summary "${WORK_DIR}/broken")"
  log "harness, echo at 0: ${broken_s} s (${broken_sum})"
  local baseline_broken_s=""
  if [[ -n "${BENCH_BASELINE_JAR}" ]]; then
    baseline_broken_s="$(timed "${WORK_DIR}/baseline-broken.log" ip netns exec "${BENCH_LAB_PREFIX}-host" java -jar \
      "${BENCH_BASELINE_JAR}" --lab-state "${STATE_DIR}" --reports "${WORK_DIR}/baseline-broken")"
    log "harness, echo at 0, BENCH_BASELINE_JAR: ${baseline_broken_s} s ($(summary "${WORK_DIR}/baseline-broken"))"
  fi

  log "3/4 taking the lab down"
  timeout --kill-after=10 "${BENCH_DOWN_TIMEOUT}" env LAB_PREFIX="${BENCH_LAB_PREFIX}" LAB_STATE_DIR="${STATE_DIR}" \
    "${LAB_SH}" down >"${WORK_DIR}/down.log" 2>&1 || die "lab down failed: $(tail -5 "${WORK_DIR}/down.log")"
  LAB_STARTED=0

  log "4/4 the same ${JVMS} JVMs started bare, all at once"
  bare_start
  bare_s="${BARE_SECONDS}"

  local total_p total_f
  read -r _ total_f _ <<<"${broken_sum}"
  total_p="$(jq '.summary.passed + .summary.failed + .summary.skipped' "${WORK_DIR}/broken/report.json" 2>/dev/null || echo '?')"
  echo
  printf '%-58s %8s %8s %8s\n' "figure" "seconds" "ratio" "target"
  printf '%-58s %8s\n' "${JVMS} JVMs started bare in parallel, until the last is ready" "${bare_s}"
  printf '%-58s %8s %8s %8s\n' "lab: all pods ready after start / bare" "${ready_s}" "$(ratio "${ready_s}" "${bare_s}")" "<= 1.3"
  printf '%-58s %8s\n' "harness, warm lab, healthy (passed failed skipped: ${healthy_sum// /\/})" "${healthy_s}"
  printf '%-58s %8s %8s %8s\n' "whole lab.sh run (exit ${run_rc}) / (bare + healthy harness)" "${run_s}" \
    "$(ratio "${run_s}" "$(awk -v a="${bare_s}" -v b="${healthy_s}" 'BEGIN { print a + b }')")" "<= 2.0"
  if [[ -n "${baseline_s}" ]]; then
    printf '%-58s %8s\n' "harness, warm lab, healthy: BENCH_BASELINE_JAR ($(summary "${WORK_DIR}/baseline" | tr ' ' /))" "${baseline_s}"
    printf '%-58s %8s %8s\n' "harness, warm lab, healthy: this build, again / baseline" "${after2_s}" "$(ratio "${after2_s}" "${baseline_s}")"
  fi
  printf '%-58s %8s %8s %8s\n' "harness, echo at 0 replicas (${total_f}/${total_p} rows FAILED) / healthy" "${broken_s}" \
    "$(ratio "${broken_s}" "${healthy_s}")" "<= 1.5"
  if [[ -n "${baseline_broken_s}" ]]; then
    printf '%-58s %8s %8s %8s\n' "harness, echo at 0: BENCH_BASELINE_JAR / its healthy run" "${baseline_broken_s}" \
      "$(ratio "${baseline_broken_s}" "${baseline_s}")" "<= 1.5"
  fi
  echo
  echo "the harness runs by their reports' clock (run.startedAt to finishedAt, s; the wall clock adds JVM starts):"
  local run
  for run in healthy healthy2 broken baseline baseline-broken; do
    [[ -f "${WORK_DIR}/${run}/report.json" ]] || continue
    printf '  %-16s %6s s  (passed failed skipped: %s)\n' "${run}" "$(report_s "${WORK_DIR}/${run}")" \
      "$(summary "${WORK_DIR}/${run}" | tr ' ' /)"
  done
  # where a broken run's time went: its slowest rows (report.json durationMs: from the path's start to its verdict,
  # a convergence window waited out beside the measuring lane included)
  for run in broken baseline-broken; do
    jq -e '[.cases[] | has("durationMs")] | any' "${WORK_DIR}/${run}/report.json" >/dev/null 2>&1 || continue
    echo
    echo "the ${run} run's slowest rows (durationMs: from the path's start to its verdict, a window beside the lane included):"
    jq -r '.cases | sort_by(-.durationMs) | .[:6][] | "  \(.durationMs / 1000 * 10 | round / 10) s  \(.result)  \(.name)  (\(.runs) runs)"' \
      "${WORK_DIR}/${run}/report.json"
  done
}

main "$@"
