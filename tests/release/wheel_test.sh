#!/usr/bin/env bash
# The Python wheel: its tags, its files, and an offline install (no network namespace access,
# pip told to use no index) into a fresh virtual environment, where `schemagate` is on PATH
# and `python -m schemagate` works, both linting the examples as the normal build does.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

arch=$(uname -m)
wheel=$(artifact "schemagate-$version-py3-none-manylinux2014_$arch.musllinux_1_1_$arch.whl")
python=/usr/bin/python3

# What is inside: the binary as an executable script, the package, the license, the tags.
"$python" - "$wheel" "$arch" "$version" >"$work/contents.txt" <<'PY' || fail "the wheel's contents: $(cat "$work/contents.txt")"
import sys, zipfile
wheel, arch, version = sys.argv[1:]
z = zipfile.ZipFile(wheel)
names = z.namelist()
data = f"schemagate-{version}.data/scripts/schemagate"
info = f"schemagate-{version}.dist-info"
problems = []
if data not in names:
    problems.append(f"no {data}")
elif (z.getinfo(data).external_attr >> 16) & 0o111 == 0:
    problems.append(f"{data} is not executable")
elif not z.read(data).startswith(b"\x7fELF"):
    problems.append(f"{data} is not the binary")
for name in ("schemagate/__init__.py", "schemagate/__main__.py", f"{info}/WHEEL",
             f"{info}/METADATA"):
    if name not in names:
        problems.append(f"no {name}")
if not any(n.startswith(f"{info}/") and n.endswith("LICENSE") for n in names):
    problems.append("no LICENSE in the dist-info")
wheel_meta = z.read(f"{info}/WHEEL").decode()
for tag in (f"py3-none-manylinux2014_{arch}", f"py3-none-musllinux_1_1_{arch}"):
    if f"Tag: {tag}" not in wheel_meta:
        problems.append(f"WHEEL lacks Tag: {tag}")
if "Root-Is-Purelib: false" not in wheel_meta:
    problems.append("the wheel says it is pure Python")
meta = z.read(f"{info}/METADATA").decode()
if f"Version: {version}" not in meta or "License: Apache-2.0" not in meta:
    problems.append("METADATA lacks the version or the license")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY

# pip on this machine (glibc) accepts the tags, and so would a musl one (packaging's tags).
"$python" -c "
import sys
from packaging import tags
name = sys.argv[1]
supported = {str(t) for t in tags.sys_tags()}
wheel_tags = {f'py3-none-{p}' for p in name[:-4].split('-')[-1].split('.')}
sys.exit(0 if supported & wheel_tags else 1)
" "$(basename "$wheel")" || fail "this Python does not accept the wheel's tags"

[ "$(id -u)" -eq 0 ] || die "unshare -n (no network) needs root"
venv="$work/venv"
# A fresh venv and an offline install: no network at all, and no index.
if ! unshare -n env PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 bash -c '
  "$1" -m venv "$2" && "$2/bin/pip" install --quiet "$3"' _ "$python" "$venv" "$wheel" \
  >"$work/pip.log" 2>&1; then
  cat "$work/pip.log"
  die "pip could not install the wheel offline into a fresh venv"
fi
[ -x "$venv/bin/schemagate" ] || die "the venv has no bin/schemagate"
cmp -s "$venv/bin/schemagate" "$(artifact "schemagate-$version-linux-$arch")" ||
  fail "the installed bin/schemagate is not the release binary"
# On PATH, as a user has it after activating the venv.
same_lint "schemagate from the wheel (on PATH)" "$root" env PATH="$venv/bin:$PATH" schemagate
same_lint "python -m schemagate" "$root" "$venv/bin/python" -m schemagate
got=$("$venv/bin/python" -c 'import schemagate; print(schemagate.find_binary())')
[ "$got" = "$venv/bin/schemagate" ] || fail "schemagate.find_binary() is $got"
# pip uninstall removes the command.
"$venv/bin/pip" uninstall --quiet --yes schemagate >/dev/null 2>&1 || fail "pip uninstall failed"
[ ! -e "$venv/bin/schemagate" ] || fail "pip uninstall left bin/schemagate"
finish "$(basename "$wheel") installs offline into a fresh venv; schemagate and python -m schemagate lint the examples as the normal build does"
