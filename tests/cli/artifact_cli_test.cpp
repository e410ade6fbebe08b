// Runs gpuc for its artifact outputs: .ptx/.spv with reflection sidecars, --target=all bundles,
// --emit=header, and checks that a failed compile writes none of them.
#include "cli_fixture.h"
#include "gpuc/artifact/artifact.h"

namespace {

const char* kSaxpy =
    "// saxpy\n"
    "__global__ void saxpy(float a, const float* __restrict__ x, float* y, int n) {\n"
    "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
    "  if (i < n) y[i] = a * x[i] + y[i];\n"
    "}\n";

TEST_F(Cli, CodeFilesGetAReflectionSidecar) {
  write("saxpy.gk", kSaxpy);
  for (const char* target : {"cuda", "vulkan"}) {
    std::string out = std::string("k.") + (target[0] == 'c' ? "ptx" : "spv");
    Result r = gpuc(std::string("--target=") + target + " saxpy.gk -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    gpuc::Result<gpuc::Bundle> loaded = gpuc::load_artifact_file((dir_ / out).string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded->artifacts.size(), 1u);
    const gpuc::ir::KernelReflection* k = loaded->artifacts[0].reflection.find("saxpy");
    ASSERT_NE(k, nullptr);
    ASSERT_EQ(k->params.size(), 4u);
    EXPECT_EQ(k->params[1].name, "x");
    EXPECT_TRUE(k->params[1].readonly);
    EXPECT_EQ(k->params[3].offset, 24u);  // a@0, x@8, y@16, n@24
    EXPECT_EQ(k->param_block_size, 32u);
  }
}

TEST_F(Cli, TargetAllWritesABundleWithBothTargets) {
  write("saxpy.gk", kSaxpy);
  Result r = gpuc("--target=all saxpy.gk");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  gpuc::Result<gpuc::Bundle> b = gpuc::load_artifact_file((dir_ / "saxpy.gpub").string());
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_NE(b->find(gpuc::ArtifactTarget::Cuda), nullptr);
  ASSERT_NE(b->find(gpuc::ArtifactTarget::Vulkan), nullptr);
  EXPECT_NE(b->find(gpuc::ArtifactTarget::Cuda)->code.find(".entry saxpy"), std::string::npos);
  EXPECT_EQ(b->find(gpuc::ArtifactTarget::Cuda)->reflection.kernels.size(), 1u);

  Result one = gpuc("--target=vulkan --emit=bundle saxpy.gk -o v.gpub");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  gpuc::Result<gpuc::Bundle> v = gpuc::load_artifact_file((dir_ / "v.gpub").string());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->artifacts.size(), 1u);
  EXPECT_EQ(v->find(gpuc::ArtifactTarget::Cuda), nullptr);

  Result bad = gpuc("--target=all --emit=ir saxpy.gk");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--target=all writes a bundle"), std::string::npos) << bad.err;
}

TEST_F(Cli, EmitHeaderEmbedsTheBundle) {
  write("my-kernels.gk", kSaxpy);
  Result r = gpuc("--target=all --emit=header my-kernels.gk");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string header = slurp(dir_ / "my-kernels.h");
  EXPECT_NE(header.find("inline constexpr unsigned char my_kernels_gpub[]"), std::string::npos)
      << header.substr(0, 400);
  Result named = gpuc("--target=cuda --emit=header --symbol=kSaxpy my-kernels.gk -o s.h");
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(slurp(dir_ / "s.h").find("kSaxpy[]"), std::string::npos);
}

TEST_F(Cli, FailedCompileWritesNoArtifact) {
  write("bad.gk", "__global__ void k(float* p) { p[0] = undeclared; }\n");
  for (const char* args : {"--target=all bad.gk -o bad.gpub", "--target=vulkan bad.gk -o bad.spv",
                           "--target=cuda --emit=header bad.gk -o bad.h"}) {
    Result r = gpuc(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_NE(r.err.find("undeclared"), std::string::npos) << r.err;
  }
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename(), "bad.gk") << "unexpected output " << e.path();
}

}  // namespace
