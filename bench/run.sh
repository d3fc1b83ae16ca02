#!/usr/bin/env bash
# schemagate benchmark: schemagate against squawk and against the bare parsers, on generated
# corpora of 100, 1,000 and 10,000 migrations. See bench/README.md. Not part of the tests.
#
#   bench/run.sh                 full run: sizes 100,1000,10000, 7/5/3 rounds
#                                -> bench/results/<date>.md and .json
#   bench/run.sh --quick         sizes 100,1000, 3 rounds -> build-bench/results/ (not kept)
#   bench/run.sh --sizes 100,1000,10000,50000 --reps 7,5,3,1 --out /tmp/long.md
#   --precommit-runs N (default 20), --skip-bootstrap (dependencies are known to be there)
#
# Installs what is missing (through scripts/bootstrap.sh, apt for python3, npm for squawk
# into bench/.cache/), builds a Release tree in build-bench/, generates the corpora into
# build-bench/corpus/ (the same bytes every run), then measures.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

SQUAWK_VERSION=2.66.0
SEED=20261124
sizes=100,1000,10000
reps=7,5,3
precommit_runs=20
out=""
quick=0
bootstrap=1
args=("$@")

say() { printf 'bench: %s\n' "$*" >&2; }
usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --quick) quick=1 sizes=100,1000 reps=3 precommit_runs=10 ;;
    --sizes) sizes=${2:?}; shift ;;
    --reps) reps=${2:?}; shift ;;
    --precommit-runs) precommit_runs=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    --skip-bootstrap) bootstrap=0 ;;
    -h | --help) usage ;;
    *) say "unknown option $1"; usage ;;
  esac
  shift
done

date=$(date +%F)
if [ -z "$out" ]; then
  if ((quick)); then out="$root/build-bench/results/$date-quick.md"; else out="$root/bench/results/$date.md"; fi
fi

# 1. The project's own dependencies and build (quiet when all is there).
((bootstrap == 0)) || bash "$root/scripts/bootstrap.sh" build

# 2. python3 for the generator and the measurements (standard library only).
if ! command -v python3 >/dev/null 2>&1; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  say "installing python3"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi

# 3. squawk, pinned, from the npm registry into bench/.cache/ (never committed). squawk-cli
# is a Node.js wrapper that spawns the native binary of an optional dependency
# (@squawk-cli/linux-x64); the benchmark runs that binary itself.
prefix="$root/bench/.cache/squawk-$SQUAWK_VERSION"
squawk_bin() {
  node -e 'console.log(require(process.argv[1]).getBinaryPath())' \
    "$prefix/node_modules/squawk-cli/js/index.js" 2>/dev/null
}
if ! squawk=$(squawk_bin) || [ ! -x "$squawk" ]; then
  say "installing squawk-cli@$SQUAWK_VERSION into ${prefix#"$root"/}"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --include=optional --loglevel=error \
    "squawk-cli@$SQUAWK_VERSION" >/dev/null
  squawk=$(squawk_bin) || { say "squawk-cli installed no binary for this platform"; exit 1; }
fi

# 4. A Release build with the parser-floor program.
build="$root/build-bench"
if [ ! -f "$build/Makefile" ] || ! grep -q '^SCHEMAGATE_BENCH:BOOL=ON' "$build/CMakeCache.txt"; then
  if ! log=$(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSCHEMAGATE_BENCH=ON \
    -DSCHEMAGATE_TESTS=OFF -DCMAKE_RULE_MESSAGES:BOOL=OFF -DCMAKE_TARGET_MESSAGES:BOOL=OFF 2>&1); then
    printf '%s\n' "$log" >&2
    say "cmake could not configure build-bench/"
    exit 1
  fi
fi
# GCC 12 warns (-Wrestrict, false positives at -O3) in engine code; only errors matter here.
if ! log=$(cmake --build "$build" -j "$(nproc)" -- \
  --no-print-directory -s 2>&1); then
  printf '%s\n' "$log" >&2
  say "the Release build failed"
  exit 1
fi

# 5. The corpora (regenerated only when the generator, seed or size changed).
python3 "$root/bench/gen_corpus.py" --out "$build/corpus" --sizes "$sizes" --seed "$SEED"

# 6. Measure.
say "measuring sizes $sizes (${reps} rounds); this takes a while"
python3 "$root/bench/measure.py" --root "$root" \
  --schemagate "$build/schemagate" --floor "$build/bench/schemagate-floor" --squawk "$squawk" \
  --runner "$build/bench/schemagate-bench-run" \
  --corpus "$build/corpus" --sizes "$sizes" --reps "$reps" --precommit-runs "$precommit_runs" \
  --seed "$SEED" --date "$date" --out "$out" --command "bench/run.sh${args[*]:+ ${args[*]}}" >/dev/null
say "results: ${out#"$root"/}"
