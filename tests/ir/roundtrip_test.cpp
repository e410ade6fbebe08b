// .gir round trip: for every .gir file in the repository (except tests/ir/invalid/), printing the
// parsed module is a fixpoint, print(parse(print(parse(text)))) == print(parse(text)); and every
// hand-written input under tests/ir/inputs/ verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gpuc/ir/parser.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"

namespace gpuc::ir {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> gir_files() {
  std::vector<fs::path> out;
  fs::path root(GPUC_SOURCE_DIR);
  fs::path invalid = root / "tests" / "ir" / "invalid";
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      if ((it.depth() == 0 && name.starts_with("build")) || name.starts_with(".") || p == invalid)
        it.disable_recursion_pending();
      continue;
    }
    if (p.extension() == ".gir") out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses `text`; on failure returns null and puts the diagnostics in *errors.
std::unique_ptr<Module> parse(const std::string& name, const std::string& text,
                              std::string* errors) {
  SourceManager sm;
  DiagnosticEngine d(&sm);
  uint32_t file = sm.add_buffer(name, text);
  std::unique_ptr<Module> m = parse_module(file, d);
  *errors = d.format_all();
  return m;
}

TEST(RoundTrip, EveryGirFileInTheRepositoryIsAPrintFixpoint) {
  std::vector<fs::path> files = gir_files();
  size_t inputs = 0;
  for (const fs::path& p : files) {
    if (p.parent_path().filename() == "inputs") ++inputs;
    SCOPED_TRACE(p.string());
    std::string errors;
    std::unique_ptr<Module> m = parse(p.string(), read(p), &errors);
    ASSERT_TRUE(m) << errors;
    std::string once = print_module(*m);
    std::unique_ptr<Module> m2 = parse("printed", once, &errors);
    ASSERT_TRUE(m2) << errors << once;
    EXPECT_EQ(print_module(*m2), once);
  }
  EXPECT_GE(inputs, 12u) << "tests/ir/inputs/ holds the hand-written round-trip inputs";
}

TEST(RoundTrip, HandWrittenInputsVerify) {
  fs::path dir = fs::path(GPUC_SOURCE_DIR) / "tests" / "ir" / "inputs";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".gir") continue;
    SCOPED_TRACE(e.path().string());
    SourceManager sm;
    DiagnosticEngine d(&sm);
    std::unique_ptr<Module> m = parse_module(sm.add_buffer(e.path().string(), read(e.path())), d);
    ASSERT_TRUE(m) << d.format_all();
    EXPECT_TRUE(verify(*m, d)) << d.format_all();
  }
}

// The printed form renumbers results and keeps parameter names; comments and spacing go.
TEST(RoundTrip, PrintsCanonicalForm) {
  std::string errors;
  std::unique_ptr<Module> m = parse("t.gir",
                                    "; comment\n"
                                    "kernel @k(%p: ptr<global, f32>,   %x: f32) {\n"
                                    "  %a = const -0.0 : f32  ; negative zero\n"
                                    "  %b = add %x, %a : f32\n"
                                    "  store %p, %b align 4\n"
                                    "}\n",
                                    &errors);
  ASSERT_TRUE(m) << errors;
  EXPECT_EQ(print_module(*m),
            "kernel @k(%p: ptr<global, f32>, %x: f32) {\n"
            "  %0 = const -0.0 : f32\n"
            "  %1 = add %x, %0 : f32\n"
            "  store %p, %1 align 4\n"
            "}\n");
}

// Constant initializers land in the C layout of their type (padding zeroed).
TEST(RoundTrip, ConstantInitializerBytes) {
  std::string errors;
  std::unique_ptr<Module> m = parse("t.gir",
                                    "struct S { a: i8, b: f32 }\n"
                                    "constant @c : [2 x S] = [{-1, 1.0}, {2, -2.0}]\n",
                                    &errors);
  ASSERT_TRUE(m) << errors;
  ASSERT_EQ(m->globals.size(), 1u);
  std::vector<uint8_t> want = {0xff, 0, 0, 0, 0x00, 0x00, 0x80, 0x3f,
                               0x02, 0, 0, 0, 0x00, 0x00, 0x00, 0xc0};
  EXPECT_EQ(m->globals[0].init, want);
}

TEST(RoundTrip, ForwardCallsResolve) {
  std::string errors;
  std::unique_ptr<Module> m = parse("t.gir",
                                    "kernel @k() {\n"
                                    "  call @later()\n"
                                    "}\n"
                                    "func @later() {\n"
                                    "}\n",
                                    &errors);
  ASSERT_TRUE(m) << errors;
  const Function& k = *m->functions[0];
  const Inst& call = k.inst(k.region(k.body).insts[0]);
  EXPECT_EQ(call.op, Op::Call);
  EXPECT_EQ(call.symbol, 1u);
}

}  // namespace
}  // namespace gpuc::ir
