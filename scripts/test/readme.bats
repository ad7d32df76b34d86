#!/usr/bin/env bats
# The READMEs restate the repository's layout: every relative link resolves, the root README's layout
# block lists every Maven module and only directories that exist, and every `make` target it quotes exists.

load helpers

READMES=(k8s/README.md manifest-checks/README.md k8s/components/cluster-name/README.md)

# README.md and docs/ are checked below, anchors included.
@test "every relative link in the module READMEs resolves to a file or directory" {
  local readme link target missing=()
  for readme in "${READMES[@]}"; do
    while IFS= read -r link; do
      target="${link%%#*}"
      [[ -z "${target}" || "${target}" == http* ]] && continue
      [[ -e "${REPO_ROOT}/$(dirname "${readme}")/${target}" ]] || missing+=("${readme}: ${link}")
    done < <(grep -oE '\]\([^)]+\)' "${REPO_ROOT}/${readme}" | sed -E 's/^\]\((.*)\)$/\1/')
  done
  if [[ ${#missing[@]} -gt 0 ]]; then printf 'broken link: %s\n' "${missing[@]}" >&2; return 1; fi
}

@test "the README's module block lists every Maven module, and only directories that exist" {
  local layout module dir
  layout="$(sed -n '/^## Modules/,/^## /p' "${REPO_ROOT}/README.md")"
  [[ -n "${layout}" ]] || { echo "README.md has no '## Modules'" >&2; return 1; }
  for module in $(grep -oE '<module>[^<]+</module>' "${REPO_ROOT}/pom.xml" | sed -E 's#</?module>##g'); do
    grep -qE "^${module}/ " <<<"${layout}" || { echo "module ${module} is not in README.md's layout" >&2; return 1; }
  done
  for dir in $(grep -oE '^[a-z0-9-]+/ ' <<<"${layout}"); do
    [[ -d "${REPO_ROOT}/${dir}" ]] || { echo "README.md's layout names ${dir}, which does not exist" >&2; return 1; }
  done
}

# ---- Every command in README.md, docs/ (docs/workshop/ included, by glob) and the READMEs that show commands to run
# names things that exist. What is checked is the code: fenced blocks and inline `code` spans. Each check below
# prints every offence.

doc_pages() {
  (cd "${REPO_ROOT}" && ls README.md docs/*.md docs/*/*.md conformance/README.md echo-service/README.md \
    caller-service/README.md sidecar-demo/README.md gateway-config/*/README.md 2>/dev/null)
}

# on_doc_pages CHECK: runs CHECK with every doc page as its arguments
on_doc_pages() {
  local -a pages
  mapfile -t pages < <(doc_pages)
  "$1" "${pages[@]}"
}

# doc_code FILE...: "FILE<TAB>code" for every line of a fenced block and every inline code span.
doc_code() {
  local page
  for page in "$@"; do
    awk -v page="${page}" '
      /^[[:space:]]*```/ { fence = !fence; next }
      fence { print page "\t" $0; next }
      { line = $0
        while (match(line, /`[^`]+`/)) { print page "\t" substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH) } }
    ' "$(page_file "${page}")"
  done
}

# page_file PAGE: a page of the repository, or a file given by its absolute path (the fixtures below).
page_file() { if [[ "$1" == /* ]]; then echo "$1"; else echo "${REPO_ROOT}/$1"; fi; }

fail_with() { if [[ $# -gt 0 ]]; then printf '%s\n' "$@" >&2; return 1; fi; }

# make_targets CODE: the targets of every `make` in CODE (VAR=value words are skipped, anything else ends the list).
make_targets() {
  awk '{ for (i = 1; i <= NF; i++) if ($i == "make" && (i == 1 || $(i-1) ~ /^(\$|sudo|env|&&|;|\(|#|[A-Z_]+=.*)$/)) {
           for (j = i + 1; j <= NF; j++) { if ($j ~ /^[A-Z_]+=/) continue; if ($j ~ /^[a-z][a-z0-9-]*$/) print $j; else break } } }' <<<"$1"
}

check_make_targets() {
  local page code target bad=()
  while IFS=$'\t' read -r page code; do
    for target in $(make_targets "${code}"); do
      make -s -n -C "${REPO_ROOT}" "${target}" >/dev/null 2>&1 || bad+=("${page}: make ${target}: no such target (${code})")
    done
  done < <(doc_code "$@" | grep -E '(^|[[:space:](])make [a-zA-Z]' | sort -u)
  fail_with "${bad[@]}"
}

check_lab_verbs() {
  local verbs page code verb bad=()
  verbs="$(grep -oE '^ +run\|up\|[a-z|]+\)' "${REPO_ROOT}/scripts/lab/lab.sh" | tr -d ') ')"
  [[ -n "${verbs}" ]] || { echo "cannot read lab.sh's verbs" >&2; return 1; }
  while IFS=$'\t' read -r page code; do
    while read -r verb; do
      [[ -z "${verb}" || "${verb}" == -h || "${verb}" == --help ]] && continue
      [[ "|${verbs}|" == *"|${verb}|"* ]] || bad+=("${page}: lab.sh ${verb}: not a verb of scripts/lab/lab.sh (${code})")
    done < <(grep -oE 'lab\.sh [a-z-]+' <<<"${code}" | awk '{print $2}')
  done < <(doc_code "$@" | grep -F 'lab.sh')
  fail_with "${bad[@]}"
}

# The long options the lab CLI and the harness declare (picocli), plus picocli's own, plus those scripts/lab/lab.sh
# parses itself (a case pattern: `disruption --no-drain`).
cli_options() {
  grep -rhoE 'names = \{?"--[a-z-]+"(, "-[-a-zA-Z]+")*' "${REPO_ROOT}/lab/src/main/java" "${REPO_ROOT}/conformance/src/main/java" \
    | grep -oE '"--[a-z-]+"' | tr -d '"'
  grep -oE '^ +--[a-z][a-z-]*\)' "${REPO_ROOT}/scripts/lab/lab.sh" | tr -d ' )'
  printf '%s\n' --help --version
}

check_options() {
  local options page code cmd rest opt script bad=()
  options=" $(cli_options | sort -u | tr '\n' ' ') "
  while IFS=$'\t' read -r page code; do
    # the lab and the harness: options after lab.sh or a jar, up to a `--` (what follows is another command's)
    for cmd in 'scripts/lab/lab.sh' 'netpaths-lab.jar' 'netpaths-conformance.jar'; do
      [[ "${code}" == *"${cmd}"* ]] || continue
      # ... and up to a pipe or the end of the command (`| grep -c 'DNAT --to-destination'` is grep's)
      rest="${code#*"${cmd}"}"; rest="${rest%% -- *}"; rest="${rest%%[|;&]*}"
      for opt in $(grep -oE '(^| )--[a-z][a-z-]*' <<<"${rest}"); do
        [[ "${options}" == *" ${opt} "* ]] || bad+=("${page}: ${cmd} ${opt}: no such option (${code})")
      done
    done
    # any other script: the option must be written in the script itself
    for script in $(grep -oE 'scripts/[a-z/-]+\.sh [^|;&]*' <<<"${code}" | grep -oE '^scripts/[a-z/-]+\.sh' | grep -v lab/lab.sh); do
      [[ -f "${REPO_ROOT}/${script}" ]] || continue
      rest="${code#*"${script}"}"
      for opt in $(grep -oE '^( --?[a-z][a-z-]*)+' <<<"${rest}"); do
        grep -qF -- "${opt}" "${REPO_ROOT}/${script}" || bad+=("${page}: ${script} ${opt}: the script has no such option")
      done
    done
  done < <(doc_code "$@" | grep -E 'scripts/[a-z/-]+\.sh|netpaths-(lab|conformance)\.jar')
  fail_with "${bad[@]}"
}

check_paths() {
  local tops page path bad=()
  tops="$(cd "${REPO_ROOT}" && git ls-files | cut -d/ -f1 | sort -u | grep -v '^\.' | paste -sd'|' -)"
  while IFS=$'\t' read -r page path; do
    [[ "${path}" == */target/* || "${path}" == *"..."* ]] && continue
    [[ -e "${REPO_ROOT}/${path}" ]] || bad+=("${page}: ${path} does not exist")
  done < <(doc_code "$@" | awk -F'\t' -v tops="${tops}" '{
      line = $2; re = "(^|[ =(\"\047])(" tops ")/[A-Za-z0-9_./-]*"
      while (match(line, re)) {
        p = substr(line, RSTART, RLENGTH); sub(/^[ =(\"\047]/, "", p); sub(/[.,:;]+$/, "", p)
        print $1 "\t" p; line = substr(line, RSTART + RLENGTH) } }' | sort -u)
  fail_with "${bad[@]}"
}

check_mvn() {
  local page code modules module bad=()
  while IFS=$'\t' read -r page code; do
    [[ "${code}" =~ (mvn|mvnw)\ .*-pl\ ([a-z,-]+) ]] || continue
    modules="${BASH_REMATCH[2]}"
    [[ "${code}" == *" -am"* ]] || bad+=("${page}: -pl ${modules} without -am: ${code}")
    for module in ${modules//,/ }; do
      [[ -f "${REPO_ROOT}/${module}/pom.xml" ]] || bad+=("${page}: -pl ${module}: no such module")
    done
  done < <(doc_code "$@" | grep -E 'mvnw? .*-pl ')
  fail_with "${bad[@]}"
}

check_compare() {
  local page code dirs dir bad=()
  while IFS=$'\t' read -r page code; do
    [[ "${code}" == *"--compare "* ]] || continue
    dirs="${code#*--compare }"; dirs="${dirs%% --*}"
    for dir in ${dirs}; do
      [[ "${dir}" =~ ^reports/lab-(flannel|calico|weave)$ || "${dir}" =~ ^reports/(kind|k3d)-(flannel|calico|weave)- \
        || "${dir}" == *"<"* || "${dir}" == DIR* ]] || bad+=("${page}: --compare ${dir}: no run writes it (lab: reports/lab-<cni>; make conformance: reports/<cluster>-<cni>-<timestamp>)")
    done
  done < <(doc_code "$@" | grep -F -- '--compare ')
  fail_with "${bad[@]}"
}

check_links() {
  local page link target file anchor bad=()
  for page in "$@"; do
    while IFS= read -r link; do
      [[ "${link}" == http* || "${link}" == mailto:* ]] && continue
      target="${link%%#*}"; anchor=""; [[ "${link}" == *"#"* ]] && anchor="${link#*#}"
      file="$(dirname "$(page_file "${page}")")/${target}"; [[ -z "${target}" ]] && file="$(page_file "${page}")"
      if [[ ! -e "${file}" ]]; then bad+=("${page}: (${link}) does not exist"); continue; fi
      if [[ -n "${anchor}" && "${file}" == *.md ]]; then
        # GitHub's anchors: the heading lower-cased, punctuation but - and _ dropped, spaces as -
        grep -E '^#+ ' "${file}" | sed -E 's/^#+ //' | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9 _-]//g; s/ /-/g' \
          | grep -qxF -- "${anchor}" || bad+=("${page}: (${link}): no heading for #${anchor}")
      fi
    done < <(grep -oE '\]\([^) ]+\)' "$(page_file "${page}")" | sed -E 's/^\]\((.*)\)$/\1/')
  done
  fail_with "${bad[@]}"
}


@test "every make target a doc names exists, and make -n accepts it" {
  on_doc_pages check_make_targets
}

@test "every scripts/lab/lab.sh verb a doc names is one lab.sh takes" {
  on_doc_pages check_lab_verbs
}

@test "every option a doc gives the lab, the harness or a script is one it takes" {
  on_doc_pages check_options
}

@test "every repository path a doc's code names exists (generated ones excepted)" {
  on_doc_pages check_paths
}

@test "every mvn -pl in the docs names modules that exist, with -am (their siblings are not installed)" {
  on_doc_pages check_mvn
}

@test "every --compare in the docs compares directories that a run writes" {
  on_doc_pages check_compare
}

@test "every relative link in README.md and docs/ resolves, anchors included" {
  on_doc_pages check_links
}

@test "each check above fails on a page that names a missing target, verb, option, path, module flag, report or link" {
  local page="${BATS_TEST_TMPDIR}/broken.md"
  cat >"${page}" <<'PAGE'
Run `make lab-nope`, then `scripts/lab/lab.sh frobnicate`, then `scripts/lab/lab.sh case --no-such-option x`,
read `scripts/lab/no-such-file.sh`, build with `mvn -B -ntp -pl lab package -DskipTests`, compare with
`java -jar conformance/target/netpaths-conformance.jar --compare reports/flannel reports/calico`,
and see [the page](no-such-page.md) and [a heading](#no-such-heading).
# A heading
PAGE
  local check
  for check in check_make_targets check_lab_verbs check_options check_paths check_mvn check_compare check_links; do
    run "${check}" "${page}"
    [[ "${status}" -ne 0 ]] || { echo "${check} passed a page that names what does not exist" >&2; return 1; }
  done
  run check_make_targets "${page}"; assert_has "make lab-nope: no such target"
  run check_lab_verbs "${page}"; assert_has "lab.sh frobnicate: not a verb"
  run check_options "${page}"; assert_has "scripts/lab/lab.sh --no-such-option: no such option"
  run check_paths "${page}"; assert_has "scripts/lab/no-such-file.sh does not exist"
  run check_mvn "${page}"; assert_has "-pl lab without -am"
  run check_compare "${page}"; assert_has "--compare reports/flannel: no run writes it"
  run check_links "${page}"; assert_has "(no-such-page.md) does not exist"
  assert_has "no heading for #no-such-heading"
}

@test "run counts are not restated in prose in README.md and docs/lab/ (only in quoted output)" {
  local bad=()
  mapfile -t bad < <(cd "${REPO_ROOT}" && awk '/^[[:space:]]*```/ { fence = !fence; next }
    !fence { line = $0; gsub(/`[^`]*`/, "", line); if (line ~ /[0-9]+ passed/) print FILENAME ":" FNR ": " $0 }' README.md docs/lab/*.md)
  fail_with "${bad[@]}"
}

@test "the README's paths table names exactly the catalogue's case groups" {
  local catalogue readme bad=()
  # the groups of the cases in the catalogue, and of the entry-point cases, which Groups names
  catalogue="$(grep -ohE 'new PathCase\("[A-Za-z]+", "[a-z-]+"|groups\.add\("[a-z-]+"' \
    "${REPO_ROOT}"/conformance/src/main/java/dev/netpaths/conformance/catalogue/*.java | grep -oE '"[a-z-]+"$|"[a-z-]+$' | tr -d '"' | sort -u)"
  [[ -n "${catalogue}" ]] || { echo "no case group found in the catalogue" >&2; return 1; }
  readme="$(sed -n '/^## The paths/,/^## /p' "${REPO_ROOT}/README.md" | grep '^|' | awk -F'|' '{print $(NF-1)}' \
    | grep -oE '`[a-z-]+`' | tr -d '`' | sort -u)"
  mapfile -t bad < <(comm -3 <(echo "${catalogue}") <(echo "${readme}") | sed -E 's/^\t(.*)/README.md names group \1, which the catalogue lacks/; s/^([a-z].*)/the catalogue group \1 is not in README.md/')
  fail_with "${bad[@]}"
}

@test "the README's paths table links every written workshop chapter, and says (to come) only of one not written" {
  local page number bad=() paths
  paths="$(sed -n '/^## The paths/,/^## /p' "${REPO_ROOT}/README.md")"
  for page in "${REPO_ROOT}"/docs/workshop/[0-9][0-9]-*.md; do
    number="$(basename "${page}" | cut -c1-2)"
    grep -qF "(docs/workshop/$(basename "${page}"))" <<<"${paths}" || bad+=("chapter ${number} ($(basename "${page}")) is written, but the paths table does not link it")
    ! grep -qE "(^|[^0-9])${number} \(to come\)" <<<"${paths}" || bad+=("the paths table says '${number} (to come)', but docs/workshop/$(basename "${page}") is written")
  done
  fail_with "${bad[@]}"
}
