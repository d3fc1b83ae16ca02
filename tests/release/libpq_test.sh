#!/usr/bin/env bash
# The static libpq that scripts/release.sh builds (for the binary's PostgreSQL commands):
# a small program linked with it statically, as the release binary is, runs in an empty
# chroot with no network: it reports its version, refuses GSSAPI (not built in), accepts
# sslmode=require (OpenSSL is), and reports a missing server without crashing.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

link=${SCHEMAGATE_RELEASE_CACHE:-$root/build-release}/libpq.link
[ -f "$link" ] || die "no $link (run scripts/release.sh)"
mapfile -t flags <"$link"
cc -O2 -static -o "$work/smoke" "$root/tests/release/libpq_smoke.c" "${flags[@]}" \
  >"$work/cc.log" 2>&1 || {
  cat "$work/cc.log"
  die "linking a program with the static libpq failed"
}
readelf -l "$work/smoke" | grep -q INTERP && fail "the program is not static"
[ "$(id -u)" -eq 0 ] || die "chroot and unshare need root"
mkdir -p "$work/root"
cp "$work/smoke" "$work/root/smoke"
unshare -n chroot "$work/root" /smoke >"$work/out" 2>&1 || die "the program failed: $(cat "$work/out")"
grep -Eq '^version: 1[5-9][0-9]{4}$' "$work/out" || fail "no libpq version: $(cat "$work/out")"
grep -qx 'threadsafe: 1' "$work/out" || fail "libpq is not thread-safe"
grep -q '^socket: bad .*/nonexistent-socket-dir/.s.PGSQL.5432' "$work/out" ||
  fail "the missing server's socket is not reported: $(grep '^socket' "$work/out")"
grep -q '^gssapi: bad .*gssencmode value "require" invalid when GSSAPI support is not compiled in' \
  "$work/out" || fail "GSSAPI is not refused as absent: $(grep '^gssapi' "$work/out")"
grep -q '^ssl: bad ' "$work/out" && ! grep -qi 'ssl.*not.*compiled\|not supported' "$work/out" ||
  fail "sslmode=require is not accepted: $(grep '^ssl' "$work/out")"
finish "a program linked with it statically runs in an empty chroot: $(head -n 1 "$work/out"), no GSSAPI, OpenSSL in"
