// Tests of the diagnostics engine: clang-style formatting, notes, limits, -Werror and -w.
#include "gpuc/support/diagnostics.h"

#include <gtest/gtest.h>

#include "gpuc/support/ice.h"
#include "gpuc/support/result.h"

namespace gpuc {
namespace {

TEST(Diagnostics, FormatsLikeClangWithSourceLineAndCaret) {
  SourceManager sm;
  uint32_t f = sm.add_buffer("k.gk", "int a;\n  float b = c;\n");
  DiagnosticEngine d(&sm);
  d.error(SourceLocation{f, 2, 13}, "use of undeclared identifier 'c'");
  EXPECT_EQ(d.format_all(),
            "k.gk:2:13: error: use of undeclared identifier 'c'\n"
            "  float b = c;\n"
            "            ^\n");
  EXPECT_TRUE(d.has_errors());
  EXPECT_EQ(d.error_count(), 1u);
}

TEST(Diagnostics, NotesFollowTheirDiagnostic) {
  SourceManager sm;
  uint32_t f = sm.add_buffer("k.gk", "x\ny\n");
  DiagnosticEngine d(&sm);
  Diagnostic& e = d.error(SourceLocation{f, 2, 1}, "redefinition of 'y'");
  d.note(e, SourceLocation{f, 1, 1}, "previous definition is here");
  EXPECT_EQ(d.format_all(),
            "k.gk:2:1: error: redefinition of 'y'\ny\n^\n"
            "k.gk:1:1: note: previous definition is here\nx\n^\n");
}

TEST(Diagnostics, NoLocationUsesToolPrefix) {
  DiagnosticEngine d;
  d.error("cannot open 'x.gk': No such file or directory");
  EXPECT_EQ(d.format_all(), "gpuc: error: cannot open 'x.gk': No such file or directory\n");
}

TEST(Diagnostics, WarningsAsErrorsAndSuppression) {
  DiagnosticEngine d;
  d.set_warnings_as_errors(true);
  d.warning({}, "w");
  EXPECT_EQ(d.error_count(), 1u);
  DiagnosticEngine q;
  q.set_suppress_warnings(true);
  q.warning({}, "w");
  EXPECT_EQ(q.warning_count(), 0u);
  EXPECT_TRUE(q.diagnostics().empty());
}

TEST(Diagnostics, ErrorLimitStopsWithAFatalNote) {
  DiagnosticEngine d;
  d.set_error_limit(3);
  for (int i = 0; i < 10; ++i) d.error("e" + std::to_string(i));
  ASSERT_EQ(d.diagnostics().size(), 4u);
  EXPECT_EQ(d.diagnostics().back().message, "too many errors emitted, stopping now");
}

TEST(Diagnostics, TabsAndLongLinesKeepTheCaretAligned) {
  SourceManager sm;
  std::string line = "\tx" + std::string(500, ' ') + "y";
  uint32_t f = sm.add_buffer("k.gk", line);
  DiagnosticEngine d(&sm);
  d.error(SourceLocation{f, 1, 2}, "m");
  EXPECT_NE(d.format_all().find(" x"), std::string::npos);
  d.clear();
  d.error(SourceLocation{f, 1, 503}, "m");
  std::string out = d.format_all();
  size_t nl = out.find('\n');
  size_t shown = out.find('\n', nl + 1);
  std::string shown_line = out.substr(nl + 1, shown - nl - 1);
  std::string caret_line = out.substr(shown + 1);
  EXPECT_EQ(shown_line[caret_line.find('^')], 'y');
}

TEST(SourceManager, OffsetsToLinesAndColumns) {
  SourceManager sm;
  uint32_t f = sm.add_buffer("a", "ab\ncd\r\nef");
  EXPECT_EQ(sm.location(f, 0), (SourceLocation{f, 1, 1}));
  EXPECT_EQ(sm.location(f, 4), (SourceLocation{f, 2, 2}));
  EXPECT_EQ(sm.location(f, 7), (SourceLocation{f, 3, 1}));
  EXPECT_EQ(sm.line_text(f, 2), "cd");
  EXPECT_EQ(sm.line_text(f, 9), "");
  EXPECT_EQ(sm.name(99), "<unknown>");
}

TEST(Ice, AssertThrowsInternalCompilerErrorWithContext) {
  try {
    GPUC_ASSERT(1 + 1 == 3, "arithmetic is broken");
    FAIL() << "no exception";
  } catch (const InternalCompilerError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("internal compiler error: arithmetic is broken"), std::string::npos);
    EXPECT_NE(what.find("1 + 1 == 3"), std::string::npos);
  }
}

TEST(Result, HoldsValueOrError) {
  Result<int> ok = 3;
  Result<int> bad = make_error("nope");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "nope");
  EXPECT_THROW((void)bad.value(), InternalCompilerError);
}

}  // namespace
}  // namespace gpuc
