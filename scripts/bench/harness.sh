#!/usr/bin/env bash
# Benchmarks the conformance harness against the lab and prints the figures docs/benchmarks.md records (not a
# test: it never fails on a figure). Builds nothing but what the lab itself builds when a jar is missing.
#   1. Full matrix time: brings a lab up with its own prefix (`scripts/lab/lab.sh up`, so it stays up), then
#      times full harness runs in the lab's host namespace exactly as the lab's `run` starts it:
#      ip netns exec <prefix>-host java -jar conformance/target/netpaths-conformance.jar \
#        --lab-state <state-dir> --reports <dir>
#      The first meets cold pods, as `make lab` does; BENCH_RUNS more follow. Target: <= 60 s.
#   2. Harness latency against curl, like for like and interleaved in time: after each of the BENCH_RUNS runs,
#      for each path in BENCH_PATHS, BENCH_REQUESTS sequential requests of the row's URL (same Host header)
#      from one curl process in the same host namespace, each on a new TCP connection (`Connection: close`;
#      checked with %{num_connects}). So harness run 1, curl round 1, harness run 2, curl round 2, ...: both
#      clients see the machine as it is at that moment. Per path: the harness's p50 is the median of the runs'
#      report.json p50s (each over the row's measuring probe), curl's the median of its rounds' p50s (each by
#      nearest rank over the round, as the harness computes them). Target: harness p50 within 20% of curl's.
#      Before the compared runs, BENCH_WARMUP_REQUESTS curl requests of each path (not counted) compile the
#      pods' hot paths: without them the pods were still warming up round by round (curl's p50 0.69 ms in round
#      1, 0.37 ms in round 5), and each harness run, always just before its curl round, met the colder server.
# The lab is torn down on exit (`LAB_PREFIX=<prefix> scripts/lab/lab.sh down`). Needs root. Every wait is
# bounded; all traffic stays inside the lab's namespaces.
#
# Usage: scripts/bench/harness.sh [-h|--help]
#
# Settings:
#   BENCH_LAB_PREFIX=${BENCH_LAB_PREFIX:-npb}          the lab's prefix; never the default lab's 'np', and no lab may be up with it
#   LAB_CNI=${LAB_CNI:-flannel}                         flannel | calico | weave
#   LAB_NODES=${LAB_NODES:-3}                           nodes, control plane included
#   LAB_CLUSTERS=${LAB_CLUSTERS:-1}                     1 or 2 (2 adds the cross-cluster cases)
#   BENCH_RUNS=${BENCH_RUNS:-5}                         harness runs compared with curl, after the first
#   BENCH_REQUESTS=${BENCH_REQUESTS:-200}               curl requests per path and round
#   BENCH_WARMUP_REQUESTS=${BENCH_WARMUP_REQUESTS:-1000} curl requests per path before the compared runs, not counted
#   BENCH_CURL_TIMEOUT=${BENCH_CURL_TIMEOUT:-3}         seconds per curl (the harness's own timeout is 3 s)
#   BENCH_UP_TIMEOUT=${BENCH_UP_TIMEOUT:-420}           seconds `lab.sh up` gets
#   BENCH_HARNESS_TIMEOUT=${BENCH_HARNESS_TIMEOUT:-600} seconds the harness run gets
#   BENCH_DOWN_TIMEOUT=${BENCH_DOWN_TIMEOUT:-120}       seconds `lab.sh down` gets
#   BENCH_REPORTS=${BENCH_REPORTS:-reports/bench-harness}  the harness's --reports dir, relative to the repo
#   BENCH_HARNESS_JAR=${BENCH_HARNESS_JAR:-conformance/target/netpaths-conformance.jar}  the harness to time
#                                                      (another build's jar, with its lib/ beside it, compares builds)
#   BENCH_PATHS="${BENCH_PATHS:-<four paths>}"          report.json rows to compare: 'case' (its first row) or
#                                                      'case[row]' (the row named 'case [row]'); the default:
#     nodePortClusterPolicyRewritesClientIpOnEveryNode[netpaths-worker] loadBalancerIpIsServedByEchoV1
#     ingressRoutesV1PathToV1 gatewaySplitsEightyTwenty
#   (the split, which the harness measures over 500 tries, is a control with a large sample on both sides)
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_LAB_PREFIX="${BENCH_LAB_PREFIX:-npb}"
LAB_CNI="${LAB_CNI:-flannel}"
LAB_NODES="${LAB_NODES:-3}"
LAB_CLUSTERS="${LAB_CLUSTERS:-1}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BENCH_REQUESTS="${BENCH_REQUESTS:-200}"
BENCH_WARMUP_REQUESTS="${BENCH_WARMUP_REQUESTS:-1000}"
BENCH_CURL_TIMEOUT="${BENCH_CURL_TIMEOUT:-3}"
BENCH_UP_TIMEOUT="${BENCH_UP_TIMEOUT:-420}"
BENCH_HARNESS_TIMEOUT="${BENCH_HARNESS_TIMEOUT:-600}"
BENCH_DOWN_TIMEOUT="${BENCH_DOWN_TIMEOUT:-120}"
BENCH_REPORTS="${BENCH_REPORTS:-reports/bench-harness}"
BENCH_PATHS="${BENCH_PATHS:-nodePortClusterPolicyRewritesClientIpOnEveryNode[netpaths-worker] loadBalancerIpIsServedByEchoV1 ingressRoutesV1PathToV1 gatewaySplitsEightyTwenty}"

LAB_SH="${REPO_ROOT}/scripts/lab/lab.sh"
HARNESS_JAR="${BENCH_HARNESS_JAR:-${REPO_ROOT}/conformance/target/netpaths-conformance.jar}"
# As the lab CLI names them (LabCli.Common.stateDir, AddressPlan.hostNs; docs/lab/internals.md "Files and names").
STATE_DIR="/run/netpaths-lab-${BENCH_LAB_PREFIX}"
HOST_NS="${BENCH_LAB_PREFIX}-host"

WORK_DIR=""
LAB_STARTED=0     # 1 once this script ran `lab.sh up`: only then does cleanup take a lab down
ROWS=()           # one printed line per compared path
RUN_SECONDS=()    # wall time of each compared run
declare -A NAMES TRIES H50 CURL50 CURL_OK NOTES   # per BENCH_PATHS selector, filled run by run
UP_SECONDS="" READY_LINE=""                                   # set by lab_up
REPORT="" HARNESS_SECONDS="" HARNESS_INNER="" HARNESS_RC="" HARNESS_SUMMARY=""   # set by harness_run

# usage, log, die, now_ms, print_machine
# shellcheck source=scripts/bench/lib.sh
source "${REPO_ROOT}/scripts/bench/lib.sh"

require_root() {
  if [[ ${EUID} -ne 0 ]]; then
    echo "bench: this benchmark needs root: it brings up the lab (network namespaces, veths, iptables rules)" >&2
    echo "bench: and runs the harness and curl inside the lab's host namespace (ip netns exec)." >&2
    echo "bench: run: sudo --preserve-env=BENCH_LAB_PREFIX,LAB_CNI,LAB_NODES,LAB_CLUSTERS ${BASH_SOURCE[0]}" >&2
    exit 1
  fi
}

check_settings() {
  local name
  for name in LAB_NODES BENCH_RUNS BENCH_REQUESTS BENCH_WARMUP_REQUESTS BENCH_CURL_TIMEOUT BENCH_UP_TIMEOUT BENCH_HARNESS_TIMEOUT BENCH_DOWN_TIMEOUT; do
    [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || die "${name} must be a positive whole number, got '${!name}'"
  done
  case "${LAB_CNI}" in
    flannel|calico|weave) ;;
    *) die "LAB_CNI must be flannel, calico or weave, got '${LAB_CNI}'" ;;
  esac
  [[ "${LAB_CLUSTERS}" =~ ^[12]$ ]] || die "LAB_CLUSTERS must be 1 or 2, got '${LAB_CLUSTERS}'"
  [[ "${BENCH_LAB_PREFIX}" =~ ^[a-z][a-z0-9]{0,9}$ ]] \
    || die "BENCH_LAB_PREFIX must be a lower-case letter then up to 9 letters or digits, got '${BENCH_LAB_PREFIX}'"
  # The default lab (make lab, make test) uses np; this script tears its lab down on exit.
  [[ "${BENCH_LAB_PREFIX}" != np ]] || die "BENCH_LAB_PREFIX must not be 'np', the default lab's prefix"
  [[ "${BENCH_REPORTS}" != /* ]] || die "BENCH_REPORTS is relative to the repository, got '${BENCH_REPORTS}'"
  [[ -n "${BENCH_PATHS// /}" ]] || die "BENCH_PATHS is empty"
}

require_tools() {
  local tool
  for tool in java jq curl ip timeout awk; do
    command -v "${tool}" >/dev/null || die "${tool} is missing: run 'make deps'"
  done
  [[ -x "${LAB_SH}" ]] || die "${LAB_SH} is missing"
  [[ -f "${HARNESS_JAR}" ]] \
    || die "${HARNESS_JAR} is missing: mvn -B -ntp -q -o -pl conformance package -DskipTests"
}

# `up` on an existing lab removes it first, and cleanup takes the lab down: never touch a lab this script
# did not bring up.
require_no_lab() {
  if ip netns list | awk '{ print $1 }' | grep -q -- "^${BENCH_LAB_PREFIX}-"; then
    die "namespaces with prefix ${BENCH_LAB_PREFIX}- exist: a lab with that prefix is up (take it down with" \
      "LAB_PREFIX=${BENCH_LAB_PREFIX} scripts/lab/lab.sh down, or pick another BENCH_LAB_PREFIX)"
  fi
  [[ ! -e "${STATE_DIR}/journal" ]] \
    || die "${STATE_DIR}/journal exists: a lab with prefix ${BENCH_LAB_PREFIX} was not taken down" \
      "(LAB_PREFIX=${BENCH_LAB_PREFIX} scripts/lab/lab.sh down)"
}

cleanup() {
  local rc=$?
  if [[ ${LAB_STARTED} == 1 ]]; then
    log "tearing the lab down (LAB_PREFIX=${BENCH_LAB_PREFIX} scripts/lab/lab.sh down)"
    timeout --kill-after=10 "${BENCH_DOWN_TIMEOUT}" env LAB_PREFIX="${BENCH_LAB_PREFIX}" LAB_STATE_DIR="" \
      "${LAB_SH}" down >&2 || echo "bench: lab down failed: run LAB_PREFIX=${BENCH_LAB_PREFIX} ${LAB_SH} down" >&2
  fi
  [[ -z "${WORK_DIR}" ]] || rm -rf "${WORK_DIR}"
  exit "${rc}"
}


lab_up() {
  local start rc=0
  log "lab up: prefix ${BENCH_LAB_PREFIX}, ${LAB_CNI}, ${LAB_NODES} nodes, ${LAB_CLUSTERS} cluster(s), state ${STATE_DIR}" \
    "(log: ${WORK_DIR}/lab-up.log)"
  LAB_STARTED=1
  start="$(now_ms)"
  timeout --kill-after=10 "${BENCH_UP_TIMEOUT}" env LAB_PREFIX="${BENCH_LAB_PREFIX}" LAB_CNI="${LAB_CNI}" \
    LAB_NODES="${LAB_NODES}" LAB_CLUSTERS="${LAB_CLUSTERS}" LAB_STATE_DIR="" "${LAB_SH}" up \
    >"${WORK_DIR}/lab-up.log" 2>&1 || rc=$?
  if [[ ${rc} -ne 0 ]]; then
    tail -20 "${WORK_DIR}/lab-up.log" >&2
    die "lab up failed (exit ${rc}; 124 = not up within BENCH_UP_TIMEOUT=${BENCH_UP_TIMEOUT} s)"
  fi
  UP_SECONDS="$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')"
  READY_LINE="$(grep -m1 -E '(all pods ready|pods settled) [0-9.]+ s after start' "${WORK_DIR}/lab-up.log" | sed 's/^ *//')"
  [[ -f "${STATE_DIR}/netpaths/cluster.yaml" ]] || die "no ${STATE_DIR}/netpaths/cluster.yaml after lab up"
}

# One full harness run, as LabCli.harness starts it; sets HARNESS_SECONDS, HARNESS_RC, HARNESS_SUMMARY.
harness_run() {
  local reports="${REPO_ROOT}/${BENCH_REPORTS}" start
  rm -rf "${reports}"
  mkdir -p "${reports}"
  log "harness: ip netns exec ${HOST_NS} java -jar ${HARNESS_JAR} --lab-state ${STATE_DIR} --reports ${reports}" \
    "(log: ${WORK_DIR}/harness.log)"
  HARNESS_RC=0
  start="$(now_ms)"
  timeout --kill-after=10 "${BENCH_HARNESS_TIMEOUT}" ip netns exec "${HOST_NS}" java -jar "${HARNESS_JAR}" \
    --lab-state "${STATE_DIR}" --reports "${reports}" >"${WORK_DIR}/harness.log" 2>&1 || HARNESS_RC=$?
  HARNESS_SECONDS="$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')"
  REPORT="${reports}/report.json"
  if [[ ! -f "${REPORT}" ]]; then
    tail -20 "${WORK_DIR}/harness.log" >&2
    die "the harness wrote no ${REPORT} (exit ${HARNESS_RC}; 124 = timed out after ${BENCH_HARNESS_TIMEOUT} s)"
  fi
  HARNESS_SUMMARY="$(jq -r '[.cases[] | .result] | "\(map(select(. == "PASSED")) | length) passed, "
    + "\(map(select(. == "FAILED")) | length) failed, \(map(select(. == "SKIPPED")) | length) skipped"' "${REPORT}")"
  # The harness's own clock: from the launcher's start to the last report (no JVM start, no report writing).
  HARNESS_INNER="$(jq -r '.run | ((.finishedAt | sub("\\.[0-9]+Z$"; "Z") | fromdate)
    - (.startedAt | sub("\\.[0-9]+Z$"; "Z") | fromdate))' "${REPORT}")"
}

# report_row SELECTOR: the report.json row as JSON ('case' = its first row, 'case[row]' = the row 'case [row]')
report_row() {
  local selector="$1"
  jq -c --arg s "${selector}" '[.cases[] | select(
      if ($s | test("\\[")) then (.name | sub(" \\["; "[")) == $s else .caseName == $s end)] | first // empty' \
    "${REPORT}"
}

# nearest_rank P: the P-th percentile of the numbers on stdin, nearest rank (as LatencyStats.rank)
nearest_rank() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    i = int(p / 100 * NR); if (i < p / 100 * NR) i++; if (i < 1) i = 1; printf "%.2f", v[i] }'
}

# curl_samples URL HOST [COUNT]: COUNT (BENCH_REQUESTS) sequential requests from one curl process in the host namespace, with
# the harness's request headers. `Connection: close` makes the server close after each answer, so every transfer
# opens a new TCP connection (checked with %{num_connects}), as the harness's tries do, and one warm process
# measures them all, as one warm JVM does for the harness. Prints "ms num_connects http_code" per request.
curl_samples() {
  local url="$1" host="$2" count="${3:-${BENCH_REQUESTS}}" i
  local args=(-s --connect-timeout "${BENCH_CURL_TIMEOUT}" --max-time "$(( count * BENCH_CURL_TIMEOUT ))"
    -H "User-Agent: netpaths-conformance" -H "Accept: application/json" -H "Connection: close"
    -w "%{time_total} %{num_connects} %{http_code}\n")
  [[ -z "${host}" ]] || args+=(-H "Host: ${host}")
  for ((i = 0; i < count; i++)); do
    args+=(-o /dev/null "${url}")
  done
  timeout --kill-after=10 $(( count * (BENCH_CURL_TIMEOUT + 1) + 30 )) \
    ip netns exec "${HOST_NS}" curl "${args[@]}" \
    | awk '{ printf "%.3f %s %s\n", $1 * 1000, $2, $3 }'
}

# target_url TARGET: "URL HOST" of a report row's target (HOST may be empty); fails when the target is not a URL
# with an optional Host header
target_url() {
  [[ "$1" =~ ^(http://[^ ]+)(\ Host:\ ([^ ]+))?$ ]] || return 1
  echo "${BASH_REMATCH[1]} ${BASH_REMATCH[3]}"
}

# warm_paths: BENCH_WARMUP_REQUESTS curl requests of each compared path, not counted (see the header)
warm_paths() {
  local selector url host
  for selector in ${BENCH_PATHS}; do
    read -r url host <<<"$(target_url "$(report_row "${selector}" | jq -r '.target // empty')" || true)"
    [[ -n "${url}" ]] || continue   # curl_round notes the row's problem
    log "warm-up: ${BENCH_WARMUP_REQUESTS} x ${url}${host:+ (Host ${host})}, not counted"
    curl_samples "${url}" "${host}" "${BENCH_WARMUP_REQUESTS}" >/dev/null || log "warm-up of ${url} stopped early (timeout)"
  done
}

# curl_round SELECTOR ROUND: one curl round of the path's URL, right after harness run ROUND; records the
# run's harness p50 and the round's curl p50 for the path.
curl_round() {
  local selector="$1" round="$2" row name target url host h50 samples ok conns
  row="$(report_row "${selector}")"
  if [[ -z "${row}" ]]; then
    NOTES[${selector}]="no such row in report.json (run ${round})"
    return 0
  fi
  name="$(jq -r .name <<<"${row}")"
  target="$(jq -r .target <<<"${row}")"
  h50="$(jq -r '.latency | "\(.p50) \(.count)"' <<<"${row}")"
  read -r url host <<<"$(target_url "${target}" || true)"
  if [[ -z "${url}" ]]; then
    NOTES[${selector}]="target ${target}: only a URL and a Host header are supported"
    return 0
  fi
  NAMES[${selector}]="${name}"
  log "curl round ${round}: ${BENCH_REQUESTS} x ${url}${host:+ (Host ${host})} from ${HOST_NS}"
  samples="${WORK_DIR}/curl-${round}-$(tr -c 'a-zA-Z0-9\n' '_' <<<"${selector}").txt"
  curl_samples "${url}" "${host}" >"${samples}" || log "curl loop for ${url} stopped early (timeout): partial sample"
  # Answered requests only, as the harness's latency (a status line came back).
  ok="$(awk '$3 != "000"' "${samples}" | wc -l)"
  conns="$(awk '{ s += $2 } END { print s + 0 }' "${samples}")"
  [[ "${conns}" == "$(wc -l <"${samples}")" ]] \
    || NOTES[${selector}]="${conns} connections for $(wc -l <"${samples}") curls in round ${round}: a connection was reused or never made"
  H50[${selector}]+="${h50%% *} "
  TRIES[${selector}]="${h50##* }"
  CURL50[${selector}]+="$(awk '$3 != "000" { print $1 }' "${samples}" | nearest_rank 50) "
  CURL_OK[${selector}]=$(( ${CURL_OK[${selector}]:-0} + ok ))
  awk '$3 != "000" { print $1 }' "${samples}" >>"${WORK_DIR}/curl-all-$(tr -c 'a-zA-Z0-9\n' '_' <<<"${selector}").txt"
}

# a space-separated list of numbers as "a/b/c"
slashed() { local list="$1"; list="${list% }"; echo "${list// //}"; }

compare_path() {
  local selector="$1" name tries h50 c50 c99 diff all
  if [[ -z "${H50[${selector}]:-}" ]]; then
    ROWS+=("$(printf '%-66s  %s' "${selector}" "${NOTES[${selector}]:-no sample}")")
    return 0
  fi
  name="${NAMES[${selector}]}"
  tries="${TRIES[${selector}]}"
  h50="$(tr ' ' '\n' <<<"${H50[${selector}]}" | grep . | nearest_rank 50)"
  c50="$(tr ' ' '\n' <<<"${CURL50[${selector}]}" | grep . | nearest_rank 50)"
  all="${WORK_DIR}/curl-all-$(tr -c 'a-zA-Z0-9\n' '_' <<<"${selector}").txt"
  c99="$(nearest_rank 99 <"${all}")"
  diff="$(awk -v h="${h50}" -v c="${c50}" 'BEGIN { if (c == "-" || c == 0) print "-"; else printf "%+.0f%%", (h - c) / c * 100 }')"
  ROWS+=("$(printf '%-66s %8s %-20s %4s %8s %-20s %8s %9s %6s' "${name:0:66}" "${h50}" "$(slashed "${H50[${selector}]}")" \
    "${tries}" "${c50}" "$(slashed "${CURL50[${selector}]}")" "${c99}" \
    "${CURL_OK[${selector}]}/$(( BENCH_REQUESTS * BENCH_RUNS ))" "${diff}")")
  [[ -z "${NOTES[${selector}]:-}" ]] || ROWS+=("  (!) ${NOTES[${selector}]}")
}

print_figures() {
  local selector
  printf '\n%-44s %s\n' "lab up (${LAB_CNI}, ${LAB_NODES} nodes, ${LAB_CLUSTERS} cluster(s))" \
    "${UP_SECONDS} s wall (${READY_LINE:-no ready line})"
  printf '%-44s %s\n' "full harness run, first (JVM start to exit)" "${FIRST_SECONDS} s (target <= 60 s): ${FIRST_SUMMARY}"
  printf '%-44s %s\n' "full harness runs ${BENCH_RUNS} more (warm pods)" "$(slashed "${RUN_SECONDS[*]} ") s"
  printf '%-44s %s\n' "  the last by the harness's clock (report.json .run)" "${HARNESS_INNER} s"
  printf '%-44s %s\n' "  the last: result" "${HARNESS_SUMMARY}, exit ${HARNESS_RC}"
  printf '%-44s %s\n' "  the last: report" "${REPORT}"

  for selector in ${BENCH_PATHS}; do
    compare_path "${selector}"
  done
  printf '\nlatency in ms over %s harness runs, each followed by a curl round of %s new connections from one curl\n' \
    "${BENCH_RUNS}" "${BENCH_REQUESTS}"
  printf 'process in %s. harn: the median of the runs'"'"' report.json p50 (each over n tries, listed run by run);\n' \
    "${HOST_NS}"
  printf 'curl: the median of the rounds'"'"' p50 (listed round by round), p99 over every round; diff = (harn - curl) / curl\n'
  printf '(target: within 20%%)\n'
  printf '%-66s %8s %-20s %4s %8s %-20s %8s %9s %6s\n' "path" "harn p50" "runs" "n" "curl p50" "rounds" "curl p99" \
    "curl ok" "diff"
  printf '%s\n' "${ROWS[@]}"
}

main() {
  case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  check_settings
  require_root
  require_tools
  require_no_lab
  WORK_DIR="$(mktemp -d -t netpaths-bench-harness.XXXXXX)"
  trap cleanup EXIT
  print_machine
  lab_up
  harness_run
  FIRST_SECONDS="${HARNESS_SECONDS}" FIRST_SUMMARY="${HARNESS_SUMMARY}"
  # The first run meets pods whose JIT has not compiled anything yet; after the warm-up, the compared runs and
  # curl rounds are two clients of the same warm paths, taking turns so that neither gets a quieter machine.
  warm_paths
  local round selector
  for ((round = 1; round <= BENCH_RUNS; round++)); do
    harness_run
    RUN_SECONDS+=("${HARNESS_SECONDS}")
    for selector in ${BENCH_PATHS}; do
      curl_round "${selector}" "${round}"
    done
  done
  print_figures
}

main "$@"
