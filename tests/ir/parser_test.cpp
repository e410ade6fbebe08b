// .gir parser errors: tests/ir/invalid/*.gir carry their expected diagnostics as
// "; expect: LINE:COL: error: MESSAGE" lines (all of them, in order; verifier messages up to their
// first line, which leaves out the printed inst); and the parser never crashes,
// throws or hangs on random bytes or truncated files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "gpuc/ir/parser.h"
#include "gpuc/ir/pass.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"

namespace gpuc::ir {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Parser, InvalidFilesReportTheExpectedDiagnostics) {
  fs::path dir = fs::path(GPUC_SOURCE_DIR) / "tests" / "ir" / "invalid";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".gir") continue;
    ++files;
    SCOPED_TRACE(e.path().string());
    std::string text = read(e.path());
    std::vector<std::string> want;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with("; expect: ")) want.push_back(line.substr(10));
    ASSERT_FALSE(want.empty()) << "no '; expect:' lines";

    SourceManager sm;
    DiagnosticEngine d(&sm);
    std::unique_ptr<Module> m = parse_module(sm.add_buffer("x.gir", text), d);
    if (m) verify(*m, d);  // files may also hold IR that parses but does not verify
    EXPECT_TRUE(d.has_errors());
    std::vector<std::string> got;
    for (const Diagnostic& diag : d.diagnostics())
      got.push_back(std::to_string(diag.loc.line) + ":" + std::to_string(diag.loc.col) + ": " +
                    severity_name(diag.severity) + ": " +
                    diag.message.substr(0, diag.message.find('\n')));
    EXPECT_EQ(got, want) << d.format_all();
  }
  EXPECT_GE(files, 6u);
}

// The formatted diagnostic has clang's shape: file:line:col, the source line and a caret.
TEST(Parser, DiagnosticFormat) {
  SourceManager sm;
  DiagnosticEngine d(&sm);
  uint32_t f = sm.add_buffer("k.gir", "kernel @k() {\n  %0 = bogus : i32\n}\n");
  EXPECT_EQ(parse_module(f, d), nullptr);
  EXPECT_EQ(d.format_all(),
            "k.gir:2:8: error: unknown op 'bogus'\n"
            "  %0 = bogus : i32\n"
            "       ^\n");
}

// Verifier errors on parsed IR point at the offending inst's line and column.
TEST(Parser, InstsCarryTheirLocation) {
  SourceManager sm;
  DiagnosticEngine d(&sm);
  uint32_t f = sm.add_buffer("k.gir",
                             "kernel @k(%a: i32, %x: f32) {\n"
                             "    %0 = add %a, %x : i32\n"
                             "}\n");
  std::unique_ptr<Module> m = parse_module(f, d);
  ASSERT_TRUE(m) << d.format_all();
  EXPECT_FALSE(verify(*m, d));
  ASSERT_EQ(d.diagnostics().size(), 1u);
  EXPECT_EQ(d.diagnostics()[0].loc, (SourceLocation{f, 2, 5}));
}

// Parses `text` and, when that succeeds, prints and verifies the module: none of it may throw.
void must_not_crash(const std::string& text) {
  SourceManager sm;
  DiagnosticEngine d(&sm);
  d.set_error_limit(0);
  std::unique_ptr<Module> m = parse_module(sm.add_buffer("fuzz.gir", text), d);
  if (m) {
    EXPECT_FALSE(d.has_errors());
    verify(*m, d);
    if (!d.has_errors()) {
      std::string printed = print_module(*m);
      SourceManager sm2;
      DiagnosticEngine d2(&sm2);
      EXPECT_TRUE(parse_module(sm2.add_buffer("printed.gir", printed), d2)) << d2.format_all();
      // Valid IR stays valid through every pass.
      PipelineOptions o;
      o.verify_each = true;
      EXPECT_TRUE(run_pipeline(*m, o, d)) << d.format_all() << printed;
    }
  } else {
    EXPECT_TRUE(d.has_errors()) << "a failed parse must say why";
  }
  for (const Diagnostic& diag : d.diagnostics())
    EXPECT_EQ(diag.message.find("internal compiler error"), std::string::npos) << diag.message;
}

TEST(Parser, SurvivesTruncationsAndRandomBytes) {
  fs::path dir = fs::path(GPUC_SOURCE_DIR) / "tests" / "ir" / "inputs";
  std::mt19937 rng(12345);
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".gir") continue;
    SCOPED_TRACE(e.path().string());
    std::string text = read(e.path());
    // Every truncation point on a stride, plus mutations: a byte replaced, deleted or duplicated.
    for (size_t n = 0; n < text.size(); n += 7) must_not_crash(text.substr(0, n));
    for (int i = 0; i < 200; ++i) {
      std::string t = text;
      size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0:
          t[at] = static_cast<char>(rng() & 0xff);
          break;
        case 1:
          t.erase(at, 1 + rng() % 8);
          break;
        default:
          t.insert(at, t.substr(rng() % t.size(), 1 + rng() % 16));
          break;
      }
      must_not_crash(t);
    }
  }
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 512, '\0');
    for (char& c : junk) c = static_cast<char>(rng() & 0xff);
    must_not_crash(junk);
  }
  // Pathological nesting must be refused, not overflow the stack.
  std::string deep = "kernel @k(%c: bool) {\n";
  for (int i = 0; i < 100000; ++i) deep += "if %c {\n";
  must_not_crash(deep);
  must_not_crash("constant @x : " + std::string(100000, '[') + "\n");
}

}  // namespace
}  // namespace gpuc::ir
