# Shared by the bats files: paths, stub tools, and assertions that name what they expected.
# shellcheck shell=bash
# shellcheck disable=SC2154  # status and output are set by bats' run

REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
CLUSTER_DIR="${REPO_ROOT}/scripts/cluster"
FIXTURES="${BATS_TEST_DIRNAME}/fixtures"

# Every tool that could touch Docker, a cluster or the network is replaced by a stub that records its
# call and fails: a PLAN=1 run must never call one. Tests that need a tool to answer write their own stub.
setup_stubs() {
  STUB_DIR="${BATS_TEST_TMPDIR}/bin"
  STUB_CALLS="${BATS_TEST_TMPDIR}/calls"
  mkdir -p "${STUB_DIR}"
  : >"${STUB_CALLS}"
  local tool
  for tool in docker kind k3d kubectl helm curl mvn; do
    stub "${tool}" 'exit 97'
  done
  PATH="${STUB_DIR}:${PATH}"
  export PATH STUB_CALLS
  export TMPDIR="${BATS_TEST_TMPDIR}" XDG_CACHE_HOME="${BATS_TEST_TMPDIR}/cache"
  export GATEWAY_CONFIG_DIR="${FIXTURES}/gateway-config"
  unset CLUSTER CNI NODES INGRESS CLUSTER_NAME PLAN HOST_PORTS METALLB_INDEX K3D_NETWORK NETPATHS_NETWORK_JSON PEER_CONTEXT
}

# stub NAME BODY: a fake NAME that logs "NAME ARGS" to $STUB_CALLS, then runs BODY.
stub() {
  printf '#!/usr/bin/env bash\necho "%s $*" >>"${STUB_CALLS}"\n%s\n' "$1" "$2" >"${STUB_DIR}/$1"
  chmod +x "${STUB_DIR}/$1"
}

assert_status() {
  if [[ "${status}" -ne "$1" ]]; then
    echo "expected exit status $1, got ${status}; output:" >&2
    echo "${output}" >&2
    return 1
  fi
}

# assert_has TEXT: a line of $output contains TEXT (fixed string).
assert_has() {
  if ! grep -qF -- "$1" <<<"${output}"; then
    echo "expected the output to contain: $1" >&2
    echo "---- output ----" >&2
    echo "${output}" >&2
    return 1
  fi
}

assert_lacks() {
  if grep -qF -- "$1" <<<"${output}"; then
    echo "expected the output NOT to contain: $1" >&2
    grep -nF -- "$1" <<<"${output}" >&2
    return 1
  fi
}

# assert_count N TEXT: exactly N lines of $output contain TEXT.
assert_count() {
  local n
  n="$(grep -cF -- "$2" <<<"${output}" || true)"
  if [[ "${n}" -ne "$1" ]]; then
    echo "expected $1 line(s) containing '$2', found ${n}" >&2
    echo "${output}" >&2
    return 1
  fi
}

# assert_in_order TEXT...: each TEXT appears on a line after the previous one's first match.
assert_in_order() {
  local last=0 text line
  for text in "$@"; do
    line="$(tail -n "+$((last + 1))" <<<"${output}" | grep -nF -m1 -- "${text}" | cut -d: -f1 || true)"
    if [[ -z "${line}" ]]; then
      echo "expected '${text}' after line ${last}; output:" >&2
      echo "${output}" | cat -n >&2
      return 1
    fi
    last=$((last + line))
  done
}

# No stub was called (PLAN=1 printed everything, ran nothing).
assert_no_tool_called() {
  if [[ -s "${STUB_CALLS}" ]]; then
    echo "PLAN=1 called real tools:" >&2
    cat "${STUB_CALLS}" >&2
    return 1
  fi
}

# lib FUNCTION ARGS...: call a lib.sh function in a fresh bash.
lib() {
  bash -c 'source "$1/lib.sh"; shift; "$@"' _ "${CLUSTER_DIR}" "$@"
}
