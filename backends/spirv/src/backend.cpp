// compile_module(): verify -> reflect -> lower -> (optimise) -> (validate). The public boundary:
// internal errors come back as error values, never as exceptions or aborts.
#include "gpuc/ir/verifier.h"
#include "gpuc/spirv/spirv_backend.h"
#include "lower.h"
#include "optimize.h"

namespace gpuc::spirv {

static std::string validation_error(const Error& e) {
  return "internal compiler error: generated SPIR-V failed validation: " + e.message;
}

Result<SpirvArtifact> compile_module(const ir::Module& module, const SpirvOptions& options,
                                     DiagnosticEngine& diags) {
  try {
    // Backends accept only verified IR (DESIGN.md): the lowering relies on V1..V21.
    if (!ir::verify(module, diags))
      return make_error("the SPIR-V backend refuses unverified IR (see the errors above)");
    SpirvArtifact out;
    out.reflection = ir::reflect(module);
    // A Vulkan SPIR-V module without an OpEntryPoint is invalid (SPIR-V 2.4: only Linkage modules
    // may have none), so a module without kernels is the user's error, not an ICE at validation.
    if (out.reflection.kernels.empty()) {
      diags.error(
          "nothing to compile for Vulkan: the module has no __global__ kernel (a SPIR-V "
          "module needs at least one entry point)");
      return make_error("the module has no kernel");
    }
    Lowering lowering(module, options, diags, out.reflection);
    try {
      lowering.run();
    } catch (const LoweringFailed&) {
      return make_error("the module cannot be compiled for Vulkan (see the errors above)");
    }
    out.words = lowering.finish();
    if (options.validate || options.opt_level > 0) {
      Status s = validate(out.words, options.vulkan);
      if (!s) return make_error(validation_error(s.error()));
    }
    if (options.opt_level > 0) {
      Result<std::vector<uint32_t>> opt = optimize_valid(out.words, options.vulkan);
      if (!opt) return make_error("internal compiler error: " + opt.error().message);
      out.words = std::move(opt.value());
      Status s = validate(out.words, options.vulkan);
      if (!s) return make_error(validation_error(s.error()) + " (after optimisation)");
    }
    return out;
  } catch (const InternalCompilerError& e) {
    return make_error(e.what());
  } catch (const std::bad_alloc&) {
    return make_error("out of memory");
  }
}

Result<std::vector<uint32_t>> compile_to_spirv(const ir::Module& module,
                                               const SpirvOptions& options,
                                               DiagnosticEngine& diags) {
  Result<SpirvArtifact> a = compile_module(module, options, diags);
  if (!a) return a.error();
  return std::move(a.value().words);
}

}  // namespace gpuc::spirv
