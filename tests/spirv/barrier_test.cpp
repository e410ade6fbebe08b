// The barrier analysis (backends/spirv/src/barrier_semantics.h): which __syncthreads() keep
// UniformMemory (0x148, they order global memory) and which become GLSL's barrier() (0x108).
// Each case compiles .gk source at -O0 and -O2 and reads the semantics of every OpControlBarrier
// in program order.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <spirv/unified1/spirv.hpp11>

#include "gpuc/compiler.h"
#include "gpuc/spirv/spirv_backend.h"
#include "spirv_test_util.h"

namespace gpuc::spirv::test {
namespace {

constexpr uint32_t kWorkgroupOnly = 0x108;  // AcquireRelease | WorkgroupMemory
constexpr uint32_t kWithGlobal = 0x148;     // ... | UniformMemory

// The semantics word of each workgroup OpControlBarrier, in the order the module lists them.
std::vector<uint32_t> barrier_semantics(const std::string& source, int opt) {
  std::vector<uint32_t> words = compile_spirv_words(source, opt);
  std::map<uint32_t, uint32_t> constants;  // OpConstant result id -> value (32-bit)
  std::vector<uint32_t> result;
  for (const SpvInst& i : parse_words(words)) {
    auto op = static_cast<spv::Op>(i.opcode);
    if (op == spv::Op::OpConstant && i.operands.size() == 3)
      constants[i.operands[1]] = i.operands[2];
    if (op == spv::Op::OpControlBarrier && constants[i.operands[0]] == 2)  // Workgroup scope
      result.push_back(constants[i.operands[2]]);
  }
  return result;
}

void expect_semantics(const std::string& source, std::vector<uint32_t> expected) {
  for (int opt : {0, 2})
    EXPECT_EQ(barrier_semantics(source, opt), expected) << "-O" << opt << "\n" << source;
}

// A global store before the barrier, read after it by other threads: the barrier must order
// global memory (CUDA guarantees it; without UniformMemory Vulkan does not).
TEST(BarrierSemantics, GlobalStoreBeforeBarrierKeepsUniformMemory) {
  expect_semantics(R"(
__global__ void k(float* buf, float* out) {
  buf[threadIdx.x] = 1.0f;
  __syncthreads();
  out[threadIdx.x] = buf[(threadIdx.x + 1) % blockDim.x];
})",
                   {kWithGlobal});
}

// A store through one restrict pointer before the barrier and a read of another restrict one
// after: they cannot alias.
TEST(BarrierSemantics, RestrictPointersDoNotConflict) {
  expect_semantics(R"(
__global__ void k(float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
  a[threadIdx.x] = 1.0f;
  __syncthreads();
  c[threadIdx.x] = b[threadIdx.x];
})",
                   {kWorkgroupOnly});
}

// Write-after-read across threads: thread t reads buf[t], the barrier, thread t-1 writes it. The
// barrier must keep the read before the other thread's write.
TEST(BarrierSemantics, GlobalReadBeforeWriteAfterKeepsUniformMemory) {
  expect_semantics(R"(
__global__ void k(float* buf) {
  float v = buf[threadIdx.x];
  __syncthreads();
  if (threadIdx.x > 0) buf[threadIdx.x - 1] = v;
})",
                   {kWithGlobal});
}

// Reads only, before and after: nothing to order.
TEST(BarrierSemantics, ReadsOnlyNeedNoUniformMemory) {
  expect_semantics(R"(
__global__ void k(const float* in, float* out) {
  __shared__ float tile[64];
  tile[threadIdx.x] = in[threadIdx.x];
  __syncthreads();
  float s = tile[(threadIdx.x + 1) % 64] + in[threadIdx.x + 64];
  __syncthreads();
  tile[threadIdx.x] = s;
})",
                   {kWorkgroupOnly, kWorkgroupOnly});
}

// A store late in a loop body precedes the barrier at the top of the next iteration: with
// restrict pointers that back edge is the only reason the first barrier orders global memory.
TEST(BarrierSemantics, StoreInLoopReachesTheBarrierAtTheLoopTop) {
  expect_semantics(R"(
__global__ void k(const float* __restrict__ in, float* __restrict__ out, int n) {
  __shared__ float s[64];
  for (int i = 0; i < n; ++i) {
    __syncthreads();
    s[threadIdx.x] = in[i * 64 + (threadIdx.x + 1) % 64];
    __syncthreads();
    out[i * 64 + threadIdx.x] = s[threadIdx.x] * 2.0f;
  }
})",
                   {kWithGlobal, kWorkgroupOnly});
  // One buffer read and written: the second barrier also separates a read from a write.
  expect_semantics(R"(
__global__ void k(float* buf, int n) {
  __shared__ float s[64];
  for (int i = 0; i < n; ++i) {
    __syncthreads();
    s[threadIdx.x] = buf[i * 64 + (threadIdx.x + 1) % 64];
    __syncthreads();
    buf[i * 64 + threadIdx.x] = s[threadIdx.x] * 2.0f;
  }
})",
                   {kWithGlobal, kWithGlobal});
}

// sgemm_tiled's shape: restrict inputs read into shared tiles in a loop, the output written after
// it: no barrier orders global memory.
TEST(BarrierSemantics, TiledLoopWithRestrictPointersNeedsNoUniformMemory) {
  expect_semantics(R"(
__global__ void k(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c,
                  int n) {
  __shared__ float as[16], bs[16];
  float acc = 0.0f;
  for (int t = 0; t < n; ++t) {
    as[threadIdx.x] = a[t * 16 + threadIdx.x];
    bs[threadIdx.x] = b[t * 16 + threadIdx.x];
    __syncthreads();
    for (int k = 0; k < 16; ++k) acc += as[k] * bs[k];
    __syncthreads();
  }
  c[blockIdx.x * 16 + threadIdx.x] = acc + c[blockIdx.x * 16 + threadIdx.x];
})",
                   {kWorkgroupOnly, kWorkgroupOnly});
  // The same without __restrict__: the read of a or b before the first barrier may alias c.
  expect_semantics(R"(
__global__ void k(const float* a, const float* b, float* c, int n) {
  __shared__ float as[16], bs[16];
  float acc = 0.0f;
  for (int t = 0; t < n; ++t) {
    as[threadIdx.x] = a[t * 16 + threadIdx.x];
    bs[threadIdx.x] = b[t * 16 + threadIdx.x];
    __syncthreads();
    for (int k = 0; k < 16; ++k) acc += as[k] * bs[k];
    __syncthreads();
  }
  c[blockIdx.x * 16 + threadIdx.x] = acc;
})",
                   {kWithGlobal, kWorkgroupOnly});
}

// `continue` and do-while back edges carry a store to the barrier at the top of the loop.
TEST(BarrierSemantics, ContinueAndDoWhileBackEdges) {
  expect_semantics(R"(
__global__ void k(float* buf, int n) {
  __shared__ float s[64];
  for (int i = 0; i < n; ++i) {
    if (i == 3) {
      buf[threadIdx.x] = 1.0f;
      continue;
    }
    __syncthreads();
    s[threadIdx.x] = buf[(threadIdx.x + 1) % 64];
  }
})",
                   {kWithGlobal});
  expect_semantics(R"(
__global__ void k(float* buf, int n) {
  __shared__ float s[64];
  int i = 0;
  do {
    __syncthreads();
    s[threadIdx.x] = buf[i * 64 + (threadIdx.x + 1) % 64];
    buf[i * 64 + threadIdx.x] = 0.0f;
    ++i;
  } while (i < n);
})",
                   {kWithGlobal});
  // Without the store nothing global precedes the barrier: only reads follow it.
  expect_semantics(R"(
__global__ void k(float* buf, int n) {
  __shared__ float s[64];
  int i = 0;
  do {
    __syncthreads();
    s[threadIdx.x] = buf[i * 64 + (threadIdx.x + 1) % 64];
    ++i;
  } while (i < n);
})",
                   {kWorkgroupOnly});
}

// prefix_scan's shape: a global read, a barrier, a loop of shared-memory steps with barriers, then
// global stores. The first barrier orders the read before the stores (the pointers may alias);
// the loop's barrier has no global access since the previous barrier.
TEST(BarrierSemantics, ScanShapeOrdersOnlyTheFirstBarrier) {
  expect_semantics(R"(
__global__ void k(const int* in, int* out, int n) {
  __shared__ int buf[2][256];
  int tid = threadIdx.x;
  int gid = blockIdx.x * 256 + tid;
  int src = 0;
  buf[0][tid] = gid < n ? in[gid] : 0;
  __syncthreads();
  for (int offset = 1; offset < 256; offset <<= 1) {
    int v = buf[src][tid];
    if (tid >= offset) v += buf[src][tid - offset];
    buf[1 - src][tid] = v;
    src = 1 - src;
    __syncthreads();
  }
  if (gid < n) out[gid] = buf[src][tid];
})",
                   {kWithGlobal, kWorkgroupOnly});
}

// Pointers kept in locals keep their provenance: `row` is based on `x`, `dst` on `out`.
TEST(BarrierSemantics, PointerLocalsKeepTheirOrigin) {
  expect_semantics(R"(
__global__ void k(const float* __restrict__ x, float* __restrict__ out, int cols) {
  __shared__ float s[64];
  const float* row = x + blockIdx.x * cols;
  float* dst = out + blockIdx.x * cols;
  for (int c = threadIdx.x; c < cols; c += 64) s[threadIdx.x] = row[c];
  __syncthreads();
  for (int c = threadIdx.x; c < cols; c += 64) dst[c] = s[(threadIdx.x + 1) % 64];
})",
                   {kWorkgroupOnly});
}

// A pointer selected between two parameters is based on both: a store through it conflicts with a
// later read of either.
TEST(BarrierSemantics, SelectedPointerIsBasedOnBoth) {
  expect_semantics(R"(
__global__ void k(float* __restrict__ a, float* __restrict__ b, float* __restrict__ c, int w) {
  float* p = w ? a : b;
  p[threadIdx.x] = 1.0f;
  __syncthreads();
  c[threadIdx.x] = b[(threadIdx.x + 1) % blockDim.x];
})",
                   {kWithGlobal});
}

// Global atomics count as writes; a device function's own barrier always keeps UniformMemory (its
// callers are not analysed; at -O2 it is inlined into the kernel and analysed there).
TEST(BarrierSemantics, AtomicsAndDeviceFunctions) {
  expect_semantics(R"(
__global__ void k(unsigned* counter, unsigned* out) {
  atomicAdd(counter, 1u);
  __syncthreads();
  out[threadIdx.x] = *counter;
})",
                   {kWithGlobal});
  const std::string call = R"(
__device__ void sync_and_store(float* out, float v) {
  __syncthreads();
  out[threadIdx.x] = v;
}
__global__ void k(float* __restrict__ out) {
  __shared__ float s[64];
  s[threadIdx.x] = 1.0f;
  sync_and_store(out, s[0]);
})";
  EXPECT_EQ(barrier_semantics(call, 0), std::vector<uint32_t>{kWithGlobal});
  EXPECT_EQ(barrier_semantics(call, 2), std::vector<uint32_t>{kWorkgroupOnly});
}

// A pointer loaded from global memory may be based on anything.
TEST(BarrierSemantics, PointerLoadedFromMemoryIsUnknown) {
  expect_semantics(R"(
__global__ void k(float** __restrict__ table, float* __restrict__ out) {
  float* p = table[0];
  p[threadIdx.x] = 1.0f;
  __syncthreads();
  out[threadIdx.x] = out[(threadIdx.x + 1) % blockDim.x];
})",
                   {kWithGlobal});
}

}  // namespace
}  // namespace gpuc::spirv::test
