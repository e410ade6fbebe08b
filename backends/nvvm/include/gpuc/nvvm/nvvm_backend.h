// The NVVM backend: verified gpuc IR -> NVVM IR text -> libNVVM -> PTX (-> cubin through
// nvJitLink). docs/nvvm-backend.md describes the IR -> NVVM IR mapping, the two dialects and the
// options.
#pragma once

#include <optional>
#include <string>

#include "gpuc/ir/module.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/support/diagnostics.h"
#include "gpuc/support/result.h"

namespace gpuc::nvvm {

// The textual NVVM IR dialect written. CUDA 13's libNVVM reads the LLVM 7 typed-pointer dialect
// (`float addrspace(1)*`) for every -arch, and the LLVM 20 opaque-pointer dialect
// (`ptr addrspace(1)`) only for compute_100 and newer.
enum class Dialect { Auto, Typed, Modern };

struct NvvmOptions {
  // compute_XX[a|f] or sm_XX[a|f]; empty = compute_75 (PTX that the driver JIT-compiles for every
  // newer GPU). sm_XX means the same virtual architecture for PTX; cubin needs sm_XX.
  std::string arch;
  Dialect dialect = Dialect::Auto;  // Auto = Typed (see docs/nvvm-backend.md "Dialect choice")
  int opt_level = 3;                // gpuc -O0..3 -> libNVVM -opt=0..3
  // libNVVM's floating-point options; nullopt = libNVVM's default (or fast_math's value).
  std::optional<bool> ftz, prec_div, prec_sqrt, fma;
  bool fast_math = false;  // the bundle: ftz=1 prec-div=0 prec-sqrt=0 fma=1 (explicit ones win)
};

// A parsed architecture: 75 for compute_75/sm_75; suffix "", "a" or "f".
struct Arch {
  int number = 75;
  std::string suffix;
  bool is_sm = false;  // written as sm_XX
  std::string compute_name() const { return "compute_" + std::to_string(number) + suffix; }
  std::string sm_name() const { return "sm_" + std::to_string(number) + suffix; }
};
// Parses "compute_90", "sm_80", "sm_90a", "compute_100f"; empty -> compute_75.
Result<Arch> parse_arch(const std::string& text);

// The dialect the options select for their arch (errors: modern below compute_100).
Result<Dialect> resolve_dialect(const NvvmOptions& options);

// What emit_nvvm_ir produced besides the text.
struct NvvmModule {
  std::string text;             // the NVVM IR module
  bool uses_libdevice = false;  // calls __nv_* functions: libdevice must be linked
  Dialect dialect = Dialect::Typed;
};

// Writes the NVVM IR of a verified module. Errors (unsupported constructs) go through `diags`.
Result<NvvmModule> write_nvvm_module(const ir::Module& module, const NvvmOptions& options,
                                     DiagnosticEngine& diags);
Result<std::string> emit_nvvm_ir(const ir::Module& module, const NvvmOptions& options,
                                 DiagnosticEngine& diags);

// NVVM IR text -> PTX through libNVVM (nvvmVerifyProgram, then nvvmCompileProgram), linking
// libdevice lazily when `uses_libdevice`. A verifier error is reported as an internal compiler
// error carrying libNVVM's log (gpuc wrote invalid NVVM IR).
Result<std::string> compile_nvvm_to_ptx(const NvvmModule& module, const NvvmOptions& options,
                                        DiagnosticEngine& diags);
// Module -> PTX.
Result<std::string> compile_to_ptx(const ir::Module& module, const NvvmOptions& options,
                                   DiagnosticEngine& diags);
// PTX -> cubin for options.arch (must be sm_XX) through nvJitLink.
Result<std::string> link_ptx_to_cubin(const std::string& ptx, const NvvmOptions& options,
                                      DiagnosticEngine& diags);
// Module -> cubin (PTX through libNVVM, then nvJitLink).
Result<std::string> compile_to_cubin(const ir::Module& module, const NvvmOptions& options,
                                     DiagnosticEngine& diags);

// Everything at once: NVVM IR, PTX and the reflection of every kernel (ir::reflect, the same
// reflection the SPIR-V backend ships).
struct CudaArtifact {
  std::string nvvm_ir;
  std::string ptx;
  ir::ModuleReflection reflection;
};
Result<CudaArtifact> compile(const ir::Module& module, const NvvmOptions& options,
                             DiagnosticEngine& diags);

// Run-time discovery (dlopen): the paths found, or an error naming the library and /usr/local/cuda.
// Searched: $CUDA_HOME, $CUDA_PATH, /usr/local/cuda (under nvvm/lib64, lib64, lib), then the
// loader's path.
Result<std::string> find_libnvvm();
Result<std::string> find_libdevice();
Result<std::string> find_nvjitlink();
// libNVVM's version "major.minor" (loads the library).
Result<std::string> libnvvm_version();

}  // namespace gpuc::nvvm
