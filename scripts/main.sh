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

if [[ -x "$build/bin/gpuc-samples" ]]; then
  echo
  "$gpuc" devices || true
  echo
  echo "== samples"
  "$build/bin/gpuc-samples" --backend=auto
else
  echo
  echo "== samples: NOT built yet (samples/ and the runtime are still being written; see docs/status.md)"
  status=1
fi
exit $status
