// transpose_tiled: GLSL peer of bench/kernels/transpose_tiled.gk (in, out, rows, cols): a 32x33
// shared tile, 32x8 blocks.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params { CFloats in_; Floats out_; int rows; int cols; } p;
shared float tile[32][33];

void main() {
  int tx = int(gl_LocalInvocationID.x), ty = int(gl_LocalInvocationID.y);
  int x = int(gl_WorkGroupID.x) * 32 + tx;
  int y = int(gl_WorkGroupID.y) * 32 + ty;
  for (int j = 0; j < 32; j += 8)
    if (x < p.cols && y + j < p.rows) tile[ty + j][tx] = p.in_.v[(y + j) * p.cols + x];
  barrier();
  x = int(gl_WorkGroupID.y) * 32 + tx;
  y = int(gl_WorkGroupID.x) * 32 + ty;
  for (int j = 0; j < 32; j += 8)
    if (x < p.rows && y + j < p.cols) p.out_.v[(y + j) * p.rows + x] = tile[tx][ty + j];
}
