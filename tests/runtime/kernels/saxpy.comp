#version 460
// saxpy(int n, float a, const float* x, float* y): y[i] = a * x[i] + y[i].
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(push_constant, scalar) uniform Params { int n; float a; Floats x; Floats y; } p;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < uint(p.n)) p.y.v[i] = p.a * p.x.v[i] + p.y.v[i];
}
