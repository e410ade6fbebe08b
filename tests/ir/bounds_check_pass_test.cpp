// Tests of the --bounds-check transform (ir/src/passes/bounds_check.cpp): hidden parameters, the
// provenance of each checked access (which shadow it is checked against), the site table, the
// reflection it adds and its JSON round trip. What the checks do at run time is tested on llvmpipe
// by tests/runtime/bounds_check_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "gpuc/ir/bounds_check.h"
#include "gpuc/ir/parser.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/ir/verifier.h"

namespace gpuc::ir {
namespace {

struct Checked {
  SourceManager sm;
  DiagnosticEngine diags{&sm};
  std::unique_ptr<Module> m;
  BoundsCheckInfo info;
  std::string text;  // the module printed after the transform
  bool ok = false;
};

std::unique_ptr<Checked> check(const std::string& gir) {
  auto c = std::make_unique<Checked>();
  c->m = parse_module(c->sm.add_buffer("t.gir", gir), c->diags);
  EXPECT_TRUE(c->m) << c->diags.format_all();
  if (!c->m) return c;
  EXPECT_TRUE(verify(*c->m, c->diags)) << c->diags.format_all();
  c->ok = insert_bounds_checks(*c->m, c->diags, &c->info);
  if (!c->ok) return c;
  c->text = print_module(*c->m);
  EXPECT_TRUE(verify(*c->m, c->diags)) << c->diags.format_all() << c->text;
  return c;
}

// The violations a kernel notes, in order: the printed names of the site and param values of
// each `store %note_site, SITE` / `store %note_param, PARAM` / `store %note_offset, OFF` triple in
// the first function of the module (the kernel under test).
std::vector<std::pair<std::string, std::string>> reports(const std::string& all) {
  std::string text = all.substr(0, all.find("\n}\n"));
  std::vector<std::pair<std::string, std::string>> out;
  std::regex re(
      R"(store %\w+, (%[\w.]+) align 4\n\s+store %\w+, (%[\w.]+) align 4\n\s+store %\w+, )"
      R"(%[\w.]+ align 8\n)");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.emplace_back((*it)[1], (*it)[2]);
  return out;
}

// N when the printed value `value` is defined as `value = const N : u32` in the first function
// of `all` (numbering restarts in each function); empty otherwise.
std::string const_u32(const std::string& all, const std::string& value) {
  std::string text = all.substr(0, all.find("\n}\n"));
  std::string head = value + " = const ";
  for (size_t pos = text.find(head); pos != std::string::npos; pos = text.find(head, pos + 1)) {
    if (pos == 0 || text[pos - 1] != ' ') continue;
    size_t start = pos + head.size(), end = text.find(" : u32\n", start);
    if (end != std::string::npos && text.find('\n', start) > end)
      return text.substr(start, end - start);
  }
  return "";
}

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

TEST(BoundsCheckPass, DirectIndexGetsHiddenParamsSitesAndChecks) {
  auto c = check(kSaxpy);
  ASSERT_TRUE(c->ok) << c->diags.format_all();
  EXPECT_NE(c->text.find("kernel @saxpy(%n: u32, %a: f32, %x: ptr<global, f32> readonly, %y: "
                         "ptr<global, f32>, %__gpuc_size_x: u64, %__gpuc_size_y: u64, "
                         "%__gpuc_oob: ptr<global, u32>)"),
            std::string::npos)
      << c->text;
  ASSERT_EQ(c->info.kernels.size(), 1u);
  EXPECT_EQ(c->info.kernels[0].user_params, 4u);
  EXPECT_EQ(c->info.kernels[0].sizes, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(c->info.kernels[0].elem_sizes, (std::vector<uint32_t>{4, 4}));
  ASSERT_EQ(c->info.sites.size(), 3u);
  EXPECT_EQ(c->info.sites[0].op, "load");
  EXPECT_EQ(c->info.sites[2].op, "store");
  EXPECT_EQ(c->info.sites[2].bytes, 4u);
  EXPECT_EQ(c->info.sites[0].location, "t.gir:6:5");
  // Each access reports against its own parameter: x is #2, y is #3.
  auto r = reports(c->text);
  ASSERT_EQ(r.size(), 3u) << c->text;
  EXPECT_EQ(const_u32(c->text, r[0].second), "2") << c->text;
  EXPECT_EQ(const_u32(c->text, r[1].second), "3");
  EXPECT_EQ(const_u32(c->text, r[2].second), "3");
  // The check: offset from the parameter's address against its size minus the access bytes.
  EXPECT_NE(c->text.find("ptrtoint %x : u64"), std::string::npos);
  EXPECT_NE(c->text.find("sub %__gpuc_size_x, "), std::string::npos);
  EXPECT_NE(c->text.find("ge %__gpuc_size_y, "), std::string::npos);
  // The store moved into the in-bounds branch; the loads go through a slot zeroed on failure.
  EXPECT_TRUE(
      std::regex_search(c->text, std::regex(R"(      store %\w+, %\w+ align 4\n    \} else \{)")))
      << c->text;
  EXPECT_NE(c->text.find("= const 0.0 : f32"), std::string::npos);
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(  (%\w+) = var : ptr<private, f32>\n)")));
  // One report per thread, before the kernel returns: its count of violations and the first.
  EXPECT_NE(c->text.find("func @__gpuc_oob_report("), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      c->text,
      std::regex(R"(call @__gpuc_oob_report\(%__gpuc_oob, %\w+, %\w+, %\w+, %\w+\)\n  \}\n}\n)")))
      << c->text;
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(= atomic.add %\w+, %count : u32)")));
}

TEST(BoundsCheckPass, ReflectionMarksHiddenParamsAndRoundTripsAsVersion2) {
  auto c = check(kSaxpy);
  ASSERT_TRUE(c->ok);
  ModuleReflection r = reflect(*c->m);
  add_bounds_check_reflection(c->info, r);
  const KernelReflection& k = r.kernels[0];
  EXPECT_TRUE(k.bounds_checked);
  EXPECT_EQ(k.user_param_count(), 4u);
  ASSERT_EQ(k.params.size(), 7u);
  EXPECT_EQ(k.params[4].role, ParamRole::BufferSize);
  EXPECT_EQ(k.params[4].sizes, 2u);
  EXPECT_EQ(k.params[5].sizes, 3u);
  EXPECT_EQ(k.params[5].elem_size, 4u);
  EXPECT_EQ(k.params[6].role, ParamRole::BoundsRecord);
  ASSERT_EQ(k.bounds_sites.size(), 3u);
  ASSERT_NE(k.find_bounds_site(2), nullptr);
  EXPECT_EQ(k.find_bounds_site(2)->op, "store");

  std::string json = reflection_to_json(r);
  EXPECT_NE(json.find("\"version\": 2"), std::string::npos);
  ModuleReflection back;
  std::string error;
  ASSERT_TRUE(reflection_from_json(json, &back, &error)) << error;
  EXPECT_EQ(reflection_to_json(back), json);
  EXPECT_TRUE(back.kernels[0].bounds_checked);
  EXPECT_EQ(back.kernels[0].params[5].role, ParamRole::BufferSize);

  // Hidden parameters without "bounds_checked" (or a size naming no pointer) are refused.
  std::string bad = json;
  bad.replace(bad.find("\"bounds_checked\": true"), 22, "\"bounds_checked\": false");
  EXPECT_FALSE(reflection_from_json(bad, &back, &error));
  EXPECT_NE(error.find("disagree"), std::string::npos) << error;
  bad = json;
  bad.replace(bad.find("\"sizes\": 2"), 10, "\"sizes\": 1");
  EXPECT_FALSE(reflection_from_json(bad, &back, &error));
  EXPECT_NE(error.find("malformed"), std::string::npos) << error;

  // Unchecked reflection stays version 1 without the new fields (old sidecars keep loading).
  ModuleReflection p = reflect(*parse_module(c->sm.add_buffer("u.gir", kSaxpy), c->diags));
  std::string pj = reflection_to_json(p);
  EXPECT_NE(pj.find("\"version\": 1"), std::string::npos);
  EXPECT_EQ(pj.find("role"), std::string::npos);
  EXPECT_EQ(pj.find("bounds"), std::string::npos);
  ASSERT_TRUE(reflection_from_json(pj, &back, &error)) << error;
  EXPECT_FALSE(back.kernels[0].bounds_checked);
  EXPECT_EQ(back.kernels[0].user_param_count(), 4u);
}

TEST(BoundsCheckPass, PointerInVarCarriesTheShadowOfEachStore) {
  // p = cond ? x : y through a variable: the shadow variables get x's or y's shadow.
  auto c = check(
      "kernel @k(%c: bool, %x: ptr<global, f32>, %y: ptr<global, f32>) {\n"
      "  %p = var : ptr<private, ptr<global, f32>>\n"
      "  if %c {\n"
      "    store %p, %x align 8\n"
      "  } else {\n"
      "    store %p, %y align 8\n"
      "  }\n"
      "  %q = load %p align 8 : ptr<global, f32>\n"
      "  %z = const 0.0 : f32\n"
      "  store %q, %z align 4\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(store %\w+, %x align 8\n    store %)")))
      << c->text;
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(store %\w+, %y align 8\n    store %)")));
  EXPECT_NE(c->text.find("%__gpuc_size_x align 8"), std::string::npos);
  EXPECT_NE(c->text.find("%__gpuc_size_y align 8"), std::string::npos);
  // The report's parameter is loaded from the shadow variable, not a constant.
  auto r = reports(c->text);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(const_u32(c->text, r[0].second), "") << r[0].second << "\n" << c->text;
  EXPECT_TRUE(std::regex_search(c->text, std::regex(r[0].second + R"( = load %\w+ align 4 : u32)")))
      << c->text;
  // No select chain over the parameters: the provenance is known.
  EXPECT_EQ(c->text.find("select"), std::string::npos);
  // Until the first store the shadow says "size 0, no parameter": an access through the
  // uninitialised pointer is reported, never made.
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(store %\w+, (%\w+) align 4\n)"))) << c->text;
  EXPECT_NE(c->text.find("= const 4294967295 : u32"), std::string::npos);
}

TEST(BoundsCheckPass, PointerArithmeticLoopKeepsTheRoot) {
  // for (p = x + 1; ...; p++) *p = 0: the increments keep x's shadow.
  auto c = check(
      "kernel @k(%n: u32, %x: ptr<global, u32>) {\n"
      "  %one = const 1 : u32\n"
      "  %zero = const 0 : u32\n"
      "  %p = var : ptr<private, ptr<global, u32>>\n"
      "  %s = index %x, %one : ptr<global, u32>\n"
      "  store %p, %s align 8\n"
      "  loop {\n"
      "    %q = load %p align 8 : ptr<global, u32>\n"
      "    store %q, %zero align 4\n"
      "    %q2 = index %q, %one : ptr<global, u32>\n"
      "    store %p, %q2 align 8\n"
      "  } continue {\n"
      "    %t = const true : bool\n"
      "    break_if %t\n"
      "  }\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  auto r = reports(c->text);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(c->text.find("select"), std::string::npos) << c->text;
  // Both stores into %p also store the shadow (base of x, size of x, param 1).
  std::regex shadow_store(
      R"(store %\w+, %\w+ align 8 *\n *store %\w+, %\w+ align 8 *\n *store %\w+, %\w+ align 8\n)");
  EXPECT_EQ(std::distance(std::sregex_iterator(c->text.begin(), c->text.end(), shadow_store),
                          std::sregex_iterator()),
            2)
      << c->text;
}

TEST(BoundsCheckPass, UnknownRootIsResolvedAgainstEveryParameter) {
  // A pointer loaded from memory: its shadow is the parameter whose buffer holds it, chosen by a
  // select chain over x and table; none: param kBoundsUnknown and size 0 (always reported).
  auto c = check(
      "kernel @k(%table: ptr<global, ptr<global, f32>>, %x: ptr<global, f32>) {\n"
      "  %q = load %table align 8 : ptr<global, f32>\n"
      "  %v = load %q align 4 : f32\n"
      "  store %x, %v align 4\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  ASSERT_EQ(c->info.sites.size(), 3u);
  EXPECT_EQ(c->info.sites[0].type, "ptr<global, f32>");
  EXPECT_EQ(c->info.sites[0].bytes, 8u);
  EXPECT_NE(c->text.find("const 4294967295 : u32"), std::string::npos) << c->text;
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(lt %\w+, %__gpuc_size_table : bool)")));
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(lt %\w+, %__gpuc_size_x : bool)")));
  std::regex sel(R"(= select %\w+, %\w+, %\w+ : u32)");
  EXPECT_EQ(std::distance(std::sregex_iterator(c->text.begin(), c->text.end(), sel),
                          std::sregex_iterator()),
            2);
}

TEST(BoundsCheckPass, StructMembersAndVectorElementsAreCheckedWithTheirOwnSize) {
  auto c = check(
      "struct S { a: f32, b: [4 x i32] }\n"
      "kernel @k(%s: ptr<global, S>, %v: ptr<global, vec<4, f32>>, %i: u32) {\n"
      "  %e = index %s, %i : ptr<global, S>\n"
      "  %m = member %e, 1 : ptr<global, [4 x i32]>\n"
      "  %two = const 2 : u32\n"
      "  %b2 = elem %m, %two : ptr<global, i32>\n"
      "  %five = const 5 : i32\n"
      "  store %b2, %five align 4\n"
      "  %w = index %v, %i : ptr<global, vec<4, f32>>\n"
      "  %all = load %w align 16 : vec<4, f32>\n"
      "  %one = const 1 : u32\n"
      "  %wy = elem %w, %one : ptr<global, f32>\n"
      "  %y = extract %all, 1 : f32\n"
      "  store %wy, %y align 4\n"
      "  %whole = load %e align 4 : S\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  ASSERT_EQ(c->info.sites.size(), 4u);
  EXPECT_EQ(c->info.sites[0].bytes, 4u);   // s[i].b[2]
  EXPECT_EQ(c->info.sites[1].bytes, 16u);  // v[i]
  EXPECT_EQ(c->info.sites[2].bytes, 4u);   // v[i].y
  EXPECT_EQ(c->info.sites[3].bytes, 20u);  // s[i]
  EXPECT_EQ(c->info.kernels[0].elem_sizes, (std::vector<uint32_t>{20, 16}));
  auto r = reports(c->text);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(const_u32(c->text, r[0].second), "0");
  EXPECT_EQ(const_u32(c->text, r[1].second), "1");
  EXPECT_EQ(const_u32(c->text, r[2].second), "1");
  EXPECT_EQ(const_u32(c->text, r[3].second), "0");
  // A skipped struct load yields a zero struct.
  EXPECT_TRUE(std::regex_search(c->text, std::regex(R"(construct [^\n]* : S\n)"))) << c->text;
}

TEST(BoundsCheckPass, AtomicsAreCheckedAndYieldZeroWhenSkipped) {
  auto c = check(
      "kernel @k(%c: ptr<global, u32>, %i: u32) {\n"
      "  %p = index %c, %i : ptr<global, u32>\n"
      "  %one = const 1 : u32\n"
      "  %old = atomic.add %p, %one : u32\n"
      "  %prev = atomic.cas %p, %old, %one : u32\n"
      "  store %c, %prev align 4\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  ASSERT_EQ(c->info.sites.size(), 3u);
  EXPECT_EQ(c->info.sites[0].op, "atomic.add");
  EXPECT_EQ(c->info.sites[1].op, "atomic.cas");
  // The atomics run in the in-bounds branch; their results come from the slot afterwards.
  EXPECT_TRUE(std::regex_search(
      c->text,
      std::regex(R"(  if %\w+ \{\n    %\w+ = atomic.add %\w+, %\w+ : u32\n    store %\w+)")))
      << c->text;
  EXPECT_TRUE(std::regex_search(
      c->text,
      std::regex(R"(  if %\w+ \{\n    %\w+ = atomic.cas %\w+, %\w+, %\w+ : u32\n    store)")));
  // The zero a skipped atomic yields.
  EXPECT_TRUE(
      std::regex_search(c->text, std::regex(R"(\} else \{\n    store %\w+, %\w+ align 4\n)")));
}

TEST(BoundsCheckPass, SharedAndPrivateMemoryAreNotChecked) {
  auto c = check(
      "shared @tile : [64 x f32]\n"
      "kernel @k(%i: u32) {\n"
      "  %t = global @tile : ptr<shared, [64 x f32]>\n"
      "  %e = elem %t, %i : ptr<shared, f32>\n"
      "  %v = load %e align 4 : f32\n"
      "  %l = var : ptr<private, f32>\n"
      "  store %l, %v align 4\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  EXPECT_TRUE(c->info.sites.empty());
  EXPECT_TRUE(reports(c->text).empty());
  EXPECT_NE(c->text.find("kernel @k(%i: u32, %__gpuc_oob: ptr<global, u32>)"), std::string::npos);
}

TEST(BoundsCheckPass, DeviceFunctionsLeftAfterInliningGetShadowParameters) {
  // A device function that was not inlined: it receives base, size and parameter index of each
  // global pointer argument, and the record; its sites are in the kernel's table.
  auto c = check(
      "kernel @k(%x: ptr<global, f32>, %y: ptr<global, f32>, %i: u32) {\n"
      "  %p = index %y, %i : ptr<global, f32>\n"
      "  %v = call @get(%p) : f32\n"
      "  store %x, %v align 4\n"
      "}\n"
      "func @get(%q: ptr<global, f32>) -> f32 {\n"
      "  %v = load %q align 4 : f32\n"
      "  return %v\n"
      "}\n"
      "func @unused(%q: ptr<global, f32>) -> f32 {\n"
      "  %v = call @get(%q) : f32\n"
      "  return %v\n"
      "}\n");
  ASSERT_TRUE(c->ok);
  EXPECT_NE(c->text.find("func @get(%q: ptr<global, f32>, %__gpuc_base_q: u64, %__gpuc_size_q: "
                         "u64, %__gpuc_param_q: u32, %__gpuc_oob: ptr<global, u32>) -> f32"),
            std::string::npos)
      << c->text;
  EXPECT_TRUE(std::regex_search(
      c->text, std::regex(R"(call @get\(%\w+, %\w+, %__gpuc_size_y, %\w+, %__gpuc_oob\) : f32)")))
      << c->text;
  EXPECT_TRUE(std::regex_search(
      c->text,
      std::regex(R"(call @__gpuc_oob_report\(%__gpuc_oob, %\w+, %__gpuc_param_q, %\w+, )")));
  // @unused is called by no kernel (as the inliner leaves a function it inlined everywhere), but
  // it calls @get, whose signature changed: it is transformed too, so the module still verifies.
  EXPECT_TRUE(std::regex_search(
      c->text, std::regex(R"(func @unused\(%q: ptr<global, f32>, %__gpuc_base_q: u64, )")))
      << c->text;
  ASSERT_EQ(c->info.kernels[0].sites.size(), 2u);
  std::vector<std::string> fns;
  for (uint32_t id : c->info.kernels[0].sites) fns.push_back(c->info.sites[id].function);
  std::sort(fns.begin(), fns.end());
  EXPECT_EQ(fns, (std::vector<std::string>{"get", "k"}));
}

TEST(BoundsCheckPass, ReservedNamesAreAnErrorNotACrash) {
  auto c = check(
      "kernel @k(%x: ptr<global, f32>, %__gpuc_size_x: u64) {\n"
      "  return\n"
      "}\n");
  EXPECT_FALSE(c->ok);
  EXPECT_NE(c->diags.format_all().find("reserved"), std::string::npos) << c->diags.format_all();
}

// Every valid .gir file of the repository (as the round-trip test finds them): the checked module
// verifies and its printed form is a print fixpoint of the parser.
TEST(BoundsCheckPass, EveryGirFileInTheRepositoryStaysValid) {
  namespace fs = std::filesystem;
  fs::path root(GPUC_SOURCE_DIR);
  size_t checked = 0;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      if ((it.depth() == 0 && name.starts_with("build")) || name.starts_with(".") ||
          p == root / "tests" / "ir" / "invalid")
        it.disable_recursion_pending();
      continue;
    }
    if (p.extension() != ".gir") continue;
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    SourceManager sm;
    DiagnosticEngine diags(&sm);
    std::unique_ptr<Module> m = parse_module(sm.add_buffer(p.string(), text.str()), diags);
    if (!m || !verify(*m, diags)) continue;  // files of invalid IR kept elsewhere
    BoundsCheckInfo info;
    if (!insert_bounds_checks(*m, diags, &info)) {
      ADD_FAILURE() << p << ": " << diags.format_all();
      continue;
    }
    std::string printed = print_module(*m);
    EXPECT_TRUE(verify(*m, diags)) << p << ":\n" << diags.format_all() << printed;
    std::unique_ptr<Module> again = parse_module(sm.add_buffer("again.gir", printed), diags);
    ASSERT_TRUE(again) << p << ":\n" << diags.format_all();
    EXPECT_EQ(print_module(*again), printed) << p;
    ++checked;
  }
  // 26 valid .gir files in the repository on 2026-11-25: the walk must find most of them.
  EXPECT_GE(checked, 20u);
}

}  // namespace
}  // namespace gpuc::ir
