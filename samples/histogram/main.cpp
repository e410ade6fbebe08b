// Sample histogram: a 256-bin histogram of --size bytes (shared-memory and global atomics).
#include <cmath>
#include <vector>

#include "gpuc/samples/sample.h"
#include "histogram_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

int main(int argc, char** argv) {
  SampleInfo info{"histogram", "256-bin byte histogram with shared and global atomics",
                  "bytes (rounded up to a multiple of 4)", 1u << 28, 1u << 22};
  return run_sample(info, argc, argv, [](Context& ctx) {
    uint32_t n_words = uint32_t(std::min<uint64_t>((ctx.size() + 3) / 4, UINT32_MAX / 4));
    ctx.set_size_text("bytes=" + std::to_string(uint64_t(n_words) * 4));
    // Skewed data (a rounded normal-ish sum of uniforms around 128) so bins differ in contention.
    std::vector<uint32_t> words(n_words);
    for (uint32_t& w : words) {
      uint64_t r = ctx.next_random();
      w = 0;
      for (int b = 0; b < 4; ++b) {
        uint32_t byte = uint32_t(((r >> (16 * b)) & 0xff) + ((r >> (16 * b + 8)) & 0xff)) / 2;
        w |= byte << (8 * b);
      }
    }
    rt::Module m =
        ctx.compile(std::string(kernels::histogram_name), std::string(kernels::histogram));
    rt::Kernel k = ctx.kernel(m, "histogram256");
    auto dw = must(ctx.device().upload_array(words), "uploading the data");
    auto bins = must(ctx.device().alloc_array<uint32_t>(256), "allocating the bins");
    const uint32_t block = 256;
    rt::Dim3 grid = ctx.grid_for(n_words, block, ctx.on_cpu() ? 64 : 2048);
    const uint32_t zero = 0;
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.fill(bins.buffer(), &zero, 4), "zeroing the bins");
      must(s.launch(k, grid, block, {dw, n_words, bins}), "launching histogram256");
    });
    std::vector<uint32_t> got = must(bins.download(), "downloading the bins");
    ctx.add_time(ms);
    ctx.add_note(gbps(4.0 * n_words, ms));
    std::vector<uint32_t> want(256, 0);
    for (uint32_t w : words)
      for (int b = 0; b < 4; ++b) ++want[(w >> (8 * b)) & 0xff];
    return compare_exact(got, want);
  });
}
