// Kernel reflection: what the runtime needs to launch a kernel and check its arguments.
//
// Computed once from verified IR (reflect()), identically for both targets, so the CUDA parameter
// buffer and the Vulkan push-constant block have one layout: the kernel's parameters in order,
// each at its C alignment (pointers are 8-byte device addresses). DESIGN.md "Parameters,
// reflection, artifacts".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"

namespace gpuc::ir {

// Vulkan's guaranteed minimum maxPushConstantsSize. A kernel whose parameter block is larger gets
// its parameters through a buffer whose 8-byte device address is the only push constant.
inline constexpr uint32_t kMaxPushConstantParamBytes = 128;

enum class ParamKind : uint8_t {
  Pointer,  // a device address (8 bytes); `type` is the pointee
  Scalar,   // bool, ints, floats
  Vector,   // float4 etc.
  Struct,   // passed by value
  Array,
};
const char* param_kind_name(ParamKind k);

struct ParamReflection {
  std::string name;
  ParamKind kind = ParamKind::Scalar;
  std::string type;     // IR type text (pointers: the pointer type, e.g. "ptr<global, f32>")
  uint32_t offset = 0;  // byte offset in the parameter block
  uint32_t size = 0;    // byte size in the parameter block
  uint32_t align = 1;
  bool readonly = false;  // pointer never written through
  bool restrict = false;
};

struct KernelReflection {
  std::string name;
  std::vector<ParamReflection> params;
  uint32_t param_block_size = 0;                 // bytes, rounded up to 8 when non-empty
  std::array<uint32_t, 3> fixed_block{0, 0, 0};  // {0,0,0}: chosen at launch
  uint32_t max_block_threads = 0;                // __launch_bounds__; 0 = none
  uint32_t static_shared_bytes = 0;              // shared variables the kernel (transitively) uses
  bool uses_subgroups = false;                   // shuffles, ballots, votes, lane ids
  bool uses_fp64 = false;
  bool uses_int64_atomics = false;
  bool uses_float_atomics = false;
  // Vulkan: parameters through a buffer address (param_block_size > kMaxPushConstantParamBytes).
  bool params_indirect() const { return param_block_size > kMaxPushConstantParamBytes; }
};

struct ModuleReflection {
  std::vector<KernelReflection> kernels;
  const KernelReflection* find(const std::string& name) const;
};

// Reflects every kernel of a verified module.
ModuleReflection reflect(const Module& module);

// JSON form (the `.json` sidecar of .ptx/.spv artifacts and the bundle's reflection section).
std::string reflection_to_json(const ModuleReflection& r);
// Parses the JSON form; returns false and sets *error on malformed input.
bool reflection_from_json(const std::string& json, ModuleReflection* out, std::string* error);

}  // namespace gpuc::ir
