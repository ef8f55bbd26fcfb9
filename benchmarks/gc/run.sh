#!/usr/bin/env bash
# Garbage collection, ours next to the Go registry's (Debian's docker-registry 2.8), on copies of one generated tree
# on the filesystem: by default 100 repositories of 100 manifests and 150 stray blobs, i.e. 10,000 manifests and
# 50,000 blobs (make-tree.py says what is in it). Prints the time each collector takes and what it deleted, for a
# dry run with --delete-untagged, a plain run and a run with --delete-untagged, and how many blobs each left. Reports, asserts nothing. Needs python3,
# docker-registry (installed from Debian when missing) and the sample host (built in Release when missing).
#
# Usage: benchmarks/gc/run.sh [--repositories N] [--manifests N (per repository)] [--strays N (per repository)] [--keep]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repositories=100
manifests=100
strays=150
keep=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repositories) repositories="$2"; shift ;;
    --manifests) manifests="$2"; shift ;;
    --strays) strays="$2"; shift ;;
    --keep) keep=true ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ ! -x /usr/bin/docker-registry ]]; then
  apt-get install -y -q --no-install-recommends docker-registry
fi
host="$repo_root/samples/OciRegistry.Host/bin/Release/net10.0/OciRegistry.Host.dll"
if [[ ! -f "$host" ]]; then
  dotnet build "$repo_root/samples/OciRegistry.Host/OciRegistry.Host.csproj" -c Release -v quiet
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ociregistry-gc-bench.XXXXXX")"
$keep || trap 'rm -rf "$work"' EXIT
echo "tree: $(python3 "$repo_root/benchmarks/gc/make-tree.py" "$work/tree" "$repositories" "$manifests" "$strays")"

seconds() { local start=$EPOCHREALTIME; "$@" >"$work/out" 2>"$work/err"; awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }'; }

for mode in dry-run-delete-untagged plain delete-untagged; do
  rm -rf "$work/ours" "$work/go" && cp -a "$work/tree" "$work/ours" && cp -a "$work/tree" "$work/go"
  ours_flags=(); go_flags=()
  case $mode in
    dry-run-delete-untagged) ours_flags=(--dry-run --delete-untagged); go_flags=(--dry-run --delete-untagged) ;;
    delete-untagged) ours_flags=(--delete-untagged); go_flags=(--delete-untagged) ;;
  esac
  cat >"$work/go.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: "$work/go"
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
YAML
  ours_time=$(seconds dotnet "$host" garbage-collect "${ours_flags[@]}" --contentRoot "$(dirname "$host")" \
    --OciRegistry:Storage:FileSystem:RootDirectory="$work/ours" --OciRegistry:GarbageCollection:SettleDelay=00:00:00)
  ours_summary="$(tail -n 1 "$work/out")"
  go_time=$(seconds /usr/bin/docker-registry garbage-collect "${go_flags[@]}" "$work/go.yml")
  go_summary="$(grep -o '[0-9]* blobs marked, [0-9]* blobs and [0-9]* manifests eligible for deletion' "$work/out")"
  echo "$mode: ours ${ours_time} s ($ours_summary)"
  echo "$mode: go   ${go_time} s ($go_summary)"
  echo "$mode: blobs left: ours $(find "$work/ours/docker/registry/v2/blobs" -name data | wc -l), go $(find "$work/go/docker/registry/v2/blobs" -name data | wc -l)"
done
