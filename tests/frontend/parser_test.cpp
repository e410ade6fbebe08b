// Parser tests: declarations, statements and expressions parse; malformed input is diagnosed.
#include <gtest/gtest.h>

#include "frontend_test_util.h"

namespace gpuc::frontend::test {
namespace {

TEST(Parser, SaxpyCompiles) {
  auto c = compile(R"(
__global__ void saxpy(int n, float a, const float* __restrict__ x, float* __restrict__ y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_EQ(c->diags.error_count(), 0u);
  EXPECT_NE(c->ir().find("kernel @saxpy"), std::string::npos) << c->ir();
}

TEST(Parser, MissingSemicolonIsReportedAfterPreviousToken) {
  auto c = compile("__global__ void k(int* p) {\n  p[0] = 1\n  p[1] = 2;\n}\n");
  EXPECT_FALSE(c->module);
  EXPECT_NE(c->messages().find("test.gk:2:11: error: expected ';' after expression"),
            std::string::npos)
      << c->messages();
}

}  // namespace
}  // namespace gpuc::frontend::test

namespace gpuc::frontend::test {
namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Parser, DeclarationForms) {
  auto c = compile(R"(
typedef unsigned int u32_t, *u32_ptr;
typedef struct { float x, y; } Pt;
typedef struct Box_ { Pt lo; Pt hi; } Box;
struct Tagged { int a[2]; };
extern "C" {
__device__ static inline float area(Box b) { return (b.hi.x - b.lo.x) * (b.hi.y - b.lo.y); }
}
extern "C" __global__ void __launch_bounds__(128, 4) k1(Box* boxes, float* out, struct Tagged t, u32_ptr p) {
  out[threadIdx.x] = area(boxes[threadIdx.x]) + t.a[1] + *p;
}
[[gpuc::block(32)]] __global__ __launch_bounds__(64) void k2(u32_t* p) { p[0] = 1u; }
)");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  EXPECT_TRUE(has(ir, "struct Pt { x: f32, y: f32 }")) << ir;
  EXPECT_TRUE(has(ir, "struct Box_ { lo: Pt, hi: Pt }")) << ir;
  EXPECT_TRUE(has(ir,
                  "kernel @k1(%boxes: ptr<global, Box_>, %out: ptr<global, f32>, %t: Tagged, %p: "
                  "ptr<global, u32>) max_threads(128)"))
      << ir;
  EXPECT_TRUE(has(ir, "kernel @k2(%p: ptr<global, u32>) block(32, 1, 1) max_threads(64)")) << ir;
}

TEST(Parser, CastsSizeofAndFunctionalCasts) {
  auto c = compile(R"(
__global__ void k(float* f, int* i, unsigned long long* s) {
  float x = float(i[0]) + (float)i[1];
  int y = int(x) + (int)(x * 2.0f);
  dim3 d = dim3(4, 2);
  s[0] = sizeof(float4) + sizeof x + sizeof(int*) + d.y + d.z;
  f[0] = x; i[2] = y;
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_TRUE(has(c->ir(), "const 16 : u64")) << c->ir();
  EXPECT_TRUE(has(c->ir(), "const 8 : u64")) << c->ir();
}

TEST(Parser, PragmaUnrollBeforeLoopsOnly) {
  auto c = compile(R"(
__global__ void k(int* p) {
#pragma unroll
  for (int i = 0; i < 4; ++i) p[i] = i;
#pragma unroll 2
  while (p[0] < 10) p[0]++;
#pragma unroll
  p[1] = 0;
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_TRUE(has(c->ir(), "loop unroll(1) {")) << c->ir();
  EXPECT_TRUE(has(c->ir(), "loop unroll(2) {")) << c->ir();
  EXPECT_TRUE(has(c->messages(), "'#pragma unroll' is not followed by a loop; ignored"))
      << c->messages();
}

TEST(Parser, RecoversAndReportsSeveralErrors) {
  auto c = compile(R"(
__global__ void k(int* p) {
  p[0] = (1 + ;
  int x = 3
  p[1] = x;
  if (p[2] { p[3] = 1; }
  p[4] = 2;
}
template <typename T> __device__ T f(T x) { return x; }
__global__ void k2(int* p) { p[0] = ]; }
)");
  EXPECT_FALSE(c->module);
  EXPECT_EQ(c->diags.error_count(), 5u) << c->messages();
  EXPECT_TRUE(has(c->messages(), "test.gk:3:15: error: expected an expression, found ';'"))
      << c->messages();
  EXPECT_TRUE(has(c->messages(), "test.gk:4:12: error: expected ';' at end of declaration"))
      << c->messages();
  EXPECT_TRUE(has(c->messages(), "test.gk:9:1: error: templates are not supported"))
      << c->messages();
}

TEST(Parser, UnsupportedConstructsAreNamed) {
  const char* cases[][2] = {
      {"__global__ void k(int* p) { switch (p[0]) { case 0: break; } }",
       "'switch' is not supported yet"},
      {"__global__ void k(int* p) { asm(\"trap;\"); }", "inline assembly is not supported"},
      {"__global__ void k(int& p) { }", "references are not supported"},
      {"union U { int a; float b; };", "unions are not supported"},
      {"enum E { A, B };", "enums are not supported yet"},
      {"__global__ void k(half* p) { }", "the 'half' type is not supported yet"},
      {"__global__ void k(int* p) { p[0] = (p[1], nullptr) ? 1 : 0; }",
       "'nullptr' is not supported"},
      {"__global__ void k(long double* p) { }", "'long double' is not supported on GPUs"},
  };
  for (auto& [src, msg] : cases) {
    auto c = compile(src);
    EXPECT_FALSE(c->module) << src;
    EXPECT_TRUE(has(c->messages(), msg)) << src << "\n" << c->messages();
  }
}

TEST(Parser, StructNamesAreTypeNames) {
  auto c = compile(R"(
struct Particle { float3 pos; float mass; };
__device__ float kinetic(Particle p, float3 v) { return 0.5f * p.mass * (v.x * v.x + v.y * v.y + v.z * v.z); }
__global__ void k(const Particle* ps, const float3* vs, float* e) {
  Particle p = ps[threadIdx.x];
  struct Particle q = p;
  e[threadIdx.x] = kinetic(q, vs[threadIdx.x]);
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_TRUE(has(c->ir(), "call @kinetic(")) << c->ir();
}

}  // namespace
}  // namespace gpuc::frontend::test
