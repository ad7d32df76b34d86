#!/usr/bin/env bash
# The script tests, no Docker needed: shellcheck (severity warning and above) on every script under
# scripts/, then the bats suite in scripts/test/ (TAP on stdout: scripts/test.sh counts its "ok" lines).
# Exits non-zero when either fails.
#
# Usage: scripts/test/run.sh [-h|--help] [BATS FILE...]
#
# Settings:
#   BATS=${BATS:-bats}                   the bats command
#   SHELLCHECK=${SHELLCHECK:-shellcheck} the shellcheck command
#   BATS_JOBS=$(nproc)                   tests run at once (bats --jobs, with GNU parallel; 1 without it): each test
#                                        has its own temporary directory, so they do not share files
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BATS="${BATS:-bats}"
SHELLCHECK="${SHELLCHECK:-shellcheck}"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

require() {
  command -v "$1" >/dev/null 2>&1 || { echo "run.sh: $1 not found: apt-get install $2 (or scripts/install-deps.sh)" >&2; exit 1; }
}

# Every shell script under scripts/: *.sh, *.bash, *.bats, and extension-less files with a bash shebang.
shell_scripts() {
  find scripts -type f \( -name '*.sh' -o -name '*.bash' -o -name '*.bats' -o ! -name '*.*' \) -print0 \
    | sort -z \
    | while IFS= read -r -d '' f; do
        case "${f}" in
          *.sh|*.bash|*.bats) printf '%s\0' "${f}" ;;
          *) head -n1 "${f}" | grep -qE '^#!.*\b(ba)?sh\b' && printf '%s\0' "${f}" ;;
        esac
      done
}

main() {
  case "${1:-}" in -h|--help) usage; exit 0 ;; esac
  cd "${REPO_ROOT}"
  require "${SHELLCHECK}" shellcheck
  require "${BATS}" bats
  local scripts rc=0
  mapfile -d '' -t scripts < <(shell_scripts)
  echo "# shellcheck -S warning: ${#scripts[@]} scripts under scripts/" >&2
  # -x follows `source` lines (paths in the directives are relative to the repository root).
  "${SHELLCHECK}" -x -S warning "${scripts[@]}" >&2 || rc=$?
  if [[ ${rc} -ne 0 ]]; then echo "# shellcheck found problems (above)" >&2; fi
  local jobs=(--jobs "${BATS_JOBS:-$(nproc)}")
  command -v parallel >/dev/null 2>&1 || jobs=()
  [[ $# -gt 0 ]] || set -- scripts/test
  "${BATS}" --tap "${jobs[@]}" "$@" || rc=1
  return "${rc}"
}

main "$@"
