// Sample reduce: the sum of --size floats in two passes (blocks -> partial sums -> one block).
#include <cmath>
#include <vector>

#include "gpuc/samples/sample.h"
#include "reduce_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

int main(int argc, char** argv) {
  SampleInfo info{"reduce", "sum of floats: shared memory and warp shuffles, two passes",
                  "elements", 1u << 26, 1u << 20};
  return run_sample(info, argc, argv, [](Context& ctx) {
    uint32_t n = uint32_t(std::min<uint64_t>(ctx.size(), UINT32_MAX));
    ctx.set_size_text("n=" + std::to_string(n));
    std::vector<float> x(n);
    for (float& v : x) v = ctx.random_float(0.0f, 1.0f);
    rt::Module m = ctx.compile(std::string(kernels::reduce_name), std::string(kernels::reduce));
    rt::Kernel k = ctx.kernel(m, "reduce_sum");
    const uint32_t block = 256;
    rt::Dim3 grid = ctx.grid_for(n, block, 1024);  // <= 1024 partial sums
    auto dx = must(ctx.device().upload_array(x), "uploading x");
    auto partial = must(ctx.device().alloc_array<float>(grid.x), "allocating partial sums");
    auto total = must(ctx.device().alloc_array<float>(1), "allocating the total");
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {dx, partial, n}), "launching pass 1");
      must(s.launch(k, 1, block, {partial, total, grid.x}), "launching pass 2");
    });
    float got = must(total.download(), "downloading the total")[0];
    ctx.add_time(ms);
    ctx.add_note(gbps(4.0 * n, ms));
    // Error bound of recursive summation (Higham, "Accuracy and Stability", eq. 4.4): |err| <=
    // (d - 1) u sum|x_i| + O(u^2), d the longest chain of additions any element goes through:
    // its thread's serial loop, the log2 steps of each warp/shared fold, and the second pass.
    double want = 0.0, abs_sum = 0.0;
    for (float v : x) want += v, abs_sum += std::fabs(v);
    uint64_t threads = uint64_t(grid.x) * block;
    double depth = double((n + threads - 1) / threads) + double((grid.x + block - 1) / block) +
                   4.0 * std::log2(double(block)) + 8.0;
    double bound = depth * std::ldexp(abs_sum, -24) * 1.01;
    return compare_bounded({got}, {want}, {bound});
  });
}
