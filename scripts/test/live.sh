#!/usr/bin/env bash
# The live lab's dynamic proofs (issue #14, docs/lab/live.md "Proofs"), against a running lab, each a TAP line:
#   1. bad input is refused with its reason and changes nothing: an unknown kind, a field the lab does not model,
#      a name that does not exist (cluster.yaml and the recorded changes byte for byte the same);
#   2. a Service applied while the lab runs answers by name through kube-proxy and DNS; deleted, its name is gone;
#   3. (a CNI that enforces NetworkPolicy) with the reference policies on echo-restricted deleted a caller reaches
#      it; `apply -f deny-all.yaml` makes the same connect time out again, within LIVE_FLIP_SECONDS; the reference
#      policies are restored. Then the harness's truth table (`lab.sh case networkPolicyTruthTable`, its cells
#      retried for at most LIVE_FLIP_SECONDS): with a policy applied that admits the first caller to echo-restricted
#      (ipBlock, its pod IP) that caller's cell to echo-restricted reads "." and passes (answered); with it deleted
#      it reads X and passes (the connect times out); every other cell the same in both runs. (The harness refuses
#      a table while a reference policy is absent, or without an X cell on a CNI that enforces policy: enforcement
#      untested; so the cells are read with the reference policies applied.)
#   4. `scale deployment/echo --replicas=1` leaves one distinct backend behind the ClusterIP, back to 2 gives two;
#   5. `delete pod` of one echo pod: once the verb returns (the endpoint is gone), every request is answered, by
#      other pods only;
#   6. an echo pod and a caller (a DaemonSet's pod) whose processes are killed between verbs (no daemon watches
#      them): `get pods` shows both 0/1 Error, and `delete pod` of the echo pod notices both exits first: it ends the
#      echo pod at once (no SIGKILL after a grace period, within its --timeout) and restarts the caller's container
#      (restart count 1, the verb waits until it is ready); after it every request is answered by the other echo
#      pods, `get pods` shows the caller 1/1 Running with RESTARTS 1, and the caller's own /call answers again (about
#      10 s: the verb and the two JVMs' start);
#   7. `down` after these changes leaves nothing of the prefix: no network namespace (with the links in them), no
#      link in this namespace, no process the journal recorded, no journal or state dir
#      (scripts/test/leftovers.sh, as kill9.sh checks after kill -9 mid-change).
# Every wait is bounded. It prints how long each proof took. live.tap starts with its plan (1..7): a proof that does
# not apply (the policy flip on a CNI that does not enforce NetworkPolicy; down with LIVE_DOWN=0) is
# "ok N # SKIP reason", counted as skipped; one that cannot run where it must (LAB_CNI=calico or weave, or the lab
# does not say) is "not ok".
#
# Usage: scripts/test/live.sh
# Settings:
#   LAB_PREFIX=${LAB_PREFIX:-liv}          the lab's prefix
#   LAB_STATE_DIR=${LAB_STATE_DIR:-}       the lab's state dir (default: a fresh one under /tmp when this script brings the lab up)
#   LAB_REPORTS=${LAB_REPORTS:-reports/live}  where live.tap goes
#   LAB_CNI=${LAB_CNI:-calico}             when this script brings the lab up
#   NETPATHS_LAB_RUNNING=0                 1: use the lab already up at LAB_PREFIX/LAB_STATE_DIR (not brought up;
#                                          proof 6 takes it down)
#   LIVE_FLIP_SECONDS=10                   the bound on a policy flip after its verb returned
#   LIVE_DOWN=1                            0: leave the lab up at the end (proof 6 skipped)
# Exit status: 0 when every proof passed, 1 otherwise.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
POLICIES="${REPO_ROOT}/k8s/components/network-policies"
export LAB_PREFIX="${LAB_PREFIX:-liv}"
REPORTS="${LAB_REPORTS:-${REPO_ROOT}/reports/live}"
FLIP_SECONDS="${LIVE_FLIP_SECONDS:-10}"
WORK="$(mktemp -d /tmp/netpaths-live.XXXXXX)"
# shellcheck source=scripts/test/leftovers.sh
source "${REPO_ROOT}/scripts/test/leftovers.sh"
TAP="${REPORTS}/live.tap"
OWN_LAB=0
n=0
failures=0

log() { printf 'live: %s\n' "$*"; }

lab() { "${LAB}" "$@"; }

tap() {
  local ok="$1"
  shift
  n=$((n + 1))
  if [[ "${ok}" == 0 ]]; then
    echo "ok ${n} $*" | tee -a "${TAP}"
  else
    echo "not ok ${n} $*" | tee -a "${TAP}"
    failures=$((failures + 1))
  fi
}

# skip REASON: a proof that does not apply to this lab: counted as skipped, never as passed
skip() {
  n=$((n + 1))
  echo "ok ${n} # SKIP $*" | tee -a "${TAP}"
}

# policy_mode: enforced or not-enforced, as the lab's info ConfigMap (kube-system/netpaths-lab) in cluster.yaml says
policy_mode() {
  sed -n 's/^ *networkPolicy: *"\{0,1\}\([a-z-]*\)"\{0,1\} *$/\1/p' "${LAB_STATE_DIR}/netpaths/cluster.yaml" | head -n 1
}

# in_caller CMD...: CMD in the first cluster's first caller pod (as root straight into its network namespace)
in_caller() {
  if [[ ${EUID} -eq 0 ]]; then
    ip netns exec "${CALLER_NS}" "$@"
  else
    lab exec "${CALLER}" -- "$@"
  fi
}

# pods_answering N URL: the pod names that answered N fresh connections (one curl each), one per line, sorted
# unique; an unanswered request prints FAILED
pods_answering() {
  local i
  for ((i = 0; i < $1; i++)); do
    in_caller curl -sS --connect-timeout 2 -m 3 "$2" 2>/dev/null | grep -o '"pod":"[^"]*"' | cut -d'"' -f4 || echo FAILED
  done | sort -u
}

# connects URL: 0 when a connection is made (any answer), 1 when the connect times out or is refused
connects() { in_caller curl -s -o /dev/null --connect-timeout 1 -m 2 "$1"; }

blocked() { ! connects "$1"; }

# until_within SECONDS CMD...: CMD until it succeeds, at most SECONDS; prints the seconds it took
until_within() {
  local bound="$1" t0
  shift
  t0=${SECONDS}
  while ! "$@"; do
    if ((SECONDS - t0 >= bound)); then
      return 1
    fi
    sleep 0.2
  done
  echo "$((SECONDS - t0))"
}

# (the recorded changes may not exist yet: a missing file is part of the state, not an error under pipefail)
state_sum() {
  { cat "${LAB_STATE_DIR}/netpaths/cluster.yaml" "${LAB_STATE_DIR}"/netpaths/applied.yaml "${LAB_STATE_DIR}"/netpaths/deleted 2>/dev/null || true; } | md5sum
}

cleanup() {
  local rc=$?
  if [[ ${OWN_LAB} == 1 ]]; then
    lab down >/dev/null || rc=1
    rm -rf "${LAB_STATE_DIR}"
  fi
  rm -rf "${WORK}"
  exit "${rc}"
}

# 1 --------------------------------------------------------------------------------------------------------------
proof_bad_input() {
  local before rc=0 out
  before="$(state_sum)"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live-x, namespace: netpaths}\ndata: {a: b}\n' >"${WORK}/cm.yaml"
  cat >"${WORK}/v6.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: echo-v6, namespace: netpaths}
spec:
  ipFamilies: [IPv6]
  selector: {app.kubernetes.io/name: echo-service}
  ports: [{port: 8080}]
EOF
  out="$(lab apply -f "${WORK}/cm.yaml" 2>&1)" && rc=1
  grep -q 'does not change "ConfigMap"' <<<"${out}" || { log "unknown kind: ${out}"; rc=1; }
  out="$(lab apply -f "${WORK}/v6.yaml" 2>&1)" && rc=1
  grep -q 'does not model spec.ipFamilies' <<<"${out}" || { log "unmodelled field: ${out}"; rc=1; }
  out="$(lab delete netpol no-such-policy -n netpaths-other 2>&1)" && rc=1
  grep -q '"no-such-policy" not found' <<<"${out}" || { log "missing name: ${out}"; rc=1; }
  [[ "$(state_sum)" == "${before}" ]] || { log "a refused verb changed the lab's state"; rc=1; }
  tap "${rc}" "bad input (unknown kind, unmodelled field, missing name) is refused with its reason and changes nothing"
}

# 2 --------------------------------------------------------------------------------------------------------------
proof_service() {
  local rc=0
  cat >"${WORK}/svc.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: echo-live, namespace: netpaths}
spec:
  selector: {app.kubernetes.io/name: echo-service, version: v1}
  ports: [{name: http, port: 8080, targetPort: 8080}]
EOF
  connects http://echo-live.netpaths:8080/echo && { log "echo-live answers before it was applied"; rc=1; }
  lab apply -f "${WORK}/svc.yaml" || rc=1
  # within the flip bound, as the policy flip: the caller's resolver may still hold the NXDOMAIN it got above
  local t
  if t="$(until_within "${FLIP_SECONDS}" connects http://echo-live.netpaths:8080/echo)"; then
    log "echo-live answers ${t} s after apply returned"
  else
    log "echo-live does not answer within ${FLIP_SECONDS} s of apply"; rc=1
  fi
  [[ "$(pods_answering 3 http://echo-live.netpaths:8080/echo)" != *FAILED* ]] || { log "echo-live does not answer after apply"; rc=1; }
  lab delete svc echo-live -n netpaths || rc=1
  connects http://echo-live.netpaths:8080/echo && { log "echo-live still answers after delete"; rc=1; }
  tap "${rc}" "a Service applied to the running lab answers by name (DNS, kube-proxy); deleted, it is gone"
}

# 3 --------------------------------------------------------------------------------------------------------------
proof_policy_flip() {
  local rc=0 url=http://echo-restricted.netpaths-other:8080/echo took
  case "$(policy_mode)" in
    enforced) ;;
    not-enforced)
      if [[ "${LAB_CNI:-}" == calico || "${LAB_CNI:-}" == weave ]]; then
        tap 1 "policy flip: the lab says its CNI does not enforce NetworkPolicy, but LAB_CNI=${LAB_CNI} must"
      else
        skip "policy flip: the lab's CNI does not enforce NetworkPolicy"
      fi
      return 0 ;;
    *) tap 1 "policy flip: cannot tell whether the lab's CNI enforces NetworkPolicy (no networkPolicy in kube-system/netpaths-lab of cluster.yaml)"; return 0 ;;
  esac
  connects "${url}" && { log "echo-restricted answers a caller with the reference policies applied"; rc=1; }
  lab delete -f "${POLICIES}/deny-all.yaml" -f "${POLICIES}/echo-restricted.yaml" || rc=1
  took="$(until_within "${FLIP_SECONDS}" connects "${url}")" || { log "echo-restricted unreachable ${FLIP_SECONDS} s after its policies went"; rc=1; }
  log "open ${took:-?} s after delete returned"
  lab apply -f "${POLICIES}/deny-all.yaml" || rc=1
  took="$(until_within "${FLIP_SECONDS}" blocked "${url}")" || { log "echo-restricted still reachable ${FLIP_SECONDS} s after deny-all was applied"; rc=1; }
  log "blocked ${took:-?} s after apply returned"
  lab apply -f "${POLICIES}/echo-restricted.yaml" || rc=1
  # one caller admitted by its pod IP: the others' cells stay X (a table with no X cell on an enforcing CNI is
  # refused by the harness: enforcement untested)
  local open closed
  cat >"${WORK}/live-open.yaml" <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: live-open, namespace: netpaths-other}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: echo-restricted}}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: ${CALLER_IP}/32}}]}]
EOF
  lab apply -f "${WORK}/live-open.yaml" || rc=1
  open="$(table_cells open)" || rc=1
  lab delete -f "${WORK}/live-open.yaml" || rc=1
  closed="$(table_cells closed)" || rc=1
  cells_flipped "${CALLER_NODE}" "${open}" "${closed}" || rc=1
  tap "${rc}" "applying the reference deny policy to the running lab blocks an open pair again within ${FLIP_SECONDS} s; a policy applied and deleted flips the harness's truth-table cell (. then X, each passed)"
}

# table_cells NAME: the harness's NetworkPolicy truth table against the running lab (its cells retried for at most
# FLIP_SECONDS), one "CELL RESULT" line per caller cell, e.g. "netpaths-worker → netpaths-other/echo-restricted X PASSED"
table_cells() {
  local t0=${SECONDS} rc=0
  lab case --reports "${WORK}/table-$1" --converge-seconds "${FLIP_SECONDS}" networkPolicyTruthTable >"${WORK}/table-$1.log" 2>&1 || rc=$?
  log "truth table ($1): exit ${rc}, $((SECONDS - t0)) s" >&2
  sed -n 's/^networkPolicyTruthTable \[\([^]@]* → [^]]*\)\] *\([A-Z]*\) .*/\1 \2/p' "${WORK}/table-$1/matrix.txt" 2>/dev/null
}

# cells_flipped NODE OPEN CLOSED: each cell passed in both runs; NODE's caller's cell to echo-restricted "." in OPEN
# and X in CLOSED; every other cell the same in both, and some other cell X (the table still tests enforcement)
cells_flipped() {
  local rc=0 cell="$1 → netpaths-other/echo-restricted"
  [[ -n "$2" && -n "$3" ]] || { log "the harness printed no truth-table cells"; return 1; }
  if grep -v ' PASSED$' <<<"$2"$'\n'"$3" | grep -q .; then
    log "truth-table cells not passed: $(grep -v ' PASSED$' <<<"$2"$'\n'"$3" | tr '\n' ';')"; rc=1
  fi
  grep -qxF "${cell} . PASSED" <<<"$2" || { log "with live-open applied, not \"${cell} . PASSED\""; rc=1; }
  grep -qxF "${cell} X PASSED" <<<"$3" || { log "with live-open deleted, not \"${cell} X PASSED\""; rc=1; }
  if [[ "${2//"${cell} . "/"${cell} X "}" != "$3" ]]; then
    log "only ${cell} may differ between the two runs:"
    diff <(echo "$2") <(echo "$3") >&2 || true
    rc=1
  fi
  grep -q ' X PASSED$' <<<"$2" || { log "no X cell with live-open applied"; rc=1; }
  log "truth table: ${cell} . with live-open applied, X once deleted; $(wc -l <<<"$3") caller cells, the others the same"
  return "${rc}"
}

# 4 --------------------------------------------------------------------------------------------------------------
proof_scale() {
  local rc=0 one two
  lab scale deployment/echo --replicas=1 -n netpaths || rc=1
  one="$(pods_answering 20 http://echo.netpaths:8080/echo)"
  lab scale deployment/echo --replicas=2 -n netpaths || rc=1
  two="$(pods_answering 20 http://echo.netpaths:8080/echo)"
  log "backends at 1 replica: $(echo "${one}" | tr '\n' ' ')| at 2: $(echo "${two}" | tr '\n' ' ')"
  [[ "${one}" != *FAILED* && "${two}" != *FAILED* && $(wc -l <<<"${one}") -eq 1 && $(wc -l <<<"${two}") -eq 2 ]] || rc=1
  tap "${rc}" "scale echo to 1 and back: 1, then 2 distinct backends behind its ClusterIP (20 connections each)"
}

# 5 --------------------------------------------------------------------------------------------------------------
proof_delete_pod() {
  local rc=0 victim after
  victim="$(pods_answering 1 http://echo.netpaths:8080/echo)"
  [[ -n "${victim}" && "${victim}" != FAILED ]] || { tap 1 "delete pod: no echo pod answered"; return 0; }
  lab delete pod "${victim}" -n netpaths || rc=1
  after="$(pods_answering 20 http://echo.netpaths:8080/echo)"
  log "deleted ${victim}; answering after: $(echo "${after}" | tr '\n' ' ')"
  [[ "${after}" != *FAILED* && "${after}" != *"${victim}"* && $(wc -l <<<"${after}") -eq 2 ]] || rc=1
  tap "${rc}" "delete pod: once its endpoint is gone every request is answered, by the other pod and its replacement"
}

# 6 --------------------------------------------------------------------------------------------------------------
proof_killed_pod() {
  local rc=0 victim pid caller_pid caller t out after i
  victim="$(pods_answering 1 http://echo.netpaths:8080/echo)"
  [[ -n "${victim}" && "${victim}" != FAILED ]] || { tap 1 "killed pod: no echo pod answered"; return 0; }
  # its container's process: the journal's newest entry for it ("proc PID START netns=NS netpaths/POD app"), by its
  # sandbox in the first cluster (a 2-cluster lab has pods of the same name in both), named as the caller's is
  pid="$(awk -v ns="netns=${CALLER_NS%%netpaths-caller-*}netpaths-${victim}" -v what="netpaths/${victim}" \
    '$1 == "proc" && $4 == ns && $(NF - 1) == what {pid = $2} END {print pid}' "${LAB_STATE_DIR}/journal")"
  [[ -n "${pid}" ]] || { tap 1 "killed pod: no process of ${victim} in the journal"; return 0; }
  # and the first caller's (a DaemonSet's pod): "proc PID START netns=CALLER_NS netpaths/caller-... app"
  caller="${CALLER#netpaths/}"
  caller_pid="$(awk -v ns="netns=${CALLER_NS}" -v what="${CALLER}" \
    '$1 == "proc" && $4 == ns && $(NF - 1) == what {pid = $2} END {print pid}' "${LAB_STATE_DIR}/journal")"
  [[ -n "${caller_pid}" ]] || { tap 1 "killed pod: no process of ${CALLER} in the journal"; return 0; }
  kill -KILL "${pid}" "${caller_pid}" || rc=1
  for ((i = 0; i < 50 && rc == 0; i++)); do
    kill -0 "${pid}" 2>/dev/null || kill -0 "${caller_pid}" 2>/dev/null || break
    sleep 0.2
  done
  out="$(lab get pods -n netpaths)"
  grep -Eq "^${victim} +0/1 +Error " <<<"${out}" || { log "get pods does not show ${victim} 0/1 Error"; rc=1; }
  grep -Eq "^${caller} +0/1 +Error +0 " <<<"${out}" || { log "get pods does not show ${caller} 0/1 Error"; rc=1; }
  t=${SECONDS}
  out="$(lab delete pod "${victim}" -n netpaths --timeout 120)" || rc=1
  log "delete pod of the killed ${victim}: $((SECONDS - t)) s"
  grep -q "pod/${victim} container app exited since the last verb" <<<"${out}" || { log "the verb did not notice the exit"; rc=1; }
  ! grep -q "pod/${victim} SIGKILL" <<<"${out}" || { log "the verb waited out a grace period"; rc=1; }
  grep -q "pod/${caller} container app exited since the last verb" <<<"${out}" || { log "the verb did not notice the caller's exit"; rc=1; }
  grep -q "pod/${caller} container app restarted (restart count 1)" <<<"${out}" || { log "the verb did not restart the caller"; rc=1; }
  grep -q "pod/${caller} readiness UP" <<<"${out}" || { log "the verb did not wait for the restarted caller"; rc=1; }
  after="$(pods_answering 20 http://echo.netpaths:8080/echo)"
  log "answering after: $(echo "${after}" | tr '\n' ' ')"
  [[ "${after}" != *FAILED* && "${after}" != *"${victim}"* && $(wc -l <<<"${after}") -eq 2 ]] || rc=1
  lab get pods -n netpaths | grep -Eq "^${caller} +1/1 +Running +1 " || { log "get pods does not show ${caller} 1/1 Running, RESTARTS 1"; rc=1; }
  in_caller curl -sS --connect-timeout 2 -m 10 'http://localhost:8080/call?url=http://echo:8080/echo&tries=1' | grep -q '"ok":true' \
    || { log "the restarted ${caller} does not answer /call"; rc=1; }
  tap "${rc}" "pods killed between verbs: get shows them 0/1 Error; delete pod notices the exits, ends the deleted one without a grace wait and restarts the caller (DaemonSet) with RESTARTS 1, which answers again"
}

# 7 --------------------------------------------------------------------------------------------------------------
proof_down() {
  local rc=0 procs out
  if [[ "${LIVE_DOWN:-1}" != 1 ]]; then
    skip "down: LIVE_DOWN=0 leaves the lab up"
    return 0
  fi
  procs="$(lab_processes "${LAB_STATE_DIR}")"
  lab down >/dev/null || { log "down failed"; rc=1; }
  out="$(lab_left_behind "${LAB_PREFIX}" "${LAB_STATE_DIR}" "${procs}")" || rc=1
  [[ -z "${out}" ]] || log "${out}"
  log "down: $(wc -l <<<"${procs}") journaled processes before it"
  tap "${rc}" "down after these changes leaves nothing of prefix ${LAB_PREFIX} (namespaces, links, processes, journal, state dir)"
}

main() {
  local proofs=(proof_bad_input proof_service proof_policy_flip proof_scale proof_delete_pod proof_killed_pod proof_down)
  mkdir -p "${REPORTS}"
  # the plan first: a run that dies half way leaves fewer results than planned, which make test counts as failed
  echo "1..${#proofs[@]}" >"${TAP}"
  trap cleanup EXIT
  if [[ "${NETPATHS_LAB_RUNNING:-0}" != 1 ]]; then
    export LAB_STATE_DIR="${LAB_STATE_DIR:-$(mktemp -d /tmp/netpaths-live-lab.XXXXXX)}" LAB_CNI="${LAB_CNI:-calico}"
    OWN_LAB=1
    lab up
  fi
  [[ -n "${LAB_STATE_DIR:-}" ]] || { log "NETPATHS_LAB_RUNNING=1 needs LAB_STATE_DIR"; return 2; }
  lab status >"${WORK}/status"
  CALLER="$(awk '$1 ~ /^netpaths\/caller-/ {print $1; exit}' "${WORK}/status")"
  CALLER_NS="$(awk '$1 ~ /^netpaths\/caller-/ {print $NF; exit}' "${WORK}/status")"
  CALLER_NODE="$(awk '$1 ~ /^netpaths\/caller-/ {print $2; exit}' "${WORK}/status")"
  CALLER_IP="$(awk '$1 ~ /^netpaths\/caller-/ {print $3; exit}' "${WORK}/status")"
  [[ -n "${CALLER_NS}" ]] || { log "no caller pod in the lab's status"; return 1; }
  local t0 t
  t0=${SECONDS}
  for proof in "${proofs[@]}"; do
    t=${SECONDS}
    "${proof}"
    log "${proof#proof_}: $((SECONDS - t)) s"
  done
  log "all proofs: $((SECONDS - t0)) s"
  [[ ${failures} -eq 0 ]]
}

main "$@"
