#!/usr/bin/env bash
# `make test`: every test netpaths has, in the order a failure is cheapest to see.
#   1. Debian packages (scripts/install-deps.sh; as root it installs them)
#   2. the Maven build with every module's tests (services, manifest checks, lab logic, harness logic)
#
# Settings:
#   NETPATHS_TEST_SKIP_DEPS=1   do not check or install Debian packages
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -B -ntp}"

step() { printf '\n==> %s\n' "$*"; }

main() {
  cd "${REPO_ROOT}"
  if [[ "${NETPATHS_TEST_SKIP_DEPS:-0}" != 1 ]]; then
    step "Debian packages"
    scripts/install-deps.sh
  fi
  step "Maven build and unit tests"
  ${MVN} install
}

main "$@"
