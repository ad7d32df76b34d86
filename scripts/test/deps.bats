#!/usr/bin/env bats
# scripts/install-deps.sh --check, which `make test` runs: it names what is missing and how to install it, and
# installs nothing (dpkg-query and apt-get are stubs here; apt-get fails the test if it is called).

load helpers

setup() {
  setup_stubs
  stub apt-get 'echo "apt-get must not run" >&2; exit 97'
  stub dpkg-query '[ "$3" = bird2 ] && exit 1; echo "install ok installed"'
  stub kubectl 'exit 0'
}

@test "--check names the missing package and make deps, and installs nothing" {
  run "${REPO_ROOT}/scripts/install-deps.sh" --check
  assert_status 1
  assert_has "install-deps: missing: bird2"
  assert_has "install-deps: install them with: make deps (as root"
  assert_lacks "apt-get must not run"
}

@test "--check names kubectl, which is no Debian package, with where to get it" {
  stub dpkg-query 'echo "install ok installed"'
  run env NETPATHS_KUBECTL="${BATS_TEST_TMPDIR}/no-kubectl" "${REPO_ROOT}/scripts/install-deps.sh" --check
  assert_status 1
  assert_has "install-deps: kubectl is missing and is not a Debian package: install it from https://kubernetes.io/docs/tasks/tools/"
}

@test "--check passes when everything is there" {
  stub dpkg-query 'echo "install ok installed"'
  run "${REPO_ROOT}/scripts/install-deps.sh" --check
  assert_status 0
  assert_has "install-deps: all"
  assert_lacks "apt-get must not run"
}

@test "make test sets the flag that turns a missing kubectl or Chromium from a skip into a failure" {
  run grep -E '^	@NETPATHS_REQUIRE_TOOLS=1 scripts/test.sh$' "${REPO_ROOT}/Makefile"
  assert_status 0
  run grep -E '^[[:space:]]*scripts/install-deps.sh$' "${REPO_ROOT}/scripts/test.sh"
  assert_status 1
}

@test "CI installs the packages before make test, which installs nothing" {
  run grep -E '^make (deps|test)$' "${REPO_ROOT}/.ci/run"
  assert_status 0
  [[ "${output}" == $'make deps\nmake test' ]] || { echo "expected make deps then make test, got: ${output}" >&2; return 1; }
}

# docs/lab/README.md's "Before you begin" table against what owns each fact: the Debian packages row names exactly
# install-deps.sh's PACKAGES; the JDK row MIN_JAVA_VERSION (scripts/versions.env); the Maven row the wrapper's
# pinned distribution; a row "not a Debian package: <url>" is one install-deps.sh checks for, naming the same url;
# the lab runs install-deps.sh --check, as the packages row says. Prints one line per disagreement.
prerequisite_problems() {
  local readme="$1" rows row packages named pkg maven url
  rows="$(awk '/^\| Prerequisite \| Version \| Why \| Install \|$/ {t=1; next} t && /^\|/ {print; next} t {exit}' "${readme}")"
  [[ -n "${rows}" ]] || { echo "${readme}: no '| Prerequisite | Version | Why | Install |' table"; return 0; }
  packages="$(sed -n '/^PACKAGES=(/,/^)/p' "${REPO_ROOT}/scripts/install-deps.sh" | sed '1d;$d' | tr -s ' ' '\n' | sed '/^$/d' | sort)"
  row="$(grep -E '^\| Debian packages' <<<"${rows}")" || { echo "no Debian packages row"; return 0; }
  named="$(cut -d'|' -f2 <<<"${row}" | grep -oE '`[^`]+`' | tr -d '`' | sort)"
  for pkg in $(comm -23 <(echo "${named}") <(echo "${packages}")); do echo "the Debian packages row names ${pkg}, which install-deps.sh does not install"; done
  for pkg in $(comm -13 <(echo "${named}") <(echo "${packages}")); do echo "install-deps.sh installs ${pkg}, which the Debian packages row does not name"; done
  if grep -q 'lab.sh` runs it' <<<"${row}" && ! grep -q 'install-deps.sh" --check' "${REPO_ROOT}/scripts/lab/lab.sh"; then
    echo "the Debian packages row says lab.sh runs install-deps.sh; lab.sh does not"
  fi
  row="$(grep -E '^\| A JDK \|' <<<"${rows}")" || { echo "no JDK row"; return 0; }
  grep -qE "^\| A JDK \| ${MIN_JAVA_VERSION:?} or later " <<<"${row}" \
    || echo "the JDK row's version is not '${MIN_JAVA_VERSION} or later' (MIN_JAVA_VERSION in scripts/versions.env)"
  maven="$(grep -oE 'apache-maven/[0-9.]+/' "${REPO_ROOT}/.mvn/wrapper/maven-wrapper.properties" | cut -d/ -f2)"
  row="$(grep -E '^\| Maven \|' <<<"${rows}")" || { echo "no Maven row"; return 0; }
  grep -qF "Maven ${maven}, pinned in" <<<"${row}" \
    || echo "the Maven row does not name Maven ${maven}, the wrapper's pinned distribution"
  while IFS= read -r row; do
    url="$(grep -oE 'not a Debian package: <[^>]+>' <<<"${row}" | sed -E 's/.*<(.*)>/\1/')"
    [[ -n "${url}" ]] || continue
    pkg="$(cut -d'|' -f2 <<<"${row}" | xargs)"
    grep -qE "^check_${pkg}\(\)" "${REPO_ROOT}/scripts/install-deps.sh" \
      || echo "${pkg}: not a Debian package, and install-deps.sh has no check_${pkg}"
    grep -qF "${url}" "${REPO_ROOT}/scripts/install-deps.sh" \
      || echo "${pkg}: install-deps.sh does not name ${url}"
  done <<<"${rows}"
}

@test "docs/lab/README.md's prerequisites are install-deps.sh's packages and checks, the JDK and Maven pins" {
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
  run prerequisite_problems "${REPO_ROOT}/docs/lab/README.md"
  assert_status 0
  [[ -z "${output}" ]] || { echo "${output}" >&2; return 1; }
}

@test "the prerequisites check fails on a broken row: a package renamed, a JDK, a Maven, a kubectl url" {
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
  local broken="${BATS_TEST_TMPDIR}/README.md"
  sed -e 's/`bird2`/`bird`/' -e 's/| A JDK | 17 or later/| A JDK | 21 or later/' -e 's/Maven 3\.9\.[0-9]*, pinned/Maven 3.9.0, pinned/' \
    -e 's#not a Debian package: <https://kubernetes.io/docs/tasks/tools/>#not a Debian package: <https://example.test/kubectl>#' \
    "${REPO_ROOT}/docs/lab/README.md" >"${broken}"
  run prerequisite_problems "${broken}"
  assert_has "the Debian packages row names bird, which install-deps.sh does not install"
  assert_has "install-deps.sh installs bird2, which the Debian packages row does not name"
  assert_has "the JDK row's version is not '17 or later'"
  assert_has "the Maven row does not name Maven 3.9.16"
  assert_has "kubectl: install-deps.sh does not name https://example.test/kubectl"
  [ "$(wc -l <<<"${output}")" -eq 5 ] || { echo "expected 5 problems, got: ${output}" >&2; return 1; }
}
