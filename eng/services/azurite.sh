#!/usr/bin/env bash
# Azurite (the Azure Storage emulator, blob service only) for the Azure driver's tests.
#
# Usage:
#   eng/services/azurite.sh install   installs azurite 3.37.0 with npm into a folder of its own (idempotent)
#   eng/services/azurite.sh start     installs if needed, starts it in the background on 127.0.0.1 and waits
#                                     until it answers (idempotent: a running instance is kept)
#   eng/services/azurite.sh stop      stops the instance this script started (by its PID file), if any
#   eng/services/azurite.sh env       prints `export OCIREGISTRY_TEST_AZURE_CONNECTION_STRING=...` for the
#                                     running instance; use as: eval "$(eng/services/azurite.sh env)"
#   eng/services/azurite.sh status    exits 0 when the instance is running and answers
#
# Environment:
#   OCIREGISTRY_AZURITE_HOME   install folder (default /opt/ociregistry/azurite-3.37.0 when writable, else
#                              ~/.cache/ociregistry/azurite-3.37.0); nothing is installed globally
#   OCIREGISTRY_AZURITE_STATE  folder for the PID file, port and log (default: one per work tree under $TMPDIR)
#   OCIREGISTRY_AZURITE_PORT   blob port; without it 10000 is used, or a free port when 10000 is taken
#
# Data is kept in memory only (--inMemoryPersistence): every start begins empty. Azure.Storage.Blobs sends an
# API version newer than Azurite knows, hence --skipApiVersionCheck.
set -euo pipefail

readonly azurite_version="3.37.0"
readonly account="devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft); not a secret.
readonly account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

default_home() {
  if mkdir -p /opt/ociregistry 2>/dev/null && [[ -w /opt/ociregistry ]]; then
    echo "/opt/ociregistry/azurite-$azurite_version"
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/ociregistry/azurite-$azurite_version"
  fi
}

home="${OCIREGISTRY_AZURITE_HOME:-$(default_home)}"
state="${OCIREGISTRY_AZURITE_STATE:-${TMPDIR:-/tmp}/ociregistry-azurite-$(printf '%s' "$repo_root" | md5sum | cut -c1-12)}"
blob_bin="$home/node_modules/.bin/azurite-blob"

log() { echo "azurite.sh: $*" >&2; }

installed() {
  [[ -x "$blob_bin" ]] &&
    grep -q "\"version\": *\"$azurite_version\"" "$home/node_modules/azurite/package.json" 2>/dev/null
}

install() {
  if installed; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { log "npm is not on PATH (Node.js 18+ is needed)"; return 1; }
  log "installing azurite $azurite_version into $home"
  mkdir -p "$(dirname "$home")"
  # Installed next to the final folder and renamed into place, so an interrupted install is never taken for a
  # finished one.
  local staging
  staging="$(mktemp -d "$(dirname "$home")/.azurite-install.XXXXXX")"
  if ! npm install --prefix "$staging" --no-audit --no-fund --omit=dev --loglevel=error "azurite@$azurite_version" >&2; then
    rm -rf "$staging"
    log "npm install azurite@$azurite_version failed"
    return 1
  fi
  rm -rf "$home"
  mv "$staging" "$home"
  installed || { log "azurite-blob missing after install"; return 1; }
}

running_pid() {
  local pid
  pid="$(cat "$state/pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The PID must still be our azurite, not a recycled number.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "azurite-blob" || return 1
  echo "$pid"
}

# Any HTTP answer will do (an unsigned request gets 403): the service is up.
answers() {
  local port="$1" code
  if ! command -v curl >/dev/null 2>&1; then
    port_taken "$port"
    return
  fi
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/$account?comp=list" 2>/dev/null || true)"
  [[ -n "$code" && "$code" != "000" ]]
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

start() {
  if pid="$(running_pid)" && answers "$(cat "$state/port")"; then
    log "already running (pid $pid, port $(cat "$state/port"))"
    return 0
  fi
  install
  # A stale instance of ours that no longer answers goes first.
  stop >/dev/null 2>&1 || true

  local port
  if [[ -n "${OCIREGISTRY_AZURITE_PORT:-}" ]]; then
    port="$OCIREGISTRY_AZURITE_PORT"
    if port_taken "$port"; then
      log "port $port (OCIREGISTRY_AZURITE_PORT) is taken by another process"
      return 1
    fi
  else
    port=10000
    if port_taken "$port"; then
      port="$(free_port)"
    fi
  fi

  mkdir -p "$state"
  echo "$port" >"$state/port"
  # setsid: the server outlives the shell that started it and is stopped only through its PID file.
  # Its working directory is the state folder, where anything it might write lands.
  (cd "$state" && exec setsid "$blob_bin" --blobHost 127.0.0.1 --blobPort "$port" \
    --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent \
    </dev/null >"$state/azurite.log" 2>&1) &
  local pid=$!
  echo "$pid" >"$state/pid"

  local deadline=$((SECONDS + 60))
  until answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "azurite exited while starting; its log:"
      tail -n 30 "$state/azurite.log" >&2 || true
      rm -f "$state/pid"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "azurite did not answer on port $port within 60 s; its log:"
      tail -n 30 "$state/azurite.log" >&2 || true
      stop || true
      return 1
    fi
    sleep 0.2
  done
  log "running (pid $pid) on http://127.0.0.1:$port/$account"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$state/pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$state/pid"
  log "stopped (pid $pid)"
}

print_env() {
  if ! running_pid >/dev/null; then
    log "not running; run: $0 start"
    return 1
  fi
  local port
  port="$(cat "$state/port")"
  printf "export OCIREGISTRY_TEST_AZURE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/%s;'\n" \
    "$account" "$account_key" "$port" "$account"
}

status() {
  local pid
  pid="$(running_pid)" && answers "$(cat "$state/port")" && log "running (pid $pid, port $(cat "$state/port"))"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  status) status ;;
  *)
    echo "usage: $0 install|start|stop|env|status" >&2
    exit 2
    ;;
esac
