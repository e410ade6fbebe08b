// docs/cli.md documents every option that `gpuc --help` prints.
#include <regex>

#include "cli_fixture.h"

namespace {

TEST_F(Cli, EveryHelpOptionIsDocumented) {
  Result r = gpuc("--help");
  ASSERT_EQ(r.exit_code, 0);
  std::string doc = slurp(fs::path(GPUC_SOURCE_DIR) / "docs" / "cli.md");
  // Option names at the start of --help's option lines: "  -o TEXT", "  --emit TEXT", " -h,--help".
  std::regex line(R"re(^  (-[-A-Za-z,]+))re", std::regex::multiline);
  size_t count = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), line);
       it != std::sregex_iterator(); ++it) {
    std::string names = (*it)[1];
    size_t start = 0;
    while (start < names.size()) {
      size_t comma = names.find(',', start);
      std::string name =
          names.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? names.size() : comma + 1;
      ++count;
      EXPECT_NE(doc.find("`" + name), std::string::npos) << name << " is not in docs/cli.md";
    }
  }
  EXPECT_GE(count, 25u);
  EXPECT_NE(r.out.find("gpuc devices"), std::string::npos);
  EXPECT_NE(doc.find("gpuc devices"), std::string::npos);
}

}  // namespace
