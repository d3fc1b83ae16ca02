#!/usr/bin/env bash
# dist/: every artifact scripts/release.sh makes is there, each with a SHA-256 file that
# verifies it, and SHA256SUMS lists them all.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

arch=$(uname -m)
expected=(
  "schemagate-$version-linux-$arch"
  "schemagate-$version-py3-none-manylinux2014_$arch.musllinux_1_1_$arch.whl"
  "schemagate-$version.tgz"
  "schemagate-linux-*-$version.tgz"
  "schemagate-$version-oci.tar"
  "schemagate_${version}_*.deb"
)
artifacts=()
for glob in "${expected[@]}"; do
  artifacts+=("$(artifact "$glob")")
done
for f in "$dist"/*; do
  case "$f" in *.sha256 | */SHA256SUMS) continue ;; esac
  printf '%s\n' "${artifacts[@]}" | grep -qxF "$f" || fail "unexpected file in dist/: $(basename "$f")"
done
for f in "${artifacts[@]}"; do
  name=$(basename "$f")
  if [ ! -f "$f.sha256" ]; then
    fail "$name has no $name.sha256"
    continue
  fi
  [ "$(awk '{print $2}' "$f.sha256")" = "$name" ] || fail "$name.sha256 names another file"
  (cd "$dist" && sha256sum --quiet --strict -c "$name.sha256") || fail "$name.sha256 does not verify"
  grep -qxF "$(cat "$f.sha256")" "$dist/SHA256SUMS" || fail "SHA256SUMS lacks $name"
done
(cd "$dist" && sha256sum --quiet --strict -c SHA256SUMS) || fail "SHA256SUMS does not verify"
[ "$(wc -l <"$dist/SHA256SUMS")" -eq "${#artifacts[@]}" ] ||
  fail "SHA256SUMS has $(wc -l <"$dist/SHA256SUMS") lines for ${#artifacts[@]} artifacts"
# The README's Install commands name these very files.
while read -r named; do
  [ -e "$root/$named" ] || fail "README names $named, which release.sh did not make"
done < <(grep -o 'dist/schemagate[^ )`]*' "$root/README.md" | grep -v '<' | sort -u)
grep -q "dist/schemagate-$version-linux-$arch\b" "$root/README.md" ||
  fail "README's Install does not name dist/schemagate-$version-linux-$arch"
# A corrupted copy is caught.
cp "${artifacts[0]}" "$work/" && cp "${artifacts[0]}.sha256" "$work/"
printf 'x' >>"$work/$(basename "${artifacts[0]}")"
if (cd "$work" && sha256sum --quiet --strict -c "$(basename "${artifacts[0]}").sha256") \
  >/dev/null 2>&1; then
  fail "a corrupted binary still verifies"
fi
finish "${#artifacts[@]} artifacts, each verified by its SHA-256 file and SHA256SUMS"
