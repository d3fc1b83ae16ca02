#!/usr/bin/env bash
# Every release artifact test, on what scripts/release.sh left in dist/ (the test job runs it
# right after the release script). Each test says what it checked; a failing one does not
# stop the others, and each is stopped after SCHEMAGATE_RELEASE_TEST_TIMEOUT seconds (300 by
# default; all take about a minute together) so that the test job ends in bounded time. Needs
# root (chroot, unshare -n), skopeo, pre-commit and npm.
#
#   tests/release/run.sh [TEST...]    TEST: sums static libpq wheel precommit npm deb oci action
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tests=("$@")
((${#tests[@]})) || tests=(sums static libpq wheel precommit npm deb oci action)
passed=0 failed=0
limit=${SCHEMAGATE_RELEASE_TEST_TIMEOUT:-300}
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
  # --kill-after: a test that ignores TERM (a stuck registry, a hung hook) is killed.
  status=0
  timeout --kill-after=10 "$limit" "${cmd[@]}" >"$log" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "PASS $t ($((SECONDS - start)) s): $(tail -n 1 "$log")"
  else
    failed=$((failed + 1))
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      echo "FAIL $t: stopped after $limit s"
    else
      echo "FAIL $t ($((SECONDS - start)) s):"
    fi
    sed 's/^/  /' "$log"
  fi
  rm -f "$log"
done
echo "release artifacts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
