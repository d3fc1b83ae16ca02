#!/usr/bin/env bash
# README's first command (bootstrap examples) installs what the product needs and nothing that
# only the tests or the release script use; the second (bootstrap test) installs those too, and
# `bootstrap release` (scripts/release.sh) what the release artifacts need.
#
#   tests/packaging/bootstrap_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
list() { SCHEMAGATE_BOOTSTRAP_LIST=1 bash "$source_dir/scripts/bootstrap.sh" "$1"; }
product=$(list examples)
testing=$(list test)
release=$(list release)
failures=0
for tool in catch2 clang clang-format libclang-rt-14-dev pre-commit neovim groff-base dpkg-dev \
  python3-jsonschema skopeo python3-build libssl-dev postgresql; do
  if grep -qx "$tool" <<<"$product"; then
    echo "FAIL: the examples job installs the test-only package $tool"
    failures=$((failures + 1))
  fi
  if ! grep -qx "$tool" <<<"$testing"; then
    echo "FAIL: the test job does not install $tool"
    failures=$((failures + 1))
  fi
done
for need in g++ cmake libpg-query-dev libtree-sitter-dev; do
  if ! grep -qx "$need" <<<"$product"; then
    echo "FAIL: the examples job does not install $need"
    failures=$((failures + 1))
  fi
done
for need in dpkg-dev python3-build python3-setuptools python3-wheel libssl-dev libpq-dev g++; do
  if ! grep -qx "$need" <<<"$release"; then
    echo "FAIL: the release job does not install $need"
    failures=$((failures + 1))
  fi
done
for tool in catch2 skopeo neovim; do
  if grep -qx "$tool" <<<"$release"; then
    echo "FAIL: the release job installs the test-only package $tool"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && echo "bootstrap: product and test packages apart"
exit $((failures != 0))
