#!/usr/bin/env bash
# Runs on the GPU machine (see docs/status.md, "Running on the H100"): the whole test suite with
# the GPU present (CUDA and Vulkan tests no longer skip), the conformance suite on both backends, the
# samples on CUDA and on Vulkan, and the benchmarks when built. Full logs go to $OUT (or ./gpu-check-out);
# a short table is printed last.
#
# Usage (from the repo root, with a build made on the build machine and carried along):
#   scripts/gpu-check.sh [build-dir]      (default: build-gpu-carry, made by scripts/pack-gpu-build.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu-carry}
out=${OUT:-$PWD/gpu-check-out}
mkdir -p "$out"
# The device tool returns at most 8 files: detailed logs go into logs/ and come back as one archive.
logs=$out/logs
mkdir -p "$logs"

# The Vulkan loader, carried as a .deb in .gl/ (the GPU machine has the NVIDIA ICD but no loader).
if compgen -G ".gl/*.deb" >/dev/null; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# CTest files and binaries hold the build machine's absolute paths (source and build directories):
# make them resolve here. A carried build (scripts/pack-gpu-build.sh) names its original directory.
orig_build=$(cat "$build/ORIGINAL_BUILD_DIR" 2>/dev/null || true)
src_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null)
if [[ -n "$src_dir" && "$src_dir" != "$PWD" && ! -e "$src_dir" ]]; then
  mkdir -p "$(dirname "$src_dir")"
  ln -s "$PWD" "$src_dir"
fi
if [[ -n "$orig_build" && ! -e "$orig_build" ]]; then
  ln -s "$PWD/$build" "$orig_build"
fi
if [[ -n "$orig_build" ]]; then build="$orig_build"; fi

# The NVIDIA Vulkan ICD is installed outside the loader's default search path there.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
           /usr/share/vulkan/icd.d/nvidia_icd.json; do
  if [[ -f "$icd" ]]; then export VK_DRIVER_FILES="$icd"; break; fi
done
# Shared libraries the build machine has and the GPU machine lacks (e.g. libstb), carried in lib/.
libdir=$build/lib
[[ $libdir == /* ]] || libdir=$PWD/$libdir
if [[ -d "$libdir" ]]; then export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi

declare -a rows
row() { rows+=("$(printf '%-40s %s' "$1" "$2")"); }
# GPUC_CHECK_STEPS: which steps to run (default all: tests samples sanitizer bench), so that one
# step can be rerun alone within the device tool's 10 minutes a command.
steps=" ${GPUC_CHECK_STEPS:-tests samples sanitizer bench} "
step() { [[ $steps == *" $1 "* ]]; }

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$logs/gpu.txt" 2>&1
row "GPU" "$(head -n1 "$logs/gpu.txt")"
"$build/bin/gpuc" devices >"$logs/devices.txt" 2>&1
row "gpuc devices" "$(grep -c -E '^[* ] (cuda|vulkan):[0-9]' "$logs/devices.txt") devices: $(grep -o -E '(cuda|vulkan):[0-9]+' "$logs/devices.txt" | sort -u | tr '\n' ' ')"

# 1. The whole test suite, GPU tests included, except the tests that need tools only the build
#    machine has (FileCheck for golden files, spirv-val, cmake for the install and doc-example builds); those
#    run in CI.
mkdir -p "$build/sample-output"
if step tests; then
  t0=$(date +%s)
  # On the GPU machine a missing CUDA or Vulkan device is a failure, not a skip.
  GPUC_TEST_REQUIRE_CUDA=1 GPUC_TEST_REQUIRE_VULKAN=1 GPUC_REPORT_DIR="$out" \
    ctest --test-dir "$build" -j8 --output-on-failure -E 'golden|Golden|install\.|api_doc_example|spirv_cli_binary' \
    >"$out/ctest.log" 2>&1
  row "ctest (all)" "$(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -n1), $(($(date +%s) - t0)) s"
  skipped=$(grep -c -i 'skipped' "$out/ctest.log")
  row "ctest skipped lines" "$skipped"
fi

# 2. Samples on each backend.
for backend in cuda vulkan; do
  step samples || break
  pass=0 fail=0
  : >"$logs/samples-$backend.log"
  for s in "$build"/bin/sample-*; do
    [[ -x "$s" ]] || continue
    if "$s" --backend="$backend" >>"$logs/samples-$backend.log" 2>&1; then pass=$((pass + 1)); else
      fail=$((fail + 1)); echo "FAILED: $s" >>"$logs/samples-$backend.log"; fi
  done
  row "samples on $backend" "$pass passed, $fail failed"
done

# 3. compute-sanitizer (memcheck with leak checking, synccheck, racecheck: the slowest last) on the
#    CUDA backend over the conformance suite (every corpus case, CUDA only, the small problem sizes:
#    the tools slow kernels down by orders of magnitude) and the samples (size 256). One log per
#    run under logs/sanitizer/. Each run has a time limit (GPUC_SANITIZER_TIMEOUT, default 120 s
#    for a conformance run; 60 s for a sample) and the whole step a budget (GPUC_SANITIZER_BUDGET,
#    default 480 s) that no limit may overrun: runs left when it is spent are reported as not run.
#    A failing or slow run never stops the others.
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
san_timeout=${GPUC_SANITIZER_TIMEOUT:-120}
san_deadline=$(($(date +%s) + ${GPUC_SANITIZER_BUDGET:-480}))
# sanitize LOG TIMEOUT TOOL CMD...: runs CMD under the tool; sets san_status (ok, errors, timeout,
# "exit N": the program failed) and san_errors / san_warnings (from the tool's summary lines;
# "?" when the tool printed none: it did not finish).
sanitize() {
  local log=$1 limit=$2 tool=$3 rc left
  shift 3
  left=$((san_deadline - $(date +%s)))
  if ((left < 5)); then
    san_status="not run (budget spent)" san_errors="?" san_warnings=0
    echo "not run: GPUC_SANITIZER_BUDGET spent" >"$log"
    return
  fi
  ((limit > left)) && limit=$left
  local flags=(--tool "$tool" --error-exitcode 3 --print-limit 100)
  [[ $tool == memcheck ]] && flags+=(--leak-check full)
  timeout -k 10 "$limit" "$sanitizer" "${flags[@]}" "$@" >"$log" 2>&1
  rc=$?
  case $rc in
    0) san_status=ok ;; 3) san_status=errors ;; 124 | 137) san_status="timeout ${limit}s" ;;
    *) san_status="exit $rc" ;;
  esac
  # "ERROR SUMMARY: N errors" (every tool); racecheck also "RACECHECK SUMMARY: N hazards displayed
  # (E errors, W warnings)".
  if grep -q 'ERROR SUMMARY:' "$log"; then
    san_errors=$(grep -oE 'ERROR SUMMARY: [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
  elif grep -q 'RACECHECK SUMMARY:' "$log"; then
    san_errors=$(grep -oE '\([0-9]+ errors?' "$log" | tr -d '(' | awk '{s += $1} END {print s + 0}')
  else
    san_errors="?"
  fi
  san_warnings=$(grep -oE '[0-9]+ warnings?\)' "$log" | awk '{s += $1} END {print s + 0}')
}
if ! step sanitizer; then
  :
elif [[ -x "$sanitizer" ]]; then
  mkdir -p "$logs/sanitizer"
  "$sanitizer" --version >"$logs/sanitizer/version.txt" 2>&1
  conformance=$build/tests/conformance/conformance_tests
  for tool in memcheck synccheck racecheck; do
    # The conformance suite, CUDA only.
    if [[ -x "$conformance" ]]; then
      t0=$(date +%s)
      mkdir -p "$logs/sanitizer/conformance-$tool"
      log=$logs/sanitizer/$tool-conformance.log
      GPUC_CONFORMANCE_BACKENDS=cuda GPUC_CONFORMANCE_SMALL=1 \
        GPUC_REPORT_DIR="$logs/sanitizer/conformance-$tool" \
        sanitize "$log" "$san_timeout" "$tool" "$conformance" --gtest_filter='Corpus/*'
      cases=$(grep -c '^\[ RUN      \] Corpus/' "$log")
      passed=$(grep -c '^\[       OK \] Corpus/' "$log")
      row "compute-sanitizer $tool conformance" \
        "$san_errors errors, $san_warnings warnings; $passed of $cases cases passed; $san_status, $(($(date +%s) - t0)) s"
    else
      row "compute-sanitizer $tool conformance" "not run: no $conformance"
    fi
    # Samples.
    t0=$(date +%s) runs=0 errors=0 warnings=0 bad=""
    for s in "$build"/bin/sample-*; do
      [[ -x "$s" ]] || continue
      runs=$((runs + 1))
      name=$(basename "$s")
      size_arg=$("$s" --help 2>/dev/null | grep -q -- '--size=' && echo --size=256)
      sanitize "$logs/sanitizer/$tool-$name.log" 60 "$tool" "$s" --backend=cuda --runs=1 $size_arg
      [[ $san_errors == "?" ]] || errors=$((errors + san_errors))
      warnings=$((warnings + san_warnings))
      [[ $san_status == ok ]] || bad+=" ${name#sample-}($san_status, $san_errors errors)"
    done
    row "compute-sanitizer $tool samples" \
      "$runs runs: $errors errors, $warnings warnings, $(($(date +%s) - t0)) s${bad:+; not clean:$bad}"
  done
else
  row "compute-sanitizer" "not run: $sanitizer not found"
fi

# 4. Benchmarks, when built.
if step bench && [[ -x "$build/bin/gpuc-bench" ]]; then
  "$build/bin/gpuc-bench" --gpu --out "$out" >"$logs/bench.log" 2>&1
  row "benchmarks" "exit $? (bench.log, results in \$OUT)"
fi
# The cost of --bounds-check (docs/safety.md "Bounds checking"): checked vs unchecked, interleaved.
cost=$build/tests/runtime/gpuc_bounds_check_cost
if step bench && [[ -x "$cost" ]]; then
  for backend in cuda vulkan; do
    timeout 180 "$cost" bench/kernels 20 "$backend" >"$logs/bounds-cost-$backend.txt" 2>&1
    row "bounds-check cost ($backend)" "exit $?: $(grep -o 'ratio(med) [0-9.]*' "$logs/bounds-cost-$backend.txt" |
      awk '{print $2}' | paste -sd' ' -) (checked/unchecked medians: saxpy stencil_5pt sgemm_tiled; logs/bounds-cost-$backend.txt)"
  done
fi

echo
echo "== gpu-check summary ($(date -u +%FT%TZ))"
printf '%s\n' "${rows[@]}" | tee "$out/summary.txt"
tar czf "$out/logs.tar.gz" -C "$logs" . && rm -rf "$logs"
[[ -f "$out/ctest.log" ]] &&
  grep -E '^[0-9]+% tests passed|The following tests FAILED' -A40 "$out/ctest.log" | tail -n 40
