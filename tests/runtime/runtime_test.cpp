// Runtime tests on every backend present: device enumeration, buffers, launches of real kernels
// checked against CPU references (saxpy, a shared-memory + subgroup reduction, a 144-byte
// parameter block, 2-D blocks, a fixed-block kernel), streams and events, the pipeline cache, and
// the error paths. Vulkan runs with the validation layer when installed and fails on any message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "gpuc/runtime/runtime.h"
#include "gpuc/support/file_io.h"
#include "kernel_big_params.h"
#include "kernel_fill2d.h"
#include "kernel_fixed64.h"
#include "kernel_reduce_sum.h"
#include "kernel_saxpy.h"
#include "test_device.h"

// llvmpipe's JIT-compiled shader code leaks small realloc'ed blocks (the stacks hold no gpuc
// frame); keep the LeakSanitizer build (GPUC_SANITIZE) usable.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:__interceptor_realloc\n";
}

namespace {

using namespace gpuc::rt;

gpuc::Bundle embedded(const unsigned char* data, size_t size) {
  gpuc::Result<gpuc::Bundle> b = gpuc::parse_bundle(data, size);
  GPUC_ASSERT(b.ok(), "embedded test bundle does not parse");
  return std::move(b).value();
}

std::string cache_dir() {
  return std::filesystem::temp_directory_path() /
         ("gpuc_runtime_test_cache_" + std::to_string(::getpid()));
}

// Removes the per-process pipeline cache directory the tests write to.
class CacheCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(cache_dir(), ec);
  }
};
const ::testing::Environment* const cache_cleanup =
    ::testing::AddGlobalTestEnvironment(new CacheCleanup);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class RuntimeTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    Backend b = GetParam();
    if (!embedded(kernel_saxpy, kernel_saxpy_size).find(backend_target(b)))
      GTEST_SKIP() << backend_name(b) << " tests skipped: the test kernels were built without "
                   << (b == Backend::Cuda ? "nvcc (no PTX)" : "glslc/spirv-as (no SPIR-V)");
    DeviceOptions options;
    options.validation = true;
    options.pipeline_cache_dir = cache_dir();
    options.on_warning = [this](const std::string& w) { warnings_.push_back(w); };
    GPUC_OPEN_TEST_DEVICE(dev_, b, options);
  }
  void TearDown() override {
    if (!dev_.valid()) return;
    std::string all;
    for (const std::string& m : dev_.validation_messages()) all += m + "\n";
    EXPECT_TRUE(all.empty()) << "Vulkan validation messages:\n" << all;
  }
  Module load(const unsigned char* data, size_t size) {
    gpuc::Result<Module> m = dev_.load(embedded(data, size));
    GPUC_ASSERT(m.ok(), "loading a test kernel failed: " + (m.ok() ? "" : m.error().message));
    return std::move(m).value();
  }
  Kernel kernel(const unsigned char* data, size_t size, const std::string& name) {
    return load(data, size).kernel(name).value();
  }

  Device dev_;
  std::vector<std::string> warnings_;
};

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return backend_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, RuntimeTest, ::testing::Values(Backend::Vulkan, Backend::Cuda),
                         backend_param_name);

// --- devices
// ---------------------------------------------------------------------------------------

TEST(Devices, EnumerationAndAuto) {
  DeviceList list = enumerate_devices();
  for (const std::string& n : list.notes) std::cout << "note: " << n << "\n";
  if (list.devices.empty()) GTEST_SKIP() << "no CUDA or Vulkan device on this host";
  for (const DeviceInfo& d : list.devices) {
    EXPECT_FALSE(d.name.empty());
    if (!d.usable) {
      EXPECT_FALSE(d.unusable_reason.empty());
      continue;
    }
    EXPECT_GT(d.memory_bytes, 0u) << d.name;
    EXPECT_GT(d.subgroup_size, 0u) << d.name;
    EXPECT_GE(d.max_threads_per_block, 64u) << d.name;
    EXPECT_GE(d.max_shared_bytes, 16384u) << d.name;
    EXPECT_GE(d.max_push_constant_bytes, 128u) << d.name;
    EXPECT_FALSE(d.driver.empty()) << d.name;
  }
  const DeviceInfo* pick = pick_auto_device(list);
  if (!pick) GTEST_SKIP() << "no usable device";
  // auto prefers CUDA whenever a CUDA device is listed.
  bool any_cuda = std::any_of(list.devices.begin(), list.devices.end(),
                              [](const DeviceInfo& d) { return d.backend == Backend::Cuda; });
  EXPECT_EQ(pick->backend == Backend::Cuda, any_cuda);
  if (std::getenv("GPUC_DEVICE")) return;  // the override would change what auto opens
  gpuc::Result<Device> d = Device::open("auto");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->info().name, pick->name);
  EXPECT_EQ(d->backend(), pick->backend);
}

TEST(Devices, BadSpecsAreErrors) {
  gpuc::Result<Device> d = Device::open("opencl");
  ASSERT_FALSE(d);
  EXPECT_TRUE(contains(d.error().message, "expected auto, cuda, vulkan")) << d.error().message;
  d = Device::open("vulkan:4096");
  ASSERT_FALSE(d);
  EXPECT_TRUE(contains(d.error().message, "no Vulkan device 4096") ||
              contains(d.error().message, "libvulkan"))
      << d.error().message;
}

// --- buffers
// ---------------------------------------------------------------------------------------

TEST_P(RuntimeTest, BufferRoundTripFillCopy) {
  gpuc::Result<TypedBuffer<uint32_t>> a = dev_.alloc_array<uint32_t>(1000);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->count(), 1000u);
  EXPECT_NE(a->device_address(), 0u);
  std::vector<uint32_t> host(1000);
  std::iota(host.begin(), host.end(), 7u);
  ASSERT_TRUE(a->upload(host));
  EXPECT_EQ(a->download().value(), host);

  // Partial download at an element offset.
  std::vector<uint32_t> part(10);
  ASSERT_TRUE(a->download(std::span<uint32_t>(part), 990));
  EXPECT_EQ(part[0], 997u);
  EXPECT_EQ(part[9], 1006u);

  // Fills with 1-, 2-, 4- and 8-byte patterns, aligned and not.
  Buffer& raw = a->buffer();
  uint8_t b1 = 0xab;
  ASSERT_TRUE(raw.fill(&b1, 1, 1, 5));  // bytes [1, 6)
  uint16_t b2 = 0x1234;
  ASSERT_TRUE(raw.fill(&b2, 2, 10, 4));  // bytes [10, 14)
  uint64_t b8 = 0x1111111122222222ull;
  ASSERT_TRUE(raw.fill(&b8, 8, 16, 16));  // bytes [16, 32)
  std::vector<uint8_t> bytes(40);
  ASSERT_TRUE(raw.download(bytes.data(), bytes.size()));
  uint8_t seven[4] = {7, 0, 0, 0};
  EXPECT_EQ(bytes[0], seven[0]);
  for (int i = 1; i < 6; ++i) EXPECT_EQ(bytes[i], 0xab) << i;
  EXPECT_EQ(bytes[10], 0x34);
  EXPECT_EQ(bytes[11], 0x12);
  EXPECT_EQ(bytes[13], 0x12);
  uint64_t got8 = 0;
  std::memcpy(&got8, bytes.data() + 24, 8);
  EXPECT_EQ(got8, b8);
  ASSERT_TRUE(a->fill(0xdeadbeefu));
  std::vector<uint32_t> filled = a->download().value();
  for (uint32_t v : filled) ASSERT_EQ(v, 0xdeadbeefu);

  // Copy between buffers with offsets.
  gpuc::Result<TypedBuffer<uint32_t>> b = dev_.upload_array(host);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE(a->buffer().copy_from(b->buffer(), 40, 8, 100));
  std::vector<uint32_t> c(10);
  ASSERT_TRUE(a->download(std::span<uint32_t>(c), 25));
  EXPECT_EQ(c[0], host[2]);
  EXPECT_EQ(c[9], host[11]);
}

TEST_P(RuntimeTest, BufferRangesAreChecked) {
  TypedBuffer<float> a = dev_.alloc_array<float>(16).value();
  std::vector<float> big(17, 1.0f);
  gpuc::Status s = a.upload(big);
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "does not fit")) << s.error().message;
  s = a.buffer().upload(big.data(), 8, 60);
  ASSERT_FALSE(s);
  EXPECT_TRUE(
      contains(s.error().message, "upload of 8 bytes at offset 60 does not fit the 64-byte"))
      << s.error().message;
  s = a.buffer().download(big.data(), 65);
  EXPECT_FALSE(s);
  uint32_t p = 0;
  s = a.buffer().fill(&p, 4, 2, 8);
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "4-byte patterns")) << s.error().message;
  s = a.buffer().fill(&p, 3);
  EXPECT_FALSE(s);
  EXPECT_FALSE(a.buffer().copy_from(a.buffer(), 64, 8, 0));
  gpuc::Result<Buffer> zero = dev_.alloc(0);
  EXPECT_FALSE(zero);
}

TEST_P(RuntimeTest, HugeAllocationIsAClearError) {
  gpuc::Result<Buffer> b = dev_.alloc(size_t(1) << 50);  // 1 PiB
  ASSERT_FALSE(b);
  EXPECT_TRUE(contains(b.error().message, "cannot allocate 1.0 PiB")) << b.error().message;
  EXPECT_TRUE(contains(b.error().message, "OUT_OF")) << b.error().message;
}

// --- launches checked against CPU references
// ------------------------------------------------------

TEST_P(RuntimeTest, Saxpy) {
  Kernel k = kernel(kernel_saxpy, kernel_saxpy_size, "saxpy");
  const int n = 10007;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = 0.5f * i;
    y[i] = 1000.0f - i;
  }
  TypedBuffer<float> dx = dev_.upload_array(x).value(), dy = dev_.upload_array(y).value();
  const float a = 2.5f;
  uint32_t block = 128;
  gpuc::Status s = dev_.launch(k, (n + block - 1) / block, block, {n, a, dx, dy});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> out = dy.download().value();
  for (int i = 0; i < n; ++i) ASSERT_NEAR(out[i], a * x[i] + y[i], 1e-3f) << i;
  // The free launch() and a second block size (a second pipeline) give the same result.
  ASSERT_TRUE(dy.upload(y));
  s = launch(k, (n + 63) / 64, 64, {n, a, dx, dy});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> out2 = dy.download().value();
  EXPECT_EQ(out, out2);
}

TEST_P(RuntimeTest, ReductionWithSharedMemoryAndSubgroups) {
  Kernel k = kernel(kernel_reduce_sum, kernel_reduce_sum_size, "reduce_sum");
  EXPECT_TRUE(k.reflection().uses_subgroups);
  const uint32_t n = 100000, block = 256, blocks = (n + block - 1) / block;
  std::vector<float> in(n);
  for (uint32_t i = 0; i < n; ++i) in[i] = static_cast<float>(i % 17) * 0.25f;  // exact sums
  TypedBuffer<float> din = dev_.upload_array(in).value();
  TypedBuffer<float> partial = dev_.alloc_array<float>(blocks).value();
  gpuc::Status s = dev_.launch(k, blocks, block, {din, partial, n});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> got = partial.download().value();
  double total = 0;
  for (uint32_t b = 0; b < blocks; ++b) {
    float want = 0;
    for (uint32_t i = b * block; i < std::min(n, (b + 1) * block); ++i) want += in[i];
    ASSERT_EQ(got[b], want) << "block " << b;
    total += got[b];
  }
  EXPECT_EQ(total, std::accumulate(in.begin(), in.end(), 0.0));
}

struct Coeffs {
  float c[32];
};

TEST_P(RuntimeTest, ParameterBlockOver128Bytes) {
  Kernel k = kernel(kernel_big_params, kernel_big_params_size, "big_params");
  ASSERT_GT(k.reflection().param_block_size, 128u);
  Coeffs c;
  for (int i = 0; i < 32; ++i) c.c[i] = 0.5f * i - 3.0f;
  TypedBuffer<float> out = dev_.alloc_array<float>(1000).value();
  gpuc::Status s = dev_.launch(k, 8, 128, {out, c, 7});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<float> got = out.download().value();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[i], c.c[i % 32] * float(i) + 7.0f) << i;

  // Many launches queued without waiting, each with its own parameter block (Vulkan: blocks
  // carved from recycled host memory; more than one submission's worth of commands).
  Stream st = dev_.create_stream().value();
  std::vector<TypedBuffer<float>> outs;
  for (int j = 0; j < 300; ++j) {
    outs.push_back(dev_.alloc_array<float>(1000).value());
    ASSERT_TRUE(st.launch(k, 8, 128, {outs.back(), c, j}));
  }
  ASSERT_TRUE(st.synchronize());
  for (int j = 0; j < 300; j += 37) {
    std::vector<float> o = outs[j].download().value();
    for (int i = 0; i < 1000; i += 99) ASSERT_EQ(o[i], c.c[i % 32] * float(i) + float(j)) << j;
  }
}

TEST_P(RuntimeTest, TwoDimensionalBlocks) {
  Kernel k = kernel(kernel_fill2d, kernel_fill2d_size, "fill2d");
  const uint32_t w = 100, h = 37;
  TypedBuffer<uint32_t> out = dev_.alloc_array<uint32_t>(w * h).value();
  ASSERT_TRUE(out.fill(0u));
  for (Dim3 block : {Dim3(16, 8), Dim3(8, 16), Dim3(32, 2)}) {
    Dim3 grid((w + block.x - 1) / block.x, (h + block.y - 1) / block.y);
    gpuc::Status s = dev_.launch(k, grid, block, {out, w, h});
    ASSERT_TRUE(s) << s.error().message;
    std::vector<uint32_t> got = out.download().value();
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x) ASSERT_EQ(got[y * w + x], (y << 16) | x) << x << "," << y;
  }
}

TEST_P(RuntimeTest, FixedBlockKernel) {
  Kernel k = kernel(kernel_fixed64, kernel_fixed64_size, "fixed64");
  TypedBuffer<uint32_t> out = dev_.alloc_array<uint32_t>(256).value();
  gpuc::Status s = dev_.launch(k, 4, 64, {out});
  ASSERT_TRUE(s) << s.error().message;
  std::vector<uint32_t> got = out.download().value();
  for (uint32_t i = 0; i < 256; ++i) ASSERT_EQ(got[i], 64000u + i % 64) << i;
  s = dev_.launch(k, 8, 32, {out});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message,
                       "kernel 'fixed64': block (32, 1, 1) does not match the kernel's fixed "
                       "block (64, 1, 1)"))
      << s.error().message;
}

// --- streams and events
// ----------------------------------------------------------------------------

TEST_P(RuntimeTest, StreamsAndEvents) {
  Kernel k = kernel(kernel_saxpy, kernel_saxpy_size, "saxpy");
  Stream stream = dev_.create_stream().value();
  Event start = dev_.create_event().value(), end = dev_.create_event().value();
  const int n = 1 << 16;
  std::vector<float> x(n, 1.0f), y(n, 0.0f), result(n, -1.0f);
  TypedBuffer<float> dx = dev_.alloc_array<float>(n).value(),
                     dy = dev_.alloc_array<float>(n).value();
  ASSERT_TRUE(stream.upload(dx.buffer(), x.data(), n * sizeof(float)));
  ASSERT_TRUE(stream.upload(dy.buffer(), y.data(), n * sizeof(float)));
  ASSERT_TRUE(stream.record(start));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(stream.launch(k, n / 256, 256, {n, 1.0f, dx, dy}));
  ASSERT_TRUE(stream.record(end));
  ASSERT_TRUE(stream.download(dy.buffer(), result.data(), n * sizeof(float)));
  if (GetParam() == Backend::Vulkan) {
    // Nothing has been submitted yet: the timestamps do not exist.
    gpuc::Result<float> early = elapsed_ms(start, end);
    ASSERT_FALSE(early);
    EXPECT_TRUE(contains(early.error().message, "synchronize")) << early.error().message;
    EXPECT_EQ(result[0], -1.0f);  // the download lands at synchronize
  }
  ASSERT_TRUE(stream.synchronize());
  for (int i = 0; i < n; ++i) ASSERT_EQ(result[i], 10.0f) << i;
  gpuc::Result<float> ms = elapsed_ms(start, end);
  ASSERT_TRUE(ms) << ms.error().message;
  EXPECT_GT(*ms, 0.0f);
  EXPECT_LT(*ms, 60000.0f);
  Event never = dev_.create_event().value();
  EXPECT_FALSE(elapsed_ms(start, never));
}

// --- error paths
// -----------------------------------------------------------------------------------

TEST_P(RuntimeTest, ArgumentMismatchesNameTheParameter) {
  Kernel k = kernel(kernel_saxpy, kernel_saxpy_size, "saxpy");
  TypedBuffer<float> buf = dev_.alloc_array<float>(64).value();
  gpuc::Status s = dev_.launch(k, 1, 64, {64, 1.0f, buf});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "kernel 'saxpy': expects 4 arguments (n, a, x, y), got 3");
  s = dev_.launch(k, 1, 64, {64, 1.0f, 2.0f, buf});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "kernel 'saxpy': argument 2 ('x') expects a pointer (ptr<global, f32>), got a 4-byte "
            "value");
  s = dev_.launch(k, 1, 64, {64, buf, buf, buf});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "kernel 'saxpy': argument 1 ('a') expects a 4-byte value (f32), "
            "got a pointer");
  s = dev_.launch(k, 1, 64, {64, 1.0, buf, buf});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "kernel 'saxpy': argument 1 ('a') expects a 4-byte value (f32), "
            "got an 8-byte value");
  s = dev_.launch(k, 1, 64, {64, 1.0f, Buffer(), buf});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "argument 2 ('x') is an empty Buffer"));
  s = dev_.launch(k, 1, 64, {64, 1.0f, Arg(buf.buffer(), 1000), buf});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "points 1000 bytes into a 256-byte buffer"));
}

TEST_P(RuntimeTest, LaunchShapesAreChecked) {
  Kernel k = kernel(kernel_saxpy, kernel_saxpy_size, "saxpy");
  TypedBuffer<float> buf = dev_.alloc_array<float>(64).value();
  gpuc::Status s = dev_.launch(k, Dim3(0), 64, {64, 1.0f, buf, buf});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "grid (0, 1, 1) has a zero dimension"));
  s = dev_.launch(k, 1, Dim3(64, 0), {64, 1.0f, buf, buf});
  EXPECT_FALSE(s);
  uint32_t too_many = dev_.info().max_threads_per_block * 2;
  s = dev_.launch(k, 1, Dim3(too_many), {64, 1.0f, buf, buf});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "exceeds the device limit") ||
              contains(s.error().message, "more than the device's limit"))
      << s.error().message;
  s = dev_.launch(k, 1, Dim3(32, 32, 2), {64, 1.0f, buf, buf});
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error().message, "threads, more than the device's limit"))
      << s.error().message;
}

TEST_P(RuntimeTest, UnknownKernelListsTheAvailableOnes) {
  Module m = load(kernel_saxpy, kernel_saxpy_size);
  EXPECT_EQ(m.kernel_names(), std::vector<std::string>{"saxpy"});
  gpuc::Result<Kernel> k = m.kernel("sgemm");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().message, "no kernel named 'sgemm' in the module (available: saxpy)");
}

TEST_P(RuntimeTest, ArtifactForTheOtherTargetIsAnError) {
  gpuc::Bundle b = embedded(kernel_saxpy, kernel_saxpy_size);
  gpuc::ArtifactTarget mine = backend_target(GetParam());
  gpuc::ArtifactTarget other = mine == gpuc::ArtifactTarget::Cuda ? gpuc::ArtifactTarget::Vulkan
                                                                  : gpuc::ArtifactTarget::Cuda;
  gpuc::Artifact foreign{other, "", b.find(mine)->reflection};
  // Code of the other target: PTX text, or a SPIR-V header (magic, 1.5, generator, bound, 0).
  const uint32_t spirv[] = {0x07230203u, 0x00010500u, 0, 1, 0};
  foreign.code = other == gpuc::ArtifactTarget::Cuda
                     ? std::string(".version 8.0\n.target sm_75\n")
                     : std::string(reinterpret_cast<const char*>(spirv), sizeof spirv);
  gpuc::Result<Module> m = dev_.load(foreign);
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, std::string("cannot load a ") +
                                              gpuc::artifact_target_name(other) + " artifact"))
      << m.error().message;
  gpuc::Bundle only_other;
  only_other.set(foreign);
  m = dev_.load(only_other);
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, std::string("the bundle has no ") +
                                              gpuc::artifact_target_name(mine) + " artifact"))
      << m.error().message;
}

TEST_P(RuntimeTest, CorruptBundleIsAnError) {
  std::string bytes(reinterpret_cast<const char*>(kernel_saxpy), kernel_saxpy_size);
  bytes[bytes.size() - 20] ^= 0x40;
  gpuc::Result<gpuc::Bundle> b = gpuc::parse_bundle(bytes);
  ASSERT_FALSE(b);
  EXPECT_TRUE(contains(b.error().message, "checksum mismatch"));
  std::string dir = cache_dir() + "_bundle";
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(gpuc::write_file_atomic(dir + "/saxpy.gpub", bytes));
  gpuc::Result<Module> m = dev_.load_file(dir + "/saxpy.gpub");
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, "saxpy.gpub': corrupt bundle")) << m.error().message;
  std::filesystem::remove_all(dir);
}

TEST_P(RuntimeTest, KernelMissingFromTheCodeIsAnError) {
  gpuc::Bundle b = embedded(kernel_saxpy, kernel_saxpy_size);
  gpuc::Artifact a = *b.find(backend_target(GetParam()));
  a.reflection.kernels[0].name = "not_in_the_code";
  gpuc::Result<Module> m = dev_.load(a);
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, "not_in_the_code")) << m.error().message;
}

TEST_P(RuntimeTest, SpirvNewerThanTheDeviceIsAnError) {
  if (GetParam() != Backend::Vulkan) GTEST_SKIP() << "SPIR-V is Vulkan-only";
  gpuc::Artifact a = *embedded(kernel_saxpy, kernel_saxpy_size).find(gpuc::ArtifactTarget::Vulkan);
  a.code[5] = 9;  // version word 0x00010900 (little-endian): SPIR-V 1.9
  gpuc::Result<Module> m = dev_.load(a);
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, "the module is SPIR-V 1.9")) << m.error().message;
}

TEST_P(RuntimeTest, BadPtxReportsTheJitLog) {
  if (GetParam() != Backend::Cuda) GTEST_SKIP() << "PTX is CUDA-only";
  gpuc::Artifact a{
      gpuc::ArtifactTarget::Cuda,
      ".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry k() { bogus; }\n",
      {}};
  gpuc::Result<Module> m = dev_.load(a);
  ASSERT_FALSE(m);
  EXPECT_TRUE(contains(m.error().message, "cuModuleLoadDataEx failed: CUDA_ERROR_"))
      << m.error().message;
  EXPECT_TRUE(contains(m.error().message, "JIT log")) << m.error().message;
}

// --- Vulkan specifics
// ------------------------------------------------------------------------------

TEST_P(RuntimeTest, ValidationMessagesAreRecorded) {
  if (GetParam() != Backend::Vulkan) GTEST_SKIP() << "Vulkan-only";
  if (!dev_.validation_enabled()) GTEST_SKIP() << "VK_LAYER_KHRONOS_validation not installed";
  // A reflection that under-declares the push constants the shader uses (24 bytes): creating the
  // pipeline is invalid, and the layer must say so.
  gpuc::Artifact a = *embedded(kernel_saxpy, kernel_saxpy_size).find(gpuc::ArtifactTarget::Vulkan);
  gpuc::ir::KernelReflection& k = a.reflection.kernels[0];
  k.params.resize(1);
  k.params[0] = k.params[0];
  k.param_block_size = 8;
  k.params[0].kind = gpuc::ir::ParamKind::Scalar;
  k.params[0].size = 8;
  k.params[0].type = "u64";
  Module m = dev_.load(a).value();
  (void)dev_.launch(m.kernel("saxpy").value(), 1, 64, {uint64_t(0)});
  (void)dev_.synchronize();
  std::vector<std::string> msgs = dev_.validation_messages();
  EXPECT_FALSE(msgs.empty()) << "the validation layer reported nothing";
  dev_.clear_validation_messages();
}

TEST_P(RuntimeTest, PipelineCacheIsPersistedAndACorruptOneIsRebuilt) {
  if (GetParam() != Backend::Vulkan) GTEST_SKIP() << "Vulkan-only";
  std::string dir = cache_dir() + "_pc";
  std::filesystem::remove_all(dir);
  auto run_once = [&](std::vector<std::string>* warnings) {
    DeviceOptions o;
    o.pipeline_cache_dir = dir;
    o.on_warning = [warnings](const std::string& w) { warnings->push_back(w); };
    Device d = Device::open(Backend::Vulkan, dev_.info().index, o).value();
    Kernel k = d.load(embedded(kernel_saxpy, kernel_saxpy_size)).value().kernel("saxpy").value();
    TypedBuffer<float> b = d.alloc_array<float>(64).value();
    ASSERT_TRUE(b.fill(1.0f));
    ASSERT_TRUE(d.launch(k, 1, 64, {64, 2.0f, b, b}));
    EXPECT_EQ(b.download().value()[5], 3.0f);
  };
  std::vector<std::string> w1, w2, w3;
  run_once(&w1);
  EXPECT_TRUE(w1.empty());
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u) << "no pipeline cache file written in " << dir;
  EXPECT_EQ(files[0].extension(), ".cache");
  // Corrupt it: the next run warns, still works, and rewrites a good file.
  std::string data = gpuc::read_file(files[0]).value();
  data[data.size() / 2] ^= 0x55;
  ASSERT_TRUE(gpuc::write_file_atomic(files[0], data));
  run_once(&w2);
  ASSERT_EQ(w2.size(), 1u);
  EXPECT_TRUE(contains(w2[0], "ignoring corrupt Vulkan pipeline cache")) << w2[0];
  run_once(&w3);
  EXPECT_TRUE(w3.empty()) << w3[0];
  std::filesystem::remove_all(dir);
}

}  // namespace
