#version 460
// reduce_sum(const float* in, float* partial, uint n): per block, the sum of its elements, through
// a subgroup add and a shared-memory pass over the subgroups' sums.
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#include "common.glsl"
layout(push_constant, scalar) uniform Params { Floats in_; Floats partial; uint n; } p;
shared float sums[128];
void main() {
  uint i = gl_GlobalInvocationID.x;
  float v = i < p.n ? p.in_.v[i] : 0.0;
  float s = subgroupAdd(v);
  if (subgroupElect()) sums[gl_SubgroupID] = s;
  barrier();
  if (gl_LocalInvocationIndex == 0) {
    float total = 0.0;
    for (uint k = 0; k < gl_NumSubgroups; ++k) total += sums[k];
    p.partial.v[gl_WorkGroupID.x] = total;
  }
}
