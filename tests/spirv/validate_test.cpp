// Every kernel of the corpus (tests/kernels/*.gk, tests/ir/inputs/*.gir, tests/spirv/inputs/*.gir)
// compiles to SPIR-V that passes SPIRV-Tools' validator for Vulkan 1.2 (SPIR-V 1.5) and Vulkan 1.3
// (SPIR-V 1.6), scalar block layout on, before and after the -O passes.
#include <gtest/gtest.h>

#include "gpuc/spirv/spirv_backend.h"
#include "spirv_test_util.h"

namespace gpuc::spirv::test {
namespace {

class Corpus : public ::testing::TestWithParam<fs::path> {};

TEST_P(Corpus, CompilesAndValidates) {
  Loaded l = load(GetParam());
  if (!targets_vulkan(GetParam())) {
    // A kernel marked for other targets only must be refused with a diagnostic naming vulkan,
    // by the frontend or by the backend, never miscompiled.
    std::string text = l.errors;
    if (l.module) {
      DiagnosticEngine diags(&l.compilation->sources());
      Result<SpirvArtifact> r = compile_module(*l.module, SpirvOptions{}, diags);
      EXPECT_FALSE(r.ok());
      text = diags.format_all();
    }
    EXPECT_NE(text.find("vulkan"), std::string::npos) << text;
    return;
  }
  ASSERT_TRUE(l.module) << l.errors;
  std::vector<std::string> expected = expected_errors(GetParam());
  for (VulkanVersion v : {VulkanVersion::Vulkan12, VulkanVersion::Vulkan13}) {
    SCOPED_TRACE(std::string("Vulkan ") + vulkan_version_name(v));
    SpirvOptions options;
    options.vulkan = v;
    options.validate = true;
    DiagnosticEngine diags(&l.compilation->sources());
    Result<SpirvArtifact> r = compile_module(*l.module, options, diags);
    if (!expected.empty()) {
      ASSERT_FALSE(r.ok()) << "expected the compile to fail";
      std::string text = diags.format_all();
      for (const std::string& e : expected) EXPECT_NE(text.find(e), std::string::npos) << text;
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message << "\n" << diags.format_all();
    EXPECT_EQ(r.value().words[1], spirv_version_word(v));
    EXPECT_TRUE(validate(r.value().words, v).ok());
    // -O2: SPIRV-Tools' performance passes, validated again inside compile_module.
    options.opt_level = 2;
    Result<SpirvArtifact> o = compile_module(*l.module, options, diags);
    ASSERT_TRUE(o.ok()) << o.error().message;
  }
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string s = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(SpirvBackend, Corpus, ::testing::ValuesIn(corpus()), test_name);

TEST(SpirvBackend, CorpusIsNotEmpty) {
  EXPECT_GE(corpus().size(), 10u);
}

}  // namespace
}  // namespace gpuc::spirv::test
