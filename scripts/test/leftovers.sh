# shellcheck shell=bash
# What `lab down` must leave of a lab: nothing (issue #14 item 5). Sourced by scripts/test/kill9.sh (down after
# kill -9 of the CLI mid-change) and scripts/test/live.sh (down after its sequence of changes); live.bats shows each
# check failing on what it looks for.
#
#   lab_processes STATE_DIR               before down: "PID START-TIME" of every process the lab's journal records
#   lab_left_behind PREFIX STATE_DIR [PROCS]
#                                         after down: prints one "left: ..." line per thing left and returns 1 when
#                                         there is any: a network namespace of the prefix (the links, veths and
#                                         VXLAN devices inside go with it), a link of the prefix in this namespace,
#                                         a process whose command line names the state dir, a process of PROCS
#                                         (lab_processes' output) still running as the same process (same start
#                                         time: a recycled PID is not the lab's), the journal or the state dir

lab_processes() {
  [[ -f "$1/journal" ]] || return 0
  awk '$1 == "proc" {print $2, $3}' "$1/journal"
}

# running PID START: PID is still that process (same start time, field 22 of /proc/PID/stat, counted after the
# command name, which may hold spaces and parentheses) and not a zombie or dead (state Z or X: its parent
# has yet to reap it, and it holds nothing of the lab's any more)
_leftovers_running() {
  local stat rest
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  rest="${stat##*) }"
  [[ "${rest%% *}" != [ZX] ]] || return 1
  [[ "$(awk '{print $20}' <<<"${rest}")" == "$2" ]]
}

_leftovers_line() { tr '\n' ' ' <<<"$1" | sed 's/ $//'; }

lab_left_behind() {
  local prefix="$1" state="$2" procs="${3:-}" rc=0 left pid start
  left="$(ip netns list | awk -v p="${prefix}-" 'index($1, p) == 1 {print $1}')"
  [[ -z "${left}" ]] || { echo "left: namespaces $(_leftovers_line "${left}")"; rc=1; }
  left="$(ip -o link show | awk -F': ' -v p="${prefix}-" 'index($2, p) == 1 {print $2}')"
  [[ -z "${left}" ]] || { echo "left: links $(_leftovers_line "${left}")"; rc=1; }
  left="$(pgrep -f -- "${state}" || true)"
  [[ -z "${left}" ]] || { echo "left: processes naming ${state}: $(_leftovers_line "${left}")"; rc=1; }
  # looked at once: down has already waited (bounded) for each process it ended to be gone or a zombie, the same
  # rule as this one (lab/.../proc/Procs.java alive), and logs "survived SIGKILL" for any that was not
  while read -r pid start; do
    [[ -n "${pid}" ]] || continue
    ! _leftovers_running "${pid}" "${start}" || { echo "left: process ${pid} (journaled, start time ${start})"; rc=1; }
  done <<<"${procs}"
  [[ ! -e "${state}/journal" ]] || { echo "left: the journal ${state}/journal"; rc=1; }
  [[ ! -e "${state}" ]] || { echo "left: the state dir ${state}"; rc=1; }
  return "${rc}"
}
