# Helpers the benchmark scripts share. Sourced, not run: `source "${REPO_ROOT}/scripts/bench/lib.sh"`.
# shellcheck shell=bash

# the comment block at the top of the benchmark script that sourced this file
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

log() { printf '==> %s\n' "$*" >&2; }

die() {
  echo "bench: $*" >&2
  exit 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One line naming the machine the figures come from, and how busy it was when they started.
print_machine() {
  echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
    "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "$(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg) (other work skews figures)"
}
