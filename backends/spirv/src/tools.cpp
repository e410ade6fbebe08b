// SPIRV-Tools glue: validation (Vulkan 1.2/1.3 environments, scalar block layout), disassembly and
// the optimizer's performance passes.
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>

#include <cstring>
#include <spirv/unified1/spirv.hpp11>

#include "gpuc/spirv/spirv_backend.h"
#include "optimize.h"

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

// SPIRV-Tools 2023.1 (Debian 12) runs ADCE, local-single-block/-single-store elimination and
// access-chain conversion only on modules whose every OpExtension is on the pass's allow list;
// SPV_EXT_shader_atomic_float_add is not on it, so a kernel with a float atomicAdd kept a store
// into a Function variable for every local (reduce_shared: 10 OpStores vs glslc's 8, its
// function body 85 instructions vs 71 without it). That extension adds only OpAtomicFAddEXT and
// its capabilities: an atomic, which every pass treats as an instruction with side effects it does
// not touch. So the optimizer sees the module without these OpExtensions and they are put back
// after it, right after the capabilities (SPIR-V §2.4 logical layout: capabilities, extensions).
static constexpr const char* kHiddenFromOptimizer[] = {"SPV_EXT_shader_atomic_float_add"};

static bool is_hidden_extension(const uint32_t* inst) {
  const char* name = reinterpret_cast<const char*>(inst + 1);
  size_t max = ((inst[0] >> 16) - 1) * 4;
  for (const char* hidden : kHiddenFromOptimizer)
    if (strnlen(name, max) == std::strlen(hidden) && std::strncmp(name, hidden, max) == 0)
      return true;
  return false;
}

Result<std::vector<uint32_t>> optimize_valid(const std::vector<uint32_t>& words,
                                             VulkanVersion version) {
  constexpr uint32_t kHeaderWords = 5;  // §2.3 physical layout
  if (words.size() < kHeaderWords) return make_error("SPIR-V optimizer: not a SPIR-V module");
  std::vector<uint32_t> input(words.begin(), words.begin() + kHeaderWords);
  std::vector<uint32_t> hidden;  // the removed OpExtension instructions, whole
  for (size_t at = kHeaderWords; at < words.size();) {
    uint32_t count = words[at] >> 16;
    if (count == 0 || at + count > words.size())
      return make_error("SPIR-V optimizer: malformed instruction stream");
    const uint32_t* inst = &words[at];
    bool hide = (inst[0] & 0xffffu) == static_cast<uint32_t>(spv::Op::OpExtension) &&
                is_hidden_extension(inst);
    std::vector<uint32_t>& to = hide ? hidden : input;
    to.insert(to.end(), inst, inst + count);
    at += count;
  }

  spvtools::Optimizer optimizer(target_env(version));
  std::string messages;
  optimizer.SetMessageConsumer(
      [&](spv_message_level_t level, const char*, const spv_position_t&, const char* message) {
        if (level > SPV_MSG_WARNING) return;
        if (!messages.empty()) messages += "\n";
        messages += message;
      });
  // spirv-opt -O's recipe. Not loop-invariant code motion: in 2023.1 it hoists a Workgroup load
  // out of a loop that stores to the same element between barriers (reduce_shared's
  // `partial[tid] += ...`), a miscompile; drivers hoist `blockDim.x * gridDim.x` themselves.
  optimizer.RegisterPerformancePasses();
  spvtools::OptimizerOptions options;
  // The caller validated the module; without its hidden extensions it would not pass (a capability
  // without the extension that enables it).
  options.set_run_validator(false);
  std::vector<uint32_t> out;
  if (!optimizer.Run(input.data(), input.size(), &out, options))
    return make_error("SPIR-V optimizer failed: " + messages);
  if (hidden.empty()) return out;
  size_t at = kHeaderWords;
  while (at < out.size() && (out[at] & 0xffffu) == static_cast<uint32_t>(spv::Op::OpCapability))
    at += out[at] >> 16;
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), hidden.begin(), hidden.end());
  return out;
}

Result<std::vector<uint32_t>> optimize(const std::vector<uint32_t>& words, VulkanVersion version) {
  Status s = validate(words, version);
  if (!s) return make_error("SPIR-V optimizer: the input fails validation: " + s.error().message);
  return optimize_valid(words, version);
}

}  // namespace gpuc::spirv
