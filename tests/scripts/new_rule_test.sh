#!/usr/bin/env bash
# scripts/new-rule.sh on a copy of the source tree: it writes the rule's file, doc and
# fixtures, puts the rule in rules.def and README's table in id order, the new source file
# compiles against the project's headers, and mistakes are refused with nothing written.
#   new_rule_test.sh SOURCE_DIR BINARY_DIR CXX
set -euo pipefail
src=$1 bin=$2 cxx=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
mkdir -p "$tmp/tests" "$tmp/scripts"
cp -r "$src/src" "$src/include" "$src/rules" "$src/README.md" "$tmp/"
cp -r "$src/tests/fixtures" "$tmp/tests/"
cp "$src/scripts/new-rule.sh" "$tmp/scripts/"
export SCHEMAGATE_ROOT=$tmp

bash "$tmp/scripts/new-rule.sh" ban-lock-table locks warning "LOCK TABLE in a migration" >/dev/null
for f in src/rules/locks/ban_lock_table.cpp rules/ban-lock-table.md \
  tests/fixtures/sql/ban-lock-table.sql tests/fixtures/alembic/ban_lock_table.py; do
  [ -s "$tmp/$f" ] || fail "$f not written"
done
# The one sorted list, still sorted, with the new rule once.
grep '^SCHEMAGATE_RULE(' "$tmp/src/rules/rules.def" | LC_ALL=C sort -c ||
  fail "rules.def is no longer sorted"
[ "$(grep -cx 'SCHEMAGATE_RULE(ban_lock_table)' "$tmp/src/rules/rules.def")" = 1 ] ||
  fail "rules.def lacks the new rule"
[ "$(($(wc -l <"$tmp/src/rules/rules.def") - $(wc -l <"$src/src/rules/rules.def")))" = 1 ] ||
  fail "rules.def changed by more than one line"
# README's table: the row in id order.
grep -o '^| \[[a-z0-9-]*\](rules/' "$tmp/README.md" | LC_ALL=C sort -c ||
  fail "README's rule table is no longer in id order"
grep -qxF '| [ban-lock-table](rules/ban-lock-table.md) | warning | LOCK TABLE in a migration |' \
  "$tmp/README.md" || fail "README lacks the new row"
# The doc has the fixed headings, in order.
[ "$(grep '^## ' "$tmp/rules/ban-lock-table.md" | paste -sd'|')" = \
  "## What it does|## Why is this bad?|## Example|## Use instead|## Options|## References" ] ||
  fail "the doc's headings"
# The source compiles as the project compiles.
"$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror \
  -I"$tmp/include" -I"$tmp/src" -I"$bin/generated" "$tmp/src/rules/locks/ban_lock_table.cpp" ||
  fail "the new rule's source does not compile"
# Refusals, with nothing written.
before=$(cd "$tmp" && find . -type f | sort | xargs md5sum | md5sum)
for args in "ban-lock-table locks warning" "Bad_Id locks warning" "x-y nope warning" \
  "x-y locks fatal" "x-y"; do
  # shellcheck disable=SC2086
  if bash "$tmp/scripts/new-rule.sh" $args 2>"$tmp/err"; then fail "accepted: $args"; fi
  grep -q '^new-rule: \|^usage: ' "$tmp/err" || fail "no message for: $args"
done
after=$(cd "$tmp" && find . -type f ! -name err | sort | xargs md5sum | md5sum)
[ "$before" = "$after" ] || fail "a refused call wrote files"
echo "new-rule scaffold: ok"
