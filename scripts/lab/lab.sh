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
#        scripts/lab/lab.sh get|delete|scale|rollout|disruption ... (below)
#   run      build what is missing, bring the lab up, run the conformance harness in it, tear it down
#            (LAB_KEEP=1 keeps it); exits with the harness's code
#   up       build what is missing, bring the lab up and wait until every pod is ready
#   down     remove everything the lab created (also after a crash or kill -9)
#   status   nodes, pods (with each one's network namespace), Services with endpoints, entry points
#   matrix   `run` once per CNI (flannel, calico, weave) and print one line per CNI
#   exec     run CMD in a pod (namespace/name, name or a unique start of one), a node or the host namespace
#            of the running lab; exits with CMD's code (2: no such pod or node, or no lab up)
#   rules    kube-proxy's rules on NODE with [packets:bytes] counters; with NS/SERVICE that Service's chains
#   case     the harness against the running lab for the cases or groups matching GLOB (reports in LAB_REPORTS)
#   trace    CASE with tcpdump on each hop's interface, one row per connection start and interface (outer and
#            inner addresses, NAT since first seen); scripts/lab/trace.sh
# Change the running lab, in kubectl's words (docs/lab/live.md):
#   get pods|svc|endpointslices [-n NS|-A] [-o wide]
#   delete pod NAME [-n NS]              its endpoint terminating, preStop/SIGTERM/grace, replaced
#   scale deployment/NAME --replicas=N   [-n NS]
#   rollout restart deployment/NAME      [-n NS] rolled per maxSurge/maxUnavailable, waits until done
#   disruption [--no-drain]              load on five paths while echo rolls; every request counted
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
#   LAB_DISRUPTION=${LAB_DISRUPTION:-0}    1: `run` also runs `disruption` after the harness and fails on a lost request
#   LAB_SKIP_DEPS=${LAB_SKIP_DEPS:-0}      1: do not check the Debian packages
#   MVN=${MVN:-<repo>/mvnw -B -ntp -q}      the Maven command that builds a missing jar (the wrapper by default)
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MVN="${MVN:-${REPO_ROOT}/mvnw -B -ntp -q}"
LAB_JAR="${REPO_ROOT}/lab/target/netpaths-lab.jar"
CNIS=(flannel calico weave)
SHAPE=()
# Every setting this script and the lab CLI read: sudo's env_reset drops them unless they are named.
SUDO_KEEP=LAB_CNI,LAB_CALICO,LAB_PROXY_MODE,LAB_NODES,LAB_CLUSTERS,LAB_PREFIX,LAB_STATE_DIR,LAB_ROOTLESS,LAB_REPORTS,LAB_KEEP,LAB_DISRUPTION,LAB_SKIP_DEPS,INGRESS

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
  if [[ "$1" == run || "$1" == matrix || "$1" == case ]] && [[ ! -f "${REPO_ROOT}/conformance/target/netpaths-conformance.jar" ]]; then
    missing+=(conformance)
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    local list
    list="$(IFS=,; echo "${missing[*]}")"
    echo "lab: building ${list}"
    (cd "${REPO_ROOT}" && ${MVN} -pl "${list}" -am package -DskipTests)
  fi
}

lab_cli() {
  local args=(--prefix "${LAB_PREFIX:-np}") jvm=() jsa="${LAB_JAR%.jar}.jsa" rc=0
  [[ -n "${LAB_STATE_DIR:-}" ]] && args+=(--state-dir "${LAB_STATE_DIR}")
  case "$1" in
    up|run) ;;
    *)
      # A short verb spends most of its time starting the JVM (a workshop page runs dozens): C1 only, the serial
      # GC and a class-data archive of the jar's classes (JDK 13+ dynamic AppCDS), made by the first such call and
      # again when the jar is rebuilt, cut the CPU it takes by more than half (docs/workshop/README.md).
      jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
      if [[ -f "${jsa}" && "${jsa}" -nt "${LAB_JAR}" ]]; then
        jvm+=(-XX:SharedArchiveFile="${jsa}")
      elif [[ -w "$(dirname "${LAB_JAR}")" ]]; then
        jvm+=(-XX:ArchiveClassesAtExit="${jsa}.$$")
      fi ;;
  esac
  java "${jvm[@]}" -jar "${LAB_JAR}" "$1" "${args[@]}" "${@:2}" || rc=$?
  if [[ -f "${jsa}.$$" ]]; then mv -f "${jsa}.$$" "${jsa}"; fi
  return "${rc}"
}

# The options that shape a lab, from the settings.
shape_args() {
  SHAPE=(--cni "${LAB_CNI:-flannel}" --nodes "${LAB_NODES:-3}" --clusters "${LAB_CLUSTERS:-1}" --repo "${REPO_ROOT}")
}

matrix() {
  local cni rc results=() failed=0
  for cni in "${CNIS[@]}"; do
    echo "==> lab run with ${cni}"
    rc=0
    LAB_CNI="${cni}" shape_args
    lab_cli run "${SHAPE[@]}" "$@" || rc=$?
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
    run|up|down|status|matrix|exec|rules|case|trace|get|delete|scale|rollout|disruption) ;;
    "") usage >&2; return 2 ;;
    *) echo "lab: unknown command '${cmd}'" >&2; usage >&2; return 2 ;;
  esac
  check_settings
  require_root "${cmd}" "$@"
  case "${cmd}" in
    down|status|exec|rules|case|get|delete|scale|rollout|disruption)
      ensure_jars "${cmd}"
      lab_cli "${cmd}" "$@" ;;
    trace)
      ensure_jars case
      "${REPO_ROOT}/scripts/lab/trace.sh" "$@" ;;
    up)
      ensure_deps; ensure_jars up; shape_args
      lab_cli up "${SHAPE[@]}" "$@" ;;
    run)
      ensure_deps; ensure_jars run; shape_args
      [[ "${LAB_KEEP:-0}" == 1 ]] && SHAPE+=(--keep)
      [[ "${LAB_DISRUPTION:-0}" == 1 ]] && SHAPE+=(--disruption)
      lab_cli run "${SHAPE[@]}" "$@" ;;
    matrix)
      ensure_deps; ensure_jars matrix
      matrix "$@" ;;
  esac
}

main "$@"
