#!/usr/bin/env bash
# schemagate release: every artifact users install without a build, in dist/.
#
#   scripts/release.sh
#
# From the objects of the main build (build/, built first if needed: no second compile of
# the project) it links one fully static Linux binary, then packages that binary:
#
#   dist/schemagate-<version>-linux-<arch>                      the static binary
#   dist/schemagate-<version>-py3-none-manylinux2014_<arch>.musllinux_1_1_<arch>.whl
#   dist/schemagate-<version>.tgz, dist/schemagate-linux-<npm-arch>-<version>.tgz   npm
#   dist/schemagate-<version>-oci.tar                           OCI image (FROM scratch)
#   dist/schemagate_<version>_<deb-arch>.deb                    Debian/Ubuntu, no dependencies
#   dist/<artifact>.sha256 for each, and dist/SHA256SUMS for all
#
# Debian ships static archives of libpg_query, tree-sitter, yaml-cpp and OpenSSL, but not of
# simdjson, and its libpq.a needs GSSAPI and LDAP, which have none: those two are built from
# their Debian source packages (the versions of the installed -dev packages, so the headers
# the build compiled against match), without GSSAPI and LDAP for libpq. tomlplusplus's
# implementation is compiled from its headers. deb-src lines are added to apt's sources when
# missing. Third-party builds are kept in build-release/ (SCHEMAGATE_RELEASE_CACHE) for the
# next run. Needs root (or sudo) only to install missing Debian packages and add deb-src.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
dist="$root/dist"
cache=${SCHEMAGATE_RELEASE_CACHE:-$root/build-release}
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'release: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
# took WHAT: says how long WHAT took since the last call (the slow steps only).
step_start=$SECONDS
took() {
  say "$1 took $((SECONDS - step_start)) s"
  step_start=$SECONDS
}

# --- packages -------------------------------------------------------------------------
# The release job's packages are listed by bootstrap.sh (next to the product's and the tests').
mapfile -t packages < <(SCHEMAGATE_BOOTSTRAP_LIST=1 bash "$root/scripts/bootstrap.sh" release)
step_start=$SECONDS
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The main build, up to date (bootstrap configures it when it is not there yet).
if [ ! -f "$build/CMakeCache.txt" ]; then
  bash "$root/scripts/bootstrap.sh" build
else
  cmake --build "$build" -j "$jobs" --target schemagate -- --no-print-directory -s
fi
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || die "no project version in $build/CMakeCache.txt"
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
arch=$(uname -m)
multiarch=$("$cc" -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch=$arch-linux-gnu
libdir=/usr/lib/$multiarch
step_start=$SECONDS

# --- third-party sources --------------------------------------------------------------
# source_of DEV_PACKAGE: "source-package version" of an installed -dev package.
source_of() { dpkg-query -W -f='${source:Package} ${source:Version}\n' "$1"; }

# Adds deb-src entries mirroring the deb ones, once (apt-get source needs them).
ensure_deb_src() {
  local versions
  versions=$(apt-cache showsrc --only-source "$1" 2>/dev/null || true)
  grep -q '^Package:' <<<"$versions" && return
  local list=/etc/apt/sources.list.d/schemagate-deb-src.sources tmp
  tmp=$(mktemp)
  # deb822 stanzas (Types: deb) as deb-src stanzas; one-line entries likewise.
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    awk -v RS= -v ORS='\n\n' '
      /(^|\n)Enabled: *no/ { next }
      /(^|\n)Types:[^\n]*deb-src/ { next }
      /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
        sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print
      }' /etc/apt/sources.list.d/*.sources >"$tmp"
  fi
  if [ ! -s "$tmp" ]; then
    list=/etc/apt/sources.list.d/schemagate-deb-src.list
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -n 's/^deb \(.*\)/deb-src \1/p' | sort -u >"$tmp"
  fi
  [ -s "$tmp" ] || die "no deb entries in apt's sources to mirror as deb-src"
  say "adding deb-src entries ($list)"
  "${sudo[@]}" install -m 0644 "$tmp" "$list"
  rm -f "$tmp"
  "${sudo[@]}" apt-get update -qq
}

# fetch_source PACKAGE VERSION: unpacks the Debian source package in $cache/src and prints
# "DIRECTORY VERSION". VERSION first; when apt cannot download it (a security update whose
# source the mirror lacks), the newest other version of the same upstream major release.
fetch_source() {
  local pkg=$1 want=$2 ver upstream dir candidates
  ensure_deb_src "$pkg"
  candidates=$(
    echo "$want"
    apt-cache showsrc --only-source "$pkg" 2>/dev/null | sed -n 's/^Version: //p' |
      grep -v -x -F "$want" | sort -r -V | while read -r v; do
        u=${v#*:}
        [ "${u%%.*}" = "$(w=${want#*:} && echo "${w%%.*}")" ] && echo "$v"
      done || true
  )
  for ver in $candidates; do
    upstream=${ver#*:}
    upstream=${upstream%-*}
    dir="$cache/src/$pkg-$upstream"
    if [ -f "$dir/.schemagate-$ver" ]; then
      printf '%s %s\n' "$dir" "$ver"
      return
    fi
    rm -rf "$dir" "$cache/src/fetch"
    mkdir -p "$cache/src/fetch"
    say "fetching the $pkg $ver source package"
    if (cd "$cache/src/fetch" && apt-get source -qq "$pkg=$ver") >"$cache/src/fetch.log" 2>&1; then
      mv "$cache/src/fetch/$pkg-$upstream" "$dir"
      rm -rf "$cache/src/fetch"
      touch "$dir/.schemagate-$ver"
      [ "$ver" = "$want" ] ||
        say "$pkg $want's source is not available from apt's sources; built $ver instead"
      printf '%s %s\n' "$dir" "$ver"
      return
    fi
    grep '^E:' "$cache/src/fetch.log" >&2 || cat "$cache/src/fetch.log" >&2
  done
  die "apt-get source $pkg failed for every version tried ($(echo $candidates))"
}

mkdir -p "$cache"

# simdjson: the library is one translation unit (singleheader/simdjson.cpp), compiled with the
# definitions Debian's build exports (SIMDJSON_THREADS_ENABLED).
read -r sj_pkg sj_ver < <(source_of libsimdjson-dev)
simdjson_a="$cache/simdjson-$sj_ver/libsimdjson.a"
if [ ! -f "$simdjson_a" ]; then
  read -r src src_ver < <(fetch_source "$sj_pkg" "$sj_ver")
  say "building simdjson $src_ver (static)"
  mkdir -p "$(dirname "$simdjson_a")"
  "$cxx" -std=c++17 -O2 -DNDEBUG -DSIMDJSON_THREADS_ENABLED=1 -I"$src/singleheader" \
    -c "$src/singleheader/simdjson.cpp" -o "$cache/simdjson-$sj_ver/simdjson.o"
  ar rcs "$simdjson_a.tmp" "$cache/simdjson-$sj_ver/simdjson.o"
  mv "$simdjson_a.tmp" "$simdjson_a"
  took "simdjson (source and build)"
fi

# libpq: only libpq, pgcommon and pgport of the PostgreSQL source, configured without GSSAPI,
# LDAP, ICU, readline and zlib, with OpenSSL (linked from Debian's static archives).
read -r pg_pkg pg_ver < <(source_of libpq-dev)
pq_dir="$cache/libpq-$pg_ver"
if [ ! -f "$pq_dir/stamp" ]; then
  read -r src src_ver < <(fetch_source "$pg_pkg" "$pg_ver")
  say "configuring libpq $src_ver (no GSSAPI, no LDAP)"
  rm -rf "$pq_dir"
  mkdir -p "$pq_dir/build"
  if ! (cd "$pq_dir/build" && CC="$cc" CFLAGS="-O2" "$src/configure" --without-gssapi \
    --without-ldap --without-icu --without-readline --without-zlib --without-lz4 \
    --without-zstd --without-libxml --without-llvm --without-systemd --without-pam \
    --disable-nls --with-openssl) >"$pq_dir/configure.log" 2>&1; then
    tail -n 30 "$pq_dir/configure.log" >&2
    die "configuring PostgreSQL's source failed ($pq_dir/configure.log)"
  fi
  took "libpq's source and configure"
  say "building libpq $src_ver (static)"
  for sub in src/port src/common src/interfaces/libpq; do
    if ! make -C "$pq_dir/build/$sub" -j "$jobs" -s all >>"$pq_dir/make.log" 2>&1; then
      tail -n 30 "$pq_dir/make.log" >&2
      die "building $sub failed ($pq_dir/make.log)"
    fi
  done
  echo "$src_ver" >"$pq_dir/stamp"
  took "building libpq"
fi
src_include="$pq_dir/include"
if [ ! -f "$src_include/libpq-fe.h" ]; then
  mkdir -p "$src_include"
  pg_src=$(sed -n 's/^abs_top_srcdir = //p' "$pq_dir/build/src/Makefile.global")
  cp "$pg_src/src/interfaces/libpq/libpq-fe.h" "$pg_src/src/include/postgres_ext.h" \
    "$pq_dir/build/src/include/pg_config_ext.h" "$src_include/"
fi
libpq=("$pq_dir/build/src/interfaces/libpq/libpq.a" "$pq_dir/build/src/common/libpgcommon_shlib.a"
  "$pq_dir/build/src/port/libpgport_shlib.a" "$libdir/libssl.a" "$libdir/libcrypto.a")
for f in "${libpq[@]}"; do [ -f "$f" ] || die "$f is missing"; done
# For tests/release/libpq_test.sh: the archives, and the headers they were built with.
printf '%s\n' "-I$src_include" "${libpq[@]}" >"$cache/libpq.link"

# tomlplusplus: Debian's package is a shared library (TOML_HEADER_ONLY=0 in its pkg-config
# flags, which the build's objects were compiled with); its implementation is compiled once
# from the headers with the same flags.
toml_o="$cache/tomlplusplus-$(dpkg-query -W -f='${Version}' libtomlplusplus-dev)/toml.o"
if [ ! -f "$toml_o" ]; then
  say "compiling tomlplusplus's implementation"
  mkdir -p "$(dirname "$toml_o")"
  # shellcheck disable=SC2046
  printf '#define TOML_IMPLEMENTATION\n#include <toml++/toml.h>\n' |
    "$cxx" -std=c++20 -O2 -DNDEBUG $(pkg-config --cflags tomlplusplus) -x c++ -c - -o "$toml_o.tmp"
  mv "$toml_o.tmp" "$toml_o"
fi

# --- the static link ------------------------------------------------------------------
# The build's own link command (build/CMakeFiles/schemagate.dir/link.txt), with each shared
# library replaced by its static archive and -static added. libpq (with OpenSSL) is replaced
# where the build links it, and otherwise appended: an archive nothing refers to adds nothing.
binary_name="schemagate-$version-linux-$arch"
rm -rf "$dist"
mkdir -p "$dist"
# The project's address, as the SARIF reports give it (informationUri).
homepage=$(sed -n 's/.*kInformationUri = "\([^"]*\)".*/\1/p' "$root/src/report/sarif.cpp")
static_for() {
  local word=$1 name dir
  case "$word" in
    -l*) name=lib${word#-l} dir= ;;
    *)
      name=$(basename "$word")
      name=${name%%.so*}
      name=${name%.a}
      dir=$(dirname "$word")
      ;;
  esac
  case "$name" in
    libsimdjson) echo "$simdjson_a" ;;
    libtomlplusplus) echo "$toml_o" ;;
    libpq) printf '%s\n' "${libpq[@]}" ;;
    libpthread | libdl | librt | libm | libc) echo "-l${name#lib}" ;;
    *)
      if [ -n "$dir" ] && [ -f "$dir/$name.a" ]; then
        echo "$dir/$name.a"
      elif [ -f "$libdir/$name.a" ]; then
        echo "$libdir/$name.a"
      else
        die "no static archive for $word ($name.a)"
      fi
      ;;
  esac
}
link_txt="$build/CMakeFiles/schemagate.dir/link.txt"
[ -f "$link_txt" ] || die "$link_txt is missing (build/ not configured by CMake's Makefile generator?)"
read -r -a words <"$link_txt"
cmd=()
saw_libpq=0
skip_next=0
for w in "${words[@]}"; do
  if ((skip_next)); then
    skip_next=0
    continue
  fi
  case "$w" in
    -o)
      cmd+=(-o "$dist/.$binary_name.tmp")
      skip_next=1
      ;;
    -Wl,-rpath,* | -rdynamic) ;;
    *.so | *.so.* | -l*)
      [[ "$(basename -- "$w")" == libpq.* || "$w" == -lpq ]] && saw_libpq=1
      mapfile -t -O "${#cmd[@]}" cmd < <(static_for "$w")
      ;;
    */libpq.a)
      saw_libpq=1
      cmd+=("${libpq[@]}")
      ;;
    *) cmd+=("$w") ;;
  esac
done
((saw_libpq)) || cmd+=("${libpq[@]}")
cmd+=(-static -s)
say "linking $binary_name (static)"
if ! (cd "$build" && "${cmd[@]}") >"$cache/link.log" 2>&1; then
  cat "$cache/link.log" >&2
  die "the static link failed"
fi
# glibc warns that getaddrinfo, getpwuid_r and the like need its NSS modules at run time when
# linked statically (libpq's host name lookup and ~/.pgpass); README says what that means.
grep -v -e 'statically linked applications requires at runtime' -e ': in function' \
  "$cache/link.log" >&2 || true
mv "$dist/.$binary_name.tmp" "$dist/$binary_name"
took "the static link"
if ldd "$dist/$binary_name" >/dev/null 2>&1 || readelf -l "$dist/$binary_name" | grep -q INTERP; then
  die "$binary_name is not a static executable"
fi
got=$("$dist/$binary_name" --version)
[ "$got" = "schemagate $version" ] || die "$binary_name --version printed '$got'"

# --- packages of the binary -----------------------------------------------------------
# Every artifact holds this same binary. Times inside the packages come from the commit
# (SOURCE_DATE_EPOCH), so a rerun on the same commit gives the same bytes where the tools allow.
binary="$dist/$binary_name"
stage="$cache/stage"
rm -rf "$stage"
mkdir -p "$stage"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

# The Python wheel: packaging/python with the binary as its script (installed on PATH).
say "building the wheel"
cp -r "$root/packaging/python" "$stage/python"
mkdir -p "$stage/python/bin"
cp "$binary" "$stage/python/bin/schemagate"
cp "$root/LICENSE" "$stage/python/LICENSE"
echo "$version" >"$stage/python/VERSION"
if ! (cd "$stage/python" && SCHEMAGATE_WHEEL_ARCH=$arch /usr/bin/python3 -m build --no-isolation --wheel \
  --outdir "$dist") >"$cache/wheel.log" 2>&1; then
  cat "$cache/wheel.log" >&2
  die "building the wheel failed"
fi

# npm: the platform package (the binary, chosen by os/cpu) and the main package (the command,
# which runs the platform package's binary).
case "$arch" in
  x86_64) npm_cpu=x64 ;;
  aarch64) npm_cpu=arm64 ;;
  *) die "no npm cpu name for $arch" ;;
esac
npm_platform="schemagate-linux-$npm_cpu"
say "packing the npm packages ($npm_platform, schemagate)"
cp -r "$root/packaging/npm/platform" "$stage/npm-platform"
mkdir -p "$stage/npm-platform/bin"
cp "$binary" "$stage/npm-platform/bin/schemagate"
cp "$root/LICENSE" "$stage/npm-platform/LICENSE"
sed -i "s/PLATFORM/linux-$npm_cpu/g" "$stage/npm-platform/README.md"
cp -r "$root/packaging/npm/schemagate" "$stage/npm-main"
cp "$root/LICENSE" "$stage/npm-main/LICENSE"
(
  cd "$stage/npm-platform"
  npm pkg set "name=$npm_platform" "version=$version" "os[0]=linux" "cpu[0]=$npm_cpu"
  cd "$stage/npm-main"
  # Every Linux platform package (the ones release.sh makes); npm installs the one whose
  # os and cpu match the machine and skips the others.
  npm pkg set "version=$version" "optionalDependencies.schemagate-linux-x64=$version" \
    "optionalDependencies.schemagate-linux-arm64=$version"
  for d in "$stage/npm-platform" "$stage/npm-main"; do
    npm pack --silent --pack-destination "$dist" "$d" >/dev/null
  done
) >"$cache/npm.log" 2>&1 || {
  cat "$cache/npm.log" >&2
  die "packing the npm packages failed"
}

# The container image, FROM scratch plus the binary, as an OCI archive (written directly: no
# container daemon or builder is needed).
say "writing the OCI image"
/usr/bin/python3 "$root/packaging/oci/oci_archive.py" "$binary" "$version" "$arch" "$root/LICENSE" \
  "$dist/schemagate-$version-oci.tar"

# The Debian package: what `cmake --install` installs (binary, man page, rule docs) with the
# static binary, the license as a copyright file, and no dependencies.
deb_arch=$(dpkg --print-architecture)
say "building the Debian package"
deb_root="$stage/deb"
cmake --install "$build" --prefix "$deb_root/usr" >/dev/null
install -m 0755 "$binary" "$deb_root/usr/bin/schemagate"
gzip -9n "$deb_root/usr/share/man/man1/schemagate.1"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: schemagate"
  echo "Source: $homepage"
  echo
  echo "Files: *"
  echo "Copyright: schemagate developers"
  echo "License: Apache-2.0"
  echo " On Debian systems, the full text of the Apache License 2.0 is in"
  echo " /usr/share/common-licenses/Apache-2.0; it is also in LICENSE in the source."
  echo
  echo "Files: usr/bin/schemagate"
  echo "Copyright: schemagate developers, and the authors of the libraries linked statically:"
  echo " libpg_query (BSD-3-Clause, PostgreSQL), PostgreSQL's libpq (PostgreSQL),"
  echo " OpenSSL (Apache-2.0), tree-sitter and tree-sitter-python (MIT), simdjson"
  echo " (Apache-2.0), yaml-cpp (MIT), tomlplusplus (MIT), nlohmann/json (MIT), CLI11"
  echo " (BSD-3-Clause), GCC's libstdc++ (GPL-3 with the GCC Runtime Library Exception) and"
  echo " the GNU C Library (LGPL-2.1)"
  echo "License: Apache-2.0"
} >"$deb_root/usr/share/doc/schemagate/copyright"
find "$deb_root" -type d -exec chmod 0755 {} +
mkdir -p "$deb_root/DEBIAN"
{
  echo "Package: schemagate"
  echo "Version: $version"
  echo "Architecture: $deb_arch"
  echo "Maintainer: schemagate developers"
  echo "Installed-Size: $(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)"
  echo "Section: devel"
  echo "Priority: optional"
  echo "Homepage: $homepage"
  echo "Description: static linter and checklist enforcer for database schema migrations"
  sed -e 's/^$/./' -e 's/^/ /' "$root/packaging/deb/description"
} >"$deb_root/DEBIAN/control"
(cd "$deb_root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$deb_root/DEBIAN/md5sums"
find "$deb_root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$deb_root" "$dist/schemagate_${version}_$deb_arch.deb" \
  >/dev/null

took "the packages"

# --- checksums ------------------------------------------------------------------------
(
  cd "$dist"
  rm -f ./*.sha256 SHA256SUMS
  for f in *; do
    [ -f "$f" ] || continue
    sha256sum "$f" >"$f.sha256"
    cat "$f.sha256" >>SHA256SUMS
  done
)
say "dist/:"
(cd "$dist" && ls -l --time-style=+ | awk 'NR > 1 {print "  " $5 "\t" $NF}') >&2
