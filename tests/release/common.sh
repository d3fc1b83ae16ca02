# Shared by the release artifact tests (sourced): the artifacts in dist/, the reference binary
# (the normal build's), a throwaway folder, and the comparison of lint outputs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dist=${SCHEMAGATE_DIST:-$root/dist}
reference=${SCHEMAGATE_REFERENCE:-$root/build/schemagate}
test_name=$(basename "${BASH_SOURCE[1]}" .sh)

failures=0
fail() {
  echo "FAIL ($test_name): $*"
  failures=$((failures + 1))
}
die() {
  echo "FAIL ($test_name): $*"
  exit 1
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$test_name: $failures check(s) failed"
    exit 1
  fi
  echo "$test_name: $*"
}

[ -x "$reference" ] || die "no reference binary at $reference (build/ not built?)"
version=$("$reference" --version)
version=${version#schemagate }
[ -d "$dist" ] || die "no $dist (run scripts/release.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/schemagate-release-$test_name.XXXXXX")
trap 'rm -rf "$work"' EXIT

# artifact GLOB: the one file of dist/ that matches GLOB (its path).
artifact() {
  local matches=()
  mapfile -t matches < <(compgen -G "$dist/$1" || true)
  [ "${#matches[@]}" -eq 1 ] || die "expected one dist/$1, found ${#matches[@]}"
  printf '%s\n' "${matches[0]}"
}

# The normal build's `lint examples` and `lint --format json examples` from the repository
# root: what every artifact must print (in $work/reference.*).
(cd "$root" && "$reference" lint examples >"$work/reference.txt" 2>&1) && ref_status=0 ||
  ref_status=$?
(cd "$root" && "$reference" lint --format json examples >"$work/reference.json" 2>&1) || true
[ "$ref_status" -eq 1 ] || die "the reference lint of examples/ exited $ref_status, expected 1"

# same_lint LABEL DIR COMMAND...: COMMAND lint examples (and --format json) run in DIR, where
# examples/ is a copy of the repository's, must print what the normal build prints and exit
# as it does; COMMAND --version must print this version.
same_lint() {
  local label=$1 dir=$2 status=0
  shift 2
  (cd "$dir" && "$@" lint examples) >"$work/got.txt" 2>&1 || status=$?
  if [ "$status" -ne "$ref_status" ] || ! cmp -s "$work/reference.txt" "$work/got.txt"; then
    fail "$label: lint examples differs from the normal build's (exit $status, expected $ref_status):"
    diff "$work/reference.txt" "$work/got.txt" | head -n 20
  fi
  (cd "$dir" && "$@" lint --format json examples) >"$work/got.json" 2>&1 || true
  cmp -s "$work/reference.json" "$work/got.json" ||
    fail "$label: lint --format json examples differs from the normal build's"
  local got
  got=$(cd "$dir" && "$@" --version 2>&1) || true
  [ "$got" = "schemagate $version" ] || fail "$label: --version printed '$got'"
}
