// Stage: IR -> SPIR-V binary (--emit=spirv) or its disassembly (--emit=spvasm) through the SPIR-V
// backend (backends/spirv). Debug builds and --validate run SPIRV-Tools' validator on the output.
#include "stages.h"

#if GPUC_HAVE_SPIRV
#include "gpuc/spirv/spirv_backend.h"
#endif

namespace gpuc::detail {

#if GPUC_HAVE_SPIRV

bool emit_vulkan(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out) {
  const CompileOptions& o = c.options();
  spirv::SpirvOptions options;
  options.vulkan =
      o.vulkan_version == "1.3" ? spirv::VulkanVersion::Vulkan13 : spirv::VulkanVersion::Vulkan12;
  if (o.vulkan_version != "1.2" && o.vulkan_version != "1.3") {
    c.diagnostics().error("unsupported Vulkan version '" + o.vulkan_version +
                          "' (expected 1.2 or 1.3)");
    return false;
  }
  options.opt_level = o.opt_level >= 1 ? o.opt_level : 0;
#ifdef NDEBUG
  options.validate = o.validate;
#else
  options.validate = true;  // debug builds check every module they produce
#endif
  Result<std::vector<uint32_t>> words = spirv::compile_to_spirv(m, options, c.diagnostics());
  if (!words) {
    // User-facing errors were reported with their locations; report the rest (internal errors).
    if (!c.diagnostics().has_errors() || words.error().message.starts_with("internal"))
      c.diagnostics().error(words.error().message);
    return false;
  }
  if (emit == Emit::Spvasm) {
    out.data = spirv::disassemble(words.value());
    out.is_binary = false;
  } else {
    const std::vector<uint32_t>& w = words.value();
    out.data.assign(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(uint32_t));
    out.is_binary = true;
  }
  return true;
}

#else

bool emit_vulkan(Compilation& c, ir::Module&, Emit, CompileOutput&) {
  c.diagnostics().error(
      "target 'vulkan' is not available in this build: the SPIR-V backend "
      "(backends/spirv, needs SPIRV-Tools) was not built");
  return false;
}

#endif

}  // namespace gpuc::detail
