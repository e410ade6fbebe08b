// NVVM backend tests: golden NVVM IR (FileCheck), libNVVM + ptxas on every kernel for sm_75/80/90
// (and sm_100 through both dialects), saxpy's PTX shape, options, cubin and reflection.
//
// Regenerating the golden files: GPUC_UPDATE_GOLDEN=1 ./nvvm_backend_test
// rewrites tests/nvvm/golden/<kernel>.ll with one CHECK line per line of the current output.
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cuda_libs.h"
#include "gpuc/compiler.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/ir/verifier.h"
#include "gpuc/nvvm/nvvm_backend.h"
#include "nvvm_test_util.h"
#include "test_kernels.h"

namespace gpuc::nvvm::testing {
namespace {

std::unique_ptr<Module> build(const TestKernel& k) {
  auto m = std::make_unique<Module>();
  k.build(*m);
  return m;
}

bool have_libnvvm() {
  return find_libnvvm().ok() && find_libdevice().ok();
}

#define REQUIRE_LIBNVVM()                                                         \
  do {                                                                            \
    if (!have_libnvvm())                                                          \
      GTEST_SKIP() << "libNVVM/libdevice not found (install the CUDA toolkit at " \
                      "/usr/local/cuda): "                                        \
                   << find_libnvvm().error().message;                             \
  } while (0)

std::string diags_text(const DiagnosticEngine& d) {
  return d.format_all();
}

std::vector<std::string> list_dir(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > ext.size() && n.compare(n.size() - ext.size(), ext.size(), ext) == 0)
      out.push_back(dir + "/" + n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(NvvmKernels, RepresentativeKernelsVerify) {
  for (const TestKernel& k : representative_kernels()) {
    auto m = build(k);
    DiagnosticEngine d;
    EXPECT_TRUE(ir::verify(*m, d)) << k.name << "\n" << diags_text(d) << ir::print_module(*m);
  }
}

// --- golden NVVM IR ---------------------------------------------------------------------------

// Escapes FileCheck's pattern syntax ({{ and [[) in a literal line.
std::string check_literal(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (i + 1 < line.size() && line[i] == '{' && line[i + 1] == '{') {
      out += "{{[{][{]}}";
      ++i;
    } else if (i + 1 < line.size() && line[i] == '[' && line[i + 1] == '[') {
      out += "{{[[][[]}}";
      ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

// Every representative kernel in the typed dialect; saxpy and atomics also in the modern one.
struct GoldenCase {
  std::string name;  // golden file stem
  TestKernel kernel;
  Dialect dialect;
};
std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  for (const TestKernel& k : representative_kernels()) {
    cases.push_back({k.name, k, Dialect::Typed});
    if (k.name == "saxpy" || k.name == "atomics")
      cases.push_back({k.name + "_modern", k, Dialect::Modern});
  }
  return cases;
}

// Names the case in test output (found by ADL in this namespace).
void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.name;
}

class NvvmGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(NvvmGolden, MatchesCheckLines) {
  auto m = build(GetParam().kernel);
  DiagnosticEngine d;
  NvvmOptions options;
  options.dialect = GetParam().dialect;
  if (options.dialect == Dialect::Modern) options.arch = "compute_100";
  Result<std::string> text = emit_nvvm_ir(*m, options, d);
  ASSERT_TRUE(text.ok()) << diags_text(d);
  std::string golden =
      std::string(GPUC_SOURCE_DIR) + "/tests/nvvm/golden/" + GetParam().name + ".ll";
  const char* update = std::getenv("GPUC_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::string checks = "; Golden NVVM IR of the '" + GetParam().name +
                         "' test kernel (tests/nvvm/test_kernels.h).\n"
                         "; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test\n";
    bool first = true;
    size_t pos = 0;
    const std::string& t = text.value();
    while (pos < t.size()) {
      size_t nl = t.find('\n', pos);
      std::string line = t.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? t.size() : nl + 1;
      if (line.empty()) {
        if (!first) checks += "; CHECK-EMPTY:\n";
        continue;
      }
      checks += (first ? "; CHECK: " : "; CHECK-NEXT: ") + check_literal(line) + "\n";
      first = false;
    }
    ASSERT_TRUE(write_file_atomic(golden, checks).ok());
  }
  ASSERT_TRUE(file_exists(golden)) << golden << " is missing; run with GPUC_UPDATE_GOLDEN=1";
  ASSERT_TRUE(file_exists(filecheck_path())) << "FileCheck not found at " << filecheck_path();
  std::string dir = scratch_dir("golden");
  std::string out = dir + "/" + GetParam().name + ".ll";
  ASSERT_TRUE(write_file_atomic(out, text.value()).ok());
  CommandResult r = run_command(filecheck_path() + " --match-full-lines '" + golden +
                                "' --input-file='" + out + "'");
  EXPECT_EQ(r.status, 0) << r.output
                         << "\n(regenerate with GPUC_UPDATE_GOLDEN=1 if the change "
                            "is intended)";
}

INSTANTIATE_TEST_SUITE_P(Kernels, NvvmGolden, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) { return info.param.name; });

// --- libNVVM + ptxas on every kernel --------------------------------------------------------

// libNVVM compiles for compute_75 (the default) and ptxas assembles that PTX for sm_75, sm_80 and
// sm_90; compute_100 is compiled through both dialects and assembled for sm_100.
struct ArchTarget {
  const char* arch;  // libNVVM virtual arch
  Dialect dialect;
  std::vector<const char*> sms;  // ptxas real archs
};
const ArchTarget kTargets[] = {{"compute_75", Dialect::Typed, {"sm_75", "sm_80", "sm_90"}},
                               {"compute_100", Dialect::Typed, {"sm_100"}},
                               {"compute_100", Dialect::Modern, {"sm_100"}}};

// The launch ABI (reflection.h): each kernel is an .entry named as the kernel whose .params are the
// reflection's parameters in order, of the same sizes (the driver copies .param-sized bytes from
// kernelParams[i]) and alignments (packed structs may be byte-aligned in .param space).
void check_param_abi(const std::string& label, const std::string& ptx, const Module& m) {
  for (const ir::KernelReflection& k : ir::reflect(m).kernels) {
    size_t at = ptx.find(".entry " + k.name + "(");
    if (at == std::string::npos) {
      ADD_FAILURE() << label << ": no .entry " << k.name;
      continue;
    }
    size_t end = ptx.find(')', at);
    std::vector<std::pair<uint32_t, uint32_t>> params;  // size, align
    for (size_t p = ptx.find(".param", at); p != std::string::npos && p < end;
         p = ptx.find(".param", p + 1)) {
      std::istringstream line(ptx.substr(p, ptx.find('\n', p) - p));
      std::string tok, type;
      line >> tok >> type;
      uint32_t align = 0;
      if (type == ".align") {
        line >> align >> type >> tok;  // .align A .b8 name[N]
        size_t lb = tok.find('[');
        params.push_back({static_cast<uint32_t>(std::stoul(tok.substr(lb + 1))), align});
        continue;
      }
      uint32_t bits = static_cast<uint32_t>(std::stoul(type.substr(2)));
      params.push_back({bits / 8, bits / 8});
    }
    if (params.size() != k.params.size()) {
      ADD_FAILURE() << label << ": " << k.name << " has " << params.size() << " .params, "
                    << k.params.size() << " in reflection";
      continue;
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const ir::ParamReflection& r = k.params[i];
      EXPECT_EQ(params[i].first, r.size) << label << ": " << k.name << " param " << i;
      bool packed_struct = r.kind == ir::ParamKind::Struct && params[i].second == 1;
      if (!packed_struct)
        EXPECT_EQ(params[i].second, r.align) << label << ": " << k.name << " param " << i;
    }
  }
}

// Shared memory is addressed with 32 bits (data layout p3:32:32:32, as nvcc): no load, store or
// atomic on the .shared state space takes a 64-bit (%rd) address register. Returns the number of
// shared accesses seen.
size_t check_shared_addresses(const std::string& label, const std::string& ptx) {
  std::istringstream in(ptx);
  std::string line;
  size_t accesses = 0;
  while (std::getline(in, line)) {
    size_t at = line.find_first_not_of(" \t");
    if (at == std::string::npos) continue;
    if (line[at] == '@') at = line.find_first_not_of(" \t", line.find_first_of(" \t", at));
    if (at == std::string::npos) continue;
    std::string insn = line.substr(at);
    bool shared = false;
    for (const char* op : {"ld.shared", "st.shared", "atom.shared", "red.shared"})
      shared = shared || insn.rfind(op, 0) == 0;
    if (!shared) continue;
    ++accesses;
    EXPECT_EQ(insn.find("[%rd"), std::string::npos)
        << label << ": shared memory addressed with a 64-bit register: " << insn;
  }
  return accesses;
}

// Compiles each module for every target and assembles the PTX with ptxas (in parallel).
void compile_and_assemble(const std::vector<std::pair<std::string, const Module*>>& modules,
                          const std::string& scratch) {
  std::string ptxas = find_ptxas();
  std::string dir = scratch_dir(scratch);
  std::vector<PtxasJob> jobs;
  for (const auto& [name, m] : modules) {
    for (const ArchTarget& t : kTargets) {
      NvvmOptions o;
      o.arch = t.arch;
      o.dialect = t.dialect;
      DiagnosticEngine d;
      Result<std::string> ptx = compile_to_ptx(*m, o, d);
      std::string label =
          name + " " + t.arch + (t.dialect == Dialect::Modern ? " modern" : " typed");
      if (!ptx.ok()) {
        ADD_FAILURE() << label << ":\n" << diags_text(d);
        continue;
      }
      EXPECT_EQ(d.warning_count(), 0u) << label << ":\n" << diags_text(d);
      std::string file = dir + "/" + name + "." + t.arch +
                         (t.dialect == Dialect::Modern ? ".modern" : "") + ".ptx";
      ASSERT_TRUE(write_file_atomic(file, ptx.value()).ok());
      for (const char* sm : t.sms) jobs.push_back({label, file, sm});
      check_shared_addresses(label, ptx.value());
      if (t.dialect == Dialect::Typed && std::string(t.arch) == "compute_75")
        check_param_abi(label, ptx.value(), *m);
    }
  }
  if (ptxas.empty()) GTEST_SKIP() << "ptxas not found (CUDA toolkit at /usr/local/cuda)";
  for (const std::string& f : run_ptxas(ptxas, jobs)) ADD_FAILURE() << f;
}

TEST(NvvmCompile, RepresentativeKernelsCompileAndAssemble) {
  REQUIRE_LIBNVVM();
  std::vector<std::unique_ptr<Module>> owned;
  std::vector<std::pair<std::string, const Module*>> modules;
  for (const TestKernel& k : representative_kernels()) {
    owned.push_back(build(k));
    modules.push_back({k.name, owned.back().get()});
  }
  compile_and_assemble(modules, "representative");
}

// The corpus: tests/kernels/*.gk (through the frontend) and the .gir inputs of the IR, SPIR-V and
// NVVM tests.
TEST(NvvmCompile, CorpusCompilesAndAssembles) {
  REQUIRE_LIBNVVM();
  std::vector<std::string> files = list_dir(std::string(GPUC_SOURCE_DIR) + "/tests/kernels", ".gk");
  for (const char* dir : {"/tests/nvvm/inputs", "/tests/ir/inputs", "/tests/spirv/inputs"})
    for (const std::string& f : list_dir(std::string(GPUC_SOURCE_DIR) + dir, ".gir"))
      files.push_back(f);
  if (files.empty()) GTEST_SKIP() << "no kernels in tests/kernels or tests/nvvm/inputs yet";
  std::vector<std::unique_ptr<Compilation>> owned;
  std::vector<std::pair<std::string, const Module*>> modules;
  for (const std::string& f : files) {
    CompileOptions o;
    o.target = gpuc::Target::Cuda;
    o.emit = Emit::Ir;
    owned.push_back(std::make_unique<Compilation>(o));
    CompileOutput out = owned.back()->compile_file(f);
    if (!out.ok || !owned.back()->module()) {
      // Reported, and the rest of the corpus still goes through libNVVM and ptxas.
      ADD_FAILURE() << f << " does not compile to IR:\n"
                    << owned.back()->diagnostics().format_all();
      continue;
    }
    std::string base = f.substr(f.find_last_of('/') + 1);
    modules.push_back({base, owned.back()->module()});
  }
  compile_and_assemble(modules, "corpus");
}

// --- PTX shape --------------------------------------------------------------------------------

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(NvvmPtx, SaxpyHasOneFmaAndCoalescedGlobalLoads) {
  REQUIRE_LIBNVVM();
  auto m = build({"saxpy", build_saxpy});
  DiagnosticEngine d;
  Result<std::string> ptx = compile_to_ptx(*m, NvvmOptions{}, d);
  ASSERT_TRUE(ptx.ok()) << diags_text(d);
  const std::string& p = ptx.value();
  EXPECT_EQ(count(p, "fma.rn.f32"), 1u) << p;
  EXPECT_NE(p.find(".visible .entry saxpy("), std::string::npos) << p;
  // x is const __restrict__: read through the non-coherent cache; y with a plain global load.
  EXPECT_EQ(count(p, "ld.global.nc.f32"), 1u) << p;
  EXPECT_EQ(count(p, "ld.global.f32"), 1u) << p;
  EXPECT_EQ(count(p, "st.global.f32"), 1u) << p;
  // Coalesced: the address is base + 4 * (ctaid.x * ntid.x + tid.x), the global thread id.
  EXPECT_NE(p.find("%ctaid.x"), std::string::npos) << p;
  EXPECT_NE(p.find("%ntid.x"), std::string::npos) << p;
  EXPECT_NE(p.find("%tid.x"), std::string::npos) << p;
  EXPECT_EQ(count(p, "mad.lo.s32"), 1u) << p;
  EXPECT_EQ(count(p, "mul.wide.s32"), 1u) << p;
  // No local memory, no calls.
  EXPECT_EQ(p.find(".local"), std::string::npos) << p;
  EXPECT_EQ(p.find("call"), std::string::npos) << p;
}

TEST(NvvmPtx, ReduceUsesSharedMemoryBarriersAndReqntid) {
  REQUIRE_LIBNVVM();
  auto m = build({"reduce", build_reduce});
  DiagnosticEngine d;
  Result<std::string> ptx = compile_to_ptx(*m, NvvmOptions{}, d);
  ASSERT_TRUE(ptx.ok()) << diags_text(d);
  EXPECT_NE(ptx.value().find(".reqntid 256, 1, 1"), std::string::npos) << ptx.value();
  EXPECT_NE(ptx.value().find(".shared .align 4 .b8 partial[1024]"), std::string::npos)
      << ptx.value();
  EXPECT_GE(count(ptx.value(), "bar.sync"), 2u) << ptx.value();
}

TEST(NvvmPtx, AtomicsMapToPtxAtomics) {
  REQUIRE_LIBNVVM();
  auto m = build({"atomics", build_atomics});
  DiagnosticEngine d;
  Result<std::string> ptx = compile_to_ptx(*m, NvvmOptions{}, d);
  ASSERT_TRUE(ptx.ok()) << diags_text(d);
  const std::string& p = ptx.value();
  for (const char* a :
       {"atom.global.add.f32", "atom.global.add.f64", "atom.global.inc.u32", "atom.global.cas.b32",
        "atom.global.cas.b64", "atom.shared.add.u32", "atom.global.exch.b32", "atom.global.min.s32",
        "atom.global.min.u32", "membar.gl", ".maxntid 128, 1, 1"})
    EXPECT_NE(p.find(a), std::string::npos) << a << "\n" << p;
}

// A kernel whose shared accesses come through every path of the writer (pointer locals, structs
// and arrays holding shared pointers, device functions, vec3/vec4 elements, atomics, indices of
// every width) addresses them all with 32-bit registers; shared pointers kept in memory take the
// 8 bytes of the C layout.
TEST(NvvmPtx, SharedMemoryUses32BitAddresses) {
  REQUIRE_LIBNVVM();
  CompileOptions co;
  co.target = gpuc::Target::Cuda;
  co.emit = Emit::Ir;
  co.opt_level = 0;  // gpuc's inliner leaves @pick a call
  Compilation c(co);
  CompileOutput out =
      c.compile_file(std::string(GPUC_SOURCE_DIR) + "/tests/nvvm/inputs/shared_pointers.gir");
  ASSERT_TRUE(out.ok && c.module()) << c.diagnostics().format_all();
  DiagnosticEngine d;
  Result<std::string> ir = emit_nvvm_ir(*c.module(), NvvmOptions{}, d);
  ASSERT_TRUE(ir.ok()) << diags_text(d);
  const std::string& t = ir.value();
  EXPECT_NE(t.find("-p3:32:32:32-"), std::string::npos) << t;
  // In memory a shared pointer is an i64 (C layout); as a value a 32-bit addrspace(3) pointer.
  EXPECT_NE(t.find("%struct.Ref = type { i64, i32 }"), std::string::npos) << t;
  EXPECT_NE(t.find("alloca [2 x i64], align 8"), std::string::npos) << t;
  EXPECT_NE(t.find("ptrtoint float addrspace(3)* "), std::string::npos) << t;
  EXPECT_NE(t.find("inttoptr i64 "), std::string::npos) << t;
  // Every getelementptr into shared memory has i32 indices; an i64 index is truncated.
  EXPECT_EQ(t.find("addrspace(3)* @tile, i64"), std::string::npos) << t;
  EXPECT_NE(t.find("addrspace(3)* @tile, i32 0, i32 %t"), std::string::npos) << t;
  EXPECT_NE(t.find("trunc i64 "), std::string::npos) << t;
  // At libNVVM's -O0 the call of @pick stays a call: its shared-pointer parameters and result
  // cross the .func boundary as 32-bit integers, which ptxas must accept (see abi_type).
  EXPECT_NE(t.find("define internal i32 @pick(i1 %p0, i32 %p1, i32 %p2)"), std::string::npos) << t;
  std::string ptxas = find_ptxas();
  std::string dir = scratch_dir("shared_pointers");
  std::vector<PtxasJob> jobs;
  for (int opt : {0, 2}) {
    for (const char* arch : {"compute_75", "compute_90"}) {
      NvvmOptions o;
      o.arch = arch;
      o.opt_level = opt;
      Result<std::string> ptx = compile_to_ptx(*c.module(), o, d);
      ASSERT_TRUE(ptx.ok()) << diags_text(d);
      std::string label = std::string(arch) + " -O" + std::to_string(opt);
      EXPECT_GE(check_shared_addresses(label, ptx.value()), 15u) << ptx.value();
      for (const char* a : {"atom.shared.add.u32", "atom.shared.cas.b32", "atom.shared.inc.u32",
                            "atom.shared.add.f32", "atom.shared.exch.b32", "ld.shared.v4.f32"})
        EXPECT_NE(ptx.value().find(a), std::string::npos) << label << ": " << a << "\n"
                                                          << ptx.value();
      EXPECT_EQ(ptx.value().find("call.uni") != std::string::npos, opt == 0) << label;
      std::string file = dir + "/" + arch + ".O" + std::to_string(opt) + ".ptx";
      ASSERT_TRUE(write_file_atomic(file, ptx.value()).ok());
      jobs.push_back({label, file, std::string("sm_") + (arch + 8)});
    }
  }
  if (ptxas.empty()) GTEST_SKIP() << "ptxas not found (CUDA toolkit at /usr/local/cuda)";
  for (const std::string& f : run_ptxas(ptxas, jobs)) ADD_FAILURE() << f;
}

// The special registers carry their PTX ISA bounds (!range), %tid those of the kernel's block:
// libNVVM folds comparisons that the bounds decide. %ntid has none (see the writer).
TEST(NvvmPtx, SpecialRegisterRanges) {
  REQUIRE_LIBNVVM();
  auto build_probe = [](Module& m, uint32_t max_threads, uint32_t limit) {
    Builder b(m);
    TypeTable& t = m.types;
    Function& k = b.create_kernel("probe");
    k.max_block_threads = max_threads;
    ValueId out = b.add_param("out", gptr(t, t.u32()));
    ValueId tid = b.create_gpu_id(Op::ThreadIdX);
    ValueId below = b.create_compare(Op::Lt, tid, b.create_const_int(t.u32(), limit));
    ValueId v =
        b.create_select(below, b.create_const_int(t.u32(), 7), b.create_const_int(t.u32(), 9));
    b.create_store(b.create_index(out, b.create_const_int(t.u32(), 0)), v);
  };
  struct Case {
    uint32_t max_threads, limit;
    bool folds;
  };
  for (Case cs :
       {Case{0, 1024, true}, Case{0, 512, false}, Case{128, 128, true}, Case{128, 64, false}}) {
    Module m;
    build_probe(m, cs.max_threads, cs.limit);
    DiagnosticEngine d;
    Result<std::string> ptx = compile_to_ptx(m, NvvmOptions{}, d);
    ASSERT_TRUE(ptx.ok()) << diags_text(d);
    std::string label =
        "launch bounds " + std::to_string(cs.max_threads) + ", tid.x < " + std::to_string(cs.limit);
    // Folded: the store writes the constant 7 and %tid.x is never read.
    EXPECT_EQ(ptx.value().find("%tid.x") == std::string::npos, cs.folds) << label << ptx.value();
  }
}

// The benchmark kernels read their block and thread ids in nvcc -O3's PTX order (CUDA 13.0,
// sm_90), whatever their source order: ptxas schedules the reads that start every thread by it,
// and gpuc's source order made other SASS and cost stencil_5pt and prefix_scan about 1% on an
// H100 (bench/NOTES.md). The order is libNVVM's scheduler's, given the IR's (hoist_launch_ids),
// so this also tells when a new toolkit schedules them differently.
TEST(NvvmPtx, LaunchIdsAreReadInNvccsOrder) {
  REQUIRE_LIBNVVM();
  auto reads = [](const std::string& ptx) {
    std::string out;
    // "mov.u32 %rN, %ctaid.x;": the special registers, in order.
    for (size_t at = ptx.find("mov.u32"); at != std::string::npos;
         at = ptx.find("mov.u32", at + 1)) {
      std::string line = ptx.substr(at, ptx.find('\n', at) - at);
      size_t comma = line.find(", %"), semi = line.find(';');
      if (comma == std::string::npos || semi == std::string::npos) continue;
      std::string r = line.substr(comma + 2, semi - comma - 2);
      if (r.rfind("%r", 0) != 0) out += (out.empty() ? "" : " ") + r;
    }
    return out;
  };
  const std::pair<const char*, const char*> kernels[] = {
      {"stencil_5pt", "%ntid.x %ctaid.x %tid.x %ntid.y %ctaid.y %tid.y"},
      {"prefix_scan", "%ctaid.x %tid.x"},
      {"reduce_shared", "%ntid.x %ctaid.x %tid.x"},
      {"nbody_step", "%ntid.x %ctaid.x %tid.x"},
      {"sgemm_tiled", "%ctaid.y %tid.y %ctaid.x %tid.x"},
      {"histogram", "%tid.x %ntid.x %ntid.x %ctaid.x %nctaid.x"},
  };
  for (const auto& [name, nvcc_order] : kernels) {
    CompileOptions co;
    co.target = gpuc::Target::Cuda;
    co.arch = "compute_90";
    Compilation c(co);
    CompileOutput out =
        c.compile_file(std::string(GPUC_SOURCE_DIR) + "/bench/kernels/" + name + ".gk");
    ASSERT_TRUE(out.ok) << name << ": " << c.diagnostics().format_all();
    EXPECT_EQ(reads(out.data), nvcc_order) << name << "\n" << out.data;
  }
}

// vec2/vec4 values that are only copied move as CUDA's structs (struct_copies.h): a conditional's
// float4 through a struct alloca, loads whose only uses are stores as struct loads and stores;
// a float4 used in arithmetic stays a vector.
TEST(NvvmIr, Float4CopiesAreStructCopies) {
  const char* source = R"(
extern "C" __global__ void copy4(const float4* in, float4* out, float2* out2, int n) {
  __shared__ float4 tile[64];
  int i = threadIdx.x;
  tile[i] = i < n ? in[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
  __syncthreads();
  out[i] = tile[63 - i];
  float4 w = in[i + 64];
  out[i + 64] = make_float4(w.x + 1.0f, w.y, w.z, w.w);
  out2[i] = make_float2(w.x, w.y);
}
)";
  CompileOptions co;
  co.target = gpuc::Target::Cuda;
  co.emit = Emit::Nvvm;
  Compilation c(co);
  CompileOutput out = c.compile_source("copy4.gk", source);
  ASSERT_TRUE(out.ok) << c.diagnostics().format_all();
  const std::string& ir = out.data;
  const std::string s4 = "{ float, float, float, float }";
  EXPECT_NE(ir.find("alloca " + s4 + ", align 16"), std::string::npos) << ir;
  EXPECT_NE(ir.find("load " + s4 + ", " + s4 + " addrspace(1)* "), std::string::npos) << ir;
  EXPECT_NE(ir.find("load " + s4 + ", " + s4 + " addrspace(3)* "), std::string::npos) << ir;
  EXPECT_NE(ir.find("store " + s4 + " "), std::string::npos) << ir;
  // in[i + 64] feeds arithmetic: a vector load; the float2 built from it is no copy either.
  EXPECT_NE(ir.find("load <4 x float>, <4 x float> addrspace(1)* "), std::string::npos) << ir;
  EXPECT_EQ(ir.find("{ float, float }"), std::string::npos) << ir;
}

// nbody_step's tile store `tile[threadIdx.x] = j < n ? pos[j] : make_float4(0...)` computes its
// address inside the tile loop, as nvcc's PTX does: libNVVM splits the struct store late, after
// LICM (struct_copies.h). With the address hoisted ptxas allocated 32 registers, not nvcc's 31,
// and the kernel ran 1.1% slower on the H100. Like LaunchIdsAreReadInNvccsOrder, this pins one
// toolkit's behaviour and fails if a new libNVVM hoists the address again.
TEST(NvvmPtx, TileStoreAddressIsComputedInItsBlockAsNvccs) {
  REQUIRE_LIBNVVM();
  CompileOptions co;
  co.target = gpuc::Target::Cuda;
  co.arch = "compute_90";
  Compilation c(co);
  CompileOutput out = c.compile_file(std::string(GPUC_SOURCE_DIR) + "/bench/kernels/nbody_step.gk");
  ASSERT_TRUE(out.ok) << c.diagnostics().format_all();
  const std::string& ptx = out.data;
  size_t store = ptx.find("st.shared.v4.f32");
  ASSERT_NE(store, std::string::npos) << ptx;
  size_t open = ptx.find('[', store), close = ptx.find(']', store);
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos) << ptx;
  std::string address = ptx.substr(open + 1, close - open - 1);  // "%r28"
  size_t label = ptx.rfind("$L__BB", store);
  ASSERT_NE(label, std::string::npos) << ptx;
  std::string block = ptx.substr(label, store - label);
  EXPECT_NE(block.find("add.s32 \t" + address + ","), std::string::npos)
      << "the tile store's address " << address << " is not computed in the store's block:\n"
      << ptx;
}

// sin and cos of one value in one region share one libdevice __nv_sincosf/__nv_sincos call (one
// argument reduction, as nvcc's sincosf); a lone sin, a pair on different values or in different
// regions, and vectors keep the separate functions.
TEST(NvvmPtx, SinAndCosOfOneValueShareOneSincos) {
  REQUIRE_LIBNVVM();
  Module m;
  {
    Builder b(m);
    TypeTable& t = m.types;
    b.create_kernel("trig");
    ValueId f = b.add_param("f", gptr(t, t.f32()));
    ValueId d = b.add_param("d", gptr(t, t.f64()));
    ValueId i = b.create_gpu_id(Op::ThreadIdX);
    ValueId fp = b.create_index(f, i);
    ValueId dp = b.create_index(d, i);
    ValueId x = b.create_load(fp);
    ValueId y = b.create_binary(Op::Add, x, b.create_const_float(t.f32(), 1.0));
    ValueId acc = b.create_binary(Op::Add, b.create_unary(Op::Sin, x), b.create_unary(Op::Cos, x));
    acc = b.create_binary(Op::Add, acc, b.create_unary(Op::Sin, y));  // cos(y) is in the `if`
    b.create_if(b.create_compare(Op::Lt, y, x),
                [&] { b.create_store(fp, b.create_unary(Op::Cos, y)); });
    ValueId z = b.create_load(dp);
    ValueId dacc = b.create_binary(Op::Mul, b.create_unary(Op::Cos, z), b.create_unary(Op::Sin, z));
    b.create_store(dp, dacc);
    ValueId v2 = b.create_construct(t.vector_type(t.f32(), 2), std::vector<ValueId>{x, y});
    ValueId vs = b.create_binary(Op::Add, b.create_unary(Op::Sin, v2), b.create_unary(Op::Cos, v2));
    acc = b.create_binary(Op::Add, acc, b.create_extract(vs, 1));
    b.create_store(b.create_index(f, b.create_const_int(t.u32(), 0)), acc);
  }
  DiagnosticEngine diags;
  ASSERT_TRUE(ir::verify(m, diags)) << diags_text(diags) << ir::print_module(m);
  Result<std::string> ir = emit_nvvm_ir(m, NvvmOptions{}, diags);
  ASSERT_TRUE(ir.ok()) << diags_text(diags);
  const std::string& t = ir.value();
  EXPECT_EQ(count(t, "call void @__nv_sincosf("), 1u) << t;  // sin(x), cos(x)
  EXPECT_EQ(count(t, "call void @__nv_sincos("), 1u) << t;   // cos(z), sin(z): f64, cos first
  EXPECT_EQ(count(t, "call float @__nv_sinf("), 3u) << t;    // sin(y), the two vector lanes
  EXPECT_EQ(count(t, "call float @__nv_cosf("), 3u) << t;    // cos(y) in the `if`, two lanes
  Result<std::string> ptx = compile_to_ptx(m, NvvmOptions{}, diags);
  ASSERT_TRUE(ptx.ok()) << diags_text(diags);
  std::string ptxas = find_ptxas();
  if (ptxas.empty()) GTEST_SKIP() << "ptxas not found (CUDA toolkit at /usr/local/cuda)";
  std::string file = scratch_dir("trig") + "/trig.ptx";
  ASSERT_TRUE(write_file_atomic(file, ptx.value()).ok());
  for (const std::string& f : run_ptxas(ptxas, {{"trig", file, "sm_75"}})) ADD_FAILURE() << f;
}

TEST(NvvmPtx, FastMathChangesCodegen) {
  REQUIRE_LIBNVVM();
  auto m = build({"saxpy", build_saxpy});
  NvvmOptions precise, fast;
  fast.fast_math = true;
  DiagnosticEngine d;
  Result<std::string> a = compile_to_ptx(*m, precise, d);
  Result<std::string> b = compile_to_ptx(*m, fast, d);
  ASSERT_TRUE(a.ok() && b.ok()) << diags_text(d);
  EXPECT_EQ(count(a.value(), "fma.rn.f32"), 1u) << a.value();
  EXPECT_EQ(count(b.value(), "fma.rn.ftz.f32"), 1u) << b.value();
  // An explicit -ftz=false wins over the bundle; -fma=false stops the contraction.
  fast.ftz = false;
  fast.fma = false;
  Result<std::string> c = compile_to_ptx(*m, fast, d);
  ASSERT_TRUE(c.ok()) << diags_text(d);
  EXPECT_EQ(count(c.value(), "fma.rn"), 0u) << c.value();
  EXPECT_EQ(count(c.value(), "mul.rn.f32"), 1u) << c.value();
  EXPECT_EQ(c.value().find(".ftz"), std::string::npos) << c.value();
}

TEST(NvvmPtx, OptLevelReachesLibnvvm) {
  REQUIRE_LIBNVVM();
  auto m = build({"reduce", build_reduce});
  NvvmOptions o0, o2;
  o0.opt_level = 0;
  o2.opt_level = 2;
  DiagnosticEngine d;
  Result<std::string> a = compile_to_ptx(*m, o0, d);
  Result<std::string> b = compile_to_ptx(*m, o2, d);
  ASSERT_TRUE(a.ok() && b.ok()) << diags_text(d);
  // -opt=2 unrolls the halving loop (the block size is fixed at 256); -opt=0 keeps it.
  EXPECT_NE(a.value(), b.value());
  EXPECT_LT(count(a.value(), "bar.sync"), count(b.value(), "bar.sync")) << a.value() << b.value();
}

// --- options and errors ------------------------------------------------------------------------

TEST(NvvmOptionsTest, ModernDialectNeedsCompute100) {
  auto m = build({"saxpy", build_saxpy});
  NvvmOptions o;
  o.dialect = Dialect::Modern;
  o.arch = "sm_90";
  DiagnosticEngine d;
  EXPECT_FALSE(emit_nvvm_ir(*m, o, d).ok());
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_NE(d.diagnostics()[0].message.find("--nvvm-dialect=modern needs --arch=compute_100"),
            std::string::npos)
      << diags_text(d);
  o.arch = "compute_100";
  DiagnosticEngine d2;
  Result<std::string> text = emit_nvvm_ir(*m, o, d2);
  ASSERT_TRUE(text.ok()) << diags_text(d2);
  EXPECT_NE(text.value().find("ptr addrspace(1) noalias readonly %p2"), std::string::npos)
      << text.value();
}

TEST(NvvmOptionsTest, ParsesArchitectures) {
  EXPECT_EQ(parse_arch("").value().compute_name(), "compute_75");
  EXPECT_EQ(parse_arch("sm_80").value().compute_name(), "compute_80");
  EXPECT_TRUE(parse_arch("sm_80").value().is_sm);
  EXPECT_EQ(parse_arch("compute_90a").value().compute_name(), "compute_90a");
  EXPECT_EQ(parse_arch("sm_100f").value().sm_name(), "sm_100f");
  for (const char* bad : {"sm80", "sm_", "compute_9x", "gfx90a", "sm_70"})
    EXPECT_FALSE(parse_arch(bad).ok()) << bad;
}

TEST(NvvmOptionsTest, CubinNeedsRealArch) {
  DiagnosticEngine d;
  NvvmOptions o;
  o.arch = "compute_80";
  EXPECT_FALSE(link_ptx_to_cubin("", o, d).ok());
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_NE(d.diagnostics()[0].message.find("--arch=sm_XX"), std::string::npos) << diags_text(d);
}

TEST(NvvmOptionsTest, LibnvvmVerifierErrorIsAnInternalCompilerError) {
  REQUIRE_LIBNVVM();
  NvvmModule broken;
  broken.text = "target triple = \"nvptx64-nvidia-cuda\"\ndefine void @k() {\n  ret i32 0\n}\n";
  DiagnosticEngine d;
  EXPECT_FALSE(compile_nvvm_to_ptx(broken, NvvmOptions{}, d).ok());
  ASSERT_EQ(d.error_count(), 1u) << diags_text(d);
  const std::string& msg = d.diagnostics()[0].message;
  EXPECT_EQ(msg.rfind("internal compiler error: libNVVM's verifier rejected", 0), 0u) << msg;
  EXPECT_NE(msg.find("--emit=nvvm"), std::string::npos) << msg;
}

// The gpuc tool end to end: nvcc-style option spellings reach libNVVM.
TEST(NvvmCli, EmitsPtxNvvmAndCubinWithOptions) {
  REQUIRE_LIBNVVM();
  std::string gpuc = std::string(GPUC_BINARY_DIR) + "/bin/gpuc";
  ASSERT_TRUE(file_exists(gpuc)) << gpuc;
  std::string dir = scratch_dir("cli");
  std::string src = dir + "/saxpy.gir";
  {
    auto m = build({"saxpy", build_saxpy});
    ASSERT_TRUE(write_file_atomic(src, ir::print_module(*m)).ok());
  }
  CommandResult ptx = run_command(gpuc + " --target=cuda '" + src + "' -o -");
  ASSERT_EQ(ptx.status, 0) << ptx.output;
  EXPECT_NE(ptx.output.find(".target sm_75"), std::string::npos) << ptx.output;
  EXPECT_EQ(count(ptx.output, "fma.rn.f32"), 1u) << ptx.output;
  CommandResult fast = run_command(
      gpuc + " --target=cuda -ftz=true -fma=false --arch=compute_90 '" + src + "' -o -");
  ASSERT_EQ(fast.status, 0) << fast.output;
  EXPECT_NE(fast.output.find(".target sm_90"), std::string::npos) << fast.output;
  EXPECT_EQ(count(fast.output, "mul.rn.ftz.f32"), 1u) << fast.output;
  CommandResult nvvm = run_command(gpuc + " --target=cuda --emit=nvvm '" + src + "'");
  ASSERT_EQ(nvvm.status, 0) << nvvm.output;
  EXPECT_NE(nvvm.output.find("!\"kernel\", i32 1}"), std::string::npos) << nvvm.output;
  CommandResult modern =
      run_command(gpuc + " --target=cuda --nvvm-dialect=modern '" + src + "' -o -");
  EXPECT_EQ(modern.status, 1);
  EXPECT_NE(modern.output.find("needs --arch=compute_100"), std::string::npos) << modern.output;
  if (find_nvjitlink().ok()) {
    std::string cubin = dir + "/saxpy.cubin";
    CommandResult c = run_command(gpuc + " --target=cuda --emit=cubin --arch=sm_90 '" + src +
                                  "' -o '" + cubin + "'");
    ASSERT_EQ(c.status, 0) << c.output;
    Result<std::string> bytes = read_file(cubin);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes.value().substr(0, 4),
              "\x7f"
              "ELF");
    CommandResult bad =
        run_command(gpuc + " --target=cuda --emit=cubin '" + src + "' -o '" + cubin + "2'");
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.output.find("--arch=sm_XX"), std::string::npos) << bad.output;
    EXPECT_FALSE(file_exists(cubin + "2"));
  }
}

TEST(NvvmLibraries, MissingLibrariesAreClearErrors) {
  detail::LibSpec spec = detail::libnvvm_spec();
  spec.roots = {"/nonexistent/cuda"};
  spec.use_loader_path = false;
  Result<detail::CudaLibApi> lib = detail::open_library(spec);
  ASSERT_FALSE(lib.ok());
  const std::string& msg = lib.error().message;
  EXPECT_EQ(msg.rfind("cannot load libNVVM (libnvvm.so); looked in /nonexistent/cuda/nvvm/lib64, "
                      "/nonexistent/cuda/lib64, /nonexistent/cuda/lib.",
                      0),
            0u)
      << msg;
  EXPECT_NE(msg.find("/usr/local/cuda"), std::string::npos) << msg;
  Result<std::string> libdevice = detail::find_libdevice_in({"/nonexistent/cuda"});
  ASSERT_FALSE(libdevice.ok());
  EXPECT_NE(libdevice.error().message.find("libdevice.10.bc"), std::string::npos);
  EXPECT_NE(libdevice.error().message.find("/usr/local/cuda"), std::string::npos);
}

TEST(NvvmLibraries, FoundUnderCudaRoots) {
  REQUIRE_LIBNVVM();
  // The search order puts $CUDA_HOME, $CUDA_PATH first and /usr/local/cuda last.
  EXPECT_EQ(detail::cuda_roots().back(), "/usr/local/cuda");
  Result<std::string> v = libnvvm_version();
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_NE(v.value().find('.'), std::string::npos);
  EXPECT_NE(find_libdevice().value().find("nvvm/libdevice/libdevice.10.bc"), std::string::npos);
}

TEST(NvvmCubin, SaxpyLinksForSm80) {
  REQUIRE_LIBNVVM();
  if (!find_nvjitlink().ok()) GTEST_SKIP() << find_nvjitlink().error().message;
  auto m = build({"saxpy", build_saxpy});
  NvvmOptions o;
  o.arch = "sm_80";
  DiagnosticEngine d;
  Result<std::string> cubin = compile_to_cubin(*m, o, d);
  ASSERT_TRUE(cubin.ok()) << diags_text(d);
  ASSERT_GT(cubin.value().size(), 64u);
  EXPECT_EQ(cubin.value().substr(0, 4),
            "\x7f"
            "ELF");
}

TEST(NvvmReflection, ArtifactCarriesIrReflection) {
  REQUIRE_LIBNVVM();
  auto m = build({"aggregates", build_aggregates});
  DiagnosticEngine d;
  Result<CudaArtifact> a = compile(*m, NvvmOptions{}, d);
  ASSERT_TRUE(a.ok()) << diags_text(d);
  EXPECT_EQ(ir::reflection_to_json(a.value().reflection), ir::reflection_to_json(ir::reflect(*m)));
  ASSERT_EQ(a.value().reflection.kernels.size(), 1u);
  // The kernel's .entry has its parameters in reflection order with matching sizes.
  const ir::KernelReflection& k = a.value().reflection.kernels[0];
  EXPECT_NE(a.value().ptx.find(".visible .entry " + k.name + "("), std::string::npos);
  // float3 by value: the C layout of the launch ABI (size 12, align 4).
  ASSERT_EQ(k.params.size(), 4u);
  EXPECT_EQ(k.params[2].size, 12u);
  EXPECT_EQ(k.params[2].align, 4u);
  EXPECT_NE(a.value().ptx.find(".param .align 4 .b8 aggregates_param_2[12]"), std::string::npos)
      << a.value().ptx;
}

}  // namespace
}  // namespace gpuc::nvvm::testing
