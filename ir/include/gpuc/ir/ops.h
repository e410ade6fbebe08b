// Op codes and their static properties, generated from ops.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gpuc::ir {

enum class Op : uint16_t {
#define GPUC_OP(Enum, Text, Shape, Operands, Result) Enum,
#include "gpuc/ir/ops.def"
#undef GPUC_OP
};

// How an op is printed and parsed (the grammar is in docs/ir.md):
enum class OpShape : uint8_t {
  Plain,   // [%r =] name %a, %b [: T]
  Const,   // %r = const LITERAL : T
  Imm,     // %r = name %a[, %b], N : T          (N: member index, lane, swizzle pattern)
  Mem,     // %r = load %p align N : T   |   store %p, %v align N
  Symbol,  // %r = global @name : T
  Call,    // [%r =] call @f(%a, ...) [: T]
  If,      // if %c { ... } else { ... }
  Loop,    // loop [unroll(N)] { ... } continue { ... }
};

struct OpInfo {
  std::string_view name;
  OpShape shape;
  int8_t operands;  // -1: variadic
  bool has_result;
};

const OpInfo& op_info(Op op);
inline std::string_view op_name(Op op) {
  return op_info(op).name;
}
std::optional<Op> op_from_name(std::string_view name);
constexpr size_t kOpCount = 0
#define GPUC_OP(Enum, Text, Shape, Operands, Result) +1
#include "gpuc/ir/ops.def"
#undef GPUC_OP
    ;

// Op classes the verifier and backends switch on.
bool is_binary_arith(Op op);  // add sub mul div rem min max
bool is_bitwise(Op op);       // and or xor not shl shr
bool is_compare(Op op);       // eq ne lt le gt ge
bool is_float_math(Op op);    // sqrt ... fast.div, fma (not abs, min, max, isnan/isinf)
bool is_gpu_id(Op op);        // thread_id.x ... warp_size
bool is_atomic(Op op);        // atomic.*
bool is_subgroup(Op op);      // shfl.*, ballot, vote.*, active_mask
bool is_terminator(Op op);    // break continue break_if return unreachable

}  // namespace gpuc::ir
