#!/usr/bin/env bash
# The Action's install step (action.yml): puts schemagate in $RUNNER_TEMP/schemagate/bin,
# adds that folder to $GITHUB_PATH and sets the outputs `path` and `version`.
#
#   SG_INSTALL=binary: the static binary from SG_BINARY_URL (https://, file:// or a local path;
#     default: the release asset of SG_VERSION for the runner's architecture), verified against
#     SG_SHA256 (default: the first word of <url>.sha256). A mismatch installs nothing.
#   SG_INSTALL=wheel: pip installs SG_WHEEL (default: schemagate==SG_VERSION) into a virtual
#     environment; pip's own settings (PIP_INDEX_URL, PIP_FIND_LINKS, ...) apply.
set -euo pipefail

error() {
  echo "::error title=schemagate install::$*"
  exit 1
}

dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/schemagate"
bin="$dir/bin"
rm -rf "$dir"
mkdir -p "$bin"

# fetch URL-OR-PATH FILE
fetch() {
  case "$1" in
    http://* | https://* | file://*) curl -fsSL --retry 3 -o "$2" "$1" ;;
    *://*) error "unsupported URL scheme: $1" ;;
    *) cp "$1" "$2" ;;
  esac
}

case "${SG_INSTALL:-binary}" in
  binary)
    [ "${RUNNER_OS:-Linux}" = Linux ] ||
      error "the schemagate binary is built for Linux only (this runner: $RUNNER_OS); use install: wheel where a wheel exists, or build from source"
    case "${RUNNER_ARCH:-X64}" in
      X64) arch=x86_64 ;;
      ARM64) arch=aarch64 ;;
      *) error "no schemagate binary for the runner architecture $RUNNER_ARCH" ;;
    esac
    url=${SG_BINARY_URL:-}
    if [ -z "$url" ]; then
      [ -n "${SG_VERSION:-}" ] || error "neither binary-url nor version is set"
      url="https://github.com/schemagate/schemagate/releases/download/v$SG_VERSION/schemagate-$SG_VERSION-linux-$arch"
    fi
    fetch "$url" "$dir/download" || error "could not download $url"
    expected=${SG_SHA256:-}
    if [ -z "$expected" ]; then
      fetch "$url.sha256" "$dir/download.sha256" ||
        error "no sha256 input and no checksum file at $url.sha256"
      read -r expected _ <"$dir/download.sha256" || true
    fi
    expected=$(tr 'A-F' 'a-f' <<<"$expected")
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || error "'$expected' is not a SHA-256 checksum"
    read -r actual _ < <(sha256sum "$dir/download")
    if [ "$actual" != "$expected" ]; then
      rm -f "$dir/download"
      error "checksum mismatch for $url: expected $expected, got $actual"
    fi
    mv "$dir/download" "$bin/schemagate"
    chmod 0755 "$bin/schemagate"
    ;;
  wheel)
    python=$(command -v python3 || command -v python) || error "install: wheel needs Python 3"
    "$python" -m venv "$dir/venv" || error "could not create a virtual environment"
    requirement=${SG_WHEEL:-schemagate==${SG_VERSION:?version is not set}}
    "$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement" ||
      error "pip could not install $requirement"
    ln -s "$dir/venv/bin/schemagate" "$bin/schemagate"
    ;;
  *) error "install must be binary or wheel, not '$SG_INSTALL'" ;;
esac

version=$("$bin/schemagate" --version) || error "the installed schemagate does not run"
version=${version#schemagate }
echo "$bin" >>"$GITHUB_PATH"
{
  echo "path=$bin/schemagate"
  echo "version=$version"
} >>"$GITHUB_OUTPUT"
echo "schemagate $version installed ($SG_INSTALL) in $bin"
