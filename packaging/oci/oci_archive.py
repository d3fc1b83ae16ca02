#!/usr/bin/env python3
"""Writes a container image (FROM scratch plus the static binary) as an OCI archive.

    oci_archive.py BINARY VERSION ARCH LICENSE OUTPUT.tar

The image has one layer: /usr/bin/schemagate, its license in /usr/share/doc/schemagate/, an
empty /src (the working directory: mount the repository there) and /tmp. Entrypoint
["/usr/bin/schemagate"], command ["--help"]. OUTPUT.tar is an OCI image layout (oci-layout,
index.json, blobs/sha256/) in a tar file, which `skopeo copy oci-archive:OUTPUT.tar ...`,
`podman load -i OUTPUT.tar` and `docker load -i OUTPUT.tar` (Docker 25 or later) read; its
index names the image `schemagate:VERSION`. Everything is written by this script, without a container
daemon, and the same inputs give the same bytes (times come from SOURCE_DATE_EPOCH, 0 when
unset).
"""

import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import time

# Debian's `uname -m` names as OCI (Go) architecture names.
GOARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le",
          "s390x": "s390x", "riscv64": "riscv64"}


def tar_bytes(entries, mtime):
    """A tar file of (name, mode, data-or-None-for-a-folder), owned by root."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, mode, data in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    binary, version, arch, license_path, output = argv[1:]
    if arch not in GOARCH:
        sys.exit(f"oci_archive.py: unknown architecture {arch}")
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))
    with open(binary, "rb") as f:
        binary_data = f.read()
    with open(license_path, "rb") as f:
        license_data = f.read()

    layer = tar_bytes([
        ("src", 0o755, None),
        ("tmp", 0o1777, None),
        ("usr", 0o755, None),
        ("usr/bin", 0o755, None),
        ("usr/bin/schemagate", 0o755, binary_data),
        ("usr/share", 0o755, None),
        ("usr/share/doc", 0o755, None),
        ("usr/share/doc/schemagate", 0o755, None),
        ("usr/share/doc/schemagate/LICENSE", 0o644, license_data),
    ], mtime)
    layer_gz = gzip.compress(layer, compresslevel=9, mtime=0)

    blobs = {}

    def blob(data, media_type):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    labels = {
        "org.opencontainers.image.title": "schemagate",
        "org.opencontainers.image.description":
            "Static linter and checklist enforcer for PostgreSQL schema migrations",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.licenses": "Apache-2.0",
        "org.opencontainers.image.source": "https://github.com/schemagate/schemagate",
    }
    config = {
        "created": created,
        "architecture": GOARCH[arch],
        "os": "linux",
        "config": {
            "Entrypoint": ["/usr/bin/schemagate"],
            "Cmd": ["--help"],
            "WorkingDir": "/src",
            "Labels": labels,
        },
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
        "history": [{"created": created,
                     "created_by": "FROM scratch; the static schemagate binary in /usr/bin"}],
    }
    canonical = lambda value: json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": blob(canonical(config), "application/vnd.oci.image.config.v1+json"),
        "layers": [blob(layer_gz, "application/vnd.oci.image.layer.v1.tar+gzip")],
        "annotations": {"org.opencontainers.image.version": version},
    }
    manifest_desc = blob(canonical(manifest), "application/vnd.oci.image.manifest.v1+json")
    # The name `podman load` and `docker load` give the image.
    manifest_desc["annotations"] = {"org.opencontainers.image.ref.name": f"schemagate:{version}",
                                    "io.containerd.image.name": f"schemagate:{version}"}
    manifest_desc["platform"] = {"architecture": GOARCH[arch], "os": "linux"}
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [manifest_desc]}

    entries = [("blobs", 0o755, None), ("blobs/sha256", 0o755, None)]
    for digest in sorted(blobs):
        entries.append(("blobs/sha256/" + digest.split(":", 1)[1], 0o644, blobs[digest]))
    entries.append(("index.json", 0o644, canonical(index)))
    entries.append(("oci-layout", 0o644, canonical({"imageLayoutVersion": "1.0.0"})))
    tmp = output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(tar_bytes(entries, mtime))
    os.replace(tmp, output)


if __name__ == "__main__":
    main(sys.argv)
