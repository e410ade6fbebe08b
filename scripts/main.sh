#!/usr/bin/env bash
# gpuc's main job on a fresh machine: install what is needed, build everything, compile the samples for
# both targets, and run every sample on the best device present (an NVIDIA GPU through CUDA, else a
# Vulkan GPU, else Vulkan on llvmpipe on the CPU), printing one line per sample.
# Usage: scripts/main.sh [build-dir]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scripts/setup.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build"
gpuc="$build/bin/gpuc"

echo
echo "== gpuc $("$gpuc" --version | awk '{print $2}'): what this build can do"
status=0
probe() {  # probe TARGET: can this build compile a kernel for TARGET?
  local tmp
  tmp=$(mktemp -d)
  printf '%s\n' '__global__ void probe(float* x) { x[threadIdx.x] = 1.0f; }' > "$tmp/probe.gk"
  if "$gpuc" --target="$1" "$tmp/probe.gk" -o "$tmp/out" 2>"$tmp/err"; then
    echo "  target $1: available"
  else
    echo "  target $1: NOT available yet: $(head -n1 "$tmp/err")"
    status=1
  fi
  rm -rf "$tmp"
}
probe cuda
probe vulkan

# The samples' kernels (samples/*/*.gk, plain CUDA C) compiled by the CLI for both targets; the
# sample apps themselves compile them at run time for the device they open.
echo
echo "== sample kernels through the CLI"
kernels_out="$build/sample-kernels"
mkdir -p "$kernels_out"
for target in cuda vulkan; do
  ext=$([[ $target == cuda ]] && echo ptx || echo spv)
  ok=0 failed=()
  for k in samples/*/*.gk; do
    name=$(basename "$k" .gk)
    if "$gpuc" --target="$target" "$k" -o "$kernels_out/$name.$ext" 2>"$kernels_out/$name.$target.err"; then
      ok=$((ok + 1))
    else
      failed+=("$name")
    fi
  done
  if ((${#failed[@]})); then
    echo "  $target: $ok compiled, FAILED: ${failed[*]} (errors in $kernels_out/*.$target.err)"
    status=1
  else
    echo "  $target: all $ok sample kernels compiled -> $kernels_out/*.$ext"
  fi
done

if [[ -x "$build/bin/gpuc-samples" ]]; then
  echo
  "$gpuc" devices || true
  echo
  echo "== samples on the best device present (outputs such as PNGs in $build/sample-output)"
  mkdir -p "$build/sample-output"
  # gpuc-samples prints the device first (and says so when it is llvmpipe, Vulkan on the CPU),
  # then one line per sample; it exits 1 when any sample fails.
  if ! (cd "$build/sample-output" && "../bin/gpuc-samples" --backend=auto); then
    status=1
  fi
else
  echo
  echo "== samples: NOT built (GPUC_BUILD_SAMPLES=OFF?)"
  status=1
fi
exit $status
