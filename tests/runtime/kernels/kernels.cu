// The CUDA versions of the GLSL test kernels (compiled to PTX with nvcc when it is installed),
// with the same parameters and reflection.
struct Coeffs {
  float c[32];
};

extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < (unsigned)n) y[i] = a * x[i] + y[i];
}

extern "C" __global__ void reduce_sum(const float* in, float* partial, unsigned n) {
  __shared__ float sums[128];
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? in[i] : 0.0f;
  for (int d = warpSize / 2; d > 0; d /= 2) v += __shfl_down_sync(0xffffffffu, v, d);
  unsigned lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  if (lane == 0) sums[warp] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (unsigned k = 0; k < (blockDim.x + warpSize - 1) / warpSize; ++k) total += sums[k];
    partial[blockIdx.x] = total;
  }
}

extern "C" __global__ void big_params(float* out, Coeffs c, int n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < 1000u) out[i] = c.c[i % 32u] * (float)i + (float)n;
}

extern "C" __global__ void fill2d(unsigned* out, unsigned width, unsigned height) {
  unsigned x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height) out[y * width + x] = (y << 16) | x;
}

extern "C" __global__ void __launch_bounds__(64) fixed64(unsigned* out) {
  out[blockIdx.x * blockDim.x + threadIdx.x] = blockDim.x * 1000u + threadIdx.x;
}
