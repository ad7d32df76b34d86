#!/usr/bin/env bash
# The pins of scripts/versions.env, checked against their upstreams or printed as the table of
# docs/clusters/README.md.
#   check [all|cluster|addons]  resolve every URL (HTTP HEAD, redirects followed), image tag (Docker Hub
#                               tags API; a pinned @sha256 digest must equal the tag's) and chart version
#                               (`helm show chart`) the scope uses, and name each one that does not exist.
#                               cluster: CLUSTER's node image, CNI's manifests, the CNI plugins (run by up.sh)
#                               addons:  MetalLB, the INGRESS controller, Envoy Gateway + CRDs, Istio (addons.sh)
#                               all:     every pin, with the tool downloads CI uses (make versions-check)
#                               Offline (https://github.com does not answer): skipped with a note, exit 0.
#   table                       the pins with their verified/UNVERIFIED status and source, as Markdown
#
# Usage: scripts/cluster/versions.sh check [all|cluster|addons] | table  [-h|--help]   (make versions-check)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d (scope cluster: which node image)
#   CNI=${CNI:-flannel}                  flannel | calico | weave (scope cluster: which manifests)
#   INGRESS=${INGRESS:-nginx}            nginx | ingress-nginx (scope addons: which controller)
#   VERSIONS_PROBE_URL=${VERSIONS_PROBE_URL:-https://github.com}   answered = online
#   VERSIONS_FILE=${VERSIONS_FILE:-scripts/versions.env}           (table only; tests)
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

MISSING=()
CHECKED=0

# check_url NAME URL
check_url() {
  local name="$1" url="$2" code
  CHECKED=$((CHECKED + 1))
  code="$(curl -sSIL -m 30 -o /dev/null -w '%{http_code}' "${url}" 2>/dev/null)" || code="${code:-000}"
  if [[ "${code}" == 200 ]]; then log "ok  ${name}: ${url}"; else MISSING+=("${name}: ${url} answered HTTP ${code}"); fi
}

# check_image NAME IMAGE: [docker.io/]repository[:tag][@sha256:digest] on Docker Hub.
check_image() {
  local name="$1" image="$2" ref repo tag digest json code have
  CHECKED=$((CHECKED + 1))
  ref="${image%@*}"; digest=""; [[ "${image}" == *@* ]] && digest="${image#*@}"
  repo="${ref%:*}"; tag="${ref##*:}"; repo="${repo#docker.io/}"
  [[ "${repo}" == */* ]] || repo="library/${repo}"
  json="${STATE_DIR}/hub-tag.json"
  mkdir -p "${STATE_DIR}"
  code="$(curl -sSL -m 30 -o "${json}" -w '%{http_code}' "https://hub.docker.com/v2/repositories/${repo}/tags/${tag}" 2>/dev/null)" || code="${code:-000}"
  if [[ "${code}" != 200 ]]; then MISSING+=("${name}: image ${repo}:${tag} not found on Docker Hub (HTTP ${code})"); return 0; fi
  if [[ -n "${digest}" ]]; then
    have="$(jq -r '.digest // empty' "${json}" 2>/dev/null || true)"
    if [[ "${have}" != "${digest}" ]]; then MISSING+=("${name}: ${repo}:${tag} has digest ${have:-unknown}, the pin says ${digest}"); return 0; fi
  fi
  log "ok  ${name}: ${image}"
}

# check_chart NAME CHART VERSION [REPO]
check_chart() {
  local name="$1" chart="$2" version="$3" repo="${4:-}" args out
  CHECKED=$((CHECKED + 1))
  command -v helm >/dev/null 2>&1 || { MISSING+=("${name}: cannot check ${chart} ${version}: helm not found ($(install_hint helm))"); return 0; }
  args=(show chart "${chart}" --version "${version}")
  if [[ -n "${repo}" ]]; then args+=(--repo "${repo}"); fi
  if out="$(helm "${args[@]}" 2>&1)"; then
    log "ok  ${name}: ${chart} ${version}${repo:+ (${repo})}"
  else
    MISSING+=("${name}: chart ${chart} --version ${version}${repo:+ --repo ${repo}} not found: $(head -n1 <<<"${out}")")
  fi
}

check_cluster_pins() {
  local tgz
  if [[ "${CLUSTER}" == kind ]]; then check_image KIND_NODE_IMAGE "${KIND_NODE_IMAGE}"; else check_image K3S_IMAGE "${K3S_IMAGE}"; fi
  case "${CNI}" in
    flannel) check_url FLANNEL_MANIFEST_URL "${FLANNEL_MANIFEST_URL}" ;;
    calico) check_url CALICO_OPERATOR_CRDS_URL "${CALICO_OPERATOR_CRDS_URL}"; check_url CALICO_OPERATOR_URL "${CALICO_OPERATOR_URL}" ;;
    weave) check_url WEAVE_MANIFEST_URL "${WEAVE_MANIFEST_URL}" ;;
  esac
  if [[ -n "$(cni_plugins_needed "${CLUSTER}" "${CNI}")" ]]; then
    tgz="cni-plugins-linux-amd64-${CNI_PLUGINS_VERSION}.tgz"
    check_url CNI_PLUGINS_VERSION "${CNI_PLUGINS_URL}/${CNI_PLUGINS_VERSION}/${tgz}"
  fi
}

check_addon_pins() {
  check_url METALLB_MANIFEST_URL "${METALLB_MANIFEST_URL}"
  if [[ "${INGRESS}" == nginx ]]; then
    check_chart NGINX_IC_CHART_VERSION "${NGINX_IC_CHART}" "${NGINX_IC_CHART_VERSION}"
  else
    check_url INGRESS_NGINX_MANIFEST_URL "${INGRESS_NGINX_MANIFEST_URL}"
  fi
  check_chart ENVOY_GATEWAY_VERSION "${ENVOY_GATEWAY_CHART}" "${ENVOY_GATEWAY_VERSION}"
  check_chart ENVOY_GATEWAY_VERSION "${ENVOY_GATEWAY_CRDS_CHART}" "${ENVOY_GATEWAY_VERSION}"
  check_image ENVOY_PROXY_IMAGE "${ENVOY_PROXY_IMAGE}"
  check_url GATEWAY_API_VERSION "https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml"
  check_chart ISTIO_VERSION istiod "${ISTIO_VERSION}" "${ISTIO_CHART_REPO}"
}

# The downloads .github/workflows/conformance.yml makes (the same URLs).
check_tool_pins() {
  check_url KIND_VERSION "https://kind.sigs.k8s.io/dl/${KIND_VERSION}/kind-linux-amd64"
  check_url K3D_VERSION "https://github.com/k3d-io/k3d/releases/download/${K3D_VERSION}/k3d-linux-amd64"
  check_url KUBECTL_VERSION "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl"
  check_url HELM_VERSION "https://get.helm.sh/helm-${HELM_VERSION}-linux-amd64.tar.gz"
}

check() {
  local scope="$1" probe="${VERSIONS_PROBE_URL:-https://github.com}" saved_cluster saved_cni saved_ingress c n i m
  require_one_of "the scope" "${scope}" all cluster addons
  command -v curl >/dev/null 2>&1 || die "curl not found: versions-check needs it (apt-get install curl / brew install curl)"
  if ! curl -fsSI -m 10 -o /dev/null "${probe}" 2>/dev/null; then
    warn "offline (${probe} did not answer): versions-check skipped, the pins in scripts/versions.env are NOT checked"
    return 0
  fi
  step "Check the ${scope} pins of scripts/versions.env against their upstreams"
  case "${scope}" in
    cluster) check_cluster_pins ;;
    addons) check_addon_pins ;;
    all)
      check_tool_pins
      saved_cluster="${CLUSTER}"; saved_cni="${CNI}"; saved_ingress="${INGRESS}"
      for c in kind k3d; do for n in "${ALLOWED_CNIS[@]}"; do CLUSTER="${c}" CNI="${n}"; check_cluster_pins; done; done
      for i in "${ALLOWED_INGRESS[@]}"; do INGRESS="${i}"; check_addon_pins; done
      CLUSTER="${saved_cluster}"; CNI="${saved_cni}"; INGRESS="${saved_ingress}"
      ;;
  esac
  if ((${#MISSING[@]} > 0)); then
    for m in "${MISSING[@]}"; do printf '[%s] MISSING %s\n' "${SCRIPT_NAME}" "${m}" >&2; done
    die "${#MISSING[@]} of ${CHECKED} pins in scripts/versions.env do not resolve upstream (above): fix them before creating anything"
  fi
  log "all ${CHECKED} ${scope} pins resolve upstream"
}

# table: one row per NAME=value line, from its "# pin NAME: STATUS; SOURCE" line.
table() {
  local file="${VERSIONS_FILE:-${REPO_ROOT}/scripts/versions.env}"
  [[ -r "${file}" ]] || die "${file} not readable"
  awk '
    /^# pin [A-Z0-9_]+: / {
      name = $3; sub(/:$/, "", name); rest = $0; sub(/^# pin [A-Z0-9_]+: /, "", rest)
      status = rest; sub(/;.*/, "", status); source = rest; sub(/^[^;]*; ?/, "", source)
      pending = name; next
    }
    /^[A-Z0-9_]+=/ {
      n = $0; sub(/=.*/, "", n); v = $0; sub(/^[^=]*=/, "", v)
      if (pending != n) { printf "versions.sh: %s has no \"# pin %s: STATUS; SOURCE\" line right above it\n", n, n > "/dev/stderr"; bad = 1 }
      else if (status != "verified" && status != "UNVERIFIED" && status != "policy") { printf "versions.sh: %s: status must be verified, UNVERIFIED or policy (got %s)\n", n, status > "/dev/stderr"; bad = 1 }
      else { rows = rows sprintf("| `%s` | `%s` | %s | %s |\n", n, v, (status == "UNVERIFIED" ? "**UNVERIFIED**" : status), source) }
      pending = ""; next
    }
    { pending = "" }
    END {
      if (bad) exit 1
      print "| Pin | Value | Status | Source |"; print "|---|---|---|---|"; printf "%s", rows
    }' "${file}" || die "${file}: every NAME=value line needs its pin line (above)"
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  local cmd="${1:-}"
  case "${cmd}" in
    check) load_settings; check "${2:-all}" ;;
    table) table ;;
    *) usage_error "usage: versions.sh check [all|cluster|addons] | table (got '${cmd}')" ;;
  esac
}

main "$@"
