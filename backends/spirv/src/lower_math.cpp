// Float math: GLSL.std.450 where it has the function with C semantics, exact instruction sequences
// where it has none (docs/spirv-backend.md lists each, with its accuracy).
#include <cmath>

#include "gpuc/support/ice.h"
#include "lower.h"

namespace gpuc::spirv {

using ir::Op;
using SpvOp = spv::Op;

// GLSL.std.450 defines its transcendental functions for 16- and 32-bit floats only.
static bool needs_narrow_float(Op op) {
  switch (op) {
    case Op::Sqrt:
    case Op::Rsqrt:
    case Op::Floor:
    case Op::Ceil:
    case Op::Trunc:
    case Op::Rint:
    case Op::Round:
    case Op::Copysign:
    case Op::Fmod:
    case Op::Fma:
    case Op::FastDiv:
    case Op::IsNan:
    case Op::IsInf:
    case Op::Hypot:
      return false;
    default:
      return true;
  }
}

void Lowering::lower_float_math(const ir::Inst& inst) {
  ir::TypeId operand_type = fn_->type_of(inst.operands[0]);
  Shape s = shape(operand_type);
  Id t = type(operand_type);
  Id x = value(inst, inst.operands[0]);
  Id y = inst.operands.size() > 1 ? value(inst, inst.operands[1]) : 0;
  if (s.width == 64 && needs_narrow_float(inst.op))
    unsupported(inst, "double-precision '" + std::string(ir::op_name(inst.op)) +
                          "' is not available: GLSL.std.450 defines it for 16- and 32-bit floats "
                          "only");
  Id r = 0;
  switch (inst.op) {
    case Op::Sqrt:
      r = glsl(GLSLstd450Sqrt, t, {x});
      break;
    case Op::Rsqrt:
      r = glsl(GLSLstd450InverseSqrt, t, {x});
      break;
    case Op::Cbrt:
      r = math_cbrt(s, x);
      break;
    case Op::Exp:
    case Op::FastExp:
      r = glsl(GLSLstd450Exp, t, {x});
      break;
    case Op::Exp2:
      r = glsl(GLSLstd450Exp2, t, {x});
      break;
    case Op::Exp10:  // 10^x = 2^(x log2 10)
      r = glsl(GLSLstd450Exp2, t, {bin(SpvOp::OpFMul, t, x, fconst(s, 3.321928094887362347870))});
      break;
    case Op::Expm1:
      r = math_expm1(s, x);
      break;
    case Op::Log:
    case Op::FastLog:
      r = glsl(GLSLstd450Log, t, {x});
      break;
    case Op::Log2:
      r = glsl(GLSLstd450Log2, t, {x});
      break;
    case Op::Log10:  // log10 x = log2 x * log10 2
      r = bin(SpvOp::OpFMul, t, glsl(GLSLstd450Log2, t, {x}), fconst(s, 0.301029995663981195214));
      break;
    case Op::Log1p:
      r = math_log1p(s, x);
      break;
    case Op::Sin:
    case Op::FastSin:
      r = glsl(GLSLstd450Sin, t, {x});
      break;
    case Op::Cos:
    case Op::FastCos:
      r = glsl(GLSLstd450Cos, t, {x});
      break;
    case Op::Tan:
      r = glsl(GLSLstd450Tan, t, {x});
      break;
    case Op::Asin:
      r = glsl(GLSLstd450Asin, t, {x});
      break;
    case Op::Acos:
      r = glsl(GLSLstd450Acos, t, {x});
      break;
    case Op::Atan:
      r = glsl(GLSLstd450Atan, t, {x});
      break;
    case Op::Sinh:
      r = glsl(GLSLstd450Sinh, t, {x});
      break;
    case Op::Cosh:
      r = glsl(GLSLstd450Cosh, t, {x});
      break;
    case Op::Tanh:
      r = glsl(GLSLstd450Tanh, t, {x});
      break;
    case Op::Asinh:
      r = glsl(GLSLstd450Asinh, t, {x});
      break;
    case Op::Acosh:
      r = glsl(GLSLstd450Acosh, t, {x});
      break;
    case Op::Atanh:
      r = glsl(GLSLstd450Atanh, t, {x});
      break;
    case Op::Erf:
      r = math_erf(s, x);
      break;
    case Op::Erfc:
      r = math_erfc(s, x);
      break;
    case Op::Floor:
      r = glsl(GLSLstd450Floor, t, {x});
      break;
    case Op::Ceil:
      r = glsl(GLSLstd450Ceil, t, {x});
      break;
    case Op::Trunc:
      r = glsl(GLSLstd450Trunc, t, {x});
      break;
    case Op::Rint:
      r = glsl(GLSLstd450RoundEven, t, {x});
      break;
    case Op::Round:
      r = math_round(s, x);
      break;
    case Op::Pow:
      r = math_pow(s, x, y);
      break;
    case Op::Atan2:
      r = glsl(GLSLstd450Atan2, t, {x, y});
      break;
    case Op::Copysign:
      r = math_copysign(s, x, y);
      break;
    case Op::Fmod:
      r = math_fmod(s, x, y);
      break;
    case Op::Hypot:
      r = math_hypot(s, x, y);
      break;
    case Op::Fma:
      r = glsl(GLSLstd450Fma, t, {x, y, value(inst, inst.operands[2])});
      break;
    case Op::FastDiv:
      r = bin(SpvOp::OpFDiv, t, x, y);
      break;
    case Op::IsNan:
      r = un(SpvOp::OpIsNan, type(inst.type), x);
      break;
    case Op::IsInf:
      r = un(SpvOp::OpIsInf, type(inst.type), x);
      break;
    default:
      GPUC_UNREACHABLE("lower_float_math: " + std::string(ir::op_name(inst.op)));
  }
  define(inst, r);
}

// round(): half away from zero. GLSL.std.450 Round leaves halves implementation-defined, so:
// t = trunc(x); |x - t| >= 0.5 ? t + sign(x) : t  (x - t is exact).
Id Lowering::math_round(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id tr = glsl(GLSLstd450Trunc, t, {x});
  Id frac = glsl(GLSLstd450FAbs, t, {bin(SpvOp::OpFSub, t, x, tr)});
  Id up = bin(SpvOp::OpFOrdGreaterThanEqual, bt, frac, fconst(s, 0.5));
  return sel(t, up, bin(SpvOp::OpFAdd, t, tr, glsl(GLSLstd450FSign, t, {x})), tr);
}

// copysign(x, y) = signbit(y) ? -|x| : |x|: exact for NaN, inf and signed zero. (Not the and/or
// of the bit patterns: Mesa 22.3's llvmpipe miscompiles that pattern when the magnitude comes
// from Pow(|x|, y) and the sign from x, as pow() below needs.)
Id Lowering::math_copysign(const Shape& s, Id x, Id y) {
  Id t = type(s);
  Id ax = glsl(GLSLstd450FAbs, t, {x});
  return sel(t, math_signbit(s, y), un(SpvOp::OpFNegate, t, ax), ax);
}

// signbit(x): the sign bit through a signed-integer compare of the bits (true for -0).
Id Lowering::math_signbit(const Shape& s, Id x) {
  Shape is = s.with(Shape::Int, s.width, true);
  Id bits = un(SpvOp::OpBitcast, type(is), x);
  return bin(SpvOp::OpSLessThan, type(s.with(Shape::Bool, 1)), bits, iconst(is, 0));
}

// expm1(x): |x| < 0.5: the Maclaurin series to x^9/9! (truncation < 3e-10 relative), else
// exp(x) - 1 (no harmful cancellation there). Not Kahan's u-1 trick: it needs an accurate log
// near 1, which GLSL.std.450 does not promise (absolute error 2^-21 in [0.5, 2]).
Id Lowering::math_expm1(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id p = fconst(s, 1.0 / 362880);
  static const double c[] = {1.0,       1.0 / 2,   1.0 / 6,    1.0 / 24,
                             1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320};
  for (int k = 7; k >= 0; --k) p = glsl(GLSLstd450Fma, t, {p, x, fconst(s, c[k])});
  Id series = bin(SpvOp::OpFMul, t, p, x);
  Id direct = bin(SpvOp::OpFSub, t, glsl(GLSLstd450Exp, t, {x}), fconst(s, 1));
  Id small = bin(SpvOp::OpFOrdLessThan, bt, glsl(GLSLstd450FAbs, t, {x}), fconst(s, 0.5));
  return sel(t, small, series, direct);
}

// log1p(x): |x| < 0.4: 2 atanh(s) with s = x / (2 + x), |s| <= 0.25, by its series to s^13
// (truncation < 3e-9 relative); else log(1 + x). Special values fall out of log: -1 -> -inf,
// < -1 and -inf -> NaN, +inf -> +inf.
Id Lowering::math_log1p(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id q = bin(SpvOp::OpFDiv, t, x, bin(SpvOp::OpFAdd, t, fconst(s, 2), x));
  Id q2 = bin(SpvOp::OpFMul, t, q, q);
  static const double c[] = {1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13};
  Id p = fconst(s, c[6]);
  for (int k = 5; k >= 0; --k) p = glsl(GLSLstd450Fma, t, {p, q2, fconst(s, c[k])});
  Id series = bin(SpvOp::OpFMul, t, bin(SpvOp::OpFMul, t, q, p), fconst(s, 2));
  Id direct = glsl(GLSLstd450Log, t, {bin(SpvOp::OpFAdd, t, fconst(s, 1), x)});
  Id small = bin(SpvOp::OpFOrdLessThan, bt, glsl(GLSLstd450FAbs, t, {x}), fconst(s, 0.4));
  return sel(t, small, series, direct);
}

// fmod(x, y) with C's rules on top of OpFRem (whose Vulkan precision is that of
// x - y * trunc(x / y)): copysign(FRem(|x|, |y|), x), so the result has x's sign, zeros
// included; fmod(finite x, ±inf) = x.
Id Lowering::math_fmod(const Shape& s, Id x, Id y) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  // On |x| and |y| OpFRem and OpFMod agree, so a driver that gives OpFRem the divisor's sign
  // (as NVIDIA's does for OpSRem, see lower_arith) cannot change the result.
  Id ax = glsl(GLSLstd450FAbs, t, {x}), ay = glsl(GLSLstd450FAbs, t, {y});
  Id r = math_copysign(s, bin(SpvOp::OpFRem, t, ax, ay), x);
  Id keep_x =
      bin(SpvOp::OpLogicalAnd, bt, un(SpvOp::OpIsInf, bt, y),
          un(SpvOp::OpLogicalNot, bt,
             bin(SpvOp::OpLogicalOr, bt, un(SpvOp::OpIsInf, bt, x), un(SpvOp::OpIsNan, bt, x))));
  return sel(t, keep_x, x, r);
}

// cbrt(x): y = sign(x) * 2^(log2|x| / 3), one Newton step y -= (y^3 - x) / (3 y^2);
// x = 0, ±inf and NaN pass through.
Id Lowering::math_cbrt(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id ax = glsl(GLSLstd450FAbs, t, {x});
  Id y0 = glsl(GLSLstd450Exp2, t,
               {bin(SpvOp::OpFMul, t, glsl(GLSLstd450Log2, t, {ax}), fconst(s, 1.0 / 3.0))});
  y0 = bin(SpvOp::OpFMul, t, y0, glsl(GLSLstd450FSign, t, {x}));
  Id y2 = bin(SpvOp::OpFMul, t, y0, y0);
  Id num = bin(SpvOp::OpFSub, t, bin(SpvOp::OpFMul, t, y2, y0), x);
  Id den = bin(SpvOp::OpFMul, t, y2, fconst(s, 3));
  Id y1 = bin(SpvOp::OpFSub, t, y0, bin(SpvOp::OpFDiv, t, num, den));
  Id special =
      bin(SpvOp::OpLogicalOr, bt, bin(SpvOp::OpFOrdEqual, bt, x, fconst(s, 0)),
          bin(SpvOp::OpLogicalOr, bt, un(SpvOp::OpIsInf, bt, x), un(SpvOp::OpIsNan, bt, x)));
  return sel(t, special, x, y1);
}

// hypot(x, y) without overflow: a = max(|x|,|y|), b = min; a * sqrt(1 + (b/a)^2); 0 when a == 0;
// +inf when either is infinite (even if the other is NaN), as C.
Id Lowering::math_hypot(const Shape& s, Id x, Id y) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id ax = glsl(GLSLstd450FAbs, t, {x}), ay = glsl(GLSLstd450FAbs, t, {y});
  Id a = glsl(GLSLstd450NMax, t, {ax, ay}), b = glsl(GLSLstd450NMin, t, {ax, ay});
  Id q = bin(SpvOp::OpFDiv, t, b, a);
  Id r = bin(
      SpvOp::OpFMul, t, a,
      glsl(GLSLstd450Sqrt, t, {bin(SpvOp::OpFAdd, t, fconst(s, 1), bin(SpvOp::OpFMul, t, q, q))}));
  r = sel(t, bin(SpvOp::OpFOrdEqual, bt, a, fconst(s, 0)), fconst(s, 0), r);
  Id any_inf = bin(SpvOp::OpLogicalOr, bt, un(SpvOp::OpIsInf, bt, x), un(SpvOp::OpIsInf, bt, y));
  Id nan = bin(SpvOp::OpLogicalOr, bt, un(SpvOp::OpIsNan, bt, x), un(SpvOp::OpIsNan, bt, y));
  r = sel(t, nan, bin(SpvOp::OpFAdd, t, x, y), r);
  return sel(t, any_inf, fconst(s, INFINITY), r);
}

// pow(x, y) with C's special cases around GLSL's Pow (undefined for x < 0, and x == 0, y <= 0):
//   r = Pow(|x|, y); x < 0: integer y -> r with the sign of (-1)^y, else NaN;
//   x == 0: y < 0 -> +inf (signed -0 ^ odd -> -inf), y > 0 -> +0 (or -0 for odd y);
//   y == 0 -> 1 (even for NaN x); x == 1 -> 1.
Id Lowering::math_pow(const Shape& s, Id x, Id y) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id ax = glsl(GLSLstd450FAbs, t, {x});
  Id r = glsl(GLSLstd450Pow, t, {ax, y});
  Id y_int = bin(SpvOp::OpFOrdEqual, bt, glsl(GLSLstd450Trunc, t, {y}), y);
  Id half = bin(SpvOp::OpFMul, t, y, fconst(s, 0.5));
  Id y_odd = bin(SpvOp::OpLogicalAnd, bt, y_int,
                 bin(SpvOp::OpFUnordNotEqual, bt, glsl(GLSLstd450Trunc, t, {half}), half));
  Id x_zero = bin(SpvOp::OpFOrdEqual, bt, x, fconst(s, 0));
  Id zero_case =
      sel(t, bin(SpvOp::OpFOrdLessThan, bt, y, fconst(s, 0)), fconst(s, INFINITY), fconst(s, 0));
  r = sel(t, x_zero, zero_case, r);
  Id neg = sel(t, y_int, r, fconst(s, NAN));
  Id x_neg = bin(SpvOp::OpFOrdLessThan, bt, x, fconst(s, 0));
  r = sel(t, x_neg, neg, r);
  // Odd integer powers of a negative base (or of -0) are negative.
  Id flip = bin(SpvOp::OpLogicalAnd, bt, y_odd, math_signbit(s, x));
  r = sel(t, flip, un(SpvOp::OpFNegate, t, r), r);
  Id one = bin(SpvOp::OpLogicalOr, bt, bin(SpvOp::OpFOrdEqual, bt, y, fconst(s, 0)),
               bin(SpvOp::OpFOrdEqual, bt, x, fconst(s, 1)));
  return sel(t, one, fconst(s, 1), r);
}

// erfc(x) (Numerical Recipes erfcc, Chebyshev fit, fractional error < 1.2e-7 everywhere):
// z = |x|, u = 1/(1 + z/2), a = u exp(-z^2 - 1.26551223 + u P(u)); x >= 0 ? a : 2 - a.
Id Lowering::math_erfc(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  static const double c[] = {-1.26551223, 1.00002368,  0.37409196, 0.09678418,  -0.18628806,
                             0.27886807,  -1.13520398, 1.48851587, -0.82215223, 0.17087277};
  Id z = glsl(GLSLstd450FAbs, t, {x});
  Id u = bin(SpvOp::OpFDiv, t, fconst(s, 1),
             glsl(GLSLstd450Fma, t, {z, fconst(s, 0.5), fconst(s, 1)}));
  Id p = fconst(s, c[9]);
  for (int k = 8; k >= 0; --k) p = glsl(GLSLstd450Fma, t, {p, u, fconst(s, c[k])});
  Id e = bin(SpvOp::OpFSub, t, p, bin(SpvOp::OpFMul, t, z, z));
  Id a = bin(SpvOp::OpFMul, t, u, glsl(GLSLstd450Exp, t, {e}));
  Id ge = bin(SpvOp::OpFOrdGreaterThanEqual, bt, x, fconst(s, 0));
  Id r = sel(t, ge, a, bin(SpvOp::OpFSub, t, fconst(s, 2), a));
  return sel(t, un(SpvOp::OpIsNan, bt, x), x, r);
}

// erf(x): |x| < 0.5: the Maclaurin series 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216)
// (truncation < 1e-8 relative); otherwise 1 - erfc(x) with erfc above.
Id Lowering::math_erf(const Shape& s, Id x) {
  Id t = type(s), bt = type(s.with(Shape::Bool, 1));
  Id x2 = bin(SpvOp::OpFMul, t, x, x);
  static const double c[] = {1.0, -1.0 / 3, 1.0 / 10, -1.0 / 42, 1.0 / 216, -1.0 / 1320};
  Id p = fconst(s, c[5]);
  for (int k = 4; k >= 0; --k) p = glsl(GLSLstd450Fma, t, {p, x2, fconst(s, c[k])});
  Id small = bin(SpvOp::OpFMul, t, bin(SpvOp::OpFMul, t, p, x), fconst(s, 1.1283791670955126));
  Id large = bin(SpvOp::OpFSub, t, fconst(s, 1), math_erfc(s, x));
  Id is_small = bin(SpvOp::OpFOrdLessThan, bt, glsl(GLSLstd450FAbs, t, {x}), fconst(s, 0.5));
  return sel(t, is_small, small, large);
}

}  // namespace gpuc::spirv
