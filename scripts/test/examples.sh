#!/usr/bin/env bash
# k8s/examples/: one file per concept, each the objects `kubectl kustomize k8s/overlays/kind` renders for that
# concept, below a comment header that explains them. This checks every file still holds exactly what the overlay
# renders (or, with --write, rewrites the objects below each header from the render).
# A file's header names its objects on one line, in the order they appear:
#   # objects: Deployment/netpaths/sidecar-demo Service/netpaths/sidecar-demo
#
# Usage: scripts/test/examples.sh [--write] [FILE...]     (default: k8s/examples/*.yaml)
# Settings: NETPATHS_KUBECTL=${NETPATHS_KUBECTL:-kubectl}
# Exit status: 0 every file matches (or was written), 1 one differs, 2 bad use (no objects line, unknown object).
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KUBECTL="${NETPATHS_KUBECTL:-kubectl}"
OVERLAY="k8s/overlays/kind"

log() { printf 'examples: %s\n' "$*" >&2; }

# object RENDER KIND/NAMESPACE/NAME: that object's document from the render (namespace "-" for cluster objects).
object() {
  awk -v want="$2" '
    function flush() { if (doc != "" && k "/" (ns == "" ? "-" : ns) "/" n == want) { printf "%s", doc; found = 1 } }
    /^---$/ { flush(); doc = ""; k = ""; n = ""; ns = ""; meta = 0; next }
    { doc = doc $0 "\n" }
    /^kind: / { k = $2 }
    /^metadata:/ { meta = 1; next }
    /^[^ ]/ { meta = 0 }
    meta && /^  name: / && n == "" { n = $2 }
    meta && /^  namespace: / { ns = $2 }
    END { flush(); exit found ? 0 : 1 }
  ' "$1"
}

# expected FILE RENDER: the file's header, then each object it names from the render, separated by ---
expected() {
  local file="$1" render="$2" objects obj first=1
  objects="$(sed -nE 's/^# objects: (.*)$/\1/p' "${file}" | head -n1)"
  [[ -n "${objects}" ]] || { log "${file}: no '# objects: KIND/NAMESPACE/NAME ...' line in its header"; return 2; }
  awk '/^#/ || /^$/ { print; next } { exit }' "${file}" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  for obj in ${objects}; do
    if [[ ${first} == 1 ]]; then first=0; echo "---"; else echo "---"; fi
    object "${render}" "${obj}" || { log "${file}: ${OVERLAY} renders no ${obj}"; return 2; }
  done
}

main() {
  local write=0 files=() file render rc=0 tmp
  case "${1:-}" in
    -h|--help) sed -n '/^set -o/q;2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;;
    --write) write=1; shift ;;
  esac
  files=("$@")
  [[ ${#files[@]} -gt 0 ]] || files=("${REPO_ROOT}"/k8s/examples/*.yaml)
  command -v "${KUBECTL}" >/dev/null || { log "${KUBECTL} not found: it renders ${OVERLAY} (scripts/install-deps.sh names how to get it)"; return 2; }
  tmp="$(mktemp -d /tmp/netpaths-examples.XXXXXX)"
  # shellcheck disable=SC2064 # the path is fixed now
  trap "rm -rf '${tmp}'" EXIT
  render="${tmp}/render.yaml"
  (cd "${REPO_ROOT}" && "${KUBECTL}" kustomize "${OVERLAY}") >"${render}"
  for file in "${files[@]}"; do
    [[ -f "${file}" ]] || { log "no such file: ${file}"; return 2; }
    local want="${tmp}/want.yaml" erc=0
    expected "${file}" "${render}" >"${want}" || erc=$?
    [[ ${erc} -eq 0 ]] || return "${erc}"
    if [[ ${write} == 1 ]]; then
      cp "${want}" "${file}"
      log "${file#"${REPO_ROOT}"/}: written from ${OVERLAY}"
    elif ! diff -u --label "${file#"${REPO_ROOT}"/}" --label "kubectl kustomize ${OVERLAY}" "${file}" "${want}" >&2; then
      log "${file#"${REPO_ROOT}"/} differs from what ${OVERLAY} renders: update the overlay or run scripts/test/examples.sh --write"
      rc=1
    fi
  done
  return "${rc}"
}

main "$@"
