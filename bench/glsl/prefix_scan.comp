// prefix_scan: GLSL peer of bench/kernels/prefix_scan.gk (in, out, block_sums, n): inclusive
// Hillis-Steele scan of each 256-element block in double-buffered shared memory.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CInts { int v[]; };
layout(buffer_reference, scalar) buffer Ints { int v[]; };
layout(push_constant, scalar) uniform Params { CInts in_; Ints out_; Ints block_sums; int n; } p;
shared int buf[2][256];

void main() {
  int tid = int(gl_LocalInvocationID.x);
  int gid = int(gl_WorkGroupID.x) * 256 + tid;
  int src = 0;
  buf[0][tid] = gid < p.n ? p.in_.v[gid] : 0;
  barrier();
  for (int offset = 1; offset < 256; offset <<= 1) {
    int dst = 1 - src;
    int v = buf[src][tid];
    if (tid >= offset) v += buf[src][tid - offset];
    buf[dst][tid] = v;
    src = dst;
    barrier();
  }
  if (gid < p.n) p.out_.v[gid] = buf[src][tid];
  if (tid == 255) p.block_sums.v[gl_WorkGroupID.x] = buf[src][tid];
}
