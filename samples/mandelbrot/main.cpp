// Sample mandelbrot: renders the Mandelbrot set into a PNG, checked pixel by pixel on the CPU.
#include <cmath>
#include <cstdio>
#include <vector>

#include <stb_image_write.h>
#include "gpuc/samples/sample.h"
#include "mandelbrot_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

int main(int argc, char** argv) {
  SampleInfo info{"mandelbrot",
                  "Mandelbrot set renderer writing a PNG",
                  "image width in pixels (height is 3/4 of it)",
                  2048,
                  512,
                  true,
                  "mandelbrot.png"};
  return run_sample(info, argc, argv, [](Context& ctx) {
    int w = int(std::min<uint64_t>(ctx.size(), 16384));
    int h = std::max(1, w * 3 / 4);
    const int max_iter = 256;
    const float x0 = -2.25f, y0 = -1.25f, dx = 3.3333333f / float(w), dy = 2.5f / float(h);
    ctx.set_size_text(std::to_string(w) + "x" + std::to_string(h));
    rt::Module m =
        ctx.compile(std::string(kernels::mandelbrot_name), std::string(kernels::mandelbrot));
    rt::Kernel k = ctx.kernel(m, "mandelbrot");
    auto dit = must(ctx.device().alloc_array<uint32_t>(size_t(w) * h), "allocating the image");
    rt::Dim3 block(16, 16);
    rt::Dim3 grid((w + 15) / 16, (h + 15) / 16);
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {dit, w, h, x0, y0, dx, dy, max_iter}), "launching");
    });
    std::vector<uint32_t> got = must(dit.download(), "downloading the image");
    ctx.add_time(ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f Mpixel/s", double(w) * h / (double(ms) * 1e3));
    ctx.add_note(buf);
    // The reference iterates with fused fmas (std::fma), as CUDA's fmaf is. Vulkan's
    // GLSL.std.450 Fma may be a multiply and then an add ("inherited from OpFMul followed by
    // OpFAdd", Vulkan spec, "Precision and Operation of SPIR-V Instructions"; llvmpipe does so),
    // and near the set's boundary one rounding changes the escape iteration: on Vulkan a pixel
    // may match the unfused reference instead. CUDA must match the fused one everywhere.
    auto iterate = [&](int px, int py, bool fused) {
      auto fma = [fused](float a, float b, float c) {
        if (fused) return std::fma(a, b, c);
        volatile float p = a * b;  // rounded product, then the sum
        return p + c;
      };
      float cx = fma(float(px), dx, x0), cy = fma(float(py), dy, y0);
      float x = 0.0f, y = 0.0f;
      int i = 0;
      while (i < max_iter && fma(x, x, y * y) <= 4.0f) {
        float xn = fma(x, x, fma(-y, y, cx));
        y = fma(2.0f * x, y, cy);
        x = xn;
        ++i;
      }
      return uint32_t(i);
    };
    const bool cuda = ctx.device_info().backend == rt::Backend::Cuda;
    std::vector<uint32_t> want(got.size());
    size_t unfused = 0;
    for (int py = 0; py < h; ++py)
      for (int px = 0; px < w; ++px) {
        size_t k = size_t(py) * w + px;
        want[k] = iterate(px, py, true);
        if (!cuda && got[k] != want[k] && got[k] == iterate(px, py, false)) {
          want[k] = got[k];
          ++unfused;
        }
      }
    if (unfused) ctx.add_note(std::to_string(unfused) + " pixels as with unfused fma");
    Check c = compare_exact(got, want);
    std::vector<unsigned char> rgb(got.size() * 3);
    for (size_t i = 0; i < got.size(); ++i) {
      double t = got[i] >= uint32_t(max_iter) ? 0.0 : std::sqrt(double(got[i]) / max_iter);
      rgb[3 * i + 0] = (unsigned char)std::lround(255.0 * std::min(1.0, 9.0 * (1 - t) * t * t * t));
      rgb[3 * i + 1] =
          (unsigned char)std::lround(255.0 * std::min(1.0, 15.0 * (1 - t) * (1 - t) * t * t));
      rgb[3 * i + 2] =
          (unsigned char)std::lround(255.0 * std::min(1.0, 8.5 * (1 - t) * (1 - t) * (1 - t) * t));
    }
    if (!stbi_write_png(ctx.options().output.c_str(), w, h, 3, rgb.data(), w * 3))
      throw SampleError("cannot write " + ctx.options().output);
    ctx.add_note("-> " + ctx.options().output);
    return c;
  });
}
