#!/usr/bin/env bash
# `cmake --install BUILD --prefix DIR` puts the three kinds of files in place: the binary in
# bin/, the man page in share/man/man1/, every rule doc in share/doc/schemagate/rules/.
#
#   tests/packaging/install_test.sh CMAKE BUILD_DIR SOURCE_DIR
set -euo pipefail

cmake=$1
build=$2
source_dir=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/schemagate-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || {
  cat "$work/install.log"
  echo "FAIL: cmake --install failed"
  exit 1
}

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

[ -x "$prefix/bin/schemagate" ] || fail "bin/schemagate is missing or not executable"
cmp -s "$source_dir/man/schemagate.1" "$prefix/share/man/man1/schemagate.1" ||
  fail "share/man/man1/schemagate.1 is missing or differs from man/schemagate.1"
for doc in "$source_dir"/rules/*.md; do
  cmp -s "$doc" "$prefix/share/doc/schemagate/rules/$(basename "$doc")" ||
    fail "share/doc/schemagate/rules/$(basename "$doc") is missing or differs"
done
installed=$(find "$prefix/share/doc/schemagate/rules" -type f | wc -l)
expected=$(find "$source_dir/rules" -maxdepth 1 -name '*.md' -type f | wc -l)
[ "$installed" -eq "$expected" ] || fail "$installed rule docs installed, $expected expected"

# The installed binary runs and knows its rules.
if [ -x "$prefix/bin/schemagate" ]; then
  "$prefix/bin/schemagate" --version | grep -q '^schemagate [0-9]' ||
    fail "the installed schemagate --version: $("$prefix/bin/schemagate" --version 2>&1)"
  "$prefix/bin/schemagate" rule require-concurrent-index-creation >/dev/null ||
    fail "the installed schemagate rule require-concurrent-index-creation failed"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "cmake --install: bin/schemagate, share/man/man1/schemagate.1, $installed rule docs"
