#!/usr/bin/env bats
# The READMEs restate the repository's layout: every relative link resolves, the root README's layout
# block lists every Maven module and only directories that exist, and every `make` target it quotes exists.

load helpers

READMES=(README.md k8s/README.md manifest-checks/README.md k8s/components/cluster-name/README.md)

@test "every relative link in the READMEs resolves to a file or directory" {
  local readme link target missing=()
  for readme in "${READMES[@]}"; do
    while IFS= read -r link; do
      target="${link%%#*}"
      [[ -z "${target}" || "${target}" == http* ]] && continue
      [[ -e "${REPO_ROOT}/$(dirname "${readme}")/${target}" ]] || missing+=("${readme}: ${link}")
    done < <(grep -oE '\]\([^)]+\)' "${REPO_ROOT}/${readme}" | sed -E 's/^\]\((.*)\)$/\1/')
  done
  if [[ ${#missing[@]} -gt 0 ]]; then printf 'broken link: %s\n' "${missing[@]}" >&2; return 1; fi
}

@test "the README's layout block lists every Maven module, and only directories that exist" {
  local layout module dir
  layout="$(sed -n '/^## Layout/,/^## /p' "${REPO_ROOT}/README.md")"
  for module in $(grep -oE '<module>[^<]+</module>' "${REPO_ROOT}/pom.xml" | sed -E 's#</?module>##g'); do
    grep -qE "^${module}/ " <<<"${layout}" || { echo "module ${module} is not in README.md's layout" >&2; return 1; }
  done
  for dir in $(grep -oE '^[a-z0-9-]+/ ' <<<"${layout}"); do
    [[ -d "${REPO_ROOT}/${dir}" ]] || { echo "README.md's layout names ${dir}, which does not exist" >&2; return 1; }
  done
}

@test "every make target the README quotes exists in the Makefile" {
  local target
  for target in $(grep -oE '^make [a-z-]+' "${REPO_ROOT}/README.md" | awk '{print $2}' | sort -u); do
    grep -qE "^${target}:" "${REPO_ROOT}/Makefile" || { echo "README.md quotes make ${target}, which the Makefile lacks" >&2; return 1; }
  done
}
