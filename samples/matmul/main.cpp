// Sample matmul: C = A*B for --size x --size float matrices with shared-memory tiles (GFLOP/s).
#include <cmath>
#include <cstdio>
#include <vector>

#include "gpuc/samples/sample.h"
#include "matmul_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

int main(int argc, char** argv) {
  SampleInfo info{"matmul", "tiled matrix multiply C = A*B (16x16 shared-memory tiles)",
                  "matrix side (square matrices)", 2048, 256};
  return run_sample(info, argc, argv, [](Context& ctx) {
    // Non-square shapes exercise the edge handling: M = size, N = size + 3, K = size - 5.
    int M = int(std::min<uint64_t>(ctx.size(), 8192));
    int N = M + 3, K = std::max(1, M - 5);
    ctx.set_size_text(std::to_string(M) + "x" + std::to_string(K) + " * " + std::to_string(K) +
                      "x" + std::to_string(N));
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N);
    for (float& v : A) v = ctx.random_float(-1.0f, 1.0f);
    for (float& v : B) v = ctx.random_float(-1.0f, 1.0f);
    rt::Module m = ctx.compile(std::string(kernels::matmul_name), std::string(kernels::matmul));
    rt::Kernel k = ctx.kernel(m, "matmul");
    auto dA = must(ctx.device().upload_array(A), "uploading A");
    auto dB = must(ctx.device().upload_array(B), "uploading B");
    auto dC = must(ctx.device().alloc_array<float>(size_t(M) * N), "allocating C");
    const uint32_t tile = 16;
    rt::Dim3 grid((N + tile - 1) / tile, (M + tile - 1) / tile);
    rt::Dim3 block(tile, tile);
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {dA, dB, dC, M, N, K}), "launching matmul");
    });
    std::vector<float> got = must(dC.download(), "downloading C");
    ctx.add_time(ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f GFLOP/s", 2.0 * M * N * K / (double(ms) * 1e6));
    ctx.add_note(buf);
    // A serial dot product of K terms, each rounded (or fused): |err| <= K u sum|a||b| (Higham
    // eq. 3.5, gamma_K), against the double-precision reference.
    // Large sizes check 128 evenly spaced rows (the first and last included) to keep the CPU
    // reference short; every column of those rows is checked.
    std::vector<int> rows;
    int step = double(M) * N * K <= double(1 << 28) ? 1 : std::max(1, (M - 1) / 127);
    for (int i = 0; i < M; i += step) rows.push_back(i);
    if (rows.back() != M - 1) rows.push_back(M - 1);
    std::vector<float> got_rows;
    std::vector<double> want, bound;
    std::vector<double> row_abs(N);
    for (int i : rows) {
      std::vector<double> acc(N, 0.0);
      std::fill(row_abs.begin(), row_abs.end(), 0.0);
      for (int kk = 0; kk < K; ++kk) {
        double a = A[size_t(i) * K + kk];
        const float* b = &B[size_t(kk) * N];
        for (int j = 0; j < N; ++j) {
          acc[j] += a * b[j];
          row_abs[j] += std::fabs(a * b[j]);
        }
      }
      for (int j = 0; j < N; ++j) {
        got_rows.push_back(got[size_t(i) * N + j]);
        want.push_back(acc[j]);
        bound.push_back(std::ldexp(row_abs[j], -24) * (K + 2) * 1.01);
      }
    }
    return compare_bounded(got_rows, want, bound);
  });
}
