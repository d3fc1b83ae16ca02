#!/usr/bin/env bash
# The container image (an OCI archive): skopeo reads it (architecture, OS, labels, one layer,
# the entrypoint); its layer, unpacked into an otherwise empty root with examples/ in the
# working directory, runs the entrypoint in a chroot, which lints the examples as the normal
# build does; and with podman, when podman works on this machine, the image runs as a container.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v skopeo >/dev/null || die "skopeo is not installed (bootstrap's test job installs it)"
archive=$(artifact "schemagate-$version-oci.tar")
declare -A goarch=([x86_64]=amd64 [aarch64]=arm64)
want_arch=${goarch[$(uname -m)]}

skopeo inspect "oci-archive:$archive" >"$work/inspect.json" || die "skopeo inspect failed"
skopeo inspect --config "oci-archive:$archive" >"$work/config.json" || die "skopeo inspect --config failed"
/usr/bin/python3 - "$work/inspect.json" "$work/config.json" "$version" "$want_arch" >"$work/image.txt" <<'PY' || fail "the image: $(cat "$work/image.txt")"
import json, sys
inspect, config = (json.load(open(p)) for p in sys.argv[1:3])
version, arch = sys.argv[3:5]
problems = []
if inspect.get("Architecture") != arch or inspect.get("Os") != "linux":
    problems.append(f"platform {inspect.get('Os')}/{inspect.get('Architecture')}")
if len(inspect.get("Layers") or []) != 1:
    problems.append(f"{len(inspect.get('Layers') or [])} layers, expected 1 (FROM scratch + the binary)")
labels = inspect.get("Labels") or {}
if labels.get("org.opencontainers.image.version") != version:
    problems.append(f"version label {labels.get('org.opencontainers.image.version')}")
if labels.get("org.opencontainers.image.licenses") != "Apache-2.0":
    problems.append("no Apache-2.0 license label")
c = config.get("config", {})
if c.get("Entrypoint") != ["/usr/bin/schemagate"] or c.get("WorkingDir") != "/src":
    problems.append(f"entrypoint {c.get('Entrypoint')} in {c.get('WorkingDir')}")
print("\n".join(problems))
print(" ".join(c.get("Entrypoint", [])), file=open(sys.argv[1] + ".entrypoint", "w"))
sys.exit(1 if problems else 0)
PY
# The named reference (docker load / podman load list it under that tag).
skopeo inspect "oci-archive:$archive:schemagate:$version" >/dev/null 2>&1 ||
  fail "the archive does not name the image schemagate:$version"

# Unpack the image's layers as a container runtime would, and run the entrypoint there.
skopeo copy --quiet "oci-archive:$archive" "dir:$work/image" >/dev/null || die "skopeo copy failed"
rootfs="$work/rootfs"
mkdir -p "$rootfs"
/usr/bin/python3 - "$work/image" "$rootfs" <<'PY' || die "unpacking the layers failed"
import json, os, sys, tarfile
image, rootfs = sys.argv[1:]
manifest = json.load(open(os.path.join(image, "manifest.json")))
for layer in manifest["layers"]:
    with tarfile.open(os.path.join(image, layer["digest"].split(":", 1)[1])) as tar:
        tar.extractall(rootfs)
PY
[ "$(cd "$rootfs" && find . -type f | sort | tr '\n' ' ')" = "./usr/bin/schemagate ./usr/share/doc/schemagate/LICENSE " ] ||
  fail "the image holds more than the binary and its license: $(cd "$rootfs" && find . -type f | tr '\n' ' ')"
cmp -s "$rootfs/usr/bin/schemagate" "$(artifact "schemagate-$version-linux-$(uname -m)")" ||
  fail "the image's binary is not the release binary"
[ "$(id -u)" -eq 0 ] || die "chroot needs root"
cp -r "$root/examples" "$rootfs/src/examples"
read -r -a entrypoint <"$work/inspect.json.entrypoint"
# The container's view: its layer as /, the working directory /src.
same_lint "the image's entrypoint in its layer as root, in /src" "$root" \
  unshare --root="$rootfs" --wd=/src "${entrypoint[@]}"
finish_note="skopeo reads it; its layer's entrypoint lints the examples as the normal build does"

# podman, only where it runs containers here.
if command -v podman >/dev/null 2>&1 && podman run --rm --quiet "oci-archive:$archive" --version \
  >"$work/podman.out" 2>&1; then
  [ "$(cat "$work/podman.out")" = "schemagate $version" ] || fail "podman run: $(cat "$work/podman.out")"
  finish_note="$finish_note; podman runs it"
else
  finish_note="$finish_note; podman not run (absent or not working here)"
fi
finish "$(basename "$archive"): $finish_note"
