#!/usr/bin/env bats
# k8s/examples/ holds exactly what k8s/overlays/kind renders for each concept (scripts/test/examples.sh), and the
# check says so when a file and the render part.

load helpers

EXAMPLES="${BATS_TEST_DIRNAME}/examples.sh"

@test "every example equals what the kind overlay renders" {
  run "${EXAMPLES}"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
}

@test "an example that parts from the render fails with a diff" {
  cp "${REPO_ROOT}/k8s/examples/nodeport-cluster-vs-local.yaml" "${BATS_TEST_TMPDIR}/np.yaml"
  sed -i 's/externalTrafficPolicy: Local/externalTrafficPolicy: Cluster/' "${BATS_TEST_TMPDIR}/np.yaml"
  run "${EXAMPLES}" "${BATS_TEST_TMPDIR}/np.yaml"
  [ "${status}" -eq 1 ]
  [[ "${output}" == *"+  externalTrafficPolicy: Local"* && "${output}" == *"differs from what k8s/overlays/kind renders"* ]]
}

@test "bad use: no objects line, an object the overlay does not render" {
  printf '# no list\n---\nkind: X\n' >"${BATS_TEST_TMPDIR}/a.yaml"
  run "${EXAMPLES}" "${BATS_TEST_TMPDIR}/a.yaml"
  [ "${status}" -eq 2 ]
  [[ "${output}" == *"no '# objects: KIND/NAMESPACE/NAME ...' line"* ]]
  printf '# objects: Service/netpaths/nope\n' >"${BATS_TEST_TMPDIR}/b.yaml"
  run "${EXAMPLES}" "${BATS_TEST_TMPDIR}/b.yaml"
  [ "${status}" -eq 2 ]
  [[ "${output}" == *"renders no Service/netpaths/nope"* ]]
}

@test "every chapter that exists links an example that exists" {
  local link
  while IFS= read -r link; do
    [[ -f "${REPO_ROOT}/docs/workshop/${link}" ]] || { echo "docs/workshop links a missing ${link}" >&2; return 1; }
  done < <(grep -ohE '\(\.\./\.\./k8s/examples/[a-z0-9-]+\.yaml\)' "${REPO_ROOT}"/docs/workshop/*.md | tr -d '()')
}
