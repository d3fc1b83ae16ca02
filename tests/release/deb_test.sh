#!/usr/bin/env bash
# The Debian package of the static binary: its fields (no Depends), its files (binary, man
# page, rule docs, copyright), and an install with dpkg into a throwaway root whose package
# database is empty — no libc6, as on a release whose libraries differ from Debian 12's — where
# the installed schemagate lints the examples as the normal build does. Root is not needed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

deb=$(artifact "schemagate_${version}_*.deb")
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = schemagate ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = devel ] || fail "Section: $(field Section)"
[ -z "$(field Depends)" ] || fail "a static binary needs no Depends: '$(field Depends)'"
[ -z "$(field Pre-Depends)" ] || fail "Pre-Depends: '$(field Pre-Depends)'"
# xz, which every dpkg since Debian 6 and Ubuntu 10.04 reads (zstd needs dpkg 1.21.18 in Debian).
ar t "$deb" | grep -qx 'data.tar.xz' || fail "the data member is not xz-compressed: $(ar t "$deb" | tr '\n' ' ')"

dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/bin/schemagate /usr/share/man/man1/schemagate.1.gz /usr/share/doc/schemagate/copyright; do
  grep -qx "$f" "$work/contents" || fail "the package lacks $f"
done
for doc in "$root"/rules/*.md; do
  f=/usr/share/doc/schemagate/rules/$(basename "$doc")
  grep -qx "$f" "$work/contents" || fail "the package lacks $f"
done
dpkg-deb --contents "$deb" | awk '{print $2}' | grep -vqx 'root/root' && fail "files not owned by root"

# Installed into an empty dpkg database: nothing to depend on.
dpkg_root="$work/root"
mkdir -p "$dpkg_root/var/lib/dpkg/info" "$dpkg_root/var/lib/dpkg/updates"
: >"$dpkg_root/var/lib/dpkg/status"
if ! dpkg --root="$dpkg_root" --force-not-root --force-script-chrootless --log=/dev/null \
  --install "$deb" >"$work/dpkg.log" 2>&1; then
  cat "$work/dpkg.log"
  die "dpkg --install into an empty root failed"
fi
dpkg --root="$dpkg_root" --status schemagate 2>/dev/null | grep -qx 'Status: install ok installed' ||
  fail "dpkg does not list schemagate as installed"
cmp -s "$dpkg_root/usr/bin/schemagate" "$(artifact "schemagate-$version-linux-$(uname -m)")" ||
  fail "the installed /usr/bin/schemagate is not the release binary"
copyright="$dpkg_root/usr/share/doc/schemagate/copyright"
grep -qx 'License: Apache-2.0' "$copyright" || fail "the copyright file names no Apache-2.0 license"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$copyright" ||
  fail "the copyright file is not machine-readable (DEP-5)"
zcat "$dpkg_root/usr/share/man/man1/schemagate.1.gz" | grep -q '^\.TH SCHEMAGATE' ||
  fail "the man page is not schemagate's"
same_lint "the .deb's /usr/bin/schemagate" "$root" "$dpkg_root/usr/bin/schemagate"
finish "$(basename "$deb") (no Depends) installs into an empty dpkg root; its schemagate lints the examples as the normal build does"
