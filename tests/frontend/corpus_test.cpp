// The kernel corpus (tests/kernels/*.gk): every kernel compiles to IR that passes ir::verify on
// both targets (unless its header says `TARGETS: cuda`), without warnings, and every file is also
// valid CUDA for nvcc (`nvcc -x cu -ptx -arch=sm_75`), so the dialect stays a CUDA subset.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "frontend_test_util.h"

namespace gpuc::frontend::test {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  return fs::path(GPUC_SOURCE_DIR) / "tests" / "kernels";
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".gk") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Corpus, HasAtLeastFortyKernels) {
  EXPECT_GE(corpus_files().size(), 40u);
}

class CorpusKernel : public testing::TestWithParam<std::string> {};

TEST_P(CorpusKernel, CompilesAndVerifies) {
  std::string text = slurp(corpus_dir() / (GetParam() + ".gk"));
  ASSERT_EQ(text.rfind("// ", 0), 0u)
      << "the first line must be a comment saying what the kernel computes";
  std::string header = text.substr(0, text.find("\n\n"));
  bool cuda_only = header.find("TARGETS: cuda") != std::string::npos;
  for (FrontendTarget target : {FrontendTarget::Cuda, FrontendTarget::Vulkan}) {
    if (target == FrontendTarget::Vulkan && cuda_only) continue;
    auto c = compile(text, target);
    ASSERT_TRUE(c->module) << c->messages();
    EXPECT_EQ(c->diags.warning_count(), 0u) << c->messages();
    DiagnosticEngine vd(&c->sources);
    EXPECT_TRUE(ir::verify(*c->module, vd)) << vd.format_all() << "\n" << c->ir();
    EXPECT_FALSE(c->module->functions.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, CorpusKernel, testing::ValuesIn(corpus_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

std::string find_nvcc() {
  if (const char* env = std::getenv("NVCC"); env && *env) return env;
  for (const char* p : {"/usr/local/cuda/bin/nvcc", "/usr/bin/nvcc"})
    if (access(p, X_OK) == 0) return p;
  return {};
}

// One nvcc per file, eight at a time (nvcc's start-up dominates its run time).
TEST(Corpus, CompilesWithNvcc) {
  std::string nvcc = find_nvcc();
  if (nvcc.empty())
    GTEST_SKIP() << "nvcc not found (set NVCC or install the CUDA toolkit): the CUDA-subset check "
                    "is skipped";
  fs::path out = fs::path(GPUC_BINARY_DIR) / "tests" / "frontend" / "nvcc_out";
  fs::create_directories(out);
  std::string cmd = "cd '" + corpus_dir().string() + "' && ls *.gk | xargs -P 8 -I{} sh -c \"'" +
                    nvcc + "' -x cu -ptx -arch=sm_75 -w {} -o '" + out.string() + "/{}.ptx' > '" +
                    out.string() + "/{}.log' 2>&1 || echo FAILED {}\" 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status));
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("FAILED ", 0) != 0) continue;
    std::string file = line.substr(7);
    ADD_FAILURE() << "nvcc rejects " << file << ":\n" << slurp(out / (file + ".log"));
  }
  for (const std::string& name : corpus_files())
    EXPECT_TRUE(fs::exists(out / (name + ".gk.ptx"))) << name << ".gk produced no PTX";
}

}  // namespace
}  // namespace gpuc::frontend::test
