// Sample sobel: edge detection on a PNG (--input, else a generated test image), written as a PNG.
#include <cmath>
#include <cstdio>
#include <vector>

#include <stb_image.h>
#include <stb_image_write.h>
#include "gpuc/samples/sample.h"
#include "sobel_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

namespace {

// A test image: soft shapes on a gradient, so edges of every orientation and strength occur.
std::vector<float> generate_image(int w, int h) {
  std::vector<float> img(size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float u = float(x) / float(w), v = float(y) / float(h);
      float g = 0.25f * (u + v);
      float dx = u - 0.35f, dy = v - 0.4f;
      if (dx * dx + dy * dy < 0.06f) g += 0.5f;
      if (u > 0.55f && u < 0.9f && v > 0.15f && v < 0.45f) g += 0.35f;
      if (std::fabs((u - 0.6f) - (v - 0.7f)) < 0.05f && v > 0.55f) g += 0.4f;
      g += 0.1f * std::sin(40.0f * u) * std::sin(30.0f * v);
      img[size_t(y) * w + x] = std::round(std::fmin(std::fmax(g, 0.0f), 1.0f) * 255.0f) / 255.0f;
    }
  return img;
}

bool write_gray_png(const std::string& path, const std::vector<float>& img, int w, int h,
                    float scale) {
  std::vector<unsigned char> bytes(img.size());
  for (size_t i = 0; i < img.size(); ++i)
    bytes[i] =
        (unsigned char)std::lround(std::fmin(std::fmax(img[i] * scale, 0.0f), 1.0f) * 255.0f);
  return stbi_write_png(path.c_str(), w, h, 1, bytes.data(), w) != 0;
}

}  // namespace

int main(int argc, char** argv) {
  SampleInfo info{"sobel",
                  "Sobel edge filter: PNG in (or a generated image), PNG out",
                  "side of the generated image in pixels",
                  2048,
                  512,
                  true,
                  "sobel.png"};
  return run_sample(info, argc, argv, [](Context& ctx) {
    int w = 0, h = 0;
    std::vector<float> img;
    if (!ctx.options().input.empty()) {
      int channels = 0;
      unsigned char* data = stbi_load(ctx.options().input.c_str(), &w, &h, &channels, 1);
      if (!data)
        throw SampleError("cannot read " + ctx.options().input + ": " + stbi_failure_reason());
      img.resize(size_t(w) * h);
      for (size_t i = 0; i < img.size(); ++i) img[i] = float(data[i]) / 255.0f;
      stbi_image_free(data);
    } else {
      w = h = int(std::min<uint64_t>(ctx.size(), 16384));
      img = generate_image(w, h);
    }
    ctx.set_size_text(std::to_string(w) + "x" + std::to_string(h));
    rt::Module m = ctx.compile(std::string(kernels::sobel_name), std::string(kernels::sobel));
    rt::Kernel k = ctx.kernel(m, "sobel");
    auto din = must(ctx.device().upload_array(img), "uploading the image");
    auto dout = must(ctx.device().alloc_array<float>(img.size()), "allocating the output");
    rt::Dim3 block(16, 16);
    rt::Dim3 grid((w + 15) / 16, (h + 15) / 16);
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {din, dout, w, h}), "launching sobel");
    });
    std::vector<float> got = must(dout.download(), "downloading the output");
    ctx.add_time(ms);
    ctx.add_note(gbps(8.0 * img.size(), ms));
    // Reference in double; u = 2^-24. Float error: each of the two 3-term sums of gx rounds twice
    // (partials <= 3 and <= 4: 7u), their difference once (4u): |err gx|, |err gy| <= 18u, so the
    // magnitude is off by <= 18*sqrt(2) u < 26u from them. The squares, their sum and sqrt add
    // about 1.5u relative, and sqrt's own error: CUDA's sqrtf is correctly rounded, Vulkan's is
    // inherited from inversesqrt (2 ulp) and a division (2.5 ulp); 8 ulp (<= 16u relative) covers
    // both. Bound: (40 + 24 * mag) u.
    auto at = [&](int x, int y) {
      x = std::min(std::max(x, 0), w - 1);
      y = std::min(std::max(y, 0), h - 1);
      return double(img[size_t(y) * w + x]);
    };
    std::vector<double> want(img.size()), bound(img.size());
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        double gx = (at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1)) -
                    (at(x - 1, y - 1) + 2 * at(x - 1, y) + at(x - 1, y + 1));
        double gy = (at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1)) -
                    (at(x - 1, y - 1) + 2 * at(x, y - 1) + at(x + 1, y - 1));
        double mag = std::sqrt(gx * gx + gy * gy);
        want[size_t(y) * w + x] = mag;
        bound[size_t(y) * w + x] = std::ldexp(40.0 + 24.0 * mag, -24);
      }
    Check c = compare_bounded(got, want, bound);
    if (!write_gray_png(ctx.options().output, got, w, h, 0.5f))
      throw SampleError("cannot write " + ctx.options().output);
    if (ctx.options().input.empty()) write_gray_png("sobel_input.png", img, w, h, 1.0f);
    ctx.add_note("-> " + ctx.options().output);
    return c;
  });
}
