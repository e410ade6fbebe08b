// softmax_row: GLSL peer of bench/kernels/softmax_row.gk (x, out, cols): one 128-thread block
// per row, max and sum reduced in shared memory.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params { CFloats x; Floats out_; int cols; } p;
shared float scratch[128];

float block_reduce_max(float v) {
  uint t = gl_LocalInvocationID.x;
  scratch[t] = v;
  barrier();
  for (uint s = 64; s > 0; s >>= 1) {
    if (t < s) scratch[t] = max(scratch[t], scratch[t + s]);
    barrier();
  }
  float r = scratch[0];
  barrier();
  return r;
}

float block_reduce_sum(float v) {
  uint t = gl_LocalInvocationID.x;
  scratch[t] = v;
  barrier();
  for (uint s = 64; s > 0; s >>= 1) {
    if (t < s) scratch[t] += scratch[t + s];
    barrier();
  }
  float r = scratch[0];
  barrier();
  return r;
}

void main() {
  int base = int(gl_WorkGroupID.x) * p.cols;
  int t = int(gl_LocalInvocationID.x);
  float m = -3.402823466e+38;
  for (int c = t; c < p.cols; c += 128) m = max(m, p.x.v[base + c]);
  m = block_reduce_max(m);
  float s = 0.0;
  for (int c = t; c < p.cols; c += 128) s += exp(p.x.v[base + c] - m);
  s = block_reduce_sum(s);
  float inv = 1.0 / s;
  for (int c = t; c < p.cols; c += 128) p.out_.v[base + c] = exp(p.x.v[base + c] - m) * inv;
}
