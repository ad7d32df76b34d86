#!/usr/bin/env bats
# .github/workflows/conformance.yml: the matrix, the pinned tools and the steps that must always run.

load helpers

WORKFLOW="${BATS_TEST_DIRNAME}/../../.github/workflows/conformance.yml"

@test "the workflow runs every CLUSTER x CNI, in order, uploading the report and deleting the cluster always" {
  python3 -c 'import yaml' 2>/dev/null || skip "python3 yaml module not installed"
  run python3 - "${WORKFLOW}" <<'PY'
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
job = w["jobs"]["clusters"]
m = job["strategy"]["matrix"]
assert m["cluster"] == ["kind", "k3d"] and m["cni"] == ["flannel", "calico", "weave"], m
assert job["strategy"]["fail-fast"] is False
steps = job["steps"]
names = [s.get("uses", s.get("run", "")).split("\n")[0] for s in steps]
def idx(prefix):
    return next(i for i, n in enumerate(names) if n.startswith(prefix))
order = [idx("actions/checkout"), idx("actions/setup-java"), idx("grep -E '^[A-Z0-9_]+=' scripts/versions.env"),
         idx("mkdir -p \"$HOME/.local/bin\""), idx("make up addons images deploy conformance"),
         idx("actions/upload-artifact"), idx("make down")]
assert order == sorted(order), (order, names)
java = steps[idx("actions/setup-java")]["with"]["java-version"]
assert java == "17", java
for step in (steps[idx("actions/upload-artifact")], steps[idx("make down")]):
    assert step.get("if") == "always()", step
assert steps[idx("actions/upload-artifact")]["with"]["path"] == "reports/"
install = steps[idx("mkdir -p \"$HOME/.local/bin\"")]["run"]
for var in ("KIND_VERSION", "K3D_VERSION", "KUBECTL_VERSION", "HELM_VERSION"):
    assert "${%s}" % var in install, var
lab = " ".join(s.get("run", "") for s in w["jobs"]["lab"]["steps"])
assert "sudo" in lab and "make test" in lab, lab
print("ok")
PY
  assert_status 0
  assert_has ok
}

@test "every version the workflow installs is defined in scripts/versions.env" {
  local var
  for var in $(grep -oE '\$\{[A-Z0-9_]+\}' "${WORKFLOW}" | tr -d '${}' | sort -u); do
    case "${var}" in HOME|GITHUB_ENV|GITHUB_PATH|CLUSTER|PATH|JAVA_HOME) continue ;; esac
    grep -qE "^${var}=" "${REPO_ROOT}/scripts/versions.env" || { echo "${var} is not in scripts/versions.env" >&2; return 1; }
  done
}

@test "the workflow uses the Node 24 majors of its actions and checks the pins before creating a cluster" {
  run grep -oE 'uses: actions/[a-z-]+@v[0-9]+' "${WORKFLOW}"
  assert_has "actions/checkout@v6"
  assert_has "actions/setup-java@v5"
  assert_has "actions/upload-artifact@v7"
  assert_lacks "@v4"
  run cat "${WORKFLOW}"
  assert_in_order "modprobe -a xt_set br_netfilter" "make versions-check" "make up addons images deploy conformance"
}

