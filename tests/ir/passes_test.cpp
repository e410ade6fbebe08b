// Pass tests: each pass on a small .gir module, checking the printed IR after it (and that the
// result still verifies); and the pipeline's -O gating, --print-after dumps and errors.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <sstream>

#include "gpuc/ir/builder.h"
#include "gpuc/ir/literals.h"
#include "gpuc/ir/parser.h"
#include "gpuc/ir/pass.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"

namespace gpuc::ir {
namespace {

struct Parsed {
  SourceManager sm;
  DiagnosticEngine diags{&sm};
  std::unique_ptr<Module> m;
};

std::unique_ptr<Parsed> parse(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->m = parse_module(p->sm.add_buffer("t.gir", text), p->diags);
  EXPECT_TRUE(p->m) << p->diags.format_all();
  if (p->m) EXPECT_TRUE(verify(*p->m, p->diags)) << p->diags.format_all();
  return p;
}

// Runs the named pass on `text`; returns the printed result, which must verify.
std::string run_pass(const std::string& name, const std::string& text,
                     PassResult expect = PassResult::Changed) {
  auto p = parse(text);
  if (!p->m) return "";
  const PassInfo* pass = find_pass(name);
  EXPECT_NE(pass, nullptr) << name;
  if (!pass) return "";
  EXPECT_EQ(pass->run(*p->m, p->diags), expect);
  EXPECT_TRUE(verify(*p->m, p->diags)) << p->diags.format_all() << print_module(*p->m);
  return print_module(*p->m);
}

TEST(Passes, ListedOnceInPipelineOrder) {
  std::vector<std::string> names;
  for (const PassInfo& p : all_passes()) names.emplace_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"inline", "constfold", "cse", "dce"}));
  EXPECT_EQ(find_pass("nope"), nullptr);
}

// --- constant folding ---------------------------------------------------------------------------

TEST(ConstantFolding, IntegersWrapAndRespectSignedness) {
  std::string out = run_pass("constfold",
                             "kernel @k(%o: ptr<global, i32>) {\n"
                             "  %max = const 2147483647 : i32\n"
                             "  %one = const 1 : i32\n"
                             "  %a = add %max, %one : i32\n"
                             "  %m7 = const -7 : i32\n"
                             "  %two = const 2 : i32\n"
                             "  %b = div %m7, %two : i32\n"
                             "  %c = rem %m7, %two : i32\n"
                             "  %d = shr %m7, %one : i32\n"
                             "  %u = const 4294967289 : u32\n"
                             "  %u2 = const 2 : u32\n"
                             "  %e = div %u, %u2 : u32\n"
                             "  %f = shr %u, %u2 : u32\n"
                             "  %g = lt %m7, %two : bool\n"
                             "  %h = lt %u, %u2 : bool\n"
                             "  %b255 = const 255 : u8\n"
                             "  %b1 = const 1 : u8\n"
                             "  %i = add %b255, %b1 : u8\n"
                             "  %j = mulhi %m7, %max : i32\n"
                             "  %k = popcount %u : i32\n"
                             "  %l = clz %u2 : i32\n"
                             "  %n = neg %m7 : i32\n"
                             "}\n");
  EXPECT_EQ(out,
            "kernel @k(%o: ptr<global, i32>) {\n"
            "  %0 = const 2147483647 : i32\n"
            "  %1 = const 1 : i32\n"
            "  %2 = const -2147483648 : i32\n"
            "  %3 = const -7 : i32\n"
            "  %4 = const 2 : i32\n"
            "  %5 = const -3 : i32\n"
            "  %6 = const -1 : i32\n"
            "  %7 = const -4 : i32\n"
            "  %8 = const 4294967289 : u32\n"
            "  %9 = const 2 : u32\n"
            "  %10 = const 2147483644 : u32\n"
            "  %11 = const 1073741822 : u32\n"
            "  %12 = const true : bool\n"
            "  %13 = const false : bool\n"
            "  %14 = const 255 : u8\n"
            "  %15 = const 1 : u8\n"
            "  %16 = const 0 : u8\n"
            "  %17 = const -4 : i32\n"
            "  %18 = const 30 : i32\n"
            "  %19 = const 30 : i32\n"
            "  %20 = const 7 : i32\n"
            "}\n");
}

TEST(ConstantFolding, NeverFoldsUndefinedBehaviour) {
  const char* text =
      "kernel @k(%o: ptr<global, i32>) {\n"
      "  %min = const -2147483648 : i32\n"
      "  %m1 = const -1 : i32\n"
      "  %zero = const 0 : i32\n"
      "  %n32 = const 32 : i32\n"
      "  %a = div %min, %m1 : i32\n"
      "  %b = rem %m1, %zero : i32\n"
      "  %c = shl %m1, %n32 : i32\n"
      "  %d = shr %m1, %m1 : i32\n"
      "  %e = abs %min : i32\n"
      "  %big = const 1e+10 : f32\n"
      "  %f = convert %big : i32\n"
      "  %neg = const -1.0 : f32\n"
      "  %g = convert %neg : u32\n"
      "  %nan = const nan : f32\n"
      "  %h = convert %nan : i32\n"
      "  %fz = const 0.0 : f32\n"
      "  %i = div %neg, %fz : f32\n"
      "  %j = sin %neg : f32\n"
      "}\n";
  std::string out = run_pass("constfold", text, PassResult::Unchanged);
  auto p = parse(text);
  EXPECT_EQ(out, print_module(*p->m));
}

TEST(ConstantFolding, FloatsComparesSelectsConverts) {
  std::string out = run_pass("constfold",
                             "kernel @k(%x: f32, %y: f32) {\n"
                             "  %a = const 0.1 : f64\n"
                             "  %b = const 0.2 : f64\n"
                             "  %c = add %a, %b : f64\n"
                             "  %h1 = const 1.5 : f16\n"
                             "  %h2 = mul %h1, %h1 : f16\n"
                             "  %n = const nan : f32\n"
                             "  %ne = ne %n, %n : bool\n"
                             "  %eq = eq %n, %n : bool\n"
                             "  %s = select %ne, %x, %y : f32\n"
                             "  %f = const -3.7 : f32\n"
                             "  %i = convert %f : i32\n"
                             "  %m1 = const -1 : i32\n"
                             "  %w = convert %m1 : u64\n"
                             "  %bits = bitcast %f : u32\n"
                             "  %z = const -0.0 : f32\n"
                             "  %abs = abs %z : f32\n"
                             "  %r = rint %f : f32\n"
                             "  %fl = floor %f : f32\n"
                             "  %mn = min %n, %f : f32\n"
                             "  %t = convert %f : bool\n"
                             "  %r2 = add %s, %x : f32\n"
                             "}\n");
  EXPECT_EQ(out,
            "kernel @k(%x: f32, %y: f32) {\n"
            "  %0 = const 0.1 : f64\n"
            "  %1 = const 0.2 : f64\n"
            "  %2 = const 0.30000000000000004 : f64\n"
            "  %3 = const 1.5 : f16\n"
            "  %4 = const 2.25 : f16\n"
            "  %5 = const nan : f32\n"
            "  %6 = const true : bool\n"
            "  %7 = const false : bool\n"
            "  %8 = const -3.7 : f32\n"
            "  %9 = const -3 : i32\n"
            "  %10 = const -1 : i32\n"
            "  %11 = const 18446744073709551615 : u64\n"
            "  %12 = const 3228355789 : u32\n"
            "  %13 = const -0.0 : f32\n"
            "  %14 = const 0.0 : f32\n"
            "  %15 = const -4.0 : f32\n"
            "  %16 = const -4.0 : f32\n"
            "  %17 = const -3.7 : f32\n"
            "  %18 = const true : bool\n"
            "  %19 = add %x, %x : f32\n"
            "}\n");
}

TEST(ConstantFolding, IfOnAConstantConditionInlinesTheTakenRegion) {
  std::string out = run_pass("constfold",
                             "kernel @k(%p: ptr<global, i32>) {\n"
                             "  %t = const true : bool\n"
                             "  if %t {\n"
                             "    %a = const 1 : i32\n"
                             "    store %p, %a align 4\n"
                             "  } else {\n"
                             "    %b = const 2 : i32\n"
                             "    store %p, %b align 4\n"
                             "  }\n"
                             "  %f = const false : bool\n"
                             "  loop {\n"
                             "    if %f {\n"
                             "      barrier\n"
                             "    } else {\n"
                             "      break\n"
                             "    }\n"
                             "    %c = const 3 : i32\n"
                             "    store %p, %c align 4\n"
                             "  }\n"
                             "}\n");
  EXPECT_EQ(out,
            "kernel @k(%p: ptr<global, i32>) {\n"
            "  %0 = const true : bool\n"
            "  %1 = const 1 : i32\n"
            "  store %p, %1 align 4\n"
            "  %2 = const false : bool\n"
            "  loop {\n"
            "    break\n"
            "  }\n"
            "}\n");
}

// --- dead-code elimination ----------------------------------------------------------------------

TEST(DeadCode, RemovesUnusedPureOpsAndKeepsSideEffects) {
  std::string out = run_pass("dce",
                             "func @f() {\n"
                             "}\n"
                             "kernel @k(%p: ptr<global, i32>, %c: bool) {\n"
                             "  %0 = const 1 : i32\n"
                             "  %1 = add %0, %0 : i32\n"
                             "  %2 = mul %1, %1 : i32\n"
                             "  %3 = load %p align 4 : i32\n"
                             "  %4 = var : ptr<private, f32>\n"
                             "  %5 = atomic.add %p, %0 : i32\n"
                             "  call @f()\n"
                             "  barrier\n"
                             "  if %c {\n"
                             "    %6 = thread_id.x : u32\n"
                             "  }\n"
                             "  %7 = const 5 : i32\n"
                             "  store %p, %7 align 4\n"
                             "}\n");
  EXPECT_EQ(out,
            "func @f() {\n"
            "}\n"
            "\n"
            "kernel @k(%p: ptr<global, i32>, %c: bool) {\n"
            "  %0 = const 1 : i32\n"
            "  %1 = atomic.add %p, %0 : i32\n"
            "  call @f()\n"
            "  barrier\n"
            "  %2 = const 5 : i32\n"
            "  store %p, %2 align 4\n"
            "}\n");
}

// --- common subexpressions ----------------------------------------------------------------------

TEST(Cse, MergesDominatingDuplicatesOnly) {
  std::string out = run_pass("cse",
                             "kernel @k(%p: ptr<global, u32>, %c: bool) {\n"
                             "  %t = thread_id.x : u32\n"
                             "  %a = add %t, %t : u32\n"
                             "  %b = add %t, %t : u32\n"
                             "  %l1 = load %p align 4 : u32\n"
                             "  %l2 = load %p align 4 : u32\n"
                             "  if %c {\n"
                             "    %d = add %t, %t : u32\n"
                             "    %e = mul %d, %b : u32\n"
                             "    store %p, %e align 4\n"
                             "  } else {\n"
                             "    %f = mul %a, %a : u32\n"
                             "    store %p, %f align 4\n"
                             "  }\n"
                             "  loop {\n"
                             "    %g = mul %a, %a : u32\n"
                             "    store %p, %g align 4\n"
                             "  } continue {\n"
                             "    %h = mul %a, %a : u32\n"
                             "    %x = eq %h, %l1 : bool\n"
                             "    %y = eq %h, %l2 : bool\n"
                             "    %z = and %x, %y : bool\n"
                             "    break_if %z\n"
                             "  }\n"
                             "}\n");
  EXPECT_EQ(out,
            "kernel @k(%p: ptr<global, u32>, %c: bool) {\n"
            "  %0 = thread_id.x : u32\n"
            "  %1 = add %0, %0 : u32\n"
            "  %2 = load %p align 4 : u32\n"
            "  %3 = load %p align 4 : u32\n"
            "  if %c {\n"
            "    %4 = mul %1, %1 : u32\n"
            "    store %p, %4 align 4\n"
            "  } else {\n"
            "    %5 = mul %1, %1 : u32\n"
            "    store %p, %5 align 4\n"
            "  }\n"
            "  loop {\n"
            "    %6 = mul %1, %1 : u32\n"
            "    store %p, %6 align 4\n"
            "  } continue {\n"
            "    %7 = mul %1, %1 : u32\n"
            "    %8 = eq %7, %2 : bool\n"
            "    %9 = eq %7, %3 : bool\n"
            "    %10 = and %8, %9 : bool\n"
            "    break_if %10\n"
            "  }\n"
            "}\n");
}

// --- inlining -----------------------------------------------------------------------------------

TEST(Inline, SplicesStraightLineCallees) {
  std::string out = run_pass("inline",
                             "kernel @k(%p: ptr<global, f32>, %x: f32) {\n"
                             "  %0 = call @cube(%x) : f32\n"
                             "  store %p, %0 align 4\n"
                             "}\n"
                             "func @sq(%v: f32) -> f32 {\n"
                             "  %0 = mul %v, %v : f32\n"
                             "  return %0\n"
                             "}\n"
                             "func @cube(%v: f32) -> f32 {\n"
                             "  %0 = call @sq(%v) : f32\n"
                             "  %1 = mul %0, %v : f32\n"
                             "  return %1\n"
                             "}\n");
  EXPECT_EQ(out,
            "kernel @k(%p: ptr<global, f32>, %x: f32) {\n"
            "  %0 = mul %x, %x : f32\n"
            "  %1 = mul %0, %x : f32\n"
            "  store %p, %1 align 4\n"
            "}\n"
            "\n"
            "func @sq(%v: f32) -> f32 {\n"
            "  %0 = mul %v, %v : f32\n"
            "  return %0\n"
            "}\n"
            "\n"
            "func @cube(%v: f32) -> f32 {\n"
            "  %0 = mul %v, %v : f32\n"
            "  %1 = mul %0, %v : f32\n"
            "  return %1\n"
            "}\n");
}

TEST(Inline, WrapsEarlyReturnsInAOneTripLoop) {
  std::string out = run_pass("inline",
                             "func @clamp0(%v: i32) -> i32 {\n"
                             "  %0 = const 0 : i32\n"
                             "  %1 = lt %v, %0 : bool\n"
                             "  if %1 {\n"
                             "    return %0\n"
                             "  }\n"
                             "  return %v\n"
                             "}\n"
                             "kernel @k(%p: ptr<global, i32>, %x: i32) {\n"
                             "  %0 = call @clamp0(%x) : i32\n"
                             "  store %p, %0 align 4\n"
                             "}\n");
  EXPECT_EQ(out,
            "func @clamp0(%v: i32) -> i32 {\n"
            "  %0 = const 0 : i32\n"
            "  %1 = lt %v, %0 : bool\n"
            "  if %1 {\n"
            "    return %0\n"
            "  }\n"
            "  return %v\n"
            "}\n"
            "\n"
            "kernel @k(%p: ptr<global, i32>, %x: i32) {\n"
            "  %0 = var : ptr<private, i32>\n"
            "  loop {\n"
            "    %1 = const 0 : i32\n"
            "    %2 = lt %x, %1 : bool\n"
            "    if %2 {\n"
            "      store %0, %1 align 4\n"
            "      break\n"
            "    }\n"
            "    store %0, %x align 4\n"
            "    break\n"
            "  }\n"
            "  %3 = load %0 align 4 : i32\n"
            "  store %p, %3 align 4\n"
            "}\n");
}

TEST(Inline, LeavesCalleesWithReturnsInsideLoops) {
  const char* text =
      "func @find(%v: i32) -> i32 {\n"
      "  loop {\n"
      "    return %v\n"
      "  }\n"
      "  unreachable\n"
      "}\n"
      "kernel @k(%p: ptr<global, i32>, %x: i32) {\n"
      "  %0 = call @find(%x) : i32\n"
      "  store %p, %0 align 4\n"
      "}\n";
  std::string out = run_pass("inline", text, PassResult::Unchanged);
  EXPECT_NE(out.find("call @find(%x)"), std::string::npos) << out;
}

// --- the pipeline ------------------------------------------------------------------------------

const char* kPipelineInput =
    "func @twice(%v: i32) -> i32 {\n"
    "  %0 = add %v, %v : i32\n"
    "  return %0\n"
    "}\n"
    "kernel @k(%p: ptr<global, i32>) {\n"
    "  %0 = const 20 : i32\n"
    "  %1 = call @twice(%0) : i32\n"
    "  %2 = const 2 : i32\n"
    "  %3 = add %1, %2 : i32\n"
    "  %4 = add %1, %2 : i32\n"
    "  %5 = mul %3, %4 : i32\n"
    "  store %p, %3 align 4\n"
    "}\n";

TEST(Pipeline, O0RunsNothingAndO1RunsEverything) {
  auto p = parse(kPipelineInput);
  std::string before = print_module(*p->m);
  PipelineOptions o;
  o.opt_level = 0;
  o.print_after_all = true;
  int dumps = 0;
  o.dump = [&](std::string_view, const std::string&) { ++dumps; };
  EXPECT_TRUE(run_pipeline(*p->m, o, p->diags));
  EXPECT_EQ(print_module(*p->m), before);
  EXPECT_EQ(dumps, 0);
  ASSERT_EQ(p->diags.warning_count(), 1u);
  EXPECT_EQ(p->diags.diagnostics().back().message,
            "no passes run at -O0: --print-after prints nothing");

  o.opt_level = 1;
  o.verify_each = true;
  std::vector<std::string> passes;
  o.dump = [&](std::string_view name, const std::string&) { passes.emplace_back(name); };
  EXPECT_TRUE(run_pipeline(*p->m, o, p->diags)) << p->diags.format_all();
  EXPECT_EQ(passes, (std::vector<std::string>{"inline", "constfold", "cse", "dce"}));
  std::string k = print_module(*p->m);
  EXPECT_NE(k.find("kernel @k(%p: ptr<global, i32>) {\n"
                   "  %0 = const 42 : i32\n"
                   "  store %p, %0 align 4\n"
                   "}\n"),
            std::string::npos)
      << k;
}

TEST(Pipeline, PrintAfterDumpsTheNamedPass) {
  auto p = parse(kPipelineInput);
  PipelineOptions o;
  o.print_after = {"inline"};
  std::string dumped;
  o.dump = [&](std::string_view name, const std::string& ir) {
    EXPECT_EQ(name, "inline");
    dumped = ir;
  };
  o.inline_calls = true;
  EXPECT_TRUE(run_pipeline(*p->m, o, p->diags));
  EXPECT_NE(dumped.find("  %1 = add %0, %0 : i32\n"), std::string::npos) << dumped;
  EXPECT_EQ(dumped.find("call @twice"), std::string::npos) << dumped;
}

TEST(Pipeline, InlineCallsOffKeepsCalls) {
  auto p = parse(kPipelineInput);
  PipelineOptions o;
  o.inline_calls = false;
  EXPECT_TRUE(run_pipeline(*p->m, o, p->diags));
  EXPECT_NE(print_module(*p->m).find("call @twice(%0)"), std::string::npos);
}

TEST(Pipeline, UnknownPassInPrintAfterIsAnError) {
  auto p = parse(kPipelineInput);
  PipelineOptions o;
  o.print_after = {"nope"};
  EXPECT_FALSE(run_pipeline(*p->m, o, p->diags));
  ASSERT_EQ(p->diags.diagnostics().size(), 1u);
  EXPECT_EQ(p->diags.diagnostics()[0].message,
            "unknown pass 'nope' in --print-after (passes: inline, constfold, cse, dce)");
}

// Every hand-written input survives the whole pipeline with verification after each pass.
TEST(Pipeline, HandWrittenInputsStayValid) {
  for (const char* name :
       {"saxpy", "reduction", "structs", "constants", "literals", "control_flow", "calls",
        "atomics", "subgroups", "math", "int_ops", "memory", "kernel_attrs"}) {
    SCOPED_TRACE(name);
    std::string path = std::string(GPUC_SOURCE_DIR) + "/tests/ir/inputs/" + name + ".gir";
    SourceManager sm;
    DiagnosticEngine d(&sm);
    FILE* fp = fopen(path.c_str(), "rb");
    ASSERT_NE(fp, nullptr) << path;
    std::string text;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, fp)) > 0;) text.append(buf, n);
    fclose(fp);
    std::unique_ptr<Module> m = parse_module(sm.add_buffer(path, text), d);
    ASSERT_TRUE(m) << d.format_all();
    PipelineOptions o;
    o.verify_each = true;
    EXPECT_TRUE(run_pipeline(*m, o, d)) << d.format_all() << print_module(*m);
  }
}

}  // namespace
}  // namespace gpuc::ir

namespace gpuc::ir {
namespace {

// Differential test of integer folding: every op on every int type, over edge and random values,
// against a reference computed with C's rules in 128-bit arithmetic. Undefined cases must stay
// unfolded.
TEST(ConstantFolding, IntegerOpsMatchCSemantics) {
  struct IntType {
    const char* name;
    uint32_t width;
    bool is_signed;
  };
  const IntType types[] = {{"i8", 8, true},    {"u8", 8, false},  {"i16", 16, true},
                           {"u16", 16, false}, {"i32", 32, true}, {"u32", 32, false},
                           {"i64", 64, true},  {"u64", 64, false}};
  const char* ops[] = {"add", "sub", "mul", "div", "rem", "min", "max", "and", "or",
                       "xor", "shl", "shr", "eq",  "ne",  "lt",  "le",  "gt",  "ge"};
  std::mt19937_64 rng(7);
  for (const IntType& t : types) {
    __int128 lo = t.is_signed ? -(static_cast<__int128>(1) << (t.width - 1)) : 0;
    __int128 hi = t.is_signed ? (static_cast<__int128>(1) << (t.width - 1)) - 1
                              : (static_cast<__int128>(1) << t.width) - 1;
    std::vector<__int128> values = {lo, lo + 1, -1,     0,  1,
                                    2,  7,      hi - 1, hi, static_cast<__int128>(t.width)};
    for (int i = 0; i < 6; ++i) {
      __int128 r = static_cast<__int128>(rng() % static_cast<uint64_t>(std::min<__int128>(
                                                     hi - lo, static_cast<__int128>(UINT64_MAX))));
      values.push_back(lo + r);
    }
    std::erase_if(values, [&](__int128 v) { return v < lo || v > hi; });
    auto wrap = [&](__int128 v) {
      __int128 m = static_cast<__int128>(1) << t.width;
      v %= m;
      if (v < 0) v += m;
      if (t.is_signed && v > hi) v -= m;
      return v;
    };
    auto text = [](__int128 v) {
      bool neg = v < 0;
      unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : v;
      std::string s;
      do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
      } while (u);
      return neg ? "-" + s : s;
    };
    std::string src = "kernel @k() {\n";
    std::vector<std::string> want;
    int n = 0;
    for (__int128 a : values)
      for (__int128 b : values)
        for (const char* op : ops) {
          std::string o = op;
          bool cmp = o == "eq" || o == "ne" || o == "lt" || o == "le" || o == "gt" || o == "ge";
          std::optional<__int128> r;
          if (o == "add") r = wrap(a + b);
          if (o == "sub") r = wrap(a - b);
          if (o == "mul") {  // in unsigned 128-bit arithmetic: wraps mod 2^128, a multiple of 2^w
            unsigned __int128 prod =
                static_cast<unsigned __int128>(a) * static_cast<unsigned __int128>(b);
            r = wrap(
                static_cast<__int128>(prod & ((static_cast<unsigned __int128>(1) << t.width) - 1)));
          }
          if ((o == "div" || o == "rem") && b != 0 && !(t.is_signed && a == lo && b == -1))
            r = o == "div" ? a / b : a % b;  // __int128 / and % truncate, as C
          if (o == "min") r = std::min(a, b);
          if (o == "max") r = std::max(a, b);
          auto bits = [&](__int128 v) {
            return wrap(v) < 0 ? wrap(v) + (static_cast<__int128>(1) << t.width) : wrap(v);
          };
          if (o == "and") r = wrap(bits(a) & bits(b));
          if (o == "or") r = wrap(bits(a) | bits(b));
          if (o == "xor") r = wrap(bits(a) ^ bits(b));
          if ((o == "shl" || o == "shr") && b >= 0 && b < t.width)
            r = o == "shl" ? wrap(bits(a) << static_cast<int>(b))
                           : (a >> static_cast<int>(b));  // arithmetic for signed a
          if (o == "eq") r = a == b;
          if (o == "ne") r = a != b;
          if (o == "lt") r = a < b;
          if (o == "le") r = a <= b;
          if (o == "gt") r = a > b;
          if (o == "ge") r = a >= b;
          std::string ty = t.name;
          std::string rty = cmp ? "bool" : ty;
          src += "  %a" + std::to_string(n) + " = const " + text(a) + " : " + ty + "\n";
          src += "  %b" + std::to_string(n) + " = const " + text(b) + " : " + ty + "\n";
          src += "  %r" + std::to_string(n) + " = " + o + " %a" + std::to_string(n) + ", %b" +
                 std::to_string(n) + " : " + rty + "\n";
          if (!r)
            want.push_back(o + " %");
          else if (cmp)
            want.push_back(std::string("const ") + (*r ? "true" : "false") + " : bool");
          else
            want.push_back("const " + text(*r) + " : " + ty);
          ++n;
        }
    src += "}\n";
    auto p = parse(src);
    ASSERT_TRUE(p->m);
    const PassInfo* fold = find_pass("constfold");
    fold->run(*p->m, p->diags);
    std::string out = print_module(*p->m);
    std::istringstream lines(out);
    std::string line;
    std::getline(lines, line);  // kernel header
    for (int i = 0; i < n; ++i) {
      std::string a_line, b_line, r_line;
      std::getline(lines, a_line);
      std::getline(lines, b_line);
      std::getline(lines, r_line);
      EXPECT_NE(r_line.find(want[i]), std::string::npos)
          << t.name << ": " << a_line << " / " << b_line << " -> " << r_line << ", want "
          << want[i];
    }
  }
}

}  // namespace
}  // namespace gpuc::ir

namespace gpuc::ir {
namespace {

// Differential test of float folding against the host's IEEE arithmetic (f32, f64, f16 through
// float) and C's float -> int conversions; undefined or unspecified cases must stay unfolded.
TEST(ConstantFolding, FloatOpsAndConversionsMatchTheHost) {
  std::vector<float> vals = {0.0f,          -0.0f,         1.0f,           -1.0f,
                             0.1f,          2.5f,          -2.5f,          3.5f,
                             1e38f,         -1e38f,        1e-45f,         65504.0f,
                             2147483520.0f, 2147483648.0f, -2147483648.0f, 4294967040.0f,
                             4294967296.0f, 16777217.0f,   INFINITY,       -INFINITY,
                             NAN,           127.9f,        -128.9f,        255.5f};
  std::mt19937 rng(3);
  for (int i = 0; i < 8; ++i)
    vals.push_back(std::ldexp(static_cast<float>(rng() % 100000) - 50000.0f,
                              static_cast<int>(rng() % 40) - 20));

  Module m;
  Builder b(m);
  TypeTable& t = m.types;
  b.create_kernel("k");
  struct Case {
    ValueId result;
    std::optional<uint64_t> want;  // nullopt: must stay unfolded
    std::string what;
  };
  std::vector<Case> cases;
  auto f32 = [&](float f) { return b.create_const_bits(t.f32(), std::bit_cast<uint32_t>(f)); };
  for (float x : vals) {
    for (float y : vals) {
      ValueId a = f32(x), c = f32(y);
      auto add = [&](Op op, std::optional<float> r, const char* name) {
        ValueId v = b.create_binary(op, a, c);
        std::optional<uint64_t> bits;
        if (r) bits = std::bit_cast<uint32_t>(*r);
        cases.push_back(
            {v, bits, std::string(name) + " " + std::to_string(x) + ", " + std::to_string(y)});
      };
      add(Op::Add, x + y, "add");
      add(Op::Sub, x - y, "sub");
      add(Op::Mul, x * y, "mul");
      add(Op::Div, y == 0 ? std::nullopt : std::optional<float>(x / y), "div");
      bool mixed_zeros = x == 0 && y == 0 && std::signbit(x) != std::signbit(y);
      add(Op::Min, mixed_zeros ? std::nullopt : std::optional<float>(std::fmin(x, y)), "min");
      add(Op::Max, mixed_zeros ? std::nullopt : std::optional<float>(std::fmax(x, y)), "max");
      ValueId lt = b.create_compare(Op::Lt, a, c);
      cases.push_back({lt, x < y ? 1u : 0u, "lt"});
      ValueId ne = b.create_compare(Op::Ne, a, c);
      cases.push_back({ne, x != y ? 1u : 0u, "ne"});
      // f16: operands rounded to half, the sum computed in float and rounded once.
      ValueId ha = b.create_const_bits(t.float_type(16), float_to_half(x));
      ValueId hc = b.create_const_bits(t.float_type(16), float_to_half(y));
      float hx = half_to_float(float_to_half(x)), hy = half_to_float(float_to_half(y));
      cases.push_back({b.create_binary(Op::Mul, ha, hc), float_to_half(hx * hy), "f16 mul"});
    }
    ValueId a = f32(x);
    double d = x;
    auto conv = [&](TypeId to, std::optional<uint64_t> want, const char* name) {
      cases.push_back({b.create_convert(to, a), want, std::string(name) + " " + std::to_string(x)});
    };
    double tr = std::trunc(d);
    bool nan = std::isnan(d);
    conv(t.i32(),
         !nan && tr >= -2147483648.0 && tr < 2147483648.0
             ? std::optional<uint64_t>(static_cast<uint32_t>(static_cast<int32_t>(tr)))
             : std::nullopt,
         "f32->i32");
    conv(t.u32(),
         !nan && tr >= 0 && tr < 4294967296.0 ? std::optional<uint64_t>(static_cast<uint32_t>(tr))
                                              : std::nullopt,
         "f32->u32");
    conv(t.int_type(8, true),
         !nan && tr >= -128 && tr < 128
             ? std::optional<uint64_t>(static_cast<uint8_t>(static_cast<int8_t>(tr)))
             : std::nullopt,
         "f32->i8");
    conv(t.u64(),
         !nan && tr >= 0 && tr < 18446744073709551616.0
             ? std::optional<uint64_t>(static_cast<uint64_t>(tr))
             : std::nullopt,
         "f32->u64");
    conv(t.f64(), std::bit_cast<uint64_t>(d), "f32->f64");
    conv(t.float_type(16), float_to_half(x), "f32->f16");
    conv(t.bool_type(), x != 0 ? 1u : 0u, "f32->bool");
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{16777217}, int64_t{-16777217}, INT64_MIN,
                    INT64_MAX, int64_t{1} << 53}) {
    ValueId a = b.create_const_int(t.i64(), v);
    cases.push_back({b.create_convert(t.f32(), a), std::bit_cast<uint32_t>(static_cast<float>(v)),
                     "i64->f32 " + std::to_string(v)});
    cases.push_back({b.create_convert(t.f64(), a), std::bit_cast<uint64_t>(static_cast<double>(v)),
                     "i64->f64 " + std::to_string(v)});
    cases.push_back(
        {b.create_convert(t.u32(), a), static_cast<uint32_t>(v), "i64->u32 " + std::to_string(v)});
  }
  DiagnosticEngine d;
  ASSERT_TRUE(verify(m, d)) << d.format_all();
  find_pass("constfold")->run(m, d);
  ASSERT_TRUE(verify(m, d)) << d.format_all();
  const Function& f = *m.functions[0];
  for (const Case& c : cases) {
    const Inst& in = f.inst(f.def_of(c.result));
    if (!c.want) {
      EXPECT_NE(in.op, Op::Const) << c.what;
      continue;
    }
    ASSERT_EQ(in.op, Op::Const) << c.what;
    EXPECT_EQ(in.imm, *c.want) << c.what;
  }
}

}  // namespace
}  // namespace gpuc::ir
