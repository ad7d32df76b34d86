#!/usr/bin/env bash
# Benchmarks echo-service against nginx and prints the figures docs/benchmarks.md records (not a test: it
# never fails on a figure). Builds nothing: run `make build` first.
#   1. Throughput: echo-service, then nginx (`return 200` of a JSON as large as the echo's), each started
#      alone on core BENCH_SERVER_CPU and driven by wrk on core BENCH_CLIENT_CPU (a warm-up run, then the
#      measured run), for BENCH_ROUNDS rounds. Other work on the machine only ever slows a run down, so the
#      best round of each server is compared (req/s), and each server's least p99 of its rounds; beside them,
#      the server's CPU time per request (from /proc/<pid>/stat), which other work skews less.
#   2. For echo-service, caller-service and sidecar-demo (app + sidecar): time from process start until
#      /q/health/ready answers 200 (polled every 20 ms), and idle RSS a few seconds after ready.
#   3. A JVM hello-world (compiled here with javac) on the same core with the same JVM options, fork to exit:
#      each service's start to ready is printed as a multiple of it (issue #16: at most 3 x), beside the idle
#      RSS target per JVM (80 MB).
# Every JVM runs with the options its pods run with (JAVA_TOOL_OPTIONS from k8s/base/jvm.env; sidecar-demo's
# two containers from k8s/base/jvm-small.env), on loopback only, on random free ports.
#
# Usage: scripts/bench/echo.sh [-h|--help]
#
# Settings:
#   BENCH_ROUNDS=${BENCH_ROUNDS:-3}                throughput rounds (each: echo-service, then nginx)
#   BENCH_DURATION=${BENCH_DURATION:-15s}          measured wrk run per server and round
#   BENCH_WARMUP=${BENCH_WARMUP:-5s}               each wrk warm-up run before it (JIT, caches), not reported
#   BENCH_WARMUP_RUNS=${BENCH_WARMUP_RUNS:-3}      warm-up runs, each on new connections (see drive)
#   BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-50}     concurrent keep-alive connections
#   BENCH_THREADS=${BENCH_THREADS:-1}              wrk threads
#   BENCH_PATH=${BENCH_PATH:-/echo}                echo-service path under load
#   BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-0}        the one core every server gets (taskset -c)
#   BENCH_CLIENT_CPU=${BENCH_CLIENT_CPU:-1}        the core wrk gets
#   BENCH_STARTUP_RUNS=${BENCH_STARTUP_RUNS:-3}    startups per service; the median is reported
#   BENCH_IDLE_SECONDS=${BENCH_IDLE_SECONDS:-3}    wait after ready before reading VmRSS
#   BENCH_READY_TIMEOUT=${BENCH_READY_TIMEOUT:-30} seconds a service gets to become ready
#   JVM_ENV_FILE=${JVM_ENV_FILE:-k8s/base/jvm.env} the JVM options (JAVA_TOOL_OPTIONS=...), relative to the repo
#   SMALL_JVM_ENV_FILE=${SMALL_JVM_ENV_FILE:-k8s/base/jvm-small.env}  the same for sidecar-demo's containers
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
BENCH_DURATION="${BENCH_DURATION:-15s}"
BENCH_WARMUP="${BENCH_WARMUP:-5s}"
BENCH_WARMUP_RUNS="${BENCH_WARMUP_RUNS:-3}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-50}"
BENCH_THREADS="${BENCH_THREADS:-1}"
BENCH_PATH="${BENCH_PATH:-/echo}"
BENCH_SERVER_CPU="${BENCH_SERVER_CPU:-0}"
BENCH_CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
BENCH_STARTUP_RUNS="${BENCH_STARTUP_RUNS:-3}"
BENCH_IDLE_SECONDS="${BENCH_IDLE_SECONDS:-3}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-30}"
JVM_ENV_FILE="${JVM_ENV_FILE:-k8s/base/jvm.env}"
SMALL_JVM_ENV_FILE="${SMALL_JVM_ENV_FILE:-k8s/base/jvm-small.env}"

ECHO_JAR="${REPO_ROOT}/echo-service/target/quarkus-app/quarkus-run.jar"
CALLER_JAR="${REPO_ROOT}/caller-service/target/quarkus-app/quarkus-run.jar"
SIDECAR_JAR="${REPO_ROOT}/sidecar-demo/target/quarkus-app/quarkus-run.jar"

WORK_DIR=""
STARTED_PIDS=()   # every process this script started and has not stopped yet: the only ones it kills
LAST_PID=""       # set by start_jvm, start_nginx and measure_start
LAST_PORT=""
LAST_READY_MS=""
LAST_RSS_MB=""
MEDIANS=""        # "NAME READY_MS RSS_MB" per JVM measured by startup_and_memory
ECHO_ROUNDS=()    # "req/s p50 p99" per throughput round
NGINX_ROUNDS=()

# usage, log, die, now_ms, print_machine
# shellcheck source=scripts/bench/lib.sh
source "${REPO_ROOT}/scripts/bench/lib.sh"

check_settings() {
  local name
  for name in BENCH_ROUNDS BENCH_WARMUP_RUNS BENCH_CONNECTIONS BENCH_THREADS BENCH_SERVER_CPU BENCH_CLIENT_CPU BENCH_STARTUP_RUNS \
    BENCH_IDLE_SECONDS BENCH_READY_TIMEOUT; do
    [[ "${!name}" =~ ^[0-9]+$ ]] || die "${name} must be a whole number, got '${!name}'"
  done
  for name in BENCH_DURATION BENCH_WARMUP; do
    [[ "${!name}" =~ ^[0-9]+[smh]?$ ]] || die "${name} must be a wrk duration like 20s, got '${!name}'"
  done
  [[ "${BENCH_PATH}" == /* ]] || die "BENCH_PATH must start with /, got '${BENCH_PATH}'"
  (( BENCH_ROUNDS >= 1 && BENCH_STARTUP_RUNS >= 1 )) || die "BENCH_ROUNDS and BENCH_STARTUP_RUNS must be >= 1"
  [[ "${BENCH_SERVER_CPU}" != "${BENCH_CLIENT_CPU}" ]] || die "server and client need different cores"
  (( BENCH_SERVER_CPU < $(nproc) && BENCH_CLIENT_CPU < $(nproc) )) || die "this machine has $(nproc) cores"
}

require_tools() {
  local tool
  for tool in java javac wrk nginx taskset curl; do
    command -v "${tool}" >/dev/null || die "${tool} is missing: run 'make deps'"
  done
  [[ -f "${ECHO_JAR}" ]] || die "${ECHO_JAR} is missing: run 'make build'"
  [[ -f "${REPO_ROOT}/${JVM_ENV_FILE}" ]] || die "${JVM_ENV_FILE} is missing"
  [[ -f "${REPO_ROOT}/${SMALL_JVM_ENV_FILE}" ]] || die "${SMALL_JVM_ENV_FILE} is missing"
}

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_process "${pid}"
  done
  [[ -z "${WORK_DIR}" ]] || rm -rf "${WORK_DIR}"
}

# stop_process PID: TERM, KILL after 10 s, reap; only for PIDs in STARTED_PIDS
stop_process() {
  local pid="$1" waited=0 kept=() started
  for started in "${STARTED_PIDS[@]}"; do
    [[ "${started}" == "${pid}" ]] || kept+=("${started}")
  done
  STARTED_PIDS=("${kept[@]}")
  kill -TERM "${pid}" 2>/dev/null || return 0
  while kill -0 "${pid}" 2>/dev/null && (( waited < 100 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "${pid}" 2>/dev/null || true
  wait "${pid}" 2>/dev/null || true
}

# The JVM options pods run with: the value of JAVA_TOOL_OPTIONS in the env file (a kustomize env file,
# NAME=value, not shell).
# jvm_options [ENV_FILE]: the JAVA_TOOL_OPTIONS of JVM_ENV_FILE or of ENV_FILE
jvm_options() {
  sed -n 's/^JAVA_TOOL_OPTIONS=//p' "${REPO_ROOT}/${1:-${JVM_ENV_FILE}}"
}

# Below the kernel's ephemeral range: a port from it can be the local end of a client's socket (wrk's connections
# of the run before, in TIME_WAIT), and the server then fails to bind it ("Port ... seems to be in use").
free_port() {
  local port _ ephemeral_low
  ephemeral_low="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range)"
  (( ephemeral_low > 20100 )) || die "the ephemeral port range starts at ${ephemeral_low}: no free range below it"
  for _ in {1..100}; do
    port=$((20000 + RANDOM % (ephemeral_low - 20000)))
    # Nothing answers a connect on a free port (bash's /dev/tcp; the subshell closes the socket).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "${port}"
      return 0
    fi
  done
  die "no free port found"
}


# start_jvm NAME JAR PORT [NAME=VALUE...]: starts the jar on core BENCH_SERVER_CPU; its PID in LAST_PID.
# Quarkus binds loopback only (and so does sidecar-demo's role sidecar, which is not Quarkus); the shutdown
# delay is off so that every stop is quick. NAME=VALUE arguments come last, so they override.
start_jvm() {
  local name="$1" jar="$2" port="$3"
  shift 3
  env JAVA_TOOL_OPTIONS="$(jvm_options)" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="${port}" \
    NETPATHS_SIDECAR_LISTEN="127.0.0.1:${port}" QUARKUS_SHUTDOWN_DELAY=0s "$@" \
    taskset -c "${BENCH_SERVER_CPU}" java -jar "${jar}" >"${WORK_DIR}/${name}.log" 2>&1 &
  LAST_PID="$!"
  STARTED_PIDS+=("${LAST_PID}")
}

# wait_ready PORT PID NAME: polls /q/health/ready every 20 ms until 200, bounded by BENCH_READY_TIMEOUT
wait_ready() {
  local port="$1" pid="$2" name="$3" deadline
  deadline=$(( $(now_ms) + BENCH_READY_TIMEOUT * 1000 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:${port}/q/health/ready")" == 200 ]]; do
    kill -0 "${pid}" 2>/dev/null || die "${name} exited; its log: $(tail -5 "${WORK_DIR}/${name}.log")"
    (( $(now_ms) < deadline )) || die "${name} not ready after ${BENCH_READY_TIMEOUT} s; log in ${WORK_DIR}"
    sleep 0.02
  done
}

rss_mb() {
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# start_nginx PORT BODY_FILE: nginx with its own config in WORK_DIR, one worker, on core BENCH_SERVER_CPU;
# the master's PID in LAST_PID
start_nginx() {
  local port="$1" body_file="$2" dir="${WORK_DIR}/nginx" module temp_paths=""
  mkdir -p "${dir}"
  for module in proxy fastcgi uwsgi scgi; do
    if ! nginx -V 2>&1 | grep -q -- "--without-http_${module}_module"; then
      temp_paths+="${module}_temp_path ${dir}/${module}; "
    fi
  done
  cat >"${dir}/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  ${temp_paths}
  server {
    listen 127.0.0.1:${port};
    location / {
      default_type application/json;
      return 200 '$(cat "${body_file}")';
    }
  }
}
EOF
  taskset -c "${BENCH_SERVER_CPU}" nginx -p "${dir}" -c "${dir}/nginx.conf" >"${WORK_DIR}/nginx.log" 2>&1 &
  LAST_PID="$!"
  STARTED_PIDS+=("${LAST_PID}")
}

wait_http() {
  local url="$1" deadline
  deadline=$(( $(now_ms) + BENCH_READY_TIMEOUT * 1000 ))
  until curl -s -o /dev/null --max-time 1 "${url}"; do
    (( $(now_ms) < deadline )) || die "${url} does not answer"
    sleep 0.05
  done
}

# cpu_ticks PID...: user + system CPU time the processes have used so far, in clock ticks
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/${pid}/stat") ))
  done
  echo "${total}"
}

# drive URL PID...: warm-up, then the measured run; prints "req/s p50 p99 cpu" (latencies as wrk prints them;
# cpu: the server processes' CPU time per answered request in microseconds, which other work on the machine
# inflates far less than req/s, since a server that is not running is not charged).
# The warm-up is several wrk runs, so that connections have been closed and opened again before the measured run:
# the first closes take branches the JIT had never seen, deoptimize the hot read and dispatch methods
# (-XX:+PrintCompilation: "made not entrant"), and C2 then recompiles about 150 methods for 1-2 s on the server's
# one core. After one warm-up run that recompile fell in the measured run (p99 4.8-5.7 ms); after three it did
# not (1.7 ms): a server that lives longer than a benchmark has long been past it (docs/benchmarks.md, figure 1).
drive() {
  local url="$1" out before after run
  shift
  for (( run = 1; run <= BENCH_WARMUP_RUNS; run++ )); do
    taskset -c "${BENCH_CLIENT_CPU}" wrk -t"${BENCH_THREADS}" -c"${BENCH_CONNECTIONS}" -d"${BENCH_WARMUP}" \
      "${url}" >/dev/null
  done
  before="$(cpu_ticks "$@")"
  out="$(taskset -c "${BENCH_CLIENT_CPU}" wrk -t"${BENCH_THREADS}" -c"${BENCH_CONNECTIONS}" \
    -d"${BENCH_DURATION}" --latency "${url}")"
  after="$(cpu_ticks "$@")"
  grep -q 'Non-2xx\|Socket errors' <<<"${out}" && log "wrk reported errors against ${url}:"$'\n'"${out}"
  awk -v ticks=$(( after - before )) -v hz="$(getconf CLK_TCK)" \
    '/ requests in / { n = $1 } /^Requests\/sec:/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
     END { printf "%.0f %s %s %.2fus\n", rps, p50, p99, ticks * 1e6 / hz / n }' <<<"${out}"
}

# one_round ROUND: echo-service, then nginx, each started, warmed up, measured and stopped; appends
# "req/s p50 p99" to ECHO_ROUNDS and NGINX_ROUNDS
one_round() {
  local round="$1" port
  port="$(free_port)"
  log "round ${round}/${BENCH_ROUNDS}: echo-service on core ${BENCH_SERVER_CPU}, wrk on core ${BENCH_CLIENT_CPU}"
  start_jvm "echo-throughput-${round}" "${ECHO_JAR}" "${port}" NETPATHS_ECHO_UDP_PORT=0
  wait_ready "${port}" "${LAST_PID}" "echo-throughput-${round}"
  # nginx answers with a body as large as the echo's answer to wrk (wrk sends only a Host header).
  curl -s -H 'User-Agent:' -H 'Accept:' "http://127.0.0.1:${port}${BENCH_PATH}" >"${WORK_DIR}/body.json"
  ECHO_ROUNDS+=("$(drive "http://127.0.0.1:${port}${BENCH_PATH}" "${LAST_PID}")")
  stop_process "${LAST_PID}"

  port="$(free_port)"
  log "round ${round}/${BENCH_ROUNDS}: nginx ($(wc -c <"${WORK_DIR}/body.json") byte JSON) on core ${BENCH_SERVER_CPU}"
  start_nginx "${port}" "${WORK_DIR}/body.json"
  wait_http "http://127.0.0.1:${port}/"
  # nginx's one worker answers (the master only supervises); both are charged
  NGINX_ROUNDS+=("$(drive "http://127.0.0.1:${port}${BENCH_PATH}" "${LAST_PID}" $(pgrep -P "${LAST_PID}"))")
  stop_process "${LAST_PID}"
}

# row NAME "REQS P50 P99 CPU": one line of the throughput table
row() {
  local rps p50 p99 cpu
  read -r rps p50 p99 cpu <<<"$2"
  printf '%-22s %10s %10s %10s %12s\n' "$1" "${rps}" "${p50}" "${p99}" "${cpu}"
}

# best: the "req/s p50 p99 cpu" line with the most req/s
best() { sort -n -r | head -1; }

# least_cpu: the lowest CPU time per request of the rounds, in microseconds
least_cpu() { awk '{ sub(/us$/, "", $4); print $4 }' | sort -g | head -1; }

# least_p99: the lowest p99 of the rounds, as wrk printed it (us, ms or s): other work on the machine only ever
# lengthens a tail, and the round with the best req/s need not have the shortest one
least_p99() {
  awk '{ t = $3; v = t ~ /us$/ ? t + 0 : t ~ /ms$/ ? t * 1000 : t * 1e6; print v, t }' | sort -g | head -1 |
    awk '{ print $2 }'
}

throughput() {
  local round echo_best nginx_best echo_cpu nginx_cpu
  ECHO_ROUNDS=()
  NGINX_ROUNDS=()
  log "throughput: ${BENCH_ROUNDS} rounds of ${BENCH_WARMUP_RUNS} x ${BENCH_WARMUP} warm-up + ${BENCH_DURATION} measured," \
    "${BENCH_CONNECTIONS} connections, ${BENCH_THREADS} wrk thread(s), GET ${BENCH_PATH}"
  for round in $(seq 1 "${BENCH_ROUNDS}"); do
    one_round "${round}"
  done
  printf '\n%-22s %10s %10s %10s %12s\n' "server" "req/s" "p50" "p99" "cpu/request"
  for round in $(seq 1 "${BENCH_ROUNDS}"); do
    row "echo-service round ${round}" "${ECHO_ROUNDS[round - 1]}"
    row "nginx round ${round}" "${NGINX_ROUNDS[round - 1]}"
  done
  echo_best="$(printf '%s\n' "${ECHO_ROUNDS[@]}" | best)"
  nginx_best="$(printf '%s\n' "${NGINX_ROUNDS[@]}" | best)"
  row "echo-service best" "${echo_best}"
  row "nginx best" "${nginx_best}"
  echo_cpu="$(printf '%s\n' "${ECHO_ROUNDS[@]}" | least_cpu)"
  nginx_cpu="$(printf '%s\n' "${NGINX_ROUNDS[@]}" | least_cpu)"
  # p99 at BENCH_CONNECTIONS connections: the least of each server's rounds (wrk prints us, ms or s)
  awk -v e="${echo_best%% *}" -v n="${nginx_best%% *}" -v ec="${echo_cpu}" -v nc="${nginx_cpu}" \
    -v ep="$(printf '%s\n' "${ECHO_ROUNDS[@]}" | least_p99)" -v np="$(printf '%s\n' "${NGINX_ROUNDS[@]}" | least_p99)" \
    -v c="${BENCH_CONNECTIONS}" '
    function us(t) { if (t ~ /us$/) return t + 0; if (t ~ /ms$/) return t * 1000; return t * 1e6 }
    function verdict(ok) { return ok ? "met" : "NOT met" }
    BEGIN {
      printf "echo/nginx req/s (best rounds): %.2f (target >= 0.75: %s)\n", e / n, verdict(e / n >= 0.75)
      printf "nginx/echo CPU per request (least of the rounds: %.2f us / %.2f us): %.2f (target >= 0.75: %s)\n",
        nc, ec, nc / ec, verdict(nc / ec >= 0.75)
      printf "echo/nginx p99 at %d connections (least of the rounds: %s / %s): %.2f (target <= 2.00: %s)\n\n",
        c, ep, np, us(ep) / us(np), verdict(us(ep) / us(np) <= 2)
    }'
}

# measure_start NAME JAR [NAME=VALUE...]: one startup; sets LAST_READY_MS and LAST_RSS_MB and leaves the
# process running (LAST_PID, LAST_PORT) for the caller to use and stop
measure_start() {
  local name="$1" jar="$2" start
  shift 2
  LAST_PORT="$(free_port)"
  start="$(now_ms)"
  start_jvm "${name}" "${jar}" "${LAST_PORT}" "$@"
  wait_ready "${LAST_PORT}" "${LAST_PID}" "${name}"
  LAST_READY_MS=$(( $(now_ms) - start ))
  sleep "${BENCH_IDLE_SECONDS}"
  LAST_RSS_MB="$(rss_mb "${LAST_PID}")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# report_line NAME "READY_MS..." "RSS_MB...": the medians, then every run; each JVM's medians are kept in
# MEDIANS ("NAME READY_MS RSS_MB" lines) for hello_world_figures
report_line() {
  local name="$1" ready="$2" rss="$3" ready_median rss_median
  ready_median="$(tr ' ' '\n' <<<"${ready}" | median)"
  rss_median="$(tr ' ' '\n' <<<"${rss}" | median)"
  printf '%-24s %12s %12s   (runs: ready %s ms; rss %s MB)\n' "${name}" "${ready_median}" "${rss_median}" \
    "${ready}" "${rss}"
  [[ "${name}" == *"(sum)"* ]] || MEDIANS+="${name// /_} ${ready_median} ${rss_median}"$'\n'
}

# hello_world_figures: a JVM hello-world's start (fork to exit, median of BENCH_STARTUP_RUNS) on the same core with
# the same JVM options, and each service's start to ready as a multiple of it; the idle RSS per JVM against 80 MB
hello_world_figures() {
  local run start times="" hello
  mkdir -p "${WORK_DIR}/hello"
  printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' \
    >"${WORK_DIR}/hello/Hello.java"
  javac -d "${WORK_DIR}/hello" "${WORK_DIR}/hello/Hello.java"
  for run in $(seq 1 "${BENCH_STARTUP_RUNS}"); do
    start="$(now_ms)"
    env JAVA_TOOL_OPTIONS="$(jvm_options)" taskset -c "${BENCH_SERVER_CPU}" java -cp "${WORK_DIR}/hello" Hello \
      >/dev/null 2>&1 || die "the hello-world did not run: java -cp ${WORK_DIR}/hello Hello"
    times+="$(( $(now_ms) - start )) "
  done
  hello="$(tr ' ' '\n' <<<"${times% }" | median)"
  log "a JVM hello-world on core ${BENCH_SERVER_CPU} with the same options, fork to exit: ${hello} ms (runs: ${times% } ms)"
  awk -v hello="${hello}" '
    NF == 3 {
      name = $1; gsub(/_/, " ", name)
      printf "%-24s ready / hello-world %6.1f (target <= 3: %s)   idle RSS %6.1f MB (target <= 80: %s)\n",
        name, $2 / hello, ($2 / hello <= 3 ? "met" : "NOT met"), $3, ($3 <= 80 ? "met" : "NOT met")
    }' <<<"${MEDIANS}"
}

startup_and_memory() {
  local run ready rss sidecar_port
  log "startup to ready and idle RSS, ${BENCH_STARTUP_RUNS} runs each, JAVA_TOOL_OPTIONS=$(jvm_options)" \
    "(sidecar-demo: $(jvm_options "${SMALL_JVM_ENV_FILE}"))"
  printf '%-24s %12s %12s\n' "service" "ready (ms)" "RSS (MB)"

  ready="" rss=""
  for run in $(seq 1 "${BENCH_STARTUP_RUNS}"); do
    measure_start "echo-service-${run}" "${ECHO_JAR}" NETPATHS_ECHO_UDP_PORT=0
    ready+="${LAST_READY_MS} " rss+="${LAST_RSS_MB} "
    stop_process "${LAST_PID}"
  done
  report_line echo-service "${ready% }" "${rss% }"

  if [[ -f "${CALLER_JAR}" ]]; then
    ready="" rss=""
    for run in $(seq 1 "${BENCH_STARTUP_RUNS}"); do
      measure_start "caller-service-${run}" "${CALLER_JAR}"
      ready+="${LAST_READY_MS} " rss+="${LAST_RSS_MB} "
      stop_process "${LAST_PID}"
    done
    report_line caller-service "${ready% }" "${rss% }"
  else
    printf '%-24s skipped: %s is missing (make build)\n' caller-service "${CALLER_JAR#"${REPO_ROOT}"/}"
  fi

  if [[ -f "${SIDECAR_JAR}" ]]; then
    # The sidecar alone, then the app next to it: the app is ready only once its sidecar answers. Both with
    # the pod's small JVM options. The pod line sums the two VmRSS (pages they share counted twice; the lab
    # prints the pod's resident pages counted once).
    local sidecar_ready="" sidecar_rss="" app_ready="" app_rss="" pod_rss="" sidecar_pid sidecar_rss_mb small
    small="$(jvm_options "${SMALL_JVM_ENV_FILE}")"
    for run in $(seq 1 "${BENCH_STARTUP_RUNS}"); do
      measure_start "sidecar-${run}" "${SIDECAR_JAR}" JAVA_TOOL_OPTIONS="${small}" NETPATHS_SIDECAR_ROLE=sidecar
      sidecar_ready+="${LAST_READY_MS} " sidecar_rss+="${LAST_RSS_MB} "
      sidecar_pid="${LAST_PID}" sidecar_port="${LAST_PORT}"
      measure_start "sidecar-app-${run}" "${SIDECAR_JAR}" JAVA_TOOL_OPTIONS="${small}" NETPATHS_SIDECAR_ROLE=app \
        NETPATHS_SIDECAR_URL="http://localhost:${sidecar_port}"
      app_ready+="${LAST_READY_MS} " app_rss+="${LAST_RSS_MB} "
      sidecar_rss_mb="$(rss_mb "${sidecar_pid}")"
      pod_rss+="$(awk -v a="${LAST_RSS_MB}" -v b="${sidecar_rss_mb}" 'BEGIN { printf "%.1f", a + b }') "
      stop_process "${LAST_PID}"
      stop_process "${sidecar_pid}"
    done
    report_line "sidecar-demo (sidecar)" "${sidecar_ready% }" "${sidecar_rss% }"
    report_line "sidecar-demo (app)" "${app_ready% }" "${app_rss% }"
    report_line "sidecar-demo pod (sum)" "${app_ready% }" "${pod_rss% }"
  else
    printf '%-24s skipped: %s is missing (make build)\n' sidecar-demo "${SIDECAR_JAR#"${REPO_ROOT}"/}"
  fi
  echo "targets: ready <= 1500 ms, RSS <= 128 MB"
  echo
  hello_world_figures
}

main() {
  case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  check_settings
  require_tools
  WORK_DIR="$(mktemp -d -t netpaths-bench.XXXXXX)"
  trap cleanup EXIT
  print_machine
  throughput
  startup_and_memory
}

main "$@"
