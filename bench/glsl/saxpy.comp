// saxpy: hand-written GLSL peer of bench/kernels/saxpy.gk (same parameter block: n, a, x, y).
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params { int n; float a; CFloats x; Floats y; } p;

void main() {
  int i = int(gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x);
  if (i < p.n) p.y.v[i] = p.a * p.x.v[i] + p.y.v[i];
}
