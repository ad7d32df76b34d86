#!/usr/bin/env bash
# The workshop's drift test: runs every command the chapters in docs/workshop/ show against a lab and compares
# what it prints with the output on the page, after both are normalised (scripts/test/workshop.sed: pod-name
# hashes, ephemeral ports, MAC addresses, counters, timings, PIDs, column widths). A page and a lab that disagree
# fail the test with a diff. The format of a page is described in docs/workshop/README.md ("How the pages stay
# true"): a `<!-- workshop: lab=CNI[,CNI...] clusters=N -->` line says which lab a page needs, and every fenced
# block opened with ```console lab holds `$ command` lines, each followed by its output (a line `...` stands for
# any number of lines). Commands run in one bash per page, in order, from the repository root, so a page may set
# a variable in one step and use it in the next, and a break-it step must be followed by its fix.
# A block opened with ```console lab lab=CNI[-MODE][,...] clusters=N needs that lab instead of the page's: it runs
# only against such a lab (MODE: Calico's LAB_CALICO, vxlan or bgp), and the page's other blocks only against the
# page's lab; a page runs when either fits, and a block left out is named.
#
# Usage: scripts/test/workshop.sh [--update] [PAGE.md...]     (default: docs/workshop/[0-9]*.md)
#   --update  re-capture: run the pages as above, then rewrite each output that differs with what the lab printed
#             (a block with `...` keeps its shape: each line it shows is replaced by the line it now stands for).
#             First, the pod names and addresses and the Service addresses the pages were captured with
#             (docs/workshop/lab-CNI.tsv, written by this mode) that the lab now gives other values are replaced
#             in the whole page, commands and prose included, so a step keeps reaching the same pod. A command
#             that fails is left as it is and named: fix it by hand.
#
# Settings:
#   NETPATHS_LAB_RUNNING=0    1: use the lab already up at LAB_PREFIX/LAB_STATE_DIR (never brought up or down);
#                             otherwise bring a lab up (LAB_CNI, default flannel) and take it down at the end
#   LAB_PREFIX, LAB_STATE_DIR, LAB_CNI, LAB_CLUSTERS, LAB_CALICO   as for scripts/lab/lab.sh (passed to the pages'
#                             commands; LAB_CNI and LAB_CALICO also name the running lab's CNI and Calico mode)
#   WORKSHOP_PAGE_TIMEOUT=300 seconds one page's commands may take together
#   WORKSHOP_KEEP_OUTPUT=     a directory: keep each page's raw output there (to paste real output into a page)
#   WORKSHOP_TIMES=           a file: append "PAGE<TAB>LINE<TAB>MILLISECONDS<TAB>COMMAND" for every step (where a page's
#                             time goes; each page also logs its three slowest steps)
# Exit status: 0 when every page that fits the lab matches (--update: was re-captured), 1 when one differs or a
# command fails, 2 on bad use.
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB="${REPO_ROOT}/scripts/lab/lab.sh"
NORMALISE="${REPO_ROOT}/scripts/test/workshop.sed"
PAGE_TIMEOUT="${WORKSHOP_PAGE_TIMEOUT:-300}"
WORK=""
BROUGHT_UP=0
LAB_SHAPE_CNI=""
LAB_SHAPE_CLUSTERS=""
LAB_SHAPE_MODE=""
UPDATE=0

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
  printf '%s\n' "${status}" >"${WORK}/status"
  LAB_SHAPE_CNI="$(sed -nE 's/^CNI +([a-z]+).*/\1/p' <<<"${status}" | head -n1)"
  LAB_SHAPE_CNI="${LAB_SHAPE_CNI:-${LAB_CNI:-flannel}}"
  if grep -q 'netpaths-b-' <<<"${status}"; then LAB_SHAPE_CLUSTERS=2; else LAB_SHAPE_CLUSTERS=1; fi
  LAB_SHAPE_MODE=""
  if [[ "${LAB_SHAPE_CNI}" == calico ]]; then LAB_SHAPE_MODE="${LAB_CALICO:-vxlan}"; fi
}

# shape_fits "CNIS CLUSTERS": the running lab is one of CNIS (each CNI, or CNI-MODE for Calico's mode) with CLUSTERS
# clusters; "none" fits any lab and no lab
shape_fits() {
  local cnis clusters
  read -r cnis clusters <<<"$1"
  [[ "${cnis}" == none ]] && return 0
  [[ -n "${LAB_SHAPE_CNI}" && "${clusters}" == "${LAB_SHAPE_CLUSTERS}" ]] || return 1
  [[ ",${cnis}," == *",${LAB_SHAPE_CNI},"* ]] && return 0
  [[ -n "${LAB_SHAPE_MODE}" && ",${cnis}," == *",${LAB_SHAPE_CNI}-${LAB_SHAPE_MODE},"* ]]
}

# block_needs PAGE: "CNIS CLUSTERS" of every block with a lab of its own, one per line, each once
block_needs() {
  sed -nE 's/^```console lab[ \t]+lab=([a-z,-]+) clusters=([12])[ \t]*$/\1 \2/p' "$1" | sort -u
}

# extract PAGE SCRIPT INDEX: writes the page's lab commands as one bash script (each command's output framed by
# markers) and an index "N<TAB>LINE<TAB>FIRST-LINE-OF-COMMAND" per command; the expected outputs go to
# INDEX.N files, and INDEX.range holds "N FIRST LAST" per command: the page lines of its output (FIRST is the line
# after the command, LAST = FIRST - 1 when it shows none).
extract() {
  awk -v script="$2" -v index_file="$3" -v runs="$4" -v skips="$5" '
    function flush() { if (n > 0) { close(index_file "." n); printf "%d %d %d\n", n, first, last > (index_file ".range") } }
    BEGIN { inblock = 0; n = 0; cont = 0; printf "" > (index_file ".range"); print "printf \"\\036START %d\\n\" $(( ${EPOCHREALTIME/./} / 1000 ))" > script }
    # runs: "page" when the blocks without a lab of their own run, then each block lab that fits, "|"-separated
    /^```console lab[ \t]*$/ && !inblock { inblock = (runs ~ /^page/) ? 1 : 2; if (inblock == 2) print NR > skips; next }
    /^```console lab[ \t]+lab=[a-z,-]+ clusters=[12][ \t]*$/ && !inblock {
      need = $0; sub(/^```console lab[ \t]+lab=/, "", need); sub(/ clusters=/, " ", need); sub(/[ \t]*$/, "", need)
      inblock = index("|" runs "|", "|" need "|") ? 1 : 2; if (inblock == 2) print NR > skips; next
    }
    /^```[ \t]*$/ && inblock == 2 { inblock = 0; next }
    inblock == 2 { next }
    /^```[ \t]*$/ && inblock { inblock = 0; cont = 0; flush(); n_done = n; next }
    !inblock { next }
    cont { print > script; cont = ($0 ~ /\\$/); first = NR + 1; last = NR; if (!cont) print "} 2>&1 </dev/null\nprintf \"\\036RC %d %d\\n\" $? $(( ${EPOCHREALTIME/./} / 1000 ))" > script; next }
    /^\$ / {
      if (n > n_done) flush()
      n++
      cmd = substr($0, 3)
      printf "%d\t%d\t%s\n", n, NR, cmd > index_file
      printf "" > (index_file "." n)
      first = NR + 1; last = NR
      print "printf \"\\036CMD " n "\\n\"\n{ " cmd > script
      cont = ($0 ~ /\\$/)
      if (!cont) print "} 2>&1 </dev/null\nprintf \"\\036RC %d %d\\n\" $? $(( ${EPOCHREALTIME/./} / 1000 ))" > script
      next
    }
    n > n_done { print > (index_file "." n); last = NR }
    END { if (inblock) { print "unclosed ```console lab block" > "/dev/stderr"; exit 3 } }
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

# as_page: what a page shows of a command's output: the lab's output as the default lab's, without what the
# normaliser drops as noise (a loaded JVM's warnings), without trailing blank lines
as_page() {
  as_default_lab | sed -E -f <(grep -E '^/.*/d$' "${NORMALISE}" | grep -vF '[[:space:]]*$') | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# line_keys FILE: one key per line of FILE to align a page's lines with the lab's: the line normalised, digits as 0
# (so a line whose address moved still pairs with its successor); "\001" for a line the normaliser drops
line_keys() {
  local l k
  while IFS= read -r l || [[ -n "${l}" ]]; do
    if [[ "${l}" == "..." ]]; then echo "..."; continue; fi
    k="$(printf '%s\n' "${l}" | sed -E -f "${NORMALISE}" | tr '0-9' '0000000000')"
    printf '%s\n' "${k:-$'\001'}"
  done <"$1"
}

# realign EXPECTED ACTUAL: the page's lines (with "..."), each shown line replaced by the lab's line it pairs with
# (paired by line_keys, in order, "..." standing for any run); fails when they do not pair
realign() {
  awk -v ek="$3" -v ak="$4" '
    BEGIN { while ((getline l < ek) > 0) e[++ne] = l; while ((getline l < ak) > 0) a[++na] = l }
    FNR == NR { er[FNR] = $0; next }
    { ar[FNR] = $0 }
    function m(i, j,   k) {
      if (i > ne) { while (j <= na && a[j] == "\001") j++; return j > na }
      if (e[i] == "\001") return m(i + 1, j)
      if (j <= na && a[j] == "\001") return m(i, j + 1)
      if (e[i] == "...") { for (k = j; k <= na + 1; k++) if (m(i + 1, k)) { return 1 } return 0 }
      if (j <= na && e[i] == a[j] && m(i + 1, j + 1)) { pick[i] = j; return 1 }
      return 0
    }
    END {
      if (!m(1, 1)) exit 1
      for (i = 1; i <= ne; i++) print (e[i] == "..." || e[i] == "\001") ? er[i] : ar[pick[i]]
    }
  ' "$1" "$2"
}

# lab_objects: from the status read_lab_shape kept, "KEY<TAB>NAME<TAB>ADDRESS" for every pod (KEY ns/workload@node[#k], NAME its name) and Service
# (KEY svc:ns/name for its ClusterIP, lb:ns/name for its LoadBalancer IP) of the running lab, as the pages name them
lab_objects() {
  as_default_lab <"${WORK}/status" | awk '
    /^[A-Z]/ { section = $1; next }
    section == "PODS" && $1 ~ /\// && $3 ~ /^[0-9.]+$/ {
      # mawk has no {m,n}: the suffixes spelt out (pod-template hash of 8-10, id of 5, apimachinery rand alphabet)
      c = "[bcdfghjklmnpqrstvwxz2456789]"; id = "-" c c c c c "$"
      split($1, p, "/"); w = p[2]
      if (!sub("-" c c c c c c c c c "?" c "?" id, "", w)) sub(id, "", w)
      key = p[1] "/" w "@" $2; seen[key]++; if (seen[key] > 1) key = key "#" seen[key]
      print key "\t" p[2] "\t" $3
    }
    section == "SERVICES" && $1 ~ /\// {
      if ($3 ~ /^[0-9.]+$/) print "svc:" $1 "\t" $1 "\t" $3
      if ($5 ~ /^[0-9.]+$/) print "lb:" $1 "\t" $1 "\t" $5
    }'
}

# renames OLD NEW: "OLD-VALUE<TAB>NEW-VALUE" for every pod name and address that moved between two lab_objects
renames() {
  awk -F'\t' '
    FNR == NR { name[$1] = $2; addr[$1] = $3; next }
    ($1 in name) {
      if (name[$1] != $2 && $1 !~ /^(svc|lb):/) print name[$1] "\t" $2
      if (addr[$1] != $3) print addr[$1] "\t" $3
      delete name[$1]
    }
    END { for (k in name) print "workshop: " k " (" name[k] ", " addr[k] ") is gone from the lab: pages naming it need a hand" > "/dev/stderr" }
  ' "$1" "$2"
}

# rename_in PAGE RENAMES: every old value in PAGE replaced by its new one at once (so two pods that swapped
# addresses swap on the page too); a value matches whole: not inside a longer name or address
rename_in() {
  awk -F'\t' '
    FNR == NR { old[++n] = $1; new[n] = $2; next }
    function whole(s, at, len,   b, c) {
      b = at > 1 ? substr(s, at - 1, 1) : ""; c = substr(s, at + len, 1)
      return b !~ /[0-9.]/ && c !~ /[a-z0-9]/ && !(c == "." && substr(s, at + len + 1, 1) ~ /[0-9]/)
    }
    {
      line = $0
      for (k = 1; k <= n; k++) {
        out = ""; rest = line
        while ((at = index(rest, old[k])) > 0) {
          if (whole(rest, at, length(old[k]))) { out = out substr(rest, 1, at - 1) "\001" k "\002" }
          else { out = out substr(rest, 1, at - 1 + length(old[k])) }
          rest = substr(rest, at + length(old[k]))
        }
        line = out rest
      }
      while (match(line, /\001[0-9]+\002/)) line = substr(line, 1, RSTART - 1) new[substr(line, RSTART + 1, RLENGTH - 2) + 0] substr(line, RSTART + RLENGTH)
      print line
    }
  ' "$2" "$1" >"$1.renamed" && mv "$1.renamed" "$1"
}

# rewrite_page PAGE DIR: replaces the output lines of every command with a DIR/new.N file by that file
rewrite_page() {
  local page="$1" dir="$2"
  awk -v dir="${dir}" '
    FNR == NR { if (system("test -f " dir "/new." $1) == 0) { first[$1] = $2; last[$1] = $3; at[$2] = $1 } ; next }
    { for (c in first) if (FNR > first[c] && FNR <= last[c]) next }
    (FNR in at) && first[at[FNR]] > last[at[FNR]] { while ((getline l < (dir "/new." at[FNR])) > 0) print l }
    (FNR in at) && first[at[FNR]] <= last[at[FNR]] { while ((getline l < (dir "/new." at[FNR])) > 0) print l; next }
    { print }
  ' "${dir}/index.range" "${page}" >"${dir}/page.rewritten" && cat "${dir}/page.rewritten" >"${page}"
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
  local runs="" need
  if shape_fits "$(page_needs "${page}")"; then runs="page"; fi
  while IFS= read -r need; do
    if [[ -n "${need}" ]] && shape_fits "${need}"; then runs+="|${need}"; fi
  done < <(block_needs "${page}")
  : >"${dir}/skipped"
  extract "${page}" "${script}" "${idx}" "${runs}" "${dir}/skipped" || { log "${page}: cannot read its lab blocks"; return 1; }
  if [[ -s "${dir}/skipped" ]]; then
    log "${page##*/}: $(wc -l <"${dir}/skipped") block(s) for another lab left out (lines $(paste -sd, "${dir}/skipped"))"
  fi
  [[ -s "${idx}" ]] || { log "${page}: no \`\`\`console lab block"; return 0; }
  raw="${dir}/raw"
  # one bash for the whole page, bounded as a whole; pipefail as an attendee's interactive shell would not have it
  (cd "${REPO_ROOT}" && timeout --kill-after=10 "${PAGE_TIMEOUT}" bash "${script}") >"${raw}" 2>&1 || true
  if [[ -n "${WORKSHOP_KEEP_OUTPUT:-}" ]]; then
    mkdir -p "${WORKSHOP_KEEP_OUTPUT}" && cp "${raw}" "${WORKSHOP_KEEP_OUTPUT}/${name}.out"
  fi
  local took prev slow="" ms
  prev="$(sed -n 's/^\x1eSTART //p' "${raw}" | head -n1)"
  while IFS=$'\t' read -r n line cmd; do
    awk -v n="${n}" '
      $0 == "\036CMD " n { on = 1; next }
      on && /^\036RC / { exit }
      on { print }
    ' "${raw}" >"${dir}/out.${n}"
    as_default_lab <"${dir}/out.${n}" | normalise >"${dir}/actual.${n}"
    read -r rc took < <(awk -v n="${n}" '$0 == "\036CMD " n { on = 1; next } on && /^\036RC / { print $2, $3; exit }' "${raw}") || true
    if [[ -n "${took:-}" && -n "${prev}" ]]; then
      ms=$((took - prev)); prev="${took}"
      slow+="$(printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100))) s  ${page##*/}:${line} ${cmd:0:70}"$'\n'
      if [[ -n "${WORKSHOP_TIMES:-}" ]]; then printf '%s\t%s\t%d\t%s\n' "${page##*/}" "${line}" "${ms}" "${cmd}" >>"${WORKSHOP_TIMES}"; fi
    fi
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
      if [[ "${UPDATE}" == 1 ]]; then
        recapture "${dir}" "${n}" "${page}:${line}" || failed=1
        continue
      fi
      log "${page}:${line}: \`${cmd}\` printed something else than the page shows (normalised; - page, + lab):"
      diff -u --label page --label lab "${dir}/expected.${n}" "${dir}/actual.${n}" | sed 's/^/    /' >&2 || true
      failed=1
    fi
  done <"${idx}"
  # where a page's time goes: its slowest commands
  if [[ -n "${slow}" ]]; then
    log "${page##*/}: slowest steps:"
    sort -rn <<<"${slow}" | head -n3 | sed 's/^/    /' >&2
  fi
  if [[ "${UPDATE}" == 1 ]] && compgen -G "${dir}/new.*" >/dev/null; then
    rewrite_page "${page}" "${dir}"
    log "${page}: re-captured $(compgen -G "${dir}/new.*" | wc -l) output(s)"
  fi
  return "${failed}"
}

# recapture DIR N WHERE: DIR/new.N, the page's output of command N as the lab now prints it (a block with "..."
# keeps its shape when it can; otherwise it shows all of the lab's output, and says so)
recapture() {
  local dir="$1" n="$2" where="$3"
  as_page <"${dir}/out.${n}" >"${dir}/lab.${n}"
  if grep -qx '\.\.\.' "${dir}/index.${n}"; then
    line_keys "${dir}/index.${n}" >"${dir}/ekeys.${n}"
    line_keys "${dir}/lab.${n}" >"${dir}/akeys.${n}"
    if realign "${dir}/index.${n}" "${dir}/lab.${n}" "${dir}/ekeys.${n}" "${dir}/akeys.${n}" >"${dir}/new.${n}"; then
      return 0
    fi
    log "${where}: its lines no longer pair with the lab's (the page shows some, with ...): it now shows all of them; trim by hand"
  fi
  cp "${dir}/lab.${n}" "${dir}/new.${n}"
}

# fits PAGE: the page, or one of its blocks, needs the lab that is up (or no lab).
fits() {
  local needs
  needs="$(page_needs "$1")"
  [[ -n "${needs}" ]] || { log "$1: no '<!-- workshop: lab=... clusters=N -->' line"; return 2; }
  shape_fits "${needs}" && return 0
  while IFS= read -r needs; do
    if [[ -n "${needs}" ]] && shape_fits "${needs}"; then return 0; fi
  done < <(block_needs "$1")
  return 1
}

needs_lab() {
  local page
  for page in "$@"; do
    [[ "$(page_needs "${page}")" == none* ]] || return 0
  done
  return 1
}

main() {
  case "${1:-}" in
    -h|--help) sed -n '/^set -o/q;2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;;
    --update) UPDATE=1; shift ;;
    -*) log "unknown option $1 (--update, --help)"; return 2 ;;
  esac
  local pages=("$@") page rc=0 ran=0 skipped=0 start objects=""
  start="${SECONDS}"
  if [[ ${#pages[@]} -eq 0 ]]; then
    pages=("${REPO_ROOT}"/docs/workshop/[0-9]*.md)
  fi
  for page in "${pages[@]}"; do
    [[ -f "${page}" ]] || { log "no such page: ${page}"; return 2; }
    # before any lab is brought up: a page without its lab line is bad use, whatever lab is up
    [[ -n "$(page_needs "${page}")" ]] || { log "${page}: no '<!-- workshop: lab=... clusters=N -->' line"; return 2; }
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
    # the pods and addresses the pages were captured with, per lab
    objects="${REPO_ROOT}/docs/workshop/lab-${LAB_SHAPE_CNI}-${LAB_SHAPE_CLUSTERS}.tsv"
    lab_objects >"${WORK}/objects"
    if [[ -f "${objects}" ]] && ! cmp -s "${objects}" "${WORK}/objects"; then
      renames "${objects}" "${WORK}/objects" >"${WORK}/renames"
      if [[ "${UPDATE}" == 1 ]]; then
        log "the lab names or addresses $(wc -l <"${WORK}/renames") pod(s) or Service(s) otherwise than the pages: renamed on every page"
      else
        log "the lab names or addresses pods or Services otherwise than when the pages were captured" \
          "($(tr '\t\n' '>,' <"${WORK}/renames" | sed 's/,$//;s/>/ -> /g')): re-capture with $0 --update"
      fi
    fi
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
    if [[ "${UPDATE}" == 1 && -s "${WORK}/renames" ]]; then
      rename_in "${page}" "${WORK}/renames"
    fi
    if run_page "${page}"; then
      log "$(basename "${page}"): matches the lab"
    else
      log "$(basename "${page}"): DIFFERS from the lab"
      rc=1
    fi
  done
  if [[ "${UPDATE}" == 1 && -n "${objects}" ]]; then
    cp "${WORK}/objects" "${objects}"
  fi
  log "${ran} page(s) checked, ${skipped} skipped, $((SECONDS - start)) s"
  return "${rc}"
}

main "$@"
