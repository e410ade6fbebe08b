#version 460
// big_params(float* out, Coeffs c, int n) with struct Coeffs { float c[32]; }: a 144-byte
// parameter block, passed through an indirect parameter buffer (ABI: over 128 bytes).
// out[i] = c[i % 32] * i + n.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(buffer_reference, scalar) buffer ParamBlock { Floats out_; float c[32]; int n; };
layout(push_constant, scalar) uniform Push { ParamBlock params; } p;
void main() {
  uint i = gl_GlobalInvocationID.x;
  ParamBlock b = p.params;
  if (i < 1000u) b.out_.v[i] = b.c[i % 32u] * float(i) + float(b.n);
}
