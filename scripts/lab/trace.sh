#!/usr/bin/env bash
# `lab.sh trace CASE`: runs the harness for CASE against the running lab with a packet capture (tcpdump) on each
# hop's interface: the host's eth0, each caller pod's eth0, and on every node its eth0 (the node network; VXLAN
# shows there as an outer node-to-node header around the pod packet) and its pod bridge (cni0, or weave's), then
# prints one row per
# connection start (a TCP SYN, the first datagram of a UDP flow) per interface: where it was seen, the outer
# addresses (encapsulation), the inner ones, and the NAT applied since that connection was first seen.
#
# Usage: scripts/lab/trace.sh CASE   (a case name or group glob, as `lab.sh case` takes)
# Settings: those of lab.sh (LAB_PREFIX, LAB_STATE_DIR, LAB_ROOTLESS); LAB_REPORTS (default reports/lab-trace)
#   gets the harness's reports and one pcap per interface.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
CAPTURES=()

lab() { "${LAB}" "$@"; }

# Node names of the lab, from `lab.sh status` (it fails with the reason when no lab is up).
nodes() { awk '/^NODES/ {on=1; next} /^PODS/ {on=0} on && NF >= 4 && $1 != "NAME" {print $1}' "$1"; }

# start_capture NAME IFACE DIR: tcpdump in NAME's namespace; its PID (same PID space, root or rootless) in a file.
start_capture() {
  local name="$1" iface="$2" dir="$3" base
  base="${dir}/${name//\//+}_${iface}"
  # shellcheck disable=SC2016 # $$ is the inner shell's PID, which exec hands to tcpdump
  lab exec "${name}" -- sh -c 'echo $$ > "$1.pid"; exec tcpdump -i "$2" -nn -U -s 256 -w "$1.pcap" "not arp and not port 53" 2>"$1.err"' \
    _ "${base}" "${iface}" >/dev/null 2>&1 &
  CAPTURES+=("${base}")
}

stop_captures() {
  local base
  for base in "${CAPTURES[@]}"; do
    [[ -f "${base}.pid" ]] && kill -INT "$(cat "${base}.pid")" 2>/dev/null || true
  done
  wait || true
}

# The rows of one pcap: HOP, OUTER, INNER, protocol (connection starts only). VXLAN on UDP 8472 (Flannel), 4789
# (Calico's vxlan.calico) and 6784 (Weave) is decoded as VXLAN, so its rows carry the node-to-node outer header and the pod packet inside.
rows() {
  local base="$1" hop
  hop="$(basename "${base}" | sed 's/_/:/; s|+|/|')"
  [[ -s "${base}.pcap" ]] || { echo "trace: no capture from ${hop}: $(cat "${base}.err" 2>/dev/null)" >&2; return 0; }
  { tcpdump -tt -nn -r "${base}.pcap" -T vxlan 'udp port 8472 or udp port 4789 or udp port 6784' 2>/dev/null
    tcpdump -tt -nn -r "${base}.pcap" 'not (udp port 8472 or udp port 4789 or udp port 6784)' 2>/dev/null; } | awk -v hop="${hop}" '
    function addr(s) { sub(/:$/, "", s); sub(/,$/, "", s); return s }
    {
      line = $0
      if (line ~ /^[0-9]+\.[0-9]+ /) { ts = $1; sub(/^[0-9.]+ /, "", line) }
      sub(/^ +/, "", line)
      # the outer source port is a hash of the inner flow: left out, so one flow is one row
      if (line ~ /VXLAN/) { split(line, v, " "); o1 = v[2]; sub(/\.[0-9]+$/, "", o1); outer = o1 " > " addr(v[4]); pending = 1; next }
      split(line, f, " ")
      if (f[1] != "IP") next
      src = f[2]; dst = addr(f[4])
      syn = (line ~ /Flags \[S\]/); udp = (line ~ /UDP/)
      o = pending ? outer : "-"; pending = 0
      if (!(syn || udp)) next
      if (udp && seen[src, dst]++) next
      printf "%s\t%s\t%s\t%s\t%s\t%s\n", ts, hop, o, src, dst, (udp ? "udp" : "tcp")
    }'
}

# One line per hop and flow (source port left out, tries counted), with the NAT seen on the way: a connection (its
# source address and port) whose destination changed since its first hop was DNATed; a connection start whose source
# address differs from the one a connection to the same destination had at its previous hop was SNATed.
table() {
  awk -F'\t' '
    function ip(a,  p) { p = a; sub(/\.[0-9]+$/, "", p); return p }
    {
      n = "-"
      if ($3 in first) { if (first[$3] != $4) n = "DNAT " first[$3] " -> " $4 }
      else {
        first[$3] = $4
        if ($4 in src_to && ip(src_to[$4]) != ip($3)) n = "SNAT " ip(src_to[$4]) " -> " ip($3)
      }
      src_to[$4] = $3
      key = $1 "\t" $2 "\t" ip($3) " > " $4 " (" $5 ")\t" n
      if (!(key in count)) order[++k] = key
      count[key]++
    }
    END { for (i = 1; i <= k; i++) { split(order[i], c, "\t"); printf "%-36s %-34s %-44s %-6s %s\n", c[1], c[2], c[3], count[order[i]], c[4] } }'
}

main() {
  [[ $# -eq 1 && -n "$1" ]] || { echo "trace: name one case or group (see: java -jar conformance/target/netpaths-conformance.jar --list)" >&2; exit 2; }
  command -v tcpdump >/dev/null || { echo "trace: tcpdump is missing: sudo scripts/install-deps.sh" >&2; exit 1; }
  local dir status n br rc=0
  dir="$(realpath -m "${LAB_REPORTS:-${REPO_ROOT}/reports/lab-trace}")"
  rm -rf "${dir}"
  mkdir -p "${dir}"
  status="${dir}/status.txt"
  lab status >"${status}" || { cat "${status}" >&2; exit 2; }
  trap stop_captures EXIT
  start_capture host eth0 "${dir}"
  # the callers' own side: where a Service's address is still the destination, before kube-proxy's DNAT
  for n in $(awk '$1 ~ /^netpaths\/caller-/ {print $1}' "${status}"); do
    start_capture "${n}" eth0 "${dir}"
  done
  for n in $(nodes "${status}"); do
    start_capture "${n}" eth0 "${dir}"
    br="$(lab exec "${n}" -- ip -o link show type bridge | awk -F': ' 'NR == 1 {print $2}')"
    [[ -n "${br}" ]] && start_capture "${n}" "${br%@*}" "${dir}"
  done
  local base waited=0
  # bounded: every tcpdump has written its PID file, or 20 s passed
  while [[ ${waited} -lt 200 ]]; do
    for base in "${CAPTURES[@]}"; do [[ -s "${base}.pid" ]] || break; done
    [[ -s "${base}.pid" ]] && break
    sleep 0.1
    waited=$((waited + 1))
  done
  sleep 1
  lab case --reports "${dir}" "$1" || rc=$?
  stop_captures
  trap - EXIT
  printf '%-36s %-34s %-44s %-6s %s\n' "HOP (node:interface)" "OUTER (encapsulation)" "INNER (connection start)" "TRIES" "NAT"
  # every interface's rows in time order, so a connection's first row is its first hop
  for base in "${CAPTURES[@]}"; do rows "${base}"; done | sort -s -n -k1,1 | cut -f2- | table
  echo "pcaps: ${dir}/*.pcap (tcpdump -nn -r FILE)"
  return "${rc}"
}

main "$@"
