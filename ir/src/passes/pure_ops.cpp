// Which ops the passes may delete or merge (passes.h).
#include "passes.h"

namespace gpuc::ir::passes {

bool is_pure_value_op(Op op) {
  if (is_binary_arith(op) || is_bitwise(op) || is_compare(op) || is_float_math(op) || is_gpu_id(op))
    return true;
  switch (op) {
    case Op::Const:
    case Op::Neg:
    case Op::Select:
    case Op::Convert:
    case Op::Bitcast:
    case Op::Abs:
    case Op::Popcount:
    case Op::Clz:
    case Op::Ffs:
    case Op::Brev:
    case Op::MulHi:
    case Op::IsNan:
    case Op::IsInf:
    case Op::Global:
    case Op::Index:
    case Op::Elem:
    case Op::Member:
    case Op::PtrToInt:
    case Op::Extract:
    case Op::Insert:
    case Op::Construct:
    case Op::Shuffle:
      return true;
    default:
      return false;
  }
}

}  // namespace gpuc::ir::passes
