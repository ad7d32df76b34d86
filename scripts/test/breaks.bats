#!/usr/bin/env bats
# The break-it suite's list, its script and conformance/README.md agree, and bad input changes nothing. (The
# suite itself needs a lab: `make test-breaks`, or scripts/test.sh's flannel:1 lab run.)

load helpers

LIST="${REPO_ROOT}/scripts/test/breaks.tsv"
README="${REPO_ROOT}/conformance/README.md"

# rows: id, set, cases, cause of every break in the list
rows() { grep -v '^#' "${LIST}" | awk -F'\t' 'NF { print $1 "\t" $2 "\t" $3 "\t" $4 }'; }

@test "breaks: every break in the list has a README row with its set, cases and cause, and no other row" {
  local id set cases cause row readme_ids list_ids
  while IFS=$'\t' read -r id set cases cause; do
    row="$(grep -F "| \`${id}\` |" "${README}")" || { echo "no README row for ${id}" >&2; return 1; }
    [[ "${row}" == *"| ${set} |"* ]] || { echo "${id}: README row lacks set ${set}: ${row}" >&2; return 1; }
    for c in ${cases//,/ }; do
      [[ "${row}" == *"\`${c}\`"* ]] || { echo "${id}: README row lacks case ${c}" >&2; return 1; }
    done
    # the README escapes | inside table cells
    [[ "${row}" == *"\`${cause//|/\\|}\` |" ]] || { echo "${id}: README row lacks cause ${cause}: ${row}" >&2; return 1; }
  done < <(rows)
  readme_ids="$(sed -n '/^## Break-it suite/,/^## /p' "${README}" | awk -F'|' '/^\| `/ {gsub(/[ `]/, "", $2); print $2}' | sort)"
  list_ids="$(rows | cut -f1 | sort)"
  [[ "${readme_ids}" == "${list_ids}" ]] || { diff <(echo "${readme_ids}") <(echo "${list_ids}") >&2; return 1; }
}

@test "breaks: every break has break_ and restore_ functions, five fields and a known status, and names real cases" {
  local id c
  run grep -v '^#' "${LIST}"
  while IFS=$'\t' read -r id _ cases _ status; do
    [[ -n "${id}" ]] || continue
    grep -q "^break_${id}() " "${REPO_ROOT}/scripts/test/breaks.sh" || { echo "no break_${id}" >&2; return 1; }
    grep -q "^restore_${id}() " "${REPO_ROOT}/scripts/test/breaks.sh" || { echo "no restore_${id}" >&2; return 1; }
    [[ "${status}" == expected || "${status}" == xfail ]] || { echo "${id}: status '${status}'" >&2; return 1; }
    for c in ${cases//,/ }; do
      # the catalogue table (kept identical to `--list --markdown` by the harness's tests)
      sed '/^## Break-it suite/,$d' "${README}" | grep -q "^| \`${c}\` |" \
        || { echo "${id}: no case ${c} in the catalogue table of conformance/README.md" >&2; return 1; }
    done
  done <<<"${output}"
}

@test "breaks: the three broken labs of issue 10 are breaks (crash-looping caller, missing policy component, unannounced VIP)" {
  run rows
  assert_has "caller-crashloop"$'\t'
  assert_has "policy-component-missing"$'\t'
  assert_has "metallb-announce"$'\t'
}

@test "breaks: an unknown break id is refused with the known ones, exit 2, before any lab is touched" {
  LAB_PREFIX=bats-none LAB_STATE_DIR="${BATS_TEST_TMPDIR}/none" LAB_REPORTS="${BATS_TEST_TMPDIR}/reports" \
    run "${REPO_ROOT}/scripts/test/breaks.sh" no-such-break
  [[ "${status}" -eq 2 ]]
  assert_has "unknown break 'no-such-break'; known: dns-down"
  [[ ! -e "${BATS_TEST_TMPDIR}/none" && ! -e "${BATS_TEST_TMPDIR}/reports" ]]
}

@test "breaks: NETPATHS_LAB_RUNNING=1 without the running lab's state dir is refused, exit 2" {
  NETPATHS_LAB_RUNNING=1 LAB_STATE_DIR='' LAB_REPORTS="${BATS_TEST_TMPDIR}/reports" \
    run "${REPO_ROOT}/scripts/test/breaks.sh" dns-down
  [[ "${status}" -eq 2 ]]
  assert_has "NETPATHS_LAB_RUNNING=1 needs the running lab's LAB_STATE_DIR"
}
