// Replays every input in tests/regressions/inputs/ through the checks of the fuzzer that found it
// (fuzz/*_fuzzer.cpp): by extension, .gk through the frontend and both backends, .gpub through the
// bundle loader. No input may crash, hang or end
// in an internal compiler error; a rejected input must say why (an error diagnostic or value).
// Besides fuzzer finds, inputs/ holds hand-made edge cases of the same contract (truncated.gpub,
// flipped_byte.gpub: cut and corrupted copies of a saxpy bundle).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gpuc/artifact/artifact.h"
#include "gpuc/compiler.h"
#include "gpuc/support/file_io.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e :
       fs::directory_iterator(fs::path(GPUC_SOURCE_DIR) / "tests/regressions/inputs"))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  gpuc::Result<std::string> r = gpuc::read_file(p.string());
  EXPECT_TRUE(r.ok()) << p;
  return r.ok() ? r.value() : std::string();
}

bool has_ice(const gpuc::DiagnosticEngine& diags) {
  for (const gpuc::Diagnostic& d : diags.diagnostics())
    if (d.message.starts_with("internal compiler error")) return true;
  return false;
}

// One compilation as the pipeline fuzzer runs it; returns the formatted diagnostics.
void expect_clean_compile(const fs::path& p, gpuc::Target target, gpuc::Emit emit,
                          bool syntax_only) {
  gpuc::CompileOptions o;
  o.target = target;
  o.emit = emit;
  o.syntax_only = syntax_only;
  o.validate = target == gpuc::Target::Vulkan;
  gpuc::Compilation c(o);
  gpuc::CompileOutput out = c.compile_source(p.filename().string(), read(p));
  std::string text = c.diagnostics().format_all();
  EXPECT_FALSE(has_ice(c.diagnostics())) << p << "\n" << text;
  if (!out.ok) EXPECT_TRUE(c.diagnostics().has_errors()) << p << ": failed without an error";
}

}  // namespace

TEST(Regressions, KernelSources) {
  std::vector<fs::path> files = inputs(".gk");
  ASSERT_FALSE(files.empty());
  for (const fs::path& p : files) {
    SCOPED_TRACE(p.string());
    expect_clean_compile(p, gpuc::Target::Vulkan, gpuc::Emit::Default, /*syntax_only=*/true);
    expect_clean_compile(p, gpuc::Target::Vulkan, gpuc::Emit::Spirv, false);
    expect_clean_compile(p, gpuc::Target::Cuda, gpuc::Emit::Nvvm, false);
  }
}

TEST(Regressions, Bundles) {
  std::vector<fs::path> files = inputs(".gpub");
  ASSERT_FALSE(files.empty());
  for (const fs::path& p : files) {
    SCOPED_TRACE(p.string());
    gpuc::Result<gpuc::Bundle> b = gpuc::parse_bundle(read(p));
    if (!b) {
      EXPECT_FALSE(b.error().message.empty());
      continue;
    }
    gpuc::Result<std::string> bytes = gpuc::serialize_bundle(b.value());
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    EXPECT_TRUE(gpuc::parse_bundle(bytes.value()).ok());
  }
}
