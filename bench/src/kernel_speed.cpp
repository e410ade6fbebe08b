// Item B: kernel speed. Every benchmark kernel runs through gpuc's runtime twice on one device,
// with the same inputs and launch configuration: compiled by gpuc, and by the peer (CUDA: nvcc
// -O3 PTX made at build time; Vulkan: the hand-written GLSL compiled by glslc -O at build time),
// the peer's code loaded as a gpuc artifact with the reflection gpuc computes for the same .gk.
// Method: fresh random inputs, a correctness check against a CPU reference before timing,
// warm-up launches, device-event timing, the median of many runs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include "gpu.h"
#include "gpuc/compiler.h"

namespace gpuc::bench {
namespace {

using Bytes = std::vector<uint8_t>;

template <typename T>
Bytes to_bytes(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}
template <typename T>
std::vector<T> from_bytes(const Bytes& b) {
  std::vector<T> v(b.size() / sizeof(T));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}

// One benchmark problem: buffers with their initial contents, arguments, launch shape, check.
struct Instance {
  std::string size_text;
  rt::Dim3 grid, block;
  std::vector<Bytes> init;
  std::function<std::vector<rt::Arg>(const std::vector<rt::Buffer>&)> args;
  // "" when the downloaded buffers `out` (after one launch on `init`) are right.
  std::function<std::string(const std::vector<Bytes>& init, const std::vector<Bytes>& out)> check;
  double bytes = 0;  // the minimum bytes one launch must move (read + write)
  double flops = 0;  // floating-point operations of one launch (0: a memory-bound kernel)
};

uint32_t blocks_for(uint64_t n, uint32_t block) {
  return uint32_t((n + block - 1) / block);
}

// |got - want| <= tol, reporting the first failure.
std::string compare(const char* what, size_t i, double got, double want, double tol) {
  if (std::fabs(got - want) <= tol && std::isfinite(got)) return "";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s[%zu] = %.9g, expected %.9g (tolerance %.3g)", what, i, got,
                want, tol);
  return buf;
}

// Indices to check: all when small, else a random sample (the CPU reference would be too slow).
std::vector<size_t> check_indices(size_t n, size_t max_checked, uint64_t seed) {
  std::vector<size_t> idx;
  if (n <= max_checked) {
    for (size_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
  }
  std::mt19937_64 rng(seed);
  idx = {0, n - 1};
  for (size_t i = 2; i < max_checked; ++i) idx.push_back(rng() % n);
  return idx;
}

// `max_gx`: the device's grid limit in x. One-thread-per-element kernels shrink their problem to
// fit it (Vulkan guarantees only 65535 workgroups per dimension; llvmpipe has exactly that).
Instance make_instance(const std::string& k, bool quick, uint32_t max_gx, std::mt19937& rng) {
  auto fit = [&](int n, int block) { return int(std::min<int64_t>(n, int64_t(max_gx) * block)); };
  auto uniform = [&](size_t n, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
  };
  Instance in;
  if (k == "saxpy") {
    int n = fit(quick ? 4097 : 1 << 26, 256);
    float a = 2.5f;
    in.size_text = "n=" + std::to_string(n);
    in.init = {to_bytes(uniform(n, -1, 1)), to_bytes(uniform(n, -1, 1))};
    in.block = 256;
    in.grid = blocks_for(n, 256);
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{n, a, b[0], b[1]};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto x = from_bytes<float>(init[0]), y = from_bytes<float>(init[1]);
      auto got = from_bytes<float>(out[1]);
      for (int i = 0; i < n; ++i) {
        double want = double(a) * x[i] + y[i];
        std::string e =
            compare("y", i, got[i], want, 1e-6 * (std::fabs(a * x[i]) + std::fabs(want)));
        if (!e.empty()) return e;
      }
      return std::string();
    };
    in.bytes = 12.0 * n;
    in.flops = 2.0 * n;
  } else if (k == "reduce_shared") {
    int n = fit(quick ? 5000 : 1 << 26, 256);
    in.size_text = "n=" + std::to_string(n);
    in.init = {to_bytes(uniform(n, 0, 1)), to_bytes(std::vector<float>(1, 0.0f))};
    in.block = 256;
    in.grid = blocks_for(n, 256);
    in.args = [=](const std::vector<rt::Buffer>& b) { return std::vector<rt::Arg>{b[0], b[1], n}; };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto x = from_bytes<float>(init[0]);
      double want = 0;
      for (float v : x) want += v;
      // Non-negative terms: each of the log2(256) tree levels and each of the `blocks` atomic
      // additions (in any order) rounds by at most 2^-24 of the total.
      double blocks = double(blocks_for(n, 256));
      return compare("sum", 0, from_bytes<float>(out[1])[0], want,
                     (blocks + 8.0) * std::ldexp(want, -24) + 1e-6);
    };
    in.bytes = 4.0 * n;
    in.flops = double(n);
  } else if (k == "transpose_tiled") {
    int rows = quick ? 70 : 8192, cols = quick ? 100 : 8192;
    in.size_text = std::to_string(rows) + "x" + std::to_string(cols);
    in.init = {to_bytes(uniform(size_t(rows) * cols, -1, 1)),
               to_bytes(std::vector<float>(size_t(rows) * cols, 0.0f))};
    in.block = rt::Dim3(32, 8);
    in.grid = rt::Dim3(blocks_for(cols, 32), blocks_for(rows, 32));
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], rows, cols};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto a = from_bytes<float>(init[0]), t = from_bytes<float>(out[1]);
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
          if (t[size_t(c) * rows + r] != a[size_t(r) * cols + c])
            return compare("out", size_t(c) * rows + r, t[size_t(c) * rows + r],
                           a[size_t(r) * cols + c], 0);
      return std::string();
    };
    in.bytes = 8.0 * rows * cols;
  } else if (k == "sgemm_tiled") {
    int M = quick ? 48 : 4096, N = quick ? 40 : 4096, K = quick ? 36 : 4096;
    float alpha = 1.25f, beta = 0.5f;
    in.size_text = std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K);
    in.init = {to_bytes(uniform(size_t(M) * K, -1, 1)), to_bytes(uniform(size_t(K) * N, -1, 1)),
               to_bytes(uniform(size_t(M) * N, -1, 1))};
    in.block = rt::Dim3(16, 16);
    in.grid = rt::Dim3(blocks_for(N, 16), blocks_for(M, 16));
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{M, N, K, alpha, b[0], b[1], beta, b[2]};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto A = from_bytes<float>(init[0]), B = from_bytes<float>(init[1]);
      auto C0 = from_bytes<float>(init[2]), C = from_bytes<float>(out[2]);
      for (size_t idx : check_indices(size_t(M) * N, 4096, 7)) {
        size_t r = idx / N, c = idx % N;
        double acc = 0, mag = 0;
        for (int kk = 0; kk < K; ++kk) {
          double p = double(A[r * K + kk]) * B[size_t(kk) * N + c];
          acc += p;
          mag += std::fabs(p);
        }
        double want = alpha * acc + beta * C0[idx];
        std::string e =
            compare("C", idx, C[idx], want,
                    1e-6 * K * (std::fabs(alpha) * mag + std::fabs(beta * C0[idx])) + 1e-6);
        if (!e.empty()) return e;
      }
      return std::string();
    };
    in.bytes = 4.0 * (double(M) * K + double(K) * N + 2.0 * M * N);
    in.flops = 2.0 * M * N * K;
  } else if (k == "histogram") {
    int n = quick ? 5000 : 1 << 26;
    in.size_text = "n=" + std::to_string(n);
    std::vector<uint32_t> data(n);
    for (uint32_t& v : data) v = uint32_t(rng());
    in.init = {to_bytes(data), to_bytes(std::vector<uint32_t>(256, 0))};
    in.block = 256;
    in.grid = std::min<uint32_t>(blocks_for(n, 256), quick ? 8 : 2048);
    in.args = [=](const std::vector<rt::Buffer>& b) { return std::vector<rt::Arg>{b[0], b[1], n}; };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto d = from_bytes<uint32_t>(init[0]), bins = from_bytes<uint32_t>(out[1]);
      std::vector<uint32_t> want(256, 0);
      for (uint32_t v : d) want[v & 0xFF]++;
      for (int b = 0; b < 256; ++b)
        if (bins[b] != want[b]) return compare("bins", b, bins[b], want[b], 0);
      return std::string();
    };
    in.bytes = 4.0 * n;
  } else if (k == "prefix_scan") {
    int n = fit(quick ? 1000 : 1 << 26, 256);
    int blocks = int(blocks_for(n, 256));
    in.size_text = "n=" + std::to_string(n);
    std::vector<int32_t> data(n);
    for (int32_t& v : data) v = int32_t(rng() % 201) - 100;
    in.init = {to_bytes(data), to_bytes(std::vector<int32_t>(n, 0)),
               to_bytes(std::vector<int32_t>(blocks, 0))};
    in.block = 256;
    in.grid = blocks;
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], b[2], n};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto d = from_bytes<int32_t>(init[0]), o = from_bytes<int32_t>(out[1]);
      auto sums = from_bytes<int32_t>(out[2]);
      int32_t run = 0;
      for (int i = 0; i < n; ++i) {
        if (i % 256 == 0) run = 0;
        run += d[i];
        if (o[i] != run) return compare("out", i, o[i], run, 0);
        // The last partial block's total includes its zero padding, so it equals `run` too.
        if ((i % 256 == 255 || i == n - 1) && sums[i / 256] != run)
          return compare("block_sums", i / 256, sums[i / 256], run, 0);
      }
      return std::string();
    };
    in.bytes = 8.0 * n + 4.0 * blocks;
  } else if (k == "softmax_row") {
    int rows = quick ? 7 : 16384, cols = quick ? 300 : 4096;
    in.size_text = std::to_string(rows) + "x" + std::to_string(cols);
    in.init = {to_bytes(uniform(size_t(rows) * cols, -8, 8)),
               to_bytes(std::vector<float>(size_t(rows) * cols, 0.0f))};
    in.block = 128;
    in.grid = rows;
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], cols};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto x = from_bytes<float>(init[0]), y = from_bytes<float>(out[1]);
      for (size_t r : check_indices(rows, 512, 11)) {
        const float* row = &x[r * cols];
        double m = row[0], s = 0;
        for (int c = 0; c < cols; ++c) m = std::max<double>(m, row[c]);
        for (int c = 0; c < cols; ++c) s += std::exp(row[c] - m);
        for (int c = 0; c < cols; ++c) {
          double want = std::exp(row[c] - m) / s;
          std::string e = compare("out", r * cols + c, y[r * cols + c], want, 1e-4 * want + 1e-9);
          if (!e.empty()) return e;
        }
      }
      return std::string();
    };
    in.bytes = 8.0 * rows * cols;
    in.flops = 0;
  } else if (k == "nbody_step") {
    int n = quick ? 300 : 65536;
    float dt = 0.01f, eps2 = 0.01f;
    in.size_text = "n=" + std::to_string(n);
    std::vector<float> pos = uniform(size_t(n) * 4, -1, 1),
                       vel = uniform(size_t(n) * 4, -0.1f, 0.1f);
    for (int i = 0; i < n; ++i)
      pos[size_t(i) * 4 + 3] = 0.5f + 0.5f * std::fabs(pos[size_t(i) * 4 + 3]);
    in.init = {to_bytes(pos), to_bytes(vel), to_bytes(std::vector<float>(size_t(n) * 4, 0.0f))};
    in.block = 128;  // the kernel's tile: one body per thread of a 128-thread block
    in.grid = blocks_for(n, 128);
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], b[2], n, dt, eps2};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto p = from_bytes<float>(init[0]), v0 = from_bytes<float>(init[1]);
      auto v = from_bytes<float>(out[1]), np = from_bytes<float>(out[2]);
      for (size_t i : check_indices(n, 128, 13)) {
        double a[3] = {0, 0, 0}, mag = 0;
        for (int j = 0; j < n; ++j) {
          double d[3], d2 = eps2;
          for (int c = 0; c < 3; ++c) {
            d[c] = double(p[size_t(j) * 4 + c]) - p[i * 4 + c];
            d2 += d[c] * d[c];
          }
          double s = p[size_t(j) * 4 + 3] / (d2 * std::sqrt(d2));
          for (int c = 0; c < 3; ++c) a[c] += d[c] * s;
          mag += s * std::sqrt(d2 - eps2);
        }
        for (int c = 0; c < 3; ++c) {
          double want_v = v0[i * 4 + c] + a[c] * dt;
          // Float accumulation over n bodies (in tiles) and rsqrt's approximation.
          double tol = 1e-4 * (std::fabs(want_v) + mag * dt) + 1e-6;
          std::string e = compare("vel", i * 4 + c, v[i * 4 + c], want_v, tol);
          if (e.empty())
            e = compare("new_pos", i * 4 + c, np[i * 4 + c], p[i * 4 + c] + want_v * dt,
                        tol * dt + 1e-6);
          if (!e.empty()) return e;
        }
      }
      return std::string();
    };
    in.bytes = 48.0 * n;
    in.flops = 20.0 * double(n) * n;  // the customary 20 FLOPs per body-body interaction
  } else if (k == "black_scholes") {
    int n = fit(quick ? 1000 : 1 << 24, 128);
    float R = 0.02f, V = 0.30f;
    in.size_text = "n=" + std::to_string(n);
    in.init = {to_bytes(std::vector<float>(n, 0.0f)), to_bytes(std::vector<float>(n, 0.0f)),
               to_bytes(uniform(n, 5, 30)), to_bytes(uniform(n, 1, 100)),
               to_bytes(uniform(n, 0.25f, 10))};
    in.block = 128;
    in.grid = blocks_for(n, 128);
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], b[2], b[3], b[4], R, V, n};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto S = from_bytes<float>(init[2]), X = from_bytes<float>(init[3]),
           T = from_bytes<float>(init[4]);
      auto call = from_bytes<float>(out[0]), put = from_bytes<float>(out[1]);
      auto cnd = [](double d) {
        double k = 1.0 / (1.0 + 0.2316419 * std::fabs(d));
        double c =
            0.39894228040143267793994605993438 * std::exp(-0.5 * d * d) *
            (k * (0.31938153 +
                  k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429)))));
        return d > 0 ? 1.0 - c : c;
      };
      for (size_t i : check_indices(n, 100000, 17)) {
        double s = S[i], x = X[i], t = T[i], sq = std::sqrt(t);
        double d1 = (std::log(s / x) + (R + 0.5 * V * V) * t) / (V * sq), d2 = d1 - V * sq;
        double e_rt = std::exp(-R * t);
        double want_c = s * cnd(d1) - x * e_rt * cnd(d2);
        double want_p = x * e_rt * (1.0 - cnd(d2)) - s * (1.0 - cnd(d1));
        // Cancellation: the result's error scales with the terms' size (s, x), not the result's.
        double tol = 2e-5 * (s + x);
        std::string e = compare("call", i, call[i], want_c, tol);
        if (e.empty()) e = compare("put", i, put[i], want_p, tol);
        if (!e.empty()) return e;
      }
      return std::string();
    };
    in.bytes = 20.0 * n;
    in.flops = 0;
  } else if (k == "stencil_5pt") {
    int w = quick ? 67 : 8192, h = quick ? 45 : 8192;
    float alpha = 0.2f;
    in.size_text = std::to_string(w) + "x" + std::to_string(h);
    in.init = {to_bytes(uniform(size_t(w) * h, -1, 1)),
               to_bytes(std::vector<float>(size_t(w) * h, 0.0f))};
    in.block = rt::Dim3(32, 8);
    in.grid = rt::Dim3(blocks_for(w, 32), blocks_for(h, 8));
    in.args = [=](const std::vector<rt::Buffer>& b) {
      return std::vector<rt::Arg>{b[0], b[1], w, h, alpha};
    };
    in.check = [=](const std::vector<Bytes>& init, const std::vector<Bytes>& out) {
      auto a = from_bytes<float>(init[0]), o = from_bytes<float>(out[1]);
      for (size_t idx : check_indices(size_t(w) * h, 1 << 22, 19)) {
        int x = int(idx % w), y = int(idx / w);
        double want = a[idx];
        if (!(x == 0 || y == 0 || x == w - 1 || y == h - 1))
          want +=
              alpha * (double(a[idx - 1]) + a[idx + 1] + a[idx - w] + a[idx + w] - 4.0 * a[idx]);
        std::string e = compare("out", idx, o[idx], want, 1e-6 * 8);
        if (!e.empty()) return e;
      }
      return std::string();
    };
    in.bytes = 8.0 * w * h;
    in.flops = 7.0 * w * h;
  }
  return in;
}

// Renames a SPIR-V module's one GLCompute entry point (glslc calls it "main") to `name`, so the
// gpuc runtime finds the kernel by its reflection name. SPIR-V spec 2.3 (physical layout), 2.2.1
// (literal strings: nul-terminated, padded to a word).
Result<std::string> rename_entry_point(std::string_view spv, const std::string& name) {
  if (spv.size() < 20 || spv.size() % 4) return make_error("not a SPIR-V module");
  std::vector<uint32_t> w(spv.size() / 4);
  std::memcpy(w.data(), spv.data(), spv.size());
  std::vector<uint32_t> out(w.begin(), w.begin() + 5);
  int renamed = 0;
  for (size_t i = 5; i < w.size();) {
    uint32_t count = w[i] >> 16, op = w[i] & 0xFFFF;
    if (count == 0 || i + count > w.size()) return make_error("malformed SPIR-V instruction");
    if (op == 15 /* OpEntryPoint */) {
      size_t s = i + 3;
      auto has_nul = [](uint32_t x) {
        for (int b = 0; b < 4; ++b)
          if (((x >> (8 * b)) & 0xFF) == 0) return true;
        return false;
      };
      while (s < i + count && !has_nul(w[s])) ++s;
      size_t after_name = s + 1;  // the word holding the terminating nul
      std::vector<uint32_t> lit((name.size() + 4) / 4, 0);
      std::memcpy(lit.data(), name.data(), name.size());
      std::vector<uint32_t> inst{w[i + 1], w[i + 2]};
      inst.insert(inst.end(), lit.begin(), lit.end());
      inst.insert(inst.end(), w.begin() + long(after_name), w.begin() + long(i + count));
      out.push_back(uint32_t(inst.size() + 1) << 16 | 15);
      out.insert(out.end(), inst.begin(), inst.end());
      ++renamed;
    } else {
      out.insert(out.end(), w.begin() + long(i), w.begin() + long(i + count));
    }
    i += count;
  }
  if (renamed != 1) return make_error("expected one entry point, found " + std::to_string(renamed));
  return std::string(reinterpret_cast<const char*>(out.data()), out.size() * 4);
}

struct Measured {
  double ms = 0;
  std::string error;  // non-empty: could not load, wrong result, or a runtime error
};

std::string err_of(const Error& e) {
  return e.message;
}

// One side of a comparison: an artifact, its loaded kernel and its timings.
struct Side {
  const Artifact* artifact = nullptr;
  rt::Module module;
  rt::Kernel kernel;
  Measured result;
  std::vector<double> times;
  bool timed() const { return result.error.empty(); }
};

// Measures gpuc's code and the peer's on the same buffers, interleaved. Both sides use one set of
// buffers (each side's correctness launch starts from freshly uploaded `init`), then warm up, then
// alternate timed launches (a b, b a, a b, ...), so neither side pays alone for what comes first
// in a process: freshly allocated memory, clocks ramping up. (Timing gpuc's side first on its own
// buffers made it up to 3.5x slower in one-kernel processes on the H100, 2026-11-25.)
void measure_pair(rt::Device& dev, const std::string& kernel_name, const Instance& in, int runs,
                  Side& a, Side* b) {
  std::vector<Side*> sides{&a};
  if (b) sides.push_back(b);
  for (Side* side : sides) {
    Result<rt::Module> mod = dev.load(*side->artifact);
    if (!mod) {
      side->result = {0, "load: " + err_of(mod.error())};
      continue;
    }
    side->module = *mod;
    Result<rt::Kernel> k = side->module.kernel(kernel_name);
    if (!k) {
      side->result = {0, err_of(k.error())};
      continue;
    }
    side->kernel = *k;
  }
  std::vector<rt::Buffer> bufs;
  for (const Bytes& init : in.init) {
    Result<rt::Buffer> buf = dev.alloc(init.size());
    if (!buf) {
      for (Side* side : sides)
        if (side->timed()) side->result = {0, "alloc: " + err_of(buf.error())};
      return;
    }
    bufs.push_back(*buf);
  }
  std::vector<rt::Arg> args = in.args(bufs);
  rt::Stream stream = dev.stream();
  // Correctness first, each side from the initial contents.
  for (Side* side : sides) {
    if (!side->timed()) continue;
    Status s;
    for (size_t i = 0; i < bufs.size() && s; ++i)
      s = bufs[i].upload(in.init[i].data(), in.init[i].size());
    if (!s) {
      side->result = {0, "upload: " + err_of(s.error())};
      continue;
    }
    s = stream.launch(side->kernel, in.grid, in.block, args);
    if (s) s = stream.synchronize();
    if (!s) {
      side->result = {0, "launch: " + err_of(s.error())};
      continue;
    }
    std::vector<Bytes> out;
    for (size_t i = 0; i < bufs.size() && s; ++i) {
      Bytes got(in.init[i].size());
      s = bufs[i].download(got.data(), got.size());
      out.push_back(std::move(got));
    }
    if (!s) {
      side->result = {0, "download: " + err_of(s.error())};
      continue;
    }
    std::string wrong = in.check(in.init, out);
    if (!wrong.empty()) side->result = {0, "WRONG RESULT: " + wrong};
  }
  Result<rt::Event> e0 = dev.create_event(), e1 = dev.create_event();
  if (!e0 || !e1) {
    for (Side* side : sides)
      if (side->timed()) side->result = {0, "create_event failed"};
    return;
  }
  // 3 warm-up launches per side, then `runs` timed launches per side, alternating the order.
  for (int r = -3; r < runs; ++r) {
    for (size_t n = 0; n < sides.size(); ++n) {
      Side& side = *sides[(r & 1) ? sides.size() - 1 - n : n];
      if (!side.timed()) continue;
      Status s = stream.record(*e0);
      if (s) s = stream.launch(side.kernel, in.grid, in.block, args);
      if (s) s = stream.record(*e1);
      if (s) s = stream.synchronize();
      if (!s) {
        side.result = {0, (r < 0 ? "warm-up: " : "timed run: ") + err_of(s.error())};
        continue;
      }
      if (r < 0) continue;
      Result<float> ms = rt::elapsed_ms(*e0, *e1);
      if (!ms) {
        side.result = {0, "elapsed_ms: " + err_of(ms.error())};
        continue;
      }
      side.times.push_back(*ms);
    }
  }
  for (Side* side : sides)
    if (side->timed()) side->result.ms = median(side->times);
}

// Device-to-device copy bandwidth (bytes read + written), median of runs.
double copy_bandwidth(rt::Device& dev, size_t bytes, int runs, std::string* why) {
  Result<rt::Buffer> a = dev.alloc(bytes), b = dev.alloc(bytes);
  if (!a || !b) {
    *why = "alloc failed";
    return 0;
  }
  (void)a->fill_zero();
  rt::Stream st = dev.stream();
  Result<rt::Event> e0 = dev.create_event(), e1 = dev.create_event();
  if (!e0 || !e1) return 0;
  std::vector<double> t;
  for (int r = 0; r < runs + 2; ++r) {
    Status s = st.record(*e0);
    if (s) s = st.copy(*a, *b, bytes);
    if (s) s = st.record(*e1);
    if (s) s = st.synchronize();
    if (!s) {
      *why = err_of(s.error());
      return 0;
    }
    Result<float> ms = rt::elapsed_ms(*e0, *e1);
    if (!ms) {
      *why = err_of(ms.error());
      return 0;
    }
    if (r >= 2) t.push_back(*ms);
  }
  return 2.0 * double(bytes) / (median(t) * 1e-3) / 1e9;
}

// A float4 grid-stride copy kernel compiled by gpuc: the bandwidth a kernel can reach. On
// NVIDIA's Vulkan driver vkCmdCopyBuffer on a compute queue runs at about a third of the device's
// bandwidth (849 GB/s on an H100 whose CUDA copy reaches 2990 GB/s), so the API copy alone is not a
// ceiling for kernels there.
constexpr const char* kCopyKernel = R"(
extern "C" __global__ void copy4(const float4* __restrict__ src, float4* __restrict__ dst,
                                 unsigned n) {
  for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    dst[i] = src[i];
}
)";

double kernel_copy_bandwidth(rt::Device& dev, size_t bytes, int runs, std::string* why) {
  std::optional<rt::Module> mod = compile_and_load(dev, "copy4.gk", kCopyKernel, why);
  if (!mod) return 0;
  Result<rt::Kernel> k = mod->kernel("copy4");
  Result<rt::Buffer> a = dev.alloc(bytes), b = dev.alloc(bytes);
  if (!k || !a || !b) {
    *why = "copy kernel: alloc or kernel lookup failed";
    return 0;
  }
  const unsigned n = static_cast<unsigned>(bytes / 16), block = 256;
  const unsigned grid = std::min<unsigned>((n + block - 1) / block, 65535);
  std::vector<float> host(bytes / 4);
  std::mt19937 rng(7);
  for (float& f : host) f = float(rng() % 1000);
  rt::Stream st = dev.stream();
  Status s = st.upload(*a, host.data(), bytes);
  if (s) s = b->fill_zero();
  if (s) s = st.launch(*k, grid, block, {*a, *b, n});
  std::vector<float> back(host.size());
  if (s) s = st.download(*b, back.data(), bytes);
  if (s) s = st.synchronize();
  if (!s) {
    *why = err_of(s.error());
    return 0;
  }
  if (back != host) {
    *why = "the copy kernel's output differs from its input";
    return 0;
  }
  Result<rt::Event> e0 = dev.create_event(), e1 = dev.create_event();
  if (!e0 || !e1) return 0;
  std::vector<double> t;
  for (int r = 0; r < runs + 2; ++r) {
    s = st.record(*e0);
    if (s) s = st.launch(*k, grid, block, {*a, *b, n});
    if (s) s = st.record(*e1);
    if (s) s = st.synchronize();
    Result<float> ms = s ? rt::elapsed_ms(*e0, *e1) : Result<float>(s.error());
    if (!ms) {
      *why = err_of(ms.error());
      return 0;
    }
    if (r >= 2) t.push_back(*ms);
  }
  return 2.0 * double(bytes) / (median(t) * 1e-3) / 1e9;
}

}  // namespace

std::optional<rt::Module> compile_and_load(rt::Device& dev, const std::string& name,
                                           const std::string& source, std::string* why,
                                           std::string* code) {
  const bool cuda = dev.backend() == rt::Backend::Cuda;
  CompileOptions co;
  co.target = cuda ? Target::Cuda : Target::Vulkan;
  if (cuda) co.arch = dev.info().api_version;
  Compilation c(co);
  CompileOutput out = c.compile_source(name, source);
  if (!out.ok) {
    *why = name + " did not compile: " + c.diagnostics().format_all();
    return std::nullopt;
  }
  if (code) *code = out.data;
  Result<rt::Module> mod = dev.load(make_artifact(co.target, out));
  if (!mod) {
    *why = "load of " + name + " failed: " + err_of(mod.error());
    return std::nullopt;
  }
  return std::move(*mod);
}

std::string check_peer_artifacts() {
  std::string problems;
  for (const std::string& k : kernel_stems()) {
    CompileOptions co;
    co.target = Target::Cuda;
    co.emit = Emit::Nvvm;  // the reflection is what matters here; libNVVM is not needed
    Compilation c(co);
    CompileOutput out = c.compile_source(k + ".gk", std::string(*kernel_source(k)));
    if (!out.ok) {
      problems += k + ": gpuc failed; ";
      continue;
    }
    for (const ir::KernelReflection& kr : out.reflection.kernels) {
      if (auto ptx = nvcc_ptx(k)) {
        // nvcc's entry: ".visible .entry NAME(" then one ".param" line per parameter.
        std::string head = ".entry " + kr.name + "(";
        size_t at = ptx->find(head);
        if (at == std::string_view::npos) {
          problems += k + ": nvcc PTX has no entry '" + kr.name + "' (mangled?); ";
          continue;
        }
        size_t end = ptx->find(')', at);
        std::string_view params = ptx->substr(at, end - at);
        size_t count = 0;
        for (size_t p = params.find(".param"); p != std::string_view::npos;
             p = params.find(".param", p + 1))
          ++count;
        if (count != kr.params.size())
          problems += k + ": nvcc PTX entry has " + std::to_string(count) + " params, gpuc's " +
                      std::to_string(kr.params.size()) + "; ";
      }
      if (auto spv = glslc_spirv(k)) {
        Result<std::string> renamed = rename_entry_point(*spv, kr.name);
        if (!renamed)
          problems += k + ": glslc SPIR-V: " + renamed.error().message + "; ";
        else if (renamed->find(kr.name) == std::string::npos)
          problems += k + ": renamed SPIR-V lacks the name; ";
      }
    }
  }
  return problems;
}

int run_kernel_speed(const Options& opt, rt::Device& dev, Ceilings* ceil, std::string* markdown,
                     std::string* csv) {
  const rt::DeviceInfo& info = dev.info();
  const bool cuda = info.backend == rt::Backend::Cuda;
  const int runs = opt.runs > 0 ? opt.runs : (opt.quick ? 3 : 50);
  // --bounds-check: the peer is gpuc's own unchecked code, so the ratio is the checks' cost.
  const std::string peer = opt.bounds_check ? "gpuc unchecked" : (cuda ? "nvcc -O3" : "glslc -O");
  std::string why;
  const size_t copy_bytes = opt.quick ? (1u << 20) : (size_t(1) << 30);
  const int copy_runs = opt.quick ? 3 : 20;
  std::string kernel_why;
  double api_copy = copy_bandwidth(dev, copy_bytes, copy_runs, &why);
  double kernel_copy = kernel_copy_bandwidth(dev, copy_bytes, copy_runs, &kernel_why);
  // The ceiling is the faster of the two ways to copy; both are reported.
  ceil->copy_gbps = std::max(api_copy, kernel_copy);
  std::string copy_note =
      "API copy " + (api_copy > 0 ? fmt(api_copy, 1) + " GB/s" : "not measured: " + why) +
      ", float4 copy kernel " +
      (kernel_copy > 0 ? fmt(kernel_copy, 1) + " GB/s" : "not measured: " + kernel_why);
  if (cuda && !opt.quick) {
    std::optional<double> g = cublas_sgemm_gflops(dev, 8192, 10, &ceil->sgemm_note);
    if (g) {
      ceil->sgemm_gflops = *g;
      ceil->sgemm_note = "cuBLAS sgemm 8192^3";
    }
  } else if (cuda) {
    ceil->sgemm_note = "not measured with --quick";
  } else {
    ceil->sgemm_note = "no Vulkan peak-FLOP/s reference";
  }

  Table t;
  t.title = std::string(cuda ? "CUDA" : "Vulkan") + ": gpuc vs " + peer + " on " + info.name +
            " (median of " + std::to_string(runs) + " runs, device timestamps)";
  t.columns = {
      "kernel",    "size",         "gpuc ms",      peer + " ms", "speed ratio (peer ms / gpuc ms)",
      "gpuc GB/s", "% of copy BW", "gpuc GFLOP/s", "notes"};
  std::vector<double> ratios;
  int failures = 0;
  std::vector<std::string> stems = kernel_stems();
  if (!opt.only.empty()) stems = {opt.only};
  std::mt19937 rng(uint32_t(opt.seed));
  std::string arch = cuda ? info.api_version : "";  // "sm_90"
  for (const std::string& k : stems) {
    Instance in = make_instance(k, opt.quick, info.max_grid_dims[0], rng);
    if (in.size_text.empty()) {
      t.rows.push_back({k, "", "", "", "", "", "", "", "no benchmark problem defined"});
      ++failures;
      continue;
    }
    CompileOptions co;
    co.target = cuda ? Target::Cuda : Target::Vulkan;
    co.arch = arch;
    co.bounds_check = opt.bounds_check;
    Compilation c(co);
    CompileOutput out = c.compile_source(k + ".gk", std::string(*kernel_source(k)));
    std::vector<std::string> row{k, in.size_text};
    if (!out.ok) {
      row.insert(row.end(), {"compile failed", "", "", "", "", "", ""});
      t.rows.push_back(row);
      ++failures;
      continue;
    }
    Artifact mine = make_artifact(co.target, out);
    Artifact theirs;
    theirs.target = mine.target;
    theirs.reflection = mine.reflection;
    std::string peer_missing;
    if (opt.bounds_check) {
      CompileOptions uo = co;
      uo.bounds_check = false;
      Compilation uc(uo);
      CompileOutput u = uc.compile_source(k + ".gk", std::string(*kernel_source(k)));
      if (u.ok)
        theirs = make_artifact(uo.target, u);
      else
        peer_missing = "the unchecked compilation failed";
    } else if (cuda) {
      if (auto p = nvcc_ptx(k))
        theirs.code = std::string(*p);
      else
        peer_missing = "nvcc PTX not built (no nvcc at build time)";
    } else if (auto p = glslc_spirv(k)) {
      Result<std::string> spv = rename_entry_point(*p, k);
      if (spv)
        theirs.code = *spv;
      else
        peer_missing = "glslc SPIR-V: " + err_of(spv.error());
    } else {
      peer_missing = "glslc SPIR-V not built (no glslc at build time)";
    }
    // Measures `code` against the peer and adds its row; only gpuc's own row counts in the mean.
    auto measure_one = [&](const std::string& label, const Artifact& code, bool variant) {
      std::vector<std::string> row{label, in.size_text};
      Side mine_side, peer_side;
      mine_side.artifact = &code;
      peer_side.artifact = &theirs;
      measure_pair(dev, k, in, runs, mine_side, peer_missing.empty() ? &peer_side : nullptr);
      const Measured& a = mine_side.result;
      const Measured b = peer_missing.empty() ? peer_side.result : Measured{0, peer_missing};
      std::string notes;
      if (!a.error.empty()) notes += "gpuc: " + a.error + " ";
      if (!b.error.empty()) notes += peer + ": " + b.error;
      if (!a.error.empty()) ++failures;
      if (!b.error.empty() && peer_missing.empty()) ++failures;
      double gbps = a.error.empty() ? in.bytes / (a.ms * 1e-3) / 1e9 : 0;
      double gflops = a.error.empty() && in.flops > 0 ? in.flops / (a.ms * 1e-3) / 1e9 : 0;
      double ratio = a.error.empty() && b.error.empty() ? b.ms / a.ms : 0;
      if (ratio > 0 && !variant) ratios.push_back(ratio);
      row.push_back(a.error.empty() ? fmt(a.ms, 4) : "-");
      row.push_back(b.error.empty() ? fmt(b.ms, 4) : "-");
      row.push_back(ratio > 0 ? fmt(ratio, 3) : "-");
      row.push_back(gbps > 0 ? fmt(gbps, 1) : "-");
      row.push_back(gbps > 0 && ceil->copy_gbps > 0 ? fmt(100.0 * gbps / ceil->copy_gbps, 1) : "-");
      std::string fl = gflops > 0 ? fmt(gflops, 1) : "-";
      if (gflops > 0 && k == "sgemm_tiled" && ceil->sgemm_gflops > 0)
        fl += " (" + fmt(100.0 * gflops / ceil->sgemm_gflops, 1) + "% of cuBLAS)";
      row.push_back(fl);
      row.push_back(notes);
      t.rows.push_back(row);
      *csv += std::string(backend_name(info.backend)) + "," + label + "," + in.size_text + "," +
              (a.error.empty() ? fmt(a.ms, 5) : "") + "," + peer + "," +
              (b.error.empty() ? fmt(b.ms, 5) : "") + "," + (ratio > 0 ? fmt(ratio, 4) : "") + "," +
              (gbps > 0 ? fmt(gbps, 2) : "") + "," + (gflops > 0 ? fmt(gflops, 2) : "") + "\n";
      std::fprintf(stderr, "%s %-16s gpuc %s ms, %s %s ms %s\n", backend_name(info.backend),
                   label.c_str(), row[2].c_str(), peer.c_str(), row[3].c_str(), notes.c_str());
    };
    // gpuc's code first, then each --variant file of this backend in its place (experiments).
    std::vector<std::pair<std::string, Artifact>> candidates{{k, mine}};
    for (const std::string& file : opt.variants) {
      bool ptx = file.ends_with(".ptx"), spv = file.ends_with(".spv");
      if ((cuda && !ptx) || (!cuda && !spv)) continue;
      Artifact v = mine;
      std::ifstream f(file, std::ios::binary);
      v.code.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      if (!f && !f.eof()) v.code.clear();
      candidates.emplace_back(k + " [" + file + "]", std::move(v));
    }
    for (size_t v = 0; v < candidates.size(); ++v) {
      const auto& [label, code] = candidates[v];
      if (code.code.empty()) {
        t.rows.push_back(
            {label, in.size_text, "cannot read the variant file", "", "", "", "", "", ""});
        ++failures;
        continue;
      }
      measure_one(label, code, v > 0);
    }
  }
  t.rows.push_back({"**geometric mean**", "", "", "",
                    ratios.empty() ? "-" : fmt(geomean(ratios), 3), "", "", "",
                    std::to_string(ratios.size()) + " kernels"});
  t.notes.push_back(
      "Device: " + info.name + " (" + info.device_type + "), driver " + info.driver + ", " +
      info.api_version + ". Copy bandwidth (device-to-device, read + write; the faster of " +
      copy_note +
      "): " + (ceil->copy_gbps > 0 ? fmt(ceil->copy_gbps, 1) + " GB/s" : "not measured") +
      ". sgemm reference: " +
      (ceil->sgemm_gflops > 0 ? fmt(ceil->sgemm_gflops, 0) + " GFLOP/s (" + ceil->sgemm_note + ")"
                              : ceil->sgemm_note) +
      ".");
  t.notes.push_back(
      "Speed ratio > 1: gpuc's code is faster. Both sides launch through gpuc's runtime "
      "with the same buffers, grid, block, inputs and parameter block, their timed launches "
      "interleaved (a b, b a, ...); GB/s counts the minimum bytes each launch must move.");
  *markdown += t.markdown();
  return failures ? 1 : 0;
}

}  // namespace gpuc::bench
