#!/usr/bin/env bash
# The npm packages through a registry: verdaccio (installed from npm by this test, kept in
# build-release/ for the next run) serves them on the loopback interface of a network
# namespace with no other network, with no uplink. Both packages of dist/ are published there,
# with a decoy platform package for another CPU (whose binary only fails), then
# `npm install schemagate` in a temporary project must pick the platform package by os/cpu,
# and `npx schemagate lint examples/` must print what the normal build prints. The two
# tarballs also install offline without a registry.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

verdaccio_version=5.33.0
tools=${SCHEMAGATE_RELEASE_CACHE:-$root/build-release}/verdaccio-$verdaccio_version
main_tgz=$(artifact "schemagate-$version.tgz")
platform_tgz=$(artifact "schemagate-linux-*-$version.tgz")
platform=$(basename "$platform_tgz" "-$version.tgz")
case "$platform" in
  schemagate-linux-x64) decoy=schemagate-linux-arm64 decoy_cpu=arm64 ;;
  schemagate-linux-arm64) decoy=schemagate-linux-x64 decoy_cpu=x64 ;;
  *) die "unexpected platform package $platform" ;;
esac
[ "$(id -u)" -eq 0 ] || die "unshare -n (no network) needs root"
command -v ip >/dev/null || die "ip (iproute2) is needed to bring up the namespace's loopback"

if [ ! -x "$tools/node_modules/.bin/verdaccio" ]; then
  mkdir -p "$tools"
  npm install --no-audit --no-fund --loglevel=error --prefix "$tools" "verdaccio@$verdaccio_version" \
    >"$work/verdaccio-install.log" 2>&1 || {
    cat "$work/verdaccio-install.log"
    die "npm could not install verdaccio@$verdaccio_version"
  }
fi

# The decoy: the main package lists it as an optional dependency, for another CPU.
mkdir -p "$work/decoy/bin"
printf '#!/bin/sh\necho "the %s decoy ran" >&2\nexit 99\n' "$decoy" >"$work/decoy/bin/schemagate"
chmod +x "$work/decoy/bin/schemagate"
printf '{"name":"%s","version":"%s","os":["linux"],"cpu":["%s"],"files":["bin/"]}\n' \
  "$decoy" "$version" "$decoy_cpu" >"$work/decoy/package.json"
grep -q "\"$decoy\"" <(tar -xOzf "$main_tgz" package/package.json) ||
  fail "the schemagate package does not list $decoy as an optional dependency"

mkdir -p "$work/project/examples"
cp -r "$root/examples/." "$work/project/examples/"
cat >"$work/config.yaml" <<YAML
storage: $work/storage
auth:
  htpasswd:
    file: $work/htpasswd
    max_users: 1
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
listen: 127.0.0.1:4873
log: {type: stdout, format: pretty, level: warn}
YAML

# Everything below runs with no network but the namespace's loopback.
cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
work=$1 tools=$2 main_tgz=$3 platform_tgz=$4
ip link set lo up
NODE_NO_WARNINGS=1 "$tools/node_modules/.bin/verdaccio" --config "$work/config.yaml" \
  >"$work/verdaccio.log" 2>&1 &
verdaccio=$!
trap 'kill "$verdaccio" 2>/dev/null || true' EXIT
registry=http://127.0.0.1:4873/
for _ in $(seq 100); do
  node -e 'fetch(process.argv[1] + "-/ping").then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$registry" && break
  sleep 0.2
done
token=$(node -e '
fetch(process.argv[1] + "-/user/org.couchdb.user:release-test", {method: "PUT",
  headers: {"content-type": "application/json"},
  body: JSON.stringify({name: "release-test", password: "release-test-password"})})
  .then(r => r.json()).then(j => { if (!j.token) { console.error(JSON.stringify(j)); process.exit(1); }
    console.log(j.token); })' "$registry")
export npm_config_userconfig="$work/npmrc" npm_config_cache="$work/npm-cache"
export npm_config_registry=$registry npm_config_audit=false npm_config_fund=false
export npm_config_update_notifier=false
printf '//127.0.0.1:4873/:_authToken=%s\n' "$token" >"$work/npmrc"
npm publish --loglevel=error "$platform_tgz"
npm publish --loglevel=error "$work/decoy"
npm publish --loglevel=error "$main_tgz"
cd "$work/project"
npm init -y >/dev/null
npm install --loglevel=error schemagate
INSIDE
if ! unshare -n bash "$work/inside.sh" "$work" "$tools" "$main_tgz" "$platform_tgz" \
  >"$work/inside.log" 2>&1; then
  cat "$work/inside.log"
  cat "$work/verdaccio.log" 2>/dev/null | tail -n 20
  die "publishing to the loopback registry or installing from it failed"
fi

modules="$work/project/node_modules"
[ -f "$modules/$platform/bin/schemagate" ] || fail "npm did not install $platform"
[ ! -e "$modules/$decoy" ] || fail "npm installed $decoy, whose cpu is not this machine's"
[ -x "$modules/$platform/bin/schemagate" ] || fail "$platform's binary is not executable"
cmp -s "$modules/$platform/bin/schemagate" "$(artifact "schemagate-$version-linux-$(uname -m)")" ||
  fail "$platform's binary is not the release binary"
# npx runs the package's command from the project (no network needed: it is installed).
same_lint "npx schemagate" "$work/project" unshare -n npx --no-install schemagate
status=0
(cd "$work/project" && unshare -n npx --no-install schemagate lint examples/) >"$work/npx.out" 2>&1 ||
  status=$?
(cd "$root" && "$reference" lint examples/) >"$work/ref-slash.out" 2>&1 || true
[ "$status" -eq 1 ] && cmp -s "$work/ref-slash.out" "$work/npx.out" ||
  fail "npx schemagate lint examples/ (exit $status) differs from the normal build's"
# Signals and exit codes pass through the launcher: a usage error is 2.
status=0
(cd "$work/project" && npx --no-install schemagate lint --no-such-flag) >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "npx schemagate with a bad flag exited $status, expected 2"
# Without a registry: both tarballs installed at once, offline (README, Install).
mkdir -p "$work/tarballs"
(cd "$work/tarballs" && npm init -y >/dev/null &&
  unshare -n env npm_config_cache="$work/npm-cache-2" npm install --offline --no-audit --no-fund \
    --loglevel=error --save-dev "$platform_tgz" "$main_tgz") >"$work/tarballs.log" 2>&1 ||
  fail "npm install --offline of the two tarballs failed: $(tail -n 5 "$work/tarballs.log")"
got=$(cd "$work/tarballs" && unshare -n npx --no-install schemagate --version 2>&1) || true
[ "$got" = "schemagate $version" ] || fail "npx schemagate --version after the tarball install: $got"
finish "published to a loopback registry; npm install schemagate picked $platform (not $decoy) and npx schemagate lints the examples as the normal build does"
