// Lowering: tricky control flow and expressions produce IR that passes ir::verify, with the
// structure docs/language.md describes.
#include <gtest/gtest.h>

#include "frontend_test_util.h"

namespace gpuc::frontend::test {
namespace {

struct Snippet {
  const char* name;
  const char* body;  // the body of `__global__ void k(int* p, float* f, int n)`
};

const Snippet kSnippets[] = {
    {"nested_loops_break_continue",
     "for (int i = 0; i < n; ++i) { for (int j = 0; j < n; j++) { if (j == i) continue; if (j > 5) "
     "break; "
     "p[i] += j; } if (p[i] > 100) break; }"},
    {"return_in_nested_loop",
     "while (true) { for (int i = 0; i < n; ++i) { if (p[i] < 0) return; } p[0]--; }"},
    {"logical_ops_in_conditions",
     "for (int i = 0; i < n && p[i] != 0 || i == 0; i += (i > 2 ? 2 : 1)) { p[i] = i; }"},
    {"do_while_complex_condition",
     "int i = 0; do { if (p[i] == 3) continue; p[i] = 1; } while (++i < n && (p[i] > 0 ? true : "
     "false));"},
    {"ternary_of_pointers_and_values",
     "__shared__ float s[8]; float* a = f + 1; float* b = n > 2 ? a : f; b[0] = n ? s[0] : 1.5f;"},
    {"comma_and_assignment_chains", "int a, b, c; a = b = c = n; p[0] = (a++, b += 2, c * a * b);"},
    {"dead_code_after_break_and_return",
     "for (;;) { break; p[0] = 1; } if (n) { return; p[1] = 2; } p[2] = 3;"},
    {"empty_loops_and_statements", "for (;;) break; while (n-- > 0) ; do ; while (false); ;;{}"},
    {"pointer_walks",
     "int* q = p; int* end = p + n; while (q < end) { *q++ = 0; } p[0] = (int)(end - p);"},
    {"unsigned_wrap_and_shifts",
     "unsigned u = (unsigned)n; u -= 5u; u <<= 3; int s = -n; s >>= 1; p[0] = (int)(u >> 2) + s;"},
    {"local_struct_and_vector_arrays",
     "float4 v[2]; v[0] = make_float4(1, 2, 3, 4); v[1] = v[0]; v[1].w += v[0].x; f[0] = v[1].w;"},
    {"switch_free_state_machine",
     "int state = 0; for (int i = 0; i < n; ++i) { if (state == 0) state = 1; else if (state == 1) "
     "state = 2; "
     "else state = 0; } p[0] = state;"},
};

class Lowering : public testing::TestWithParam<Snippet> {};

TEST_P(Lowering, VerifiesOnBothTargets) {
  std::string src =
      std::string("__global__ void k(int* p, float* f, int n) {\n") + GetParam().body + "\n}\n";
  for (FrontendTarget t : {FrontendTarget::Cuda, FrontendTarget::Vulkan}) {
    auto c = compile(src, t);
    ASSERT_TRUE(c->module) << c->messages();
    DiagnosticEngine vd(&c->sources);
    EXPECT_TRUE(ir::verify(*c->module, vd)) << vd.format_all() << "\n" << c->ir();
  }
}

INSTANTIATE_TEST_SUITE_P(Snippets, Lowering, testing::ValuesIn(kSnippets),
                         [](const testing::TestParamInfo<Snippet>& info) {
                           return std::string(info.param.name);
                         });

TEST(LoweringShape, DeadCodeIsDropped) {
  auto c = compile("__global__ void k(int* p) { p[0] = 1; return; p[1] = 424242; }");
  ASSERT_TRUE(c->module) << c->messages();
  EXPECT_EQ(c->ir().find("424242"), std::string::npos) << c->ir();
}

TEST(LoweringShape, DeadCodeIsStillChecked) {
  auto c = compile("__global__ void k(int* p) { return; p[1] = undeclared; }");
  EXPECT_FALSE(c->module);
  EXPECT_NE(c->messages().find("use of undeclared identifier 'undeclared'"), std::string::npos);
}

TEST(LoweringShape, VarsAreHoistedToTheEntry) {
  auto c = compile(
      "__global__ void k(int* p, int n) { for (int i = 0; i < n; ++i) { int t = i * 2; p[i] = t; } "
      "}");
  ASSERT_TRUE(c->module) << c->messages();
  const ir::Function& f = *c->module->functions[0];
  const auto& body = f.region(f.body).insts;
  ASSERT_GE(body.size(), 2u);
  EXPECT_EQ(f.inst(body[0]).op, ir::Op::Var);
  EXPECT_EQ(f.inst(body[1]).op, ir::Op::Var);
}

}  // namespace
}  // namespace gpuc::frontend::test
