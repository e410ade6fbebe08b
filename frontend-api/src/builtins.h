// The kernel language's built-in functions: one table (builtins.cpp) naming each built-in, how its
// arguments are typed and which IR op it lowers to. docs/language.md lists the same set.
#pragma once

#include <cstdint>
#include <string_view>

#include "gpuc/ir/ops.h"

namespace gpuc::frontend {

// Scalar types a built-in's signature names.
enum class BScalar : uint8_t { None, F32, F64, I32, U32, I64, U64, Bool };

enum class BuiltinKind : uint8_t {
  Math,          // float math with fixed operand type `type` (sqrtf: F32; sqrt: F64 but overloaded)
  MathOverload,  // sqrt/exp/...: float if every argument is float, double otherwise (C++ <cmath>)
  Classify,      // isnan/isinf: float or double argument, bool result
  IntMinMax,     // min/max/abs: usual arithmetic conversions, int or float operands
  BitOp,         // __popc/__clz/__ffs/__brev (+ll): operand `type`, result per op
  MulHi,         // __mulhi/__umulhi/__mul64hi/__umul64hi: operands and result `type`
  BitCast,       // __float_as_int and kin: `from` -> `type`
  ConvertRound,  // __float2int_rn and kin: `from` -> `type`, rounding op `op` (Convert: none)
  Atomic,        // atomicAdd ... atomicInc: (T*, T) -> T
  AtomicCas,     // atomicCAS: (T*, T, T) -> T
  Shuffle,       // __shfl*_sync(mask, v, lane/delta/mask[, width])
  Vote,          // __ballot_sync/__all_sync/__any_sync(mask, pred)
  NoArg,         // __activemask, __syncthreads, __syncwarp([mask]), fences: op with no operands
  MakeVector,    // make_float4 ...: `type` element, `count` lanes
  Ldg,           // __ldg(const T*): a plain load
  SinCos,        // sincosf(x, &s, &c) / sincos / __sincosf: stores sin and cos through pointers
  Saturate,      // __saturatef(x): clamp to [0, 1] (min/max)
  Fdim,          // fdimf(a, b) / fdim: max(a - b, 0)
};

struct BuiltinInfo {
  std::string_view name;
  BuiltinKind kind;
  ir::Op op;
  uint8_t min_args;
  uint8_t max_args;
  BScalar type;  // operand/result type (see kind)
  BScalar from = BScalar::None;
  uint8_t count = 0;  // MakeVector lanes
};

// The built-in named `name`, or null.
const BuiltinInfo* find_builtin(std::string_view name);

// True for float math ops that GLSL.std.450 provides for 16/32-bit floats only (so a double
// operand cannot be lowered on the vulkan target).
bool is_f32_only_on_vulkan(ir::Op op);

}  // namespace gpuc::frontend
