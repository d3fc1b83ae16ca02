#!/usr/bin/env bash
# The pre-commit hooks end to end: the project's own .pre-commit-hooks.yaml, as it is in the
# working tree, installed by the real pre-commit into a throwaway git repository. A commit
# of an unsafe migration (Alembic and SQL) is refused with the finding printed; a safe one
# goes through, and so does a staged Python file that is no migration.
#
#   tests/packaging/precommit_test.sh SCHEMAGATE_BINARY SOURCE_DIR
#       the `schemagate-system` hook (language: system), SCHEMAGATE_BINARY on PATH
#   tests/packaging/precommit_test.sh --python DIST SCHEMAGATE_BINARY SOURCE_DIR
#       the `schemagate` hook (language: python): pre-commit pip-installs the hook repository
#       (its pyproject.toml), which depends on the schemagate wheel; with no network at all
#       (unshare -n), pip pointed at DIST and /usr/share/python-wheels (setuptools, for the
#       build) by PIP_NO_INDEX and PIP_FIND_LINKS, and no schemagate on PATH
#
# Exits 77 (ctest: skipped) when pre-commit is not installed. No network: the hook
# repository is a local one (file://).
set -euo pipefail

mode=system
if [ "${1:-}" = --python ]; then
  mode=python
  dist=$(cd "$2" && pwd)
  shift 2
  if [ -z "${SCHEMAGATE_PRECOMMIT_NO_NETWORK:-}" ]; then
    # Again, in a network namespace of its own (no interface but a loopback that is down).
    if [ "$(id -u)" -ne 0 ]; then
      echo "FAIL: unshare -n (no network) needs root"
      exit 1
    fi
    SCHEMAGATE_PRECOMMIT_NO_NETWORK=1 exec unshare -n bash "$0" --python "$dist" "$@"
  fi
fi
schemagate=$1
source_dir=$2

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "pre-commit is not installed (Debian: pre-commit): skipped"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/schemagate-precommit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Nothing of the caller's git, pip or pre-commit set-up leaks in.
version=$("$schemagate" --version | awk '{print $2}')
export PRE_COMMIT_HOME="$work/pre-commit-home" HOME="$work/home"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=schemagate GIT_AUTHOR_EMAIL=schemagate@localhost
export GIT_COMMITTER_NAME=schemagate GIT_COMMITTER_EMAIL=schemagate@localhost
export NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY PRE_COMMIT_COLOR SKIP
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_REQUIRE_VIRTUALENV VIRTUAL_ENV PIP_CONFIG_FILE
mkdir -p "$HOME"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

if [ "$mode" = system ]; then
  # The built binary is the `schemagate` the hook runs.
  hook_id=schemagate-system
  PATH="$(cd "$(dirname "$schemagate")" && pwd):$PATH"
else
  # pip finds the wheel in DIST and setuptools in Debian's wheels, and nothing else; the
  # hook's virtual environment brings the binary: none on PATH may stand in for it.
  hook_id=schemagate
  export PIP_NO_INDEX=1 PIP_FIND_LINKS="$dist /usr/share/python-wheels"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  clean_path=
  IFS=: read -r -a path_dirs <<<"$PATH"
  for d in "${path_dirs[@]}"; do
    [ -x "$d/schemagate" ] || clean_path+="${clean_path:+:}$d"
  done
  PATH=$clean_path
fi
export PATH
if [ "$mode" = python ] && command -v schemagate >/dev/null 2>&1; then
  fail "a schemagate is on PATH: $(command -v schemagate)"
fi

# The hook repository: the working tree's .pre-commit-hooks.yaml, committed and tagged as
# the release steps tag a release (README, "Releasing": v<version>). The README's snippet must
# pin that very tag, so that copying it installs the hook.
rev="v$version"
readme_rev=$(sed -n '/^repos:$/,/^```$/s/^ *rev: *\([^ ]*\).*/\1/p' "$source_dir/README.md" | head -n 1)
if [ "$readme_rev" != "$rev" ]; then
  fail "README's pre-commit snippet pins '$readme_rev', the release tag is '$rev'"
fi
hooks="$work/hooks"
git init -q "$hooks"
cp "$source_dir/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" add .pre-commit-hooks.yaml
if [ "$mode" = python ]; then
  # What pre-commit pip-installs: the root pyproject.toml, for this version's wheel.
  cp "$source_dir/pyproject.toml" "$hooks/"
  git -C "$hooks" add pyproject.toml
  grep -qx "version = \"$version\"" "$hooks/pyproject.toml" ||
    fail "pyproject.toml's version is not $version"
  grep -qF "\"schemagate==$version\"" "$hooks/pyproject.toml" ||
    fail "pyproject.toml does not depend on schemagate==$version"
fi
git -C "$hooks" commit -q -m hooks
git -C "$hooks" tag -a "$rev" -m "schemagate $version"

project="$work/project"
git init -q "$project"
cd "$project"
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: file://$hooks
    rev: $rev
    hooks:
      - id: $hook_id
EOF
pre-commit install >/dev/null
git add .pre-commit-config.yaml
git commit -q -m "pre-commit configuration" >/dev/null

# commit EXPECTED MESSAGE: commits what is staged; EXPECTED is `pass` or `refuse`.
# The output is in $work/out.
commit() {
  local expected=$1 message=$2 before after status=0
  before=$(git rev-parse HEAD)
  git commit -m "$message" >"$work/out" 2>&1 || status=$?
  after=$(git rev-parse HEAD)
  if [ "$expected" = pass ] && { [ "$status" -ne 0 ] || [ "$before" = "$after" ]; }; then
    fail "'$message' should have been committed (git commit exited $status):"
    cat "$work/out"
  elif [ "$expected" = refuse ] && { [ "$status" -eq 0 ] || [ "$before" != "$after" ]; }; then
    fail "'$message' should have been refused (git commit exited $status):"
    cat "$work/out"
  fi
}

expect_output() {
  if ! grep -qF -- "$1" "$work/out"; then
    fail "the output lacks '$1':"
    cat "$work/out"
  fi
}

# --- Alembic --------------------------------------------------------------------------
mkdir -p migrations/versions app
cat >migrations/versions/0001_users.py <<'EOF'
"""users

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
    )
    op.create_index("ix_users_email", "users", ["email"])


def downgrade():
    op.drop_table("users")
EOF
# Not a migration, and not even Python 3: the hook must not lint it.
printf 'print "not a migration"\nx = (\n' >app/legacy.py
git add migrations app
commit pass "a new table, and a Python file that is no migration"
expect_output "schemagate (migration linter)"

cat >migrations/versions/0002_index.py <<'EOF'
"""index users.name

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.create_index("ix_users_created", "users", ["email", "id"])


def downgrade():
    op.drop_index("ix_users_created", table_name="users")
EOF
git add migrations
commit refuse "an index built without CONCURRENTLY on an existing table"
expect_output "require-concurrent-index-creation"
expect_output "migrations/versions/0002_index.py:13:5"

cat >migrations/versions/0002_index.py <<'EOF'
"""index users.name

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_users_created", "users", ["email", "id"], postgresql_concurrently=True
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_users_created", table_name="users", postgresql_concurrently=True)
EOF
git add migrations
commit pass "the same index, built concurrently"

# --- SQL ------------------------------------------------------------------------------
mkdir -p db
printf 'CREATE INDEX ix_skills_name ON skills (name);\n' >db/002_index_skills.sql
git add db
commit refuse "a SQL CREATE INDEX on an existing table"
expect_output "require-concurrent-index-creation"
expect_output "db/002_index_skills.sql:1:1"

printf 'CREATE INDEX CONCURRENTLY ix_skills_name ON skills (name);\n' >db/002_index_skills.sql
git add db
commit pass "the SQL index, built concurrently"

# --- args: flags before the staged files never swallow them -----------------------------
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: file://$hooks
    rev: $rev
    hooks:
      - id: $hook_id
        args: [--exclude, "legacy/**", --disable, prefer-text-field]
EOF
git add .pre-commit-config.yaml
commit pass "hook arguments"
cat >migrations/versions/0003_tenant.py <<'EOF'
"""users.tenant_id

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"


def upgrade():
    op.add_column("users", sa.Column("tenant_id", sa.BigInteger, nullable=False))


def downgrade():
    op.drop_column("users", "tenant_id")
EOF
git add migrations
commit refuse "ADD COLUMN NOT NULL without a default, with args: before the files"
expect_output "adding-required-field"
expect_output "migrations/versions/0003_tenant.py:14:5"
git reset -q migrations
rm migrations/versions/0003_tenant.py

mkdir -p legacy
printf 'CREATE INDEX ix_old ON old_table (a);\n' >legacy/001_old.sql
git add legacy
commit pass "an excluded legacy file"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pre-commit hook $hook_id (language: $mode): unsafe migrations refused, safe ones committed"
