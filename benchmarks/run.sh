#!/usr/bin/env bash
# Side-by-side benchmarks: OciRegistry.Host against the Go registry (CNCF distribution 2.8, Debian package
# docker-registry), both on loopback with storage of the same kind, fresh for each (filesystem: temporary folders
# on the same disk; or object storage in a local emulator), same clients, in one run. Prints a markdown table:
# each side's median over the rounds, the median of the rounds' ratios, the target; then each side's CPU time
# per unit of work.
#
# Usage:
#   benchmarks/run.sh                 3 rounds of every workload (5 to 7 minutes a round on 2 busy cores)
#   benchmarks/run.sh --quick         1 round, smaller blobs, 3 s load tests, 20 images: for iteration
#   benchmarks/run.sh --storage s3    both registries on S3: OpenStack Swift's S3 API on loopback
#   Options: --rounds N   --only push,chunked,get,manifest,head,skopeo,rss   --seconds N (load test length)
#            --images N   --no-build   --keep (keep the temporary folder)
#            --storage filesystem|s3|azure  the storage driver (filesystem by default). s3: Swift with s3api
#                        (eng/services/s3-swift.sh), azure: Azurite (eng/services/azurite.sh), each started
#                        unless it already answers and then stopped at the end; every registry gets a new
#                        bucket or container each round, deleted after it; blob GETs are served by the
#                        registries (redirects off). The Go registry does not run on azure (Debian's build
#                        has no azure driver): the table shows "-" for it.
#            --output FILE  also writes the table to FILE and every round's figures to FILE.tsv
#            --wrap-ours "CMD ARGS"  runs our host under CMD, for diagnosis (e.g. "eatmydata" to see what fsync
#                        costs); RSS figures then belong to CMD's process unless CMD execs the host, as eatmydata does
#
# Every round starts both registries afresh (new ports, empty storage), warms both up the same way, then runs
# each workload against both, alternating which goes first from round to round. Every load is bounded: wrk
# and ab by time and count, every curl and skopeo by a timeout. Nothing here asserts a time; it reports.
# Installs what it uses from Debian when missing (wrk, apache2-utils for ab, skopeo, umoci, docker-registry;
# python3-swiftclient for s3, openssl for azure; the emulators' scripts install Swift and Azurite).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_dir="$repo_root/benchmarks"
go_registry=/usr/bin/docker-registry

rounds=3
load_seconds=10
warm_up_seconds=2
# Enough for our host's compiled code to settle: counted with DOTNET_JitDisasmSummary, a fresh host still compiles
# methods again (tiered compilation) through its first ~150 skopeo pushes and costs about twice the CPU per image meanwhile.
warm_up_images=200
image_count=200
push_mib=256
get_mib=256
chunk_mib=16
chunk_count=16
rss_sizes_mib=(64 256 1024)
request_timeout=300
all_workloads=(push chunked get manifest head skopeo rss)
selected=("${all_workloads[@]}")
build=true
keep=false
output=""
ours_wrapper=()
storage_kind=filesystem

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick)
      rounds=1 load_seconds=3 warm_up_seconds=1 warm_up_images=5 image_count=20 push_mib=64 get_mib=64 chunk_count=4
      rss_sizes_mib=(64 256)
      ;;
    --rounds) rounds="$2"; shift ;;
    --seconds) load_seconds="$2"; shift ;;
    --images) image_count="$2"; shift ;;
    --only) IFS=, read -r -a selected <<<"$2"; shift ;;
    --no-build) build=false ;;
    --keep) keep=true ;;
    --output) output="$2"; shift ;;
    --wrap-ours) read -r -a ours_wrapper <<<"$2"; shift ;;
    --storage) storage_kind="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "benchmarks: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for name in "${selected[@]}"; do
  if [[ " ${all_workloads[*]} " != *" $name "* ]]; then
    echo "benchmarks: unknown workload '$name' (one of: ${all_workloads[*]})" >&2
    exit 2
  fi
done
if [[ " filesystem s3 azure " != *" $storage_kind "* ]]; then
  echo "benchmarks: unknown storage '$storage_kind' (one of: filesystem s3 azure)" >&2
  exit 2
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ && "$load_seconds" =~ ^[1-9][0-9]*$ && "$image_count" =~ ^[1-9][0-9]*$ ]]; then
  echo "benchmarks: --rounds, --seconds and --images take a positive whole number" >&2
  exit 2
fi

source "$bench_dir/lib/registries.sh"
source "$bench_dir/lib/fixtures.sh"
source "$bench_dir/lib/workloads.sh"
source "$bench_dir/lib/report.sh"

say() { echo "benchmarks: $*" >&2; }

selected_has() { [[ " ${selected[*]} " == *" $1 "* ]]; }

# Debian packages, installed only when their command is missing (apt lists refreshed only when needed).
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v ab >/dev/null || missing+=(apache2-utils)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v curl >/dev/null || missing+=(curl)
  [[ "$storage_kind" != s3 ]] || command -v swift >/dev/null || missing+=(python3-swiftclient)
  [[ "$storage_kind" != azure ]] || command -v openssl >/dev/null || missing+=(openssl)
  [[ -x "$go_registry" ]] || missing+=(docker-registry)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }
}

started_pids=()
work_dir=""
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    stop_pid "$pid"
  done
  discard_object_storage ours
  discard_object_storage go
  stop_storage_service
  if [[ -n "$work_dir" ]]; then
    if $keep; then say "kept $work_dir"; else rm -rf "$work_dir"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_tools
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if $build; then
  say "building samples/OciRegistry.Host (Release)"
  dotnet build "$repo_root/samples/OciRegistry.Host" -c Release -nologo -v q >&2
fi
[[ -f "$repo_root/$host_dll_relative" ]] || { say "$host_dll_relative is missing: build it or drop --no-build"; exit 1; }

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/ociregistry-bench.XXXXXX")"
data_dir="$work_dir/data"
results="$work_dir/results.tsv"
mkdir -p "$data_dir" "$work_dir/storage" "$work_dir/logs"
: >"$results"
start_storage_service
[[ -z "$go_unsupported" ]] || say "the Go registry is not run on $storage_kind storage: $go_unsupported"

say "making test data in $work_dir"
selected_has push && make_blob_file "$push_mib"
selected_has get && make_blob_file "$get_mib"
selected_has chunked && make_chunks
if selected_has rss; then
  for size in "${rss_sizes_mib[@]}"; do make_blob_file "$size"; done
fi
make_images >/dev/null

# run_one KEY WHO ROUND: runs workload KEY against registry WHO (ours|go) and records its figures: the speed,
# the registry's CPU per unit of work and (skopeo) the client's as KEY, cpu-KEY and client-cpu-KEY, or for rss
# each size's peak as rss-SIZE.
run_one() {
  local key="$1" who="$2" round="$3" url_var="${2}_url" pid_var="${2}_pid" line pair speed cpu client_cpu
  if ! line="$("workload_$key" "${!url_var}" "${!pid_var}")"; then
    line=fail
  fi
  if [[ "$key" == rss && "$line" != fail ]]; then
    for pair in $line; do
      record "rss-${pair%%=*}" "$who" "$round" "${pair#*=}"
    done
  else
    read -r speed cpu client_cpu <<<"$line"
    record "$key" "$who" "$round" "$speed"
    record "cpu-$key" "$who" "$round" "${cpu:-fail}"
    [[ -z "${client_cpu:-}" ]] || record "client-cpu-$key" "$who" "$round" "$client_cpu"
  fi
  say "round $round  $key  $who  $line"
}

started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
for ((round = 1; round <= rounds; round++)); do
  say "round $round of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  start_registry ours ours
  if [[ -n "$go_unsupported" ]]; then
    order=(ours)
  else
    start_registry go go
    # Alternate who goes first, so drift in the machine's load does not favour one side.
    if ((round % 2 == 1)); then order=(ours go); else order=(go ours); fi
  fi
  for who in "${order[@]}"; do
    url_var="${who}_url"
    warm_up "${!url_var}"
  done
  for key in "${selected[@]}"; do
    for who in "${order[@]}"; do
      run_one "$key" "$who" "$round"
    done
    if [[ "$key" == skopeo ]]; then
      alone="$(skopeo_alone)" || alone=fail
      record skopeo-alone client "$round" "$alone"
      say "round $round  skopeo  alone (into a folder, no registry)  $alone"
    fi
  done
  stop_registry ours
  stop_registry go
done

table="$(print_report)"
echo "$table"
if [[ -n "$output" ]]; then
  echo "$table" >"$output"
  cp "$results" "$output.tsv"
  say "table written to $output, figures of every round to $output.tsv"
fi
