// The cost of --bounds-check on one device (docs/safety.md "Bounds checking"): saxpy, stencil_5pt
// and sgemm_tiled of bench/kernels compiled checked and unchecked, launches interleaved, device
// timestamps; prints min and median of the runs and their ratios. Not a test.
// Usage: gpuc_bounds_check_cost [KERNEL_DIR [RUNS [DEVICE]]]   (DEVICE: vulkan, cuda, ...)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"

using namespace gpuc;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : GPUC_SOURCE_DIR "/bench/kernels";
  const int runs = std::max(1, argc > 2 ? std::atoi(argv[2]) : 10);
  Result<rt::Device> opened = rt::Device::open(argc > 3 ? argv[3] : "auto");
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  rt::Device dev = std::move(*opened);
  std::printf("%s (%s)\n", dev.info().name.c_str(), rt::backend_name(dev.backend()));
  const bool cuda = dev.backend() == rt::Backend::Cuda;
  struct Case {
    std::string name;
    rt::Dim3 grid, block;
    std::vector<rt::Arg> args;
    std::string size;
  };
  // GPU sizes on CUDA (the bench's); smaller ones elsewhere (llvmpipe, Vulkan's 65535 grid limit).
  const int n = cuda ? (1 << 28) : (1 << 24) - 256;
  const int W = cuda ? 8192 : 4096, H = W;
  const int M = cuda ? 4096 : 512;
  auto buffer = [&](size_t count) {
    Result<rt::TypedBuffer<float>> b = dev.alloc_array<float>(count);
    if (!b) {
      std::fprintf(stderr, "%s\n", b.error().message.c_str());
      std::exit(1);
    }
    return std::move(*b);
  };
  auto x = buffer(n), y = buffer(n), si = buffer(size_t(W) * H), so = buffer(size_t(W) * H);
  auto A = buffer(size_t(M) * M), B = buffer(size_t(M) * M), C = buffer(size_t(M) * M);
  for (auto* b : {&x, &y, &si, &so, &A, &B, &C}) (void)b->fill(0.5f);
  std::vector<Case> cases = {
      {"saxpy", (n + 255) / 256, 256, {n, 1.5f, x, y}, "n=" + std::to_string(n)},
      {"stencil_5pt",
       rt::Dim3(W / 32, H / 8),
       rt::Dim3(32, 8),
       {si, so, W, H, 0.2f},
       std::to_string(W) + "^2"},
      {"sgemm_tiled",
       rt::Dim3(M / 16, M / 16),
       rt::Dim3(16, 16),
       {M, M, M, 1.25f, A, B, 0.5f, C},
       std::to_string(M) + "^3"},
  };
  rt::Stream st = dev.stream();
  auto e0 = dev.create_event().value(), e1 = dev.create_event().value();
  for (Case& c : cases) {
    rt::Kernel ks[2];
    for (int b = 0; b < 2; ++b) {
      CompileOptions o;
      o.target = cuda ? Target::Cuda : Target::Vulkan;
      o.bounds_check = b;
      if (cuda) o.arch = dev.info().api_version;
      Compilation comp(o);
      std::string path = dir + "/" + c.name + ".gk", text = slurp(path);
      if (text.empty()) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 1;
      }
      CompileOutput out = comp.compile_source(path, text);
      if (!out.ok) {
        std::fprintf(stderr, "%s", comp.diagnostics().format_all().c_str());
        return 1;
      }
      Result<rt::Module> m = dev.load(make_artifact(o.target, out));
      if (!m) {
        std::fprintf(stderr, "%s\n", m.error().message.c_str());
        return 1;
      }
      ks[b] = m->kernel(c.name).value();
    }
    std::vector<double> t[2];
    for (int r = 0; r < runs + 1; ++r)
      for (int b = 0; b < 2; ++b) {
        (void)st.record(e0);
        Status s = st.launch(ks[b], c.grid, c.block, c.args);
        (void)st.record(e1);
        if (s) s = st.synchronize();
        if (!s) {
          std::fprintf(stderr, "%s: %s\n", c.name.c_str(), s.error().message.c_str());
          return 1;
        }
        if (r) t[b].push_back(rt::elapsed_ms(e0, e1).value());
      }
    for (auto& v : t) std::sort(v.begin(), v.end());
    std::printf(
        "%-12s %-10s unchecked min %9.3f med %9.3f ms | checked min %9.3f med %9.3f ms | "
        "ratio(min) %.3f ratio(med) %.3f\n",
        c.name.c_str(), c.size.c_str(), t[0][0], t[0][runs / 2], t[1][0], t[1][runs / 2],
        t[1][0] / t[0][0], t[1][runs / 2] / t[0][runs / 2]);
  }
}
