#!/usr/bin/env bash
# Installs every Debian package gpuc's build, tests, samples and docs need. Idempotent: when all
# are present it does nothing (no apt-get update), so it is cheap to run before every build.
# The CUDA toolkit (libNVVM, libdevice, ptxas, nvJitLink) is expected at /usr/local/cuda.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libgtest-dev                      # GoogleTest
  spirv-headers spirv-tools         # SPIR-V enums, validator, optimizer, disassembler
  libvulkan-dev                     # Vulkan loader and headers
  mesa-vulkan-drivers               # llvmpipe (lavapipe): Vulkan on the CPU
  vulkan-validationlayers           # VK_LAYER_KHRONOS_validation for the runtime tests
  llvm-14-tools                     # FileCheck for golden tests
  libcli11-dev                      # the CLI's argument parser
  nlohmann-json3-dev                # reflection sidecars
  libstb-dev                        # PNG reading/writing in samples
  cmark                             # docs/ Markdown -> HTML
  glslc                             # GLSL baselines for the benchmarks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

if [[ ! -d /usr/local/cuda ]]; then
  echo "setup: note: no CUDA toolkit at /usr/local/cuda; the cuda target and its tests are skipped" >&2
fi
