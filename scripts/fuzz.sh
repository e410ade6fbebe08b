#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, build-fuzz/) and runs one or all of them.
# Usage: scripts/fuzz.sh [frontend|gir|pipeline|bundle|all] [SECONDS per target, default 60]
# New inputs go to build-fuzz/corpus/<target>/ (the checked-in seeds in fuzz/corpus/<target>/ are
# read, never written); crashes to build-fuzz/artifacts/<target>/. docs/safety.md explains the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
seconds=${2:-60}
build=${GPUC_FUZZ_BUILD:-build-fuzz}
cxx=${CXX_FUZZ:-clang++-14}
cc=${CC_FUZZ:-clang-14}
targets=(frontend gir pipeline bundle)
if [[ "$which" != all ]]; then targets=("$which"); fi

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_C_COMPILER="$cc" -DGPUC_FUZZ=ON -DGPUC_BUILD_TESTS=OFF -DGPUC_BUILD_SAMPLES=OFF >/dev/null
ninja -C "$build" -j"${GPUC_FUZZ_JOBS:-2}" "${targets[@]/%/_fuzzer}"

# Inputs larger than this add little coverage and slow every run down.
declare -A max_len=([frontend]=8192 [gir]=8192 [pipeline]=4096 [bundle]=16384)
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "== $t: $seconds s"
  # One fuzzing process per target (no -jobs/-workers: the machine is shared), leaks checked.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/fuzz/${t}_fuzzer" "$build/corpus/$t" "fuzz/corpus/$t" \
      -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
      2>&1 | tee "$build/fuzz-$t.log" | grep -E "stat::|ERROR|SUMMARY|crash-|timeout-|leak-|oom-|Done" || true
  if ls "$build/artifacts/$t"/* >/dev/null 2>&1; then
    echo "!! $t: crashing inputs in $build/artifacts/$t/"
    status=1
  fi
done
exit $status
