// Item C: launch overhead. Back-to-back launches of a tiny kernel through gpuc's runtime vs the
// raw CUDA driver API (cuLaunchKernel in a loop, libcuda.so.1 loaded here). Also cuBLAS sgemm
// (libcublas loaded at run time) as the FLOP/s ceiling for item B. Both raw paths share gpuc's
// CUDA context: the runtime uses the device's primary context.
#include <dlfcn.h>
#include <array>

#include <cstdio>

#include "gpu.h"
#include "gpuc/compiler.h"
#include "raw_vulkan.h"

namespace gpuc::bench {
namespace {

constexpr const char* kTinySource =
    "extern \"C\" __global__ void tiny(int n, float* p) {\n"
    "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
    "  if (i < n) p[i] += 1.0f;\n"
    "}\n";

// The few driver API entry points used here (cuda.h's signatures, opaque handles as void*).
struct RawCuda {
  using CUresult = int;
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDeviceGet)(int*, int) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(void**, int) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(int) = nullptr;
  CUresult (*cuCtxSetCurrent)(void*) = nullptr;
  CUresult (*cuCtxGetCurrent)(void**) = nullptr;
  CUresult (*cuModuleLoadData)(void**, const void*) = nullptr;
  CUresult (*cuModuleUnload)(void*) = nullptr;
  CUresult (*cuModuleGetFunction)(void**, void*, const char*) = nullptr;
  CUresult (*cuStreamCreate)(void**, unsigned) = nullptr;
  CUresult (*cuStreamDestroy)(void*) = nullptr;
  CUresult (*cuStreamSynchronize)(void*) = nullptr;
  CUresult (*cuLaunchKernel)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                             unsigned, void*, void**, void**) = nullptr;
  CUresult (*cuEventCreate)(void**, unsigned) = nullptr;
  CUresult (*cuEventRecord)(void*, void*) = nullptr;
  CUresult (*cuEventSynchronize)(void*) = nullptr;
  CUresult (*cuEventElapsedTime)(float*, void*, void*) = nullptr;
  CUresult (*cuEventDestroy)(void*) = nullptr;
  void* ctx = nullptr;
  int device = 0;

  bool load(std::string* why) {
    void* h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      *why = "libcuda.so.1 not found";
      return false;
    }
    bool ok = true;
    auto get = [&](auto& fn, const char* name, const char* v2 = nullptr) {
      void* p = v2 ? dlsym(h, v2) : nullptr;
      if (!p) p = dlsym(h, name);
      if (!p) ok = false;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
    };
    get(cuInit, "cuInit");
    get(cuDeviceGet, "cuDeviceGet");
    get(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    get(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease", "cuDevicePrimaryCtxRelease_v2");
    get(cuCtxSetCurrent, "cuCtxSetCurrent");
    get(cuCtxGetCurrent, "cuCtxGetCurrent");
    get(cuModuleLoadData, "cuModuleLoadData");
    get(cuModuleUnload, "cuModuleUnload");
    get(cuModuleGetFunction, "cuModuleGetFunction");
    get(cuStreamCreate, "cuStreamCreate");
    get(cuStreamDestroy, "cuStreamDestroy", "cuStreamDestroy_v2");
    get(cuStreamSynchronize, "cuStreamSynchronize");
    get(cuLaunchKernel, "cuLaunchKernel");
    get(cuEventCreate, "cuEventCreate");
    get(cuEventRecord, "cuEventRecord");
    get(cuEventSynchronize, "cuEventSynchronize");
    get(cuEventElapsedTime, "cuEventElapsedTime", "cuEventElapsedTime_v2");
    get(cuEventDestroy, "cuEventDestroy", "cuEventDestroy_v2");
    if (!ok) {
      *why = "libcuda.so.1 lacks a driver entry point";
      return false;
    }
    int r = cuInit(0);
    if (r == 0) r = cuDeviceGet(&device, 0);
    if (r == 0) r = cuDevicePrimaryCtxRetain(&ctx, device);
    if (r == 0) r = cuCtxSetCurrent(ctx);
    if (r != 0) {
      *why = "CUDA initialisation failed with CUresult " + std::to_string(r);
      return false;
    }
    return true;
  }
  ~RawCuda() {
    if (ctx) cuDevicePrimaryCtxRelease(device);
  }
};

// Microseconds per launch of `count` back-to-back launches (host wall time to completion).
template <typename F>
double us_per_launch(int count, int reps, F&& launch_all) {
  std::vector<double> t;
  for (int r = 0; r < reps + 1; ++r) {
    double t0 = now_seconds();
    if (!launch_all()) return -1;
    if (r > 0) t.push_back((now_seconds() - t0) * 1e6 / count);
  }
  return median(t);
}

}  // namespace

std::optional<double> cublas_sgemm_gflops(rt::Device& dev, int n, int runs, std::string* why) {
  RawCuda cu;
  if (!cu.load(why)) return std::nullopt;
  void* h = nullptr;
  for (const char* name :
       {"libcublas.so.13", "libcublas.so.12", "libcublas.so",
        "/usr/local/cuda/lib64/libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so"})
    if ((h = dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
  if (!h) {
    *why = "libcublas not found (FLOP/s reported without a cuBLAS reference)";
    return std::nullopt;
  }
  using Handle = void*;
  auto create = reinterpret_cast<int (*)(Handle*)>(dlsym(h, "cublasCreate_v2"));
  auto destroy = reinterpret_cast<int (*)(Handle)>(dlsym(h, "cublasDestroy_v2"));
  auto sgemm = reinterpret_cast<int (*)(Handle, int, int, int, int, int, const float*, const float*,
                                        int, const float*, int, const float*, float*, int)>(
      dlsym(h, "cublasSgemm_v2"));
  if (!create || !destroy || !sgemm) {
    *why = "libcublas lacks cublasCreate_v2/cublasSgemm_v2";
    return std::nullopt;
  }
  size_t bytes = size_t(n) * n * sizeof(float);
  Result<rt::Buffer> a = dev.alloc(bytes), b = dev.alloc(bytes), c = dev.alloc(bytes);
  if (!a || !b || !c) {
    *why = "alloc failed";
    return std::nullopt;
  }
  float one = 1.0f;
  (void)a->fill(&one, 4);
  (void)b->fill(&one, 4);
  (void)c->fill_zero();
  cu.cuCtxSetCurrent(cu.ctx);
  Handle handle = nullptr;
  if (create(&handle) != 0) {
    *why = "cublasCreate failed";
    return std::nullopt;
  }
  auto A = reinterpret_cast<const float*>(a->device_address());
  auto B = reinterpret_cast<const float*>(b->device_address());
  auto C = reinterpret_cast<float*>(c->device_address());
  void *e0 = nullptr, *e1 = nullptr;
  cu.cuEventCreate(&e0, 0);
  cu.cuEventCreate(&e1, 0);
  float alpha = 1.0f, beta = 0.0f;
  std::vector<double> t;
  int err = 0;
  for (int r = 0; r < runs + 2 && err == 0; ++r) {
    cu.cuEventRecord(e0, nullptr);
    err = sgemm(handle, 0, 0, n, n, n, &alpha, A, n, B, n, &beta, C, n);  // CUBLAS_OP_N
    cu.cuEventRecord(e1, nullptr);
    cu.cuEventSynchronize(e1);
    float ms = 0;
    cu.cuEventElapsedTime(&ms, e0, e1);
    if (r >= 2) t.push_back(ms);
  }
  cu.cuEventDestroy(e0);
  cu.cuEventDestroy(e1);
  destroy(handle);
  if (err != 0) {
    *why = "cublasSgemm failed with status " + std::to_string(err);
    return std::nullopt;
  }
  // C = A*B with all-ones inputs: every element equals n.
  float probe = 0;
  if (!c->download(&probe, 4) || probe != float(n)) {
    *why = "cuBLAS sgemm gave a wrong result";
    return std::nullopt;
  }
  return 2.0 * double(n) * n * n / (median(t) * 1e-3) / 1e9;
}

int run_launch_overhead(const Options& opt, rt::Device& dev, std::string* markdown,
                        std::string* csv) {
  const bool cuda = dev.backend() == rt::Backend::Cuda;
  const int count = opt.quick ? 20 : 2000, reps = opt.quick ? 2 : 10;
  std::string code, why;  // code: the PTX or SPIR-V, which the raw loops load themselves
  std::optional<rt::Module> mod = compile_and_load(dev, "tiny.gk", kTinySource, &why, &code);
  if (!mod) {
    *markdown += "Launch overhead: " + why + "\n\n";
    return 1;
  }
  Result<rt::Kernel> k = mod->kernel("tiny");
  Result<rt::TypedBuffer<float>> buf = dev.alloc_array<float>(32);
  if (!k || !buf) return 1;
  (void)buf->fill(0.0f);
  rt::Stream st = dev.stream();
  int n = 32;
  std::string error;
  double submit_seconds = 0;  // the last loop's host time for its launches, before the wait
  auto gpuc_loop = [&] {
    double t0 = now_seconds();
    for (int i = 0; i < count; ++i) {
      Status s = st.launch(*k, 1, 32, {n, *buf});
      if (!s) {
        error = s.error().message;
        return false;
      }
    }
    submit_seconds = now_seconds() - t0;
    Status s = st.synchronize();
    if (!s) error = s.error().message;
    return bool(s);
  };
  // gpuc's loop with its two Args built once, outside the loop: what constructing and destroying
  // the arguments (a value's bytes, a buffer's reference count) adds to each launch.
  const std::array<rt::Arg, 2> prebuilt{rt::Arg(n), rt::Arg(*buf)};
  auto gpuc_prebuilt_loop = [&] {
    for (int i = 0; i < count; ++i)
      if (!st.launch(*k, 1, 32, prebuilt)) return false;
    return bool(st.synchronize());
  };
  double gpuc_us = us_per_launch(count, reps, gpuc_loop);
  Table t;
  t.title = std::string(cuda ? "CUDA" : "Vulkan") + " launch overhead (" + std::to_string(count) +
            " back-to-back launches of a 1x32 kernel, host wall time to completion, median of " +
            std::to_string(reps) + ")";
  t.columns = {"path", "us per launch"};
  t.rows.push_back({"gpuc Stream::launch", gpuc_us > 0 ? fmt(gpuc_us, 2) : "failed: " + error});
  if (cuda) {
    RawCuda cu;
    std::string why;
    if (!cu.load(&why)) {
      t.rows.push_back({"raw cuLaunchKernel loop", "n/a: " + why});
    } else {
      void *m = nullptr, *f = nullptr, *s = nullptr;
      std::string ptx = code;
      int r = cu.cuModuleLoadData(&m, ptx.c_str());
      if (r == 0) r = cu.cuModuleGetFunction(&f, m, "tiny");
      if (r == 0) r = cu.cuStreamCreate(&s, 0);
      uint64_t p = buf->device_address();
      void* params[] = {&n, &p};
      auto raw_loop = [&] {
        double t0 = now_seconds();
        for (int i = 0; i < count; ++i)
          if (cu.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, s, params, nullptr) != 0) return false;
        submit_seconds = now_seconds() - t0;
        return cu.cuStreamSynchronize(s) == 0;
      };
      // The raw loop plus the one driver call gpuc's launch path adds (the context check).
      auto raw_ctx_loop = [&] {
        for (int i = 0; i < count; ++i) {
          void* current = nullptr;
          if (cu.cuCtxGetCurrent(&current) != 0 || current != cu.ctx) return false;
          if (cu.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, s, params, nullptr) != 0) return false;
        }
        return cu.cuStreamSynchronize(s) == 0;
      };
      double raw_us = -1, raw2_us = -1, raw_ctx_us = -1, gpuc_submit_us = -1, raw_submit_us = -1,
             prebuilt_us = -1;
      if (r == 0) {
        // Measured again interleaved with gpuc's loop, the order rotating (gpuc raw raw', raw
        // raw' gpuc, ...): clock and driver-queue drift between separate series showed up as
        // several % of overhead, and so might always going first. raw' is the raw loop a second
        // time (an A/A pair): the difference between raw and raw' is the measurement's noise.
        std::vector<double> g, w, w2, wc, gp, g_submit, w_submit;
        for (int rep = 0; rep < 2 * reps + 1; ++rep) {
          bool ok = true;
          double seconds[5] = {0, 0, 0, 0, 0};  // gpuc, raw, raw', raw + context, gpuc prebuilt
          for (int part = 0; part < 5 && ok; ++part) {
            int which = (part + rep) % 5;
            double t0 = now_seconds();
            ok = which == 0   ? gpuc_loop()
                 : which == 3 ? raw_ctx_loop()
                 : which == 4 ? gpuc_prebuilt_loop()
                              : raw_loop();
            seconds[which] = now_seconds() - t0;
            if (rep > 0 && which == 0) g_submit.push_back(submit_seconds * 1e6 / count);
            if (rep > 0 && which == 1) w_submit.push_back(submit_seconds * 1e6 / count);
          }
          if (!ok) break;
          if (rep == 0) continue;  // warm-up
          g.push_back(seconds[0] * 1e6 / count);
          w.push_back(seconds[1] * 1e6 / count);
          w2.push_back(seconds[2] * 1e6 / count);
          wc.push_back(seconds[3] * 1e6 / count);
          gp.push_back(seconds[4] * 1e6 / count);
        }
        if (!w.empty()) {
          gpuc_us = median(g);
          raw_us = median(w);
          raw2_us = median(w2);
          raw_ctx_us = median(wc);
          prebuilt_us = median(gp);
          gpuc_submit_us = median(g_submit);
          raw_submit_us = median(w_submit);
          t.rows[0][1] = fmt(gpuc_us, 2);
        }
      }
      if (s) cu.cuStreamDestroy(s);
      if (m) cu.cuModuleUnload(m);
      t.rows.push_back(
          {"raw cuLaunchKernel loop",
           raw_us > 0 ? fmt(raw_us, 2) : "failed (CUresult " + std::to_string(r) + ")"});
      if (raw_us > 0) {
        t.rows.push_back(
            {"gpuc overhead per launch",
             fmt(gpuc_us - raw_us, 2) + " (" + fmt(100.0 * (gpuc_us - raw_us) / raw_us, 1) + "%)"});
        t.rows.push_back({"raw loop again (A/A: the noise)",
                          fmt(raw2_us, 2) + " (" + fmt(100.0 * (raw2_us - raw_us) / raw_us, 1) +
                              "% from the first raw series)"});
        t.rows.push_back({"host time to submit, before the wait: gpuc / raw",
                          fmt(gpuc_submit_us, 2) + " / " + fmt(raw_submit_us, 2)});
        t.rows.push_back(
            {"raw loop + cuCtxGetCurrent per launch (gpuc's context check)",
             fmt(raw_ctx_us, 2) + " (" + fmt(100.0 * (raw_ctx_us - raw_us) / raw_us, 1) + "%)"});
        t.rows.push_back(
            {"gpuc Stream::launch, its Args built once before the loop",
             fmt(prebuilt_us, 2) + " (" + fmt(100.0 * (prebuilt_us - raw_us) / raw_us, 1) + "%)"});
        t.notes.push_back(
            "gpuc, the raw loop, the raw loop again, the raw loop with the context check and gpuc "
            "with prebuilt Args run interleaved in rotating order, " +
            std::to_string(2 * reps) + " series each after one warm-up; medians.");
        *csv += "launch,cuda,raw cuLaunchKernel," + fmt(raw_us, 3) + "\n";
      }
    }
  } else {
    Result<double> raw = raw_vulkan_us_per_dispatch(dev.info().name, code, "tiny", 32, count, reps);
    t.rows.push_back({"raw Vulkan: N vkCmdDispatch in one command buffer, one submit",
                      raw ? fmt(*raw, 2) : "failed: " + raw.error().message});
    if (raw) {
      t.rows.push_back({"gpuc overhead per launch", fmt(gpuc_us - *raw, 2)});
      *csv += "launch,vulkan,raw vkCmdDispatch loop," + fmt(*raw, 3) + "\n";
    }
    t.notes.push_back(
        "The raw loop records a push-constant update, the dispatch and a "
        "compute-to-compute memory barrier per launch.");
  }
  *csv += std::string("launch,") + backend_name(dev.backend()) + ",gpuc," + fmt(gpuc_us, 3) + "\n";
  *markdown += t.markdown();
  return gpuc_us > 0 ? 0 : 1;
}

}  // namespace gpuc::bench
