// reduce_shared: GLSL peer of bench/kernels/reduce_shared.gk (in, out, n): a shared-memory tree
// per 256-thread block, then one float atomic add per block.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
#extension GL_EXT_shader_atomic_float : require
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params { CFloats in_; Floats out_; int n; } p;
shared float partial[256];

void main() {
  uint tid = gl_LocalInvocationID.x;
  uint i = gl_WorkGroupID.x * gl_WorkGroupSize.x + tid;
  partial[tid] = i < uint(p.n) ? p.in_.v[i] : 0.0;
  barrier();
  for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
    if (tid < stride) partial[tid] += partial[tid + stride];
    barrier();
  }
  if (tid == 0) atomicAdd(p.out_.v[0], partial[0]);
}
