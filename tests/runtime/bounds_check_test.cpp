// --bounds-check end to end: kernels compiled with CompileOptions::bounds_check go out of bounds
// on purpose; the runtime must skip the bad accesses, leave the memory around the buffers
// untouched, and report the first violation (kernel, parameter, element) after the launch. Runs on
// every backend present (Vulkan on llvmpipe here; CUDA on a GPU host, skipped elsewhere).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"
#include "test_device.h"

// llvmpipe's JIT-compiled shader code leaks small realloc'ed blocks (the stacks hold no gpuc
// frame); keep the LeakSanitizer build (GPUC_SANITIZE) usable.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:__interceptor_realloc\n";
}

namespace {

using namespace gpuc::rt;

const char* kKernels = R"(
// y[i] = x[i] for i < n: goes past x's end when x is shorter than n.
__global__ void copy(int n, const float* x, float* y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i];
}
// y[i - shift] = i: goes before y's start when shift > i.
__global__ void shifted_store(int n, int shift, float* y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i - shift] = (float)i;
}
// old[i] = atomicAdd(&c[i * stride], 1): out of bounds when i * stride >= the size of c.
__global__ void count(int n, int stride, unsigned* c, unsigned* old) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) old[i] = atomicAdd(&c[i * stride], 1u);
}
// A pointer walked through a local variable and a loop.
__global__ void walk(int n, float* y) {
  float* p = y;
  for (int j = 0; j < n; ++j) { *p = (float)j; p++; }
}
struct Pair { int a; int b[3]; };
__global__ void members(int i, Pair* s, float4* v) {
  s[i].b[2] = 7;
  v[i].w = 1.0f;
}
// out[0] = table[0][i]: a pointer loaded from memory, matched against the parameters' buffers.
__global__ void gather(float* const* table, int i, float* out) {
  const float* p = table[0];
  out[0] = p[i];
}
// Not inlined (a return inside a loop): checked through the shadow parameters it receives.
__device__ int find(const int* p, int n, int key) {
  for (int k = 0; k < n; ++k)
    if (p[k] == key) return k;
  return -1;
}
// Inlined into search, but left in the module still calling find.
__device__ int find_first(const int* p, int n, int key) { return find(p, n, key); }
__global__ void search(int n, int key, const int* p, int* out) {
  out[0] = find_first(p, n, key);
}
)";

class BoundsCheck : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    DeviceOptions options;
    options.validation = true;
    options.pipeline_cache = false;
    GPUC_OPEN_TEST_DEVICE(dev_, GetParam(), options);
    gpuc::CompileOptions options_c;
    options_c.target = GetParam() == Backend::Cuda ? gpuc::Target::Cuda : gpuc::Target::Vulkan;
    options_c.bounds_check = true;
    gpuc::Compilation c(options_c);
    gpuc::CompileOutput out = c.compile_source("bounds.gk", kKernels);
    ASSERT_TRUE(out.ok) << c.diagnostics().format_all();
    gpuc::Result<Module> m =
        dev_.load(gpuc::Artifact{backend_target(GetParam()), out.data, out.reflection});
    ASSERT_TRUE(m) << m.error().message;
    module_ = *m;
  }
  void TearDown() override {
    if (!dev_.valid()) return;
    std::string all;
    for (const std::string& m : dev_.validation_messages()) all += m + "\n";
    EXPECT_TRUE(all.empty()) << "Vulkan validation messages:\n" << all;
  }
  Kernel kernel(const std::string& name) { return module_.kernel(name).value(); }
  // A buffer of `count` floats holding `value`.
  TypedBuffer<float> floats(size_t count, float value) {
    TypedBuffer<float> b = dev_.alloc_array<float>(count).value();
    EXPECT_TRUE(b.fill(value));
    return b;
  }

  Device dev_;
  Module module_;
};

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return backend_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, BoundsCheck, ::testing::Values(Backend::Vulkan, Backend::Cuda),
                         backend_param_name);

TEST_P(BoundsCheck, InBoundsLaunchReportsNothingAndComputes) {
  const int n = 5000;
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = 0.5f * i;
  TypedBuffer<float> dx = dev_.upload_array(x).value();
  TypedBuffer<float> dy = floats(n, -1.0f);
  Kernel k = kernel("copy");
  EXPECT_TRUE(k.reflection().bounds_checked);
  EXPECT_EQ(k.reflection().user_param_count(), 3u);
  gpuc::Status s = dev_.launch(k, (n + 127) / 128, 128, {n, dx, dy});
  ASSERT_TRUE(s) << s.error().message;
  gpuc::Status sync = dev_.synchronize();
  ASSERT_TRUE(sync) << sync.error().message;
  EXPECT_EQ(dy.download().value(), x);
}

TEST_P(BoundsCheck, LoadPastTheEndIsSkippedAndReported) {
  const int n = 1024, have = 1000;
  TypedBuffer<float> dx = floats(have, 2.0f);
  TypedBuffer<float> dy = floats(n, -1.0f);
  ASSERT_TRUE(dev_.launch(kernel("copy"), n / 64, 64, {n, dx, dy}));
  gpuc::Status s = dev_.synchronize();
  ASSERT_FALSE(s);
  const std::string& m = s.error().message;
  EXPECT_NE(m.find("out-of-bounds load in kernel 'copy' at bounds.gk:5:"), std::string::npos) << m;
  EXPECT_NE(m.find("parameter 'x' (#1), element "), std::string::npos) << m;
  EXPECT_NE(m.find("of a 4000-byte buffer"), std::string::npos) << m;
  EXPECT_NE(m.find("(23 more out-of-bounds accesses in this launch)"), std::string::npos) << m;
  // Reported once: the next wait is clean, and the skipped loads yielded zero.
  ASSERT_TRUE(dev_.synchronize());
  std::vector<float> y = dy.download().value();
  for (int i = 0; i < n; ++i) ASSERT_EQ(y[i], i < have ? 2.0f : 0.0f) << i;
}

TEST_P(BoundsCheck, StoreBeforeTheStartLeavesTheBytesBeforeItAlone) {
  // y is the sub-range [64, 64 + 16 floats) of a larger buffer: the kernel writes y[-4..11].
  TypedBuffer<float> whole = floats(64, 9.0f);
  const int n = 16, shift = 4;
  Stream st = dev_.create_stream().value();
  ASSERT_TRUE(st.launch(kernel("shifted_store"), 1, 16, {n, shift, Arg(whole.buffer(), 64)}));
  gpuc::Status s = st.synchronize();
  ASSERT_FALSE(s);
  const std::string& m = s.error().message;
  EXPECT_NE(m.find("out-of-bounds store in kernel 'shifted_store'"), std::string::npos) << m;
  EXPECT_NE(m.find("parameter 'y' (#2), element -"), std::string::npos) << m;
  EXPECT_NE(m.find("of a 192-byte buffer"), std::string::npos) << m;
  EXPECT_NE(m.find("(3 more out-of-bounds accesses in this launch)"), std::string::npos) << m;
  std::vector<float> got = whole.download().value();
  for (int i = 0; i < 64; ++i) {
    float want = i >= 16 && i < 16 + n - shift ? float(i - 16 + shift) : 9.0f;
    ASSERT_EQ(got[i], want) << i;
  }
}

TEST_P(BoundsCheck, AtomicOutOfBoundsIsSkippedAndYieldsZero) {
  // c has 8 counters; thread i adds to c[2i] (4 threads of 8 go past the end), then its
  // neighbour buffer must be untouched.
  TypedBuffer<unsigned> c = dev_.alloc_array<unsigned>(8).value();
  TypedBuffer<unsigned> neighbour = dev_.alloc_array<unsigned>(64).value();
  TypedBuffer<unsigned> old = dev_.alloc_array<unsigned>(8).value();
  ASSERT_TRUE(c.fill(5u));
  ASSERT_TRUE(neighbour.fill(77u));
  ASSERT_TRUE(old.fill(99u));
  ASSERT_TRUE(dev_.launch(kernel("count"), 1, 8, {8, 2, c, old}));
  gpuc::Result<std::vector<unsigned>> failed = old.download();  // the first wait reports it
  ASSERT_FALSE(failed);
  const std::string& m = failed.error().message;
  EXPECT_NE(m.find("out-of-bounds atomic.add in kernel 'count'"), std::string::npos) << m;
  EXPECT_NE(m.find("of u32 (4 bytes): parameter 'c' (#2), element "), std::string::npos) << m;
  EXPECT_NE(m.find("of a 32-byte buffer (3 more"), std::string::npos) << m;
  EXPECT_EQ(old.download().value(), (std::vector<unsigned>{5, 5, 5, 5, 0, 0, 0, 0}));
  EXPECT_EQ(c.download().value(), (std::vector<unsigned>{6, 5, 6, 5, 6, 5, 6, 5}));
  EXPECT_EQ(neighbour.download().value(), std::vector<unsigned>(64, 77u));
}

TEST_P(BoundsCheck, PointerWalkedThroughAVariable) {
  TypedBuffer<float> y = floats(10, -1.0f);
  ASSERT_TRUE(dev_.launch(kernel("walk"), 1, 1, {10, y}));
  ASSERT_TRUE(dev_.synchronize());
  ASSERT_TRUE(dev_.launch(kernel("walk"), 1, 1, {12, y}));
  gpuc::Status s = dev_.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("parameter 'y' (#1), element 10 (byte offset 40) of a 40-byte "
                                   "buffer (1 more out-of-bounds access in this launch)"),
            std::string::npos)
      << s.error().message;
  std::vector<float> got = y.download().value();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[i], float(i));
}

TEST_P(BoundsCheck, StructMembersAndVectorLanes) {
  // Pair is 16 bytes, float4 16 bytes: index 2 of 2-element buffers is out of bounds.
  Buffer s = dev_.alloc(32).value();
  Buffer v = dev_.alloc(32).value();
  ASSERT_TRUE(s.fill_zero());
  ASSERT_TRUE(v.fill_zero());
  ASSERT_TRUE(dev_.launch(kernel("members"), 1, 1, {1, s, v}));
  ASSERT_TRUE(dev_.synchronize());
  int pairs[8];
  ASSERT_TRUE(s.download(pairs, sizeof pairs));
  EXPECT_EQ(pairs[7], 7);
  ASSERT_TRUE(dev_.launch(kernel("members"), 1, 1, {2, s, v}));
  gpuc::Status st = dev_.synchronize();
  ASSERT_FALSE(st);
  const std::string& m = st.error().message;
  EXPECT_NE(m.find("store in kernel 'members'"), std::string::npos) << m;
  EXPECT_NE(m.find("parameter 's' (#1), byte offset 44 (in element 2) of a 32-byte buffer (1 more"),
            std::string::npos)
      << m;
}

TEST_P(BoundsCheck, DeviceFunctionThatWasNotInlined) {
  std::vector<int> data = {4, 8, 15, 16, 23, 42};
  TypedBuffer<int> p = dev_.upload_array(data).value();
  TypedBuffer<int> out = dev_.alloc_array<int>(1).value();
  ASSERT_TRUE(dev_.launch(kernel("search"), 1, 1, {6, 23, p, out}));
  ASSERT_TRUE(dev_.synchronize());
  EXPECT_EQ(out.download().value()[0], 4);
  ASSERT_TRUE(dev_.launch(kernel("search"), 1, 1, {8, 99, p, out}));
  gpuc::Status s = dev_.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("out-of-bounds load in kernel 'search' (in device function "
                                   "'find')"),
            std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("parameter 'p' (#2), element 6 (byte offset 24) of a 24-byte "
                                   "buffer (1 more"),
            std::string::npos)
      << s.error().message;
}

TEST_P(BoundsCheck, PointersLoadedFromMemoryAreCheckedAgainstTheParameters) {
  Kernel k = kernel("gather");
  TypedBuffer<float> out = dev_.alloc_array<float>(8).value();
  std::vector<float> init = {0, 1, 2, 3, 4, 5, 6, 7};
  ASSERT_TRUE(out.upload(init));
  TypedBuffer<uint64_t> table = dev_.alloc_array<uint64_t>(1).value();
  // Into `out` (element 4): in bounds up to out[7].
  ASSERT_TRUE(table.fill(out.device_address() + 16));
  ASSERT_TRUE(dev_.launch(k, 1, 1, {table, 1, out}));
  ASSERT_TRUE(dev_.synchronize());
  EXPECT_EQ(out.download().value()[0], 5.0f);
  ASSERT_TRUE(dev_.launch(k, 1, 1, {table, 4, out}));
  gpuc::Status s = dev_.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("parameter 'out' (#2), element 8 (byte offset 32) of a 32-byte "
                                   "buffer"),
            std::string::npos)
      << s.error().message;
  // Into a buffer the kernel did not receive: every access through it is reported.
  TypedBuffer<float> elsewhere = floats(4, 3.0f);
  ASSERT_TRUE(table.fill(elsewhere.device_address()));
  ASSERT_TRUE(dev_.launch(k, 1, 1, {table, 0, out}));
  s = dev_.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("out-of-bounds load in kernel 'gather'"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("through a pointer into no parameter's buffer (byte offset 0"),
            std::string::npos)
      << s.error().message;
  EXPECT_EQ(out.download().value()[0], 0.0f);  // the skipped load yielded zero
}

TEST_P(BoundsCheck, RawAddressesNeedASize) {
  TypedBuffer<float> dx = floats(100, 1.0f), dy = floats(100, 0.0f);
  Kernel k = kernel("copy");
  gpuc::Status s = dev_.launch(k, 1, 100, {100, Arg::address(dx.device_address()), dy});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("argument 1 ('x') is a raw device address without a size"),
            std::string::npos)
      << s.error().message;
  // With a size: checked against it (only 50 floats addressable: 50 loads skipped).
  ASSERT_TRUE(dev_.launch(k, 1, 100, {100, Arg::address(dx.device_address(), 200), dy}));
  gpuc::Status sync = dev_.synchronize();
  ASSERT_FALSE(sync);
  EXPECT_NE(sync.error().message.find("of a 200-byte buffer (49 more"), std::string::npos)
      << sync.error().message;
  // The hidden parameters are not arguments.
  gpuc::Status extra = dev_.launch(k, 1, 100, {100, dx, dy, uint64_t{400}});
  ASSERT_FALSE(extra);
  EXPECT_NE(extra.error().message.find("expects 3 arguments (n, x, y), got 4"), std::string::npos)
      << extra.error().message;
}

TEST_P(BoundsCheck, ManyLaunchesReuseRecordsAndReportTheFirst) {
  TypedBuffer<float> dx = floats(64, 1.0f), dy = floats(128, 0.0f);
  Kernel k = kernel("copy");
  Stream st = dev_.create_stream().value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(st.launch(k, 1, 64, {64, dx, dy}));
  ASSERT_TRUE(st.launch(k, 1, 128, {128, dx, dy}));
  ASSERT_TRUE(st.launch(k, 1, 100, {100, dx, dy}));
  gpuc::Status s = st.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("(63 more out-of-bounds accesses in this launch); 1 later "
                                   "launch also went out of bounds"),
            std::string::npos)
      << s.error().message;
  // More launches before one wait than a chunk of records holds (256).
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(st.launch(k, 1, 64, {64, dx, dy}));
  ASSERT_TRUE(st.synchronize());
  ASSERT_TRUE(st.launch(k, 1, 65, {65, dx, dy}));
  for (int i = 0; i < 299; ++i) ASSERT_TRUE(st.launch(k, 1, 64, {64, dx, dy}));
  gpuc::Status last = st.synchronize();
  ASSERT_FALSE(last);
  EXPECT_NE(last.error().message.find("element 64 (byte offset 256) of a 256-byte buffer"),
            std::string::npos)
      << last.error().message;
}

// A bundle of checked code (what `gpuc --target=all --bounds-check -o k.gpub` writes) keeps the
// reflection through serialization: its kernels launch checked.
TEST_P(BoundsCheck, CheckedBundlesRoundTrip) {
  std::string path = ::testing::TempDir() + "/bounds_bundle.gk";
  { std::ofstream(path) << kKernels; }
  gpuc::CompileOptions options;
  options.bounds_check = true;
  gpuc::Target target = GetParam() == Backend::Cuda ? gpuc::Target::Cuda : gpuc::Target::Vulkan;
  std::string diags;
  gpuc::Result<gpuc::Bundle> b =
      gpuc::compile_bundle(path, options, std::span<const gpuc::Target>(&target, 1), &diags);
  ASSERT_TRUE(b) << b.error().message << diags;
  gpuc::Result<std::string> bytes = gpuc::serialize_bundle(*b);
  ASSERT_TRUE(bytes) << bytes.error().message;
  gpuc::Result<gpuc::Bundle> back = gpuc::parse_bundle(*bytes);
  ASSERT_TRUE(back) << back.error().message;
  Module m = dev_.load(*back).value();
  Kernel k = m.kernel("copy").value();
  EXPECT_TRUE(k.reflection().bounds_checked);
  TypedBuffer<float> dx = floats(10, 1.0f), dy = floats(20, 0.0f);
  ASSERT_TRUE(dev_.launch(k, 1, 20, {20, dx, dy}));
  gpuc::Status s = dev_.synchronize();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("of a 40-byte buffer (9 more"), std::string::npos)
      << s.error().message;
}

}  // namespace
