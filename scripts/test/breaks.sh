#!/usr/bin/env bash
# `make test-breaks`: every case family shown able to fail. One lab (flannel, 3 nodes); for each break set in
# scripts/test/breaks.tsv: applies its breaks to the running lab (a kube-proxy rule, a pod route, a resolv.conf
# search line, an nginx route + HUP, a pod's status as the API server reports it, ...: `ip netns exec` as root,
# `lab.sh exec` rootless), runs the harness ONCE over the named cases of every break in the set (breaks share a
# set only when none of them touches another's cases), asserts each named case FAILS (not skips) with the
# break's likely cause, and restores the set. A last harness run over every named case shows they all pass
# again. Each break, and what each verdict means, is in conformance/README.md ("Break-it suite").
#
# Usage: scripts/test/breaks.sh [ID...]     (default: every break in the list; IDs pick breaks, run by set)
#
# Settings:
#   LAB_PREFIX=${LAB_PREFIX:-brk}           the lab's prefix (a lab of its own: another prefix than `make lab`'s)
#   LAB_STATE_DIR=${LAB_STATE_DIR:-}        default: a fresh directory under /tmp, removed at the end
#   LAB_REPORTS=${LAB_REPORTS:-reports/breaks}  one report directory per set, plus restored/, and breaks.tap
#   NETPATHS_LAB_RUNNING=0                  1: use the lab already up at LAB_PREFIX/LAB_STATE_DIR (a flannel lab
#                                           of one cluster); neither bring it up nor take it down
#   BREAKS_CONVERGE_SECONDS=5               the harness's --converge-seconds for the broken runs: the lab is
#                                           converged before each break, so a broken external path costs 5 s
#                                           plus one probe instead of the default 30 s
#   BREAKS_KEEP=0                           1: keep the lab this script brought up (then `scripts/lab/lab.sh down`)
# Exit status: 0 when every break failed its cases as listed and all passed once restored (an xfail break may
# pass: it is reported), 1 otherwise, 2 usage.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
LIST="${REPO_ROOT}/scripts/test/breaks.tsv"
HARNESS_JAR="${REPO_ROOT}/conformance/target/netpaths-conformance.jar"
WORK=""
FAILURES=()
XPASS=()

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
      ns="$(host_ns)"
    else
      ns="$(status_text | awk -v n="${name}" '$1 == n {print $NF}')"
    fi
    [[ -n "${ns}" ]] || { log "no pod or node ${name} in the lab's status"; return 1; }
    ip netns exec "${ns}" "$@"
  else
    lab exec "${name}" -- "$@"
  fi
}

# The lab's host namespace (kind's Docker host: where the harness runs).
host_ns() { status_text | sed -n 's/^Cluster netpaths (host namespace \([^)]*\)).*/\1/p' | head -1; }

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

# ---- kube-proxy's nat table on a node: saved before the first edit, edited with sed (edits of one set add up),
# restored as saved (once, by whichever break of the set restores first) --------------------------------------------
nat_edit() {
  local node="$1" sed_script="$2" saved="${WORK}/nat-$1"
  [[ -f "${saved}" ]] || x "${node}" -- iptables-save -t nat >"${saved}"
  x "${node}" -- iptables-save -t nat | sed -e "${sed_script}" | x "${node}" -- iptables-restore -T nat
}

nat_restore() {
  local node="$1" saved="${WORK}/nat-$1"
  [[ -f "${saved}" ]] || return 0
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
  [[ -f "${WORK}/icmp-$1" ]] || return 0
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

# The trusted prober's connections to echo-restricted dropped (SYNs unanswered), as a CNI that drops a source its
# policy admits: the truth table's positive control for echo-restricted must fail on any CNI.
control_rule() {
  local p="$1" op="$2"
  x "${p}" -- iptables "${op}" OUTPUT -p tcp -d "$(cluster_ip netpaths-other/echo-restricted)" --dport 8080 -j DROP
}
break_policy-control() {
  local p
  [[ -n "$(pods netpaths-other/caller-trusted-)" ]] || { log "no trusted prober in the lab"; return 1; }
  for p in $(pods netpaths-other/caller-trusted-); do control_rule "${p}" -I; done
}
restore_policy-control() { local p; for p in $(pods netpaths-other/caller-trusted-); do control_rule "${p}" -D; done; }

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

# ---- what the API server reports: the lab's cluster.yaml (the harness reads the cluster from it, as it reads a
# real cluster's API) -------------------------------------------------------------------------------------------------
# cluster_edit AWK [POD]: rewrites cluster.yaml one item (one "- apiVersion" block of its List) at a time: AWK
# defines keep(item), which returns whether the item stays (it may print an edited item itself and return 0);
# `name` holds POD. Saved before the first edit; edits of one set add up.
cluster_edit() {
  local file="${LAB_STATE_DIR}/netpaths/cluster.yaml"
  [[ -f "${WORK}/cluster.yaml" ]] || cp "${file}" "${WORK}/cluster.yaml"
  awk -v name="${2:-}" "$1"'
    function flush() { if (item != "") { if (keep(item)) printf "%s", item; item = "" } }
    /^- / { flush() }
    /^- / || item != "" { item = item $0 "\n"; next }
    { print }
    END { flush() }' "${file}" >"${WORK}/cluster.yaml.new"
  if cmp -s "${file}" "${WORK}/cluster.yaml.new"; then
    log "the edit changed nothing in ${file}"
    return 1
  fi
  replace_file "${WORK}/cluster.yaml.new" "${file}"
}
cluster_restore() {
  [[ -f "${WORK}/cluster.yaml" ]] || return 0
  replace_file "${WORK}/cluster.yaml" "${LAB_STATE_DIR}/netpaths/cluster.yaml"
  rm -f "${WORK}/cluster.yaml"
}

# replace_file FROM FILE: FILE's content replaced by FROM's as the lab writes it (a copy beside FILE with its owner
# and mode, renamed over it), so a harness or `status` reading FILE sees the old or the new file, never half of one.
replace_file() {
  local tmp="${2}.breaks.$$"
  cp -p "$2" "${tmp}"
  cat "$1" >"${tmp}"
  mv -f "${tmp}" "$2"
}

# A crash-looping caller (the last one in status order): its pod status as kubelet reports a container in
# CrashLoopBackOff (Ready False, restartCount 5, waiting), and as root its processes stopped (SIGSTOP: it answers
# nothing, as between restarts; SIGCONT on restore).
CRASHLOOP_AWK='function keep(i) {
  if (i ~ /\n  kind: "Pod"\n/ && index(i, "\n    name: \"" name "\"\n") && index(i, "\n    namespace: \"netpaths\"\n")) {
    gsub(/status: "True"\n      type: "ContainersReady"/, "message: \"containers with unready status: [app]\"\n      reason: \"ContainersNotReady\"\n      status: \"False\"\n      type: \"ContainersReady\"", i)
    gsub(/status: "True"\n      type: "Ready"/, "message: \"containers with unready status: [app]\"\n      reason: \"ContainersNotReady\"\n      status: \"False\"\n      type: \"Ready\"", i)
    gsub(/ready: true/, "ready: false", i)
    gsub(/started: true/, "started: false", i)
    gsub(/restartCount: [0-9]+/, "restartCount: 5", i)
    gsub(/running:\n        startedAt: "[^"]*"/, "waiting:\n          message: \"back-off 2m40s restarting failed container\"\n          reason: \"CrashLoopBackOff\"", i)
    printf "%s", i
    return 0
  }
  return 1
}'
break_caller-crashloop() {
  local p ns
  p="$(pods netpaths/caller- | tail -1)"
  if [[ ${EUID} -eq 0 ]]; then
    ns="$(status_text | awk -v n="${p}" '$1 == n {print $NF}')"
    ip netns pids "${ns}" >"${WORK}/crashloop-pids"
    xargs -r kill -STOP <"${WORK}/crashloop-pids"
  fi
  cluster_edit "${CRASHLOOP_AWK}" "${p#*/}"
}
restore_caller-crashloop() {
  cluster_restore
  if [[ -s "${WORK}/crashloop-pids" ]]; then
    xargs -r kill -CONT <"${WORK}/crashloop-pids" || true
  fi
  rm -f "${WORK}/crashloop-pids"
}

# The network-policies component not applied: no NetworkPolicy object in the cluster (Flannel enforces none, so
# the data plane is unchanged; the truth table must say its expectations have nothing to stand on).
break_policy-component-missing() { cluster_edit 'function keep(i) { return i !~ /\n  kind: "NetworkPolicy"\n/ }'; }
restore_policy-component-missing() { cluster_restore; }

# ---- the entry points' nginx (the stand-ins for ingress-nginx, Envoy Gateway, Istio's gateway) ----------------------
# nginx_edit ADDON SED: edits that stand-in's config as its controller would render a changed object, then HUP.
nginx_edit() {
  local conf="${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.conf"
  [[ -f "${WORK}/nginx-$1" ]] || cp "${conf}" "${WORK}/nginx-$1"
  cp "${conf}" "${WORK}/nginx-$1.before"
  sed -i -e "$2" "${conf}"
  ! cmp -s "${conf}" "${WORK}/nginx-$1.before" || { log "the edit changed nothing in ${conf}"; return 1; }
  nginx_reload "$1"
}

nginx_restore() {
  [[ -f "${WORK}/nginx-$1" ]] || return 0
  cp "${WORK}/nginx-$1" "${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.conf"
  rm -f "${WORK}/nginx-$1" "${WORK}/nginx-$1.before"
  nginx_reload "$1"
}

# HUP to the lab's own nginx (its PID file), then a moment for the new workers to take over
nginx_reload() {
  x host -- kill -HUP "$(cat "${LAB_STATE_DIR}/netpaths/nginx/$1/nginx.pid")"
  sleep 1
}

# The Ingress's v1 paths sent to echo-v2, as a wrong backend Service in the Ingress would.
break_ingress-backend() { nginx_edit nginx_ingress 's/set $np_target "np.netpaths.echo.8080";/set $np_target "np.netpaths.echo-v2.8080";/'; }
restore_ingress-backend() { nginx_restore nginx_ingress; }

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
# paths_of JSON: one line per path: case, result, reason (the JSON object the report writes per path)
paths_of() {
  jq -r '.. | objects | select(has("caseName") and has("result")) | [.caseName, .result, (.reason // "" | gsub("[\t\n]"; " "))] | @tsv' "$1"
}

# report_check JSON CASES CAUSE: every named case has a FAILED path whose reason matches CAUSE, and no skipped one.
report_check() {
  local json="$1" cases="$2" cause="$3" c bad=0 failed skipped
  for c in ${cases//,/ }; do
    failed=$(paths_of "${json}" | awk -F'\t' -v c="${c}" -v re="${cause}" '$1 == c && $2 == "FAILED" && $3 ~ re' | wc -l)
    skipped=$(paths_of "${json}" | awk -F'\t' -v c="${c}" '$1 == c && $2 == "SKIPPED"' | wc -l)
    if [[ "${failed}" -gt 0 && "${skipped}" -eq 0 ]]; then
      log "  ${c}: FAILED as expected: $(paths_of "${json}" | awk -F'\t' -v c="${c}" -v re="${cause}" \
        '$1 == c && $2 == "FAILED" && $3 ~ re {print $3; exit}' | head -c 300)"
    else
      log "  ${c}: expected FAILED with a cause matching /${cause}/, got: $(paths_of "${json}" | awk -F'\t' -v c="${c}" \
        '$1 == c {printf "%s (%s); ", $2, substr($3, 1, 200)}')"
      bad=1
    fi
  done
  return "${bad}"
}

# all_pass JSON: no FAILED path and no SKIPPED one (every named case ran and passed)
all_pass() {
  local f
  f=$(paths_of "$1" | awk -F'\t' '$2 != "PASSED" {print $1 ": " $2 " " substr($3, 1, 200)}')
  [[ -z "${f}" ]] || { log "after restoring, not passing:"; printf '  %s\n' "${f}"; return 1; }
}

# harness DIR [CONVERGE] CASES...: the harness over the named cases against the running lab; its report must exist
# (a run that wrote none gave no verdict: the set fails, with the harness's log).
harness() {
  local dir="$1" converge="$2" args=()
  shift 2
  rm -rf "${dir}"
  [[ -n "${converge}" ]] && args+=(--converge-seconds "${converge}")
  if [[ ${EUID} -eq 0 && -f "${HARNESS_JAR}" ]]; then
    # what `lab.sh case` runs, without a lab CLI JVM in front of it: the harness in the lab's host namespace
    local cases=() c
    for c in "$@"; do cases+=(--case "${c}"); done
    ip netns exec "$(host_ns)" java -jar "${HARNESS_JAR}" --lab-state "${LAB_STATE_DIR}" --reports "${dir}" \
      "${args[@]}" "${cases[@]}" >"${dir}.log" 2>&1 || true
  else
    lab case --reports "${dir}" "${args[@]}" "$@" >"${dir}.log" 2>&1 || true
  fi
  # the failures a broken run was meant to have are not test failures: keep report.json, drop the JUnit XML
  # (scripts/test.sh counts every TEST-*.xml under reports/)
  rm -f "${dir}"/TEST-*.xml
  [[ -f "${dir}/report.json" ]] || { log "  the harness wrote no ${dir}/report.json: see ${dir}.log"; tail -5 "${dir}.log"; return 1; }
}

# run_set SET: applies every selected break of SET, one harness run over all their cases, checks each, restores.
run_set() {
  local set="$1" id cases=() c rc t0=${SECONDS} dir="${REPORTS}/${1}" ok=1
  log "== set ${set}: $(printf '%s ' "${SET_IDS[@]}")"
  for id in "${SET_IDS[@]}"; do
    "break_${id}" || { log "  break ${id} could not be applied"; ok=0; }
    IFS=, read -ra c <<<"${CASES[${id}]}"
    cases+=("${c[@]}")
  done
  if [[ ${ok} -eq 1 ]] && harness "${dir}" "${BREAKS_CONVERGE_SECONDS:-5}" "${cases[@]}"; then
    for id in "${SET_IDS[@]}"; do
      rc=0
      log " ${id}:"
      report_check "${dir}/report.json" "${CASES[${id}]}" "${CAUSES[${id}]}" || rc=1
      verdict "${id}" "${rc}"
    done
  else
    for id in "${SET_IDS[@]}"; do verdict "${id}" 1; done
  fi
  for id in "${SET_IDS[@]}"; do "restore_${id}" || { log "  restoring ${id} failed"; FAILURES+=("restore-${id}"); }; done
  log "== set ${set}: $((SECONDS - t0)) s"
}

# verdict ID RC: says and records (breaks.tap) whether break ID made its cases fail as listed
verdict() {
  local id="$1" rc="$2" expect="${STATUS[$1]}"
  TAP_N=$((TAP_N + 1))
  if [[ ${rc} -eq 0 && "${expect}" == xfail ]]; then
    log " ${id}: XPASS: listed as xfail but now fails as it should: mark it expected in ${LIST}"
    XPASS+=("${id}")
    echo "ok ${TAP_N} ${id} # TODO xfail that now fails as it should" >>"${REPORTS}/breaks.tap"
  elif [[ "${expect}" == xfail ]]; then
    log " ${id}: xfail (known: the family does not fail for this break yet; see conformance/README.md)"
    echo "ok ${TAP_N} ${id} # TODO known: the family does not fail for this break yet" >>"${REPORTS}/breaks.tap"
  elif [[ ${rc} -ne 0 ]]; then
    FAILURES+=("${id}")
    log " ${id}: NOT SHOWN ABLE TO FAIL"
    echo "not ok ${TAP_N} ${id}" >>"${REPORTS}/breaks.tap"
  else
    echo "ok ${TAP_N} ${id}" >>"${REPORTS}/breaks.tap"
  fi
}
TAP_N=0

cleanup() {
  local rc=$?
  if [[ "${NETPATHS_LAB_RUNNING:-0}" != 1 && "${BREAKS_KEEP:-0}" != 1 && "${BROUGHT_UP:-0}" == 1 ]]; then
    lab down >/dev/null 2>&1 || log "lab down failed: run LAB_PREFIX=${LAB_PREFIX} LAB_STATE_DIR=${LAB_STATE_DIR} ${LAB} down"
  fi
  [[ -n "${WORK}" ]] && rm -rf "${WORK}"
  exit "${rc}"
}

# read_list: the breaks (ID order, SET of each, CASES, CAUSES, STATUS) from breaks.tsv
declare -A SET_OF CASES CAUSES STATUS
ORDER=()
read_list() {
  local id set cases cause status
  while IFS=$'\t' read -r id set cases cause status; do
    [[ -z "${id}" || "${id}" == \#* ]] && continue
    if [[ -z "${status}" || ! "${status}" =~ ^(expected|xfail)$ ]]; then
      echo "breaks: ${LIST}: line for '${id}' needs 5 tab-separated fields, status expected|xfail" >&2
      exit 2
    fi
    declare -F "break_${id}" >/dev/null && declare -F "restore_${id}" >/dev/null \
      || { echo "breaks: ${LIST}: no break_${id}/restore_${id} in $0" >&2; exit 2; }
    ORDER+=("${id}")
    SET_OF[${id}]="${set}"
    CASES[${id}]="${cases}"
    CAUSES[${id}]="${cause}"
    STATUS[${id}]="${status}"
  done <"${LIST}"
}

main() {
  local wanted=("$@") id set sets=() all_cases=() c t0
  read_list
  for id in "${wanted[@]}"; do
    [[ -n "${SET_OF[${id}]:-}" ]] || { echo "breaks: unknown break '${id}'; known: ${ORDER[*]}" >&2; exit 2; }
  done
  [[ ${#wanted[@]} -gt 0 ]] || wanted=("${ORDER[@]}")
  command -v jq >/dev/null || { echo "breaks: jq is needed (scripts/install-deps.sh)" >&2; exit 2; }
  export LAB_PREFIX="${LAB_PREFIX:-brk}"
  WORK="$(mktemp -d /tmp/netpaths-breaks.XXXXXX)"
  REPORTS="$(realpath -m "${LAB_REPORTS:-${REPO_ROOT}/reports/breaks}")"
  unset LAB_REPORTS
  trap cleanup EXIT
  if [[ "${NETPATHS_LAB_RUNNING:-0}" == 1 ]]; then
    [[ -n "${LAB_STATE_DIR:-}" ]] || { echo "breaks: NETPATHS_LAB_RUNNING=1 needs the running lab's LAB_STATE_DIR" >&2; exit 2; }
    export LAB_STATE_DIR
  else
    export LAB_STATE_DIR="${LAB_STATE_DIR:-${WORK}/state}" LAB_CNI=flannel LAB_NODES=3 LAB_CLUSTERS=1
  fi
  rm -rf "${REPORTS}"
  mkdir -p "${REPORTS}"
  t0=${SECONDS}
  if [[ "${NETPATHS_LAB_RUNNING:-0}" == 1 ]]; then
    log "using the lab that is up (prefix ${LAB_PREFIX}, state ${LAB_STATE_DIR})"
  else
    log "lab up (prefix ${LAB_PREFIX}, state ${LAB_STATE_DIR})"
    BROUGHT_UP=1
    lab up >"${REPORTS}/up.log" 2>&1 || { tail -20 "${REPORTS}/up.log"; log "lab up failed"; exit 1; }
    log "lab up in $((SECONDS - t0)) s"
  fi
  lab status >"${WORK}/status" || { log "no lab up with LAB_PREFIX=${LAB_PREFIX} LAB_STATE_DIR=${LAB_STATE_DIR}"; exit 1; }
  grep -q 'lab: cni flannel' "${WORK}/status" || { log "the breaks are written for a flannel lab: $(head -1 "${WORK}/status")"; exit 1; }
  for id in "${wanted[@]}"; do
    [[ " ${sets[*]} " == *" ${SET_OF[${id}]} "* ]] || sets+=("${SET_OF[${id}]}")
  done
  for set in "${sets[@]}"; do
    SET_IDS=()
    for id in "${wanted[@]}"; do [[ "${SET_OF[${id}]}" == "${set}" ]] && SET_IDS+=("${id}"); done
    run_set "${set}"
  done
  # restoration: every named case again, unbroken, at the harness's default convergence window
  for id in "${wanted[@]}"; do
    IFS=, read -ra c <<<"${CASES[${id}]}"
    all_cases+=("${c[@]}")
  done
  mapfile -t all_cases < <(printf '%s\n' "${all_cases[@]}" | sort -u)
  log "== restored: ${#all_cases[@]} cases again"
  TAP_N=$((TAP_N + 1))
  if harness "${REPORTS}/restored" "" "${all_cases[@]}" && all_pass "${REPORTS}/restored/report.json"; then
    echo "ok ${TAP_N} restored" >>"${REPORTS}/breaks.tap"
  else
    FAILURES+=("restored")
    echo "not ok ${TAP_N} restored" >>"${REPORTS}/breaks.tap"
  fi
  log "suite in $((SECONDS - t0)) s ($([[ "${BROUGHT_UP:-0}" == 1 ]] && echo "lab up included" || echo "on the running lab")); reports in ${REPORTS}"
  [[ ${#XPASS[@]} -eq 0 ]] || log "xfail breaks that now fail as they should: ${XPASS[*]}"
  if [[ ${#FAILURES[@]} -gt 0 ]]; then
    log "FAILED: ${FAILURES[*]}"
    return 1
  fi
  log "every break made its cases fail with the expected cause, and every case passed once restored"
}

main "$@"
