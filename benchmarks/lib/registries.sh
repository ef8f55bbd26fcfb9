# Starting and stopping the two registries under test, on loopback, each on fresh filesystem storage.
# Sourced by benchmarks/run.sh; uses $work_dir, $repo_root, $go_registry and the started_pids and ours_wrapper
# arrays from there.

readonly host_dll_relative="samples/OciRegistry.Host/bin/Release/net10.0/OciRegistry.Host.dll"

# A TCP port nobody listens on, from the unprivileged range; new for every start so that nothing a client
# cached about an earlier registry (skopeo's blob-info cache is keyed by host:port) applies to a fresh one.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if [[ -z "$(ss -Htln "( sport = :$port )" 2>/dev/null)" ]]; then
      echo "$port"
      return 0
    fi
  done
  echo "benchmarks: no free port found" >&2
  return 1
}

# start_registry KIND NAME: start_KIND NAME, tried up to three times: on a shared machine another process can
# take the chosen port before the registry binds it.
start_registry() {
  local attempt
  for attempt in 1 2 3; do
    "start_$1" "$2" && return 0
    stop_registry "$2"
    echo "benchmarks: $1 registry did not start (attempt $attempt of 3)" >&2
  done
  return 1
}

# wait_until_ready URL PID NAME LOG: polls GET /v2/ for up to 60 s; fails early when the process died, and
# shows the end of its log.
wait_until_ready() {
  local url="$1" pid="$2" name="$3" log="$4"
  for _ in $(seq 1 240); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "benchmarks: $name exited during start; the end of $log:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    if [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url/v2/")" == 200 ]]; then
      return 0
    fi
    sleep 0.25
  done
  echo "benchmarks: $name did not answer $url/v2/ within 60 s; see $log" >&2
  return 1
}

# start_ours NAME: starts OciRegistry.Host on a new port and storage folder; sets <NAME>_url, <NAME>_pid and
# <NAME>_root. Logging is at Warning, like the Go registry below, so neither pays for per-request log lines.
start_ours() {
  local port root
  port="$(free_port)" || return 1
  root="$work_dir/storage/$1-$port"
  mkdir -p "$root"
  # Run from the application's folder, as a deployment does: the content root (the working folder) is watched
  # recursively for appsettings changes, and a storage folder below it would put a watch on every directory.
  (cd "$(dirname "$repo_root/$host_dll_relative")" &&
    exec "${ours_wrapper[@]}" dotnet "$repo_root/$host_dll_relative" \
      --urls "http://127.0.0.1:$port" \
      --OciRegistry:Storage:FileSystem:RootDirectory="$root" \
      --Logging:LogLevel:Default=Warning) \
    >"$work_dir/logs/$1-$port.log" 2>&1 &
  track_started "$1" $! "$port" "$root" OciRegistry.Host
}

# start_go NAME: starts `docker-registry serve` (CNCF distribution, Debian package) on a new port and storage
# folder. The configuration is the Debian package's own (/etc/docker/registry/config.yml: in-memory blob
# descriptor cache, deletes on) without its htpasswd auth, with the access log off and level warn.
start_go() {
  local port root config
  port="$(free_port)" || return 1
  root="$work_dir/storage/$1-$port"
  config="$work_dir/logs/$1-$port.yml"
  mkdir -p "$root"
  cat >"$config" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: "$root"
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
EOF
  "$go_registry" serve "$config" >"$work_dir/logs/$1-$port.log" 2>&1 &
  track_started "$1" $! "$port" "$root" docker-registry
}

# track_started NAME PID PORT ROOT LABEL: remembers a started registry (for cleanup and as <NAME>_url,
# <NAME>_pid, <NAME>_root) and waits until it answers.
track_started() {
  started_pids+=("$2")
  printf -v "${1}_pid" '%s' "$2"
  printf -v "${1}_url" '%s' "http://127.0.0.1:$3"
  printf -v "${1}_root" '%s' "$4"
  wait_until_ready "http://127.0.0.1:$3" "$2" "$5" "$work_dir/logs/$1-$3.log"
}

# stop_registry NAME: ends the process started as NAME (by its id: TERM, then KILL after 10 s) and deletes
# its storage folder.
stop_registry() {
  local name="$1"
  local pid_var="${name}_pid" root_var="${name}_root"
  local pid="${!pid_var:-}" root="${!root_var:-}"
  if [[ -n "$pid" ]]; then
    stop_pid "$pid"
  fi
  if [[ -n "$root" && -d "$root" ]]; then
    rm -rf "$root"
  fi
  printf -v "$pid_var" '%s' ""
}

stop_pid() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# peak_rss_reset PID: restarts the kernel's resident-set high-water mark (VmHWM) of PID (clear_refs 5).
peak_rss_reset() {
  echo 5 >"/proc/$1/clear_refs"
}

# peak_rss_mib PID: VmHWM of PID in MiB (one decimal).
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"
}
