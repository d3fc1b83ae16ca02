#!/usr/bin/env bash
# schemagate bootstrap: set up a fresh Debian 12 machine, build, then optionally run a job.
#
#   scripts/bootstrap.sh            install dependencies and build (build/)
#   scripts/bootstrap.sh examples   ... then lint the bundled examples/
#   scripts/bootstrap.sh release    ... then make the release artifacts in dist/ (scripts/release.sh)
#   scripts/bootstrap.sh test       ... then run the whole test suite (also an ASan/UBSan build),
#                                   make the release artifacts and test each one, and a minute
#                                   of each fuzz target (scripts/fuzz.sh)
#
# Idempotent and quiet when everything is already in place. Needs root (or sudo) only when
# a Debian package is missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
job=${1:-build}
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# What the product needs to build and run (README's first command): compiler, CMake, the
# libraries, and npm for the Python grammar.
product=(
  g++ cmake make pkg-config git ca-certificates
  libpg-query-dev libtree-sitter-dev libyaml-cpp-dev libcli11-dev
  libprotobuf-c-dev libsimdjson-dev nlohmann-json3-dev libtomlplusplus-dev
)
# What only the tests need (README's second command): the test framework, the sanitizer and
# fuzzing compiler, the formatter, the report validators, and the real tools the tests drive
# (skopeo reads the OCI image, ip brings up the npm test's loopback, venv for the wheel), and
# PostgreSQL 15 with libpq for the lock model's differential suite (a private cluster per run).
testing=(
  catch2 clang-format clang libclang-rt-14-dev python3-jsonschema
  pre-commit dpkg-dev groff-base neovim
  skopeo iproute2 python3-venv postgresql libpq-dev
)
# What scripts/release.sh needs beyond the product's: dpkg-source and dpkg-deb, the unpackers
# of Debian's source tarballs, libpq's headers and OpenSSL's static archives, and Python's build front
# end with setuptools for the wheel. The test job makes the release artifacts too.
release=(
  dpkg-dev bzip2 xz-utils libssl-dev libpq-dev python3-build python3-setuptools python3-wheel
)
packages=("${product[@]}")
case "$job" in
  release) packages+=("${release[@]}") ;;
  test) packages+=("${testing[@]}" "${release[@]}") ;;
esac
# npm fetches the Python grammar; a Node.js installed some other way (which bundles npm and
# conflicts with Debian's npm package) is fine too.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

# SCHEMAGATE_BOOTSTRAP_LIST=1: print the packages the job needs, one per line, and stop.
if [ -n "${SCHEMAGATE_BOOTSTRAP_LIST:-}" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

phase_start=$SECONDS
phase() {
  say "$1 took $((SECONDS - phase_start)) s"
  phase_start=$SECONDS
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
phase "installing packages"

# configure_and_build DIR [extra cmake args...]
# Configures when the tree has no Makefile yet (a failed configure leaves CMakeCache.txt but no
# Makefile) or was configured before make's progress messages were turned off; prints cmake's
# output only when it fails.
configure_and_build() {
  local dir=$1 log
  shift
  # Tests are built by the test job only (they need Catch2, which the product doesn't).
  local tests=OFF
  [ "$job" = test ] && tests=ON
  if [ ! -f "$dir/Makefile" ] || ! grep -qx 'CMAKE_TARGET_MESSAGES:BOOL=OFF' "$dir/CMakeCache.txt" ||
    ! grep -qx "SCHEMAGATE_TESTS:BOOL=$tests" "$dir/CMakeCache.txt"; then
    if ! log=$(cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCHEMAGATE_WERROR=ON \
      -DCMAKE_RULE_MESSAGES:BOOL=OFF -DCMAKE_TARGET_MESSAGES:BOOL=OFF -DSCHEMAGATE_TESTS=$tests \
      "$@" 2>&1); then
      printf '%s\n' "$log" >&2
      say "cmake could not configure $dir"
      exit 1
    fi
  fi
  cmake --build "$dir" -j "$jobs" -- --no-print-directory -s
}

configure_and_build "$root/build"
phase "building build/"

case "$job" in
  build) ;;
  release)
    bash "$root/scripts/release.sh"
    phase "the release artifacts (dist/)"
    ;;
  examples)
    status=0
    "$root/build/schemagate" lint "$root/examples" || status=$?
    # Findings (exit 1) are the point of the demo; anything else is a failure.
    [ "$status" -le 1 ] || exit "$status"
    ;;
  test)
    # All builds first, then the suites and the fuzzers, so that a failure never hides the
    # others. The fuzz targets build with Clang in build-fuzz/ (fuzz/README.md).
    configure_and_build "$root/build-sanitize" -DSCHEMAGATE_SANITIZE=ON
    phase "building build-sanitize/ (ASan+UBSan)"
    status=0
    bash "$root/scripts/fuzz.sh" 0 || status=1
    phase "building the fuzz targets"
    ctest --test-dir "$root/build" --output-on-failure -j "$jobs" || status=1
    phase "the test suite (build/)"
    ctest --test-dir "$root/build-sanitize" --output-on-failure -j "$jobs" || status=1
    phase "the test suite (build-sanitize/)"
    # The release artifacts (one static link, from build/'s objects; simdjson and libpq built
    # from their Debian sources), then each one installed offline and run on the examples.
    # Bounded: about 4 minutes from a fresh clone, 20 s when build-release/ is kept; each
    # artifact test has its own limit (tests/release/run.sh).
    timeout --kill-after=10 "${SCHEMAGATE_RELEASE_TIMEOUT:-900}" bash "$root/scripts/release.sh" ||
      status=1
    phase "the release artifacts (scripts/release.sh)"
    bash "$root/tests/release/run.sh" || status=1
    phase "the release artifact tests (tests/release/)"
    bash "$root/scripts/fuzz.sh" "${SCHEMAGATE_FUZZ_SECONDS:-60}" || status=1
    phase "fuzzing"
    say "total $SECONDS s"
    exit "$status"
    ;;
  *)
    say "unknown job '$job' (expected: build, examples, release, test)"
    exit 2
    ;;
esac
