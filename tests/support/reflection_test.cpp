// Tests of kernel reflection: the parameter block layout and the JSON round trip.
#include "gpuc/ir/reflection.h"

#include <gtest/gtest.h>

#include "gpuc/ir/builder.h"

namespace gpuc::ir {
namespace {

TEST(Reflection, ParameterBlockFollowsCAlignment) {
  Module m;
  Builder b(m);
  TypeTable& t = m.types;
  TypeId s = t.struct_type("P", {{"pos", t.vector_type(t.f32(), 3)}, {"mass", t.f64()}});
  Function& k = b.create_kernel("k");
  k.fixed_block = {64, 2, 1};
  b.add_param("c", t.int_type(8, true));
  b.add_param("p", t.pointer_type(t.f32(), AddressSpace::Global), true, true);
  b.add_param("v", t.vector_type(t.f32(), 4));
  b.add_param("s", s);
  b.add_param("n", t.u32());
  uint32_t tile = b.create_shared("tile", t.array_type(t.f32(), 256));
  b.create_global_addr(tile);
  b.create_shuffle(Op::ShflXor, b.create_const_float(t.f64(), 1.0), b.create_gpu_id(Op::LaneId));
  b.create_return();
  ModuleReflection r = reflect(m);
  ASSERT_EQ(r.kernels.size(), 1u);
  const KernelReflection& kr = r.kernels[0];
  ASSERT_EQ(kr.params.size(), 5u);
  EXPECT_EQ(kr.params[0].offset, 0u);
  EXPECT_EQ(kr.params[1].offset, 8u);
  EXPECT_EQ(kr.params[1].kind, ParamKind::Pointer);
  EXPECT_TRUE(kr.params[1].readonly);
  EXPECT_TRUE(kr.params[1].restrict);
  EXPECT_EQ(kr.params[2].offset, 16u);  // float4: 16-byte aligned
  EXPECT_EQ(kr.params[2].size, 16u);
  EXPECT_EQ(kr.params[3].offset, 32u);  // struct {float3 @0, double @16}: align 8, size 24
  EXPECT_EQ(kr.params[3].size, 24u);
  EXPECT_EQ(kr.params[4].offset, 56u);
  EXPECT_EQ(kr.param_block_size, 64u);
  EXPECT_FALSE(kr.params_indirect());
  EXPECT_EQ(kr.static_shared_bytes, 1024u);
  EXPECT_TRUE(kr.uses_subgroups);
  EXPECT_TRUE(kr.uses_fp64);
  EXPECT_EQ(kr.fixed_block[0], 64u);

  std::string json = reflection_to_json(r);
  ModuleReflection back;
  std::string error;
  ASSERT_TRUE(reflection_from_json(json, &back, &error)) << error;
  EXPECT_EQ(reflection_to_json(back), json);
}

TEST(Reflection, MalformedJsonIsAnError) {
  ModuleReflection r;
  std::string error;
  EXPECT_FALSE(reflection_from_json("{", &r, &error));
  EXPECT_NE(error.find("malformed reflection JSON"), std::string::npos);
  EXPECT_FALSE(reflection_from_json("{\"format\":\"other\"}", &r, &error));
  // Version 2 marks bounds-checked kernels (--bounds-check); 3 is unknown.
  EXPECT_FALSE(reflection_from_json("{\"format\":\"gpuc-reflection\",\"version\":3,\"kernels\":[]}",
                                    &r, &error));
  EXPECT_EQ(error, "unsupported reflection version 3 (this gpuc reads 1 and 2)");
}

TEST(Reflection, LargeParameterBlocksGoIndirect) {
  Module m;
  Builder b(m);
  b.create_kernel("big");
  for (int i = 0; i < 20; ++i)
    b.add_param("p" + std::to_string(i), m.types.pointer_type(m.types.f32(), AddressSpace::Global));
  b.create_return();
  ModuleReflection r = reflect(m);
  EXPECT_EQ(r.kernels[0].param_block_size, 160u);
  EXPECT_TRUE(r.kernels[0].params_indirect());
}

}  // namespace
}  // namespace gpuc::ir
