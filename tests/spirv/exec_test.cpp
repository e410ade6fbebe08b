// Runs SPIR-V from the backend on a Vulkan device (llvmpipe in CI) and checks results against CPU
// references: the float-math sequences (round, expm1, log1p, cbrt, erf, erfc, hypot, pow, fmod,
// copysign ...), integer bit ops on every width, shuffles with CUDA's out-of-range rules, ballots,
// atomics (atomic.inc's wrap, float add, 64-bit), parameters through a parameter buffer, and a
// device function specialised for a shared-memory argument. Skips without a Vulkan device.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"

namespace {

using namespace gpuc::rt;

class SpirvExec : public ::testing::Test {
 protected:
  void SetUp() override {
    DeviceOptions options;
    options.pipeline_cache = false;
    options.validation = true;  // VK_LAYER_KHRONOS_validation when installed
    gpuc::Result<Device> d = Device::open(Backend::Vulkan, 0, options);
    if (!d) GTEST_SKIP() << "no Vulkan device: " << d.error().message;
    dev_ = std::move(*d);
    RecordProperty("vulkan_validation_layer", dev_.validation_enabled() ? "on" : "off");
  }
  void TearDown() override {
    if (!dev_.valid()) return;
    std::string all;
    for (const std::string& m : dev_.validation_messages()) all += m + "\n";
    EXPECT_TRUE(all.empty()) << "Vulkan validation messages:\n" << all;
  }

  // Compiles .gir text for Vulkan and returns kernel `name`.
  Kernel compile(const std::string& gir, const std::string& name, int opt = 2,
                 const std::string& ext = ".gir") {
    gpuc::CompileOptions options;
    options.target = gpuc::Target::Vulkan;
    options.opt_level = opt;
    options.validate = true;
    gpuc::Compilation c(options);
    gpuc::CompileOutput out = c.compile_source(name + ext, gir);
    EXPECT_TRUE(out.ok) << c.diagnostics().format_all() << "\n" << gir;
    if (!out.ok) return Kernel();
    gpuc::Artifact a{gpuc::ArtifactTarget::Vulkan, out.data, out.reflection};
    gpuc::Result<Module> m = dev_.load(a);
    EXPECT_TRUE(m) << m.error().message;
    if (!m) return Kernel();
    gpuc::Result<Kernel> k = m->kernel(name);
    EXPECT_TRUE(k) << k.error().message;
    return k ? *k : Kernel();
  }

  template <typename T>
  TypedBuffer<T> upload(const std::vector<T>& v) {
    auto b = dev_.upload_array(v);
    EXPECT_TRUE(b) << b.error().message;
    return std::move(*b);
  }
  template <typename T>
  TypedBuffer<T> zeros(size_t n) {
    auto b = dev_.alloc_array<T>(n);
    EXPECT_TRUE(b) << b.error().message;
    EXPECT_TRUE(b->buffer().fill_zero());
    return std::move(*b);
  }
  template <typename T>
  std::vector<T> download(const TypedBuffer<T>& b) {
    auto v = b.download();
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : std::vector<T>();
  }

  Device dev_;
};

// out[i] = OP(x[i] [, y[i]]) over n elements, for a float-math op of the IR.
std::string float_kernel(const std::string& op, int arity, const std::string& t = "f32") {
  std::ostringstream s;
  s << "kernel @k(%x: ptr<global, " << t << "> readonly, %y: ptr<global, " << t
    << "> readonly, %out: ptr<global, " << t << ">, %n: u32) {\n"
    << "  %b = block_id.x : u32\n  %d = block_dim.x : u32\n  %t = thread_id.x : u32\n"
    << "  %m = mul %b, %d : u32\n  %i = add %m, %t : u32\n  %c = lt %i, %n : bool\n"
    << "  if %c {\n"
    << "    %xp = index %x, %i : ptr<global, " << t << ">\n    %xv = load %xp align 4 : " << t
    << "\n    %yp = index %y, %i : ptr<global, " << t << ">\n    %yv = load %yp align 4 : " << t
    << "\n    %r = " << op << " %xv" << (arity == 2 ? ", %yv" : "") << " : " << t << "\n"
    << "    %op = index %out, %i : ptr<global, " << t << ">\n    store %op, %r align 4\n  }\n}\n";
  return s.str();
}

const std::vector<float> kValues = {
    0.0f,  -0.0f, 0.5f,  -0.5f,  1.5f,     2.5f,      -2.5f,   3.5f,    1e-6f,   -1e-6f,
    1e-3f, 0.3f,  -0.7f, 1.0f,   -1.0f,    3.7f,      -12.25f, 100.0f,  -100.0f, 0.999f,
    7.0f,  -7.0f, 1e10f, -1e10f, INFINITY, -INFINITY, NAN,     4.0e-3f, 2.0f,    -3.0f};

struct Tol {
  float rtol, atol;
};

void expect_close(float got, float ref, Tol tol, const std::string& what) {
  if (std::isnan(ref)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want NaN";
    return;
  }
  // fminf/fmaxf of +0 and -0 may return either zero (C17 F.10.9.2 leaves the sign of a zero
  // result unspecified; IEEE 754 minNum/maxNum too): NVIDIA's Vulkan driver and glibc differ.
  if (ref == 0 && got == 0 && (what.starts_with("max(") || what.starts_with("min("))) return;
  if (std::isinf(ref) || tol.rtol == 0) {
    EXPECT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(ref))
        << what << ": got " << got << ", want " << ref;
    return;
  }
  EXPECT_LE(std::fabs(got - ref), tol.atol + tol.rtol * std::fabs(ref))
      << what << ": got " << got << ", want " << ref;
}

TEST_F(SpirvExec, FloatMathMatchesLibm) {
  struct Case {
    const char* op;
    int arity;
    std::function<float(float, float)> ref;
    Tol tol;
    std::function<bool(float, float)> in_domain = [](float, float) { return true; };
  };
  auto finite_small = [](float x, float) { return std::isfinite(x) && std::fabs(x) <= 20; };
  std::vector<Case> cases = {
      {"exp2",
       1,
       [](float x, float) { return std::exp2(x); },
       {1e-5f, 0},
       [](float x, float) { return std::fabs(x) < 20; }},
      {"log2", 1, [](float x, float) { return std::log2(x); }, {1e-5f, 1e-6f}},
      {"round", 1, [](float x, float) { return std::round(x); }, {0, 0}},
      {"rint", 1, [](float x, float) { return std::rint(x); }, {0, 0}},
      {"trunc", 1, [](float x, float) { return std::trunc(x); }, {0, 0}},
      {"copysign", 2, [](float x, float y) { return std::copysign(x, y); }, {0, 0}},
      {"fmod",
       2,
       [](float x, float y) { return std::fmod(x, y); },
       {0, 0},
       [](float x, float y) { return std::isfinite(x) && std::fabs(x) < 1e9f && y != 0; }},
      {"min", 2, [](float x, float y) { return std::fmin(x, y); }, {0, 0}},
      {"max", 2, [](float x, float y) { return std::fmax(x, y); }, {0, 0}},
      {"expm1", 1, [](float x, float) { return std::expm1(x); }, {2e-5f, 0}, finite_small},
      {"log1p", 1, [](float x, float) { return std::log1p(x); }, {2e-5f, 1e-7f}},
      {"cbrt", 1, [](float x, float) { return std::cbrt(x); }, {2e-6f, 0}},
      {"erf", 1, [](float x, float) { return std::erf(x); }, {2e-5f, 1e-7f}},
      {"erfc", 1, [](float x, float) { return std::erfc(x); }, {1e-4f, 1e-7f}},
      {"hypot", 2, [](float x, float y) { return std::hypot(x, y); }, {2e-6f, 0}},
      {"pow",
       2,
       [](float x, float y) { return std::pow(x, y); },
       {5e-5f, 1e-30f},
       [](float x, float y) { return std::fabs(y) <= 20 && std::fabs(x) <= 100; }},
      {"exp10", 1, [](float x, float) { return std::pow(10.0f, x); }, {5e-5f, 0}, finite_small},
      {"log10", 1, [](float x, float) { return std::log10(x); }, {1e-5f, 2e-6f}},
  };
  std::vector<float> xs, ys;
  for (float x : kValues)
    for (float y : {2.0f, -3.0f, 0.5f, 3.0f, -0.0f, INFINITY, NAN, -2.5f}) {
      xs.push_back(x);
      ys.push_back(y);
    }
  uint32_t n = static_cast<uint32_t>(xs.size());
  auto bx = upload(xs), by = upload(ys);
  for (const Case& c : cases)
    for (int opt : {0, 2}) {
      SCOPED_TRACE(std::string(c.op) + " -O" + std::to_string(opt));
      Kernel k = compile(float_kernel(c.op, c.arity), "k", opt);
      if (!k.valid()) continue;
      auto out = zeros<float>(n);
      ASSERT_TRUE(dev_.launch(k, (n + 63) / 64, 64, {bx, by, out, n}));
      std::vector<float> got = download(out);
      for (uint32_t i = 0; i < n; ++i) {
        float y = c.arity == 2 ? ys[i] : 0.0f;
        if (!c.in_domain(xs[i], y)) continue;
        std::ostringstream what;
        what << c.op << "(" << xs[i] << (c.arity == 2 ? ", " + std::to_string(y) : "") << ")";
        expect_close(got[i], c.ref(xs[i], y), c.tol, what.str());
      }
    }
}

// Integer bit ops on widths Vulkan does not support directly (split or widened by the backend).
TEST_F(SpirvExec, IntegerBitOpsOnEveryWidth) {
  const char* gir = R"(
kernel @k(%a: ptr<global, u64> readonly, %out: ptr<global, i32>, %rev: ptr<global, u64>) {
  %t = thread_id.x : u32
  %ap = index %a, %t : ptr<global, u64>
  %v = load %ap align 8 : u64
  %v32 = convert %v : u32
  %v16 = convert %v : u16
  %v8 = convert %v : i8
  %c0 = popcount %v : i32
  %c1 = clz %v : i32
  %c2 = ffs %v : i32
  %c3 = clz %v32 : i32
  %c4 = ffs %v16 : i32
  %c5 = clz %v8 : i32
  %c6 = popcount %v8 : i32
  %c7 = clz %v16 : i32
  %eight = const 8 : u32
  %base = mul %t, %eight : u32
  %o0 = index %out, %base : ptr<global, i32>
  store %o0, %c0 align 4
  %one = const 1 : u32
  %o1 = index %o0, %one : ptr<global, i32>
  store %o1, %c1 align 4
  %o2 = index %o1, %one : ptr<global, i32>
  store %o2, %c2 align 4
  %o3 = index %o2, %one : ptr<global, i32>
  store %o3, %c3 align 4
  %o4 = index %o3, %one : ptr<global, i32>
  store %o4, %c4 align 4
  %o5 = index %o4, %one : ptr<global, i32>
  store %o5, %c5 align 4
  %o6 = index %o5, %one : ptr<global, i32>
  store %o6, %c6 align 4
  %o7 = index %o6, %one : ptr<global, i32>
  store %o7, %c7 align 4
  %r64 = brev %v : u64
  %r8 = brev %v8 : i8
  %r8w = convert %r8 : u8
  %r8x = convert %r8w : u64
  %x = xor %r64, %r8x : u64
  %rp = index %rev, %t : ptr<global, u64>
  store %rp, %x align 8
}
)";
  std::vector<uint64_t> vals = {0,
                                1,
                                0x80000000ull,
                                0xffffffffffffffffull,
                                0x0000000100000000ull,
                                0x8000000000000000ull,
                                0x00f0000000000f00ull,
                                0x123456789abcdef0ull,
                                0x80,
                                0x7f,
                                0x8000,
                                0x10000};
  Kernel k = compile(gir, "k");
  ASSERT_TRUE(k.valid());
  uint32_t n = static_cast<uint32_t>(vals.size());
  auto a = upload(vals);
  auto out = zeros<int32_t>(n * 8);
  auto rev = zeros<uint64_t>(n);
  ASSERT_TRUE(dev_.launch(k, 1, n, {a, out, rev}));
  std::vector<int32_t> got = download(out);
  std::vector<uint64_t> got_rev = download(rev);
  auto brev64 = [](uint64_t v) {
    uint64_t r = 0;
    for (int b = 0; b < 64; ++b) r |= ((v >> b) & 1) << (63 - b);
    return r;
  };
  auto ffs = [](uint64_t v) { return v == 0 ? 0 : std::countr_zero(v) + 1; };
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t v = vals[i];
    SCOPED_TRACE("value " + std::to_string(v));
    uint8_t b8 = static_cast<uint8_t>(v);
    EXPECT_EQ(got[i * 8 + 0], std::popcount(v));
    EXPECT_EQ(got[i * 8 + 1], std::countl_zero(v));
    EXPECT_EQ(got[i * 8 + 2], ffs(v));
    EXPECT_EQ(got[i * 8 + 3], std::countl_zero(static_cast<uint32_t>(v)));
    EXPECT_EQ(got[i * 8 + 4], ffs(static_cast<uint16_t>(v)));
    EXPECT_EQ(got[i * 8 + 5], std::countl_zero(b8));
    EXPECT_EQ(got[i * 8 + 6], std::popcount(b8));
    EXPECT_EQ(got[i * 8 + 7], std::countl_zero(static_cast<uint16_t>(v)));
    uint8_t r8 = static_cast<uint8_t>(brev64(b8) >> 56);
    EXPECT_EQ(got_rev[i], brev64(v) ^ r8);
  }
}

// Shuffles return the caller's own value when the source lane is out of range (CUDA), idx wraps
// modulo the warp size; ballot/vote/active_mask over a full subgroup.
TEST_F(SpirvExec, SubgroupOpsFollowCuda) {
  const char* gir = R"(
kernel @k(%out: ptr<global, u32>) {
  %t = thread_id.x : u32
  %lane = lane_id : u32
  %ws = warp_size : u32
  %three = const 3 : u32
  %up = shfl.up %t, %three : u32
  %down = shfl.down %t, %three : u32
  %big = const 37 : u32
  %idx = shfl.idx %t, %big : u32
  %one = const 1 : u32
  %x = shfl.xor %t, %one : u32
  %odd = and %lane, %one : u32
  %zero = const 0 : u32
  %is_odd = ne %odd, %zero : bool
  %bal = ballot %is_odd : u32
  %all = vote.all %is_odd : bool
  %any = vote.any %is_odd : bool
  %allu = convert %all : u32
  %anyu = convert %any : u32
  %am = active_mask : u32
  %eight = const 8 : u32
  %base = mul %t, %eight : u32
  %p0 = index %out, %base : ptr<global, u32>
  store %p0, %up align 4
  %p1 = index %p0, %one : ptr<global, u32>
  store %p1, %down align 4
  %p2 = index %p1, %one : ptr<global, u32>
  store %p2, %idx align 4
  %p3 = index %p2, %one : ptr<global, u32>
  store %p3, %x align 4
  %p4 = index %p3, %one : ptr<global, u32>
  store %p4, %bal align 4
  %p5 = index %p4, %one : ptr<global, u32>
  store %p5, %allu align 4
  %p6 = index %p5, %one : ptr<global, u32>
  store %p6, %anyu align 4
  %p7 = index %p6, %one : ptr<global, u32>
  %lw = shl %ws, %eight : u32
  %packed = or %lw, %lane : u32
  store %p7, %packed align 4
  %unused = or %am, %zero : u32
}
)";
  Kernel k = compile(gir, "k", 0);
  ASSERT_TRUE(k.valid());
  const uint32_t n = 64;
  auto out = zeros<uint32_t>(n * 8);
  ASSERT_TRUE(dev_.launch(k, 1, n, {out}));
  std::vector<uint32_t> g = download(out);
  uint32_t ws = g[7] >> 8;
  ASSERT_GE(ws, 4u);
  ASSERT_LE(ws, 64u);
  for (uint32_t t = 0; t < n; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t) + ", warp size " + std::to_string(ws));
    uint32_t lane = g[t * 8 + 7] & 0xff;
    ASSERT_EQ(lane, t % ws);
    uint32_t warp0 = t - lane;
    EXPECT_EQ(g[t * 8 + 0], lane >= 3 ? t - 3 : t);
    EXPECT_EQ(g[t * 8 + 1], lane + 3 < ws ? t + 3 : t);
    EXPECT_EQ(g[t * 8 + 2], warp0 + 37 % ws);
    EXPECT_EQ(g[t * 8 + 3], t ^ 1);
    uint32_t odd_mask = 0;
    for (uint32_t l = 0; l < std::min(ws, 32u); ++l)
      if (l & 1) odd_mask |= 1u << l;
    EXPECT_EQ(g[t * 8 + 4], odd_mask);
    EXPECT_EQ(g[t * 8 + 5], 0u);
    EXPECT_EQ(g[t * 8 + 6], 1u);
  }
}

// atomic.inc wraps like CUDA's atomicInc; float add, 64-bit add and cas on global memory; shared
// atomics through a struct member.
TEST_F(SpirvExec, Atomics) {
  const char* gir = R"(
struct Cell { count: u32, sum: f32 }
shared @cell : Cell

kernel @k(%ctr: ptr<global, u32>, %fsum: ptr<global, f32>, %wide: ptr<global, u64>, %out: ptr<global, u32>) {
  %t = thread_id.x : u32
  %zero = const 0 : u32
  %first = eq %t, %zero : bool
  %c = global @cell : ptr<shared, Cell>
  %cnt = member %c, 0 : ptr<shared, u32>
  if %first {
    store %cnt, %zero align 4
  }
  barrier
  %lim = const 9 : u32
  %old = atomic.inc %ctr, %lim : u32
  %one = const 1.5 : f32
  %f = atomic.add %fsum, %one : f32
  %big = const 4294967296 : u64
  %w = atomic.add %wide, %big : u64
  %onei = const 1 : u32
  %s = atomic.add %cnt, %onei : u32
  barrier
  if %first {
    %total = load %cnt align 4 : u32
    %o1 = index %out, %onei : ptr<global, u32>
    store %o1, %total align 4
    %expect = const 0 : u32
    %seven = const 7 : u32
    %prev = atomic.cas %out, %expect, %seven : u32
  }
}
)";
  Kernel k = compile(gir, "k");
  ASSERT_TRUE(k.valid());
  auto ctr = zeros<uint32_t>(1);
  auto fsum = zeros<float>(1);
  auto wide = zeros<uint64_t>(1);
  auto out = zeros<uint32_t>(2);
  const uint32_t n = 64;
  ASSERT_TRUE(dev_.launch(k, 1, n, {ctr, fsum, wide, out}));
  EXPECT_EQ(download(ctr)[0], n % 10);  // 64 increments wrapping at 9 -> 64 mod 10
  EXPECT_EQ(download(fsum)[0], 1.5f * n);
  EXPECT_EQ(download(wide)[0], uint64_t{n} << 32);
  std::vector<uint32_t> o = download(out);
  EXPECT_EQ(o[0], 7u);
  EXPECT_EQ(o[1], n);
}

// More than 128 bytes of parameters: the push constants carry the parameter buffer's address.
TEST_F(SpirvExec, IndirectParameterBlock) {
  std::ostringstream s;
  s << "kernel @k(";
  for (int p = 0; p < 17; ++p) s << "%a" << p << ": ptr<global, f32> readonly, ";
  s << "%out: ptr<global, f32>, %scale: f32) {\n  %t = thread_id.x : u32\n";
  s << "  %acc0 = const 0.0 : f32\n";
  for (int p = 0; p < 17; ++p)
    s << "  %p" << p << " = index %a" << p << ", %t : ptr<global, f32>\n  %v" << p << " = load %p"
      << p << " align 4 : f32\n  %acc" << p + 1 << " = add %acc" << p << ", %v" << p << " : f32\n";
  s << "  %r = mul %acc17, %scale : f32\n  %o = index %out, %t : ptr<global, f32>\n"
    << "  store %o, %r align 4\n}\n";
  Kernel k = compile(s.str(), "k");
  ASSERT_TRUE(k.valid());
  EXPECT_GT(k.reflection().param_block_size, gpuc::ir::kMaxPushConstantParamBytes);
  const uint32_t n = 32;
  std::vector<TypedBuffer<float>> ins;
  for (int p = 0; p < 17; ++p) ins.push_back(upload(std::vector<float>(n, float(p + 1))));
  auto out = zeros<float>(n);
  std::vector<Arg> args(ins.begin(), ins.end());
  args.push_back(out);
  args.push_back(0.5f);
  ASSERT_TRUE(dev_.stream().launch(k, 1, n, std::span<const Arg>(args)));
  ASSERT_TRUE(dev_.synchronize());
  for (float v : download(out)) EXPECT_EQ(v, 0.5f * (17 * 18 / 2));
}

// A device function taking a pointer into shared memory is specialised per call-site binding;
// loops with continue/break/early return through it.
TEST_F(SpirvExec, SharedPointerArgumentAndControlFlow) {
  const char* gir = R"(
shared @tile : [64 x i32]

func @fill(%p: ptr<shared, i32>, %n: u32, %v: i32) {
  %i0 = var : ptr<private, u32>
  %zero = const 0 : u32
  store %i0, %zero align 4
  loop {
    %i = load %i0 align 4 : u32
    %done = ge %i, %n : bool
    if %done {
      break
    }
    %one = const 1 : u32
    %odd = and %i, %one : u32
    %is_odd = ne %odd, %zero : bool
    if %is_odd {
      continue
    }
    %q = index %p, %i : ptr<shared, i32>
    %ii = convert %i : i32
    %val = add %v, %ii : i32
    store %q, %val align 4
  } continue {
    %j = load %i0 align 4 : u32
    %one2 = const 1 : u32
    %next = add %j, %one2 : u32
    store %i0, %next align 4
  }
}

kernel @k(%out: ptr<global, i32>) {
  %t = thread_id.x : u32
  %zero = const 0 : u32
  %first = eq %t, %zero : bool
  %tile = global @tile : ptr<shared, [64 x i32]>
  %ti = elem %tile, %t : ptr<shared, i32>
  %m1 = const -1 : i32
  store %ti, %m1 align 4
  barrier
  if %first {
    %eight = const 8 : u32
    %base = elem %tile, %eight : ptr<shared, i32>
    %sixteen = const 16 : u32
    %hundred = const 100 : i32
    call @fill(%base, %sixteen, %hundred)
  }
  barrier
  %v = load %ti align 4 : i32
  %o = index %out, %t : ptr<global, i32>
  store %o, %v align 4
}
)";
  for (int opt : {0, 2}) {
    SCOPED_TRACE("-O" + std::to_string(opt));
    Kernel k = compile(gir, "k", opt);
    ASSERT_TRUE(k.valid());
    auto out = zeros<int32_t>(64);
    ASSERT_TRUE(dev_.launch(k, 1, 64, {out}));
    std::vector<int32_t> g = download(out);
    for (int t = 0; t < 64; ++t) {
      int i = t - 8;
      int want = (i >= 0 && i < 16 && i % 2 == 0) ? 100 + i : -1;
      EXPECT_EQ(g[t], want) << "element " << t;
    }
  }
}

// Global pointers as values (select, a device function returning one, a local pointer variable
// carried through a loop, an array of pointers): -O2 must keep every store through them.
TEST_F(SpirvExec, GlobalPointersThroughLocals) {
  std::string gir;
  {
    std::ifstream in(std::string(GPUC_SOURCE_DIR) + "/tests/spirv/inputs/global_pointers.gir");
    std::stringstream ss;
    ss << in.rdbuf();
    gir = ss.str();
  }
  for (int opt : {0, 2}) {
    SCOPED_TRACE("-O" + std::to_string(opt));
    Kernel k = compile(gir, "walk", opt);
    ASSERT_TRUE(k.valid());
    auto a = upload(std::vector<float>(8, 5.0f));
    auto b = upload(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
    ASSERT_TRUE(dev_.launch(k, 1, 1, {a, b, 6u}));
    EXPECT_EQ(download(b), (std::vector<float>{2, 4, 6, 8, 10, 12, 7, 8}));
    EXPECT_EQ(download(a), (std::vector<float>{1, 5, 5, 5, 5, 5, 5, 5}));
  }
}

// Signed constant offsets of a global index are emitted as (p + a) + c (lower_insts.cpp,
// split_constant_offset): negative and positive constants, a pointer into the middle of the buffer
// (its intermediate p + a lies before the element read), subtraction and 64-bit indices.
TEST_F(SpirvExec, ConstantIndexOffsets) {
  const std::string src = R"(
extern "C" __global__ void offsets(const float* in, float* out, int n) {
  int i = threadIdx.x + 1;
  const float* mid = in + n;
  out[i - 1] = in[i - 1] + 10.0f * in[1 + i] + 100.0f * mid[i - n - 1];
  long long j = i;
  out[n + i] = in[j + 2] - in[j - 1];
})";
  const int n = 16;
  std::vector<float> in(n + 3);
  for (int k = 0; k < n + 3; ++k) in[k] = float(k * k % 23) + 0.25f * float(k);
  std::vector<float> want(2 * n + 1, 0.0f);
  for (int i = 1; i <= n; ++i) {
    want[i - 1] = in[i - 1] + 10.0f * in[i + 1] + 100.0f * in[i - 1];
    want[n + i] = in[i + 2] - in[i - 1];
  }
  for (int opt : {0, 2}) {
    SCOPED_TRACE("-O" + std::to_string(opt));
    Kernel k = compile(src, "offsets", opt, ".gk");
    ASSERT_TRUE(k.valid());
    auto bin = upload(in);
    auto bout = zeros<float>(2 * n + 1);
    ASSERT_TRUE(dev_.launch(k, 1, n, {bin, bout, n}));
    EXPECT_EQ(download(bout), want);
  }
}

// `&&` and `||`: speculated right sides (a select, OpLogicalAnd/Or) and short-circuit ones (a
// memory read that must not run past the end, a division by zero that must not happen) give C's
// truth table, with a right side whose signed arithmetic overflows where it is not needed.
TEST_F(SpirvExec, LogicalOperatorsKeepCSemantics) {
  const std::string src = R"(
extern "C" __global__ void logic(const int* a, const int* b, int* out, int n) {
  int i = threadIdx.x;
  int x = a[i], y = b[i];
  int r = (x > 0 || y < 0) + 2 * (x > 0 && y < 0);
  r += 4 * (x == 0 || 100 / x > 10);            // division: not speculated
  r += 8 * (i + 1 < n && a[i + 1] > x);         // a read: not speculated, never past the end
  r += 16 * (x > 0 || x + 2147483647 > 5);      // speculated; overflows only where x > 0 decides
  out[i] = r;
})";
  const int n = 32;
  std::vector<int> a(n), b(n);
  for (int k = 0; k < n; ++k) {
    a[k] = (k * 7) % 11 - 5;
    b[k] = (k * 5) % 9 - 4;
  }
  std::vector<int> want(n);
  for (int i = 0; i < n; ++i) {
    int x = a[i], y = b[i];
    int r = (x > 0 || y < 0) + 2 * (x > 0 && y < 0);
    r += 4 * (x == 0 || 100 / x > 10);
    r += 8 * (i + 1 < n && a[i + 1] > x);
    r += 16 * (x > 0 || (long long)x + 2147483647 > 5);
    want[i] = r;
  }
  for (int opt : {0, 2}) {
    SCOPED_TRACE("-O" + std::to_string(opt));
    Kernel k = compile(src, "logic", opt, ".gk");
    ASSERT_TRUE(k.valid());
    auto ba = upload(a);
    auto bb = upload(b);
    auto bout = zeros<int>(n);
    ASSERT_TRUE(dev_.launch(k, 1, n, {ba, bb, bout, n}));
    EXPECT_EQ(download(bout), want);
  }
}

// Locals holding pointers into shared and local memory: the .gir input and the CUDA pattern
// `float* row = tile[threadIdx.y];` from kernel source.
TEST_F(SpirvExec, PointerLocalsIntoSharedMemory) {
  std::string gir;
  {
    std::ifstream in(std::string(GPUC_SOURCE_DIR) + "/tests/spirv/inputs/pointer_locals.gir");
    std::stringstream ss;
    ss << in.rdbuf();
    gir = ss.str();
  }
  for (bool flip : {false, true})
    for (int opt : {0, 2}) {
      SCOPED_TRACE("flip " + std::to_string(flip) + " -O" + std::to_string(opt));
      Kernel k = compile(gir, "rows", opt);
      ASSERT_TRUE(k.valid());
      auto out = zeros<float>(64);
      ASSERT_TRUE(dev_.launch(k, 1, Dim3(8, 8), {out, flip}));
      std::vector<float> g = download(out);
      // Thread (x, y) wrote y into row (flip ? 7 - y : y) and reads it back.
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) EXPECT_EQ(g[y * 8 + x], float(y)) << x << "," << y;
    }
  const char* gk = R"(
__global__ void transpose_rows(const float* in, float* out) {
  __shared__ float tile[8][9];
  float* row = tile[threadIdx.y];
  row[threadIdx.x] = in[threadIdx.y * 8 + threadIdx.x];
  __syncthreads();
  const float* col = &tile[threadIdx.x][0];
  out[threadIdx.y * 8 + threadIdx.x] = col[threadIdx.y];
}
)";
  Kernel k = compile(gk, "transpose_rows", 2, ".gk");
  ASSERT_TRUE(k.valid());
  std::vector<float> in(64);
  for (int i = 0; i < 64; ++i) in[i] = float(i);
  auto bin = upload(in);
  auto out = zeros<float>(64);
  ASSERT_TRUE(dev_.launch(k, 1, Dim3(8, 8), {bin, out}));
  std::vector<float> g = download(out);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) EXPECT_EQ(g[y * 8 + x], in[x * 8 + y]) << x << "," << y;
}

}  // namespace
