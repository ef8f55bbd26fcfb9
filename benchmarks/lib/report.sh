# Recording figures and printing the table. Sourced by benchmarks/run.sh; uses $results (a TSV of
# key, registry, round, figure) and the settings there.

readonly rss_limit_mib=200
# "Flat" memory: the peak pushing the largest blob may exceed the peak pushing the smallest by this much.
readonly rss_growth_limit_mib=32

record() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"
}

# figures KEY WHO: the recorded figures in round order, separated by " / "; "-" when there are none (the Go
# registry not run on this storage).
figures() {
  awk -F'\t' -v k="$1" -v w="$2" '$1 == k && $2 == w { printf "%s%s", sep, $4; sep = " / " } END { print (sep ? "" : "-") }' "$results"
}

# with_unit FIGURE UNIT: "FIGURE UNIT", or "-" alone when there is no figure.
with_unit() {
  if [[ "$1" == - ]]; then echo -; else echo "$1 $2"; fi
}

# middle: the median of the numbers on stdin, one a line; "fail" when one is "fail", "-" when there are none.
middle() {
  sort -g | awk '
    $1 == "fail" { failed = 1 }
    { v[++n] = $1 }
    END {
      if (failed) print "fail"
      else if (n == 0) print "-"
      else if (n % 2) print v[(n + 1) / 2]
      else print (v[n / 2] + v[n / 2 + 1]) / 2
    }'
}

# median KEY WHO: the median of WHO's figures over the rounds.
median() {
  awk -F'\t' -v k="$1" -v w="$2" '$1 == k && $2 == w { print $4 }' "$results" | middle
}

# paired_ratio KEY: the median over the rounds of ours / Go within each round. The two ran one right after the
# other, so the machine's drifting load cancels out better than in the ratio of the two medians.
paired_ratio() {
  awk -F'\t' -v k="$1" '
    $1 == k { v[$2, $3] = $4; rounds[$3] = 1 }
    END {
      for (r in rounds) {
        a = v["ours", r]; b = v["go", r]
        if (a == "fail" || b == "fail") print "fail"
        else if (a != "" && b != "" && b + 0 != 0) printf "%.4f\n", a / b
      }
    }' "$results" | middle
}

is_number() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

# row KEY LABEL UNIT COMPARISON TARGET: one table row. COMPARISON is "min" (ours/go must be at least TARGET),
# "max" (ours/go at most TARGET) or "abs" (our figure itself at most TARGET).
row() {
  local key="$1" label="$2" unit="$3" comparison="$4" target="$5"
  local ours go ratio met="-" target_text="-"
  ours="$(median "$key" ours)"
  go="$(median "$key" go)"
  [[ "$ours" == - && "$go" == - ]] && return 0
  ratio="$(paired_ratio "$key")"
  if [[ -n "$target" ]]; then
    case "$comparison" in
      min) target_text="≥ ${target}×" ;;
      max) target_text="≤ ${target}×" ;;
      abs) target_text="≤ $target $unit" ;;
    esac
    if [[ "$comparison" == abs ]] && is_number "$ours"; then
      met="$(awk -v a="$ours" -v t="$target" 'BEGIN { print (a <= t) ? "yes" : "NO" }')"
    elif is_number "$ratio"; then
      met="$(awk -v r="$ratio" -v t="$target" -v c="$comparison" \
        'BEGIN { print ((c == "min" && r >= t) || (c == "max" && r <= t)) ? "yes" : "NO" }')"
    fi
  fi
  is_number "$ratio" && ratio="$(awk -v r="$ratio" 'BEGIN { printf "%.2f×", r }')"
  printf '| %s | %s | %s | %s | %s | %s | %s · %s |\n' "$label" "$(with_unit "$ours" "$unit")" "$(with_unit "$go" "$unit")" \
    "$ratio" "$target_text" "$met" "$(figures "$key" ours)" "$(figures "$key" go)"
}

# rss_growth_row: how much more the peak was pushing the largest blob than pushing the smallest.
rss_growth_row() {
  local small="${rss_sizes_mib[0]}" large="${rss_sizes_mib[-1]}" ours_small ours_large go_small go_large
  ours_small="$(median "rss-$small" ours)" ours_large="$(median "rss-$large" ours)"
  go_small="$(median "rss-$small" go)" go_large="$(median "rss-$large" go)"
  is_number "$ours_small" && is_number "$ours_large" || return 0
  local ours_growth go_growth="-" met
  ours_growth="$(awk -v a="$ours_large" -v b="$ours_small" 'BEGIN { printf "%.1f", a - b }')"
  if is_number "$go_small" && is_number "$go_large"; then
    go_growth="$(awk -v a="$go_large" -v b="$go_small" 'BEGIN { printf "%.1f", a - b }') MiB"
  fi
  met="$(awk -v g="$ours_growth" -v t="$rss_growth_limit_mib" 'BEGIN { print (g <= t) ? "yes" : "NO" }')"
  printf '| peak RSS growth, %s MiB → %s MiB blob (medians) | %s MiB | %s | - | ≤ %s MiB (flat) | %s | |\n' \
    "$small" "$large" "$ours_growth" "$go_growth" "$rss_growth_limit_mib" "$met"
}

# skopeo_alone_line: the client's floor under the skopeo row (skopeo copying the same images into a folder),
# and that floor as a share of the Go registry's time: no registry can bring the ratio below it.
skopeo_alone_line() {
  local alone go share="-"
  alone="$(median skopeo-alone client)"
  is_number "$alone" || return 0
  go="$(median skopeo go)"
  if is_number "$go"; then
    share="$(awk -v a="$alone" -v g="$go" 'BEGIN { printf "%.2f×", a / g }')"
  fi
  echo
  echo "skopeo alone, copying the same $image_count images into a local folder (no registry): $alone s median" \
    "($(figures skopeo-alone client)), $share the Go registry's time."
}

# go_description: the Go registry's version, or why it did not run.
go_description() {
  if [[ -n "$go_unsupported" ]]; then
    echo "the Go registry, not run on $storage_kind ($go_unsupported)"
  else
    "$go_registry" --version 2>/dev/null | awk '{ print $2, $3 }'
  fi
}

print_report() {
  local cpu
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo
  echo "OciRegistry $(git -C "$repo_root" describe --always --dirty 2>/dev/null || echo '?') vs $(go_description)," \
    "$started_at, $(nproc) cores ($cpu), $(uname -r), $rounds round(s), load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Storage: $(storage_description)."
  echo
  echo "| workload | OciRegistry (median) | Go registry (median) | ratio (median of rounds) | target | met | rounds: ours · Go |"
  echo "|---|---|---|---|---|---|---|"
  row push "$push_mib MiB monolithic push (POST + streamed PUT)" MiB/s min 2.0
  row chunked "$chunk_mib MiB × $chunk_count chunked upload (PATCH + Content-Range)" MiB/s min 2.0
  row get "$get_mib MiB blob GET" MiB/s min 1.0
  row manifest "small manifest GET by tag, 32 connections (wrk)" req/s min 10
  row head "blob HEAD, 32 connections (ab -i -k)" req/s min 10
  row skopeo "push of $image_count small images with skopeo (wall time)" s max 0.5
  row rss-rest "RSS at rest before the RSS pushes (VmHWM over 1 s, after the workloads run before them)" MiB "" ""
  local size target
  for size in "${rss_sizes_mib[@]}"; do
    target=""
    [[ "$size" == "${rss_sizes_mib[-1]}" ]] && target="$rss_limit_mib"
    row "rss-$size" "peak RSS pushing a $size MiB blob (VmHWM)" MiB abs "$target"
  done
  rss_growth_row
  skopeo_alone_line
  echo
  echo "Registry CPU time (user + system, /proc/PID/stat) over the timed part of each workload, per unit of work;"
  echo "less disturbed by the machine's other load than the speeds above. Lower is better."
  echo
  echo "| workload | OciRegistry (median) | Go registry (median) | ratio (median of rounds) | | | rounds: ours · Go |"
  echo "|---|---|---|---|---|---|---|"
  row cpu-push "$push_mib MiB monolithic push" s/GiB "" ""
  row cpu-chunked "$chunk_mib MiB × $chunk_count chunked upload" s/GiB "" ""
  row cpu-get "$get_mib MiB blob GET" s/GiB "" ""
  row cpu-manifest "small manifest GET by tag" µs/request "" ""
  row cpu-head "blob HEAD" µs/request "" ""
  row cpu-skopeo "skopeo push of a small image" ms/image "" ""
  row client-cpu-skopeo "skopeo's own CPU per image pushed (the client)" ms/image "" ""
}
