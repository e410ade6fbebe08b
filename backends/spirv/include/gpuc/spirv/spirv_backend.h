// The SPIR-V backend's public API: verified IR -> a Vulkan compute SPIR-V module, plus SPIRV-Tools
// validation, disassembly and optimisation. docs/spirv-backend.md describes the mapping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/support/diagnostics.h"
#include "gpuc/support/result.h"

namespace gpuc::spirv {

// Vulkan 1.2 consumes SPIR-V 1.5; Vulkan 1.3 consumes SPIR-V 1.6.
enum class VulkanVersion { Vulkan12, Vulkan13 };
const char* vulkan_version_name(VulkanVersion v);  // "1.2" / "1.3"
uint32_t spirv_version_word(VulkanVersion v);      // 0x00010500 / 0x00010600

struct SpirvOptions {
  VulkanVersion vulkan = VulkanVersion::Vulkan12;
  // 0: the module as lowered. 1..3: SPIRV-Tools' performance passes (the result is re-validated).
  int opt_level = 0;
  // Validate the output (before and after optimisation) with SPIRV-Tools for the Vulkan version,
  // scalar block layout on. A failure is an internal compiler error.
  bool validate = false;
  // OpName/OpMemberName for kernels, parameters, variables and struct members.
  bool debug_names = true;
};

struct SpirvArtifact {
  std::vector<uint32_t> words;
  ir::ModuleReflection reflection;  // ir::reflect() of the module: the launch ABI
};

// Lowers a module. Runs ir::verify first and refuses unverified IR (its diagnostics are reported).
// Constructs the Vulkan target cannot express are reported through `diags` with their location.
Result<SpirvArtifact> compile_module(const ir::Module& module, const SpirvOptions& options,
                                     DiagnosticEngine& diags);
// The same, words only.
Result<std::vector<uint32_t>> compile_to_spirv(const ir::Module& module,
                                               const SpirvOptions& options,
                                               DiagnosticEngine& diags);

// SPIRV-Tools' validator for the Vulkan version's environment (SPV_ENV_VULKAN_1_2 / _1_3) with
// scalar block layout (the runtime enables scalarBlockLayout). The error carries the validator's
// message and the offending instruction.
Status validate(const std::vector<uint32_t>& words, VulkanVersion version);
// Text assembly through SPIRV-Tools' disassembler (friendly names, no header comment when
// `header` is false). Returns an error text starting with "; error:" on malformed input.
std::string disassemble(const std::vector<uint32_t>& words, bool header = true);
// Validates `words`, then runs SPIRV-Tools' performance passes
// (spvtools::Optimizer::RegisterPerformancePasses).
Result<std::vector<uint32_t>> optimize(const std::vector<uint32_t>& words, VulkanVersion version);

}  // namespace gpuc::spirv
