#!/usr/bin/env bash
# The workshop's drift test: runs every command the chapters in docs/workshop/ show against a lab and compares
# what it prints with the output on the page, after both are normalised (scripts/test/workshop.sed: pod-name
# hashes, ephemeral ports, MAC addresses, counters, timings, PIDs, column widths). A page and a lab that disagree
# fail the test with a diff. The format of a page is described in docs/workshop/README.md ("How the pages stay
# true"): a `<!-- workshop: lab=CNI[,CNI...] clusters=N -->` line says which lab a page needs, and every fenced
# block opened with ```console lab holds `$ command` lines, each followed by its output (a line `...` stands for
# any number of lines). Commands run in one bash per page, in order, from the repository root, so a page may set
# a variable in one step and use it in the next, and a break-it step must be followed by its fix.
#
# Usage: scripts/test/workshop.sh [PAGE.md...]     (default: docs/workshop/[0-9]*.md)
#
# Settings:
#   NETPATHS_LAB_RUNNING=0    1: use the lab already up at LAB_PREFIX/LAB_STATE_DIR (never brought up or down);
#                             otherwise bring a lab up (LAB_CNI, default flannel) and take it down at the end
#   LAB_PREFIX, LAB_STATE_DIR, LAB_CNI, LAB_CLUSTERS   as for scripts/lab/lab.sh (passed to the pages' commands)
#   WORKSHOP_PAGE_TIMEOUT=300 seconds one page's commands may take together
#   WORKSHOP_KEEP_OUTPUT=     a directory: keep each page's raw output there (to paste real output into a page)
# Exit status: 0 when every page that fits the lab matches, 1 when one differs or a command fails, 2 on bad use.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
NORMALISE="${REPO_ROOT}/scripts/test/workshop.sed"
PAGE_TIMEOUT="${WORKSHOP_PAGE_TIMEOUT:-300}"
WORK=""
BROUGHT_UP=0
LAB_SHAPE_CNI=""
LAB_SHAPE_CLUSTERS=""

log() { printf 'workshop: %s\n' "$*" >&2; }

cleanup() {
  local rc=$?
  if [[ "${BROUGHT_UP}" == 1 ]]; then
    "${LAB}" down >/dev/null 2>&1 || log "lab down failed: run LAB_PREFIX=${LAB_PREFIX:-np} ${LAB} down"
  fi
  [[ -n "${WORK}" ]] && rm -rf "${WORK}"
  exit "${rc}"
}

# The page's requirement line, as "CNIS CLUSTERS" (CNIS comma-separated); empty when the page has none.
page_needs() {
  sed -nE 's/^<!-- workshop: lab=([a-z,]+) clusters=([12]) -->$/\1 \2/p' "$1" | head -n1
}

# The shape of the running lab, from the CLI's status (first NODES line names the CNI) and its clusters.
read_lab_shape() {
  local status
  status="$("${LAB}" status 2>&1)" || { log "no lab up at prefix ${LAB_PREFIX:-np}: ${status}"; return 1; }
  LAB_SHAPE_CNI="$(sed -nE 's/^CNI +([a-z]+).*/\1/p' <<<"${status}" | head -n1)"
  LAB_SHAPE_CNI="${LAB_SHAPE_CNI:-${LAB_CNI:-flannel}}"
  if grep -q 'netpaths-b-' <<<"${status}"; then LAB_SHAPE_CLUSTERS=2; else LAB_SHAPE_CLUSTERS=1; fi
}

# extract PAGE SCRIPT INDEX: writes the page's lab commands as one bash script (each command's output framed by
# markers) and an index "N<TAB>LINE<TAB>FIRST-LINE-OF-COMMAND" per command; the expected outputs go to
# INDEX.N files.
extract() {
  awk -v script="$2" -v index_file="$3" '
    function flush() { if (n > 0) close(index_file "." n) }
    BEGIN { inblock = 0; n = 0; cont = 0 }
    /^```console lab[ \t]*$/ && !inblock { inblock = 1; next }
    /^```[ \t]*$/ && inblock { inblock = 0; cont = 0; next }
    !inblock { next }
    cont { print > script; cont = ($0 ~ /\\$/); if (!cont) print "} 2>&1 </dev/null\nprintf \"\\036RC %d\\n\" $?" > script; next }
    /^\$ / {
      flush(); n++
      cmd = substr($0, 3)
      printf "%d\t%d\t%s\n", n, NR, cmd > index_file
      printf "" > (index_file "." n)
      print "printf \"\\036CMD " n "\\n\"\n{ " cmd > script
      cont = ($0 ~ /\\$/)
      if (!cont) print "} 2>&1 </dev/null\nprintf \"\\036RC %d\\n\" $?" > script
      next
    }
    n > 0 { print > (index_file "." n) }
    END { flush(); if (inblock) { print "unclosed ```console lab block" > "/dev/stderr"; exit 3 } }
  ' "$1"
}

# normalise: the normaliser, then no trailing blank lines (a page ends its block where it likes)
normalise() { sed -E -f "${NORMALISE}" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# as_default_lab: the lab's output as the default lab (prefix np, root state dir, default reports) would print it, so pages show
# what an attendee sees with the README's set-up whatever prefix the test's lab has
as_default_lab() {
  local prefix="${LAB_PREFIX:-np}" args=()
  [[ -n "${LAB_REPORTS:-}" ]] && args+=(-e "s#${LAB_REPORTS}#${REPO_ROOT}/reports/lab-case#g")
  [[ -n "${LAB_STATE_DIR:-}" ]] && args+=(-e "s#${LAB_STATE_DIR}#/run/netpaths-lab#g")
  # paths in the clone read relative to it, as a page shows them
  sed "${args[@]}" -e "s#${REPO_ROOT}/##g" -e "s/\b${prefix}-/np-/g" -e "s/prefix ${prefix},/prefix np,/"
}

# matches EXPECTED ACTUAL: every expected line equals an actual line in order; "..." matches any run of lines.
matches() {
  awk '
    FNR == NR { e[++ne] = $0; next }
    { a[++na] = $0 }
    function m(i, j,   k) {
      if (i > ne) return j > na
      if (e[i] == "...") { for (k = j; k <= na + 1; k++) if (m(i + 1, k)) return 1; return 0 }
      if (j <= na && e[i] == a[j]) return m(i + 1, j + 1)
      return 0
    }
    END { exit m(1, 1) ? 0 : 1 }
  ' "$1" "$2"
}

# run_page PAGE: 0 when every command printed what the page shows and exited 0.
run_page() {
  local page="$1" name dir script idx raw n line cmd rc failed=0
  name="$(basename "${page}" .md)"
  dir="${WORK}/${name}"
  mkdir -p "${dir}"
  script="${dir}/page.sh"
  idx="${dir}/index"
  : >"${idx}"
  extract "${page}" "${script}" "${idx}" || { log "${page}: cannot read its lab blocks"; return 1; }
  [[ -s "${idx}" ]] || { log "${page}: no \`\`\`console lab block"; return 0; }
  raw="${dir}/raw"
  # one bash for the whole page, bounded as a whole; pipefail as an attendee's interactive shell would not have it
  (cd "${REPO_ROOT}" && timeout --kill-after=10 "${PAGE_TIMEOUT}" bash "${script}") >"${raw}" 2>&1 || true
  if [[ -n "${WORKSHOP_KEEP_OUTPUT:-}" ]]; then
    mkdir -p "${WORKSHOP_KEEP_OUTPUT}" && cp "${raw}" "${WORKSHOP_KEEP_OUTPUT}/${name}.out"
  fi
  while IFS=$'\t' read -r n line cmd; do
    awk -v n="${n}" '
      $0 == "\036CMD " n { on = 1; next }
      on && /^\036RC / { exit }
      on { print }
    ' "${raw}" | as_default_lab | normalise >"${dir}/actual.${n}"
    rc="$(awk -v n="${n}" '$0 == "\036CMD " n { on = 1; next } on && /^\036RC / { print $2; exit }' "${raw}")"
    normalise <"${idx}.${n}" >"${dir}/expected.${n}"
    if [[ -z "${rc}" ]]; then
      log "${page}:${line}: \`${cmd}\` did not finish (page timeout ${PAGE_TIMEOUT}s, or an earlier command ended the shell)"
      failed=1
      break
    fi
    if [[ "${rc}" != 0 ]]; then
      log "${page}:${line}: \`${cmd}\` exited ${rc}; its output:"
      sed 's/^/    /' "${dir}/actual.${n}" >&2
      failed=1
      continue
    fi
    if ! matches "${dir}/expected.${n}" "${dir}/actual.${n}"; then
      log "${page}:${line}: \`${cmd}\` printed something else than the page shows (normalised; - page, + lab):"
      diff -u --label page --label lab "${dir}/expected.${n}" "${dir}/actual.${n}" | sed 's/^/    /' >&2 || true
      failed=1
    fi
  done <"${idx}"
  return "${failed}"
}

# fits PAGE: the page needs the lab that is up (or no lab).
fits() {
  local needs cnis clusters
  needs="$(page_needs "$1")"
  [[ -n "${needs}" ]] || { log "$1: no '<!-- workshop: lab=... clusters=N -->' line"; return 2; }
  read -r cnis clusters <<<"${needs}"
  [[ "${cnis}" == none ]] && return 0
  [[ ",${cnis}," == *",${LAB_SHAPE_CNI},"* && "${clusters}" == "${LAB_SHAPE_CLUSTERS}" ]]
}

needs_lab() {
  local page
  for page in "$@"; do
    [[ "$(page_needs "${page}")" == none* ]] || return 0
  done
  return 1
}

main() {
  case "${1:-}" in -h|--help) sed -n '/^set -o/q;2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;; esac
  local pages=("$@") page rc=0 ran=0 skipped=0 start
  start="${SECONDS}"
  if [[ ${#pages[@]} -eq 0 ]]; then
    pages=("${REPO_ROOT}"/docs/workshop/[0-9]*.md)
  fi
  for page in "${pages[@]}"; do
    [[ -f "${page}" ]] || { log "no such page: ${page}"; return 2; }
  done
  WORK="$(mktemp -d /tmp/netpaths-workshop.XXXXXX)"
  trap cleanup EXIT
  if needs_lab "${pages[@]}"; then
    if [[ "${NETPATHS_LAB_RUNNING:-0}" != 1 ]]; then
      log "bringing up a lab (LAB_CNI=${LAB_CNI:-flannel}, prefix ${LAB_PREFIX:-np}); NETPATHS_LAB_RUNNING=1 uses a running one"
      BROUGHT_UP=1
      "${LAB}" up >"${WORK}/up.log" 2>&1 || { cat "${WORK}/up.log" >&2; log "lab up failed"; return 1; }
    fi
    read_lab_shape || return 1
    log "lab ${LAB_SHAPE_CNI}, ${LAB_SHAPE_CLUSTERS} cluster(s), prefix ${LAB_PREFIX:-np}"
  fi
  for page in "${pages[@]}"; do
    local fit=0
    fits "${page}" || fit=$?
    if [[ ${fit} -eq 2 ]]; then rc=1; continue; fi
    if [[ ${fit} -ne 0 ]]; then
      skipped=$((skipped + 1))
      log "$(basename "${page}"): skipped (needs $(page_needs "${page}"))"
      continue
    fi
    ran=$((ran + 1))
    if run_page "${page}"; then
      log "$(basename "${page}"): matches the lab"
    else
      log "$(basename "${page}"): DIFFERS from the lab"
      rc=1
    fi
  done
  log "${ran} page(s) checked, ${skipped} skipped, $((SECONDS - start)) s"
  return "${rc}"
}

main "$@"
