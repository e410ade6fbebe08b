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
