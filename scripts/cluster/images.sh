#!/usr/bin/env bash
# Builds the three service images with Jib into the local Docker daemon (Quarkus container-image-jib; names
# from docs/architecture.md: netpaths/<module>:0.1.0, never :latest, so imagePullPolicy IfNotPresent uses
# them) and loads them into the cluster's nodes.
#
# Usage: scripts/cluster/images.sh [-h|--help]        (make images)
#
# Settings:
#   CLUSTER=${CLUSTER:-kind}             kind | k3d
#   CLUSTER_NAME=${CLUSTER_NAME:-netpaths}
#   SKIP_BUILD=${SKIP_BUILD:-0}          1: only load images built before
#   MVN=${MVN:-mvn -B -ntp}              the Maven command
#   PLAN=${PLAN:-0}                      1: print the commands instead of running them
set -o errexit -o nounset -o pipefail

# shellcheck source=scripts/cluster/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

MODULES=(echo-service caller-service sidecar-demo)
IMAGE_TAG=0.1.0

images() { local m; for m in "${MODULES[@]}"; do echo "netpaths/${m}:${IMAGE_TAG}"; done; }

preflight() {
  step "Preflight"
  preflight_docker
  preflight_tool "${CLUSTER}"
  if [[ "${SKIP_BUILD}" != 1 ]]; then
    preflight_tool java "${MIN_JAVA_VERSION}"
    preflight_tool mvn
  fi
}

build() {
  local mvn
  read -r -a mvn <<<"${MVN:-mvn -B -ntp}"
  step "Build ${MODULES[*]} and their images (Jib, into the local Docker daemon)"
  run "${mvn[@]}" package -DskipTests -Dquarkus.container-image.build=true \
    -pl "$(join_by , "${MODULES[@]}")" -am
}

load() {
  local list
  mapfile -t list < <(images)
  step "Load ${list[*]} into ${CLUSTER} cluster ${CLUSTER_NAME}"
  if ! is_plan; then
    local image
    for image in "${list[@]}"; do
      docker image inspect "${image}" >/dev/null 2>&1 || die "image ${image} is not in the local Docker daemon: build it (make images without SKIP_BUILD=1)"
    done
  fi
  if [[ "${CLUSTER}" == kind ]]; then
    run kind load docker-image --name "${CLUSTER_NAME}" "${list[@]}"
  else
    run k3d image import --cluster "${CLUSTER_NAME}" "${list[@]}"
  fi
}

main() {
  handle_help "${BASH_SOURCE[0]}" "$@"
  load_settings
  SKIP_BUILD="${SKIP_BUILD:-0}"
  require_one_of SKIP_BUILD "${SKIP_BUILD}" 0 1
  preflight
  if [[ "${SKIP_BUILD}" != 1 ]]; then build; fi
  load
  done_note "images loaded into ${CLUSTER} cluster ${CLUSTER_NAME}. Next: make deploy"
}

main "$@"
