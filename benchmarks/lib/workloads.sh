# The workloads. Each takes a registry's base URL and process id, runs against it, and prints two figures on
# stdout: the speed (MiB/s, req/s or seconds) and the registry's CPU time (user + system, /proc/PID/stat) per
# unit of work over the timed part (s/GiB, µs/request or ms/image), which the machine's noise disturbs much less
# than the speed. On any failed request it prints the reason on stderr and returns non-zero.
# Sourced by benchmarks/run.sh; uses $data_dir, $load_seconds, $request_timeout and the sizes set there.
#
# Times of single requests come from curl's own clock (%{time_total}: connect to last byte), so starting the
# curl processes is not counted; load tests use wrk and ab, each bounded in time and count.

readonly manifest_accept="application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"

# request EXPECTED_STATUS CURL_ARGS...: one request; sets reply_seconds and reply_location (made absolute).
request() {
  local expected="$1"
  shift
  local out status
  if ! out="$(curl -sS -o /dev/null --max-time "$request_timeout" -H 'Expect:' \
    -w '%{http_code} %{time_total} %header{location}' "$@")"; then
    echo "benchmarks: curl failed: $*" >&2
    return 1
  fi
  read -r status reply_seconds reply_location <<<"$out"
  if [[ "$status" != "$expected" ]]; then
    echo "benchmarks: answer $status instead of $expected to: curl $*" >&2
    return 1
  fi
  if [[ -n "$reply_location" && "$reply_location" != http* ]]; then
    reply_location="${reply_base}${reply_location}"
  fi
}

# with_digest URL DIGEST: URL with digest=DIGEST added to its query (the Go registry's upload URLs have one).
with_digest() {
  if [[ "$1" == *\?* ]]; then echo "$1&digest=$2"; else echo "$1?digest=$2"; fi
}

sha256_of() {
  echo "sha256:$(cat "$@" | sha256sum | cut -d' ' -f1)"
}

# renew_content FILE: overwrites the first 32 bytes with random ones, so each push sends content the registry
# has never seen (a known blob could take a shortcut).
renew_content() {
  head -c 32 /dev/urandom | dd of="$1" bs=32 count=1 conv=notrunc status=none
}

# cpu_seconds PID: CPU time the process has used so far (user + system), in seconds.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}

# per_unit CPU_BEFORE CPU_AFTER SCALE UNITS: (after - before) * SCALE / UNITS, two decimals.
per_unit() {
  awk -v a="$1" -v b="$2" -v s="$3" -v u="$4" 'BEGIN { printf "%.2f\n", (b - a) * s / u }'
}

mib_per_second() {
  awk -v bytes="$1" -v seconds="$2" 'BEGIN { printf "%.1f\n", bytes / 1048576 / seconds }'
}

# push_file BASE REPO FILE: POST to start an upload, then one PUT streaming FILE with ?digest=. Sets
# pushed_digest and push_seconds (both requests).
push_file() {
  local base="$1" repo="$2" file="$3" started
  reply_base="$base"
  pushed_digest="$(sha256_of "$file")"
  request 202 -X POST "$base/v2/$repo/blobs/uploads/" || return 1
  started="$reply_seconds"
  request 201 -T "$file" -H 'Content-Type: application/octet-stream' "$(with_digest "$reply_location" "$pushed_digest")" || return 1
  push_seconds="$(awk -v a="$started" -v b="$reply_seconds" 'BEGIN { print a + b }')"
}

# Workload: monolithic push (POST + streamed PUT) of a fresh blob of $push_mib MiB. Prints MiB/s.
workload_push() {
  local file="$data_dir/blob-${push_mib}M" cpu_before bytes
  renew_content "$file"
  bytes="$(stat -c %s "$file")"
  cpu_before="$(cpu_seconds "$2")"
  push_file "$1" bench/push "$file" || return 1
  echo "$(mib_per_second "$bytes" "$push_seconds") $(per_unit "$cpu_before" "$(cpu_seconds "$2")" 1073741824 "$bytes")"
}

# Workload: chunked upload, POST + $chunk_count PATCHes of $chunk_mib MiB with Content-Range + PUT ?digest=.
# Prints MiB/s over all requests.
workload_chunked() {
  local base="$1" chunks=("$data_dir"/chunks/chunk.*) offset=0 total=0 digest size location cpu_before
  reply_base="$base"
  renew_content "${chunks[0]}"
  digest="$(sha256_of "${chunks[@]}")"
  cpu_before="$(cpu_seconds "$2")"
  request 202 -X POST "$base/v2/bench/chunked/blobs/uploads/" || return 1
  total="$reply_seconds"
  location="$reply_location"
  for chunk in "${chunks[@]}"; do
    size="$(stat -c %s "$chunk")"
    request 202 -X PATCH -T "$chunk" -H 'Content-Type: application/octet-stream' \
      -H "Content-Range: $offset-$((offset + size - 1))" "$location" || return 1
    total="$(awk -v a="$total" -v b="$reply_seconds" 'BEGIN { print a + b }')"
    location="$reply_location"
    offset=$((offset + size))
  done
  request 201 -X PUT -H 'Content-Length: 0' "$(with_digest "$location" "$digest")" || return 1
  total="$(awk -v a="$total" -v b="$reply_seconds" 'BEGIN { print a + b }')"
  echo "$(mib_per_second "$offset" "$total") $(per_unit "$cpu_before" "$(cpu_seconds "$2")" 1073741824 "$offset")"
}

# Workload: GET of a $get_mib MiB blob just pushed (so in the page cache, as on a busy registry): one untimed
# GET, then 3 timed ones. Prints the median in MiB/s.
workload_get() {
  local base="$1" file="$data_dir/blob-${get_mib}M" url out status seconds bytes speeds=() cpu_before
  renew_content "$file"
  push_file "$base" bench/get "$file" || return 1
  url="$base/v2/bench/get/blobs/$pushed_digest"
  request 200 "$url" || return 1
  cpu_before="$(cpu_seconds "$2")"
  for _ in 1 2 3; do
    out="$(curl -sS -o /dev/null --max-time "$request_timeout" -w '%{http_code} %{time_total} %{size_download}' "$url")" || return 1
    read -r status seconds bytes <<<"$out"
    if [[ "$status" != 200 || "$bytes" != "$(stat -c %s "$file")" ]]; then
      echo "benchmarks: GET $url answered $status with $bytes bytes" >&2
      return 1
    fi
    speeds+=("$(mib_per_second "$bytes" "$seconds")")
  done
  echo "$(printf '%s\n' "${speeds[@]}" | sort -g | sed -n 2p) $(per_unit "$cpu_before" "$(cpu_seconds "$2")" 1073741824 "$((3 * bytes))")"
}

# push_fixture BASE: the small image the load tests read: a 1 KiB layer, its config, and an OCI image
# manifest tagged v1 in bench/small. Sets fixture_layer_digest.
push_fixture() {
  local base="$1" dir="$data_dir/fixture"
  reply_base="$base"
  if [[ ! -f "$dir/manifest.json" ]]; then
    mkdir -p "$dir"
    head -c 1024 /dev/urandom >"$dir/layer"
    local layer_digest config_digest
    layer_digest="$(sha256_of "$dir/layer")"
    printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$layer_digest" >"$dir/config"
    config_digest="$(sha256_of "$dir/config")"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
      "$config_digest" "$(stat -c %s "$dir/config")" "$layer_digest" "$(stat -c %s "$dir/layer")" >"$dir/manifest.json"
  fi
  push_file "$base" bench/small "$dir/layer" || return 1
  fixture_layer_digest="$pushed_digest"
  push_file "$base" bench/small "$dir/config" || return 1
  request 201 -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$dir/manifest.json" "$base/v2/bench/small/manifests/v1"
}

# run_wrk SECONDS URL: GET by tag with an Accept header, 2 threads, 32 connections. Prints req/s and the
# number of requests.
run_wrk() {
  local seconds="$1" url="$2" out
  out="$(timeout $((seconds + 30)) wrk -t2 -c32 -d"${seconds}s" --timeout 5s -H "Accept: $manifest_accept" "$url" 2>&1)" || {
    echo "benchmarks: wrk failed: $out" >&2
    return 1
  }
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "benchmarks: wrk saw errors against $url: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2
    return 1
  fi
  awk '/ requests in / { n = $1 } /^Requests\/sec:/ { r = $2 } END { printf "%.0f %d\n", r, n }' <<<"$out"
}

# run_ab SECONDS URL: HEAD (-i) with keep-alive, 32 connections, at most 10^6 requests. Prints req/s and the
# number of requests.
run_ab() {
  local seconds="$1" url="$2" out
  out="$(timeout $((seconds + 30)) ab -q -i -k -c 32 -t "$seconds" -n 1000000 -s 5 "$url" 2>&1)" || {
    echo "benchmarks: ab failed: $out" >&2
    return 1
  }
  if grep -qE '^Non-2xx' <<<"$out" || ! grep -qE '^Failed requests: +0$' <<<"$out"; then
    echo "benchmarks: ab saw errors against $url: $(grep -E '^(Non-2xx|Failed)' <<<"$out")" >&2
    return 1
  fi
  awk '/^Complete requests:/ { n = $3 } /^Requests per second:/ { r = $4 } END { printf "%.0f %d\n", r, n }' <<<"$out"
}

# warm_up BASE: pushes the fixture and $warm_up_images images of their own (no layer shared with the measured
# ones, or skopeo would mount instead of upload), then loads both read paths briefly: the code paths are
# compiled and caches filled before anything is timed, for both registries alike. .NET compiles a method
# again, optimised, once it has been called 30 times and no new method was compiled for 100 ms: on a host that
# keeps meeting new code that takes ~150 pushes (see warm_up_images); a registry that runs for days has long done so.
warm_up() {
  push_fixture "$1" || return 1
  skopeo_push "${1#http://}" warm "$warm_up_images" || return 1
  run_wrk "$warm_up_seconds" "$1/v2/bench/small/manifests/v1" >/dev/null || return 1
  run_ab "$warm_up_seconds" "$1/v2/bench/small/blobs/$fixture_layer_digest" >/dev/null
}

# with_cpu_per_request PID CPU_BEFORE "REQ_PER_S COUNT": REQ_PER_S and the CPU µs per request.
with_cpu_per_request() {
  local rate count
  read -r rate count <<<"$3"
  echo "$rate $(per_unit "$2" "$(cpu_seconds "$1")" 1000000 "$count")"
}

# Workload: small manifest GET by tag, 32 connections (wrk).
workload_manifest() {
  local cpu_before result
  cpu_before="$(cpu_seconds "$2")"
  result="$(run_wrk "$load_seconds" "$1/v2/bench/small/manifests/v1")" || return 1
  with_cpu_per_request "$2" "$cpu_before" "$result"
}

# Workload: blob HEAD, 32 connections (ab -i).
workload_head() {
  local cpu_before result
  cpu_before="$(cpu_seconds "$2")"
  result="$(run_ab "$load_seconds" "$1/v2/bench/small/blobs/$fixture_layer_digest")" || return 1
  with_cpu_per_request "$2" "$cpu_before" "$result"
}

# children_cpu_seconds: CPU time (user + system) of this shell's finished child processes so far. `times` runs
# in this shell, not in a subshell: a forked shell starts with no children's time.
children_cpu_seconds() {
  times >"$data_dir/times"
  awk 'NR == 2 {
    total = 0
    for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] }
    printf "%.3f\n", total }' "$data_dir/times"
}

# skopeo_copy_each KIND COUNT DESTINATION [SKOPEO_ARGS...]: skopeo copies images KIND-000 ... of the OCI layout one
# after the other, each to DESTINATION with @TAG@ replaced by the image's tag.
skopeo_copy_each() {
  local kind="$1" count="$2" destination="$3" i tag to
  shift 3
  for ((i = 0; i < count; i++)); do
    printf -v tag '%s-%03d' "$kind" "$i"
    to="${destination//@TAG@/$tag}"
    if ! timeout 120 skopeo copy --quiet "$@" "oci:$data_dir/images:$tag" "$to" >/dev/null 2>"$data_dir/skopeo.err"; then
      echo "benchmarks: skopeo copy of $tag to $to failed: $(cat "$data_dir/skopeo.err")" >&2
      return 1
    fi
  done
}

# skopeo_push TARGET KIND COUNT: images KIND-000 ..., each to its own repository KIND/KIND-NNN:v1 of the registry
# at TARGET (host:port).
skopeo_push() {
  skopeo_copy_each "$2" "$3" "docker://$1/$2/@TAG@:v1" --dest-tls-verify=false
}

# seconds_since START: the wall time since START (date +%s.%N), in seconds.
seconds_since() {
  awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'
}

# Workload: skopeo pushes the $image_count small images (one layer each, built by umoci). Prints the wall time
# in seconds, the registry's CPU ms per image, and skopeo's own CPU ms per image: the client's share, which no
# registry can make smaller.
workload_skopeo() {
  local cpu_before start seconds
  cpu_before="$(cpu_seconds "$2")"
  children_cpu_seconds >"$data_dir/client-before"
  start="$(date +%s.%N)"
  skopeo_push "${1#http://}" img "$image_count" || return 1
  seconds="$(seconds_since "$start")"
  children_cpu_seconds >"$data_dir/client-after"
  echo "$seconds $(per_unit "$cpu_before" "$(cpu_seconds "$2")" 1000 "$image_count")" \
    "$(per_unit "$(cat "$data_dir/client-before")" "$(cat "$data_dir/client-after")" 1000 "$image_count")"
}

# skopeo_alone: skopeo copies the same $image_count images into a local folder (its dir: transport), one after the
# other: the client's own time with no registry at all, the floor under the skopeo workload's wall time. Prints
# the wall time in seconds.
skopeo_alone() {
  local out="$data_dir/skopeo-alone" start seconds
  rm -rf "$out" && mkdir -p "$out"
  start="$(date +%s.%N)"
  skopeo_copy_each img "$image_count" "dir:$out/@TAG@" || return 1
  seconds="$(seconds_since "$start")"
  rm -rf "$out"
  echo "$seconds"
}

# Workload: peak resident set (VmHWM) of PID while pushing one blob of each of $rss_sizes_mib. Prints
# "SIZE=MiB" words, plus rest=MiB: the high-water mark over a quiet second before the first push.
workload_rss() {
  local base="$1" pid="$2" size figures
  peak_rss_reset "$pid"
  sleep 1
  figures="rest=$(peak_rss_mib "$pid")"
  for size in "${rss_sizes_mib[@]}"; do
    renew_content "$data_dir/blob-${size}M"
    peak_rss_reset "$pid"
    push_file "$base" bench/rss "$data_dir/blob-${size}M" || return 1
    figures+=" $size=$(peak_rss_mib "$pid")"
  done
  echo "$figures"
}
