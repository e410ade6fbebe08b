#!/usr/bin/env bash
# Builds the library, tools and the whole test suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DGPUC_SANITIZE=ON, build-asan/) and runs ctest. Any sanitizer report fails the test that hit it.
# Usage: scripts/asan.sh [build-dir] [extra ctest args...]     (default: build-asan)
# Leak suppressions (scripts/lsan.supp) cover third-party drivers only (llvmpipe, LLVM, libNVVM).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
shift || true
start=$(date +%s)
# -O1: sanitized code at -O2 takes much longer to build on a 2-core machine; -O1 keeps stacks exact.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPUC_SANITIZE=ON \
  -DGPUC_BUILD_SAMPLES=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build "$build" -j"${GPUC_ASAN_JOBS:-$(nproc)}"
built=$(date +%s)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
# The install test builds a consumer against the sanitized static libraries without -fsanitize,
# which cannot link: it is left out here (the normal suite runs it).
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -E install.consumer "$@"
done=$(date +%s)
echo "asan.sh: build $((built - start)) s, ctest $((done - built)) s"
