// Error tests: each tests/errors/*.gk is compiled by the gpuc CLI, which must exit with status 1,
// write no output file, and report exactly the errors and warnings the file expects.
//
// Expectations are comments, as in clang -verify:
//   // expected-error@+1 {{message}}       the diagnostic is on the next line (@-N: N lines up;
//   // expected-warning@+2:7 {{message}}   no @: this line); `:COL` also checks the column;
//   // expected-note@+1 {{message}}        `message` must be contained in the diagnostic's text.
//   // RUN-ARGS: --target=vulkan           extra command-line arguments for this file.
// Every error and warning gpuc reports must be expected; notes are checked only when expected.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Expected {
  std::string severity;
  int line = 0;
  int col = 0;  // 0: any column
  std::string text;
  bool matched = false;
};

struct Actual {
  std::string severity;
  int line = 0;
  int col = 0;
  std::string text;
};

std::vector<std::string> error_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(GPUC_SOURCE_DIR) / "tests" / "errors"))
    if (e.path().extension() == ".gk") files.push_back(e.path().stem().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `cmd`, returning its exit status and combined output.
int run(const std::string& cmd, std::string& output) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ErrorTest : public testing::TestWithParam<std::string> {};

TEST_P(ErrorTest, ReportsExpectedDiagnostics) {
  fs::path src = fs::path(GPUC_SOURCE_DIR) / "tests" / "errors" / (GetParam() + ".gk");
  std::string text = slurp(src);
  std::vector<Expected> expected;
  std::string args;
  std::regex expect_re(R"(expected-(error|warning|note)(@([+-]\d+))?(:(\d+))?\s*\{\{(.*?)\}\})");
  std::istringstream lines(text);
  std::string line;
  for (int lineno = 1; std::getline(lines, line); ++lineno) {
    if (size_t p = line.find("// RUN-ARGS:"); p != std::string::npos)
      args += " " + line.substr(p + 12);
    for (auto it = std::sregex_iterator(line.begin(), line.end(), expect_re);
         it != std::sregex_iterator(); ++it) {
      Expected e;
      e.severity = (*it)[1];
      e.line = lineno + ((*it)[3].matched ? std::stoi((*it)[3]) : 0);
      e.col = (*it)[5].matched ? std::stoi((*it)[5]) : 0;
      e.text = (*it)[6];
      expected.push_back(e);
    }
  }
  ASSERT_FALSE(expected.empty()) << src << " has no expected-error comments";

  fs::path out_dir = fs::path(GPUC_BINARY_DIR) / "tests" / "errors" / "out";
  fs::create_directories(out_dir);
  fs::path out = out_dir / (GetParam() + ".gir");
  fs::remove(out);
  std::string output;
  int rc = run(std::string("'") + GPUC_CLI + "' --emit=ir" + args + " -o '" + out.string() + "' '" +
                   src.string() + "'",
               output);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_FALSE(fs::exists(out)) << "an output file was written although compilation failed";

  std::regex diag_re(R"(^(.*):(\d+):(\d+): (error|warning|note): (.*)$)");
  std::vector<Actual> actual;
  std::istringstream out_lines(output);
  while (std::getline(out_lines, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, diag_re)) continue;
    if (m[1].str() != src.string()) continue;
    actual.push_back({m[4], std::stoi(m[2]), std::stoi(m[3]), m[5]});
  }
  for (const Actual& a : actual) {
    bool found = false;
    for (Expected& e : expected) {
      if (e.matched || e.severity != a.severity || e.line != a.line) continue;
      if (e.col && e.col != a.col) continue;
      if (a.text.find(e.text) == std::string::npos) continue;
      e.matched = found = true;
      break;
    }
    if (!found && a.severity != "note")
      ADD_FAILURE() << "unexpected " << a.severity << " at line " << a.line << ":" << a.col << ": "
                    << a.text << "\nfull output:\n"
                    << output;
  }
  for (const Expected& e : expected)
    if (!e.matched)
      ADD_FAILURE() << "missing expected " << e.severity << " at line " << e.line
                    << (e.col ? ":" + std::to_string(e.col) : "") << ": " << e.text
                    << "\nfull output:\n"
                    << output;
}

INSTANTIATE_TEST_SUITE_P(Errors, ErrorTest, testing::ValuesIn(error_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
