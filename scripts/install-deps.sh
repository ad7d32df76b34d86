#!/usr/bin/env bash
# Installs the Debian packages netpaths needs on a machine without Docker: the lab's data-plane pieces
# (CNI plugins, iptables, bird2, dnsmasq, nginx), the tools `lab.sh trace` and the workshop use to look at it
# (tcpdump; dig and nslookup from bind9-dnsutils), the test tools (shellcheck, bats, GNU parallel for bats --jobs,
# chromium) and the benchmark driver (wrk). Idempotent: packages already present are not fetched again. It also
# checks that kubectl is on PATH, which it cannot install.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report what is missing (exit 1 if anything is), install nothing
#
# Settings:
#   NETPATHS_APT_UPDATE=auto|always|never   run 'apt-get update' first (auto: only when something is missing)
set -o errexit -o nounset -o pipefail

PACKAGES=(
  iproute2 iptables nftables conntrack iputils-arping curl procps util-linux jq
  containernetworking-plugins bird2 dnsmasq-base nginx-light
  tcpdump bind9-dnsutils
  shellcheck bats parallel wrk chromium
)

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed' || echo "${pkg}"
  done
}

# kubectl (the tests render k8s/ with its kustomize) is no Debian package: this names it, it does not install it.
check_kubectl() {
  command -v "${NETPATHS_KUBECTL:-kubectl}" >/dev/null 2>&1 && return 0
  echo "install-deps: kubectl is missing and is not a Debian package: install it from" \
    "https://kubernetes.io/docs/tasks/tools/ (or set NETPATHS_KUBECTL)" >&2
  return 1
}

main() {
  local check=0
  case "${1:-}" in
    --check) check=1 ;;
    -h|--help) usage; exit 0 ;;
    "") ;;
    *) echo "install-deps: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  local missing
  mapfile -t missing < <(missing_packages)
  # A missing kubectl fails the run, but only after the packages are in: it is no package, so it must not
  # stop them from being installed.
  local kubectl_rc=0
  check_kubectl || kubectl_rc=1
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    return "${kubectl_rc}"
  fi
  if [[ ${check} -eq 1 ]]; then
    echo "install-deps: missing: ${missing[*]}" >&2
    echo "install-deps: install them with: make deps (as root; the same as sudo ${BASH_SOURCE[0]})" >&2
    return 1
  fi
  if [[ ${EUID} -ne 0 ]]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: installing needs root: sudo ${BASH_SOURCE[0]}" >&2
    echo "install-deps: (the same as: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]})" >&2
    return 1
  fi
  case "${NETPATHS_APT_UPDATE:-auto}" in
    never) ;;
    *) timeout 300 apt-get update -qq ;;
  esac
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "install-deps: installed ${missing[*]}"
  return "${kubectl_rc}"
}

main "$@"
