#!/usr/bin/env bash
# What the Vulkan driver's compiler makes of gpuc's SPIR-V vs glslc -O's for the same bench kernel:
# gpuc-vkstats (bench/src/vkstats.cpp) on both, statistics side by side (bench/NOTES.md "Method").
#
# Usage (from anywhere; paths are relative to the repo root):
#   scripts/vkstats-compare.sh [BUILD] [KERNEL...]             compile here and run here
#   scripts/vkstats-compare.sh [BUILD] --prepare DIR [KERNEL...]  build machine: write DIR/K.gpuc.spv
#                                                                 and DIR/K.glslc.spv (needs glslc)
#   scripts/vkstats-compare.sh [BUILD] --run DIR [KERNEL...]      GPU machine: run on DIR's SPIR-V
# BUILD: a build directory with bin/gpuc and bin/gpuc-vkstats (default build-bench). KERNEL: the
# names of bench/kernels/*.gk (default stencil_5pt prefix_scan; with --run, every DIR/K.gpuc.spv).
# --run writes gpuc-vkstats' full output and the drivers' representations to DIR/stats/.
# Environment: VKSTATS_ARGS, extra gpuc-vkstats options (e.g. --device=H100 or --lines=200).
# Exit status: 0 ok, 1 error, 2 the device lacks VK_KHR_pipeline_executable_properties.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

build="build-bench"
mode=local
dir=""
kernels=()
if [[ $# -gt 0 && -d $1 && $1 != --* ]]; then
  build=$1
  shift
fi
while [[ $# -gt 0 ]]; do
  case $1 in
    --prepare | --run)
      mode=${1#--}
      dir=${2:?"$1 needs a directory"}
      shift 2
      ;;
    --build=*) build=${1#--build=}; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "vkstats-compare: unknown option $1" >&2; exit 1 ;;
    *) kernels+=("$1"); shift ;;
  esac
done

# The block each kernel is launched with in gpuc-bench (bench/src/kernel_speed.cpp), passed as
# specialization constants 0,1,2: the driver compiles for that workgroup size.
block_of() {
  case $1 in
    stencil_5pt | transpose_tiled) echo 32,8,1 ;;
    sgemm_tiled) echo 16,16,1 ;;
    softmax_row | nbody_step | black_scholes) echo 128,1,1 ;;
    *) echo 256,1,1 ;;
  esac
}

# prepare DIR K...: DIR/K.gpuc.spv (this build's gpuc, -O2) and DIR/K.glslc.spv (glslc -O).
prepare() {
  local out=$1
  shift
  mkdir -p "$out" || return 1
  local gpuc=$build/bin/gpuc glslc
  glslc=$(command -v glslc || true)
  [[ -x $gpuc ]] || { echo "vkstats-compare: no $gpuc (build it first)" >&2; return 1; }
  [[ -n $glslc ]] || echo "vkstats-compare: no glslc here: gpuc's SPIR-V only" >&2
  local k
  for k in "$@"; do
    [[ -f bench/kernels/$k.gk ]] || { echo "vkstats-compare: no bench/kernels/$k.gk" >&2; return 1; }
    "$gpuc" --target=vulkan -O2 "bench/kernels/$k.gk" -o "$out/$k.gpuc.spv" || return 1
    if [[ -n $glslc && -f bench/glsl/$k.comp ]]; then
      "$glslc" -O --target-env=vulkan1.2 "bench/glsl/$k.comp" -o "$out/$k.glslc.spv" || return 1
    fi
    echo "prepared $out/$k.gpuc.spv${glslc:+ $out/$k.glslc.spv}"
  done
}

# side_by_side GPUC_TSV GLSLC_TSV: one row per (executable, statistic) in gpuc's order, then
# those only glslc's pipeline has; '*' marks a difference.
side_by_side() {
  awk -F'\t' '
    FILENAME == ARGV[1] { key = $1 "\t" $2; a[key] = $3; if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
    FILENAME == ARGV[2] { key = $1 "\t" $2; b[key] = $3; if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
    END {
      printf "  %-4s %-36s %14s %14s\n", "exe", "statistic", "gpuc", "glslc"
      for (i = 0; i < n; i++) {
        split(order[i], p, "\t")
        x = (order[i] in a) ? a[order[i]] : "-"
        y = (order[i] in b) ? b[order[i]] : "-"
        printf "  %-4s %-36s %14s %14s%s\n", p[1], p[2], x, y, (x == y ? "" : "   *")
      }
    }' "$1" "${2:-/dev/null}"
}

# run_dir DIR K...: gpuc-vkstats on each pair, logs and representations in DIR/stats.
run_dir() {
  local in=$1
  shift
  local tool=$build/bin/gpuc-vkstats stats=$in/stats
  [[ -x $tool ]] || { echo "vkstats-compare: no $tool (ninja -C $build gpuc-vkstats)" >&2; return 1; }
  mkdir -p "$stats" || return 1
  local k rc=0 status
  for k in "$@"; do
    local block specs=()
    block=$(block_of "$k")
    [[ -f $in/$k.gpuc.spv ]] || { echo "vkstats-compare: no $in/$k.gpuc.spv" >&2; rc=1; continue; }
    specs+=("$in/$k.gpuc.spv:$k:$block")
    [[ -f $in/$k.glslc.spv ]] && specs+=("$in/$k.glslc.spv:main:$block")
    # shellcheck disable=SC2086  # VKSTATS_ARGS is a list of options
    "$tool" ${VKSTATS_ARGS:-} --out="$stats" "${specs[@]}" >"$stats/$k.log" 2>&1
    status=$?
    if [[ $status -ne 0 ]]; then
      cat "$stats/$k.log" >&2
      echo "vkstats-compare: gpuc-vkstats failed on $k (exit $status)" >&2
      [[ $status -eq 2 ]] && return 2
      rc=1
      continue
    fi
    echo "=== $k (block $block): $(sed -n 's/^device: //p' "$stats/$k.log" | head -1)"
    local g=$stats/$k.glslc.stats.tsv
    [[ -f $in/$k.glslc.spv ]] || g=""
    side_by_side "$stats/$k.gpuc.stats.tsv" "$g"
    echo "  full output: $stats/$k.log; representations: $stats/$k.{gpuc,glslc}.*.txt"
    echo
  done
  return $rc
}

if [[ ${#kernels[@]} -eq 0 ]]; then
  if [[ $mode == run ]]; then
    for f in "$dir"/*.gpuc.spv; do
      [[ -f $f ]] && kernels+=("$(basename "$f" .gpuc.spv)")
    done
  fi
  [[ ${#kernels[@]} -gt 0 ]] || kernels=(stencil_5pt prefix_scan)
fi

case $mode in
  prepare) prepare "$dir" "${kernels[@]}" ;;
  run) run_dir "$dir" "${kernels[@]}" ;;
  local)
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/vkstats-compare.XXXXXX")
    prepare "$tmp" "${kernels[@]}" && run_dir "$tmp" "${kernels[@]}"
    status=$?
    echo "(files in $tmp)"
    exit $status
    ;;
esac
