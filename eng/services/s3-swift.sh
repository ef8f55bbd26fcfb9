#!/usr/bin/env bash
# A single-node OpenStack Swift with its S3 API (s3api + tempauth) on 127.0.0.1, for the S3 driver's tests.
#
# Usage:
#   eng/services/s3-swift.sh install   installs Debian's Swift and memcached when missing (idempotent; root or sudo)
#   eng/services/s3-swift.sh start     installs if needed, starts the servers unless they already answer, waits
#                                      until S3 answers, then prints the `export ...` lines of `env`
#   eng/services/s3-swift.sh env       prints `export OCIREGISTRY_TEST_S3_...=...` lines: eval "$(... env)"
#   eng/services/s3-swift.sh stop      stops the processes `start` started (by their PID files) and deletes the data
#   eng/services/s3-swift.sh status    exits 0 when the S3 endpoint answers
#
# Settings (environment):
#   OCIREGISTRY_SWIFT_DIR    state folder: configuration, rings, data, logs, PID files (/tmp/ociregistry-swift)
#   OCIREGISTRY_SWIFT_PORT   the proxy's port, the S3 endpoint (18080); the storage servers and memcached take
#                            the four ports after it
#
# The S3 credentials are tempauth's user test:tester with key testing (access key id / secret access key).
# Nothing outside the state folder is touched, except /etc/swift/swift.conf, which Swift always reads: it is
# written only when missing.
set -euo pipefail

state_dir="${OCIREGISTRY_SWIFT_DIR:-/tmp/ociregistry-swift}"
proxy_port="${OCIREGISTRY_SWIFT_PORT:-18080}"
object_port=$((proxy_port + 1))
container_port=$((proxy_port + 2))
account_port=$((proxy_port + 3))
memcached_port=$((proxy_port + 4))
host=127.0.0.1
region=us-east-1
access_key="test:tester"
secret_key="testing"
endpoint="http://$host:$proxy_port"

conf_dir="$state_dir/etc"
data_dir="$state_dir/srv"
run_dir="$state_dir/run"
log_dir="$state_dir/log"
servers=(account container object proxy)
workers="$(nproc 2>/dev/null || echo 2)"

# Swift is Debian's Python package: its tools and our probe use the system interpreter, whatever PATH says.
python=/usr/bin/python3

log() { echo "s3-swift: $*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    log "must run as root (or with sudo) to: $*"
    return 1
  fi
}

cmd_install() {
  local packages=(swift swift-proxy swift-account swift-container swift-object python3-swift memcached eatmydata)
  local missing=()
  local p
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi

  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or stale on a fresh machine: update only when the install fails without.
  if ! as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    as_root apt-get update -q >/dev/null
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

check_installed() {
  local tool
  for tool in swift-proxy-server swift-object-server swift-container-server swift-account-server swift-ring-builder memcached; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      log "$tool is missing: run '$0 install' first"
      return 1
    fi
  done
}

pid_file() { echo "$run_dir/$1.pid"; }

# True when the process recorded for a server is alive and is the program we started (not a recycled PID).
is_running() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$state_dir"
}

# Signs one S3 request (AWS Signature Version 4) with the test credentials and prints the HTTP status;
# curl's own --aws-sigv4 cannot take an access key with a colon in it.
s3_probe() {
  "$python" - "$endpoint" "$access_key" "$secret_key" "$region" <<'PY'
import datetime, hashlib, hmac, sys, urllib.error, urllib.request
endpoint, access_key, secret_key, region = sys.argv[1:5]
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, day = now.strftime('%Y%m%dT%H%M%SZ'), now.strftime('%Y%m%d')
host = endpoint.split('://', 1)[1]
payload = hashlib.sha256(b'').hexdigest()
canonical = '\n'.join(['GET', '/', '', 'host:' + host, 'x-amz-content-sha256:' + payload,
                       'x-amz-date:' + amz_date, '', 'host;x-amz-content-sha256;x-amz-date', payload])
scope = '/'.join([day, region, 's3', 'aws4_request'])
to_sign = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
key = ('AWS4' + secret_key).encode()
for part in (day, region, 's3', 'aws4_request'):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
request = urllib.request.Request(endpoint + '/', headers={
    'x-amz-date': amz_date, 'x-amz-content-sha256': payload,
    'Authorization': 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=host;x-amz-content-sha256;x-amz-date, '
                     'Signature=%s' % (access_key, scope, signature)})
# No proxy: the endpoint is on loopback.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(request, timeout=5) as response:
        print(response.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
}

s3_answers() { [[ "$(s3_probe 2>/dev/null)" == 200 ]]; }

write_swift_conf() {
  # Swift reads its cluster-wide settings from this fixed path only. The package ships one; keep any existing file.
  if [[ -f /etc/swift/swift.conf ]] && grep -q 'swift_hash_path_suffix' /etc/swift/swift.conf; then
    return 0
  fi
  as_root mkdir -p /etc/swift
  as_root tee /etc/swift/swift.conf >/dev/null <<EOF
[swift-hash]
swift_hash_path_suffix = ociregistry-test
swift_hash_path_prefix = ociregistry-test

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
EOF
}

write_server_conf() {
  local name="$1" port="$2" app="$3"
  cat >"$conf_dir/$name-server.conf" <<EOF
[DEFAULT]
bind_ip = $host
bind_port = $port
# A worker per core; they share the process group of the PID file's process, which \`stop\` signals.
workers = $workers
user = $(id -un)
swift_dir = $conf_dir
devices = $data_dir
mount_check = false
log_level = WARNING
log_name = $name-server

[pipeline:main]
pipeline = $name-server

[app:$name-server]
use = egg:swift#$app
# An object server that gives up on the container update sooner only queues it for an updater, which is not run
# here: the object would then be missing from listings.
container_update_timeout = 10
EOF
}

write_proxy_conf() {
  cat >"$conf_dir/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = $host
bind_port = $proxy_port
workers = $workers
user = $(id -un)
swift_dir = $conf_dir
log_level = ${OCIREGISTRY_SWIFT_PROXY_LOG_LEVEL:-WARNING}
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
# Give up on a storage server that does not answer instead of letting a client wait.
conn_timeout = 2
node_timeout = 30

[filter:s3api]
use = egg:swift#s3api
location = $region
# Accepts signatures from clients whose clock is off by this much (seconds).
allowable_clock_skew = 900

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $secret_key .admin

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = $host:$memcached_port

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
}

build_rings() {
  local ring port
  for ring in account container object; do
    case "$ring" in
      account) port=$account_port ;;
      container) port=$container_port ;;
      object) port=$object_port ;;
    esac
    if [[ -f "$conf_dir/$ring.ring.gz" ]]; then
      continue
    fi
    # 2^8 partitions, one replica, one device: d1 under the data folder.
    swift-ring-builder "$conf_dir/$ring.builder" create 8 1 1 >/dev/null
    swift-ring-builder "$conf_dir/$ring.builder" add --region 1 --zone 1 --ip "$host" --port "$port" --device d1 --weight 100 >/dev/null
    swift-ring-builder "$conf_dir/$ring.builder" rebalance >/dev/null
  done
}

start_process() {
  local name="$1"
  shift
  # setsid: each server leads a process group of its own, which `stop` signals as a whole.
  setsid "$@" </dev/null >>"$log_dir/$name.log" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

port_in_use() {
  (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null
}

cmd_start() {
  if s3_answers && is_running proxy; then
    log "already running at $endpoint"
    cmd_env
    return 0
  fi

  if ! check_installed 2>/dev/null; then
    cmd_install
    check_installed
  fi
  # Something half up (a crashed server): start over from what we own.
  stop_processes
  local port
  for port in "$proxy_port" "$object_port" "$container_port" "$account_port" "$memcached_port"; do
    if port_in_use "$port"; then
      log "port $port on $host is taken by another program: set OCIREGISTRY_SWIFT_PORT to a free range of five ports"
      return 1
    fi
  done

  mkdir -p "$conf_dir" "$data_dir/d1" "$run_dir" "$log_dir"
  write_swift_conf
  write_server_conf account "$account_port" account
  write_server_conf container "$container_port" container
  write_server_conf object "$object_port" object
  write_proxy_conf
  build_rings

  start_process memcached memcached -l "$host" -p "$memcached_port" -U 0 -m 64 -u "$(id -un)" -P "$run_dir/memcached.self.pid" -- "$state_dir"
  # A throw-away test store needs no fsync: eatmydata (when installed) turns it into a no-op, which makes small
  # writes several times faster on a real disk.
  local nosync=()
  if command -v eatmydata >/dev/null 2>&1; then
    nosync=(eatmydata)
  fi
  local server
  for server in "${servers[@]}"; do
    start_process "$server" "${nosync[@]}" "swift-$server-server" "$conf_dir/$server-server.conf" --verbose
  done

  local deadline=$((SECONDS + 60))
  until s3_answers; do
    for server in memcached "${servers[@]}"; do
      if ! is_running "$server"; then
        log "$server exited; its log ($log_dir/$server.log) ends with:"
        tail -n 20 "$log_dir/$server.log" >&2 || true
        stop_processes
        return 1
      fi
    done
    if ((SECONDS >= deadline)); then
      log "S3 did not answer at $endpoint within 60 s; logs are in $log_dir"
      stop_processes
      return 1
    fi
    sleep 0.5
  done
  log "S3 answers at $endpoint (access key $access_key, secret $secret_key, region $region)"
  cmd_env
}

stop_processes() {
  local name file pid
  for name in proxy object container account memcached; do
    file="$(pid_file "$name")"
    [[ -f "$file" ]] || continue
    if is_running "$name"; then
      pid="$(cat "$file")"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      local waited=0
      while [[ -d "/proc/$pid" ]] && ((waited < 50)); do
        sleep 0.1
        waited=$((waited + 1))
      done
      if [[ -d "/proc/$pid" ]]; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$file"
  done
}

cmd_stop() {
  stop_processes
  # The data goes too: every start begins with an empty store.
  rm -rf "$data_dir" "$conf_dir" "$run_dir"
  log "stopped"
}

cmd_env() {
  cat <<EOF
export OCIREGISTRY_TEST_S3_ENDPOINT=$endpoint
export OCIREGISTRY_TEST_S3_ACCESS_KEY=$access_key
export OCIREGISTRY_TEST_S3_SECRET_KEY=$secret_key
export OCIREGISTRY_TEST_S3_REGION=$region
EOF
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) s3_answers ;;
  *)
    echo "usage: $0 install|start|stop|env|status" >&2
    exit 2
    ;;
esac
