// The conformance table: for each corpus kernel (tests/kernels/*.gk), how to build its inputs,
// its launch shape, its CPU reference and how its outputs are compared (tolerances.h has the
// floating-point bounds and their sources). Integers and bit patterns are compared exactly.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "harness.h"
#include "tolerances.h"

namespace gpuc::conformance {
namespace {

// Host mirrors of the kernel language's vector types (C layout, types.h).
struct alignas(8) Float2 {
  float x, y;
};
struct Float3 {
  float x, y, z;
};
struct alignas(16) Float4 {
  float x, y, z, w;
};
struct alignas(8) Int2 {
  int32_t x, y;
};
struct alignas(16) Int4 {
  int32_t x, y, z, w;
};
struct alignas(16) UInt4 {
  uint32_t x, y, z, w;
};
struct alignas(16) Double2 {
  double x, y;
};

rt::Dim3 blocks_for(size_t n, uint32_t block) {
  return rt::Dim3(uint32_t((n + block - 1) / block));
}

// Bound for an expression whose float evaluation rounds at most `k` times with every
// intermediate at most `mag` in magnitude: k * u * mag (Higham, "Accuracy and Stability of
// Numerical Algorithms", section 3.1).
double rounding_bound(double k, double mag) {
  return k * kU * mag;
}

// ---------------------------------------------------------------------------------------------
void atomic_cas_float_max(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> in = c.floats(n, -1000.0f, 1000.0f);
  auto din = c.buffer(in);
  auto result =
      c.filled<int32_t>(1, std::bit_cast<int32_t>(-std::numeric_limits<float>::infinity()));
  auto last = c.filled<int32_t>(1, -1);
  auto swaps = c.filled<int32_t>(n, 0);
  c.launch("atomic_cas_float_max", blocks_for(n, 256), 256, {din, result, last, swaps, n});
  float want = *std::max_element(in.begin(), in.end());
  c.exact("result", c.read(result), {std::bit_cast<int32_t>(want)});
  // atomicExch hands each previous value out exactly once: the values seen plus the final one
  // are -1 and 0..n-1, each once (in a scheduling-dependent order).
  std::vector<int32_t> seen = c.read(swaps);
  seen.push_back(c.read(last)[0]);
  std::sort(seen.begin(), seen.end());
  std::vector<int32_t> all(n + 1);
  std::iota(all.begin(), all.end(), -1);
  c.exact("swaps (as a set)", seen, all, false);
}

void atomics_bitwise(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  const uint32_t block = 256;
  uint32_t blocks = uint32_t((n + block - 1) / block);
  std::vector<uint32_t> in = c.ints<uint32_t>(n, 0, 0xffffffffu);
  auto din = c.buffer(in);
  auto out = c.filled<uint32_t>(blocks * 6, 0);
  c.launch("atomics_bitwise", blocks, block, {din, out, n});
  std::vector<uint32_t> want(blocks * 6);
  for (uint32_t b = 0; b < blocks; ++b) {
    uint32_t a = 0xffffffffu, o = 0, x = 0, mx = 0;
    int32_t sub = 0, mn = 2147483647;
    for (int i = int(b * block); i < std::min<int>(n, int((b + 1) * block)); ++i) {
      a &= in[i], o |= in[i], x ^= in[i], mx = std::max(mx, in[i]);
      sub = int32_t(uint32_t(sub) - (in[i] & 0xffu));
      mn = std::min(mn, int32_t(in[i]));
    }
    uint32_t* w = &want[b * 6];
    w[0] = a, w[1] = o, w[2] = x, w[3] = mx, w[4] = uint32_t(sub), w[5] = uint32_t(mn);
  }
  c.exact("out", c.read(out), want);
}

void atomics_int64(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<int64_t> v = c.ints<int64_t>(n, -(int64_t(1) << 40), int64_t(1) << 40);
  auto dv = c.buffer(v);
  auto stats = c.filled<uint64_t>(2, 0);
  auto extremes = c.buffer(std::vector<int64_t>{INT64_MAX, INT64_MIN});
  c.launch("atomics_int64", blocks_for(n, 256), 256, {dv, stats, extremes, n});
  uint64_t sum = 0, neg = 0;
  for (int64_t x : v) sum += uint64_t(x), neg += x < 0;
  c.exact("stats", c.read(stats), {sum, neg});
  c.exact("extremes", c.read(extremes),
          {*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())});
}

uint32_t brev32(uint32_t x) {
  uint32_t r = 0;
  for (int b = 0; b < 32; ++b) r |= ((x >> b) & 1u) << (31 - b);
  return r;
}
uint64_t brev64(uint64_t x) {
  return (uint64_t(brev32(uint32_t(x))) << 32) | brev32(uint32_t(x >> 32));
}

void bit_tricks(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<uint32_t> in = c.ints<uint32_t>(n, 0, 0xffffffffu);
  in[0] = 0, in[1] = 1, in[2] = 0x80000000u, in[3] = 0xffffffffu;  // edge cases
  for (int i = 4; i < n; i += 3) in[i] >>= (in[i] & 31);           // vary the leading zeros
  auto din = c.buffer(in);
  auto out = c.filled<uint32_t>(4 * n, 0);
  auto out64 = c.filled<uint64_t>(n, 0);
  c.launch("bit_tricks", blocks_for(n, 256), 256, {din, out, out64, n});
  std::vector<uint32_t> want(4 * n);
  std::vector<uint64_t> want64(n);
  for (int i = 0; i < n; ++i) {
    uint32_t x = in[i];
    want[4 * i + 0] = std::popcount(x);
    want[4 * i + 1] = std::countl_zero(x);
    want[4 * i + 2] = x ? std::countr_zero(x) + 1 : 0;
    want[4 * i + 3] = brev32(x);
    uint64_t w = uint64_t(x) * 0x100000001ull;
    uint64_t packed = uint64_t(std::popcount(w)) | (uint64_t(std::countl_zero(w)) << 8) |
                      (uint64_t(w ? std::countr_zero(w) + 1 : 0) << 16);
    want64[i] = packed ^ brev64(w);
  }
  c.exact("out", c.read(out), want);
  c.exact("out64", c.read(out64), want64);
}

void bitonic_sort_step(Ctx& c) {
  int n = int(c.size(1 << 10, 1 << 20));
  std::vector<float> data = c.floats(n, -100.0f, 100.0f);
  auto d = c.buffer(data);
  uint32_t block = 256;
  for (int k = 2; k <= n; k <<= 1)
    for (int j = k >> 1; j > 0; j >>= 1)
      c.launch("bitonic_sort_step", blocks_for(n, block), block, {d, j, k});
  std::sort(data.begin(), data.end());
  c.exact("data", c.read(d), data);
}

double cnd_ref(double d) {
  const double a1 = 0.31938153f, a2 = -0.356563782f, a3 = 1.781477937f, a4 = -1.821255978f,
               a5 = 1.330274429f, rsqrt2pi = 0.39894228040143267793994605993438f;
  double k = 1.0 / (1.0 + double(0.2316419f) * std::fabs(d));
  double cnd =
      rsqrt2pi * std::exp(-0.5 * d * d) * (k * (a1 + k * (a2 + k * (a3 + k * (a4 + k * a5)))));
  return d > 0 ? 1.0 - cnd : cnd;
}

void black_scholes(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> S = c.floats(n, 5.0f, 30.0f), X = c.floats(n, 1.0f, 100.0f),
                     T = c.floats(n, 0.25f, 10.0f);
  const float R = 0.02f, V = 0.30f;
  auto dS = c.buffer(S);
  auto dX = c.buffer(X);
  auto dT = c.buffer(T);
  auto call = c.filled<float>(n, 0);
  auto put = c.filled<float>(n, 0);
  c.launch("black_scholes", blocks_for(n, 256), 256, {call, put, dS, dX, dT, R, V, n});
  std::vector<double> wc(n), wp(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double s = S[i], x = X[i], t = T[i], sq = std::sqrt(t);
    double d1 = (std::log(s / x) + (R + 0.5 * double(V) * V) * t) / (V * sq);
    double d2 = d1 - V * sq;
    double c1 = cnd_ref(d1), c2 = cnd_ref(d2), e = std::exp(-double(R) * t);
    wc[i] = s * c1 - x * e * c2;
    wp[i] = x * e * (1.0 - c2) - s * (1.0 - c1);
    // d1 carries the error of log (Vulkan: 2^-21 absolute near 1, else 3 ulp), the division and
    // the sums, amplified by 1 / (V sqrt(T)) <= 6.7; cnd' <= 0.4 passes it on, and the prices
    // multiply by s and x: 2^-14 * (s + x) covers both targets (CUDA's logf/expf are 1-2 ulp).
    bound[i] = 0x1p-14 * (s + x);
  }
  c.within("call", c.read(call), wc, bound);
  c.within("put", c.read(put), wp, bound);
}

float float2int_mode(float v, int mode) {
  switch (mode) {
    case 0:
      return std::nearbyint(v);  // default rounding: to nearest even
    case 1:
      return std::trunc(v);
    case 2:
      return std::floor(v);
    default:
      return std::ceil(v);
  }
}

void casts_bitcasts(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> x = c.floats(n, -1000.0f, 1000.0f);
  x[0] = 2.5f, x[1] = -2.5f, x[2] = 3.5f, x[3] = -0.5f, x[4] = 0.0f, x[5] = 127.9f, x[6] = -129.0f;
  x[7] = 1e-8f, x[8] = -3e-8f;  // (-x + 1) - 1 rounds to 0: no reassociation to -x allowed
  auto dx = c.buffer(x);
  auto bits = c.filled<uint32_t>(n, 0);
  auto wrap = c.filled<uint32_t>(n, 0);
  auto ints = c.filled<int32_t>(4 * n, 0);
  auto narrow = c.filled<int32_t>(n, 0);
  auto back = c.filled<float>(n, 0);
  c.launch("casts_bitcasts", blocks_for(n, 256), 256, {dx, bits, ints, back, narrow, wrap, n});
  std::vector<uint32_t> wb(n), ww(n);
  std::vector<int32_t> wi(4 * n), wn(n);
  std::vector<float> wback(n);
  for (int i = 0; i < n; ++i) {
    float v = x[i];
    wb[i] = std::bit_cast<uint32_t>(v);
    for (int m = 0; m < 4; ++m) wi[4 * i + m] = int32_t(float2int_mode(v, m));
    // Float adds only: one rounding each, the same on every IEEE target.
    volatile float neg = std::bit_cast<float>(wb[i] ^ 0x80000000u);
    volatile float sum = neg + 1.0f;
    wback[i] = sum - 1.0f;
    wn[i] = int32_t(int8_t(int32_t(v)));
    ww[i] = uint32_t(i) - 1u - uint32_t(n);
  }
  c.exact("bits", c.read(bits), wb);
  c.exact("ints", c.read(ints), wi);
  // Vulkan lets a compiler reassociate float arithmetic unless it is decorated NoContraction
  // (the VK_KHR_shader_float_controls2 proposal: without it, evaluation is "less strict than
  // -ffast-math"), and Mesa's llvmpipe folds (-x + 1) - 1 into -x. On Vulkan either result is
  // accepted and the reassociated ones are counted in the report; CUDA must match exactly.
  std::vector<float> gback = c.read(back);
  if (!c.is_cuda()) {
    size_t reassociated = 0;
    for (int i = 0; i < n; ++i) {
      float folded = std::bit_cast<float>(wb[i] ^ 0x80000000u);
      if (std::bit_cast<uint32_t>(gback[i]) != std::bit_cast<uint32_t>(wback[i]) &&
          std::bit_cast<uint32_t>(gback[i]) == std::bit_cast<uint32_t>(folded)) {
        gback[i] = wback[i];
        ++reassociated;
      }
    }
    if (reassociated) c.note(std::to_string(reassociated) + " sums reassociated by the driver");
  }
  c.exact("back", gback, wback, c.is_cuda());
  c.exact("narrow", c.read(narrow), wn);
  c.exact("wrap", c.read(wrap), ww);
}

void comma_operator(Ctx& c) {
  int seg = 37, segments = int(c.size(64, 1 << 14));
  std::vector<int32_t> data = c.ints<int32_t>(size_t(seg) * segments, -1000000, 1000000);
  auto d = c.buffer(data);
  c.launch("comma_operator", blocks_for(segments, 64), 64, {d, seg, segments});
  for (int s = 0; s < segments; ++s)
    std::reverse(data.begin() + s * seg, data.begin() + (s + 1) * seg);
  c.exact("data", c.read(d), data);
}

void compound_assign(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<int32_t> ints = c.ints<int32_t>(n, -100000, 100000);
  std::vector<float> floats = c.floats(n, -1000.0f, 1000.0f);
  auto di = c.buffer(ints);
  auto df = c.buffer(floats);
  c.launch("compound_assign", blocks_for(n, 256), 256, {di, df, n});
  std::vector<double> wf(n), bound(n);
  for (int i = 0; i < n; ++i) {
    int32_t x = ints[i];
    x += 7, x -= 3, x *= 5, x /= 2, x %= 1000, x <<= 2, x >>= 1, x &= 0xfff, x |= 0x1000, x ^= 0x55;
    int32_t pre = ++x;
    int32_t post = x--;
    ints[i] = x + pre - post;
    volatile float f = floats[i];  // volatile: no contraction, float rounding at each step
    f = f + 1.5f;
    f = f - 0.25f;
    f = f * 2.0f;
    // CUDA divides correctly rounded; Vulkan's OpFDiv is 2.5 ulp: the quotient and the final add.
    double q = double(f) / 4.0;
    wf[i] = q + 1.0;
    bound[i] = (c.is_cuda() ? 0.5 : 3.0) * ulp_f(q) + 0.5 * ulp_f(wf[i]) + kU * std::fabs(wf[i]);
  }
  c.exact("ints", c.read(di), ints);
  c.within("floats", c.read(df), wf, bound);
}

void constant_table(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> x = c.floats(n, -2.0f, 2.0f);
  std::vector<int32_t> keys = c.ints<int32_t>(n, -100, 100);
  auto dx = c.buffer(x);
  auto y = c.filled<float>(n, 0);
  auto dk = c.buffer(keys);
  auto w = c.filled<int32_t>(n, 0);
  c.launch("constant_table", blocks_for(n, 256), 256, {dx, y, dk, w, n});
  const float coeffs[6] = {1.0f, -0.5f, 0.25f, -0.125f, 0.0625f, -0.03125f};
  const int weights[8] = {3, 1, 4, 1, 5, 9, 2, 6};
  std::vector<double> wy(n), bound(n);
  std::vector<int32_t> ww(n);
  for (int i = 0; i < n; ++i) {
    double acc = coeffs[5], abs_acc = std::fabs(coeffs[5]);
    for (int k = 4; k >= 0; --k) {
      acc = acc * x[i] + coeffs[k];
      abs_acc = abs_acc * std::fabs(x[i]) + std::fabs(coeffs[k]);
    }
    wy[i] = acc;
    bound[i] = rounding_bound(2 * 5 + 1, abs_acc);  // Horner: 2 roundings per step (eq. 5.3)
    ww[i] = weights[keys[i] & 7];
  }
  c.within("y", c.read(y), wy, bound);
  c.exact("w", c.read(w), ww);
}

void conversions(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<int32_t> a = c.ints<int32_t>(n, INT32_MIN, INT32_MAX);
  std::vector<uint32_t> b = c.ints<uint32_t>(n, 0, 0xffffffffu);
  std::vector<float> f = c.floats(n, -1e6f, 1e6f);
  for (int i = 0; i < n; i += 4) b[i] %= 20;  // exercise u > 10u both ways
  auto da = c.buffer(a);
  auto out = c.filled<int64_t>(6 * n, 0);
  auto db = c.buffer(b);
  auto df = c.buffer(f);
  auto outf = c.filled<float>(n, 0);
  auto outd = c.filled<double>(n, 0);
  c.launch("conversions", blocks_for(n, 256), 256, {da, db, df, out, outf, outd, n});
  std::vector<int64_t> wo(6 * n);
  std::vector<double> wf(n), bf(n), wd(n), bd(n);
  for (int i = 0; i < n; ++i) {
    int32_t x = a[i];
    uint32_t u = b[i];
    int16_t s = int16_t(x);
    uint8_t ch = uint8_t(u);
    wo[6 * i + 0] = int64_t(uint32_t(x) + u);
    wo[6 * i + 1] = int64_t(x) * int64_t(u);
    wo[6 * i + 2] = int32_t(s) * int32_t(ch);
    wo[6 * i + 3] = int32_t(f[i]);
    wo[6 * i + 4] = (x < 0) + (u > 10u);
    wo[6 * i + 5] = int64_t(x) - int64_t(u);
    // x / 2 + u / 3u is unsigned (wrapping), converted to float (one rounding), plus f / 2.
    float iu = float(uint32_t(x / 2) + u / 3u);
    double half = double(f[i]) / 2.0;
    wf[i] = double(iu) + half;
    bf[i] = (c.is_cuda() ? 0.0 : 2.5) * ulp_f(half) + 0.5 * ulp_f(wf[i]);
    // (double)f * 0.1 + (double)x: the product rounds (or fuses), then the sum.
    double p = double(f[i]) * 0.1;
    wd[i] = p + double(x);
    bd[i] = ulp_d(p) + ulp_d(wd[i]);
  }
  c.exact("out", c.read(out), wo);
  c.within("outf", c.read(outf), wf, bf);
  c.within("outd", c.read(outd), wd, bd);
}

void device_functions(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> a = c.floats(n, -10, 10), b = c.floats(n, -10, 10),
                     t = c.floats(n, -0.5f, 1.5f);
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto dt = c.buffer(t);
  auto out = c.filled<float>(n, 0);
  c.launch("device_functions", blocks_for(n, 256), 256, {da, db, dt, out, n});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double cl = std::min(std::max(double(t[i]), 0.0), 1.0);
    double s = cl * cl * (3.0 - 2.0 * cl);
    want[i] = a[i] + (double(b[i]) - a[i]) * s;
    // smoothstep: 4 roundings relative to s <= 1; lerp: 3 more, on magnitudes <= |a| + |b|.
    bound[i] = rounding_bound(8, std::fabs(a[i]) + std::fabs(b[i]));
  }
  c.within("out", c.read(out), want, bound);
}

void dim3_grid_stride(Ctx& c) {
  int n = int(c.size(5000, 1 << 22));
  const float scale = 0.37f;
  auto out = c.filled<float>(n, -1.0f);
  c.launch("dim3_grid_stride", rt::Dim3(3, 2), 64, {out, n, scale});  // far fewer threads than n
  std::vector<float> want(n);
  for (int i = 0; i < n; ++i) want[i] = float(uint32_t(i)) * scale;
  c.exact("out", c.read(out), want);
}

void do_while(Ctx& c) {
  int n = int(c.size(1000, 1 << 18));
  std::vector<uint32_t> start = c.ints<uint32_t>(n, 1, 100000);
  start[0] = 1, start[1] = 2, start[2] = 27;
  auto ds = c.buffer(start);
  auto steps = c.filled<int32_t>(n, -1);
  c.launch("do_while", blocks_for(n, 256), 256, {ds, steps, n});
  std::vector<int32_t> want(n);
  for (int i = 0; i < n; ++i) {
    uint32_t x = start[i];
    int count = 0;
    if (x > 1) {
      do {
        ++count;
        if ((x & 1u) == 0u) {
          x /= 2u;
          continue;
        }
        x = 3u * x + 1u;
      } while (x != 1u && count < 1000);
    }
    want[i] = count;
  }
  c.exact("steps", c.read(steps), want);
}

void double_math(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<double> a = c.doubles(n, -100, 100), b = c.doubles(n, -100, 100),
                      cc = c.doubles(n, -100, 100);
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto dc = c.buffer(cc);
  auto out = c.filled<double>(n, 0);
  c.launch("double_math", blocks_for(n, 256), 256, {da, db, dc, out, n});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double x = a[i], y = b[i], z = cc[i];
    long double terms[] = {std::sqrt((long double)std::fabs(x)),
                           std::fmal(x, y, z),
                           std::floor(y) - (long double)std::ceil(z),
                           (long double)std::fmin(x, y) * std::fmax(y, z),
                           std::trunc(x * 0.5),
                           std::round(y),
                           std::copysign(1.0, z)};
    long double r = 0, mag = 0;
    for (long double t : terms) r += t, mag += std::fabs(t);
    want[i] = double(r);
    // Six sums and a product (contractible): 8 roundings of the running magnitude; sqrt: CUDA
    // correctly rounded, Vulkan inherited from 1 / inversesqrt (5 ulp).
    bound[i] = 8 * kUd * double(mag) + 5 * ulp_d(double(terms[0]));
  }
  c.within("out", c.read(out), want, bound);
}

void double_transcendental(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<double> x = c.doubles(n, -4, 4);
  auto dx = c.buffer(x);
  auto out = c.filled<double>(n, 0);
  c.launch("double_transcendental", blocks_for(n, 256), 256, {dx, out, n});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    long double v = x[i];
    long double e = std::exp(-v * v), co = std::cos(v), l = std::log1p(std::fabs(v)),
                p = std::pow(std::fabs(v), 1.5L), at = std::atan2(v, 2.0L);
    want[i] = double(e * co + l + p + at);
    // CUDA double: exp 1 ulp, cos 2, log1p 1, pow 2, atan2 2 (CUDA guide, double table), plus
    // the products and sums: 6 ulp of the magnitudes covers both.
    bound[i] = 6 * 2 * kUd * double(std::fabs(e * co) + l + p + std::fabs(at));
  }
  c.within("out", c.read(out), want, bound);
}

void extern_c(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> x = c.floats(n, -100, 100);
  auto dx = c.buffer(x);
  const float s = 1.75f, o = -3.25f;
  c.launch("scale", blocks_for(n, 256), 256, {dx, s, n});
  c.launch("offset", blocks_for(n, 256), 256, {dx, o, n});
  for (float& v : x) {
    volatile float p = v * s;
    v = p + o;
  }
  c.exact("x", c.read(dx), x);
}

void fast_math(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> x = c.floats(n, -0.9f, 3.0f);  // x + 1 > 0: __logf's domain
  auto dx = c.buffer(x);
  auto out = c.filled<float>(n, 0);
  c.launch("fast_math", blocks_for(n, 256), 256, {dx, out, n});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double v = x[i];
    float v1 = float(x[i] + 1.0f);
    double e = std::exp(v), l = std::log(double(v1)), s = std::sin(v), co = std::cos(v),
           d = v / 3.0;
    want[i] = e + l + s * co + d;
    // CUDA guide, intrinsic functions: __expf 2 + floor(|1.173 x|) ulp; __logf 2^-21.41 absolute
    // in [0.5, 2] else 3 ulp; __sinf/__cosf 2^-21.41 absolute in [-pi, pi]; __fdividef 2 ulp.
    // Vulkan: Exp 3 + 2|x| ulp, Log 2^-21 / 3 ulp, Sin/Cos 2^-11 absolute, division 2.5 ulp.
    double be, bl, bs, bd;
    if (c.is_cuda()) {
      be = (2 + std::floor(std::fabs(1.173 * v))) * ulp_f(e);
      bl = (v1 >= 0.5f && v1 <= 2.0f) ? 0x1p-21 : 3 * ulp_f(l);
      bs = 0x1p-21;
      bd = 2 * ulp_f(d);
    } else {
      be = (3 + 2 * std::fabs(v)) * ulp_f(e);
      bl = (v1 >= 0.5f && v1 <= 2.0f) ? 0x1p-21 : 3 * ulp_f(l);
      bs = 0x1p-11;
      bd = 2.5 * ulp_f(d);
    }
    bl += std::fabs(1.0 / v1) * 0.5 * ulp_f(v1);  // x + 1 rounds before the log
    bound[i] = be + bl + bs * (std::fabs(co) + std::fabs(s) + bs) + bd +
               rounding_bound(5, std::fabs(e) + std::fabs(l) + std::fabs(s * co) + std::fabs(d));
  }
  c.within("out", c.read(out), want, bound);
}

void fixed_block(Ctx& c) {
  int w = int(c.size(45, 1000)), h = int(c.size(37, 777));
  std::vector<float> in = c.floats(size_t(w) * h, 0.0f, 1.0f);
  auto din = c.buffer(in);
  auto out = c.filled<float>(in.size(), 0);
  c.launch("fixed_block", rt::Dim3((w + 15) / 16, (h + 15) / 16), rt::Dim3(16, 16),
           {din, out, w, h});
  std::vector<double> want(in.size()), bound(in.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          s += in[size_t(std::clamp(y + dy, 0, h - 1)) * w + std::clamp(x + dx, 0, w - 1)];
      want[size_t(y) * w + x] = s / 9.0;
      // 8 sums (running magnitude <= s), then the division (Vulkan: 2.5 ulp).
      bound[size_t(y) * w + x] = rounding_bound(8, s) / 9.0 + 3 * ulp_f(s / 9.0);
    }
  c.within("out", c.read(out), want, bound);
}

void histogram(Ctx& c) {
  int n = int(c.size(5000, 1 << 22));
  std::vector<uint32_t> data = c.ints<uint32_t>(n, 0, 255);
  for (int i = 0; i < n; i += 3) data[i] = 7;  // one hot bin: heavy contention
  auto dd = c.buffer(data);
  auto bins = c.filled<uint32_t>(256, 0);
  c.launch("histogram", rt::Dim3(c.small() ? 8 : 512), 256, {dd, bins, n});
  std::vector<uint32_t> want(256, 0);
  for (uint32_t v : data) ++want[v & 0xff];
  c.exact("bins", c.read(bins), want);
}

void int8_quantize(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  const float scale = 0.5f;
  // x / scale lands at least 0.1 away from a rounding boundary (k + 0.5), so the 2.5 ulp of
  // Vulkan's division cannot change the rounded value: every output is then exact.
  std::vector<int32_t> k = c.ints<int32_t>(n, -200, 200);
  std::vector<float> frac = c.floats(n, -0.4f, 0.4f);
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = (float(k[i]) + frac[i]) * scale;
  auto dx = c.buffer(x);
  auto q = c.filled<int8_t>(n, 0);
  auto u8 = c.filled<uint8_t>(n, 0);
  auto back = c.filled<float>(n, 0);
  auto h = c.filled<int16_t>(n, 0);
  auto checksum = c.filled<uint64_t>(1, 0);
  c.launch("int8_quantize", blocks_for(n, 256), 256, {dx, q, u8, back, h, checksum, scale, n});
  std::vector<int8_t> wq(n);
  std::vector<uint8_t> wu(n);
  std::vector<float> wb(n);
  std::vector<int16_t> wh(n);
  uint64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    int v = int(std::nearbyint(double(x[i]) / scale));
    v = std::clamp(v, -128, 127);
    wq[i] = int8_t(v);
    wu[i] = uint8_t(v + 128);
    wb[i] = float(int8_t(v)) * scale;
    wh[i] = int16_t(int8_t(v) * 3);
    sum += uint64_t(int64_t(uint32_t(v & 0xff)) * int64_t(i + 1));
  }
  c.exact("q", c.read(q), wq);
  c.exact("u8", c.read(u8), wu);
  c.exact("back", c.read(back), wb);
  c.exact("h", c.read(h), wh);
  c.exact("checksum", c.read(checksum), {sum});
}

void int_minmax_abs(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<int32_t> a = c.ints<int32_t>(n, INT32_MIN + 1, INT32_MAX);
  std::vector<int32_t> b = c.ints<int32_t>(n, INT32_MIN + 1, INT32_MAX);
  for (int i = 0; i < n; i += 5) b[i] = b[i] % 17;  // small divisors, zero among them
  for (int i = 1; i < n; i += 7) a[i] = -a[i] % 1000;
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto out = c.filled<int32_t>(8 * n, 0);
  auto out64 = c.filled<int64_t>(3 * n, 0);
  auto outu = c.filled<uint32_t>(2 * n, 0);
  c.launch("int_minmax_abs", blocks_for(n, 256), 256, {da, db, out, out64, outu, n});
  std::vector<int32_t> wo(8 * n);
  std::vector<int64_t> w64(3 * n);
  std::vector<uint32_t> wu(2 * n);
  for (int i = 0; i < n; ++i) {
    int32_t x = a[i], y = b[i];
    int32_t* o = &wo[8 * i];
    o[0] = std::min(x, y), o[1] = std::max(x, y), o[2] = std::abs(x);
    o[3] = y != 0 ? x / y : 0, o[4] = y != 0 ? x % y : 0, o[5] = x >> 3;
    o[6] = int32_t((int64_t(x) * y) >> 32);
    o[7] = int32_t(uint32_t((uint64_t(uint32_t(x)) * uint32_t(y)) >> 32));
    wu[2 * i] = std::min(uint32_t(x), uint32_t(y)), wu[2 * i + 1] = uint32_t(x) >> 3;
    int64_t wx = int64_t(x) * 100000, wy = y;
    w64[3 * i] = std::min(wx, wy), w64[3 * i + 1] = std::max(wx, wy),
            w64[3 * i + 2] = std::llabs(wx);
  }
  c.exact("out", c.read(out), wo);
  c.exact("out64", c.read(out64), w64);
  c.exact("outu", c.read(outu), wu);
}

void launch_bounds(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> in = c.floats(n, -1000, 1000);
  auto din = c.buffer(in);
  auto out = c.filled<float>(n, 0);
  c.launch("launch_bounds", blocks_for(n, 256), 256, {din, out, n});
  std::vector<float> want(n);
  for (int i = 0; i < n; ++i) want[i] = in[i] * in[i];
  c.exact("out", c.read(out), want);
}

void local_arrays(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> in = c.floats(n, -10, 10);
  auto din = c.buffer(in);
  auto out = c.filled<float>(n, 0);
  c.launch("local_arrays", blocks_for(n, 256), 256, {din, out, n});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double s = in[i];
    want[i] =
        (1 + 6 + 11 + 0) * s + 140.0;  // diagonal of the initializer; squares 0..49 sum to 140
    // 4 products (each may fuse into the trace sum) and 4 sums.
    bound[i] = rounding_bound(9, 18 * std::fabs(s) + 140.0);
  }
  c.within("out", c.read(out), want, bound);
}

void loops_control(Ctx& c) {
  int rows = int(c.size(300, 1 << 16)), cols = 23;
  std::vector<int32_t> m = c.ints<int32_t>(size_t(rows) * cols, -5, 40);
  auto dm = c.buffer(m);
  auto out = c.filled<int32_t>(rows, 12345);
  c.launch("loops_control", blocks_for(rows, 128), 128, {dm, out, rows, cols});
  std::vector<int32_t> want(rows);
  for (int r = 0; r < rows; ++r) {
    int sum = 0;
    bool early = false;
    for (int k = 0; k < cols; ++k) {
      int v = m[size_t(r) * cols + k];
      if (k == 0 && v < 0) {
        early = true;
        break;
      }
      if (v < 0) continue;
      if (v == 0) break;
      sum += v;
    }
    want[r] = early ? -1 : sum;
  }
  c.exact("out", c.read(out), want);
}

void mandelbrot(Ctx& c) {
  int w = int(c.size(96, 1024)), h = int(c.size(64, 768)), max_iter = c.small() ? 64 : 256;
  const float x0 = -2.0f, y0 = -1.125f, dx = 3.0f / float(w), dy = 2.25f / float(h);
  auto counts = c.filled<int32_t>(size_t(w) * h, -1);
  c.launch("mandelbrot", rt::Dim3((w + 15) / 16, (h + 15) / 16), rt::Dim3(16, 16),
           {counts, w, h, x0, y0, dx, dy, max_iter});
  std::vector<int32_t> got = c.read(counts);
  // The kernel's a*b+c expressions may be contracted into fma (nvcc and libNVVM do by default),
  // and the escape iteration of points near the set's boundary is chaotic: a pixel is accepted
  // when it matches the reference computed either way; at most 1% of the pixels may match
  // neither (a mix of fused and unfused operations inside one pixel's iteration).
  size_t bad = 0, first = 0;
  for (int py = 0; py < h; ++py)
    for (int px = 0; px < w; ++px) {
      int found[2];
      for (int fused = 0; fused < 2; ++fused) {
        float cr = fused ? std::fma(float(px), dx, x0) : x0 + float(px) * dx;
        float ci = fused ? std::fma(float(py), dy, y0) : y0 + float(py) * dy;
        float zr = 0, zi = 0;
        int it = 0;
        while (it < max_iter && (fused ? std::fma(zr, zr, zi * zi) : zr * zr + zi * zi) <= 4.0f) {
          float t = fused ? std::fma(zr, zr, std::fma(-zi, zi, cr)) : zr * zr - zi * zi + cr;
          zi = fused ? std::fma(2.0f * zr, zi, ci) : 2.0f * zr * zi + ci;
          zr = t;
          ++it;
        }
        found[fused] = it;
      }
      int g = got[size_t(py) * w + px];
      if (g != found[0] && g != found[1] && bad++ == 0) first = size_t(py) * w + px;
    }
  c.note(std::to_string(bad) + " boundary pixels off");
  std::vector<int32_t> summary{int32_t(bad > got.size() / 100)};
  if (bad > got.size() / 100)
    throw CaseFailure("counts: " + std::to_string(bad) + " of " + std::to_string(got.size()) +
                      " pixels match neither reference; first at " + std::to_string(first));
  c.exact("counts within 1%", summary, {0}, false);
}

// One function of math_float: its argument (computed in float, as the kernel does), the exact
// value, CUDA's documented maximum ulp error, and Vulkan's bound (tolerances.h explains both).
struct MathFn {
  const char* name;
  float (*arg)(float v);
  long double (*exact)(long double a);
  double cuda_ulp;  // CUDA guide table; the bound used is (cuda_ulp + 0.5) ulp of the exact value
  double (*vk_bound)(double a, double exact);
};

// Vulkan bounds, GLSL.std.450 precision table (Vulkan spec 1.3, "Precision and Operation of SPIR-V
// Instructions"), for arguments in the ranges math_float uses.
// Log, Log2: the spec allows 3 ulp outside [0.5, 2] and 2^-21 absolute inside. NVIDIA's driver
// (580.159, H100) was measured at up to 3.04 ulp from the exact result outside that range (e.g.
// logf(0.3883) = -0.9460302 vs -0.94603038): a driver deviation, not gpuc's code (GLSL.std.450 Log
// is emitted as is), so the bound carries half an ulp of slack and the report shows the worst case.
double vk_log_abs(double a, double exact) {
  return (a >= 0.5 && a <= 2.0) ? 0x1p-21 : 3.5 * ulp_f(exact);
}
double vk_exp(double a, double exact) {
  return (3 + 2 * std::fabs(a)) * ulp_f(exact);
}
// Functions GLSL.std.450 lacks or defines by formula ("inherited"): gpuc's expansions are held to
// 2^-16 relative plus 2^-19 absolute, well above the formulas' inherited error and far below
// what a wrong formula gives.
double vk_expansion(double, double exact) {
  return 0x1p-16 * std::fabs(exact) + 0x1p-19;
}

float id(float v) {
  return v;
}
float times10(float v) {
  return v * 10.0f;
}

const MathFn kMath[36] = {
    {"sqrtf", id, [](long double a) { return std::sqrt(a); }, 0,
     [](double, double e) { return 5.5 * ulp_f(e); }},  // 1 / inversesqrt: 2 + 2.5 ulp
    {"rsqrtf", id, [](long double a) { return 1 / std::sqrt(a); }, 2,
     [](double, double e) { return 2.5 * ulp_f(e); }},
    {"cbrtf", id, [](long double a) { return std::cbrt(a); }, 1, vk_expansion},
    {"expf", id, [](long double a) { return std::exp(a); }, 2, vk_exp},
    {"exp2f", id, [](long double a) { return std::exp2(a); }, 2, vk_exp},
    {"exp10f", id, [](long double a) { return std::pow(10.0L, a); }, 2,
     [](double a, double e) { return (4 + 7 * std::fabs(a)) * ulp_f(e); }},  // exp2(x log2 10)
    {"expm1f", id, [](long double a) { return std::expm1(a); }, 1, vk_expansion},
    {"logf", id, [](long double a) { return std::log(a); }, 1, vk_log_abs},
    {"log2f", id, [](long double a) { return std::log2(a); }, 1, vk_log_abs},
    {"log10f", id, [](long double a) { return std::log10(a); }, 2,
     [](double a, double e) { return vk_log_abs(a, e) + 2 * ulp_f(e); }},  // log2(x) * log10(2)
    {"log1pf", id, [](long double a) { return std::log1p(a); }, 1, vk_expansion},
    {"powf", id, [](long double a) { return std::pow(a, 2.5L); }, 4,
     [](double a, double e) {  // exp2(2.5 * log2(x)): log2's error scaled, then exp2's
       double y = 2.5 * std::log2(a);
       double log_err = 2.5 * vk_log_abs(a, std::log2(a)) + 0.5 * ulp_f(y);
       return std::fabs(e) * (std::exp2(log_err) - 1) + (3 + 2 * std::fabs(y)) * ulp_f(e);
     }},
    {"sinf", id, [](long double a) { return std::sin(a); }, 2,
     [](double, double) { return 0x1p-11; }},
    {"cosf", id, [](long double a) { return std::cos(a); }, 2,
     [](double, double) { return 0x1p-11; }},
    {"tanf", id, [](long double a) { return std::tan(a); }, 4,
     [](double a, double e) {  // sin / cos, each 2^-11 absolute, then a 2.5 ulp division
       return 0x1p-11 * (1 + std::fabs(e)) / std::fabs(std::cos(a)) + 2.5 * ulp_f(e);
     }},
    {"asinf", id, [](long double a) { return std::asin(a); }, 2,
     [](double a, double e) {  // atan2(x, sqrt(1 - x^2)): 4096 ulp, and the cancelling 1 - x^2
       return 4096 * ulp_f(e) + 0x1p-22 / std::sqrt(1 - a * a);
     }},
    {"acosf", id, [](long double a) { return std::acos(a); }, 2,
     [](double a, double e) { return 4096 * ulp_f(e) + 0x1p-22 / std::sqrt(1 - a * a); }},
    {"atanf", id, [](long double a) { return std::atan(a); }, 2,
     [](double, double e) { return 4096 * ulp_f(e); }},
    {"atan2f", id, [](long double a) { return std::atan2(a, 0.5L); }, 3,
     [](double, double e) { return 4096 * ulp_f(e); }},
    {"sinhf", id, [](long double a) { return std::sinh(a); }, 3,
     [](double a, double e) { return vk_exp(a, std::exp(a)) + 2 * ulp_f(e); }},  // (e^x - e^-x) / 2
    {"coshf", id, [](long double a) { return std::cosh(a); }, 2,
     [](double a, double e) { return vk_exp(a, std::exp(a)) + 2 * ulp_f(e); }},
    {"tanhf", id, [](long double a) { return std::tanh(a); }, 2,
     [](double a, double e) { return 4 * vk_exp(a, std::exp(a)) + 3 * ulp_f(e); }},
    {"asinhf", id, [](long double a) { return std::asinh(a); }, 3,
     [](double a, double e) {  // log(x + sqrt(x^2 + 1))
       double arg = a + std::sqrt(a * a + 1);
       return vk_log_abs(arg, e) + 8 * ulp_f(arg) / arg + ulp_f(e);
     }},
    {"acoshf", [](float v) { return 1.0f + v; }, [](long double a) { return std::acosh(a); }, 4,
     [](double a, double e) {  // log(x + sqrt(x^2 - 1)): x^2 - 1 cancels near x = 1
       double r = std::sqrt(a * a - 1);
       double arg = a + r;
       return vk_log_abs(arg, e) + (4 * ulp_f(a * a) / (2 * r) + 8 * ulp_f(arg)) / arg + ulp_f(e);
     }},
    {"atanhf", [](float v) { return v * 0.5f; }, [](long double a) { return std::atanh(a); }, 3,
     [](double a, double e) {  // 0.5 * log((1 + x) / (1 - x))
       double arg = (1 + a) / (1 - a);
       return 0.5 * (vk_log_abs(arg, 2 * e) + 6 * ulp_f(arg) / arg) + ulp_f(e);
     }},
    {"erff", id, [](long double a) { return std::erf(a); }, 2, vk_expansion},
    {"erfcf", id, [](long double a) { return std::erfc(a); }, 4, vk_expansion},
    {"floorf", times10, [](long double a) { return std::floor(a); }, 0,
     [](double, double) { return 0.0; }},
    {"ceilf", times10, [](long double a) { return std::ceil(a); }, 0,
     [](double, double) { return 0.0; }},
    {"roundf", times10, [](long double a) { return std::round(a); }, 0,
     [](double, double) { return 0.0; }},
    {"truncf", times10, [](long double a) { return std::trunc(a); }, 0,
     [](double, double) { return 0.0; }},
    {"rintf", times10, [](long double a) { return std::nearbyint(a); }, 0,
     [](double, double) { return 0.0; }},
    {"fmodf", times10, [](long double a) { return std::fmod(a, 3.0L); }, 0,
     [](double a, double e) { return 3 * 2.5 * ulp_f(a / 3) + ulp_f(e); }},  // x - y * trunc(x / y)
    {"hypotf", id, [](long double a) { return std::hypot(a, 1.0L); }, 3,
     [](double, double e) { return 6.5 * ulp_f(e); }},  // sqrt(x^2 + 1): sqrt's 5 ulp, the sum
    {"copysignf", id, [](long double a) { return -a; }, 0, [](double, double) { return 0.0; }},
    {"fabsf+isnan+isinf", id, [](long double a) { return a; }, 0,
     [](double, double) { return 0.0; }},
};

void math_float(Ctx& c) {
  int n = int(c.size(500, 1 << 16));
  std::vector<float> x = c.floats(n, 0.0f, 1.0f);
  for (float& v : x) v = std::max(v, 0x1p-20f);  // (0, 1)
  x[0] = 0.5f, x[1] = 0.25f;  // exact half-way points for the rounding functions: 5.0, 2.5
  auto dx = c.buffer(x);
  auto out = c.filled<float>(36 * size_t(n), 0);
  c.launch("math_float", blocks_for(n, 128), 128, {dx, out, n});
  std::vector<float> got = c.read(out);
  for (int k = 0; k < 36; ++k) {
    const MathFn& f = kMath[k];
    std::vector<float> g(got.begin() + size_t(k) * n, got.begin() + size_t(k + 1) * n);
    std::vector<double> want(n), bound(n);
    for (int i = 0; i < n; ++i) {
      float a = f.arg(x[i]);
      want[i] = double(f.exact(a));
      bound[i] = c.is_cuda() ? (f.cuda_ulp + 0.5) * ulp_f(want[i]) : f.vk_bound(a, want[i]);
    }
    c.within(f.name, g, want, bound);
  }
}

void matvec(Ctx& c) {
  int rows = int(c.size(100, 4096)), cols = int(c.size(300, 3000));  // cols not a multiple of 256
  std::vector<float> A = c.floats(size_t(rows) * cols, -1, 1), x = c.floats(cols, -1, 1);
  auto dA = c.buffer(A);
  auto dx = c.buffer(x);
  auto y = c.filled<float>(rows, 0);
  c.launch("matvec", blocks_for(rows, 128), 128, {dA, dx, y, rows, cols});
  std::vector<double> want(rows), bound(rows);
  for (int r = 0; r < rows; ++r) {
    double s = 0, mag = 0;
    for (int k = 0; k < cols; ++k) {
      double t = double(A[size_t(r) * cols + k]) * x[k];
      s += t, mag += std::fabs(t);
    }
    want[r] = s;
    bound[r] = rounding_bound(cols + 1, mag);  // dot product: gamma_n (Higham eq. 3.5)
  }
  c.within("y", c.read(y), want, bound);
}

void nbody_step(Ctx& c) {
  int n = int(c.size(300, 8192));
  const float dt = 0.01f, eps2 = 0.05f;
  std::vector<Float4> pos(n), vel(n);
  std::vector<float> r = c.floats(size_t(n) * 7, -1, 1);
  for (int i = 0; i < n; ++i) {
    pos[i] = {r[7 * i], r[7 * i + 1], r[7 * i + 2], (r[7 * i + 3] + 1.5f) / float(n)};
    vel[i] = {0.1f * r[7 * i + 4], 0.1f * r[7 * i + 5], 0.1f * r[7 * i + 6], 0.0f};
  }
  auto dpos = c.buffer(pos);
  auto dvel = c.buffer(vel);
  auto dnew = c.filled<Float4>(n, Float4{});
  c.launch("nbody_step", blocks_for(n, 128), 128, {dpos, dvel, dnew, n, dt, eps2});
  std::vector<Float4> gv = c.read(dvel), gp = c.read(dnew);
  std::vector<float> got;
  std::vector<double> want, bound;
  for (int i = 0; i < n; ++i) {
    double a[3] = {0, 0, 0}, mag[3] = {0, 0, 0};
    for (int j = 0; j < n; ++j) {
      double d[3] = {double(pos[j].x) - pos[i].x, double(pos[j].y) - pos[i].y,
                     double(pos[j].z) - pos[i].z};
      double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + eps2;
      double s = pos[j].w / (d2 * std::sqrt(d2));
      for (int k = 0; k < 3; ++k) a[k] += d[k] * s, mag[k] += std::fabs(d[k] * s);
    }
    const float* v0 = &vel[i].x;
    const float* p0 = &pos[i].x;
    for (int k = 0; k < 3; ++k) {
      // Each term: ~8 roundings in d and d2, rsqrtf 2 ulp (CUDA and Vulkan) cubed, 3 products:
      // 32u relative; the serial sum over n terms: n u (Higham eq. 4.4).
      double ea = rounding_bound(n + 32, mag[k]);
      double v = v0[k] + a[k] * dt;
      double ev = ea * dt + rounding_bound(2, std::fabs(v0[k]) + std::fabs(a[k] * dt));
      double p = p0[k] + v * dt;
      got.push_back((&gv[i].x)[k]), want.push_back(v), bound.push_back(ev);
      got.push_back((&gp[i].x)[k]), want.push_back(p);
      bound.push_back(ev * dt + rounding_bound(2, std::fabs(p0[k]) + std::fabs(v * dt)));
    }
    got.push_back(gp[i].w), want.push_back(pos[i].w), bound.push_back(0);
  }
  c.within("vel, new_pos", got, want, bound);
}

struct Node {
  int32_t offset, count;
  float weight;
};

void pointer_arith(Ctx& c) {
  int n = int(c.size(500, 1 << 18)), nvalues = 4096;
  std::vector<float> values = c.floats(nvalues, -1, 1);
  std::vector<int32_t> off = c.ints<int32_t>(n, 0, nvalues - 64), cnt = c.ints<int32_t>(n, 0, 63);
  std::vector<float> wt = c.floats(n, -2, 2);
  std::vector<Node> nodes(n);
  for (int i = 0; i < n; ++i) nodes[i] = {off[i], cnt[i], wt[i]};
  auto dn = c.buffer(nodes);
  auto dv = c.buffer(values);
  auto out = c.filled<float>(n, 0);
  auto spans = c.filled<int64_t>(n, -1);
  c.launch("pointer_arith", blocks_for(n, 128), 128, {dn, dv, out, spans, n});
  std::vector<double> want(n), bound(n);
  std::vector<int64_t> ws(n);
  for (int i = 0; i < n; ++i) {
    double s = 0, mag = 0;
    for (int k = 0; k < cnt[i]; ++k) s += values[off[i] + k], mag += std::fabs(values[off[i] + k]);
    want[i] = wt[i] * s;
    bound[i] = rounding_bound(cnt[i] + 1, mag * std::fabs(wt[i]));
    ws[i] = cnt[i];
  }
  c.within("out", c.read(out), want, bound);
  c.exact("spans", c.read(spans), ws);
}

void prefix_scan(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  int blocks = (n + 255) / 256;
  std::vector<int32_t> in = c.ints<int32_t>(n, -1000, 1000);
  auto din = c.buffer(in);
  auto out = c.filled<int32_t>(n, 0);
  auto sums = c.filled<int32_t>(blocks, 0);
  c.launch("prefix_scan", blocks, 256, {din, out, sums, n});
  std::vector<int32_t> wo(n), ws(blocks);
  for (int b = 0; b < blocks; ++b) {
    int32_t acc = 0;
    for (int i = b * 256; i < (b + 1) * 256; ++i) {
      acc += i < n ? in[i] : 0;
      if (i < n) wo[i] = acc;
    }
    ws[b] = acc;
  }
  c.exact("out", c.read(out), wo);
  c.exact("block_sums", c.read(sums), ws);
}

void reduce_shared(Ctx& c) {
  int n = int(c.size(5000, 1 << 22));
  std::vector<float> in = c.floats(n, 0, 1);
  auto din = c.buffer(in);
  auto out = c.filled<float>(1, 0);
  int blocks = (n + 255) / 256;
  c.launch("reduce_shared", blocks, 256, {din, out, n});
  double s = 0;
  for (float v : in) s += v;
  // A tree of 8 levels per block, then the blocks' atomicAdds in any order (a serial sum).
  c.within("out", c.read(out), {s}, {rounding_bound(8 + blocks + 1, s)}, false);
}

void reduce_warp_shuffle(Ctx& c) {
  int n = int(c.size(5000, 1 << 22));
  std::vector<int32_t> in = c.ints<int32_t>(n, -1000, 1000);
  auto din = c.buffer(in);
  auto out = c.filled<int32_t>(1, 0);
  // The kernel keeps 32 per-warp partials and the first warp folds `warpSize` of them: the block
  // may hold at most min(32, warpSize) warps.
  uint32_t ws = std::max(1u, c.warp_size());
  uint32_t block = std::min(256u, ws * std::min(32u, ws));
  c.note("block " + std::to_string(block));
  c.launch("reduce_warp_shuffle", rt::Dim3(c.small() ? 4 : 256), block, {din, out, n});
  int32_t s = 0;
  for (int32_t v : in) s += v;
  c.exact("out", c.read(out), {s});
}

void saxpy(Ctx& c) {
  int n = int(c.size(1000, 1 << 22));
  const float a = -1.625f;
  std::vector<float> x = c.floats(n, -10, 10), y = c.floats(n, -10, 10);
  auto dx = c.buffer(x);
  auto dy = c.buffer(y);
  c.launch("saxpy", blocks_for(n, 256), 256, {n, a, dx, dy});
  std::vector<double> want(n), bound(n);
  for (int i = 0; i < n; ++i) {
    double p = double(a) * x[i];
    want[i] = p + y[i];
    bound[i] = 0.5 * ulp_f(p) + 0.5 * ulp_f(want[i]);  // fused: the second term only
  }
  c.within("y", c.read(dy), want, bound);
}

void sgemm_tiled(Ctx& c) {
  int M = int(c.size(40, 300)), N = int(c.size(35, 257)), K = int(c.size(50, 411));
  const float alpha = 1.5f, beta = -0.5f;
  std::vector<float> A = c.floats(size_t(M) * K, -1, 1), B = c.floats(size_t(K) * N, -1, 1),
                     C = c.floats(size_t(M) * N, -1, 1);
  auto dA = c.buffer(A);
  auto dB = c.buffer(B);
  auto dC = c.buffer(C);
  c.launch("sgemm_tiled", rt::Dim3((N + 15) / 16, (M + 15) / 16), rt::Dim3(16, 16),
           {M, N, K, alpha, dA, dB, beta, dC});
  std::vector<double> want(size_t(M) * N), bound(size_t(M) * N);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0, mag = 0;
      for (int k = 0; k < K; ++k) {
        double t = double(A[size_t(i) * K + k]) * B[size_t(k) * N + j];
        s += t, mag += std::fabs(t);
      }
      double cij = C[size_t(i) * N + j];
      want[size_t(i) * N + j] = alpha * s + beta * cij;
      bound[size_t(i) * N + j] =
          rounding_bound(K + 3, std::fabs(alpha) * mag + std::fabs(beta * cij));
    }
  c.within("C", c.read(dC), want, bound);
}

void shared_file_scope(Ctx& c) {
  int blocks = int(c.size(20, 4096));
  std::vector<float> data = c.floats(size_t(blocks) * 128, -5, 5);
  auto dd = c.buffer(data);
  auto counts = c.filled<int32_t>(blocks, -1);
  c.launch("shared_file_scope", blocks, 128, {dd, counts});
  std::vector<float> wd(data.size());
  std::vector<int32_t> wc(blocks);
  for (int b = 0; b < blocks; ++b) {
    volatile float sum = 0.0f;  // the kernel's serial float sum, rounding by rounding
    for (int k = 0; k < 128; ++k) sum = sum + data[b * 128 + k];
    float mean = sum / 128.0f;  // a power of two: exact on both targets
    int above = 0;
    for (int k = 0; k < 128; ++k) {
      above += data[b * 128 + k] > mean;
      wd[b * 128 + k] = data[b * 128 + 127 - k];
    }
    wc[b] = above;
  }
  c.exact("data", c.read(dd), wd);
  c.exact("counts", c.read(counts), wc);
}

void shfl_up_scan(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  uint32_t ws = c.warp_size();
  if (ws == 0 || (ws & (ws - 1)))
    throw CaseSkipped("warpSize " + std::to_string(ws) + " is not a power of two");
  std::vector<int32_t> in = c.ints<int32_t>(n, -1000, 1000);
  auto din = c.buffer(in);
  auto out = c.filled<int32_t>(n, 0);
  c.launch("shfl_up_scan", blocks_for(n, 128), 128, {din, out, n});
  std::vector<int32_t> want(n);
  for (int i = 0; i < n; ++i) want[i] = (i % ws == 0 ? 0 : want[i - 1]) + in[i];
  c.note("warpSize " + std::to_string(ws));
  c.exact("out", c.read(out), want, ws == 32);
}

void shuffle_width(Ctx& c) {
  if (c.warp_size() < 16)
    throw CaseSkipped("segments of 16 lanes need warpSize >= 16; this device's is " +
                      std::to_string(c.warp_size()));
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> in = c.floats(n, -1, 1);
  auto din = c.buffer(in);
  auto seg = c.filled<float>(n, 0);
  auto first = c.filled<float>(n, 0);
  auto prev = c.filled<float>(n, 0);
  c.launch("shuffle_width", blocks_for(n, 128), 128, {din, seg, first, prev, n});
  std::vector<double> ws(n), bound(n);
  std::vector<float> wf(n), wp(n);
  for (int i = 0; i < n; ++i) {
    int base = i / 16 * 16;
    double s = 0, mag = 0;
    for (int k = base; k < base + 16; ++k)
      s += k < n ? in[k] : 0.0f, mag += k < n ? std::fabs(in[k]) : 0;
    ws[i] = s;
    bound[i] = rounding_bound(4, mag);  // a butterfly: 4 levels of sums
    wf[i] = in[base];
    wp[i] = i == base ? in[i] : in[i - 1];
  }
  c.within("seg_sum", c.read(seg), ws, bound);
  c.exact("first", c.read(first), wf);
  c.exact("prev", c.read(prev), wp);
}

void sincos_polar(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  const float pi = 3.14159265f;
  // r in [-0.5, 1.5]: __saturatef and fdimf see both sides of 0 and 1; theta in [-pi, pi], where
  // __sincosf's absolute bound holds.
  std::vector<float> r = c.floats(n, -0.5f, 1.5f), theta = c.floats(n, -pi, pi);
  auto dr = c.buffer(r);
  auto dt = c.buffer(theta);
  auto xy = c.filled<Float2>(n, Float2{-7.0f, -7.0f});
  auto fast = c.filled<Float2>(n, Float2{-7.0f, -7.0f});
  auto unit = c.filled<float>(n, -7.0f);
  auto excess = c.filled<float>(n, -7.0f);
  c.launch("sincos_polar", blocks_for(n, 256), 256, {dr, dt, xy, fast, unit, excess, n});
  std::vector<Float2> got_xy = c.read(xy), got_fast = c.read(fast);
  std::vector<float> gx(n), gy(n), fx(n), fy(n), want_unit(n), want_excess(n);
  std::vector<double> wx(n), wy(n), bx(n), by(n), fbx(n), fby(n);
  for (int i = 0; i < n; ++i) {
    gx[i] = got_xy[i].x;
    gy[i] = got_xy[i].y;
    fx[i] = got_fast[i].x;
    fy[i] = got_fast[i].y;
    double rr = r[i], co = std::cos(double(theta[i])), si = std::sin(double(theta[i]));
    wx[i] = rr * co;
    wy[i] = rr * si;
    // sincosf: CUDA 2 ulp each (programming guide, single-precision functions); Vulkan Sin/Cos
    // 2^-11 absolute in [-pi, pi] (GLSL.std.450 precision table). __sincosf: CUDA 2^-21.41
    // absolute in [-pi, pi] (intrinsic functions); Vulkan lowers it to the same Sin/Cos. Then
    // the product with r rounds once.
    double ec = c.is_cuda() ? 2 * ulp_f(co) : 0x1p-11, es = c.is_cuda() ? 2 * ulp_f(si) : 0x1p-11;
    double fe = c.is_cuda() ? 0x1p-21 : 0x1p-11;
    bx[i] = std::fabs(rr) * ec + rounding_bound(1, std::fabs(wx[i]) + std::fabs(rr) * ec);
    by[i] = std::fabs(rr) * es + rounding_bound(1, std::fabs(wy[i]) + std::fabs(rr) * es);
    fbx[i] = std::fabs(rr) * fe + rounding_bound(1, std::fabs(wx[i]) + std::fabs(rr) * fe);
    fby[i] = std::fabs(rr) * fe + rounding_bound(1, std::fabs(wy[i]) + std::fabs(rr) * fe);
    // __saturatef: clamp to [0, 1]; fdimf(r, 1): r - 1 when r > 1 (exact for r in (1, 2],
    // Sterbenz), else +0. Both exact.
    want_unit[i] = r[i] < 0.0f ? 0.0f : r[i] > 1.0f ? 1.0f : r[i];
    want_excess[i] = r[i] > 1.0f ? r[i] - 1.0f : 0.0f;
  }
  c.within("xy.x (sincosf)", gx, wx, bx);
  c.within("xy.y (sincosf)", gy, wy, by);
  c.within("fast.x (__sincosf)", fx, wx, fbx);
  c.within("fast.y (__sincosf)", fy, wy, fby);
  c.exact("unit (__saturatef)", c.read(unit), want_unit);
  c.exact("excess (fdimf)", c.read(excess), want_excess);
}

void sizeof_literals(Ctx& c) {
  auto sizes = c.filled<uint64_t>(7, 0);
  auto vals = c.filled<int64_t>(8, 0);
  c.launch("sizeof_literals", 2, 32, {sizes, vals});
  c.exact("sizes", c.read(sizes), {1, 2, 4, 8, 16, 8 + 16, 4 + 4});
  c.exact("vals", c.read(vals),
          {0x7fffffff, 0xffffffffll, 017, 0x100000000ll, 0xffffffffll, -2147483648ll, 'A' + '\n',
           4294967296ll});
}

void softmax_row(Ctx& c) {
  int rows = int(c.size(16, 2048)), cols = int(c.size(300, 1000));
  std::vector<float> x = c.floats(size_t(rows) * cols, -4, 4);
  auto dx = c.buffer(x);
  auto out = c.filled<float>(x.size(), 0);
  c.launch("softmax_row", rows, 128, {dx, out, cols});
  std::vector<double> want(x.size()), bound(x.size());
  for (int r = 0; r < rows; ++r) {
    const float* row = &x[size_t(r) * cols];
    float m = *std::max_element(row, row + cols);
    double s = 0;
    for (int k = 0; k < cols; ++k) s += std::exp(double(float(row[k] - m)));
    for (int k = 0; k < cols; ++k) {
      double d = double(float(row[k] - m));
      double e = std::exp(d);
      want[size_t(r) * cols + k] = e / s;
      // exp: CUDA 2 ulp, Vulkan 3 + 2|x| ulp (|x| <= 8); the sum of `cols` exps: a serial sum
      // per thread and a tree; 1/s and the product: CUDA 1 ulp, Vulkan 2.5 + 0.5.
      double exp_ulp = c.is_cuda() ? 2.5 : 3.5 + 2 * std::fabs(d);
      bound[size_t(r) * cols + k] = (e / s) * 2 * kU * (2 * exp_ulp + cols / 128 + 8 + 8);
    }
  }
  c.within("out", c.read(out), want, bound);
}

void stencil_5pt(Ctx& c) {
  int w = int(c.size(50, 1000)), h = int(c.size(41, 800));
  const float alpha = 0.2f;
  std::vector<float> in = c.floats(size_t(w) * h, -1, 1);
  auto din = c.buffer(in);
  auto out = c.filled<float>(in.size(), 0);
  c.launch("stencil_5pt", rt::Dim3((w + 15) / 16, (h + 7) / 8), rt::Dim3(16, 8),
           {din, out, w, h, alpha});
  std::vector<double> want(in.size()), bound(in.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      size_t i = size_t(y) * w + x;
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
        want[i] = in[i];
        continue;
      }
      double nb = double(in[i - 1]) + in[i + 1] + in[i - w] + in[i + w];
      double lap = nb - 4.0 * in[i];
      want[i] = in[i] + alpha * lap;
      double mag = std::fabs(in[i - 1]) + std::fabs(in[i + 1]) + std::fabs(in[i - w]) +
                   std::fabs(in[i + w]) + 4 * std::fabs(in[i]);
      bound[i] = rounding_bound(8, std::fabs(in[i]) + alpha * mag);
    }
  c.within("out", c.read(out), want, bound);
}

struct Transform {
  float m[2][2];
  Float2 offset;
  int32_t max_age;
};
struct Particle {
  Float2 pos;
  int32_t age, alive;
};

void struct_params(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> r = c.floats(size_t(n) * 2, -10, 10);
  std::vector<int32_t> age = c.ints<int32_t>(n, 0, 12), alive = c.ints<int32_t>(n, 0, 3);
  std::vector<Particle> p(n);
  for (int i = 0; i < n; ++i) p[i] = {{r[2 * i], r[2 * i + 1]}, age[i], alive[i] != 0};
  Transform t{{{0.8f, -0.6f}, {0.6f, 0.8f}}, {1.5f, -2.25f}, 10};
  auto dp = c.buffer(p);
  c.launch("struct_params", blocks_for(n, 256), 256, {dp, t, n});
  std::vector<Particle> got = c.read(dp);
  std::vector<int32_t> gi, wi;
  std::vector<float> gf;
  std::vector<double> wf, bound;
  for (int i = 0; i < n; ++i) {
    Particle w = p[i];
    if (w.alive) {
      double px = w.pos.x, py = w.pos.y;
      for (int k = 0; k < 2; ++k) {
        double q = t.m[k][0] * px + t.m[k][1] * py + (k ? t.offset.y : t.offset.x);
        gf.push_back(k ? got[i].pos.y : got[i].pos.x), wf.push_back(q);
        bound.push_back(rounding_bound(4, std::fabs(t.m[k][0] * px) + std::fabs(t.m[k][1] * py) +
                                              std::fabs(k ? t.offset.y : t.offset.x)));
      }
      w.age += 1;
      if (w.age >= t.max_age) w.alive = 0;
    } else {
      gf.push_back(got[i].pos.x), wf.push_back(w.pos.x), bound.push_back(0);
      gf.push_back(got[i].pos.y), wf.push_back(w.pos.y), bound.push_back(0);
    }
    gi.push_back(got[i].age), gi.push_back(got[i].alive);
    wi.push_back(w.age), wi.push_back(w.alive);
  }
  c.within("pos", gf, wf, bound);
  c.exact("age, alive", gi, wi);
}

void logical_ops(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<int32_t> a = c.ints<int32_t>(n, -20, 20), b = c.ints<int32_t>(n, -20, 20);
  a[0] = 0;  // 100 / x with x == 0: the short circuit must skip it
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto out = c.filled<int32_t>(n, -1);
  c.launch("logical_ops", blocks_for(n, 256), 256, {da, db, out, n});
  std::vector<int32_t> want(n);
  for (int i = 0; i < n; ++i) {
    int x = a[i], y = b[i];
    int r = (x > 0 || y < 0) + 2 * (x > 0 && y < 0);
    r += 4 * (x == 0 || 100 / x > 10);
    r += 8 * (i + 1 < n && a[i + 1] > x);
    r += 16 * (x > 0 || int64_t{x} + 2147483647 > 5);
    r += 32 * (!(x < y) && (x ^ y) != 0);
    want[i] = r;
  }
  c.exact("out", c.read(out), want);
}

void ternary(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> x = c.floats(n, -2, 2), a = c.floats(n, 0, 1), b = c.floats(n, 5, 6);
  x[0] = 0.0f, x[1] = -0.0f;
  const float lo = -1.0f, hi = 1.25f;
  auto dx = c.buffer(x);
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto clamped = c.filled<float>(n, 0);
  auto out = c.filled<float>(n, 0);
  auto sign = c.filled<int32_t>(n, 7);
  c.launch("ternary", blocks_for(n, 256), 256, {dx, clamped, sign, da, db, out, lo, hi, n});
  std::vector<float> wc(n), wo(n);
  std::vector<int32_t> ws(n);
  for (int i = 0; i < n; ++i) {
    float v = x[i];
    wc[i] = v < lo ? lo : v > hi ? hi : v;
    ws[i] = v > 0.0f ? 1 : (v < 0.0f ? -1 : 0);
    wo[i] = (i & 1) ? b[i] : a[i];
  }
  c.exact("clamped", c.read(clamped), wc);
  c.exact("out_sign", c.read(sign), ws);
  c.exact("out", c.read(out), wo);
}

void threadfence_reduce(Ctx& c) {
  int n = int(c.size(5000, 1 << 20));
  int blocks = (n + 255) / 256;
  std::vector<float> in = c.floats(n, -1, 1);
  auto din = c.buffer(in);
  auto partials = c.filled<float>(blocks, 0);
  auto out = c.filled<float>(1, 0);
  auto counter = c.filled<uint32_t>(1, 0);
  c.launch("threadfence_reduce", blocks, 256, {din, partials, counter, out, n});
  // Float adds only, in an order fixed by the kernel (a tree per block, then the partials in
  // block order): the reference repeats them in float and must match bit for bit.
  std::vector<float> wp(blocks);
  for (int b = 0; b < blocks; ++b) {
    float s[256];
    for (int t = 0; t < 256; ++t) s[t] = b * 256 + t < n ? in[b * 256 + t] : 0.0f;
    for (int st = 128; st > 0; st >>= 1)
      for (int t = 0; t < st; ++t) s[t] = s[t] + s[t + st];
    wp[b] = s[0];
  }
  float total = 0.0f;
  for (float p : wp) total = total + p;
  c.exact("partials", c.read(partials), wp);
  c.exact("out", c.read(out), {total});
  c.exact("counter (reset)", c.read(counter), {0u});
}

void transpose_tiled(Ctx& c) {
  int rows = int(c.size(70, 1000)), cols = int(c.size(45, 1234));
  std::vector<float> in = c.floats(size_t(rows) * cols, -1, 1);
  auto din = c.buffer(in);
  auto out = c.filled<float>(in.size(), 0);
  c.launch("transpose_tiled", rt::Dim3((cols + 31) / 32, (rows + 31) / 32), rt::Dim3(32, 8),
           {din, out, rows, cols});
  std::vector<float> want(in.size());
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < cols; ++k) want[size_t(k) * rows + r] = in[size_t(r) * cols + k];
  c.exact("out", c.read(out), want);
}

struct Filter {
  float taps[4], weights[4];
};
struct SampleT {
  Filter filter;
  uint32_t id;
};
struct ResultT {
  float total, max_tap;
  int32_t count;
};

void typedefs_structs(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> r = c.floats(size_t(n) * 8, -3, 3);
  std::vector<SampleT> s(n);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 4; ++k)
      s[i].filter.taps[k] = r[8 * i + k], s[i].filter.weights[k] = r[8 * i + 4 + k];
    s[i].id = uint32_t(i);
  }
  auto ds = c.buffer(s);
  auto dr = c.filled<ResultT>(n, ResultT{0, 0, -1});
  c.launch("typedefs_structs", blocks_for(n, 256), 256, {ds, dr, n});
  std::vector<ResultT> got = c.read(dr);
  std::vector<float> gt, gm, wm;
  std::vector<int32_t> gc, wc;
  std::vector<double> wt, bound;
  for (int i = 0; i < n; ++i) {
    double total = 0, mag = 0;
    float mx = s[i].filter.taps[0];
    for (int k = 0; k < 4; ++k) {
      double t = double(s[i].filter.taps[k]) * s[i].filter.weights[k];
      total += t, mag += std::fabs(t);
      mx = std::max(mx, s[i].filter.taps[k]);
    }
    gt.push_back(got[i].total), wt.push_back(total), bound.push_back(rounding_bound(8, mag));
    gm.push_back(got[i].max_tap), wm.push_back(mx);
    gc.push_back(got[i].count), wc.push_back(4);
  }
  c.within("total", gt, wt, bound);
  c.exact("max_tap", gm, wm);
  c.exact("count", gc, wc);
}

void vector_add(Ctx& c) {
  int n = int(c.size(1000, 1 << 22));
  std::vector<float> a = c.floats(n, -100, 100), b = c.floats(n, -100, 100);
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto dc = c.filled<float>(n, 0);
  c.launch("vector_add", blocks_for(n, 256), 256, {da, db, dc, n});
  std::vector<float> want(n);
  for (int i = 0; i < n; ++i) want[i] = a[i] + b[i];
  c.exact("c", c.read(dc), want);
}

void vector_types(Ctx& c) {
  int n = int(c.size(1000, 1 << 20));
  std::vector<float> f = c.floats(size_t(n) * 5, -10, 10);
  std::vector<int32_t> iv = c.ints<int32_t>(size_t(n) * 4, -100000, 100000);
  std::vector<uint32_t> uv = c.ints<uint32_t>(size_t(n) * 4, 0, 0xffffffffu);
  std::vector<double> dv = c.doubles(size_t(n) * 2, -10, 10);
  std::vector<Float2> a(n);
  std::vector<Float3> b(n);
  std::vector<Int4> i4(n);
  std::vector<UInt4> u4(n);
  std::vector<Double2> d2(n);
  for (int i = 0; i < n; ++i) {
    a[i] = {f[5 * i], f[5 * i + 1]};
    b[i] = {f[5 * i + 2], f[5 * i + 3], f[5 * i + 4]};
    i4[i] = {iv[4 * i], iv[4 * i + 1], iv[4 * i + 2], iv[4 * i + 3]};
    u4[i] = {uv[4 * i], uv[4 * i + 1], uv[4 * i + 2], uv[4 * i + 3]};
    d2[i] = {dv[2 * i], dv[2 * i + 1]};
  }
  auto da = c.buffer(a);
  auto db = c.buffer(b);
  auto out4 = c.filled<Float4>(n, Float4{});
  auto di = c.buffer(i4);
  auto ints = c.filled<Int2>(n, Int2{});
  auto du = c.buffer(u4);
  auto u = c.filled<uint32_t>(n, 0);
  auto dd = c.buffer(d2);
  auto d = c.filled<double>(n, 0);
  c.launch("vector_types", blocks_for(n, 256), 256, {da, db, out4, di, ints, du, u, dd, d, n});
  std::vector<float> w4(4 * size_t(n)), g4;
  std::vector<int32_t> wi(2 * size_t(n)), gi;
  std::vector<uint32_t> wu(n);
  std::vector<double> wd(n), bd(n);
  for (int i = 0; i < n; ++i) {
    w4[4 * i] = a[i].x + b[i].x, w4[4 * i + 1] = a[i].y + b[i].y, w4[4 * i + 2] = b[i].z;
    w4[4 * i + 3] = a[i].x * a[i].y;
    wi[2 * i] = i4[i].x + i4[i].y, wi[2 * i + 1] = i4[i].z + i4[i].w;
    wu[i] = u4[i].x ^ u4[i].y ^ u4[i].z ^ u4[i].w;
    long double e = (long double)d2[i].x * d2[i].x + (long double)d2[i].y * d2[i].y;
    wd[i] = double(e);
    bd[i] = 2 * kUd * double(e) * 2;  // two roundings (or a product fused into the sum)
  }
  for (const Float4& v : c.read(out4)) g4.insert(g4.end(), {v.x, v.y, v.z, v.w});
  for (const Int2& v : c.read(ints)) gi.insert(gi.end(), {v.x, v.y});
  c.exact("out4", g4, w4);
  c.exact("ints", gi, wi);
  c.exact("u", c.read(u), wu);
  c.within("d", c.read(d), wd, bd);
}

void warp_vote(Ctx& c) {
  uint32_t ws = c.warp_size();
  if (ws == 0 || ws > 32)
    throw CaseSkipped("ballot's 32-bit mask needs warpSize <= 32, not " + std::to_string(ws));
  uint32_t blocks = uint32_t(c.size(4, 256)), block = 128;  // every thread reads in[i]: no tail
  size_t n = size_t(blocks) * block, warps = n / ws;
  std::vector<int32_t> in = c.ints<int32_t>(n, -3, 10);
  for (size_t w = 0; w < warps; w += 3)  // all-positive and all-non-positive warps too
    for (size_t l = 0; l < ws; ++l) in[w * ws + l] = (w / 3) % 2 ? 5 : -1;
  auto din = c.buffer(in);
  auto ballot = c.filled<uint32_t>(warps, 0);
  auto active = c.filled<uint32_t>(warps, 0);
  auto all = c.filled<int32_t>(warps, -1);
  auto any = c.filled<int32_t>(warps, -1);
  c.launch("warp_vote", blocks, block, {din, ballot, all, any, active});
  std::vector<uint32_t> wb(warps), wa(warps, ws == 32 ? 0xffffffffu : (1u << ws) - 1);
  std::vector<int32_t> wall(warps), wany(warps);
  for (size_t w = 0; w < warps; ++w) {
    uint32_t m = 0;
    for (uint32_t l = 0; l < ws; ++l) m |= uint32_t(in[w * ws + l] > 0) << l;
    wb[w] = m;
    wall[w] = m == wa[w];
    wany[w] = m != 0;
  }
  // __all_sync / __any_sync return non-zero for true: compare as booleans.
  std::vector<int32_t> gall = c.read(all), gany = c.read(any);
  for (int32_t& v : gall) v = v != 0;
  for (int32_t& v : gany) v = v != 0;
  c.note("warpSize " + std::to_string(ws));
  c.exact("ballot", c.read(ballot), wb);
  c.exact("all", gall, wall);
  c.exact("any", gany, wany);
  c.exact("active", c.read(active), wa);
}

}  // namespace

const std::vector<Case>& all_cases() {
  static const std::vector<Case> cases = {
      {"atomic_cas_float_max.gk", atomic_cas_float_max},
      {"atomics_bitwise.gk", atomics_bitwise},
      {"atomics_int64.gk", atomics_int64},
      {"bit_tricks.gk", bit_tricks},
      {"bitonic_sort_step.gk", bitonic_sort_step},
      {"black_scholes.gk", black_scholes},
      {"casts_bitcasts.gk", casts_bitcasts},
      {"comma_operator.gk", comma_operator},
      {"compound_assign.gk", compound_assign},
      {"constant_table.gk", constant_table},
      {"conversions.gk", conversions},
      {"device_functions.gk", device_functions},
      {"dim3_grid_stride.gk", dim3_grid_stride},
      {"do_while.gk", do_while},
      {"double_math.gk", double_math},
      {"double_transcendental.gk", double_transcendental},
      {"extern_c.gk", extern_c},
      {"fast_math.gk", fast_math},
      {"fixed_block.gk", fixed_block},
      {"histogram.gk", histogram},
      {"int8_quantize.gk", int8_quantize},
      {"int_minmax_abs.gk", int_minmax_abs},
      {"launch_bounds.gk", launch_bounds},
      {"local_arrays.gk", local_arrays},
      {"logical_ops.gk", logical_ops},
      {"loops_control.gk", loops_control},
      {"mandelbrot.gk", mandelbrot},
      {"math_float.gk", math_float},
      {"matvec.gk", matvec},
      {"nbody_step.gk", nbody_step},
      {"pointer_arith.gk", pointer_arith},
      {"prefix_scan.gk", prefix_scan},
      {"reduce_shared.gk", reduce_shared},
      {"reduce_warp_shuffle.gk", reduce_warp_shuffle},
      {"saxpy.gk", saxpy},
      {"sgemm_tiled.gk", sgemm_tiled},
      {"shared_file_scope.gk", shared_file_scope},
      {"shfl_up_scan.gk", shfl_up_scan},
      {"shuffle_width.gk", shuffle_width},
      {"sincos_polar.gk", sincos_polar},
      {"sizeof_literals.gk", sizeof_literals},
      {"softmax_row.gk", softmax_row},
      {"stencil_5pt.gk", stencil_5pt},
      {"struct_params.gk", struct_params},
      {"ternary.gk", ternary},
      {"threadfence_reduce.gk", threadfence_reduce},
      {"transpose_tiled.gk", transpose_tiled},
      {"typedefs_structs.gk", typedefs_structs},
      {"vector_add.gk", vector_add},
      {"vector_types.gk", vector_types},
      {"warp_vote.gk", warp_vote},
  };
  return cases;
}

}  // namespace gpuc::conformance
