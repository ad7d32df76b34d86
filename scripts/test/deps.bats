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
