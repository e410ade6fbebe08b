// End-to-end tests: kernels of tests/kernels compiled in-process with gpuc::Compilation for the
// device's backend, loaded with their reflection, launched and checked against CPU references.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"
#include "source_fixed_block.h"
#include "source_reduce_warp_shuffle.h"
#include "source_saxpy.h"
#include "source_struct_params.h"
#include "source_transpose_tiled.h"
#include "test_device.h"

// llvmpipe's JIT-compiled shader code leaks small realloc'ed blocks (the stacks hold no gpuc
// frame); keep the LeakSanitizer build (GPUC_SANITIZE) usable.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:__interceptor_realloc\n";
}

namespace {

using namespace gpuc::rt;

class CompiledKernels : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DeviceOptions options;
    options.validation = true;
    options.pipeline_cache = false;
    GPUC_OPEN_TEST_DEVICE(dev_, GetParam(), options);
  }
  void TearDown() override {
    if (!dev_.valid()) return;
    std::string all;
    for (const std::string& m : dev_.validation_messages()) all += m + "\n";
    EXPECT_TRUE(all.empty()) << "Vulkan validation messages:\n" << all;
  }
  // Compiles `source` for this device's backend and returns kernel `name`; fails the test with
  // the compiler's diagnostics otherwise.
  Kernel compile(const std::string& file, const char* source, const std::string& name) {
    gpuc::CompileOptions options;
    options.target = GetParam() == Backend::Cuda ? gpuc::Target::Cuda : gpuc::Target::Vulkan;
    gpuc::Compilation c(options);
    gpuc::CompileOutput out = c.compile_source(file, source);
    EXPECT_TRUE(out.ok) << c.diagnostics().format_all();
    if (!out.ok) return Kernel();
    gpuc::Artifact a{backend_target(GetParam()), out.data, out.reflection};
    gpuc::Result<Module> m = dev_.load(a);
    EXPECT_TRUE(m) << m.error().message;
    if (!m) return Kernel();
    gpuc::Result<Kernel> k = m->kernel(name);
    EXPECT_TRUE(k) << k.error().message;
    return k ? *k : Kernel();
  }

  Device dev_;
};

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return backend_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, CompiledKernels,
                         ::testing::Values(Backend::Vulkan, Backend::Cuda), backend_param_name);

// Two kernels in one module (one PTX module / one SPIR-V module with two entry points), looked up
// by name and launched with different block sizes.
TEST_P(CompiledKernels, TwoKernelsInOneModule) {
  gpuc::CompileOptions options;
  options.target = GetParam() == Backend::Cuda ? gpuc::Target::Cuda : gpuc::Target::Vulkan;
  gpuc::Compilation c(options);
  gpuc::CompileOutput out = c.compile_source("two.gk", R"(
__global__ void iota(unsigned* out, unsigned n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i;
}
__global__ void scale(unsigned* out, unsigned n, unsigned k) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = out[i] * k + blockDim.x;
}
)");
  ASSERT_TRUE(out.ok) << c.diagnostics().format_all();
  Module m =
      dev_.load(gpuc::Artifact{backend_target(GetParam()), out.data, out.reflection}).value();
  std::vector<std::string> names = m.kernel_names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"iota", "scale"}));
  const unsigned n = 1000;
  TypedBuffer<unsigned> buf = dev_.alloc_array<unsigned>(n).value();
  ASSERT_TRUE(dev_.launch(m.kernel("iota").value(), (n + 31) / 32, 32, {buf, n}));
  ASSERT_TRUE(dev_.launch(m.kernel("scale").value(), (n + 127) / 128, 128, {buf, n, 3u}));
  std::vector<unsigned> got = buf.download().value();
  for (unsigned i = 0; i < n; ++i) ASSERT_EQ(got[i], i * 3 + 128) << i;
}

TEST_P(CompiledKernels, Saxpy) {
  Kernel k = compile("saxpy.gk", source_saxpy, "saxpy");
  ASSERT_TRUE(k.valid());
  const int n = 5000;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) x[i] = 0.25f * i, y[i] = 3.0f - i;
  TypedBuffer<float> dx = dev_.upload_array(x).value(), dy = dev_.upload_array(y).value();
  gpuc::Status s = dev_.launch(k, (n + 127) / 128, 128, {n, 1.5f, dx, dy});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> got = dy.download().value();
  for (int i = 0; i < n; ++i) ASSERT_NEAR(got[i], 1.5f * x[i] + y[i], 1e-3f) << i;
}

TEST_P(CompiledKernels, WarpShuffleReduction) {
  Kernel k = compile("reduce_warp_shuffle.gk", source_reduce_warp_shuffle, "reduce_warp_shuffle");
  ASSERT_TRUE(k.valid());
  EXPECT_TRUE(k.reflection().uses_subgroups);
  const int n = 100003;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i) in[i] = i % 13 - 6;
  TypedBuffer<int> din = dev_.upload_array(in).value();
  TypedBuffer<int> out = dev_.alloc_array<int>(1).value();
  // The kernel's second pass reduces the per-warp partials within one warp, so it needs
  // blockDim.x <= warpSize * warpSize (256 threads on 32-wide NVIDIA warps, 64 on llvmpipe's 8).
  uint32_t sg = dev_.info().subgroup_size;
  for (uint32_t block : {64u, std::min(256u, sg * sg)}) {
    ASSERT_TRUE(out.fill(0));
    gpuc::Status s = dev_.launch(k, 40, block, {din, out, n});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(out.download().value()[0], std::accumulate(in.begin(), in.end(), 0))
        << "block " << block;
  }
}

TEST_P(CompiledKernels, TiledTransposeWith2DBlocks) {
  Kernel k = compile("transpose_tiled.gk", source_transpose_tiled, "transpose_tiled");
  ASSERT_TRUE(k.valid());
  const int rows = 70, cols = 45;
  std::vector<float> in(rows * cols);
  std::iota(in.begin(), in.end(), 1.0f);
  TypedBuffer<float> din = dev_.upload_array(in).value();
  TypedBuffer<float> dout = dev_.alloc_array<float>(rows * cols).value();
  gpuc::Status s = dev_.launch(k, Dim3((cols + 31) / 32, (rows + 31) / 32), Dim3(32, 8),
                               {din, dout, rows, cols});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> got = dout.download().value();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) ASSERT_EQ(got[c * rows + r], in[r * cols + c]) << r << "," << c;
}

// Host mirrors of struct_params.gk's structs (C layout: float2 is 8-byte aligned).
struct alignas(8) Float2 {
  float x, y;
};
struct Transform {
  float m[2][2];
  Float2 offset;
  int max_age;
};
struct Particle {
  Float2 pos;
  int age;
  int alive;
};

TEST_P(CompiledKernels, StructParameterByValue) {
  Kernel k = compile("struct_params.gk", source_struct_params, "struct_params");
  ASSERT_TRUE(k.valid());
  ASSERT_EQ(k.reflection().params.size(), 3u);
  EXPECT_EQ(k.reflection().params[1].size, sizeof(Transform));
  const int n = 300;
  std::vector<Particle> ps(n);
  for (int i = 0; i < n; ++i) ps[i] = {{float(i), float(-i)}, i % 5, i % 7 != 0};
  Transform t{{{2.0f, 0.0f}, {0.5f, 1.0f}}, {10.0f, -1.0f}, 3};
  TypedBuffer<Particle> d = dev_.upload_array(ps).value();
  gpuc::Status s = dev_.launch(k, (n + 63) / 64, 64, {d, t, n});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<Particle> got = d.download().value();
  for (int i = 0; i < n; ++i) {
    Particle p = ps[i];
    if (p.alive) {
      Float2 q{t.m[0][0] * p.pos.x + t.m[0][1] * p.pos.y + t.offset.x,
               t.m[1][0] * p.pos.x + t.m[1][1] * p.pos.y + t.offset.y};
      p.pos = q;
      p.age += 1;
      if (p.age >= t.max_age) p.alive = 0;
    }
    ASSERT_EQ(got[i].pos.x, p.pos.x) << i;
    ASSERT_EQ(got[i].pos.y, p.pos.y) << i;
    ASSERT_EQ(got[i].age, p.age) << i;
    ASSERT_EQ(got[i].alive, p.alive) << i;
  }
}

TEST_P(CompiledKernels, FixedBlockKernel) {
  Kernel k = compile("fixed_block.gk", source_fixed_block, "fixed_block");
  ASSERT_TRUE(k.valid());
  EXPECT_EQ(k.reflection().fixed_block, (std::array<uint32_t, 3>{16, 16, 1}));
  const int w = 40, h = 21;
  std::vector<float> in(w * h);
  for (int i = 0; i < w * h; ++i) in[i] = float(i % 9);
  TypedBuffer<float> din = dev_.upload_array(in).value();
  TypedBuffer<float> dout = dev_.alloc_array<float>(w * h).value();
  gpuc::Status s = dev_.launch(k, Dim3(3, 2), Dim3(16, 16), {din, dout, w, h});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> got = dout.download().value();
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float sum = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          sum += in[std::clamp(y + dy, 0, h - 1) * w + std::clamp(x + dx, 0, w - 1)];
      ASSERT_NEAR(got[y * w + x], sum / 9.0f, 1e-5f) << x << "," << y;
    }
  }
  s = dev_.launch(k, Dim3(5, 3), Dim3(8, 8), {din, dout, w, h});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not match the kernel's fixed block (16, 16, 1)"),
            std::string::npos)
      << s.error().message;
}

}  // namespace
