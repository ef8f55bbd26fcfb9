#!/usr/bin/env bash
# A private Docker engine (dockerd 20.10 from Debian's docker.io) for the real-client tests, plus podman and
# buildah, which run daemonless and need only to be installed.
#
# Usage:
#   eng/services/dockerd.sh install   installs docker.io, podman and buildah with apt when one is missing (idempotent)
#   eng/services/dockerd.sh start     installs if needed, starts dockerd in the background and waits until
#                                     `docker version` answers (idempotent: a running instance is kept)
#   eng/services/dockerd.sh stop      stops the instance this script started (by its PID file), if any
#   eng/services/dockerd.sh env       prints `export DOCKER_HOST=unix://...` for the running instance;
#                                     use as: eval "$(eng/services/dockerd.sh env)"
#   eng/services/dockerd.sh status    exits 0 when the instance is running and answers
#
# Environment:
#   OCIREGISTRY_DOCKERD_STATE  folder for the socket, PID file, log, data-root and exec-root (default: one per
#                              work tree under $TMPDIR)
#
# The engine needs no kernel features beyond what any container here has: storage driver vfs (plain copies),
# no iptables, no bridge, so it can load, pull, push and build (classic builder) but is not meant to run
# containers. It reads no /etc/docker/daemon.json and never touches /var/run/docker.sock. Registries on
# 127.0.0.0/8 are plain HTTP ("insecure"); every start begins with an empty image store.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=service-common.sh
source "$repo_root/eng/services/service-common.sh"
state="${OCIREGISTRY_DOCKERD_STATE:-${TMPDIR:-/tmp}/ociregistry-dockerd-$(printf '%s' "$repo_root" | md5sum | cut -c1-12)}"
socket="$state/docker.sock"
pidfile="$state/pid"

log() { echo "dockerd.sh: $*" >&2; }

install() {
  local missing=()
  [[ -x /usr/sbin/dockerd ]] || missing+=(docker.io)
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v buildah >/dev/null 2>&1 || missing+=(buildah)
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { log "${missing[*]} missing and not root"; return 1; }
    sudo=(sudo -n)
  fi
  log "installing ${missing[*]}"
  # No recommends: podman would pull in fuse-overlayfs, slirp4netns, criu, ... none of which push or pull needs.
  # buildah is named because it is only a recommendation of podman.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
      --no-install-recommends docker.io podman buildah >&2
}

running_pid() {
  local pid
  pid="$(cat "$pidfile" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The PID must still be our dockerd (its socket is in its command line), not a recycled number.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "unix://$socket" || return 1
  echo "$pid"
}

answers() {
  DOCKER_HOST="unix://$socket" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

start() {
  if pid="$(running_pid)" && answers; then
    log "already running (pid $pid, unix://$socket)"
    return 0
  fi
  install
  # A stale instance of ours that no longer answers goes first.
  stop >/dev/null 2>&1 || true

  mkdir -p "$state"
  # Every start begins empty. dockerd bind-mounts its data-root onto itself (and a dockerd that died keeps
  # it): those mounts of ours go first, and nothing is deleted while anything is still mounted under $state.
  unmount_under_state
  if grep -qF " $state/" /proc/self/mounts; then
    log "something is still mounted under $state; not clearing it"
  else
    rm -rf "$state/data" "$state/exec" "$state/dockerd.pid"
  fi
  echo '{}' >"$state/daemon.json"

  # setsid: the daemon outlives the shell that started it and is stopped only through its PID file.
  (cd "$state" && exec setsid /usr/sbin/dockerd \
    --host "unix://$socket" \
    --config-file "$state/daemon.json" \
    --data-root "$state/data" \
    --exec-root "$state/exec" \
    --pidfile "$state/dockerd.pid" \
    --storage-driver vfs \
    --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
    --insecure-registry 127.0.0.0/8 \
    </dev/null >"$state/dockerd.log" 2>&1) &
  local pid=$!
  echo "$pid" >"$pidfile"

  if ! wait_until_answering dockerd "$pid" "$state/dockerd.log" 60 answers; then
    stop >/dev/null 2>&1 || true
    rm -f "$pidfile"
    return 1
  fi
  log "running (pid $pid) on unix://$socket"
}

unmount_under_state() {
  local mount_point
  # Deepest first; /proc/self/mounts escapes spaces as \040, which a state path does not contain.
  awk -v prefix="$state/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mount_point; do
      umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null || true
    done
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    unmount_under_state
    return 0
  fi
  # dockerd stops the containerd it started itself on TERM; killed, it cannot: that one goes by its PID file.
  if ! terminate_process "$pid" 15; then
    local containerd_pid
    containerd_pid="$(cat "$state/exec/containerd/containerd.pid" 2>/dev/null || true)"
    if [[ "$containerd_pid" =~ ^[0-9]+$ ]] &&
      tr '\0' ' ' <"/proc/$containerd_pid/cmdline" 2>/dev/null | grep -qF "$state/"; then
      kill -KILL "$containerd_pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
  unmount_under_state
  log "stopped (pid $pid)"
}

print_env() {
  if ! running_pid >/dev/null; then
    log "not running; run: $0 start"
    return 1
  fi
  printf "export DOCKER_HOST='unix://%s'\n" "$socket"
}

status() {
  local pid
  pid="$(running_pid)" && answers && log "running (pid $pid, unix://$socket)"
}

run_service_command "$0" "${1:-}"
