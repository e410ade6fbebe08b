// Sample saxpy: y = a*x + y over --size floats, checked against the CPU and timed (GB/s).
#include <cmath>
#include <vector>

#include "gpuc/samples/sample.h"
#include "saxpy_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

int main(int argc, char** argv) {
  SampleInfo info{"saxpy", "y = a*x + y on floats", "elements", 1u << 26, 1u << 20};
  return run_sample(info, argc, argv, [](Context& ctx) {
    uint32_t n = uint32_t(std::min<uint64_t>(ctx.size(), UINT32_MAX));
    ctx.set_size_text("n=" + std::to_string(n));
    const float a = 2.5f;
    std::vector<float> x(n), y(n);
    for (uint32_t i = 0; i < n; ++i) {
      x[i] = ctx.random_float(-1.0f, 1.0f);
      y[i] = ctx.random_float(-1.0f, 1.0f);
    }
    rt::Module m = ctx.compile(std::string(kernels::saxpy_name), std::string(kernels::saxpy));
    rt::Kernel k = ctx.kernel(m, "saxpy");
    auto dx = must(ctx.device().upload_array(x), "uploading x");
    auto dy = must(ctx.device().alloc_array<float>(n), "allocating y");
    const uint32_t block = 256;
    rt::Dim3 grid = ctx.grid_for(n, block);
    // The timed runs update y in place: time on a scratch copy, then check one run on fresh y.
    must(dy.upload(y), "uploading y");
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {n, a, dx, dy}), "launching saxpy");
    });
    must(dy.upload(y), "uploading y");
    must(ctx.device().launch(k, grid, block, {n, a, dx, dy}), "launching saxpy");
    std::vector<float> got = must(dy.download(), "downloading y");
    ctx.add_time(ms);
    ctx.add_note(gbps(3.0 * 4.0 * n, ms));
    // a*x+y rounds once (fma contracted, as nvcc does) or twice: within one rounding of a*x of
    // the exact value, plus one of the sum.
    std::vector<double> want(n), bound(n);
    for (uint32_t i = 0; i < n; ++i) {
      double p = double(a) * x[i];
      want[i] = p + y[i];
      bound[i] = std::ldexp(std::fabs(p) + std::fabs(want[i]), -24);
    }
    return compare_bounded(got, want, bound);
  });
}
