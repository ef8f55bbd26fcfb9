#!/usr/bin/env python3
"""Writes a registry storage tree (the Go registry's filesystem layout) for the garbage-collection benchmark.

Every repository holds MANIFESTS image manifests of a config and two layers (one of its own, one from a pool shared
by all repositories) and STRAYS unreferenced blobs. A quarter of the manifests are deleted (revision link gone, blobs
still linked), a quarter untagged, half tagged. All files are dated two hours back, past the default grace period.
Nothing here is random: the same arguments give the same tree.
"""
import hashlib
import json
import os
import sys
import time

root, repositories, manifests, strays = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
v2 = os.path.join(root, "docker", "registry", "v2")
shared_pool = repositories * manifests // 2
old = time.time() - 2 * 3600
written = {"blobs": 0, "manifests": 0}


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
    os.utime(path, (old, old))


def blob(content):
    digest = hashlib.sha256(content).hexdigest()
    path = os.path.join(v2, "blobs", "sha256", digest[:2], digest, "data")
    if not os.path.exists(path):
        write(path, content)
        written["blobs"] += 1
    return "sha256:" + digest


def link(repository, folder, digest):
    write(os.path.join(v2, "repositories", repository, folder, "sha256", digest[7:], "link"), digest.encode())


def descriptor(media_type, digest, size):
    return {"mediaType": media_type, "digest": digest, "size": size}


for r in range(repositories):
    repository = f"bench/repo{r}"
    for m in range(manifests):
        config = json.dumps({"architecture": "amd64", "os": "linux", "id": f"{r}-{m}"}).encode()
        own = f"own layer {r}-{m}".encode() * 8
        shared = f"shared layer {(r * manifests + m) % shared_pool}".encode() * 8
        digests = [blob(config), blob(own), blob(shared)]
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor("application/vnd.oci.image.config.v1+json", digests[0], len(config)),
            "layers": [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", d, n) for d, n in ((digests[1], len(own)), (digests[2], len(shared)))],
        }).encode()
        digest = blob(manifest)
        written["manifests"] += 1
        for d in digests:
            link(repository, "_layers", d)
        if m % 4 == 0:
            continue  # deleted by digest: only the blob links remain
        link(repository, "_manifests/revisions", digest)
        if m % 4 != 1:
            tag = os.path.join(v2, "repositories", repository, "_manifests", "tags", f"v{m}")
            write(os.path.join(tag, "current", "link"), digest.encode())
            write(os.path.join(tag, "index", "sha256", digest[7:], "link"), digest.encode())
    for s in range(strays):
        link(repository, "_layers", blob(f"stray {r}-{s}".encode() * 8))

print(f"{written['manifests']} manifests, {written['blobs']} blobs in {repositories} repositories")
