#!/usr/bin/env bash
# Copies a build directory into a lean one to carry to the GPU machine: no object files or static
# libraries, executables stripped (the device tool carries at most 64 MiB with the working tree).
# Usage: scripts/pack-gpu-build.sh [from] [to]     (default: build-gpu -> build-gpu-carry)
# Configure the build with -DGPUC_SHARED_LIBS=ON so SPIRV-Tools is linked once, not into every binary.
set -euo pipefail
cd "$(dirname "$0")/.."
from=${1:-build-gpu}
to=${2:-build-gpu-carry}
rm -rf "$to"
mkdir -p "$to"
(cd "$from" && find . -type f ! -name '*.o' ! -name '*.a' ! -name '*.ninja*' ! -name '.ninja_*' \
   ! -path './CMakeFiles/*' ! -path '*/CMakeFiles/*.dir/*' -print0) |
  (cd "$from" && cpio -0 -pdm --quiet "../$to")
find "$to" -type f -perm -u+x -exec sh -c 'file -b "$1" | grep -q ELF && strip "$1"' _ {} \;
# Shared libraries from Debian packages that the GPU machine does not have.
mkdir -p "$to/lib"
for lib in libstb.so.0; do
  [[ -e /usr/lib/x86_64-linux-gnu/$lib ]] && cp -L /usr/lib/x86_64-linux-gnu/$lib "$to/lib/"
done
# CTest files and binaries name the original build directory; gpu-check.sh links it to the copy.
(cd "$from" && pwd) > "$to/ORIGINAL_BUILD_DIR"
du -sh "$to"
