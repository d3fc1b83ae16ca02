#!/usr/bin/env bash
# The static binary: no dynamic section or interpreter, and in an empty chroot (the binary and
# a copy of examples/, nothing else: no C library, no /etc, no /proc) it lints the examples
# exactly as the normal build does.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

binary=$(artifact "schemagate-$version-linux-$(uname -m)")
out=$(ldd "$binary" 2>&1) && fail "ldd lists libraries: $out"
grep -q "not a dynamic executable" <<<"$out" || fail "ldd says: $out"
readelf -l "$binary" | grep -q INTERP && fail "the binary has a program interpreter"
readelf -d "$binary" 2>/dev/null | grep -q NEEDED && fail "the binary needs shared libraries"

[ "$(id -u)" -eq 0 ] || die "chroot needs root"
chroot_dir="$work/root"
mkdir -p "$chroot_dir"
cp "$binary" "$chroot_dir/schemagate"
cp -r "$root/examples" "$chroot_dir/examples"
[ "$(find "$chroot_dir" -maxdepth 1 | wc -l)" -eq 3 ] || die "the chroot holds more than expected"
same_lint "the static binary in an empty chroot" "$root" chroot "$chroot_dir" /schemagate
# Every subcommand that reads no database works there too.
for args in "rules" "rule ban-drop-table" "checklist examples" "graph examples" \
  "explain examples/sql" "config examples"; do
  status=0
  # shellcheck disable=SC2086
  chroot "$chroot_dir" /schemagate $args >"$work/chroot.out" 2>&1 || status=$?
  # shellcheck disable=SC2086
  (cd "$root" && "$reference" $args) >"$work/ref.out" 2>&1 || true
  [ "$status" -le 1 ] || fail "schemagate $args exited $status in the chroot"
  cmp -s "$work/ref.out" "$work/chroot.out" || {
    fail "schemagate $args differs in the chroot:"
    diff "$work/ref.out" "$work/chroot.out" | head -n 10
  }
done
finish "static ($(du -h "$binary" | cut -f1)), lints the examples in an empty chroot as the normal build does"
