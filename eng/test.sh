#!/usr/bin/env bash
# The test command: builds the solution in Release and runs every test project, then prints one line
#   N passed, N failed, N skipped
# summed over all test assemblies. Exits non-zero when the build fails or any test fails.
#
# Usage:
#   eng/test.sh                          everything, including the real-client integration tests
#   eng/test.sh --fast                   leaves out the real-client tests (--filter "TestCategory!=RealClient")
#                                        and does not install their tools
#   eng/test.sh --filter "Name~Skopeo"   any other arguments go to `dotnet test` unchanged (with --fast, a
#                                        --filter is combined with the category filter)
#
# On a fresh Debian 12 machine (as root, or with sudo) it installs the clients the integration tests start,
# skopeo, umoci and docker-registry (the Go registry), when one is missing; the dotnet SDK must be there already.
# Without --fast it also starts the services below (eng/services/*.sh; dockerd's brings docker.io, podman, buildah).
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fast=false
filter=""
dotnet_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fast) fast=true ;;
    --filter) filter="${2:-}"; shift ;;
    --filter=*) filter="${1#--filter=}" ;;
    *) dotnet_args+=("$1") ;;
  esac
  shift
done
if $fast; then
  filter="${filter:+($filter)&}TestCategory!=RealClient"
fi
if [[ -n "$filter" ]]; then
  dotnet_args+=(--filter "$filter")
fi

install_missing_tools() {
  local missing=()
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  command -v umoci >/dev/null 2>&1 || missing+=(umoci)
  [[ -x /usr/bin/docker-registry ]] || missing+=(docker-registry)
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi

  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "eng/test.sh: ${missing[*]} missing and not root: install them or run with --fast" >&2
      return 1
    fi
    sudo=(sudo -n)
  fi
  echo "eng/test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q &&
    "${sudo[@]}" apt-get install -y -q --no-install-recommends skopeo umoci docker-registry
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "eng/test.sh: the dotnet SDK (see global.json) is not on PATH" >&2
  echo "0 passed, 0 failed"
  exit 1
fi

if ! $fast && ! install_missing_tools; then
  echo "eng/test.sh: could not install the integration test tools" >&2
  echo "0 passed, 0 failed"
  exit 1
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results_dir="$(mktemp -d "${TMPDIR:-/tmp}/ociregistry-test-results.XXXXXX")"
trap 'rm -rf "$results_dir"; stop_services' EXIT

# Services the tests need, from eng/services/NAME.sh: started here with their environment exported to the tests,
# and stopped on exit. One that fails to start does not end the run: the tests that need it fail, saying why.
started_services=()
start_service() {
  "eng/services/$1.sh" start && started_services+=("$1") && eval "$("eng/services/$1.sh" env)"
}
stop_services() {
  local service
  for service in "${started_services[@]}"; do
    "eng/services/$service.sh" stop >&2 || true
  done
  started_services=()
}
if ! $fast; then
  # dockerd for the docker tests; its install step also brings podman and buildah.
  start_service dockerd || echo "eng/test.sh: dockerd did not start; the docker tests will fail" >&2
fi
# Storage servers of the S3 and Azure drivers, also with --fast: the driver and API suites run on them.
start_service azurite || echo "eng/test.sh: Azurite did not start; the Azure tests will fail" >&2
start_service s3-swift || echo "eng/test.sh: Swift (S3) did not start; the S3 tests will fail" >&2

# One TRX file per test assembly (the logger names them apart); their counters are summed below.
dotnet test OciRegistry.slnx -c Release --logger trx --results-directory "$results_dir" "${dotnet_args[@]}" </dev/null
dotnet_exit=$?

passed=0
failed=0
skipped=0
assemblies=0
shopt -s nullglob
for trx in "$results_dir"/*.trx "$results_dir"/*/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  [[ -n "$counters" ]] || continue
  read -r p f s < <(awk '
    {
      for (i = 1; i <= NF; i++) {
        if (split($i, kv, "=") == 2) { gsub(/[^0-9]/, "", kv[2]); c[kv[1]] = kv[2] + 0 }
      }
      bad = c["failed"] + c["error"] + c["timeout"] + c["aborted"]
      print c["passed"], bad, c["total"] - c["passed"] - bad
    }' <<<"$counters")
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  assemblies=$((assemblies + 1))
  # The integration tests report the host's peak memory; worth seeing without opening the TRX.
  grep -o '[A-Za-z.-]* peak RSS[^&<]*' "$trx" | sed 's/^/  /'
done

# Stop the servers now, so the summary below is the very last line printed (CI reads the closing line).
stop_services
echo
if [[ $dotnet_exit -ne 0 ]]; then
  echo "eng/test.sh: dotnet test exited with code $dotnet_exit (results from $assemblies test assemblies)"
fi
if [[ $skipped -gt 0 ]]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi

if [[ $dotnet_exit -ne 0 || $failed -gt 0 ]]; then
  exit 1
fi
exit 0
