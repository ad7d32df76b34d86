#!/usr/bin/env bash
# `make test-breaks`: every case family shown able to fail. Brings ONE lab up (flannel, 3 nodes), then for each
# break in scripts/test/breaks.tsv: breaks one thing in the running lab through `lab.sh exec` (a kube-proxy rule,
# a pod route, a resolv.conf search line, an nginx route + HUP, ...), runs that family's named cases with
# `lab.sh case`, asserts they FAIL (not skip) with the expected likely cause, and restores it. A last harness run
# over every broken family, whole, shows they all pass again. The list of breaks is in
# conformance/README.md ("Break-it suite").
#
# Usage: scripts/test/breaks.sh [ID...]     (default: every break in the list)
#
# Settings:
#   LAB_PREFIX=${LAB_PREFIX:-brk}           the lab's prefix (a lab of its own: another prefix than `make lab`'s)
#   LAB_STATE_DIR=${LAB_STATE_DIR:-}        default: a fresh directory under /tmp, removed at the end
#   LAB_REPORTS=${LAB_REPORTS:-reports/breaks}  one report directory per break, plus restored/
#   BREAKS_CONVERGE_SECONDS=5               the harness's wait for external paths (a broken one costs this long)
#   BREAKS_KEEP=0                           1: keep the lab up afterwards (then `scripts/lab/lab.sh down`)
#   BREAKS_UP=1                             0: use the lab already up with LAB_PREFIX and LAB_STATE_DIR (kept up)
# Exit status: 0 when every break failed its cases as listed (an xfail break may pass: it is reported), else 1.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
LIST="${REPO_ROOT}/scripts/test/breaks.tsv"
WORK=""
FAILURES=()
XPASS=()
FAMILIES=()

log() { printf 'breaks: %s\n' "$*"; }

lab() { "${LAB}" "$@"; }

# ---- what the lab has (from `lab.sh status`, read once after up) ------------------------------------------------
status_text() {
  [[ -s "${WORK}/status" ]] || lab status >"${WORK}/status"
  cat "${WORK}/status"
}

# x NAME CMD...: CMD in pod/node/host NAME. As root straight into the network namespace `status` names (a JVM per
# command would cost most of the suite's time); otherwise through `lab.sh exec`, which enters a rootless lab.
x() {
  local name="$1" ns
  shift
  [[ "$1" == -- ]] && shift
  if [[ ${EUID} -eq 0 ]]; then
    if [[ "${name}" == host ]]; then
      ns="${LAB_PREFIX}-host"
    else
      ns="$(status_text | awk -v n="${name}" '$1 == n {print $NF}')"
    fi
    [[ -n "${ns}" ]] || { log "no pod or node ${name} in the lab's status"; return 1; }
    ip netns exec "${ns}" "$@"
  else
    lab exec "${name}" -- "$@"
  fi
}

# The pods whose namespace/name starts with $1 (e.g. netpaths/caller-).
pods() { status_text | awk -v p="$1" '$1 ~ "^"p {print $1}'; }

# Every node name of cluster netpaths.
nodes() { status_text | awk '/^NODES/ {on=1; next} /^PODS/ {on=0} on && $1 ~ /^netpaths-/ {print $1}'; }

# The ClusterIP of Service $1 (namespace/name).
cluster_ip() { status_text | awk -v s="$1" '$1 == s {print $3}'; }

# The LoadBalancer IP of Service $1 (namespace/name).
lb_ip() { status_text | awk -v s="$1" '$1 == s {print $5}'; }

# The pod CIDR of cluster netpaths (the nodes' /24s live in it).
CLUSTER_CIDR="10.244.0.0/16"

# ---- kube-proxy's nat table on a node: saved once, edited with sed, restored as saved ----------------------------
nat_edit() {
  local node="$1" sed_script="$2" saved="${WORK}/nat-$1"
  [[ -f "${saved}" ]] || x "${node}" -- iptables-save -t nat >"${saved}"
  sed -e "${sed_script}" "${saved}" | x "${node}" -- iptables-restore -T nat
}

nat_restore() {
  local node="$1" saved="${WORK}/nat-$1"
  x "${node}" -- iptables-restore -T nat <"${saved}"
  rm -f "${saved}"
}

# icmp_unlimited NODE / icmp_limited NODE: the node's ICMP error rate limit (1 per s per peer by default) off while
# a break answers with ICMP errors, so each try fails at once instead of mostly by timeout.
icmp_unlimited() {
  [[ -f "${WORK}/icmp-$1" ]] || x "$1" sysctl -n net.ipv4.icmp_ratelimit >"${WORK}/icmp-$1"
  x "$1" sysctl -qw net.ipv4.icmp_ratelimit=0
}
icmp_limited() {
  x "$1" sysctl -qw net.ipv4.icmp_ratelimit="$(cat "${WORK}/icmp-$1")"
  rm -f "${WORK}/icmp-$1"
}

# ---- the breaks: break_<id> does it, restore_<id> undoes it ----------------------------------------------------
# The sidecar's port reachable from other pods, as binding 0.0.0.0 instead of 127.0.0.1 would make it.
break_sidecar-bind() {
  local p
  for p in $(pods netpaths/sidecar-demo-); do
    x "${p}" -- sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1
    x "${p}" -- iptables -t nat -I PREROUTING -i eth0 -p tcp --dport 9090 -j DNAT --to-destination 127.0.0.1:9090
  done
}
restore_sidecar-bind() {
  local p
  for p in $(pods netpaths/sidecar-demo-); do
    x "${p}" -- iptables -t nat -D PREROUTING -i eth0 -p tcp --dport 9090 -j DNAT --to-destination 127.0.0.1:9090
    x "${p}" -- sysctl -qw net.ipv4.conf.all.route_localnet=0 net.ipv4.conf.eth0.route_localnet=0
  done
}

# Flannel's routes to the other nodes' pod subnets (via flannel.1) replaced by unreachable ones on every node, as
# when flanneld has not programmed a node's lease: pods on other nodes are unreachable (an ICMP error at once; a
# removed VXLAN FDB entry breaks the same path but only by timeouts, 90 s per path, too slow for this suite).
break_pod-routes() {
  local n cidr
  for n in $(nodes); do
    icmp_unlimited "${n}"
    x "${n}" ip route show dev flannel.1 | awk '{print $1}' >"${WORK}/routes-${n}"
    while read -r cidr; do x "${n}" ip route replace unreachable "${cidr}"; done <"${WORK}/routes-${n}"
  done
}
restore_pod-routes() {
  local n cidr
  for n in $(nodes); do
    while read -r cidr; do x "${n}" ip route replace "${cidr}" via "${cidr%/*}" dev flannel.1 onlink; done <"${WORK}/routes-${n}"
    icmp_limited "${n}"
  done
}

# kube-proxy's rules for both echo ClusterIPs as it writes them for a Service without ready endpoints (a selector or
# targetPort that matches no pod): no KUBE-SERVICES jump in nat, a REJECT in filter.
break_clusterip-rule() {
  local n svc cip
  for n in $(nodes); do
    icmp_unlimited "${n}"
    nat_edit "${n}" '/^-A KUBE-SERVICES .*"netpaths\(-other\)\{0,1\}\/echo:http cluster IP"/d'
    for svc in netpaths/echo netpaths-other/echo; do
      cip="$(cluster_ip "${svc}")"
      x "${n}" iptables -I KUBE-SERVICES -d "${cip}/32" -p tcp -m comment --comment "${svc}:http has no endpoints" \
        -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable
    done
  done
}
restore_clusterip-rule() {
  local n svc cip
  for n in $(nodes); do
    nat_restore "${n}"
    icmp_limited "${n}"
    for svc in netpaths/echo netpaths-other/echo; do
      cip="$(cluster_ip "${svc}")"
      x "${n}" iptables -D KUBE-SERVICES -d "${cip}/32" -p tcp -m comment --comment "${svc}:http has no endpoints" \
        -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable
    done
  done
}

# The bridge no longer sends a packet back out the port it came in on: a pod cannot reach itself via its Service.
break_hairpin() {
  local n port
  for n in $(nodes); do
    x "${n}" -- bridge -d link show | awk '/^[0-9]+:/ {port = $2} /hairpin on/ {print port}' | tr -d ':' | cut -d@ -f1 >"${WORK}/hairpin-${n}"
    while read -r port; do x "${n}" bridge link set dev "${port}" hairpin off; done <"${WORK}/hairpin-${n}"
  done
}
restore_hairpin() {
  local n port
  for n in $(nodes); do
    while read -r port; do x "${n}" bridge link set dev "${port}" hairpin on; done <"${WORK}/hairpin-${n}"
  done
}

# The search line removed from every caller's resolv.conf (written in place: each pod sees it through a bind mount).
break_dns-search() {
  local p i=0
  for p in $(pods netpaths/caller-); do
    i=$((i + 1))
    x "${p}" -- cat /etc/resolv.conf >"${WORK}/resolv-${i}"
    grep -v '^search' "${WORK}/resolv-${i}" | x "${p}" -- sh -c 'cat > /etc/resolv.conf'
  done
}
restore_dns-search() {
  local p i=0
  for p in $(pods netpaths/caller-); do
    i=$((i + 1))
    x "${p}" -- sh -c 'cat > /etc/resolv.conf' <"${WORK}/resolv-${i}"
  done
}

# Cluster DNS unreachable from every caller (its queries dropped): a dead DNS must not pass as NXDOMAIN.
break_dns-down() {
  local p proto
  for p in $(pods netpaths/caller-); do
    for proto in udp tcp; do
      x "${p}" -- iptables -I OUTPUT -p "${proto}" --dport 53 -j DROP
    done
  done
}
restore_dns-down() {
  local p proto
  for p in $(pods netpaths/caller-); do
    for proto in udp tcp; do
      x "${p}" -- iptables -D OUTPUT -p "${proto}" --dport 53 -j DROP
    done
  done
}

# The UDP port's endpoints DNATed to 5006, as a wrong Service targetPort renders them.
break_udp-target-port() {
  local n
  for n in $(nodes); do
    nat_edit "${n}" '/"netpaths\/echo:udp".*-j DNAT/s/:5005$/:5006/'
  done
}
restore_udp-target-port() { local n; for n in $(nodes); do nat_restore "${n}"; done; }

# kube-proxy's KUBE-NODEPORTS entry for echo-nodeport's TCP port removed on every node.
break_nodeport-rule() {
  local n
  for n in $(nodes); do
    nat_edit "${n}" '/^-A KUBE-NODEPORTS -p tcp .*"netpaths\/echo-nodeport:/d'
  done
}
restore_nodeport-rule() { local n; for n in $(nodes); do nat_restore "${n}"; done; }

# A policy-shaped rule in netpaths-other's echo pods that rejects every pod: allowed pairs are now blocked.
break_policy-blocks-allowed() {
  local p
  for p in $(pods netpaths-other/echo-); do
    [[ "${p}" == netpaths-other/echo-restricted* ]] && continue
    x "${p}" -- iptables -I INPUT -p tcp --dport 8080 -s "${CLUSTER_CIDR}" -j REJECT --reject-with tcp-reset
  done
}
restore_policy-blocks-allowed() {
  local p
  for p in $(pods netpaths-other/echo-); do
    [[ "${p}" == netpaths-other/echo-restricted* ]] && continue
    x "${p}" -- iptables -D INPUT -p tcp --dport 8080 -s "${CLUSTER_CIDR}" -j REJECT --reject-with tcp-reset
  done
}

# MetalLB L2: the elected node stops answering ARP for echo-lb's VIP, and the host forgets the MAC it learnt.
break_metallb-announce() {
  local n vip
  vip="$(lb_ip netpaths/echo-lb)"
  : >"${WORK}/announcer"
  for n in $(nodes); do
    if x "${n}" -- ip neigh show proxy | grep -qw "${vip}"; then
      x "${n}" -- ip neigh del proxy "${vip}" dev eth0
      echo "${n}" >>"${WORK}/announcer"
    fi
  done
  [[ -s "${WORK}/announcer" ]] || { log "no node announces ${vip}"; return 1; }
  x host -- ip neigh flush to "${vip}"
}
restore_metallb-announce() {
  local n vip
  vip="$(lb_ip netpaths/echo-lb)"
  while read -r n; do
    x "${n}" -- ip neigh replace proxy "${vip}" dev eth0
  done <"${WORK}/announcer"
}

# ---- the entry points' nginx (the stand-ins for ingress-nginx, Envoy Gateway, Istio's gateway) ----------------------
# nginx_edit ADDON SED: edits that stand-in's config as its controller would render a changed object, then HUP.
nginx_edit() {
  local conf="${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.conf"
  cp "${conf}" "${WORK}/nginx-$1"
  sed -i -e "$2" "${conf}"
  ! cmp -s "${conf}" "${WORK}/nginx-$1" || { log "the edit changed nothing in ${conf}"; return 1; }
  nginx_reload "$1"
}

nginx_restore() {
  cp "${WORK}/nginx-$1" "${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.conf"
  nginx_reload "$1"
}

# HUP to the lab's own nginx (its PID file), then a moment for the new workers to take over
nginx_reload() {
  x host -- kill -HUP "$(cat "${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.pid")"
  sleep 1
}

# The Ingress's v1 paths sent to echo-v2, as a wrong backend Service in the Ingress would.
break_ingress-backend() { nginx_edit ingress_nginx 's/set $np_target "np.netpaths.echo.8080";/set $np_target "np.netpaths.echo-v2.8080";/'; }
restore_ingress-backend() { nginx_restore ingress_nginx; }

# The HTTPRoute's v1 backendRef pointing at echo-v2.
break_httproute-backend() { nginx_edit envoy_gateway 's/set $np_target "np.netpaths.echo.8080";/set $np_target "np.netpaths.echo-v2.8080";/'; }
restore_httproute-backend() { nginx_restore envoy_gateway; }

# No ReferenceGrant for /other: the cross-namespace backendRef is refused (500), as for /other-denied.
break_referencegrant() { nginx_edit envoy_gateway 's/set $np_target "np.netpaths-other.echo.8080";/return 500;/'; }
restore_referencegrant() { nginx_restore envoy_gateway; }

# The VirtualService's v2 route sent to v1.
break_virtualservice-backend() { nginx_edit istio_gateway 's/set $np_target "np.netpaths.echo-v2.8080";/set $np_target "np.netpaths.echo.8080";/'; }
restore_virtualservice-backend() { nginx_restore istio_gateway; }

# ---- the run ----------------------------------------------------------------------------------------------------
# report_check DIR CASES CAUSE: every named case has a FAILED path whose reason matches CAUSE, and no skipped one.
report_check() {
  local dir="$1" cases="$2" cause="$3" c bad=0 failed skipped
  local json="${dir}/report.json"
  if [[ ! -f "${json}" ]]; then
    log "  no ${json}: the harness wrote no report"
    return 1
  fi
  for c in ${cases//,/ }; do
    failed=$(jq -r --arg c "${c}" --arg re "${cause}" \
      '[.. | objects | select(has("caseName") and has("result")) | select(.caseName == $c and .result == "FAILED" and ((.reason // "") | test($re)))] | length' "${json}")
    skipped=$(jq -r --arg c "${c}" '[.. | objects | select(has("caseName") and has("result")) | select(.caseName == $c and .result == "SKIPPED")] | length' "${json}")
    if [[ "${failed}" -gt 0 && "${skipped}" -eq 0 ]]; then
      log "  ${c}: FAILED as expected ($(jq -r --arg c "${c}" '[.. | objects | select(has("caseName") and has("result")) | select(.caseName == $c and .result == "FAILED")][0].reason' "${json}" | head -c 300))"
    else
      log "  ${c}: expected FAILED with a cause matching /${cause}/, got: $(jq -r --arg c "${c}" \
        '[.. | objects | select(has("caseName") and has("result")) | select(.caseName == $c) | .result + (if .reason then " (" + (.reason | .[0:200]) + ")" else "" end)] | join("; ")' "${json}")"
      bad=1
    fi
  done
  return "${bad}"
}

# family_passes DIR GLOBS...: the named families' report has no FAILED path
all_pass() {
  local json="$1/report.json"
  [[ -f "${json}" ]] || { log "no ${json}"; return 1; }
  local f
  f=$(jq -r '[.. | objects | select(has("caseName") and has("result")) | select(.result == "FAILED") | .caseName + ": " + (.reason // "" | .[0:200])] | .[]' "${json}")
  [[ -z "${f}" ]] || { log "after restoring, still failing:"; printf '  %s\n' "${f}"; return 1; }
}

run_break() {
  local id="$1" family="$2" cases="$3" cause="$4" expect="$5" dir="${REPORTS}/${1}" rc=0 t0
  t0=${SECONDS}
  log "== ${id}: break (family ${family}; must fail: ${cases})"
  "break_${id}"
  # only the named cases of the family (the whole family runs once restored, below): a family such as gateway
  # carries a 500-try split that would triple the suite's time without proving more about this break
  local named
  IFS=, read -ra named <<<"${cases}"
  lab case --reports "${dir}" --converge-seconds "${BREAKS_CONVERGE_SECONDS:-5}" "${named[@]}" >"${dir}.log" 2>&1 || true
  report_check "${dir}" "${cases}" "${cause}" || rc=1
  # the failures this run was meant to have are not test failures: keep report.json, drop the JUnit XML
  # (scripts/test.sh counts every TEST-*.xml under reports/)
  rm -f "${dir}"/TEST-*.xml
  "restore_${id}"
  FAMILIES+=("${family}")
  if [[ ${rc} -eq 0 && "${expect}" == xfail ]]; then
    log "== ${id}: XPASS: listed as xfail but now fails as it should: mark it expected in ${LIST}"
    XPASS+=("${id}")
  elif [[ ${rc} -ne 0 && "${expect}" == xfail ]]; then
    log "== ${id}: xfail (known: the family does not fail for this break yet; see conformance/README.md)"
  elif [[ ${rc} -ne 0 ]]; then
    FAILURES+=("${id}")
    log "== ${id}: NOT SHOWN ABLE TO FAIL (log: ${dir}.log)"
  else
    log "== ${id}: ok in $((SECONDS - t0)) s"
  fi
  tap "${id}" "${rc}" "${expect}"
}

# One TAP line per break in REPORTS/breaks.tap (scripts/test.sh counts it): an xfail break is "ok ... # TODO".
TAP_N=0
tap() {
  TAP_N=$((TAP_N + 1))
  if [[ "$3" == xfail ]]; then
    echo "ok ${TAP_N} $1 # TODO known: the family does not fail for this break yet" >>"${REPORTS}/breaks.tap"
  elif [[ "$2" -eq 0 ]]; then
    echo "ok ${TAP_N} $1" >>"${REPORTS}/breaks.tap"
  else
    echo "not ok ${TAP_N} $1" >>"${REPORTS}/breaks.tap"
  fi
}

cleanup() {
  local rc=$?
  if [[ "${BREAKS_KEEP:-0}" != 1 && "${BREAKS_UP:-1}" != 0 ]]; then
    lab down >/dev/null 2>&1 || log "lab down failed: run LAB_PREFIX=${LAB_PREFIX} LAB_STATE_DIR=${LAB_STATE_DIR} ${LAB} down"
  fi
  [[ -n "${WORK}" ]] && rm -rf "${WORK}"
  exit "${rc}"
}

main() {
  local wanted=("$@") id family cases cause expect t0 known
  export LAB_PREFIX="${LAB_PREFIX:-brk}" LAB_CNI=flannel LAB_NODES=3 LAB_CLUSTERS=1
  WORK="$(mktemp -d /tmp/netpaths-breaks.XXXXXX)"
  export LAB_STATE_DIR="${LAB_STATE_DIR:-${WORK}/state}"
  REPORTS="$(realpath -m "${LAB_REPORTS:-${REPO_ROOT}/reports/breaks}")"
  unset LAB_REPORTS
  known="$(grep -v '^#' "${LIST}" | cut -f1 | tr '\n' ' ')"
  for id in "${wanted[@]}"; do
    [[ " ${known} " == *" ${id} "* ]] || { echo "breaks: unknown break '${id}'; known: ${known}" >&2; exit 2; }
  done
  rm -rf "${REPORTS}"
  mkdir -p "${REPORTS}"
  trap cleanup EXIT
  t0=${SECONDS}
  if [[ "${BREAKS_UP:-1}" == 0 ]]; then
    log "using the lab that is up (prefix ${LAB_PREFIX}, state ${LAB_STATE_DIR})"
    lab status >/dev/null || { log "no lab up with LAB_PREFIX=${LAB_PREFIX} LAB_STATE_DIR=${LAB_STATE_DIR}"; exit 1; }
  else
    log "lab up (prefix ${LAB_PREFIX}, state ${LAB_STATE_DIR})"
    lab up >"${REPORTS}/up.log" 2>&1 || { tail -20 "${REPORTS}/up.log"; log "lab up failed"; exit 1; }
    log "lab up in $((SECONDS - t0)) s"
  fi
  while IFS=$'\t' read -r id family cases cause expect; do
    [[ -z "${id}" || "${id}" == \#* ]] && continue
    if [[ ${#wanted[@]} -gt 0 && " ${wanted[*]} " != *" ${id} "* ]]; then
      continue
    fi
    run_break "${id}" "${family}" "${cases}" "${cause}" "${expect}"
  done <"${LIST}"
  log "== restored: every broken family again ($(printf '%s\n' "${FAMILIES[@]}" | sort -u | tr '\n' ' '))"
  local globs=()
  mapfile -t globs < <(printf '%s\n' "${FAMILIES[@]}" | sort -u)
  lab case --reports "${REPORTS}/restored" "${globs[@]}" >"${REPORTS}/restored.log" 2>&1 || true
  all_pass "${REPORTS}/restored" && tap restored 0 expected || { FAILURES+=("restored"); tap restored 1 expected; }
  log "suite in $((SECONDS - t0)) s (lab up included); reports in ${REPORTS}"
  [[ ${#XPASS[@]} -eq 0 ]] || log "xfail breaks that now fail as they should: ${XPASS[*]}"
  if [[ ${#FAILURES[@]} -gt 0 ]]; then
    log "FAILED: ${FAILURES[*]}"
    return 1
  fi
  log "every break made its family fail, and every family passed once restored"
}

main "$@"
