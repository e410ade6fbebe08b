#version 460
// fixed64(uint* out), compiled for a fixed block of (64, 1, 1):
// out[global id] = blockDim.x * 1000 + threadIdx.x.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(push_constant, scalar) uniform Params { Uints out_; } p;
void main() {
  p.out_.v[gl_GlobalInvocationID.x] = gl_WorkGroupSize.x * 1000u + gl_LocalInvocationID.x;
}
