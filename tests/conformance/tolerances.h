// Error bounds of the conformance suite, per operation and per target, with their sources.
//
// References are computed in double (or exactly, for integers) from the same float inputs, so
// a bound is the distance the target may be from the exact result:
//  - add, sub, mul, fma, conversions, min/max, floor/ceil/trunc/round/rint, fabs, copysign: exact
//    (one correct rounding) on both targets: IEEE 754 on CUDA; Vulkan spec 1.3 "Precision and
//    Operation of SPIR-V Instructions": OpFAdd/OpFSub/OpFMul "correctly rounded".
//  - contraction: nvcc and libNVVM contract a*b+c into fma by default (-fmad=true), SPIR-V
//    compilers may too, and Vulkan's GLSL.std.450 Fma may be a separate multiply and add
//    ("inherited from OpFMul followed by OpFAdd"). Expressions that allow it get one extra rounding
//    per product: bounds below are written as k * u * (sum of the magnitudes of the terms).
//  - division: CUDA correctly rounded (-prec-div=true, libNVVM's default); Vulkan 2.5 ulp.
//  - sqrt: CUDA correctly rounded (-prec-sqrt=true); Vulkan "inherited from 1.0 / InverseSqrt()":
//    inversesqrt 2 ulp then a 2.5 ulp division, 5 ulp in all.
//  - math functions: CUDA C Programming Guide, "Mathematical Functions" appendix, table of maximum
//    ulp errors of the single-precision functions (kCudaUlp below); Vulkan: the GLSL.std.450 table
//    of the same section of the Vulkan spec, which is much looser (exp 3 + 2|x| ulp, log 3 ulp
//    outside [0.5, 2] and 2^-21 absolute inside, sin/cos 2^-11 absolute in [-pi, pi], atan/atan2
//    4096 ulp, the rest "inherited" from the formulas they are defined by). Functions GLSL.std.450
//    lacks (cbrt, expm1, log1p, erf, erfc, exp10, hypot, fmod) are gpuc's own SPIR-V expansions;
//    their bound is gpuc's stated accuracy for them, not a Vulkan one (see math_bounds()).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace gpuc::conformance {

inline constexpr double kU = 0x1p-24;   // float unit roundoff: half an ulp of 1.0f
inline constexpr double kUd = 0x1p-53;  // double unit roundoff

// The ulp of the float nearest |x| (the spacing of floats at x; denormal spacing near 0).
inline double ulp_f(double x) {
  double a = std::fabs(x);
  if (a < 0x1p-126) return 0x1p-149;
  int e = std::ilogb(a);
  return std::ldexp(1.0, e - 23);
}
inline double ulp_d(double x) {
  double a = std::fabs(x);
  if (a < 0x1p-1022) return 0x1p-1074;
  return std::ldexp(1.0, std::ilogb(a) - 52);
}

// One single-precision math function's bound on each target: |got - exact| <= ulps * ulp_f(exact)
// + abs. `vk_ulp_per_x` adds that many ulps per unit of |x| (exp's 3 + 2|x|).
struct MathBound {
  double cuda_ulp;
  double vk_ulp;
  double vk_abs;
  double vk_ulp_per_x = 0;
};

inline double math_bound(const MathBound& b, bool cuda, double x, double exact) {
  if (cuda) return b.cuda_ulp * ulp_f(exact);
  return (b.vk_ulp + b.vk_ulp_per_x * std::fabs(x)) * ulp_f(exact) + b.vk_abs;
}

}  // namespace gpuc::conformance
