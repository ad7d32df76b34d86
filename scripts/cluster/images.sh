#!/usr/bin/env bash
# Builds the three service images with Jib into the local Docker daemon (Quarkus container-image-jib; names
# from docs/architecture.md: netpaths/<module>:0.1.0, never :latest) for the Docker server's architecture
# (Jib builds linux/amd64 unless quarkus.jib.platforms says otherwise: quarkusio/quarkus
# ContainerImageJibConfig `platforms`), checks the built architecture, tags each image by content
# (0.1.0-<12 hex digits of its ID>, lib.sh image_ref) and loads that tag into the cluster's nodes.
# deploy.sh puts the same tag into the pod specs, so a rebuilt image rolls its pods.
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

# linux/<arch> of the Docker server (the nodes' architecture: arm64 on Apple Silicon, Graviton, ...).
server_platform() {
  local arch
  if is_plan; then echo "linux/<docker version -f {{.Server.Arch}}>"; return 0; fi
  arch="$(docker version -f '{{.Server.Arch}}' 2>/dev/null)" || die "cannot read the Docker server's architecture (docker version)"
  case "${arch}" in
    amd64|arm64) echo "linux/${arch}" ;;
    *) die "the Docker server runs ${arch}: the base image (UBI OpenJDK runtime) is built for amd64 and arm64 only" ;;
  esac
}

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
  step "Build ${IMAGE_MODULES[*]} and their images (Jib, into the local Docker daemon, ${PLATFORM})"
  run "${mvn[@]}" package -DskipTests -Dquarkus.container-image.build=true "-Dquarkus.jib.platforms=${PLATFORM}" \
    -pl "$(join_by , "${IMAGE_MODULES[@]}")" -am
}

# Every image exists, is built for the nodes' platform, and gets its content tag.
tag_by_content() {
  local module image arch ref
  step "Check the images' architecture (${PLATFORM}) and tag them by content"
  LIST=()
  for module in "${IMAGE_MODULES[@]}"; do
    image="netpaths/${module}:${IMAGE_TAG}"
    if ! is_plan; then
      arch="$(docker image inspect -f '{{.Architecture}}' "${image}" 2>/dev/null)" \
        || die "image ${image} is not in the local Docker daemon: build it (make images without SKIP_BUILD=1)"
      [[ "linux/${arch}" == "${PLATFORM}" ]] \
        || die "image ${image} is built for ${arch}, the nodes run ${PLATFORM#linux/}: rebuild it (make images without SKIP_BUILD=1)"
    fi
    ref="$(image_ref "${module}")"
    run docker tag "${image}" "${ref}"
    LIST+=("${ref}")
  done
}

load() {
  local list=("${LIST[@]}")
  step "Load ${list[*]} into ${CLUSTER} cluster ${CLUSTER_NAME}"
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
  PLATFORM="$(server_platform)"
  if [[ "${SKIP_BUILD}" != 1 ]]; then build; fi
  tag_by_content
  load
  done_note "images loaded into ${CLUSTER} cluster ${CLUSTER_NAME}. Next: make deploy"
}

main "$@"
