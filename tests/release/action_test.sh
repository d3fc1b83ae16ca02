#!/usr/bin/env bash
# The GitHub Action (action.yml at the repository root), its steps run as Actions runs a
# composite action (tests/release/run_action.py: the variables Actions sets, `shell: bash`,
# step outputs, GITHUB_PATH), in a workspace holding a copy of examples/:
#   - the binary from a local path, verified against its .sha256 file: lint annotates every
#     finding of the normal build's lint, writes the SARIF report, fails with exit code 1;
#   - the binary from a file:// URL with a wrong sha256: refused, nothing installed;
#   - the wheel, installed by pip into a virtual environment offline: checklist writes its
#     Markdown tables to the job summary;
#   - a clean migration passes (exit code 0).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

arch=$(uname -m)
binary=$(artifact "schemagate-$version-linux-$arch")
wheel=$(artifact "schemagate-$version-py3-none-*.whl")
run_action() { /usr/bin/python3 "$root/tests/release/run_action.py" "$root" "$@"; }

# The Action installs this version unless told otherwise.
grep -A3 '^  version:' "$root/action.yml" | grep -qx "    default: \"$version\"" ||
  fail "action.yml's default version is not $version"

ws="$work/workspace"
mkdir -p "$ws"
cp -r "$root/examples" "$ws/examples"
export RUNNER_TEMP="$work/runner-temp"

# 1. Local path, checksum from <path>.sha256, lint with annotations and SARIF.
mkdir -p "$RUNNER_TEMP"
status=0
run_action "$ws" binary-url="$binary" paths=examples >"$work/lint.out" 2>&1 || status=$?
outputs=$(tail -n 1 "$work/lint.out")
[ "$status" -eq 1 ] || fail "lint of the examples: the action exited $status, expected 1"
jq_get() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
[ "$(jq_get "$outputs" version)" = "$version" ] || fail "outputs.version: $(jq_get "$outputs" version)"
[ "$(jq_get "$outputs" exit-code)" = 1 ] || fail "outputs.exit-code: $(jq_get "$outputs" exit-code)"
sarif=$(jq_get "$outputs" sarif-file)
[ "$sarif" = schemagate.sarif ] || fail "outputs.sarif-file: '$sarif'"
(cd "$ws" && "$reference" lint --format sarif examples) >"$work/reference.sarif" 2>/dev/null || true
cmp -s "$work/reference.sarif" "$ws/schemagate.sarif" ||
  fail "the SARIF report differs from the normal build's lint --format sarif"
(cd "$root" && "$reference" lint --format github examples) >"$work/reference.github" 2>/dev/null || true
[ -s "$work/reference.github" ] || die "the reference has no annotations"
while IFS= read -r line; do
  grep -qxF -- "$line" "$work/lint.out" || {
    fail "the action's log lacks the annotation: $line"
    break
  }
done <"$work/reference.github"
grep -q "^Found .* findings" "$work/lint.out" || fail "the action's log lacks the text report"

# 2. A file:// URL and a wrong checksum: nothing installed, a clear error.
rm -rf "$RUNNER_TEMP" && mkdir -p "$RUNNER_TEMP"
status=0
run_action "$ws" binary-url="file://$binary" sha256="$(printf '0%.0s' {1..64})" >"$work/bad.out" 2>&1 ||
  status=$?
[ "$status" -ne 0 ] || fail "a wrong sha256 was accepted"
grep -q '^::error title=schemagate install::checksum mismatch' "$work/bad.out" ||
  fail "no checksum error: $(head -n 5 "$work/bad.out")"
[ ! -e "$RUNNER_TEMP/schemagate/bin/schemagate" ] || fail "a binary that failed its checksum was installed"
# ... and the right one, given as input, through the same URL.
status=0
run_action "$ws" binary-url="file://$binary" sha256="$(cut -d' ' -f1 "$binary.sha256")" \
  paths=examples/sql/001_create_skills.sql >"$work/url.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "a clean migration through a file:// URL: exit $status: $(tail -n 5 "$work/url.out")"

# 3. The wheel, offline (pip uses no index), and checklist into the job summary.
rm -rf "$RUNNER_TEMP" && mkdir -p "$RUNNER_TEMP"
status=0
PIP_NO_INDEX=1 unshare -n /usr/bin/python3 "$root/tests/release/run_action.py" "$root" "$ws" \
  install=wheel wheel="$wheel" command=checklist paths=examples/sql >"$work/wheel.out" 2>&1 ||
  status=$?
outputs=$(tail -n 1 "$work/wheel.out")
[ "$status" -eq 0 ] || fail "checklist through the wheel exited $status: $(tail -n 5 "$work/wheel.out")"
[ "$(jq_get "$outputs" version)" = "$version" ] || fail "wheel: outputs.version: $(jq_get "$outputs" version)"
(cd "$ws" && "$reference" checklist --format markdown examples/sql) >"$work/reference.md" 2>/dev/null || true
[ "$(jq_get "$outputs" __step_summary)" = "$(cat "$work/reference.md")" ] ||
  fail "the job summary is not the checklist's Markdown"

# 4. A clean migration passes, SARIF without findings.
rm -rf "$RUNNER_TEMP" && mkdir -p "$RUNNER_TEMP"
status=0
run_action "$ws" binary-url="$binary" paths=examples/sql/001_create_skills.sql sarif-file=out/report.sarif \
  >"$work/clean.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "a clean migration: exit $status"
[ -s "$ws/out/report.sarif" ] || fail "no SARIF report in out/report.sarif"
grep -q '^::' "$work/clean.out" && fail "annotations for a clean migration"
finish "installed from a path (checksum file), a file:// URL (checksum input, a wrong one refused) and the wheel (offline); lint annotations and SARIF match the normal build's, checklist fills the job summary"
