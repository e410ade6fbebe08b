// Sample scan: inclusive prefix sum over --size unsigned ints, multi-pass (tile scans, a scan of
// the tile totals, recursively, then offsets added back).
#include <vector>

#include "gpuc/samples/sample.h"
#include "scan_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

namespace {
constexpr uint32_t kBlock = 256, kTile = 256 * 8;  // BLOCK and TILE_SIZE of scan.gk

uint32_t tiles_of(uint32_t n) {
  return (n + kTile - 1) / kTile;
}
}  // namespace

int main(int argc, char** argv) {
  SampleInfo info{"scan", "multi-pass inclusive prefix sum (tile scans + tile totals + add)",
                  "elements", 1u << 26, 1u << 20};
  return run_sample(info, argc, argv, [](Context& ctx) {
    uint64_t max_n =
        uint64_t(ctx.device_info().max_grid_dims[0] ? ctx.device_info().max_grid_dims[0] : 65535) *
        kTile;
    uint32_t n = uint32_t(std::min<uint64_t>({ctx.size(), max_n, UINT32_MAX}));
    ctx.set_size_text("n=" + std::to_string(n));
    std::vector<uint32_t> data(n);
    for (uint32_t& v : data) v = uint32_t(ctx.next_random() & 0xff);
    rt::Module m = ctx.compile(std::string(kernels::scan_name), std::string(kernels::scan));
    rt::Kernel scan_tiles = ctx.kernel(m, "scan_tiles");
    rt::Kernel add_offsets = ctx.kernel(m, "add_tile_offsets");

    // Level l scans in[l] (n[l] elements) into out[l] and writes the tile totals into in[l + 1];
    // out[l + 1] is then their scan. The last level fits in one tile.
    std::vector<uint32_t> sizes{n};
    while (sizes.back() > kTile) sizes.push_back(tiles_of(sizes.back()));
    std::vector<rt::TypedBuffer<uint32_t>> in, out;
    in.push_back(must(ctx.device().upload_array(data), "uploading the input"));
    for (size_t l = 0; l < sizes.size(); ++l) {
      out.push_back(must(ctx.device().alloc_array<uint32_t>(sizes[l]), "allocating a level"));
      in.push_back(must(ctx.device().alloc_array<uint32_t>(tiles_of(sizes[l])), "allocating sums"));
    }
    float ms = ctx.time_ms([&](rt::Stream& s) {
      for (size_t l = 0; l < sizes.size(); ++l)
        must(s.launch(scan_tiles, tiles_of(sizes[l]), kBlock, {in[l], out[l], in[l + 1], sizes[l]}),
             "launching scan_tiles");
      for (size_t l = sizes.size() - 1; l-- > 0;)
        must(s.launch(add_offsets, tiles_of(sizes[l]), kBlock, {out[l], out[l + 1], sizes[l]}),
             "launching add_tile_offsets");
    });
    std::vector<uint32_t> got = must(out[0].download(), "downloading the result");
    ctx.add_time(ms);
    ctx.add_note(gbps(8.0 * n, ms));
    ctx.add_note(std::to_string(sizes.size()) + " levels");
    std::vector<uint32_t> want(n);
    uint32_t acc = 0;
    for (uint32_t i = 0; i < n; ++i) want[i] = acc += data[i];
    return compare_exact(got, want);
  });
}
