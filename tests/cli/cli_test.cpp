// Runs the gpuc binary (GPUC_BINARY_DIR/bin/gpuc) and checks options, exit codes, outputs and
// files: --help/--version, option errors, missing inputs, --emit=ir, --print-after, -o,
// -fsyntax-only.
#include <regex>

#include "cli_fixture.h"

namespace {

const char* kInput =
    "; a kernel with work for the passes\n"
    "kernel @k(%p: ptr<global, i32>) {\n"
    "  %a = const 20 : i32\n"
    "  %b = add %a, %a : i32\n"
    "  %c = add %a, %a : i32\n"
    "  %unused = mul %b, %c : i32\n"
    "  %d = add %b, %c : i32\n"
    "  store %p, %d align 4\n"
    "}\n";

const char* kPrintedO0 =
    "kernel @k(%p: ptr<global, i32>) {\n"
    "  %0 = const 20 : i32\n"
    "  %1 = add %0, %0 : i32\n"
    "  %2 = add %0, %0 : i32\n"
    "  %3 = mul %1, %2 : i32\n"
    "  %4 = add %1, %2 : i32\n"
    "  store %p, %4 align 4\n"
    "}\n";

TEST_F(Cli, HelpListsEveryOption) {
  Result r = gpuc("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Every option declared with a literal name in options.cpp appears in --help.
  std::string src = slurp(fs::path(GPUC_SOURCE_DIR) / "tools" / "gpuc" / "src" / "options.cpp");
  std::regex decl(R"re(add_(?:option|flag)\(\s*"([^"]+)")re");
  size_t count = 0;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), decl); it != std::sregex_iterator();
       ++it) {
    std::string name = (*it)[1];
    ++count;
    EXPECT_NE(r.out.find(name), std::string::npos) << name << " missing from --help:\n" << r.out;
  }
  EXPECT_GE(count, 15u);
  for (const char* name : {"--target", "--emit", "-o", "-O", "-D", "-U", "-I", "--print-after",
                           "--print-after-all", "--list-passes", "-f", "-W", "-w", "--color"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

TEST_F(Cli, Version) {
  Result r = gpuc("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("gpuc ")) << r.out;
}

TEST_F(Cli, UnknownOptionIsAnError) {
  Result r = gpuc("--frobnicate in.gir");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("gpuc: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gpuc --help"), std::string::npos) << r.err;
}

TEST_F(Cli, MissingInputFileIsNamed) {
  Result r = gpuc("--emit=ir nowhere.gir");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nowhere.gir"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  Result none = gpuc("--emit=ir");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no input file"), std::string::npos) << none.err;
}

TEST_F(Cli, EmitIrReprints) {
  write("k.gir", kInput);
  Result r = gpuc("--emit=ir -O0 k.gir");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kPrintedO0);
  EXPECT_EQ(r.err, "");
  // -O2 (the default) runs the pipeline: everything folds to one constant.
  Result o2 = gpuc("--emit=ir k.gir");
  EXPECT_EQ(o2.exit_code, 0) << o2.err;
  EXPECT_EQ(o2.out,
            "kernel @k(%p: ptr<global, i32>) {\n"
            "  %0 = const 80 : i32\n"
            "  store %p, %0 align 4\n"
            "}\n");
}

TEST_F(Cli, PrintAfterDumpsTheIr) {
  write("k.gir", kInput);
  Result r = gpuc("--emit=ir --print-after=cse k.gir -o out.gir");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("; *** IR after cse ***\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("IR after dce"), std::string::npos) << r.err;

  Result all = gpuc("--emit=ir --print-after-all k.gir -o out.gir");
  EXPECT_EQ(all.exit_code, 0) << all.err;
  for (const char* pass : {"inline", "constfold", "cse", "dce"})
    EXPECT_NE(all.err.find(std::string("; *** IR after ") + pass + " ***"), std::string::npos)
        << all.err;

  Result bad = gpuc("--emit=ir --print-after=nope k.gir");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown pass 'nope' (passes: inline, constfold, cse, dce)"),
            std::string::npos)
      << bad.err;
}

TEST_F(Cli, ListPasses) {
  Result r = gpuc("--list-passes");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("inline\t")) << r.out;
  EXPECT_NE(r.out.find("\ndce\t"), std::string::npos) << r.out;
}

TEST_F(Cli, OutputFileWrittenOnSuccessOnly) {
  write("k.gir", kInput);
  Result r = gpuc("--emit=ir -O0 k.gir -o out.gir");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(dir_ / "out.gir"), kPrintedO0);

  write("bad.gir", "kernel @k() {\n  %0 = bogus : i32\n}\n");
  Result e = gpuc("--emit=ir bad.gir -o bad_out.gir");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("bad.gir:2:8: error: unknown op 'bogus'"), std::string::npos) << e.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad_out.gir"));
  // An existing output is left as it was.
  Result e2 = gpuc("--emit=ir bad.gir -o out.gir");
  EXPECT_EQ(e2.exit_code, 1);
  EXPECT_EQ(slurp(dir_ / "out.gir"), kPrintedO0);
  for (const auto& entry : fs::directory_iterator(dir_))  // no temporary left behind
    EXPECT_TRUE(entry.path().filename() == "k.gir" || entry.path().filename() == "bad.gir" ||
                entry.path().filename() == "out.gir")
        << entry.path();
}

TEST_F(Cli, SyntaxOnlyWritesNothing) {
  write("k.gir", kInput);
  Result r = gpuc("-fsyntax-only --emit=ir k.gir -o out.gir");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(dir_ / "out.gir"));

  write("bad.gir", "kernel @k(%a: i32, %x: f32) {\n  %0 = add %a, %x : i32\n}\n");
  Result e = gpuc("-fsyntax-only bad.gir");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("bad.gir:2:3: error: invalid IR: in function '@k': operands of 'add' have "
                       "different types (i32 and f32)"),
            std::string::npos)
      << e.err;
}

// Repeatable options take one value each: the input file after them is not swallowed.
TEST_F(Cli, RepeatableOptionsTakeOneValue) {
  write("k.gir", kInput);
  for (const char* args :
       {"-D X k.gir", "-DNAME=1 -DOTHER k.gir", "-U X k.gir", "-I . k.gir", "-I. -O2 k.gir",
        "-O2 -D A -D B -I /tmp k.gir", "--print-after dce k.gir"}) {
    Result r = gpuc(std::string("--emit=ir -o out.gir ") + args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    EXPECT_TRUE(fs::exists(dir_ / "out.gir")) << args;
    fs::remove(dir_ / "out.gir");
  }
  Result bad_o = gpuc("-O7 k.gir");
  EXPECT_EQ(bad_o.exit_code, 1);
}

}  // namespace
