// Items B and C of issue 8: kernel speed and launch overhead on a GPU (kernel_speed.cpp,
// launch_overhead.cpp), through gpuc's runtime, against nvcc (CUDA) and glslc (Vulkan) peers.
#pragma once

#include <optional>
#include <string>

#include "common.h"
#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"

namespace gpuc::bench {

// What the device-ceiling measurements found (0: not measured).
struct Ceilings {
  double copy_gbps = 0;     // device-to-device copy, bytes read + written per second / 1e9
  double sgemm_gflops = 0;  // cuBLAS sgemm (CUDA only, when libcublas loads)
  std::string sgemm_note;   // why cuBLAS was not measured, or its size
};

// Kernel speed of every benchmark kernel on `device`: gpuc vs its peer. Appends Markdown and CSV
// rows (CSV columns: backend,kernel,size,gpuc_ms,peer,peer_ms,speedup,gpuc_gbps,gpuc_gflops).
int run_kernel_speed(const Options& opt, rt::Device& device, Ceilings* ceilings,
                     std::string* markdown, std::string* csv);

// Checks, without a GPU, that the embedded peer code fits gpuc's reflection: nvcc's PTX has an
// unmangled entry per kernel with as many parameters, glslc's SPIR-V has one entry point to
// rename. "" when all fit, else the problems.
std::string check_peer_artifacts();

// Compiles the harness's own kernel `source` for `device`'s backend (its sm_XX on CUDA) and loads
// it; `*code`, when given, receives the PTX or SPIR-V (for the raw driver loops). On failure, *why.
std::optional<rt::Module> compile_and_load(rt::Device& device, const std::string& name,
                                           const std::string& source, std::string* why,
                                           std::string* code = nullptr);

// Launch overhead: back-to-back launches of a tiny kernel through gpuc vs the raw driver loop.
int run_launch_overhead(const Options& opt, rt::Device& device, std::string* markdown,
                        std::string* csv);

// cuBLAS sgemm GFLOP/s on an n x n x n problem (device must be the CUDA device 0 of gpuc's
// runtime: the primary context is shared); nullopt with *why when libcublas is absent.
std::optional<double> cublas_sgemm_gflops(rt::Device& device, int n, int runs, std::string* why);

}  // namespace gpuc::bench
