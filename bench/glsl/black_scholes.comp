// black_scholes: GLSL peer of bench/kernels/black_scholes.gk (call, put, S, X, T, R, V, n).
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params {
  Floats call_; Floats put_; CFloats S; CFloats X; CFloats T; float R; float V; int n;
} p;

float cnd(float d) {
  float k = 1.0 / (1.0 + 0.2316419 * abs(d));
  float c = 0.39894228040143267793994605993438 * exp(-0.5 * d * d) *
            (k * (0.31938153 + k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429)))));
  return d > 0.0 ? 1.0 - c : c;
}

void main() {
  int i = int(gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x);
  if (i >= p.n) return;
  float s = p.S.v[i], x = p.X.v[i], t = p.T.v[i];
  float sqrt_t = sqrt(t);
  float d1 = (log(s / x) + (p.R + 0.5 * p.V * p.V) * t) / (p.V * sqrt_t);
  float d2 = d1 - p.V * sqrt_t;
  float cnd1 = cnd(d1), cnd2 = cnd(d2);
  float exp_rt = exp(-p.R * t);
  p.call_.v[i] = s * cnd1 - x * exp_rt * cnd2;
  p.put_.v[i] = x * exp_rt * (1.0 - cnd2) - s * (1.0 - cnd1);
}
