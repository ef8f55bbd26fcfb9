# Starting and stopping the two registries under test, on loopback, each on fresh storage of $storage_kind:
# filesystem (a folder), s3 (a bucket of OpenStack Swift's S3 API) or azure (a container of Azurite), and the
# emulator the object stores run on. Sourced by benchmarks/run.sh; uses $work_dir, $repo_root, $go_registry,
# $storage_kind and the started_pids and ours_wrapper arrays from there.

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

# start_ours NAME: starts OciRegistry.Host on a new port and new storage; sets <NAME>_url, <NAME>_pid and
# <NAME>_root. Logging is at Warning, like the Go registry below, so neither pays for per-request log lines.
start_ours() {
  local port root storage_args
  port="$(free_port)" || return 1
  root="$(new_storage "$1" "$port")" || return 1
  case "$storage_kind" in
    filesystem) storage_args=(--OciRegistry:Storage:FileSystem:RootDirectory="$root") ;;
    s3)
      storage_args=(--OciRegistry:Storage:Driver=s3
        --OciRegistry:Storage:S3:ServiceUrl="$OCIREGISTRY_TEST_S3_ENDPOINT"
        --OciRegistry:Storage:S3:Region="$OCIREGISTRY_TEST_S3_REGION"
        --OciRegistry:Storage:S3:AccessKeyId="$OCIREGISTRY_TEST_S3_ACCESS_KEY"
        --OciRegistry:Storage:S3:SecretAccessKey="$OCIREGISTRY_TEST_S3_SECRET_KEY"
        --OciRegistry:Storage:S3:ForcePathStyle=true
        --OciRegistry:Storage:S3:Bucket="$root")
      ;;
    azure)
      storage_args=(--OciRegistry:Storage:Driver=azure
        --OciRegistry:Storage:Azure:ConnectionString="$OCIREGISTRY_TEST_AZURE_CONNECTION_STRING"
        --OciRegistry:Storage:Azure:Container="$root")
      ;;
  esac
  # On object storage a blob GET answers 307 to a presigned URL by default, and the bytes would come from the
  # emulator, not from the registry: both registries serve them themselves here (Go: redirect disable).
  [[ "$storage_kind" == filesystem ]] || storage_args+=(--OciRegistry:Storage:Redirect:Enabled=false)
  # Run from the application's folder, as a deployment does (its appsettings files are found there).
  (cd "$(dirname "$repo_root/$host_dll_relative")" &&
    exec "${ours_wrapper[@]}" dotnet "$repo_root/$host_dll_relative" \
      --urls "http://127.0.0.1:$port" \
      "${storage_args[@]}" \
      --Logging:LogLevel:Default=Warning) \
    >"$work_dir/logs/$1-$port.log" 2>&1 &
  track_started "$1" $! "$port" "$root" OciRegistry.Host
}

# start_go NAME: starts `docker-registry serve` (CNCF distribution, Debian package) on a new port and new
# storage. The configuration is the Debian package's own (/etc/docker/registry/config.yml: in-memory blob
# descriptor cache, deletes on) without its htpasswd auth, with the access log off and level warn.
start_go() {
  local port root config
  port="$(free_port)" || return 1
  root="$(new_storage "$1" "$port")" || return 1
  config="$work_dir/logs/$1-$port.yml"
  cat >"$config" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  cache:
    blobdescriptor: inmemory
$(go_storage_config "$root")
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
EOF
  # AWS_CA_BUNDLE, set on some machines for other tools, makes 2.8's S3 driver panic at start (the integration
  # tests found it); the endpoint is plain HTTP, no CA needed. env execs the registry: $! is its own id.
  env -u AWS_CA_BUNDLE "$go_registry" serve "$config" >"$work_dir/logs/$1-$port.log" 2>&1 &
  track_started "$1" $! "$port" "$root" docker-registry
}

# go_storage_config ROOT: the storage driver's part of the Go registry's configuration, indented for `storage:`.
# On s3 the part size (chunksize) is our driver's default, 16 MiB, rather than Go's 10 MiB, so both send an
# upload to the store in parts of the same size; the bucket's region and path-style addressing come from
# regionendpoint, as 2.8 does it.
go_storage_config() {
  case "$storage_kind" in
    filesystem)
      cat <<EOF
  filesystem:
    rootdirectory: "$1"
EOF
      ;;
    s3)
      cat <<EOF
  s3:
    accesskey: "$OCIREGISTRY_TEST_S3_ACCESS_KEY"
    secretkey: "$OCIREGISTRY_TEST_S3_SECRET_KEY"
    region: "$OCIREGISTRY_TEST_S3_REGION"
    regionendpoint: "$OCIREGISTRY_TEST_S3_ENDPOINT"
    bucket: "$1"
    chunksize: 16777216
  redirect:
    disable: true
EOF
      ;;
  esac
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
# its storage (folder, bucket or container).
stop_registry() {
  local name="$1"
  local pid_var="${name}_pid" root_var="${name}_root"
  local pid="${!pid_var:-}" root="${!root_var:-}"
  if [[ -n "$pid" ]]; then
    stop_pid "$pid"
  fi
  if [[ -n "$root" ]]; then
    delete_storage "$root"
  fi
  printf -v "$pid_var" '%s' ""
  printf -v "$root_var" '%s' ""
}

# discard_object_storage NAME: deletes the bucket or container NAME still has (a run cut short), unless the
# emulator is ours and stops anyway (its data goes with it). A folder stays: --keep may want it.
discard_object_storage() {
  local root_var="${1}_root"
  [[ "$storage_kind" != filesystem && -n "${!root_var:-}" ]] || return 0
  $storage_service_started || delete_storage "${!root_var}"
  printf -v "$root_var" '%s' ""
}

# Each registry starts every round on storage of its own that nobody used before: a new folder, or a new bucket
# (s3) or container (azure) made empty just before the start, so that no round sees another's data. It is deleted
# when the registry stops, as the folder is, so a long run does not pile up gigabytes in the emulator.

storage_service_started=false
# Why the Go registry cannot run on $storage_kind; empty when it can. Debian's build has the filesystem, s3, swift
# and inmemory drivers only (`serve` panics "StorageDriver not registered: azure"); and 2.8's Azure driver, where
# built, addresses https://ACCOUNT.blob.REALM only, never an emulator's URL (see the integration tests).
go_unsupported=""
if [[ "$storage_kind" == azure ]]; then
  go_unsupported="Debian's docker-registry is built without the azure driver"
fi

# storage_service_script: the eng/services script of $storage_kind's emulator; nothing for filesystem.
storage_service_script() {
  case "$storage_kind" in
    s3) echo "$repo_root/eng/services/s3-swift.sh" ;;
    azure) echo "$repo_root/eng/services/azurite.sh" ;;
  esac
}

# start_storage_service: for s3 and azure, starts the emulator unless one already answers (that one is left
# running at the end), and takes its OCIREGISTRY_TEST_* variables: the endpoint and credentials.
start_storage_service() {
  local script
  script="$(storage_service_script)"
  [[ -n "$script" ]] || return 0
  if "$script" status >/dev/null 2>&1; then
    echo "benchmarks: $storage_kind: using the $(basename "$script" .sh) that already runs (left running at the end)" >&2
  else
    # Set first: a start cut short by Ctrl-C is stopped too.
    storage_service_started=true
    "$script" start >/dev/null
  fi
  eval "$("$script" env)"
}

# stop_storage_service: stops the emulator if this run started it.
stop_storage_service() {
  $storage_service_started || return 0
  storage_service_started=false
  "$(storage_service_script)" stop >/dev/null || true
}

# storage_description: where the registries stored their data, for the report.
storage_description() {
  local each="for each registry in every round" served="blob GETs served by the registry itself (redirects off)"
  case "$storage_kind" in
    filesystem) echo "filesystem ($(df --output=fstype "$work_dir" 2>/dev/null | tail -n 1) in ${TMPDIR:-/tmp}), a new folder $each" ;;
    s3) echo "S3, OpenStack Swift $(dpkg-query -W -f '${Version}' swift-proxy 2>/dev/null) s3api at $OCIREGISTRY_TEST_S3_ENDPOINT, a new bucket $each; $served" ;;
    azure) echo "Azure, Azurite $(azurite_version) (in memory) at $(azure_part BlobEndpoint), a new container $each; $served" ;;
  esac
}

azurite_version() {
  sed -n 's/^readonly azurite_version="\(.*\)"$/\1/p' "$repo_root/eng/services/azurite.sh"
}

# new_storage NAME PORT: makes the empty storage registry NAME starts on and prints it: a folder under
# $work_dir/storage, or the name of a new bucket or container (lower case, digits and dashes: valid for both).
new_storage() {
  local name
  case "$storage_kind" in
    filesystem)
      name="$work_dir/storage/$1-$2"
      mkdir -p "$name"
      ;;
    s3 | azure)
      name="ocibench-$$-$1-$2"
      "${storage_kind}_create" "$name" || return 1
      ;;
  esac
  echo "$name"
}

# delete_storage ROOT: deletes what new_storage made; a failure is reported, not fatal (the figures stand).
delete_storage() {
  case "$storage_kind" in
    filesystem) rm -rf "$1" ;;
    s3 | azure) "${storage_kind}_delete" "$1" || echo "benchmarks: could not delete $storage_kind storage $1" >&2 ;;
  esac
}

# S3 buckets are made and deleted with Swift's own client (Debian's python3-swiftclient) rather than through S3,
# which would need every request signed: a bucket is a Swift container of the S3 user's account (tempauth: the
# access key is the user, the secret its key), and `swift delete` empties one in bulk before deleting it. s3api
# keeps the parts of multipart uploads in a second container, BUCKET+segments, which goes too.
swift_client() {
  swift -A "$OCIREGISTRY_TEST_S3_ENDPOINT/auth/v1.0" -U "$OCIREGISTRY_TEST_S3_ACCESS_KEY" \
    -K "$OCIREGISTRY_TEST_S3_SECRET_KEY" "$@"
}

s3_create() { swift_client post "$1"; }

s3_delete() {
  swift_client delete "$1" >/dev/null || return 1
  # There is none when no upload of that registry went in parts.
  swift_client delete "$1+segments" >/dev/null 2>&1 || true
}

# azure_part KEY: one part of Azurite's connection string (AccountName, AccountKey, BlobEndpoint).
azure_part() {
  tr ';' '\n' <<<"$OCIREGISTRY_TEST_AZURE_CONNECTION_STRING" | sed -n "s/^$1=//p"
}

# azure_container VERB CONTAINER EXPECTED_STATUS: Create Container (PUT) or Delete Container (DELETE: its blobs
# go with it) of the Blob service's REST API, signed with the account's shared key: an HMAC-SHA256 of the verb,
# eleven standard headers (all empty here; Content-Length is empty for 0), the x-ms- headers and the resource.
# Azurite serves the account in the path, so the signed resource names the account twice, as the SDKs sign it.
azure_container() {
  local verb="$1" container="$2" expected="$3" account date version=2021-12-02 key_hex signature status
  account="$(azure_part AccountName)"
  key_hex="$(azure_part AccountKey | base64 -d | od -An -v -tx1 | tr -d ' \n')"
  date="$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')"
  signature="$(printf '%s\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:%s\nx-ms-version:%s\n/%s/%s/%s\nrestype:container' \
    "$verb" "$date" "$version" "$account" "$account" "$container" |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64 -w 0)"
  status="$(curl -sS -m 120 -o "$work_dir/azure-reply" -w '%{http_code}' -X "$verb" -H 'Content-Length: 0' \
    -H "x-ms-date: $date" -H "x-ms-version: $version" -H "Authorization: SharedKey $account:$signature" \
    "$(azure_part BlobEndpoint)/$container?restype=container")" || return 1
  [[ "$status" == "$expected" ]] ||
    { echo "benchmarks: Azurite answered $status to $verb $container: $(tr -s '\n' ' ' <"$work_dir/azure-reply")" >&2; return 1; }
}

# azure_create CONTAINER: a new, empty container (201: it did not exist before).
azure_create() { azure_container PUT "$1" 201; }

azure_delete() { azure_container DELETE "$1" 202; }

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
