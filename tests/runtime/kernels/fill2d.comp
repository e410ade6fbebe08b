#version 460
// fill2d(uint* out, uint width, uint height): out[y * width + x] = (y << 16) | x, 2-D blocks.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(push_constant, scalar) uniform Params { Uints out_; uint width; uint height; } p;
void main() {
  uvec2 g = gl_GlobalInvocationID.xy;
  if (g.x < p.width && g.y < p.height) p.out_.v[g.y * p.width + g.x] = (g.y << 16) | g.x;
}
