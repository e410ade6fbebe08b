// sgemm_tiled: GLSL peer of bench/kernels/sgemm_tiled.gk (M, N, K, alpha, A, B, beta, C):
// C = alpha*A*B + beta*C with 16x16 shared tiles, 16x16 blocks.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CFloats { float v[]; };
layout(buffer_reference, scalar) buffer Floats { float v[]; };
layout(push_constant, scalar) uniform Params {
  int M; int N; int K; float alpha; CFloats A; CFloats B; float beta; Floats C;
} p;
shared float As[16][16];
shared float Bs[16][16];

void main() {
  int tx = int(gl_LocalInvocationID.x), ty = int(gl_LocalInvocationID.y);
  int row = int(gl_WorkGroupID.y) * 16 + ty;
  int col = int(gl_WorkGroupID.x) * 16 + tx;
  float acc = 0.0;
  for (int t = 0; t < (p.K + 15) / 16; ++t) {
    int a_col = t * 16 + tx;
    int b_row = t * 16 + ty;
    As[ty][tx] = (row < p.M && a_col < p.K) ? p.A.v[row * p.K + a_col] : 0.0;
    Bs[ty][tx] = (b_row < p.K && col < p.N) ? p.B.v[b_row * p.N + col] : 0.0;
    barrier();
    for (int k = 0; k < 16; ++k) acc = fma(As[ty][k], Bs[k][tx], acc);
    barrier();
  }
  if (row < p.M && col < p.N) p.C.v[row * p.N + col] = p.alpha * acc + p.beta * p.C.v[row * p.N + col];
}
