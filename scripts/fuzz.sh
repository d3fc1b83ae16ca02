#!/usr/bin/env bash
# schemagate fuzzing: build the libFuzzer targets with Clang (build-fuzz/) and run each one.
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]
#
# SECONDS is each target's run time (default 60; 0 only builds them); TARGETs are sql,
# alembic, config, lsp (default: all four). The seed corpus is made afresh from tests/fixtures/,
# examples/ and README.md at every run; what a run learns is kept in build-fuzz/corpus/ for
# the next. A crash, a hang, a memory blow-up or a failed check stops that target: the script
# names the input that did it, goes on with the other targets and exits 1. Needs clang and
# libclang-rt-14-dev (scripts/bootstrap.sh installs them). FUZZ_FLAGS adds libFuzzer flags
# (e.g. "-fork=2"). fuzz/README.md has more.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(sql alembic config lsp)
out="$root/build-fuzz"
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'fuzz: %s\n' "$*" >&2; }

case "$seconds" in
  '' | *[!0-9]*)
    say "SECONDS must be a whole number, not '$seconds'"
    exit 2
    ;;
esac
for t in "${targets[@]}"; do
  case "$t" in
    sql | alembic | config | lsp) ;;
    *)
      say "unknown target '$t' (expected: sql, alembic, config, lsp)"
      exit 2
      ;;
  esac
done

# Configure once (quietly; cmake's output only when it fails), and again when a target is new
# to the tree; then build the targets.
# Warnings are errors here too: this is the project's Clang build of the engine and the
# language server (the product's other build is GCC's).
configured=1
[ -f "$out/Makefile" ] || configured=0
grep -qx 'SCHEMAGATE_WERROR:BOOL=ON' "$out/CMakeCache.txt" 2>/dev/null || configured=0
for t in "${targets[@]}"; do
  [ "$configured" -eq 0 ] || grep -q "^fuzz_$t:" "$out/Makefile" || configured=0
done
if [ "$configured" -eq 0 ]; then
  if ! log=$(CC=clang CXX=clang++ cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCHEMAGATE_FUZZ=ON -DSCHEMAGATE_WERROR=ON -DSCHEMAGATE_TESTS=OFF \
    -DCMAKE_RULE_MESSAGES:BOOL=OFF -DCMAKE_TARGET_MESSAGES:BOOL=OFF 2>&1); then
    printf '%s\n' "$log" >&2
    say "cmake could not configure $out"
    exit 1
  fi
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
if ! log=$(cmake --build "$out" -j "$jobs" --target "${build_targets[@]}" -- --no-print-directory \
  -s 2>&1); then
  printf '%s\n' "$log" >&2
  say "the fuzz targets did not build"
  exit 1
fi

[ "$seconds" -gt 0 ] || exit 0

# Seeds: every fixture and example of the target's kind, flattened into one folder.
seed() {
  local kind=$1 dir=$2 f
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$kind" = lsp ]; then
    # Editing sessions (framed JSON-RPC) over the fixtures and examples: fuzz/lsp_seeds.py.
    find "$root/tests/fixtures" "$root/examples" -type f \( -name '*.py' -o -name '*.sql' \) -print0 |
      sort -z | xargs -0 python3 "$root/fuzz/lsp_seeds.py" "$dir"
    return
  fi
  case "$kind" in
    sql) find "$root/tests/fixtures" "$root/examples" -type f -name '*.sql' ;;
    alembic) find "$root/tests/fixtures" "$root/examples" -type f -name '*.py' ;;
    config) find "$root/tests/fixtures" "$root/examples" -type f \
      \( -name 'alembic.ini' -o -name '*.yaml' -o -name '*.yml' -o -name '*.toml' \) ;;
  esac | while read -r f; do
    cp "$f" "$dir/$(printf '%s' "${f#"$root"/}" | tr '/' '_')"
  done
  if [ "$kind" = config ]; then
    # The configuration examples of the README (```yaml and ```toml blocks).
    awk -v dir="$dir" '
      /^```(yaml|toml)$/ { n++; file = sprintf("%s/README_%d.%s", dir, n, substr($0, 4)); next }
      /^```/ { file = ""; next }
      file != "" { print > file }
    ' "$root/README.md"
  fi
}

status=0
mkdir -p "$out/run" "$out/crashes"
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  seeds="$out/seeds/$t"
  log="$out/fuzz_$t.log"
  mkdir -p "$corpus"
  seed "$t" "$seeds"
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=("-dict=$root/fuzz/$t.dict")
  # Run in an empty folder: the Alembic frontend resolves project imports from there.
  # -timeout: one input taking longer is a hang; -rss_limit_mb: memory use is bounded.
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  if (cd "$out/run" && \
    LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$out/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=16384 \
      -print_final_stats=1 "${dict[@]}" -artifact_prefix="$out/crashes/$t-" ${FUZZ_FLAGS:-} \
      "$corpus" "$seeds") >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    # -fork=N prints no final stats: its last progress line counts the inputs.
    [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9][0-9]*\)[: ].*/\1/p' "$log" | tail -n 1)
    say "fuzz_$t: ${runs:-?} inputs in ${seconds}s, no failure (corpus: $(ls "$corpus" | wc -l) inputs)"
  else
    status=1
    tail -n 60 "$log" >&2
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    say "fuzz_$t FAILED; the input: ${crash:-(none written; see $log)}"
    say "reproduce: cd $out/run && LSAN_OPTIONS=suppressions=$root/tests/lsan.supp" \
      "$out/fuzz/fuzz_$t ${crash:-INPUT}"
  fi
done
exit "$status"
