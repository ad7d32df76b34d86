#!/usr/bin/env bats
# docs/clusters/ match the scripts: pinned versions quoted, only real settings used, and every command
# quoted from a plan is one the scripts really print.

load helpers

DOCS="${BATS_TEST_DIRNAME}/../../docs/clusters"

setup_file() {
  local plans="${BATS_FILE_TMPDIR}/plans.txt" cluster cni script
  : >"${plans}"
  for cluster in kind k3d; do
    for cni in flannel calico weave; do
      for script in up.sh addons.sh deploy.sh images.sh; do
        CLUSTER="${cluster}" CNI="${cni}" PLAN=1 TMPDIR=/tmp XDG_CACHE_HOME=/nonexistent \
          GATEWAY_CONFIG_DIR=gateway-config "${BATS_TEST_DIRNAME}/../cluster/${script}" >>"${plans}" 2>/dev/null
      done
    done
  done
}

setup() {
  # shellcheck source=scripts/versions.env
  source "${REPO_ROOT}/scripts/versions.env"
}

assert_quotes() {
  local page="$1" value; shift
  for value in "$@"; do
    grep -qF -- "${value}" "${DOCS}/${page}" || { echo "${page} does not quote ${value}" >&2; return 1; }
  done
}

@test "every page exists with Goal, Before you begin, Steps, Verify, Clean up, Troubleshooting, What differs" {
  local page heading
  for page in kind.md k3d.md flannel.md calico.md weave.md; do
    for heading in "## Goal" "## Before you begin" "## Steps" "## Verify" "## Clean up" "## Troubleshooting" "## What differs"; do
      grep -q "^${heading}" "${DOCS}/${page}" || { echo "${page}: no '${heading}'" >&2; return 1; }
    done
  done
  for page in kind.md k3d.md flannel.md calico.md weave.md; do grep -qF "(${page})" "${DOCS}/README.md"; done
}

@test "the pages quote the versions pinned in scripts/versions.env" {
  assert_quotes kind.md "${KIND_VERSION}" "${KIND_NODE_IMAGE}" "${KUBECTL_VERSION}" "${HELM_VERSION}" "${MIN_INOTIFY_MAX_USER_WATCHES}"
  assert_quotes k3d.md "${K3D_VERSION}" "${K3S_IMAGE}" "${KUBECTL_VERSION}"
  assert_quotes flannel.md "${FLANNEL_VERSION}" "${CNI_PLUGINS_VERSION}"
  assert_quotes calico.md "${CALICO_VERSION}" "${CALICO_OPERATOR_CRDS_URL}"
  assert_quotes weave.md "${WEAVE_VERSION}" "${WEAVE_MANIFEST_URL}" "rajch/weave"
  assert_quotes README.md "controller-v1.15.1" "F5 NGINX Ingress Controller" "Envoy Gateway" "kind#3482"
}

@test "make commands in the pages only use settings the scripts read" {
  local allowed=" CLUSTER CNI NODES INGRESS CLUSTER_NAME PLAN WAIT_TIMEOUT HOST_PORTS PEER_CONTEXT SKIP_BUILD PROXY_MODE CALICO_ENCAP WEAVE_MODE VERSIONS_CHECK " var
  while IFS= read -r var; do
    [[ "${allowed}" == *" ${var} "* ]] || { echo "docs use ${var}=, which no script reads" >&2; return 1; }
  done < <(grep -hoE '\b[A-Z_]+=[^ ]+ ([A-Z_]+=[^ ]+ )*make' "${DOCS}"/*.md | grep -oE '\b[A-Z_]+=' | tr -d = | sort -u)
}

# The lines of the pages' plan excerpts: code blocks after "Output (real" and console blocks of `$ PLAN=1`.
plan_excerpts() {
  awk '/Output \(real/ { arm = 1; next }
       /^\$ PLAN=1/ { inblock = 1; next }
       /^[[:space:]]*```/ { if (inblock) inblock = 0; else if (arm) { inblock = 1; arm = 0 }; next }
       inblock { print }' "${DOCS}"/*.md
}

@test "every command the pages quote from a plan is printed by the scripts" {
  local line n=0
  while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ "${line}" == *"~"* ]] && continue      # the cache path is shown with ~ in the docs
    grep -qxF -- "${line}" "${BATS_FILE_TMPDIR}/plans.txt" || { echo "not printed by any plan: ${line}" >&2; return 1; }
    n=$((n + 1))
  done < <(plan_excerpts | grep -E '^[[:space:]]*(kubectl --context|k3d cluster create|kind create cluster|docker cp|helm --kube-context|timeout [0-9]+ sh|curl |\(cd )')
  [ "${n}" -ge 10 ]
}

# The docs' one-line real-cluster command (`make up addons images deploy conformance`) works on a fresh clone:
# `make conformance` builds the harness when its jar is missing, and only then (never for PLAN=1).
@test "make conformance builds the missing harness first, and nothing when it exists or for PLAN=1" {
  local tree="${BATS_TEST_TMPDIR}/tree"
  mkdir -p "${tree}/scripts/cluster" "${tree}/conformance/target"
  cp "${REPO_ROOT}/Makefile" "${tree}/"
  printf '#!/usr/bin/env bash\necho "conformance.sh ran"\n' >"${tree}/scripts/cluster/conformance.sh"
  chmod +x "${tree}/scripts/cluster/conformance.sh"
  run env -u HARNESS_JAR -u PLAN make --no-print-directory -C "${tree}" conformance MVN="echo build:"
  assert_status 0
  assert_has "build: -q -pl conformance -am package -DskipTests"
  assert_has "conformance.sh ran"
  touch "${tree}/conformance/target/netpaths-conformance.jar"
  run env -u HARNESS_JAR -u PLAN make --no-print-directory -C "${tree}" conformance MVN="echo build:"
  assert_lacks "build:"
  assert_has "conformance.sh ran"
  rm "${tree}/conformance/target/netpaths-conformance.jar"
  run env -u HARNESS_JAR make --no-print-directory -C "${tree}" conformance MVN="echo build:" PLAN=1
  assert_lacks "build:"
}
