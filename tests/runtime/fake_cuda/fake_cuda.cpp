// A test double of the CUDA driver (built as libcuda.so.1 in its own directory and put first on
// LD_LIBRARY_PATH by the runtime_tests_fake_cuda test): device memory is host memory, and the five
// runtime test kernels are emulated on the host by entry-point name, reading their arguments
// through kernelParams exactly as the GPU would. It checks the runtime's CUDA plumbing (driver
// loading, error names, parameter passing, streams, events, the JIT log) on hosts without a GPU;
// it is no substitute for running on one.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using CUdeviceptr = unsigned long long;
constexpr CUresult kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2, kNoDevice = 100,
                   kInvalidPtx = 218, kNotFound = 500, kNotReady = 600, kNotSupported = 801;
constexpr size_t kMemory = size_t(1) << 30;

struct Function {
  std::string name;
  int max_threads = 1024;
};
struct Module {
  std::map<std::string, Function> functions;
};
struct Event {
  bool recorded = false;
  std::chrono::steady_clock::time_point at;
};

const char* error_name(CUresult r) {
  switch (r) {
    case kSuccess:
      return "CUDA_SUCCESS";
    case kInvalidValue:
      return "CUDA_ERROR_INVALID_VALUE";
    case kOutOfMemory:
      return "CUDA_ERROR_OUT_OF_MEMORY";
    case kNoDevice:
      return "CUDA_ERROR_NO_DEVICE";
    case kInvalidPtx:
      return "CUDA_ERROR_INVALID_PTX";
    case kNotFound:
      return "CUDA_ERROR_NOT_FOUND";
    case kNotReady:
      return "CUDA_ERROR_NOT_READY";
    case kNotSupported:
      return "CUDA_ERROR_NOT_SUPPORTED";
    default:
      return nullptr;
  }
}

template <typename T>
T param(void** params, int i) {
  T v;
  std::memcpy(&v, params[i], sizeof(T));
  return v;
}
template <typename T>
T* ptr(void** params, int i) {
  return reinterpret_cast<T*>(param<CUdeviceptr>(params, i));
}

struct Launch {
  unsigned gx, gy, gz, bx, by, bz;
};

// The test kernels (tests/runtime/kernels/kernels.cu), one host loop each.
CUresult emulate(const std::string& name, const Launch& l, void** p) {
  unsigned threads_x = l.gx * l.bx, threads_y = l.gy * l.by;
  if (name == "saxpy") {
    int n = param<int>(p, 0);
    float a = param<float>(p, 1);
    const float* x = ptr<float>(p, 2);
    float* y = ptr<float>(p, 3);
    for (unsigned i = 0; i < threads_x; ++i)
      if (i < unsigned(n)) y[i] = a * x[i] + y[i];
  } else if (name == "reduce_sum") {
    const float* in = ptr<float>(p, 0);
    float* partial = ptr<float>(p, 1);
    unsigned n = param<unsigned>(p, 2);
    for (unsigned b = 0; b < l.gx; ++b) {
      float total = 0;
      for (unsigned t = 0; t < l.bx; ++t)
        if (b * l.bx + t < n) total += in[b * l.bx + t];
      partial[b] = total;
    }
  } else if (name == "big_params") {
    float* out = ptr<float>(p, 0);
    const float* c = static_cast<const float*>(p[1]);  // struct Coeffs { float c[32]; }
    int n = param<int>(p, 2);
    for (unsigned i = 0; i < threads_x && i < 1000; ++i) out[i] = c[i % 32] * float(i) + float(n);
  } else if (name == "fill2d") {
    unsigned* out = ptr<unsigned>(p, 0);
    unsigned w = param<unsigned>(p, 1), h = param<unsigned>(p, 2);
    for (unsigned y = 0; y < threads_y; ++y)
      for (unsigned x = 0; x < threads_x; ++x)
        if (x < w && y < h) out[y * w + x] = (y << 16) | x;
  } else if (name == "fixed64") {
    unsigned* out = ptr<unsigned>(p, 0);
    for (unsigned i = 0; i < threads_x; ++i) out[i] = l.bx * 1000u + i % l.bx;
  } else {
    return kNotSupported;
  }
  return kSuccess;
}

}  // namespace

extern "C" {

CUresult cuInit(unsigned) {
  return std::getenv("FAKE_CUDA_NO_DEVICE") ? kNoDevice : kSuccess;
}
CUresult cuDriverGetVersion(int* v) {
  *v = 13000;
  return kSuccess;
}
CUresult cuGetErrorName(CUresult r, const char** name) {
  *name = error_name(r);
  return *name ? kSuccess : kInvalidValue;
}
CUresult cuGetErrorString(CUresult r, const char** text) {
  *text = r == kOutOfMemory ? "out of memory" : error_name(r);
  return *text ? kSuccess : kInvalidValue;
}
CUresult cuDeviceGetCount(int* n) {
  *n = 1;
  return kSuccess;
}
CUresult cuDeviceGet(int* d, int ordinal) {
  if (ordinal != 0) return kInvalidValue;
  *d = 0;
  return kSuccess;
}
CUresult cuDeviceGetName(char* name, int len, int) {
  std::strncpy(name, "Fake CUDA device", len);
  return kSuccess;
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, int) {
  *bytes = kMemory;
  return kSuccess;
}
CUresult cuDeviceGetAttribute(int* v, int attribute, int) {
  static const std::map<int, int> attrs = {{1, 1024},    {2, 1024},  {3, 1024},  {4, 64},
                                           {5, 1 << 30}, {6, 65535}, {7, 65535}, {8, 49152},
                                           {10, 32},     {75, 9},    {76, 0}};
  auto it = attrs.find(attribute);
  if (it == attrs.end()) return kInvalidValue;
  *v = it->second;
  return kSuccess;
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, int) {
  static int context;
  *ctx = &context;
  return kSuccess;
}
CUresult cuDevicePrimaryCtxRelease_v2(int) {
  return kSuccess;
}
// The calling thread's current context, as the real driver keeps it per thread.
static thread_local void* current_context = nullptr;
CUresult cuCtxSetCurrent(void* ctx) {
  current_context = ctx;
  return kSuccess;
}
CUresult cuCtxGetCurrent(void** ctx) {
  if (!ctx) return kInvalidValue;
  *ctx = current_context;
  return kSuccess;
}
CUresult cuCtxSynchronize() {
  return kSuccess;
}
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
  if (bytes == 0) return kInvalidValue;
  if (bytes > kMemory) return kOutOfMemory;
  void* m = std::malloc(bytes);
  if (!m) return kOutOfMemory;
  *p = reinterpret_cast<uintptr_t>(m);
  return kSuccess;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  std::free(reinterpret_cast<void*>(p));
  return kSuccess;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, void*) {
  std::memcpy(reinterpret_cast<void*>(dst), src, n);
  return kSuccess;
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, void*) {
  std::memcpy(dst, reinterpret_cast<void*>(src), n);
  return kSuccess;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, void*) {
  std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<void*>(src), n);
  return kSuccess;
}
CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n, void*) {
  std::memset(reinterpret_cast<void*>(dst), v, n);
  return kSuccess;
}
CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short v, size_t n, void*) {
  auto* d = reinterpret_cast<unsigned short*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = v;
  return kSuccess;
}
CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned v, size_t n, void*) {
  auto* d = reinterpret_cast<unsigned*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = v;
  return kSuccess;
}
// Loads PTX text: every `.entry NAME` becomes a function; `.maxntid X` caps its block. PTX
// containing "bogus" fails with a JIT log, as ptxas would.
CUresult cuModuleLoadDataEx(void** module, const void* image, unsigned n, int* options,
                            void** values) {
  std::string ptx(static_cast<const char*>(image));
  if (ptx.find("bogus") != std::string::npos) {
    for (unsigned i = 0; i < n; ++i) {
      if (options[i] != 5) continue;  // CU_JIT_ERROR_LOG_BUFFER
      size_t size = 0;
      for (unsigned j = 0; j < n; ++j)
        if (options[j] == 6) size = reinterpret_cast<uintptr_t>(values[j]);
      std::strncpy(static_cast<char*>(values[i]),
                   "ptxas application ptx input, line 4; error   : "
                   "Unknown symbol 'bogus'",
                   size);
    }
    return kInvalidPtx;
  }
  auto* m = new Module;
  for (size_t at = ptx.find(".entry "); at != std::string::npos; at = ptx.find(".entry ", at + 1)) {
    size_t b = at + 7, e = ptx.find_first_of("( \n", b);
    Function f;
    f.name = ptx.substr(b, e - b);
    size_t body = ptx.find('{', e), maxntid = ptx.find(".maxntid", e);
    if (maxntid != std::string::npos && maxntid < body)
      f.max_threads = std::atoi(&ptx[maxntid + 9]);
    m->functions[f.name] = f;
  }
  *module = m;
  return kSuccess;
}
CUresult cuModuleUnload(void* module) {
  delete static_cast<Module*>(module);
  return kSuccess;
}
CUresult cuModuleGetFunction(void** f, void* module, const char* name) {
  auto& fs = static_cast<Module*>(module)->functions;
  auto it = fs.find(name);
  if (it == fs.end()) return kNotFound;
  *f = &it->second;
  return kSuccess;
}
CUresult cuFuncGetAttribute(int* v, int attribute, void* f) {
  if (attribute != 0) return kInvalidValue;
  *v = static_cast<Function*>(f)->max_threads;
  return kSuccess;
}
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned shared, void*, void** params, void** extra) {
  if (extra || shared) return kInvalidValue;
  return emulate(static_cast<Function*>(f)->name, Launch{gx, gy, gz, bx, by, bz}, params);
}
CUresult cuStreamCreate(void** s, unsigned) {
  *s = new int(0);
  return kSuccess;
}
CUresult cuStreamDestroy_v2(void* s) {
  delete static_cast<int*>(s);
  return kSuccess;
}
CUresult cuStreamSynchronize(void*) {
  return kSuccess;
}
CUresult cuEventCreate(void** e, unsigned) {
  *e = new Event;
  return kSuccess;
}
CUresult cuEventDestroy_v2(void* e) {
  delete static_cast<Event*>(e);
  return kSuccess;
}
CUresult cuEventRecord(void* e, void*) {
  static_cast<Event*>(e)->recorded = true;
  static_cast<Event*>(e)->at = std::chrono::steady_clock::now();
  return kSuccess;
}
CUresult cuEventQuery(void* e) {
  return static_cast<Event*>(e)->recorded ? kSuccess : kNotReady;
}
CUresult cuEventElapsedTime(float* ms, void* a, void* b) {
  auto* s = static_cast<Event*>(a);
  auto* t = static_cast<Event*>(b);
  if (!s->recorded || !t->recorded) return kNotReady;
  *ms = std::chrono::duration<float, std::milli>(t->at - s->at).count();
  return kSuccess;
}

}  // extern "C"
