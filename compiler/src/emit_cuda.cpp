// Stage: IR -> NVVM IR / PTX / cubin through the NVVM backend (backends/nvvm).
#include "stages.h"

#if GPUC_HAVE_NVVM
#include "gpuc/nvvm/nvvm_backend.h"
#endif

namespace gpuc::detail {

#if GPUC_HAVE_NVVM

namespace {

std::optional<bool> tristate(int v) {
  if (v < 0) return std::nullopt;
  return v != 0;
}

}  // namespace

bool emit_cuda(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out) {
  const CompileOptions& o = c.options();
  DiagnosticEngine& diags = c.diagnostics();
  nvvm::NvvmOptions n;
  n.arch = o.arch;
  n.opt_level = o.opt_level;
  if (o.nvvm_dialect == "typed") {
    n.dialect = nvvm::Dialect::Typed;
  } else if (o.nvvm_dialect == "modern") {
    n.dialect = nvvm::Dialect::Modern;
  } else if (!o.nvvm_dialect.empty()) {
    diags.error("unknown --nvvm-dialect '" + o.nvvm_dialect + "' (expected typed or modern)");
    return false;
  }
  n.ftz = tristate(o.ftz);
  n.prec_div = tristate(o.prec_div);
  n.prec_sqrt = tristate(o.prec_sqrt);
  n.fma = tristate(o.fma);
  n.fast_math = o.fast_math;

  if (emit == Emit::Cubin) {
    // Checked before any work: cubin is machine code for one real GPU.
    Result<nvvm::Arch> arch = nvvm::parse_arch(o.arch);
    if (arch.ok() && !arch.value().is_sm) {
      diags.error("--emit=cubin needs a real GPU architecture: --arch=sm_XX (e.g. --arch=sm_80)");
      return false;
    }
  }

  Result<nvvm::NvvmModule> nvvm_ir = nvvm::write_nvvm_module(m, n, diags);
  if (!nvvm_ir) return false;
  if (emit == Emit::Nvvm && !o.validate) {
    out.data = std::move(nvvm_ir.value().text);
    out.is_binary = false;
    return true;
  }
  // --validate: the NVVM IR goes through libNVVM's verifier and compiler, and the PTX through
  // nvJitLink's assembler for the arch's own GPU (sm_XX of compute_XX), so ptxas errors show here.
  Result<std::string> ptx = nvvm::compile_nvvm_to_ptx(nvvm_ir.value(), n, diags);
  if (!ptx) return false;
  if (emit == Emit::Nvvm) {
    out.data = std::move(nvvm_ir.value().text);
    out.is_binary = false;
    return true;
  }
  if (emit == Emit::Ptx) {
    if (o.validate) {
      Result<nvvm::Arch> arch = nvvm::parse_arch(o.arch);
      nvvm::NvvmOptions sm = n;
      sm.arch = arch.ok() ? arch.value().sm_name() : "sm_75";
      if (!nvvm::link_ptx_to_cubin(ptx.value(), sm, diags)) return false;
    }
    out.data = std::move(ptx.value());
    out.is_binary = false;
    return true;
  }
  Result<std::string> cubin = nvvm::link_ptx_to_cubin(ptx.value(), n, diags);
  if (!cubin) return false;
  out.data = std::move(cubin.value());
  out.is_binary = true;
  return true;
}

#else

bool emit_cuda(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out) {
  c.diagnostics().error(
      "target 'cuda' is not available in this build: the NVVM backend "
      "(backends/nvvm) was not built (use --emit=ir to print the IR)");
  return false;
}

#endif

}  // namespace gpuc::detail
