// Semantic analysis: C's literal types and conversions, nvcc/clang-style warnings, overload
// resolution of built-ins, address-space inference and device-function specialisation.
#include <gtest/gtest.h>

#include "frontend_test_util.h"

namespace gpuc::frontend::test {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Compiles `body` inside a kernel with a few output pointers.
std::unique_ptr<Compiled> kernel(const std::string& body,
                                 FrontendTarget target = FrontendTarget::Cuda) {
  return compile(
      "__global__ void k(int* i, unsigned int* u, long long* ll, unsigned long long* ull, "
      "float* f, double* d, char* c) {\n" +
          body + "\n}\n",
      target);
}

TEST(Sema, IntegerLiteralTypesFollowC11Table) {
  // C11 6.4.4.1: decimal literals stay signed (int, then long long); hex may become unsigned.
  auto c = kernel(
      "ull[0] = sizeof(2147483647); ull[1] = sizeof(2147483648); ull[2] = sizeof(0x80000000);\n"
      "ull[3] = sizeof(1u); ull[4] = sizeof(1ll); ull[5] = sizeof(0x100000000); ull[6] = "
      "sizeof('a');");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  // 4, 8, 4, 4, 8, 8, 4 in order.
  size_t pos = 0;
  for (const char* size : {"const 4 : u64", "const 8 : u64", "const 4 : u64", "const 4 : u64",
                           "const 8 : u64", "const 8 : u64", "const 4 : u64"}) {
    pos = ir.find(size, pos);
    ASSERT_NE(pos, std::string::npos) << "expected " << size << " in order\n" << ir;
    ++pos;
  }
  // 0x80000000 is unsigned: comparing it with an int warns about signs.
  auto w = kernel("i[0] = 0x80000000 > i[1];");
  EXPECT_TRUE(contains(w->messages(),
                       "comparison of integers of different signs: 'unsigned int' and 'int'"))
      << w->messages();
  auto nw = kernel("i[0] = 2147483647 > i[1];");
  EXPECT_EQ(nw->diags.warning_count(), 0u) << nw->messages();
}

TEST(Sema, FloatLiteralTypes) {
  auto c = kernel("ull[0] = sizeof(1.0); ull[1] = sizeof(1.0f); ull[2] = sizeof(0x1p3);");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  size_t a = ir.find("const 8 : u64"), b = ir.find("const 4 : u64", a),
         d = ir.find("const 8 : u64", b);
  EXPECT_TRUE(a != std::string::npos && b != std::string::npos && d != std::string::npos) << ir;
}

TEST(Sema, DoublePromotionWarnsAsGpuPerformanceTrap) {
  auto c = kernel("f[0] = f[1] * 1.0;");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_EQ(c->diags.warning_count(), 1u);
  EXPECT_TRUE(contains(c->messages(),
                       "test.gk:2:8: warning: implicit conversion increases floating-point "
                       "precision: 'float' to 'double'"))
      << c->messages();
  EXPECT_TRUE(contains(c->messages(), "performance trap")) << c->messages();
  EXPECT_TRUE(contains(c->ir(), "mul")) << c->ir();
  EXPECT_TRUE(contains(c->ir(), ": f64")) << c->ir();
  auto ok = kernel("f[0] = f[1] * 1.0f + f[2] * 2;");
  EXPECT_EQ(ok->diags.warning_count(), 0u) << ok->messages();
  // pow(float, int) is evaluated in double (C++ overload rules) and says so.
  auto p = kernel("f[0] = pow(f[1], 2);");
  EXPECT_TRUE(contains(p->messages(), "evaluated in double precision")) << p->messages();
}

TEST(Sema, ConstantNarrowingWarns) {
  auto c = kernel("char x = 300; int y = 3.5; unsigned int z = -1; c[0] = x; i[0] = y; u[0] = z;");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_TRUE(contains(c->messages(),
                       "implicit conversion from 'int' to 'char' changes value from 300 to 44"))
      << c->messages();
  EXPECT_TRUE(contains(c->messages(),
                       "implicit conversion from 'double' to 'int' changes value from 3.5 to 3"))
      << c->messages();
  EXPECT_EQ(c->diags.warning_count(), 2u) << c->messages();  // -1 -> unsigned is a common idiom
}

TEST(Sema, SignCompareWarnings) {
  auto c = kernel(
      "int a = i[0]; unsigned int b = u[0];\n"
      "i[1] = a < b;\n"
      "i[2] = b < 10;\n"
      "i[3] = (long long)a < b;");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_EQ(c->diags.warning_count(), 1u) << c->messages();
  EXPECT_TRUE(
      contains(c->messages(), "test.gk:3:10: warning: comparison of integers of different signs"))
      << c->messages();
}

TEST(Sema, UsualArithmeticConversions) {
  auto c = kernel(
      "ll[0] = i[0] + ll[1];\n u[0] = i[1] * u[1];\n d[0] = f[0] + d[1] * 0;\n"
      "i[2] = c[0] + c[1];\n ull[0] = ll[2] + ull[1];");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  EXPECT_TRUE(contains(ir, ": i64")) << ir;
  EXPECT_TRUE(contains(ir, "mul")) << ir;
  // int * unsigned -> unsigned; long long + unsigned long long -> unsigned long long.
  EXPECT_TRUE(contains(ir, "convert")) << ir;
}

TEST(Sema, BuiltinOverloadsResolveByArgumentType) {
  auto c = kernel(
      "i[0] = min(i[1], i[2]); u[0] = max(u[1], u[2]); f[0] = max(f[1], f[2]);\n"
      "ll[0] = abs(ll[1]); d[0] = fabs(d[1]); f[3] = fabs(f[4]);\n"
      "atomicAdd(d, 1.0); atomicMax(ll, 5ll); atomicAdd(ull, 1ull); atomicExch(f, 2.0f);");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  for (const char* s : {"min %", ": i32", "max %", ": u32", ": f32", "abs %", "atomic.add %d",
                        "atomic.max %ll", "atomic.add %ull", "atomic.exch %f"})
    EXPECT_TRUE(contains(ir, s)) << s << "\n" << ir;
  auto bad = kernel("atomicSub(f, 1.0f);");
  EXPECT_FALSE(bad->module);
  EXPECT_TRUE(contains(bad->messages(), "no matching function for call to 'atomicSub' on 'float'"))
      << bad->messages();
}

TEST(Sema, MathBuiltinsMapToOps) {
  auto c = kernel(
      "f[0] = __expf(f[1]) + exp2f(f[2]) + rsqrtf(f[3]) + fmaf(f[4], f[5], f[6]);\n"
      "d[0] = fma(d[1], d[2], d[3]) + rint(d[4]);\n"
      "i[0] = __float2int_rd(f[7]) + __clz(i[1]) + __ffs(i[2]);\n"
      "u[0] = __brev(u[1]) + __umulhi(u[2], u[3]);\n"
      "i[3] = __float_as_int(f[8]); d[5] = __longlong_as_double(ll[0]);\n"
      "i[4] = isnan(f[9]) + isinf(d[6]);");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  for (const char* s : {"fast.exp", "exp2", "rsqrt", "fma", "rint", "floor", "clz", "ffs", "brev",
                        "mulhi", "bitcast", "isnan", "isinf"})
    EXPECT_TRUE(contains(ir, std::string(" = ") + s + " ")) << s << "\n" << ir;
}

TEST(Sema, TargetSpecificBuiltinsNameTheTarget) {
  auto vk = kernel("d[0] = sin(d[1]);", FrontendTarget::Vulkan);
  EXPECT_FALSE(vk->module);
  EXPECT_TRUE(contains(vk->messages(), "'sin' on double is not available on the vulkan target"))
      << vk->messages();
  auto cu = kernel("d[0] = sin(d[1]);", FrontendTarget::Cuda);
  EXPECT_TRUE(cu->module) << cu->messages();
  auto vkf = kernel("f[0] = sin(f[1]) + sinf(f[2]);", FrontendTarget::Vulkan);
  EXPECT_TRUE(vkf->module) << vkf->messages();
}

TEST(Sema, PointerAddressSpacesAreInferred) {
  auto c = compile(R"(
__global__ void k(float* g, int flag) {
  __shared__ float s[64];
  float local[4];
  float* ps;
  ps = s + 1;
  float* pl = &local[2];
  const float* pg = g;
  ps[0] = pl[0] + pg[0];
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  EXPECT_TRUE(contains(ir, "var : ptr<private, ptr<shared, f32>>")) << ir;
  EXPECT_TRUE(contains(ir, "var : ptr<private, ptr<private, f32>>")) << ir;
  EXPECT_TRUE(contains(ir, "var : ptr<private, ptr<global, f32>>")) << ir;
}

TEST(Sema, DeviceFunctionsAreSpecialisedPerAddressSpace) {
  auto c = compile(R"(
__device__ float* advance(float* p, int n) { return p + n; }
__device__ void bump(float* p) { p[0] += 1.0f; }
__global__ void k(float* g) {
  __shared__ float s[32];
  float l[2];
  bump(g); bump(s); bump(l); bump(g + 1);
  float* q = advance(s, 3);
  q[0] = 1.0f;
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  EXPECT_TRUE(contains(ir, "func @bump(%p: ptr<global, f32>)")) << ir;
  EXPECT_TRUE(contains(ir, "func @bump.s(%p: ptr<shared, f32>)")) << ir;
  EXPECT_TRUE(contains(ir, "func @bump.p(%p: ptr<private, f32>)")) << ir;
  // The return type of a pointer-returning function follows its return statements.
  EXPECT_TRUE(contains(ir, "func @advance(%p: ptr<shared, f32>, %n: i32) -> ptr<shared, f32>"))
      << ir;
  EXPECT_EQ(c->module->functions.size(), 5u) << ir;  // k, bump x3, advance
}

TEST(Sema, UncalledDeviceFunctionsAreStillChecked) {
  auto c = compile(
      "__device__ int f(int x) { return x + undefined_thing; }\n"
      "__global__ void k(int* p) { p[0] = 1; }\n");
  EXPECT_FALSE(c->module);
  EXPECT_TRUE(contains(c->messages(), "use of undeclared identifier 'undefined_thing'"))
      << c->messages();
}

TEST(Sema, NonVoidFunctionFallingOffTheEndWarns) {
  auto c = compile(
      "__device__ int f(int x) { if (x > 0) return 1; }\n"
      "__device__ int g(int x) { if (x > 0) return 1; else return 2; }\n"
      "__global__ void k(int* p) { p[0] = f(p[1]) + g(p[2]); }\n");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_EQ(c->diags.warning_count(), 1u) << c->messages();
  EXPECT_TRUE(contains(c->messages(),
                       "non-void function 'f' does not return a value in all control paths"));
  EXPECT_TRUE(contains(c->ir(), "unreachable")) << c->ir();
}

TEST(Sema, KernelAttributes) {
  auto c = compile(
      "[[gpuc::block(8, 4)]] __global__ void __launch_bounds__(64) k(int* p) { p[0] = 1; }\n");
  ASSERT_TRUE(c->module) << c->messages();
  const ir::Function& f = *c->module->functions[0];
  EXPECT_EQ(f.fixed_block[0], 8u);
  EXPECT_EQ(f.fixed_block[1], 4u);
  EXPECT_EQ(f.fixed_block[2], 1u);
  EXPECT_EQ(f.max_block_threads, 64u);
}

TEST(Sema, StructLayoutFollowsC) {
  auto c = compile(R"(
struct S { char a; float4 v; int arr[3]; double d; };
__global__ void k(S* s, unsigned long long* out) { out[0] = sizeof(S); s[0].arr[2] = 1; }
)");
  ASSERT_TRUE(c->module) << c->messages();
  // a@0, v@16 (float4 is 16-aligned), arr@32..44, d@48, size 56 rounded up to the 16-byte
  // alignment.
  EXPECT_TRUE(contains(c->ir(), "const 64 : u64")) << c->ir();
}

TEST(Sema, ConstantsFoldAndFeedArraySizes) {
  auto c = compile(R"(
#define TILE 8
const int N = TILE * 2 + 1;
__constant__ float w[N - 1] = {1.0f, 2.0f};
__global__ void k(float* p) {
  const int M = N << 1;
  float tmp[M];
  tmp[0] = w[1];
  p[0] = tmp[0] + (float)sizeof(tmp);
}
)");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_TRUE(contains(c->ir(), "constant @w : [16 x f32]")) << c->ir();
  EXPECT_TRUE(contains(c->ir(), "var : ptr<private, [34 x f32]>")) << c->ir();
}

TEST(Sema, WarpSizeIsIntAndBuiltinIdsAreUnsigned) {
  auto c = kernel("i[0] = warpSize; u[0] = threadIdx.x + blockIdx.y * blockDim.z + gridDim.x;");
  ASSERT_TRUE(c->module) << c->messages();
  std::string ir = c->ir();
  for (const char* s : {"warp_size : u32", "thread_id.x : u32", "block_id.y : u32",
                        "block_dim.z : u32", "grid_dim.x : u32"})
    EXPECT_TRUE(contains(ir, s)) << s << "\n" << ir;
}

TEST(Sema, LocationsAreAttachedToInsts) {
  auto c = kernel("f[0] =\n   sqrtf(f[1]);");
  ASSERT_TRUE(c->module) << c->messages();
  const ir::Function& f = *c->module->functions[0];
  bool found = false;
  for (ir::InstId id : f.region(f.body).insts) {
    const ir::Inst& in = f.inst(id);
    if (in.op == ir::Op::Sqrt) {
      found = true;
      EXPECT_EQ(in.loc.line, 3u);
      EXPECT_EQ(in.loc.col, 4u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(Sema, ManyErrorsInOneRun) {
  auto c = kernel("i[0] = a; i[1] = b; i[2] = f; d[0] = sqrt(1, 2);");
  EXPECT_FALSE(c->module);
  // a, b, f (a pointer stored into an int) and sqrt's arity.
  EXPECT_EQ(c->diags.error_count(), 4u) << c->messages();
}

TEST(Robustness, PathologicalInputsFailCleanly) {
  std::string deep = "__global__ void k(int* p) { p[0] = " + std::string(100000, '(') + "1" +
                     std::string(100000, ')') + "; }";
  auto a = compile(deep);
  EXPECT_FALSE(a->module);
  EXPECT_TRUE(contains(a->messages(), "nesting is too deep")) << a->messages().substr(0, 500);
  std::string chain = "__global__ void k(int* p) { p[0] = 1";
  for (int i = 0; i < 300000; ++i) chain += "+1";
  chain += "; }";
  auto b = compile(chain);  // a 600 KB line
  EXPECT_FALSE(b->module);
  EXPECT_TRUE(contains(b->messages(), "expression is too deeply nested"));
  std::string blocks =
      "__global__ void k(int* p) { " + std::string(50000, '{') + std::string(50000, '}') + " }";
  auto d = compile(blocks);
  EXPECT_FALSE(d->module);
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  auto e = compile(garbage);
  EXPECT_FALSE(e->module);
  auto f = compile(
      "__global__ void k(long long* p) { p[0] = 9999999999999999999999999999999999999999; }");
  EXPECT_FALSE(f->module);
  auto g = compile("__global__ void k(int* p) { p[0] = ");  // truncated
  EXPECT_FALSE(g->module);
  auto h = compile(std::string("__global__ void k(int* p) { p[0] = 1") + std::string(1 << 20, ' ') +
                   "; }");
  EXPECT_TRUE(h->module) << h->messages();  // a 1 MB line of spaces is fine
}

}  // namespace
}  // namespace gpuc::frontend::test
