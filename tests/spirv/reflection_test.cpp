// For every corpus kernel, the push-constant block in the generated SPIR-V (read back from the
// words) has exactly the reflection's parameter offsets (the launch ABI), directly or, over
// kMaxPushConstantParamBytes, through the parameter-buffer address at Offset 0.
#include <gtest/gtest.h>

#include <spirv/unified1/spirv.hpp11>

#include "gpuc/spirv/spirv_backend.h"
#include "spirv_test_util.h"

namespace gpuc::spirv::test {
namespace {

struct ModuleInfo {
  std::map<std::string, std::vector<uint32_t>> entry_interface;  // kernel -> interface ids
  std::map<uint32_t, uint32_t> var_type, var_class;              // variable -> ptr type, class
  std::map<uint32_t, std::pair<uint32_t, uint32_t>> pointer;     // ptr type -> (class, pointee)
  std::map<uint32_t, std::vector<uint32_t>> struct_members;
  std::map<uint32_t, std::map<uint32_t, uint32_t>> offsets;  // struct -> member -> Offset
  std::set<uint32_t> blocks;
};

ModuleInfo read_module(const std::vector<uint32_t>& words) {
  ModuleInfo m;
  for (const SpvInst& i : parse_words(words)) {
    auto op = static_cast<spv::Op>(i.opcode);
    const std::vector<uint32_t>& o = i.operands;
    if (op == spv::Op::OpEntryPoint) {
      std::string name = decode_string(o, 2);
      size_t first = 2 + name.size() / 4 + 1;
      m.entry_interface[name].assign(o.begin() + first, o.end());
    } else if (op == spv::Op::OpVariable) {
      m.var_type[o[1]] = o[0];
      m.var_class[o[1]] = o[2];
    } else if (op == spv::Op::OpTypePointer) {
      m.pointer[o[0]] = {o[1], o[2]};
    } else if (op == spv::Op::OpTypeStruct) {
      m.struct_members[o[0]].assign(o.begin() + 1, o.end());
    } else if (op == spv::Op::OpMemberDecorate &&
               o[2] == static_cast<uint32_t>(spv::Decoration::Offset)) {
      m.offsets[o[0]][o[1]] = o[3];
    } else if (op == spv::Op::OpDecorate && o[1] == static_cast<uint32_t>(spv::Decoration::Block)) {
      m.blocks.insert(o[0]);
    }
  }
  return m;
}

// `optimised`: the optimizer may drop the whole block of a kernel that reads no parameter (the
// runtime's push-constant range then goes unused, which Vulkan allows); it never re-lays it out.
void check_kernel(const ModuleInfo& m, const ir::KernelReflection& k, bool optimised) {
  SCOPED_TRACE("kernel " + k.name);
  auto ep = m.entry_interface.find(k.name);
  ASSERT_NE(ep, m.entry_interface.end()) << "no OpEntryPoint";
  uint32_t pc_var = 0;
  for (uint32_t id : ep->second)
    if (m.var_class.count(id) &&
        m.var_class.at(id) == static_cast<uint32_t>(spv::StorageClass::PushConstant)) {
      EXPECT_EQ(pc_var, 0u) << "two push-constant variables";
      pc_var = id;
    }
  if (k.params.empty()) {
    EXPECT_EQ(pc_var, 0u);
    return;
  }
  if (optimised && pc_var == 0) return;
  ASSERT_NE(pc_var, 0u) << "no push-constant variable in the interface";
  uint32_t block = m.pointer.at(m.var_type.at(pc_var)).second;
  EXPECT_TRUE(m.blocks.count(block));
  if (k.params_indirect()) {
    ASSERT_EQ(m.struct_members.at(block).size(), 1u);
    EXPECT_EQ(m.offsets.at(block).at(0), 0u);
    auto [sc, pointee] = m.pointer.at(m.struct_members.at(block)[0]);
    EXPECT_EQ(sc, static_cast<uint32_t>(spv::StorageClass::PhysicalStorageBuffer));
    block = pointee;
  }
  ASSERT_EQ(m.struct_members.at(block).size(), k.params.size());
  for (uint32_t i = 0; i < k.params.size(); ++i)
    EXPECT_EQ(m.offsets.at(block).at(i), k.params[i].offset) << "parameter " << k.params[i].name;
}

class PushConstants : public ::testing::TestWithParam<fs::path> {};

TEST_P(PushConstants, OffsetsEqualReflection) {
  if (!targets_vulkan(GetParam()) || !expected_errors(GetParam()).empty())
    GTEST_SKIP() << "not compiled for vulkan";
  Loaded l = load(GetParam());
  ASSERT_TRUE(l.module) << l.errors;
  for (int opt : {0, 2}) {
    SCOPED_TRACE("-O" + std::to_string(opt));
    SpirvOptions options;
    options.opt_level = opt;
    DiagnosticEngine diags(&l.compilation->sources());
    Result<SpirvArtifact> r = compile_module(*l.module, options, diags);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ModuleInfo m = read_module(r.value().words);
    ASSERT_FALSE(r.value().reflection.kernels.empty() && !m.entry_interface.empty());
    EXPECT_EQ(m.entry_interface.size(), r.value().reflection.kernels.size());
    for (const ir::KernelReflection& k : r.value().reflection.kernels) check_kernel(m, k, opt > 0);
  }
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string s = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(SpirvBackend, PushConstants, ::testing::ValuesIn(corpus()), test_name);

}  // namespace
}  // namespace gpuc::spirv::test
