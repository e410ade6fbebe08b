// Built-in headers: the standard and CUDA headers a CUDA kernel commonly includes, so that it
// compiles unchanged. Searched after the -I directories (as a compiler's own headers are).
#include "preprocess/pp_internal.h"

namespace gpuc::frontend::pp {

namespace {

constexpr const char* kNothingToDeclare =
    "// Built into gpuc: the CUDA device API (threadIdx, blockIdx, __syncthreads, atomics,\n"
    "// warp intrinsics, vector types and make_* functions, the math API) needs no declarations.\n"
    "#pragma once\n";

constexpr const char* kStdint =
    "// Built into gpuc: int8_t ... uint64_t, size_t and ptrdiff_t are built-in types; the limit\n"
    "// macros of C99 7.18.2, with the values of an LP64 target (as nvcc on Linux).\n"
    "#pragma once\n"
    "#define INT8_MIN (-128)\n"
    "#define INT8_MAX 127\n"
    "#define UINT8_MAX 255\n"
    "#define INT16_MIN (-32767 - 1)\n"
    "#define INT16_MAX 32767\n"
    "#define UINT16_MAX 65535\n"
    "#define INT32_MIN (-2147483647 - 1)\n"
    "#define INT32_MAX 2147483647\n"
    "#define UINT32_MAX 4294967295U\n"
    "#define INT64_MIN (-9223372036854775807L - 1)\n"
    "#define INT64_MAX 9223372036854775807L\n"
    "#define UINT64_MAX 18446744073709551615UL\n"
    "#define SIZE_MAX 18446744073709551615UL\n"
    "#define PTRDIFF_MIN (-9223372036854775807L - 1)\n"
    "#define PTRDIFF_MAX 9223372036854775807L\n";

constexpr const char* kLimits =
    "// Built into gpuc: C99 5.2.4.2.1 limits of an LP64 target (as nvcc on Linux; char is "
    "signed).\n"
    "#pragma once\n"
    "#define CHAR_BIT 8\n"
    "#define SCHAR_MIN (-128)\n"
    "#define SCHAR_MAX 127\n"
    "#define UCHAR_MAX 255\n"
    "#define CHAR_MIN (-128)\n"
    "#define CHAR_MAX 127\n"
    "#define SHRT_MIN (-32768)\n"
    "#define SHRT_MAX 32767\n"
    "#define USHRT_MAX 65535\n"
    "#define INT_MIN (-2147483647 - 1)\n"
    "#define INT_MAX 2147483647\n"
    "#define UINT_MAX 4294967295U\n"
    "#define LONG_MIN (-9223372036854775807L - 1L)\n"
    "#define LONG_MAX 9223372036854775807L\n"
    "#define ULONG_MAX 18446744073709551615UL\n"
    "#define LLONG_MIN (-9223372036854775807LL - 1LL)\n"
    "#define LLONG_MAX 9223372036854775807LL\n"
    "#define ULLONG_MAX 18446744073709551615ULL\n";

constexpr const char* kFloat =
    "// Built into gpuc: C99 5.2.4.2.2 characteristics of IEEE-754 binary32 / binary64.\n"
    "#pragma once\n"
    "#define FLT_RADIX 2\n"
    "#define FLT_MANT_DIG 24\n"
    "#define DBL_MANT_DIG 53\n"
    "#define FLT_DIG 6\n"
    "#define DBL_DIG 15\n"
    "#define FLT_MIN_EXP (-125)\n"
    "#define DBL_MIN_EXP (-1021)\n"
    "#define FLT_MIN_10_EXP (-37)\n"
    "#define DBL_MIN_10_EXP (-307)\n"
    "#define FLT_MAX_EXP 128\n"
    "#define DBL_MAX_EXP 1024\n"
    "#define FLT_MAX_10_EXP 38\n"
    "#define DBL_MAX_10_EXP 308\n"
    "#define FLT_MAX 3.40282347e+38F\n"
    "#define DBL_MAX 1.7976931348623157e+308\n"
    "#define FLT_MIN 1.17549435e-38F\n"
    "#define DBL_MIN 2.2250738585072014e-308\n"
    "#define FLT_EPSILON 1.19209290e-07F\n"
    "#define DBL_EPSILON 2.2204460492503131e-16\n"
    "#define FLT_TRUE_MIN 1.40129846e-45F\n"
    "#define DBL_TRUE_MIN 4.9406564584124654e-324\n";

constexpr const char* kMath =
    "// Built into gpuc: the CUDA math API (sqrtf, expf, ...) needs no declarations. The M_*\n"
    "// constants (glibc's values), and INFINITY / NAN as float bit patterns (C99 7.12p4-5).\n"
    "#pragma once\n"
    "#define M_E 2.7182818284590452354\n"
    "#define M_LOG2E 1.4426950408889634074\n"
    "#define M_LOG10E 0.43429448190325182765\n"
    "#define M_LN2 0.69314718055994530942\n"
    "#define M_LN10 2.30258509299404568402\n"
    "#define M_PI 3.14159265358979323846\n"
    "#define M_PI_2 1.57079632679489661923\n"
    "#define M_PI_4 0.78539816339744830962\n"
    "#define M_1_PI 0.31830988618379067154\n"
    "#define M_2_PI 0.63661977236758134308\n"
    "#define M_2_SQRTPI 1.12837916709551257390\n"
    "#define M_SQRT2 1.41421356237309504880\n"
    "#define M_SQRT1_2 0.70710678118654752440\n"
    "#define INFINITY __int_as_float(0x7f800000)\n"
    "#define NAN __int_as_float(0x7fffffff)\n"
    "#define HUGE_VALF INFINITY\n"
    "#define HUGE_VAL __longlong_as_double(0x7ff0000000000000LL)\n";

struct BuiltinHeader {
  std::string_view name;
  const char* text;
};

constexpr BuiltinHeader kHeaders[] = {
    {"cuda_runtime.h", kNothingToDeclare},
    {"cuda_runtime_api.h", kNothingToDeclare},
    {"cuda.h", kNothingToDeclare},
    {"device_launch_parameters.h", kNothingToDeclare},
    {"device_functions.h", kNothingToDeclare},
    {"math_functions.h", kNothingToDeclare},
    {"vector_types.h", kNothingToDeclare},
    {"vector_functions.h", kNothingToDeclare},
    {"stddef.h", kNothingToDeclare},
    {"cstddef", kNothingToDeclare},
    {"stdint.h", kStdint},
    {"cstdint", kStdint},
    {"limits.h", kLimits},
    {"climits", kLimits},
    {"float.h", kFloat},
    {"cfloat", kFloat},
    {"math.h", kMath},
    {"cmath", kMath},
};

}  // namespace

const char* builtin_header(std::string_view name) {
  for (const BuiltinHeader& h : kHeaders)
    if (h.name == name) return h.text;
  return nullptr;
}

}  // namespace gpuc::frontend::pp
