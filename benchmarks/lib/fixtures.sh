# Test data, made once per run in $data_dir: random blob files, the chunks of the chunked upload, and the
# small images for skopeo (built offline with umoci). Sourced by benchmarks/run.sh.

# make_blob_file MIB: $data_dir/blob-<MIB>M of random bytes, unless it exists.
make_blob_file() {
  local file="$data_dir/blob-${1}M"
  [[ -f "$file" ]] || head -c "$(($1 * 1048576))" /dev/urandom >"$file"
}

# make_chunks: $chunk_count files of $chunk_mib MiB in $data_dir/chunks (chunk.00, chunk.01, ...).
make_chunks() {
  local dir="$data_dir/chunks"
  [[ -d "$dir" ]] && return 0
  mkdir -p "$dir"
  head -c "$((chunk_mib * chunk_count * 1048576))" /dev/urandom |
    split -b "$((chunk_mib * 1048576))" -d -a 2 - "$dir/chunk."
}

# make_images: an OCI layout $data_dir/images with the images warm-000 ... ($warm_up_images of them) and, when
# skopeo is measured, img-000 ... ($image_count): each image has one layer holding 8 KiB of its own random
# bytes, so no two images share a layer or a config.
make_images() {
  umoci init --layout "$data_dir/images" 2>>"$work_dir/logs/umoci.log"
  umoci new --image "$data_dir/images:base" 2>>"$work_dir/logs/umoci.log"
  add_images warm "$warm_up_images"
  if selected_has skopeo; then
    add_images img "$image_count"
  fi
}

# add_images KIND COUNT: tags KIND-000 ... in the layout of make_images, each the base image plus one layer.
add_images() {
  local payload="$data_dir/payload" i tag
  for ((i = 0; i < $2; i++)); do
    printf -v tag '%s-%03d' "$1" "$i"
    head -c 8192 /dev/urandom >"$payload"
    umoci insert --image "$data_dir/images:base" --tag "$tag" "$payload" "/data/$tag" 2>>"$work_dir/logs/umoci.log"
  done
}
