// SPIRV-Tools glue: validation (Vulkan 1.2/1.3 environments, scalar block layout), disassembly and
// the optimizer's performance passes.
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>

#include "gpuc/spirv/spirv_backend.h"

namespace gpuc::spirv {

const char* vulkan_version_name(VulkanVersion v) {
  return v == VulkanVersion::Vulkan13 ? "1.3" : "1.2";
}

uint32_t spirv_version_word(VulkanVersion v) {
  return v == VulkanVersion::Vulkan13 ? 0x00010600u : 0x00010500u;
}

static spv_target_env target_env(VulkanVersion v) {
  return v == VulkanVersion::Vulkan13 ? SPV_ENV_VULKAN_1_3 : SPV_ENV_VULKAN_1_2;
}

static spvtools::ValidatorOptions validator_options() {
  spvtools::ValidatorOptions options;
  // The runtime enables scalarBlockLayout: C layouts (float3 at 4-byte alignment) are legal.
  options.SetScalarBlockLayout(true);
  return options;
}

Status validate(const std::vector<uint32_t>& words, VulkanVersion version) {
  spvtools::SpirvTools tools(target_env(version));
  std::string messages;
  tools.SetMessageConsumer(
      [&](spv_message_level_t, const char*, const spv_position_t& pos, const char* message) {
        if (!messages.empty()) messages += "\n";
        messages += message;
        (void)pos;
      });
  if (!tools.Validate(words.data(), words.size(), validator_options()))
    return make_error(messages.empty() ? "validation failed" : messages);
  return {};
}

std::string disassemble(const std::vector<uint32_t>& words, bool header) {
  spvtools::SpirvTools tools(SPV_ENV_UNIVERSAL_1_6);
  std::string messages;
  tools.SetMessageConsumer([&](spv_message_level_t, const char*, const spv_position_t&,
                               const char* message) { messages += message; });
  std::string text;
  uint32_t options = SPV_BINARY_TO_TEXT_OPTION_FRIENDLY_NAMES | SPV_BINARY_TO_TEXT_OPTION_INDENT;
  if (!header) options |= SPV_BINARY_TO_TEXT_OPTION_NO_HEADER;
  if (!tools.Disassemble(words, &text, options)) return "; error: " + messages + "\n";
  return text;
}

Result<std::vector<uint32_t>> optimize(const std::vector<uint32_t>& words, VulkanVersion version) {
  spvtools::Optimizer optimizer(target_env(version));
  std::string messages;
  optimizer.SetMessageConsumer(
      [&](spv_message_level_t level, const char*, const spv_position_t&, const char* message) {
        if (level > SPV_MSG_WARNING) return;
        if (!messages.empty()) messages += "\n";
        messages += message;
      });
  optimizer.RegisterPerformancePasses();
  spvtools::OptimizerOptions options;
  options.set_run_validator(true);
  options.set_validator_options(validator_options());
  std::vector<uint32_t> out;
  if (!optimizer.Run(words.data(), words.size(), &out, options))
    return make_error("SPIR-V optimizer failed: " + messages);
  return out;
}

}  // namespace gpuc::spirv
