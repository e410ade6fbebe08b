// stencil_5pt: GLSL peer of bench/kernels/stencil_5pt.gk (in, out, width, height, alpha).
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params { CFloats in_; Floats out_; int width; int height; float alpha; } p;

void main() {
  int x = int(gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x);
  int y = int(gl_WorkGroupID.y * gl_WorkGroupSize.y + gl_LocalInvocationID.y);
  if (x >= p.width || y >= p.height) return;
  int idx = y * p.width + x;
  if (x == 0 || y == 0 || x == p.width - 1 || y == p.height - 1) {
    p.out_.v[idx] = p.in_.v[idx];
    return;
  }
  float center = p.in_.v[idx];
  float lap = p.in_.v[idx - 1] + p.in_.v[idx + 1] + p.in_.v[idx - p.width] + p.in_.v[idx + p.width] - 4.0 * center;
  p.out_.v[idx] = center + p.alpha * lap;
}
