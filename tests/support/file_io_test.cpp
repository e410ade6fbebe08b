// Tests of whole-file reads and atomic writes.
#include "gpuc/support/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace gpuc {
namespace {

std::filesystem::path scratch(const char* name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("gpuc_file_io_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

TEST(FileIo, WriteThenReadRoundTrips) {
  auto p = scratch("a.bin");
  std::string data("a\0b\xff", 4);
  ASSERT_TRUE(write_file_atomic(p.string(), data).ok());
  Result<std::string> back = read_file(p.string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
}

TEST(FileIo, MissingFileNamesThePath) {
  Result<std::string> r = read_file("/nonexistent/gpuc/x.gk");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot open '/nonexistent/gpuc/x.gk': No such file or directory");
}

TEST(FileIo, DirectoryIsAnError) {
  Result<std::string> r = read_file(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is a directory"), std::string::npos);
}

TEST(FileIo, FailedWriteLeavesNoFileBehind) {
  auto dir = scratch("ro");
  std::filesystem::create_directories(dir);
  std::string target = (dir / "nested" / "out.spv").string();  // parent does not exist
  Status s = write_file_atomic(target, "data");
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(FileIo, OverwriteReplacesWholeFile) {
  auto p = scratch("b.txt");
  ASSERT_TRUE(write_file_atomic(p.string(), "a much longer first version").ok());
  ASSERT_TRUE(write_file_atomic(p.string(), "short").ok());
  EXPECT_EQ(*read_file(p.string()), "short");
  // No temporary files are left next to it.
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(p.parent_path()))
    if (e.path().filename().string().rfind("b.txt.tmp", 0) == 0) ++n;
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace gpuc
