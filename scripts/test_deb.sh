#!/usr/bin/env bash
# Builds the Debian package of a configured and built tree (cpack -G DEB), checks its fields
# and files, installs it with dpkg into a throwaway root, and runs the installed binary.
#
#   scripts/test_deb.sh [BUILD_DIR]     (default: build/)
#
# The dpkg root starts from this machine's package database (a copy of its status file), so
# the package's dependencies are checked against what is really installed; nothing outside
# the temporary folder is changed, and root is not needed. Needs dpkg-dev (dpkg-shlibdeps).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)

say() { printf 'test_deb: %s\n' "$*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in $build/CMakeCache.txt (not configured?)"
[ -f "$build/CPackConfig.cmake" ] || fail "$build/CPackConfig.cmake is missing (not configured?)"

work=$(mktemp -d "${TMPDIR:-/tmp}/schemagate-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! (cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/package") \
  >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
debs=("$work"/package/schemagate_*.deb)
if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  fail "cpack made no single schemagate_*.deb"
fi
deb=${debs[0]}

# The control fields.
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = schemagate ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), expected $version"
[ "$(field Section)" = devel ] || fail "Section: $(field Section)"
[ "$(field Maintainer)" = "schemagate developers" ] || fail "Maintainer: $(field Maintainer)"
# dpkg-shlibdeps found the libraries the binary links (the C library at least).
field Depends | grep -q 'libc6' || fail "Depends lacks libc6: '$(field Depends)'"

# The files: the binary, the man page, every rule doc.
dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/bin/schemagate /usr/share/man/man1/schemagate.1; do
  grep -qx "$f" "$work/contents" || fail "the package lacks $f"
done
for doc in "$root"/rules/*.md; do
  f=/usr/share/doc/schemagate/rules/$(basename "$doc")
  grep -qx "$f" "$work/contents" || fail "the package lacks $f"
done

# Install into a throwaway dpkg root whose database is a copy of this machine's.
dpkg_root="$work/root"
# --force-not-root: dpkg refuses to run unprivileged otherwise; --force-script-chrootless:
# maintainer scripts (the package has none today) would run without chroot(2), which needs
# root. An unmet dependency still fails the install.
mkdir -p "$dpkg_root/var/lib/dpkg/info" "$dpkg_root/var/lib/dpkg/updates"
cp /var/lib/dpkg/status "$dpkg_root/var/lib/dpkg/status"
if ! dpkg --root="$dpkg_root" --force-not-root --force-script-chrootless --log=/dev/null \
  --install "$deb" >"$work/dpkg.log" 2>&1; then
  cat "$work/dpkg.log" >&2
  fail "dpkg --install failed"
fi
dpkg --root="$dpkg_root" --status schemagate 2>/dev/null | grep -qx 'Status: install ok installed' ||
  fail "dpkg does not list schemagate as installed in the throwaway root"

out=$("$dpkg_root/usr/bin/schemagate" --version) || fail "the installed schemagate --version failed"
[ "$out" = "schemagate $version" ] || fail "the installed schemagate --version printed '$out'"
say "$(basename "$deb") (Depends: $(field Depends)) installs; its schemagate prints '$out'"
