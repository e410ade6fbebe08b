// histogram: GLSL peer of bench/kernels/histogram.gk (data, bins, n): 256 bins counted with
// shared atomics per block, merged with global atomics; grid-stride loop.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CUints { uint v[]; };
layout(buffer_reference, scalar) buffer Uints { uint v[]; };
layout(push_constant, scalar) uniform Params { CUints data; Uints bins; int n; } p;
shared uint local_bins[256];

void main() {
  int tid = int(gl_LocalInvocationID.x), bs = int(gl_WorkGroupSize.x);
  for (int b = tid; b < 256; b += bs) local_bins[b] = 0u;
  barrier();
  for (int i = int(gl_WorkGroupID.x) * bs + tid; i < p.n; i += bs * int(gl_NumWorkGroups.x))
    atomicAdd(local_bins[p.data.v[i] & 0xFFu], 1u);
  barrier();
  for (int b = tid; b < 256; b += bs) {
    uint c = local_bins[b];
    if (c != 0u) atomicAdd(p.bins.v[b], c);
  }
}
