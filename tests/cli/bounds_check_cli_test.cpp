// `gpuc --bounds-check`: the checks show in --emit=ir, the reflection sidecar marks the kernel
// (version 2, hidden parameters), and every kernel of the corpus still compiles for both targets
// with the backends' validators (SPIRV-Tools for vulkan, libNVVM's verifier and ptxas for cuda).
#include <cstdlib>

#include "cli_fixture.h"

namespace {

const char* kSaxpy =
    "kernel @saxpy(%n: u32, %a: f32, %x: ptr<global, f32> readonly, %y: ptr<global, f32>) {\n"
    "  %i = thread_id.x : u32\n"
    "  %c = lt %i, %n : bool\n"
    "  if %c {\n"
    "    %px = index %x, %i : ptr<global, f32>\n"
    "    %vx = load %px align 4 : f32\n"
    "    %py = index %y, %i : ptr<global, f32>\n"
    "    %vy = load %py align 4 : f32\n"
    "    %r = fma %a, %vx, %vy : f32\n"
    "    store %py, %r align 4\n"
    "  }\n"
    "}\n";

TEST_F(Cli, BoundsCheckShowsInTheIr) {
  write("saxpy.gir", kSaxpy);
  Result plain = gpuc("--emit=ir saxpy.gir -o plain.gir");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(slurp(dir_ / "plain.gir").find("__gpuc"), std::string::npos);
  Result r = gpuc("--bounds-check --emit=ir saxpy.gir -o checked.gir");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string ir = slurp(dir_ / "checked.gir");
  EXPECT_NE(ir.find("%__gpuc_size_x: u64, %__gpuc_size_y: u64, %__gpuc_oob: ptr<global, u32>)"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("call @__gpuc_oob_report(%__gpuc_oob, "), std::string::npos);
  EXPECT_NE(ir.find("func @__gpuc_oob_report("), std::string::npos);
  // The printed checked IR is valid input again.
  Result again = gpuc("--target=vulkan --validate checked.gir -o again.spv");
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(Cli, BoundsCheckedSidecarsCannotBeMistakenForUncheckedOnes) {
  write("saxpy.gir", kSaxpy);
  Result r = gpuc("--target=vulkan --bounds-check saxpy.gir -o s.spv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string json = slurp(dir_ / "s.spv.json");
  EXPECT_NE(json.find("\"version\": 2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"bounds_checked\": true"), std::string::npos);
  EXPECT_NE(json.find("\"role\": \"buffer_size\""), std::string::npos);
  EXPECT_NE(json.find("\"role\": \"bounds_record\""), std::string::npos);
  EXPECT_NE(json.find("\"location\": \"saxpy.gir:6:5\""), std::string::npos) << json;
  Result u = gpuc("--target=vulkan saxpy.gir -o u.spv");
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_NE(slurp(dir_ / "u.spv.json").find("\"version\": 1"), std::string::npos);
}

// Every kernel of tests/kernels, both targets, validated.
TEST_F(Cli, BoundsCheckCompilesTheWholeCorpusForBothTargets) {
  fs::path corpus = fs::path(GPUC_SOURCE_DIR) / "tests" / "kernels";
  // ptxas on PATH, else the CUDA toolkit's; none: PTX is checked by libNVVM only.
  std::string ptxas;
  if (std::system("command -v ptxas >/dev/null 2>&1") == 0)
    ptxas = "ptxas";
  else if (fs::exists("/usr/local/cuda/bin/ptxas"))
    ptxas = "/usr/local/cuda/bin/ptxas";
  size_t count = 0, checked = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".gk") continue;
    ++count;
    std::string in = "'" + e.path().string() + "'";
    // A kernel that does not compile for a target without checks (double math on vulkan) is
    // skipped for that target; every other one must compile with them.
    bool vulkan = gpuc("--target=vulkan " + in + " -o u.spv").exit_code == 0;
    if (vulkan) {
      ++checked;
      Result v = gpuc("--target=vulkan --validate --bounds-check " + in + " -o k.spv");
      EXPECT_EQ(v.exit_code, 0) << e.path() << ":\n" << v.err;
      EXPECT_NE(slurp(dir_ / "k.spv.json").find("\"bounds_checked\": true"), std::string::npos)
          << e.path();
    }
    Result u = gpuc("--target=cuda " + in + " -o u.ptx");
    if (u.err.find("cannot load libNVVM") != std::string::npos)
      GTEST_SKIP() << "no libNVVM: " << u.err;
    if (u.exit_code != 0) continue;
    ++checked;
    Result c = gpuc("--target=cuda --validate --bounds-check " + in + " -o k.ptx");
    EXPECT_EQ(c.exit_code, 0) << e.path() << ":\n" << c.err;
    if (!ptxas.empty() && c.exit_code == 0) {
      std::string cmd = "cd '" + dir_.string() + "' && " + ptxas +
                        " -arch=sm_75 k.ptx -o k.cubin >ptxas.txt 2>&1";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << e.path() << ": ptxas:\n"
                                             << slurp(dir_ / "ptxas.txt");
    }
  }
  EXPECT_GE(count, 40u);
  EXPECT_GE(checked, 2 * count - 6) << "too many kernels skipped";
}

}  // namespace
