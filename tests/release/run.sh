#!/usr/bin/env bash
# Every release artifact test, on what scripts/release.sh left in dist/ (the test job runs it
# right after the release script). Each test says what it checked; a failing one does not
# stop the others. Needs root (chroot, unshare -n), skopeo, pre-commit and npm.
#
#   tests/release/run.sh [TEST...]    TEST: sums static libpq wheel precommit npm deb oci action
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tests=("$@")
((${#tests[@]})) || tests=(sums static libpq wheel precommit npm deb oci action)
passed=0 failed=0
for t in "${tests[@]}"; do
  start=$SECONDS
  if [ "$t" = precommit ]; then
    # The language: python hook, from the wheel in dist/, with no network.
    cmd=(bash "$root/tests/packaging/precommit_test.sh" --python "${SCHEMAGATE_DIST:-$root/dist}"
      "${SCHEMAGATE_REFERENCE:-$root/build/schemagate}" "$root")
  else
    cmd=(bash "$here/${t}_test.sh")
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/schemagate-release-$t.XXXXXX")
  if "${cmd[@]}" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS $t ($((SECONDS - start)) s): $(tail -n 1 "$log")"
  else
    failed=$((failed + 1))
    echo "FAIL $t ($((SECONDS - start)) s):"
    sed 's/^/  /' "$log"
  fi
  rm -f "$log"
done
echo "release artifacts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
