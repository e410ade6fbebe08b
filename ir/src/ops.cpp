// The op table, expanded from ops.def.
#include "gpuc/ir/ops.h"

#include <string>
#include <unordered_map>

namespace gpuc::ir {
namespace {

constexpr bool Yes = true;
constexpr bool No = false;

const OpInfo kOps[] = {
#define GPUC_OP(Enum, Text, Shape, Operands, Result) OpInfo{Text, OpShape::Shape, Operands, Result},
#include "gpuc/ir/ops.def"
#undef GPUC_OP
};

}  // namespace

const OpInfo& op_info(Op op) {
  return kOps[static_cast<size_t>(op)];
}

std::optional<Op> op_from_name(std::string_view name) {
  static const std::unordered_map<std::string_view, Op> table = [] {
    std::unordered_map<std::string_view, Op> t;
    for (size_t i = 0; i < kOpCount; ++i) t.emplace(kOps[i].name, static_cast<Op>(i));
    return t;
  }();
  auto it = table.find(name);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

bool is_binary_arith(Op op) {
  switch (op) {
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Rem:
    case Op::Min:
    case Op::Max:
      return true;
    default:
      return false;
  }
}

bool is_bitwise(Op op) {
  switch (op) {
    case Op::And:
    case Op::Or:
    case Op::Xor:
    case Op::Not:
    case Op::Shl:
    case Op::Shr:
      return true;
    default:
      return false;
  }
}

bool is_compare(Op op) {
  return op >= Op::Eq && op <= Op::Ge;
}

bool is_float_math(Op op) {
  return op >= Op::Sqrt && op <= Op::FastDiv;
}

bool is_gpu_id(Op op) {
  return op >= Op::ThreadIdX && op <= Op::WarpSize;
}

bool is_atomic(Op op) {
  return op >= Op::AtomicAdd && op <= Op::AtomicInc;
}

bool is_subgroup(Op op) {
  return op >= Op::ShflIdx && op <= Op::ActiveMask;
}

bool is_terminator(Op op) {
  switch (op) {
    case Op::Break:
    case Op::Continue:
    case Op::BreakIf:
    case Op::Return:
    case Op::Unreachable:
      return true;
    default:
      return false;
  }
}

}  // namespace gpuc::ir
