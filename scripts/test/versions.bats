#!/usr/bin/env bats
# scripts/versions.env: every pin says whether it was matched to an upstream release, and the one visible
# place that lists them (docs/clusters/README.md) is the table versions.sh prints from the file.

load helpers

VERSIONS="${BATS_TEST_DIRNAME}/../versions.env"
README="${BATS_TEST_DIRNAME}/../../docs/clusters/README.md"

@test "every NAME=value in versions.env has its pin line (verified, UNVERIFIED or policy) and a source" {
  run "${CLUSTER_DIR}/versions.sh" table
  assert_status 0
  local pins rows
  pins="$(grep -cE '^[A-Z0-9_]+=' "${VERSIONS}")"
  rows="$(grep -c '^| `' <<<"${output}")"
  [ "${pins}" -eq "${rows}" ]
  run grep -E '^\| `[A-Z0-9_]+` \| `[^`]+` \| (verified|\*\*UNVERIFIED\*\*|policy) \| .+ \|$' <<<"${output}"
  [ "$(wc -l <<<"${output}")" -eq "${rows}" ]
}

@test "a pin without its pin line, or with an unknown status, is refused (the check can fail)" {
  printf '# pin A: verified; x\nA=1\nB=2\n' >"${BATS_TEST_TMPDIR}/v.env"
  VERSIONS_FILE="${BATS_TEST_TMPDIR}/v.env" run "${CLUSTER_DIR}/versions.sh" table
  assert_status 1
  assert_has 'B has no "# pin B: STATUS; SOURCE" line'
  printf '# pin A: probably; x\nA=1\n' >"${BATS_TEST_TMPDIR}/v.env"
  VERSIONS_FILE="${BATS_TEST_TMPDIR}/v.env" run "${CLUSTER_DIR}/versions.sh" table
  assert_status 1
  assert_has "status must be verified, UNVERIFIED or policy (got probably)"
}

@test "docs/clusters/README.md carries exactly the table versions.sh prints" {
  local table
  table="$("${CLUSTER_DIR}/versions.sh" table)"
  run awk '/<!-- versions table: begin -->/ { on = 1; next } /<!-- versions table: end -->/ { on = 0 } on' "${README}"
  if [[ "${output}" != "${table}" ]]; then
    diff <(echo "${table}") <(echo "${output}") >&2 || true
    echo "regenerate: scripts/cluster/versions.sh table, between the markers in docs/clusters/README.md" >&2
    return 1
  fi
}

@test "one Kubernetes minor for kind and k3s, and the tools' minimum versions do not exceed the pins" {
  # shellcheck source=scripts/versions.env
  source "${VERSIONS}"
  local kind_k8s="${KIND_NODE_IMAGE#*:}" k3s="${K3S_IMAGE#*:}"
  kind_k8s="${kind_k8s%%@*}"
  [ "$(cut -d. -f1,2 <<<"${kind_k8s}")" = "$(cut -d. -f1,2 <<<"${k3s}")" ]
  [ "$(cut -d. -f1,2 <<<"${KUBECTL_VERSION}")" = "$(cut -d. -f1,2 <<<"${kind_k8s}")" ]
  [[ "${KIND_NODE_IMAGE}" == *@sha256:* ]]   # kind's release notes: pin node images by digest
  run lib version_ge "${KIND_VERSION}" "${MIN_KIND_VERSION}"; assert_status 0
  run lib version_ge "${K3D_VERSION}" "${MIN_K3D_VERSION}"; assert_status 0
  run lib version_ge "${KUBECTL_VERSION}" "${MIN_KUBECTL_VERSION}"; assert_status 0
  run lib version_ge "${HELM_VERSION}" "${MIN_HELM_VERSION}"; assert_status 0
  # the URLs carry the versions they are pinned with
  [[ "${FLANNEL_MANIFEST_URL}" == */"${FLANNEL_VERSION}"/* && "${CALICO_OPERATOR_URL}" == */"${CALICO_VERSION}"/* ]]
  [[ "${WEAVE_MANIFEST_URL}" == */"${WEAVE_VERSION}"/weave-daemonset-k8s-1.11.yaml && "${METALLB_MANIFEST_URL}" == */"${METALLB_VERSION}"/* ]]
  [[ "${INGRESS_NGINX_MANIFEST_URL}" == */"${INGRESS_NGINX_VERSION}"/* ]]
}

@test "the images pinned for a release name that release in their source, so bumping it means revisiting them" {
  # shellcheck source=scripts/versions.env
  source "${VERSIONS}"
  local kind_k8s="${KIND_NODE_IMAGE#*:v}"
  kind_k8s="$(cut -d. -f1,2 <<<"${kind_k8s%%@*}")"
  run grep -E "^# pin ENVOY_PROXY_IMAGE: [a-zA-Z]+; envoyproxy/gateway ${ENVOY_GATEWAY_VERSION//./\\.} " "${VERSIONS}"
  assert_status 0
  run grep -E "^# pin COREDNS_IMAGE: [a-zA-Z]+; .*kubeadm ${kind_k8s//./\\.} " "${VERSIONS}"
  assert_status 0
  # the proxy image is the one Envoy Gateway's release names (registry included), CoreDNS's is kubeadm's repository
  [[ "${ENVOY_PROXY_IMAGE}" == docker.io/envoyproxy/envoy:distroless-v* && "${COREDNS_IMAGE}" == registry.k8s.io/coredns/coredns:v* ]]
}

@test "versions-check offline: skipped with a note, exit 0, nothing else fetched" {
  setup_stubs
  stub curl 'exit 6'
  run "${CLUSTER_DIR}/versions.sh" check all
  assert_status 0
  assert_has "offline (https://github.com did not answer): versions-check skipped"
  run cat "${STUB_CALLS}"
  assert_count 1 "curl "
}
