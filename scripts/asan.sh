#!/usr/bin/env bash
# Builds the library, tools, samples, benchmarks and the whole test suite with AddressSanitizer +
# UndefinedBehaviorSanitizer (-DGPUC_SANITIZE=ON, build-asan/) and runs every ctest test (runtime,
# conformance and samples on llvmpipe included). Any sanitizer report fails the test that hit it;
# the script ends with the test counts, the number of sanitizer reports (each also written to
# <build>/sanitizer-reports/) and the build and test durations. Exit status 0: every test passed
# and there was no report.
# Usage: scripts/asan.sh [build-dir] [extra ctest args...]     (default: build-asan)
# Leak suppressions (scripts/lsan.supp) cover third-party drivers only (llvmpipe, LLVM, libNVVM).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
shift || true
jobs=${GPUC_ASAN_JOBS:-$(nproc)}
start=$(date +%s)
# -O1: sanitized code at -O2 takes much longer to build on a 2-core machine; -O1 keeps stacks exact.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPUC_SANITIZE=ON \
  -DGPUC_BUILD_SAMPLES=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build "$build" -j"$jobs"
built=$(date +%s)
# intercept_tls_get_addr=0: gcc 12's sanitizer runtime (and LLVM's before 17) can take a dynamic TLS
# block of a dlopen'ed library for a pre-2.25 glibc one (when its address % 4096 happens to be 16)
# and read a bogus range from before it; LeakSanitizer's tracer then dies with SIGSEGV at exit
# ("LeakSanitizer has encountered a fatal error"; google/sanitizers#1322). libNVVM's threads hit
# it intermittently. With the interceptor off, LSan does not scan dlopen'ed libraries' dynamic TLS
# (libNVVM, the Vulkan drivers); gpuc is linked statically, so its own thread-locals are scanned.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:intercept_tls_get_addr=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
# Every report goes to a file of its own (log_path.PID) as well as failing its process: a test that
# passes on a regular expression over its output (ignoring the exit status) cannot hide one.
reports_dir=$(cd "$build" && pwd)/sanitizer-reports
rm -rf "$reports_dir" && mkdir -p "$reports_dir"
export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$reports_dir/asan"
export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$reports_dir/ubsan"
# The install test builds a consumer against the sanitized static libraries without -fsanitize,
# which cannot link: it is left out here (the normal suite runs it).
log=$build/asan-ctest.log
status=0
ctest --test-dir "$build" --output-on-failure -j"$jobs" -E install.consumer "$@" 2>&1 |
  tee "$log" || status=$?
done=$(date +%s)
# A file there may hold only LSan's "Suppressions used" table (a test that sets its own LSAN_OPTIONS
# without print_suppressions=0): reports are the files with an error line.
pattern='ERROR: [A-Za-z]+Sanitizer|runtime error:|LeakSanitizer has encountered'
mapfile -t files < <(grep -l -E "$pattern" -r "$reports_dir" || true)
reports=${#files[@]}
for f in "${files[@]:0:20}"; do
  echo "== $f"
  grep -m3 -E "$pattern|SUMMARY" "$f"
done
echo "asan.sh: $(grep -E 'tests passed|tests failed' "$log" | tail -n1)"
echo "asan.sh: sanitizer reports: $reports (in $reports_dir)"
echo "asan.sh: build $((built - start)) s, ctest $((done - built)) s (-j$jobs)"
[[ $reports -eq 0 ]] || status=1
exit "$status"
