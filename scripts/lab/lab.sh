#!/usr/bin/env bash
# The lab: one Kubernetes cluster's data plane from network namespaces on this machine (no Docker), with the
# real CNI plugins, kube-proxy-shaped iptables, bird2, dnsmasq, nginx and the real services. See docs/lab/README.md.
# As root it uses the machine's network namespaces. As any other user it runs rootless: the whole lab (CLI, pods,
# bird, dnsmasq, nginx, the harness) lives in user, mount and network namespaces of its own, held open by one
# process between commands; nothing touches the machine's network. It needs unprivileged user namespaces
# (the CLI names the failed check and its fix) and no sudo, once the Debian packages are installed.
#
# Usage: scripts/lab/lab.sh run|up|down|status|matrix [extra lab CLI options]
#        scripts/lab/lab.sh exec POD|NODE|host -- CMD [ARGS...] | rules NODE [NS/SERVICE] | case GLOB... | trace CASE
#        scripts/lab/lab.sh get|apply|delete|scale|rollout|set|disruption ... (below)
#   run      build what is missing, then `up`, the conformance harness in the lab's host namespace, `down`
#            (LAB_KEEP=1 keeps the lab); exits with the harness's code (1 also when pods failed at up, or
#            the lab could not be built); reports in LAB_REPORTS
#   up       build what is missing, bring the lab up and wait until every pod is ready
#   down     remove everything the lab created (also after a crash or kill -9)
#   status   nodes, pods (with each one's network namespace), Services with endpoints, entry points
#   matrix   `run` once per CNI (flannel, calico, weave) and print one line per CNI
#   exec     run CMD in a pod (namespace/name, name or a unique start of one), a node or the host namespace
#            of the running lab; exits with CMD's code (2: no such pod or node, or no lab up)
#   rules    kube-proxy's rules on NODE with [packets:bytes] counters; with NS/SERVICE that Service's chains
#   case     the harness against the running lab for the cases or groups matching GLOB (reports in LAB_REPORTS;
#            also [--reports DIR] [--converge-seconds S]); exits with the harness's code
#   trace    CASE with tcpdump on each hop's interface, one row per connection start and interface (outer and
#            inner addresses, NAT since first seen); scripts/lab/trace.sh
# Change the running lab, in kubectl's words (docs/lab/live.md):
#   get pods|svc|endpointslices [-n NS|-A] [-o wide]
#   apply -f FILE|DIR [-n NS] | -k DIR   Services, NetworkPolicies, Ingresses, HTTPRoutes, ReferenceGrants, a
#                                        Deployment's replicas; reconciled (endpoints, kube-proxy on every node,
#                                        policy, DNS, MetalLB, entry points); anything else refused, nothing changed
#   delete KIND NAME [-n NS] | -f FILE|DIR   those kinds removed the same way (a name that does not exist: refused)
#   delete pod NAME [-n NS]              its endpoint terminating, preStop/SIGTERM/grace, replaced
#   scale deployment/NAME --replicas=N   [-n NS]
#   rollout restart deployment/NAME      [-n NS] rolled per maxSurge/maxUnavailable, waits until done
#   set env deployment/NAME VAR=VALUE|VAR-  [-n NS] a new template, rolled as above; `--list` prints the variables
#   disruption [--no-drain]              `case rollingRestartLosesNoRequest` (--no-drain: its control,
#                                        `case rollingRestartWithoutDrainLosesRequests`): the harness's disruption
#                                        group, load on five paths while echo rolls, every request counted
#
# Settings:
#   LAB_CNI=${LAB_CNI:-flannel}            flannel | calico | weave
#   LAB_PROXY_MODE=${LAB_PROXY_MODE:-iptables}  kube-proxy's mode: iptables | nftables (docs/lab/proxy-modes.md;
#                                          no ipvs: this kernel has no ip_vs, use PROXY_MODE=ipvs on kind)
#   LAB_CALICO=${LAB_CALICO:-vxlan}        LAB_CNI=calico: vxlan (a VXLAN pool, as CALICO_ENCAP=vxlan) | bgp (bird,
#                                          plain routes, as CALICO_ENCAP=none)
#   LAB_NODES=${LAB_NODES:-3}              nodes per cluster, control plane included
#   LAB_CLUSTERS=${LAB_CLUSTERS:-1}        1, or 2 (a second cluster netpaths-b on the same node network)
#   LAB_PREFIX=${LAB_PREFIX:-np}           prefix of every namespace and interface (two labs need two prefixes)
#   LAB_STATE_DIR=${LAB_STATE_DIR:-}       default as root /run/netpaths-lab (np) or /run/netpaths-lab-<prefix>;
#                                          rootless ${XDG_STATE_HOME:-~/.local/state}/netpaths-lab[-<prefix>]
#   LAB_ROOTLESS=${LAB_ROOTLESS:-auto}     auto (rootless unless root) | yes | no (needs root)
#   LAB_REPORTS=${LAB_REPORTS:-}           where `run` and `case` write the harness reports (default reports/lab-<cni>, reports/lab-case)
#   LAB_KEEP=${LAB_KEEP:-0}                1: `run` keeps the lab after the harness
#   LAB_DISRUPTION=${LAB_DISRUPTION:-0}    1: `run` also runs `disruption` after the harness (reports in <reports>-disruption)
#                                          and fails on a lost request
#   LAB_SKIP_DEPS=${LAB_SKIP_DEPS:-0}      1: do not check the Debian packages
#   LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-180}  seconds (1-1800) `up`/`run` wait from the start until every pod is ready;
#                                          raise it on a loaded machine (the error names it)
#   MVN=${MVN:-<repo>/mvnw -B -ntp -q}      the Maven command that builds a missing jar (the wrapper by default)
#   HARNESS_JAR=${HARNESS_JAR:-<repo>/conformance/target/netpaths-conformance.jar}  the harness `run` and `case` run
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MVN="${MVN:-${REPO_ROOT}/mvnw -B -ntp -q}"
LAB_JAR="${REPO_ROOT}/lab/target/netpaths-lab.jar"
HARNESS_JAR="${HARNESS_JAR:-${REPO_ROOT}/conformance/target/netpaths-conformance.jar}"
# `up`'s exit code when the lab is up but pods failed (lab/.../cli/LabCli.java PODS_FAILED): `run` still probes it.
PODS_FAILED=3
CNIS=(flannel calico weave)
SHAPE=()
# Every setting this script and the lab CLI read: sudo's env_reset drops them unless they are named.
SUDO_KEEP=LAB_CNI,LAB_CALICO,LAB_PROXY_MODE,LAB_NODES,LAB_CLUSTERS,LAB_PREFIX,LAB_STATE_DIR,LAB_ROOTLESS,LAB_REPORTS,LAB_KEEP,LAB_DISRUPTION,LAB_SKIP_DEPS,LAB_READY_TIMEOUT,INGRESS,HARNESS_JAR

usage() { sed -n '/^set -o/q;2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# LAB_ROOTLESS=no keeps the lab in the machine's namespaces, which needs root. Otherwise the CLI decides and, for
# a rootless lab, checks that unprivileged user namespaces work (saying which check failed and how to fix it).
require_root() {
  if [[ "${LAB_ROOTLESS:-auto}" == no && ${EUID} -ne 0 ]]; then
    echo "lab: LAB_ROOTLESS=no: the lab uses the machine's namespaces and needs root: it creates network namespaces, veths, VXLAN devices and iptables rules" >&2
    echo "lab: run: sudo --preserve-env=${SUDO_KEEP} ${BASH_SOURCE[0]} $*" >&2
    echo "lab: or run it rootless: LAB_ROOTLESS=auto ${BASH_SOURCE[0]} $*" >&2
    exit 1
  fi
}

check_settings() {
  case "${LAB_CNI:-flannel}" in
    flannel|calico|weave) ;;
    *) echo "lab: LAB_CNI must be flannel, calico or weave, got '${LAB_CNI}'" >&2; exit 2 ;;
  esac
  case "${LAB_PROXY_MODE:-iptables}" in
    iptables|nftables) ;;
    ipvs) echo "lab: LAB_PROXY_MODE=ipvs: the lab does not model IPVS, the kernel it runs on has no ip_vs (docs/lab/proxy-modes.md); on kind: PROXY_MODE=ipvs make up" >&2; exit 2 ;;
    *) echo "lab: LAB_PROXY_MODE must be iptables or nftables, got '${LAB_PROXY_MODE}'" >&2; exit 2 ;;
  esac
  case "${LAB_CALICO:-vxlan}" in
    vxlan|bgp) ;;
    *) echo "lab: LAB_CALICO must be vxlan or bgp, got '${LAB_CALICO}'" >&2; exit 2 ;;
  esac
  [[ "${LAB_NODES:-3}" =~ ^[0-9]+$ ]] || { echo "lab: LAB_NODES must be a number, got '${LAB_NODES}'" >&2; exit 2; }
  [[ "${LAB_CLUSTERS:-1}" =~ ^[12]$ ]] || { echo "lab: LAB_CLUSTERS must be 1 or 2, got '${LAB_CLUSTERS}'" >&2; exit 2; }
  case "${LAB_ROOTLESS:-auto}" in
    auto|yes|no) ;;
    *) echo "lab: LAB_ROOTLESS must be auto, yes or no, got '${LAB_ROOTLESS}'" >&2; exit 2 ;;
  esac
}

# Installs missing Debian packages as root; any other user gets the exact sudo command instead.
ensure_deps() {
  [[ "${LAB_SKIP_DEPS:-0}" == 1 ]] && return 0
  "${REPO_ROOT}/scripts/install-deps.sh" --check >/dev/null || "${REPO_ROOT}/scripts/install-deps.sh"
}

# Builds what the command needs and is missing (never rebuilds what exists): the lab CLI always; the service
# jars for up/run/matrix; the harness for run/matrix.
ensure_jars() {
  local missing=()
  [[ -f "${LAB_JAR}" ]] || missing+=(lab)
  local module
  if [[ "$1" == up || "$1" == run || "$1" == matrix ]]; then
    for module in echo-service caller-service sidecar-demo; do
      [[ -f "${REPO_ROOT}/${module}/target/quarkus-app/quarkus-run.jar" ]] || missing+=("${module}")
    done
  fi
  if [[ "$1" == run || "$1" == matrix || "$1" == case ]] && [[ ! -f "${HARNESS_JAR}" ]]; then
    missing+=(conformance)
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    local list
    list="$(IFS=,; echo "${missing[*]}")"
    echo "lab: building ${list}"
    (cd "${REPO_ROOT}" && ${MVN} -pl "${list}" -am package -DskipTests)
  fi
}

# short_jvm JAR: sets JVM to the options of a short-lived JVM on JAR. Such a JVM spends most of its time starting
# (a workshop page runs dozens of lab verbs and harness cases): C1 only, the serial GC and a class-data archive of
# the jar's classes (JDK 13+ dynamic AppCDS, JAR with .jsa for .jar), made by the first such call and again when the
# jar is rebuilt, cut the CPU it takes by more than half (docs/workshop/README.md). The archive is written to
# JSA_NEW, which the caller moves into place after the JVM exits.
short_jvm() {
  local jsa="${1%.jar}.jsa"
  JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
  JSA_NEW=""
  if [[ -f "${jsa}" && "${jsa}" -nt "$1" ]]; then
    JVM+=(-XX:SharedArchiveFile="${jsa}")
  elif [[ -w "$(dirname "$1")" ]]; then
    JSA_NEW="${jsa}.$$"
    JVM+=(-XX:ArchiveClassesAtExit="${JSA_NEW}")
  fi
}

# keep_archive: the archive a short JVM wrote, into place (JVM dumps it at exit; none after a crash)
keep_archive() {
  if [[ -n "${JSA_NEW}" && -f "${JSA_NEW}" ]]; then mv -f "${JSA_NEW}" "${JSA_NEW%.*}"; fi
  JSA_NEW=""
}

# The state dir of a lab in the machine's own namespaces (the CLI's --state-dir default as root, see Settings).
root_state_dir() {
  if [[ -n "${LAB_STATE_DIR:-}" ]]; then
    realpath -m "${LAB_STATE_DIR}"
  elif [[ "${LAB_PREFIX:-np}" == np ]]; then
    echo /run/netpaths-lab
  else
    echo "/run/netpaths-lab-${LAB_PREFIX}"
  fi
}

# indexed_netns TARGET: prints TARGET's network namespace from the lab's exec index (lab/.../cli/ExecIndex.java),
# without a JVM (a workshop page runs dozens of execs, each JVM about a second of CPU): as root, for a lab in the
# machine's own namespaces, when the index names TARGET exactly and is newer than every file it was made from.
# Fails otherwise (a unique start of a name, a stale or missing index, a rootless lab): then the CLI resolves
# TARGET, says what is wrong if anything, and writes the index anew.
indexed_netns() {
  [[ ${EUID} -eq 0 && "${LAB_ROOTLESS:-auto}" != yes ]] || return 1
  local state index source
  state="$(root_state_dir)"
  index="${state}/exec-index"
  [[ -f "${index}" ]] || return 1
  for source in "${state}/journal" "${state}/lab.properties" "${state}"/*/cluster.yaml; do
    [[ ! -e "${source}" || "${index}" -nt "${source}" ]] || return 1
  done
  awk -v name="$1" '$1 == name {print $2; found = 1; exit} END {exit !found}' "${index}"
}

# exec_indexed TARGET -- CMD...: replaces this shell with CMD in TARGET's namespace when the index names it; returns
# otherwise (any other shape of arguments included: the CLI parses those)
exec_indexed() {
  local netns
  [[ $# -ge 3 && "$2" == -- && "$1" != -* ]] || return 0
  netns="$(indexed_netns "$1")" || return 0
  exec ip netns exec "${netns}" "${@:3}"
}

lab_cli() {
  local args=(--prefix "${LAB_PREFIX:-np}") rc=0 JVM=() JSA_NEW=""
  [[ -n "${LAB_STATE_DIR:-}" ]] && args+=(--state-dir "${LAB_STATE_DIR}")
  case "$1" in
    up|run) ;;
    *) short_jvm "${LAB_JAR}" ;;
  esac
  java "${JVM[@]}" -jar "${LAB_JAR}" "$1" "${args[@]}" "${@:2}" || rc=$?
  keep_archive
  return "${rc}"
}

# The options that shape a lab, from the settings.
shape_args() {
  SHAPE=(--cni "${LAB_CNI:-flannel}" --nodes "${LAB_NODES:-3}" --clusters "${LAB_CLUSTERS:-1}" --repo "${REPO_ROOT}")
}

# Fails before anything is built when the harness could not write its reports (the nearest existing parent decides).
require_writable() {
  local dir="$1"
  while [[ ! -e "${dir}" && "${dir}" != / ]]; do dir="$(dirname "${dir}")"; done
  [[ -w "${dir}" ]] && return 0
  echo "lab: the harness could not write its reports to $1 (${dir} is not writable by this user): set LAB_REPORTS to a directory you can write" >&2
  exit 1
}

# The harness in the lab's host namespace (kind's Docker host), on the lab's state: harness REPORTS [OPTION...].
# Its exit code is the caller's; 2 when no lab is up. --lab-cli is this script: the disruption group rolls echo with
# its `set env` and `rollout restart` (the harness reaches the lab only through its state and this CLI).
# HARNESS_SHORT=1 (`case`): the harness runs as a short JVM (short_jvm); a whole `run` keeps the JVM's defaults.
harness() {
  local reports="$1" state rc=0 JVM=() JSA_NEW=""
  shift
  # into the host namespace from the exec index when it names it, else through the CLI
  local host_ns enter=()
  if host_ns="$(indexed_netns host)"; then
    state="$(root_state_dir)"
    enter=(ip netns exec "${host_ns}")
  else
    state="$(lab_cli state-dir)" || return 2
    enter=(lab_cli exec host --)
  fi
  echo "lab: harness (in the lab's host namespace): java -jar ${HARNESS_JAR} --lab-state ${state} --reports ${reports}${*:+ $*}"
  [[ "${HARNESS_SHORT:-0}" == 1 ]] && short_jvm "${HARNESS_JAR}"
  "${enter[@]}" java "${JVM[@]}" -jar "${HARNESS_JAR}" --lab-state "${state}" --reports "${reports}" \
    --lab-cli "${REPO_ROOT}/scripts/lab/lab.sh" "$@" || rc=$?
  keep_archive
  return "${rc}"
}

# Where `run` writes its reports: LAB_REPORTS, else reports/lab-<cni>.
run_reports() { realpath -m "${LAB_REPORTS:-${REPO_ROOT}/reports/lab-${LAB_CNI:-flannel}}"; }

# run: up, the harness, down. The lab comes down whatever happened (unless LAB_KEEP=1), also on Ctrl-C.
run_lab() {
  local reports rc=0 up_rc=0 d_rc=0
  reports="$(run_reports)"
  RUN_STEPS=()
  step_mark
  [[ "${LAB_KEEP:-0}" == 1 ]] || trap 'lab_cli down; exit 130' INT TERM
  lab_cli up "${SHAPE[@]}" "$@" || up_rc=$?
  step_done "up (its phases in the table above)"
  if [[ ${up_rc} -eq 0 || ${up_rc} -eq ${PODS_FAILED} ]]; then
    # pods that failed stay failed, as on a cluster (cluster.yaml carries their status): the harness still runs
    # and reports the paths they break, and the run fails whatever the harness says
    harness "${reports}" || rc=$?
    step_done "harness (JVM start to exit)"
    if [[ "${LAB_DISRUPTION:-0}" == 1 ]]; then
      harness "${reports}-disruption" --case rollingRestartLosesNoRequest || d_rc=$?
      [[ ${d_rc} -le ${rc} ]] || rc=${d_rc}
      step_done "disruption"
    fi
    if [[ ${up_rc} -ne 0 ]]; then
      echo "lab: run FAILED: pods failed at up (see \`lab: pods failed\` above)"
      [[ ${rc} -ne 0 ]] || rc=1
    fi
  else
    rc=1
  fi
  if [[ "${LAB_KEEP:-0}" != 1 ]]; then
    trap - INT TERM
    lab_cli down || echo "lab: down failed: run LAB_PREFIX=${LAB_PREFIX:-np} ${BASH_SOURCE[0]} down" >&2
    step_done "down"
  fi
  print_steps
  return "${rc}"
}

# Where a run's time went, step by step (wall clock; benchmarks read this table, nothing asserts it).
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
step_mark() { STEP_START="$(now_ms)"; RUN_START="${STEP_START}"; }
step_done() {
  local now
  now="$(now_ms)"
  RUN_STEPS+=("$1|$(( now - STEP_START ))")
  STEP_START="${now}"
}
print_steps() {
  local step
  echo
  echo "TIMING of run (wall clock of each step)"
  printf '  %-40s %8s\n' phase seconds
  for step in "${RUN_STEPS[@]}"; do
    printf '  %-40s %8.1f\n' "${step%|*}" "$(awk -v ms="${step##*|}" 'BEGIN { print ms / 1000 }')"
  done
  printf '  %-40s %8.1f\n' total "$(awk -v ms="$(( $(now_ms) - RUN_START ))" 'BEGIN { print ms / 1000 }')"
}

# case [--reports DIR] [--converge-seconds S] GLOB...: the harness's --case per GLOB, against the running lab.
case_lab() {
  local reports="${LAB_REPORTS:-${REPO_ROOT}/reports/lab-case}" args=() globs=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --reports) [[ $# -ge 2 ]] || { echo "lab: case: --reports needs a directory" >&2; return 2; }
        reports="$2"; shift 2 ;;
      --reports=*) reports="${1#*=}"; shift ;;
      --converge-seconds) [[ $# -ge 2 ]] || { echo "lab: case: --converge-seconds needs a number" >&2; return 2; }
        args+=(--converge-seconds "$2"); shift 2 ;;
      --converge-seconds=*) args+=("$1"); shift ;;
      -*) echo "lab: case: unknown option '$1' (case [--reports DIR] [--converge-seconds S] GLOB...)" >&2; return 2 ;;
      *) args+=(--case "$1"); globs=$((globs + 1)); shift ;;
    esac
  done
  [[ ${globs} -gt 0 ]] || { echo "lab: case: name a case or group (see: java -jar ${HARNESS_JAR} --list)" >&2; return 2; }
  reports="$(realpath -m "${reports}")"
  ensure_jars case
  HARNESS_SHORT=1 harness "${reports}" "${args[@]}"
}

# disruption [--no-drain] [case options]: the harness's disruption case (or its control) against the running lab.
disruption() {
  local name=rollingRestartLosesNoRequest args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-drain) name=rollingRestartWithoutDrainLosesRequests ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  case_lab "${args[@]}" "${name}"
}

matrix() {
  local cni rc results=() failed=0
  for cni in "${CNIS[@]}"; do
    echo "==> lab run with ${cni}"
    rc=0
    LAB_CNI="${cni}" shape_args
    (export LAB_CNI="${cni}"; unset LAB_REPORTS; require_writable "$(run_reports)"; run_lab "$@") || rc=$?
    results+=("${cni}: exit ${rc} (reports/lab-${cni})")
    [[ ${rc} -eq 0 ]] || failed=1
  done
  printf '\n==> matrix\n'
  printf '  %s\n' "${results[@]}"
  return "${failed}"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "${cmd}" in
    -h|--help|help) usage; return 0 ;;
    run|up|down|status|matrix|exec|rules|case|trace|get|apply|delete|scale|rollout|set|disruption) ;;
    "") usage >&2; return 2 ;;
    *) echo "lab: unknown command '${cmd}'" >&2; usage >&2; return 2 ;;
  esac
  check_settings
  require_root "${cmd}" "$@"
  case "${cmd}" in
    down|status|exec|rules|get|apply|delete|scale|rollout|set)
      [[ "${cmd}" == exec ]] && exec_indexed "$@"
      ensure_jars "${cmd}"
      lab_cli "${cmd}" "$@" ;;
    case)
      case_lab "$@" ;;
    disruption)
      disruption "$@" ;;
    trace)
      ensure_jars case
      "${REPO_ROOT}/scripts/lab/trace.sh" "$@" ;;
    up)
      ensure_deps; ensure_jars up; shape_args
      lab_cli up "${SHAPE[@]}" "$@" ;;
    run)
      require_writable "$(run_reports)"
      ensure_deps; ensure_jars run; shape_args
      run_lab "$@" ;;
    matrix)
      ensure_deps; ensure_jars matrix
      matrix "$@" ;;
  esac
}

main "$@"
