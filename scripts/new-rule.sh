#!/usr/bin/env bash
# Scaffolds a new rule: its source file, its line in the sorted list (src/rules/rules.def),
# its doc (rules/<id>.md, with the fixed headings), a SQL and an Alembic fixture that expect
# it to fire, and its row in README's rule table.
#
#   bash scripts/new-rule.sh ID CATEGORY SEVERITY ["what it catches"]
#   bash scripts/new-rule.sh require-concurrent-refresh locks warning \
#     "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads"
#
# The scaffold does not build into a working rule by itself: its fixtures expect findings
# that the check, still empty, does not report, so the tests fail until the check, the doc's
# text and the fixtures are written. SCHEMAGATE_ROOT names another source tree (tests).
set -euo pipefail

usage() {
  echo "usage: bash scripts/new-rule.sh ID CATEGORY SEVERITY [\"what it catches\"]" >&2
  echo "  ID: lowercase words joined by '-'; CATEGORY: one of src/rules/*/;" >&2
  echo "  SEVERITY: error, warning or info" >&2
  exit 2
}

[ $# -ge 3 ] && [ $# -le 4 ] || usage
id=$1 category=$2 severity=$3 catches=${4:-}
root=${SCHEMAGATE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

if ! [[ $id =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]]; then
  echo "new-rule: '$id' is not an id (lowercase words joined by '-')" >&2
  exit 2
fi
if [ ! -d "$root/src/rules/$category" ]; then
  known=$(cd "$root/src/rules" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort |
    paste -sd, | sed 's/,/, /g')
  echo "new-rule: unknown category '$category' (known: $known)" >&2
  exit 2
fi
case $severity in error | warning | info) ;; *)
  echo "new-rule: severity must be error, warning or info, not '$severity'" >&2
  exit 2
  ;;
esac
name=${id//-/_}
def="$root/src/rules/rules.def"
source_file="$root/src/rules/$category/$name.cpp"
doc="$root/rules/$id.md"
sql="$root/tests/fixtures/sql/$id.sql"
py="$root/tests/fixtures/alembic/$name.py"
if grep -qx "SCHEMAGATE_RULE($name)" "$def"; then
  echo "new-rule: $id is already in src/rules/rules.def" >&2
  exit 1
fi
for f in "$source_file" "$doc" "$sql" "$py"; do
  if [ -e "$f" ]; then
    echo "new-rule: ${f#"$root"/} already exists; nothing written" >&2
    exit 1
  fi
done
[ -n "$catches" ] || catches="(what $id catches, in a few words)"

cat >"$source_file" <<EOF
// $id: $catches.
#include "rules/rules.hpp"

namespace schemagate::rules {

static void $name(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    // Report each hazard once, at the statement the user would fix: the message says what
    // PostgreSQL does, the help what to write instead (a Fix when the change is an edit).
    (void)step;
  }
}

extern const RuleDef ${name}_rule{.id = "$id",
                                  .severity = Severity::$severity,
                                  .category = "$category",
                                  .check = &$name};

}  // namespace schemagate::rules
EOF

cat >"$doc" <<EOF
# $id

**Severity:** $severity · **Category:** $category

Reports $catches.

## What it does

## Why is this bad?

## Example

\`\`\`sql
\`\`\`

## Use instead

\`\`\`sql
\`\`\`

## Options

None.

## References

EOF

cat >"$sql" <<EOF
-- $id: $catches.

-- expect: $id
-- (a statement it reports)

-- Not reported:
-- (the safe way to write it)
EOF

cat >"$py" <<EOF
"""$id

Revision ID: 0000000000aa
Revises:
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0000000000aa"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # expect: $id
    op.execute("SELECT 1")  # (an operation it reports)


def downgrade():
    pass
EOF

# The sorted list: the new line before the first larger one.
insert_sorted() {
  local file=$1 line=$2
  awk -v new="$line" '
    BEGIN { done = 0 }
    /^SCHEMAGATE_RULE\(/ && !done && $0 > new { print new; done = 1 }
    { print }
    END { if (!done) print new }
  ' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}
insert_sorted "$def" "SCHEMAGATE_RULE($name)"

# README's rule table: the row in id order.
readme="$root/README.md"
row="| [$id](rules/$id.md) | $severity | $catches |"
awk -v new="$row" -v id="$id" '
  BEGIN { done = 0 }
  /^\| \[[a-z0-9-]+\]\(rules\// {
    split($0, a, "[][]"); seen = 1
    if (!done && a[2] > id) { print new; done = 1 }
  }
  seen && !done && !/^\| \[/ { print new; done = 1 }
  { print }
' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"

cat <<EOF
new-rule: wrote
  ${source_file#"$root"/}
  ${doc#"$root"/}
  ${sql#"$root"/}
  ${py#"$root"/}
and added $id to src/rules/rules.def and README's rule table. Next: write the check, the
doc and the fixtures (firing and not firing); the tests fail until they agree.
EOF
