#!/usr/bin/env bash
# Brings each package's PublicAPI.Unshipped.txt up to date with its code, for the PublicApiAnalyzers:
#   1. drops the lines of members that are gone or no longer public (RS0017 names the line);
#   2. adds a line for every public member that has none (RS0016), with the analyzers' own code fix through
#      `dotnet format`.
# Review the diff: it is the change consumers of the packages will see. Lines in PublicAPI.Shipped.txt (released
# API) are never touched: removing one is a breaking change, done by hand (see the README's NuGet packages).
#
# Usage: eng/public-api.sh [PROJECT...]     (default: every src/*/*.csproj)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

projects=("$@")
if [[ ${#projects[@]} -eq 0 ]]; then
  projects=(src/*/*.csproj)
fi

for project in "${projects[@]}"; do
  directory="$(cd "$(dirname "$project")" && pwd)"
  echo "eng/public-api.sh: $project"

  diagnostics="$(dotnet build "$project" -c Release --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)"
  stale_lines="$(grep -F "$directory/PublicAPI.Unshipped.txt(" <<<"$diagnostics" | grep -F "RS0017" |
    sed -E 's/.*PublicAPI\.Unshipped\.txt\(([0-9]+),.*/\1/' | sort -rnu || true)"
  for line in $stale_lines; do
    sed -i "${line}d" "$directory/PublicAPI.Unshipped.txt"
  done
  if grep -F "$directory/PublicAPI.Shipped.txt(" <<<"$diagnostics" | grep -qF "RS0017"; then
    echo "eng/public-api.sh: $project removes shipped API (RS0017 in PublicAPI.Shipped.txt): a breaking change, edit by hand" >&2
  fi

  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn --verbosity quiet
done
