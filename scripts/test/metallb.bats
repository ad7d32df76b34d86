#!/usr/bin/env bats
# The MetalLB pool range computed from `docker network inspect` output, and the rendered pool.

load helpers

setup() { setup_stubs; }

range() { bash -c 'source "$1/lib.sh"; metallb_range "$2" < "$3"' _ "${CLUSTER_DIR}" "$1" "$2"; }

@test "kind network (IPv6 listed first, IPv4 172.18.0.0/16): range at the top of the IPv4 subnet" {
  run range 0 "${FIXTURES}/kind-network.json"
  assert_status 0
  [ "${output}" = "172.18.255.200-172.18.255.250" ]
}

@test "k3d network (172.19.0.0/16 + IPv6): range at the top of the IPv4 subnet, IPv6 ignored" {
  run range 0 "${FIXTURES}/k3d-network.json"
  assert_status 0
  [ "${output}" = "172.19.255.200-172.19.255.250" ]
}

@test "multicluster: the second cluster's slice is disjoint from the first's on the same network" {
  run range 0 "${FIXTURES}/kind-network.json"
  local a="${output}"
  run range 1 "${FIXTURES}/kind-network.json"
  local b="${output}"
  [ "${a}" = "172.18.255.200-172.18.255.250" ]
  [ "${b}" = "172.18.254.200-172.18.254.250" ]
  [ "${a}" != "${b}" ]
}

@test "a /24 network is split into two disjoint slices, a third is refused" {
  run range 0 "${FIXTURES}/small-network.json"
  [ "${output}" = "192.168.100.200-192.168.100.224" ]
  run range 1 "${FIXTURES}/small-network.json"
  [ "${output}" = "192.168.100.225-192.168.100.250" ]
  run range 2 "${FIXTURES}/small-network.json"
  assert_status 1
  assert_has "slice 2 does not fit"
}

@test "an IPv6-only network is refused with the subnets it has" {
  run range 0 "${FIXTURES}/ipv6-only-network.json"
  assert_status 1
  assert_has "has no IPv4 subnet"
  assert_has "fd00:dead:beef::/64"
}

@test "empty input is refused with what was expected" {
  run range 0 /dev/null
  assert_status 1
  assert_has "no Docker network JSON on input"
  assert_has "docker network inspect"
}

@test "input that is not JSON is refused" {
  printf 'Error: No such network: kind\n' >"${BATS_TEST_TMPDIR}/bad.json"
  run range 0 "${BATS_TEST_TMPDIR}/bad.json"
  assert_status 1
  assert_has "could not be parsed"
}

@test "a subnet smaller than /24 is refused" {
  echo '[{"IPAM":{"Config":[{"Subnet":"10.1.2.0/25"}]}}]' >"${BATS_TEST_TMPDIR}/tiny.json"
  run range 0 "${BATS_TEST_TMPDIR}/tiny.json"
  assert_status 1
  assert_has "too small"
}

@test "the rendered pool carries the computed range; the committed file is untouched" {
  local before
  before="$(cat "${FIXTURES}/gateway-config/metallb/metallb-pool.yaml")"
  run lib render_metallb "${FIXTURES}/gateway-config/metallb" 172.19.255.200-172.19.255.250
  assert_status 0
  assert_has "    - 172.19.255.200-172.19.255.250"
  assert_lacks "10.99.99.200"
  assert_has "name: netpaths-pool"
  assert_has "name: netpaths-l2"
  [ "$(cat "${FIXTURES}/gateway-config/metallb/metallb-pool.yaml")" = "${before}" ]
}

@test "rendering fails clearly when the MetalLB directory has no address entry" {
  mkdir -p "${BATS_TEST_TMPDIR}/metallb"
  printf 'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: netpaths-l2\n' >"${BATS_TEST_TMPDIR}/metallb/l2.yaml"
  run lib render_metallb "${BATS_TEST_TMPDIR}/metallb" 172.18.255.200-172.18.255.250
  assert_status 1
  assert_has "no address entry"
}

@test "the committed gateway-config/metallb/ renders with a computed range (when it exists)" {
  [ -d "${REPO_ROOT}/gateway-config/metallb" ] || skip "gateway-config/metallb/ not in this tree yet"
  run lib render_metallb "${REPO_ROOT}/gateway-config/metallb" 172.19.255.200-172.19.255.250
  assert_status 0
  assert_has "172.19.255.200-172.19.255.250"
  assert_has "netpaths-pool"
}

@test "PLAN=1 addons metallb applies the pool with the range from the cluster's network" {
  NETPATHS_NETWORK_JSON="${FIXTURES}/k3d-network.json" CLUSTER=k3d PLAN=1 run "${CLUSTER_DIR}/addons.sh" metallb
  assert_status 0
  assert_in_order "metallb-native.yaml" "rollout status deployment/controller" "rollout status daemonset/speaker" \
    "kubectl --context k3d-netpaths apply -f - <<'EOF'" "    - 172.19.255.200-172.19.255.250" "EOF"
  assert_no_tool_called
}

@test "addons metallb stops before applying anything when the pool cannot be rendered" {
  mkdir -p "${BATS_TEST_TMPDIR}/gc/metallb"
  echo "kind: L2Advertisement" >"${BATS_TEST_TMPDIR}/gc/metallb/l2.yaml"
  GATEWAY_CONFIG_DIR="${BATS_TEST_TMPDIR}/gc" NETPATHS_NETWORK_JSON="${FIXTURES}/kind-network.json" PLAN=1 \
    run "${CLUSTER_DIR}/addons.sh" metallb
  assert_status 1
  assert_has "no address entry"
  assert_lacks "apply -f - <<'EOF'"
}
