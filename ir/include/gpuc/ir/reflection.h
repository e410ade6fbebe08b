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

// Who supplies a parameter. --bounds-check appends hidden parameters after the user's: the byte
// size of each global pointer parameter and the out-of-bounds record; the runtime fills them, and
// launch arguments cover the User parameters only (they always come first).
enum class ParamRole : uint8_t {
  User,
  BufferSize,    // u64: bytes from the pointer parameter `sizes` to the end of its buffer
  BoundsRecord,  // ptr<global, u32>: the record of kBoundsRecordWords words, zeroed per launch
};
const char* param_role_name(ParamRole r);

// The out-of-bounds record of a bounds-checked launch (u32 words, zeroed before it). Each thread
// that went out of bounds adds its count of violations to word kBoundsCount with one atomic add;
// the one that found it 0 (the first report) writes its first violation's site, parameter and
// byte offset. After the launch, a non-zero count means a violation (counts wrap at 2^32).
inline constexpr uint32_t kBoundsCount = 0;
inline constexpr uint32_t kBoundsSite = 1;
inline constexpr uint32_t kBoundsParam = 2;     // index of the pointer parameter; or kBoundsUnknown
inline constexpr uint32_t kBoundsOffsetLo = 3;  // the byte offset from the parameter's address
inline constexpr uint32_t kBoundsOffsetHi = 4;  // (u64, two's complement when before it)
inline constexpr uint32_t kBoundsRecordWords = 8;
inline constexpr uint32_t kBoundsUnknown = 0xFFFFFFFFu;  // a pointer into no parameter's buffer

struct ParamReflection {
  // What a launch reads comes first, together in the element's first cache line.
  ParamKind kind = ParamKind::Scalar;
  uint32_t offset = 0;  // byte offset in the parameter block
  uint32_t size = 0;    // byte size in the parameter block
  uint32_t align = 1;
  bool readonly = false;  // pointer never written through
  bool restrict = false;
  ParamRole role = ParamRole::User;
  uint32_t sizes = 0;      // BufferSize: index of the pointer parameter it gives the size of
  uint32_t elem_size = 0;  // BufferSize: byte size of that pointer's pointee (element indices)
  std::string name;
  std::string type;  // IR type text (pointers: the pointer type, e.g. "ptr<global, f32>")
};

// One checked access of a bounds-checked kernel (the record names it by id).
struct BoundsSite {
  uint32_t id = 0;
  std::string op;        // "load", "store" or the atomic op ("atomic.add" ...)
  std::string type;      // IR type of the value accessed
  uint32_t bytes = 0;    // bytes accessed
  std::string function;  // the kernel or device function holding the access
  std::string location;  // "file:line:col" of the source, when known
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
  // --bounds-check: hidden parameters follow the user's (ParamRole), and the record names one of
  // these sites (the kernel's own and those of the device functions it calls).
  bool bounds_checked = false;
  std::vector<BoundsSite> bounds_sites;
  // Parameters the launch arguments cover (all but the hidden ones, which come last).
  uint32_t user_param_count() const;
  const BoundsSite* find_bounds_site(uint32_t id) const;
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
// Version 1; version 2 when a kernel is bounds-checked, so a reader that does not know hidden
// parameters refuses it instead of launching it as an unchecked kernel.
std::string reflection_to_json(const ModuleReflection& r);
// Parses the JSON form; returns false and sets *error on malformed input.
bool reflection_from_json(const std::string& json, ModuleReflection* out, std::string* error);

}  // namespace gpuc::ir
