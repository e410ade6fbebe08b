// The built-in function table of the kernel language (CUDA's device API subset that gpuc provides).
#include "builtins.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace gpuc::frontend {
namespace {

using ir::Op;
using K = BuiltinKind;
using S = BScalar;

std::vector<BuiltinInfo> build_table() {
  std::vector<BuiltinInfo> t;
  // CUDA math API: `xf` (float) and `x` (double, overloaded on float as in C++ <cmath>).
  static const struct {
    const char* name;
    Op op;
    uint8_t args;
  } math[] = {
      {"sqrt", Op::Sqrt, 1},         {"rsqrt", Op::Rsqrt, 1}, {"cbrt", Op::Cbrt, 1},
      {"exp", Op::Exp, 1},           {"exp2", Op::Exp2, 1},   {"exp10", Op::Exp10, 1},
      {"expm1", Op::Expm1, 1},       {"log", Op::Log, 1},     {"log2", Op::Log2, 1},
      {"log10", Op::Log10, 1},       {"log1p", Op::Log1p, 1}, {"pow", Op::Pow, 2},
      {"sin", Op::Sin, 1},           {"cos", Op::Cos, 1},     {"tan", Op::Tan, 1},
      {"asin", Op::Asin, 1},         {"acos", Op::Acos, 1},   {"atan", Op::Atan, 1},
      {"atan2", Op::Atan2, 2},       {"sinh", Op::Sinh, 1},   {"cosh", Op::Cosh, 1},
      {"tanh", Op::Tanh, 1},         {"asinh", Op::Asinh, 1}, {"acosh", Op::Acosh, 1},
      {"atanh", Op::Atanh, 1},       {"erf", Op::Erf, 1},     {"erfc", Op::Erfc, 1},
      {"fabs", Op::Abs, 1},          {"floor", Op::Floor, 1}, {"ceil", Op::Ceil, 1},
      {"round", Op::Round, 1},       {"trunc", Op::Trunc, 1}, {"rint", Op::Rint, 1},
      {"fmin", Op::Min, 2},          {"fmax", Op::Max, 2},    {"fma", Op::Fma, 3},
      {"copysign", Op::Copysign, 2}, {"fmod", Op::Fmod, 2},   {"hypot", Op::Hypot, 2},
  };
  for (const auto& m : math) {
    t.push_back({m.name, K::MathOverload, m.op, m.args, m.args, S::F64});
  }
  static std::vector<std::string> float_names;  // storage for the "xf" names
  float_names.reserve(std::size(math));
  for (const auto& m : math) float_names.push_back(std::string(m.name) + "f");
  for (size_t i = 0; i < std::size(math); ++i)
    t.push_back({float_names[i], K::Math, math[i].op, math[i].args, math[i].args, S::F32});
  // Fast approximate intrinsics.
  t.push_back({"__expf", K::Math, Op::FastExp, 1, 1, S::F32});
  t.push_back({"__logf", K::Math, Op::FastLog, 1, 1, S::F32});
  t.push_back({"__sinf", K::Math, Op::FastSin, 1, 1, S::F32});
  t.push_back({"__cosf", K::Math, Op::FastCos, 1, 1, S::F32});
  t.push_back({"__fdividef", K::Math, Op::FastDiv, 2, 2, S::F32});
  t.push_back({"isnan", K::Classify, Op::IsNan, 1, 1, S::Bool});
  t.push_back({"isinf", K::Classify, Op::IsInf, 1, 1, S::Bool});
  // Integer (and float) min/max/abs, overloaded.
  t.push_back({"min", K::IntMinMax, Op::Min, 2, 2, S::None});
  t.push_back({"max", K::IntMinMax, Op::Max, 2, 2, S::None});
  t.push_back({"abs", K::IntMinMax, Op::Abs, 1, 1, S::None});
  t.push_back({"llabs", K::BitOp, Op::Abs, 1, 1, S::I64});
  t.push_back({"llmin", K::MulHi, Op::Min, 2, 2, S::I64});
  t.push_back({"llmax", K::MulHi, Op::Max, 2, 2, S::I64});
  t.push_back({"umin", K::MulHi, Op::Min, 2, 2, S::U32});
  t.push_back({"umax", K::MulHi, Op::Max, 2, 2, S::U32});
  // Bit operations (CUDA integer intrinsics).
  t.push_back({"__popc", K::BitOp, Op::Popcount, 1, 1, S::U32});
  t.push_back({"__popcll", K::BitOp, Op::Popcount, 1, 1, S::U64});
  t.push_back({"__clz", K::BitOp, Op::Clz, 1, 1, S::I32});
  t.push_back({"__clzll", K::BitOp, Op::Clz, 1, 1, S::I64});
  t.push_back({"__ffs", K::BitOp, Op::Ffs, 1, 1, S::I32});
  t.push_back({"__ffsll", K::BitOp, Op::Ffs, 1, 1, S::I64});
  t.push_back({"__brev", K::BitOp, Op::Brev, 1, 1, S::U32});
  t.push_back({"__brevll", K::BitOp, Op::Brev, 1, 1, S::U64});
  t.push_back({"__mulhi", K::MulHi, Op::MulHi, 2, 2, S::I32});
  t.push_back({"__umulhi", K::MulHi, Op::MulHi, 2, 2, S::U32});
  t.push_back({"__mul64hi", K::MulHi, Op::MulHi, 2, 2, S::I64});
  t.push_back({"__umul64hi", K::MulHi, Op::MulHi, 2, 2, S::U64});
  // Bit casts.
  t.push_back({"__float_as_int", K::BitCast, Op::Bitcast, 1, 1, S::I32, S::F32});
  t.push_back({"__float_as_uint", K::BitCast, Op::Bitcast, 1, 1, S::U32, S::F32});
  t.push_back({"__int_as_float", K::BitCast, Op::Bitcast, 1, 1, S::F32, S::I32});
  t.push_back({"__uint_as_float", K::BitCast, Op::Bitcast, 1, 1, S::F32, S::U32});
  t.push_back({"__double_as_longlong", K::BitCast, Op::Bitcast, 1, 1, S::I64, S::F64});
  t.push_back({"__longlong_as_double", K::BitCast, Op::Bitcast, 1, 1, S::F64, S::I64});
  // Conversions with an explicit rounding mode: float -> int rounds first (rint/trunc/floor/ceil),
  // then converts (which truncates, C11 6.3.1.4). int -> float conversions exist in _rn only.
  static const struct {
    const char* mode;
    Op op;
  } modes[] = {{"rn", Op::Rint}, {"rz", Op::Convert}, {"rd", Op::Floor}, {"ru", Op::Ceil}};
  static const struct {
    const char* name;
    S type;
  } ints[] = {{"int", S::I32}, {"uint", S::U32}, {"ll", S::I64}, {"ull", S::U64}};
  static std::vector<std::string> conv_names;
  conv_names.reserve(64);
  for (const char* fname : {"float", "double"}) {
    S from = std::string(fname) == "float" ? S::F32 : S::F64;
    for (const auto& i : ints)
      for (const auto& m : modes) {
        conv_names.push_back(std::string("__") + fname + "2" + i.name + "_" + m.mode);
        t.push_back({conv_names.back(), K::ConvertRound, m.op, 1, 1, i.type, from});
      }
  }
  for (const auto& i : ints) {
    conv_names.push_back(std::string("__") + i.name + "2float_rn");
    t.push_back({conv_names.back(), K::ConvertRound, Op::Convert, 1, 1, S::F32, i.type});
    conv_names.push_back(std::string("__") + i.name + "2double_rn");
    t.push_back({conv_names.back(), K::ConvertRound, Op::Convert, 1, 1, S::F64, i.type});
  }
  t.push_back({"__double2float_rn", K::ConvertRound, Op::Convert, 1, 1, S::F32, S::F64});
  // Atomics.
  t.push_back({"atomicAdd", K::Atomic, Op::AtomicAdd, 2, 2, S::None});
  t.push_back({"atomicSub", K::Atomic, Op::AtomicSub, 2, 2, S::None});
  t.push_back({"atomicMin", K::Atomic, Op::AtomicMin, 2, 2, S::None});
  t.push_back({"atomicMax", K::Atomic, Op::AtomicMax, 2, 2, S::None});
  t.push_back({"atomicAnd", K::Atomic, Op::AtomicAnd, 2, 2, S::None});
  t.push_back({"atomicOr", K::Atomic, Op::AtomicOr, 2, 2, S::None});
  t.push_back({"atomicXor", K::Atomic, Op::AtomicXor, 2, 2, S::None});
  t.push_back({"atomicExch", K::Atomic, Op::AtomicExch, 2, 2, S::None});
  t.push_back({"atomicInc", K::Atomic, Op::AtomicInc, 2, 2, S::None});
  t.push_back({"atomicCAS", K::AtomicCas, Op::AtomicCas, 3, 3, S::None});
  // Warp operations.
  t.push_back({"__shfl_sync", K::Shuffle, Op::ShflIdx, 3, 4, S::None});
  t.push_back({"__shfl_up_sync", K::Shuffle, Op::ShflUp, 3, 4, S::None});
  t.push_back({"__shfl_down_sync", K::Shuffle, Op::ShflDown, 3, 4, S::None});
  t.push_back({"__shfl_xor_sync", K::Shuffle, Op::ShflXor, 3, 4, S::None});
  t.push_back({"__ballot_sync", K::Vote, Op::Ballot, 2, 2, S::U32});
  t.push_back({"__all_sync", K::Vote, Op::VoteAll, 2, 2, S::I32});
  t.push_back({"__any_sync", K::Vote, Op::VoteAny, 2, 2, S::I32});
  t.push_back({"__activemask", K::NoArg, Op::ActiveMask, 0, 0, S::U32});
  // Synchronisation.
  t.push_back({"__syncthreads", K::NoArg, Op::Barrier, 0, 0, S::None});
  t.push_back({"__syncwarp", K::NoArg, Op::SyncWarp, 0, 1, S::None});
  t.push_back({"__threadfence", K::NoArg, Op::FenceDevice, 0, 0, S::None});
  t.push_back({"__threadfence_block", K::NoArg, Op::FenceBlock, 0, 0, S::None});
  // Vector constructors.
  static const struct {
    const char* name;
    S elem;
    uint8_t count;
  } vecs[] = {
      {"make_float2", S::F32, 2},  {"make_float3", S::F32, 3},    {"make_float4", S::F32, 4},
      {"make_int2", S::I32, 2},    {"make_int3", S::I32, 3},      {"make_int4", S::I32, 4},
      {"make_uint2", S::U32, 2},   {"make_uint3", S::U32, 3},     {"make_uint4", S::U32, 4},
      {"make_double2", S::F64, 2}, {"make_longlong2", S::I64, 2}, {"make_ulonglong2", S::U64, 2},
  };
  for (const auto& v : vecs)
    t.push_back({v.name, K::MakeVector, Op::Construct, v.count, v.count, v.elem, S::None, v.count});
  t.push_back({"__ldg", K::Ldg, Op::Load, 1, 1, S::None});
  t.push_back({"sincosf", K::SinCos, Op::Sin, 3, 3, S::F32});
  t.push_back({"__sincosf", K::SinCos, Op::FastSin, 3, 3, S::F32});
  t.push_back({"sincos", K::SinCos, Op::Sin, 3, 3, S::F64});
  t.push_back({"__saturatef", K::Saturate, Op::Min, 1, 1, S::F32});
  t.push_back({"fdimf", K::Fdim, Op::Max, 2, 2, S::F32});
  t.push_back({"fdim", K::Fdim, Op::Max, 2, 2, S::F64});
  t.push_back({"nearbyintf", K::Math, Op::Rint, 1, 1, S::F32});
  t.push_back({"nearbyint", K::MathOverload, Op::Rint, 1, 1, S::F64});
  return t;
}

}  // namespace

const BuiltinInfo* find_builtin(std::string_view name) {
  static const std::vector<BuiltinInfo> table = build_table();
  static const std::unordered_map<std::string_view, const BuiltinInfo*> by_name = [] {
    std::unordered_map<std::string_view, const BuiltinInfo*> m;
    for (const BuiltinInfo& b : table) m.emplace(b.name, &b);
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

bool is_f32_only_on_vulkan(ir::Op op) {
  switch (op) {
    case Op::Exp:
    case Op::Exp2:
    case Op::Exp10:
    case Op::Expm1:
    case Op::Log:
    case Op::Log2:
    case Op::Log10:
    case Op::Log1p:
    case Op::Pow:
    case Op::Sin:
    case Op::Cos:
    case Op::Tan:
    case Op::Asin:
    case Op::Acos:
    case Op::Atan:
    case Op::Atan2:
    case Op::Sinh:
    case Op::Cosh:
    case Op::Tanh:
    case Op::Asinh:
    case Op::Acosh:
    case Op::Atanh:
      return true;
    default:
      return false;
  }
}

}  // namespace gpuc::frontend
