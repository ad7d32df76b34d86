#!/usr/bin/env bash
# kill -9 of the lab's CLI in the middle of a change, then `down` leaves nothing (issue #14 item 5): no network
# namespace or root-namespace link of the prefix, no process of the lab, no journal or state dir
# (scripts/test/leftovers.sh, the check live.sh ends with too). One lab of its own (flannel), every wait bounded.
#
# Usage: scripts/test/kill9.sh
# Settings: LAB_PREFIX=${LAB_PREFIX:-k9}, LAB_STATE_DIR (default: a fresh directory under /tmp)
# Exit status: 0 when nothing was left, 1 otherwise.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
export LAB_PREFIX="${LAB_PREFIX:-k9}" LAB_CNI=flannel
export LAB_STATE_DIR="${LAB_STATE_DIR:-$(mktemp -d /tmp/netpaths-kill9.XXXXXX)}"
OUT="$(mktemp /tmp/netpaths-kill9-out.XXXXXX)"
# shellcheck source=scripts/test/leftovers.sh
source "${REPO_ROOT}/scripts/test/leftovers.sh"
trap 'rm -f "${OUT}"' EXIT

log() { printf 'kill9: %s\n' "$*"; }

"${LAB}" up >/dev/null
# the change: a rollout, killed once its first new pod exists (sandbox wired, JVM started, nothing settled)
"${LAB}" rollout restart deployment/echo -n netpaths >"${OUT}" 2>&1 &
verb=$!
for ((i = 0; i < 600; i++)); do
  grep -q ' created on ' "${OUT}" && break
  kill -0 "${verb}" 2>/dev/null || break
  sleep 0.2
done
grep -q ' created on ' "${OUT}" || { log "the rollout created no pod within 120 s:"; cat "${OUT}"; "${LAB}" down >/dev/null; exit 1; }
cli="$(pgrep -P "${verb}" java || true)"
[[ -n "${cli}" ]] || { log "no lab CLI process under ${verb}"; "${LAB}" down >/dev/null; exit 1; }
kill -9 "${cli}"
wait "${verb}" || true
log "killed the CLI (pid ${cli}) mid-rollout: $(grep -c ' created on ' "${OUT}") new pod(s) created"
procs="$(lab_processes "${LAB_STATE_DIR}")"
"${LAB}" down >/dev/null
rc=0
lab_left_behind "${LAB_PREFIX}" "${LAB_STATE_DIR}" "${procs}" | sed 's/^/kill9: /' || rc=1
[[ ${rc} -eq 0 ]] && log "down left nothing of prefix ${LAB_PREFIX} ($(wc -l <<<"${procs}") journaled processes gone)"
rm -rf "${LAB_STATE_DIR}"
exit "${rc}"
