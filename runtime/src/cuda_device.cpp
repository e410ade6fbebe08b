// The CUDA backend: the driver API loaded at run time from libcuda.so.1 (no link-time dependency),
// PTX loaded with cuModuleLoadDataEx, launches through cuLaunchKernel with kernelParams[i] pointing
// at parameter i inside the reflected parameter block (the launch ABI).
#include <dlfcn.h>

#include <cstring>
#include <mutex>

#include "backend.h"

namespace gpuc::rt::detail {

namespace {

// The driver API's types, declared here so the runtime builds without cuda.h (values from
// cuda.h, CUDA 12/13; they are ABI and never change).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;
using CUevent = struct CUevent_st*;
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_NOT_READY = 600;
enum : int {
  CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
  CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
  CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};
enum : int {
  CU_JIT_INFO_LOG_BUFFER = 3,
  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};
constexpr int CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
// The classic kernel parameter space limit (4 KiB); larger blocks need a newer ABI.
constexpr uint32_t kCudaMaxParamBytes = 4096;

struct CudaApi {
#define CUDA_FN(member, symbol, params) CUresult(*member) params = nullptr;
#include "cuda_api.def"
#undef CUDA_FN
  std::string load_error;  // non-empty: the library or an entry point could not be loaded
  CUresult init_result = CUDA_SUCCESS;
};

// Loaded once per process; never unloaded (the driver does not support dlclose).
const CudaApi& cuda_api() {
  static CudaApi api;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = ::dlerror();
      api.load_error =
          std::string("cannot load libcuda.so.1 (no NVIDIA driver): ") + (e ? e : "unknown error");
      return;
    }
#define CUDA_FN(member, symbol, params)                                      \
  api.member = reinterpret_cast<decltype(api.member)>(::dlsym(lib, symbol)); \
  if (!api.member && api.load_error.empty())                                 \
    api.load_error = std::string("libcuda.so.1 has no entry point ") + symbol + " (driver too old)";
#include "cuda_api.def"
#undef CUDA_FN
    if (api.load_error.empty()) api.init_result = api.cuInit(0);
  });
  return api;
}

std::string result_name(CUresult r) {
  const CudaApi& api = cuda_api();
  const char* name = nullptr;
  const char* text = nullptr;
  if (api.cuGetErrorName && api.cuGetErrorName(r, &name) != CUDA_SUCCESS) name = nullptr;
  if (api.cuGetErrorString && api.cuGetErrorString(r, &text) != CUDA_SUCCESS) text = nullptr;
  std::string s = name ? name : "CUresult " + std::to_string(r);
  if (text) s += std::string(" (") + text + ")";
  return s;
}

Error cu_error(const char* call, CUresult r) {
  return make_error(std::string(call) + " failed: " + result_name(r));
}

// Calls a driver function; on failure returns an error naming it and its result code.
#define CU_TRY(call_expr, name)                        \
  do {                                                 \
    CUresult r_ = (call_expr);                         \
    if (r_ != CUDA_SUCCESS) return cu_error(name, r_); \
  } while (0)

// Destructors cannot return errors: a failing release call is reported as a warning instead.
void check_release(const DeviceImpl* device, const char* call, CUresult r) {
  if (r != CUDA_SUCCESS && device) device->warn(cu_error(call, r).message);
}

// The API if usable, else the reason.
Result<const CudaApi*> usable_api() {
  const CudaApi& api = cuda_api();
  if (!api.load_error.empty()) return make_error("cuda: " + api.load_error);
  if (api.init_result != CUDA_SUCCESS)
    return make_error("cuda: cuInit failed: " + result_name(api.init_result));
  return &api;
}

Result<DeviceInfo> query_info(const CudaApi& api, int ordinal) {
  DeviceInfo info;
  info.backend = Backend::Cuda;
  info.index = static_cast<uint32_t>(ordinal);
  CUdevice dev = 0;
  CU_TRY(api.cuDeviceGet(&dev, ordinal), "cuDeviceGet");
  char name[256] = {};
  CU_TRY(api.cuDeviceGetName(name, sizeof name - 1, dev), "cuDeviceGetName");
  info.name = name;
  size_t mem = 0;
  CU_TRY(api.cuDeviceTotalMem(&mem, dev), "cuDeviceTotalMem");
  info.memory_bytes = mem;
  auto attr = [&](int a, uint32_t* out) -> Status {
    int v = 0;
    CU_TRY(api.cuDeviceGetAttribute(&v, a, dev), "cuDeviceGetAttribute");
    *out = static_cast<uint32_t>(v);
    return {};
  };
  uint32_t major = 0, minor = 0;
  for (auto [a, out] : std::initializer_list<std::pair<int, uint32_t*>>{
           {CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, &info.max_threads_per_block},
           {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, &info.max_block_dims[0]},
           {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X + 1, &info.max_block_dims[1]},
           {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X + 2, &info.max_block_dims[2]},
           {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, &info.max_grid_dims[0]},
           {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X + 1, &info.max_grid_dims[1]},
           {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X + 2, &info.max_grid_dims[2]},
           {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, &info.max_shared_bytes},
           {CU_DEVICE_ATTRIBUTE_WARP_SIZE, &info.subgroup_size},
           {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &major},
           {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &minor}}) {
    Status s = attr(a, out);
    if (!s) return s.error();
  }
  info.max_push_constant_bytes = kCudaMaxParamBytes;
  info.device_type = "gpu";
  int version = 0;
  CU_TRY(api.cuDriverGetVersion(&version), "cuDriverGetVersion");
  info.driver =
      "CUDA driver " + std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
  info.api_version = "sm_" + std::to_string(major) + std::to_string(minor);
  return info;
}

class CudaDevice;

class CudaBuffer : public BufferImpl {
 public:
  ~CudaBuffer() override;
  CUcontext ctx = nullptr;
};

class CudaModule : public ModuleImpl {
 public:
  ~CudaModule() override {
    const CudaApi& api = cuda_api();
    check_release(device, "cuCtxSetCurrent", api.cuCtxSetCurrent(ctx));
    if (module) check_release(device, "cuModuleUnload", api.cuModuleUnload(module));
  }
  CUcontext ctx = nullptr;
  CUmodule module = nullptr;
  std::vector<CUfunction> functions;            // per reflected kernel
  std::vector<uint32_t> max_threads_per_block;  // per kernel, after register allocation
  const void* launch_handle(uint32_t kernel) const override { return functions[kernel]; }
  uint64_t thread_limit(uint32_t kernel) const override { return max_threads_per_block[kernel]; }
};

class CudaEvent : public EventImpl {
 public:
  ~CudaEvent() override {
    const CudaApi& api = cuda_api();
    check_release(device, "cuCtxSetCurrent", api.cuCtxSetCurrent(ctx));
    if (event) check_release(device, "cuEventDestroy", api.cuEventDestroy(event));
  }
  CUcontext ctx = nullptr;
  CUevent event = nullptr;
};

CudaBuffer::~CudaBuffer() {
  const CudaApi& api = cuda_api();
  check_release(device, "cuCtxSetCurrent", api.cuCtxSetCurrent(ctx));
  check_release(device, "cuMemFree", api.cuMemFree(address));
}

class CudaStream : public StreamImpl {
 public:
  // Freeing memory or unloading a module waits for the work that uses it (cuMemFree,
  // cuModuleUnload), so launches keep nothing alive and take launch_fast.
  CudaStream() { launches_need_keep_alive = false; }
  ~CudaStream() override {
    if (!stream) return;
    check_release(device, "cuCtxSetCurrent", api.cuCtxSetCurrent(ctx));
    check_release(device, "cuStreamSynchronize", api.cuStreamSynchronize(stream));
    check_release(device, "cuStreamDestroy", api.cuStreamDestroy(stream));
  }
  Status upload(BufferImpl& dst, size_t offset, const void* src, size_t bytes, KeepAlive) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuMemcpyHtoDAsync(dst.address + offset, src, bytes, stream), "cuMemcpyHtoDAsync");
    return {};
  }
  Status download(BufferImpl& src, size_t offset, void* dst, size_t bytes, KeepAlive) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuMemcpyDtoHAsync(dst, src.address + offset, bytes, stream), "cuMemcpyDtoHAsync");
    return {};
  }
  Status fill(BufferImpl& dst, size_t offset, size_t bytes, const void* pattern,
              size_t pattern_size, KeepAlive) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CUdeviceptr p = dst.address + offset;
    uint64_t v = 0;
    std::memcpy(&v, pattern, pattern_size);
    if (pattern_size == 8 && (v & 0xffffffffu) == (v >> 32)) pattern_size = 4;
    switch (pattern_size) {
      case 1:
        CU_TRY(api.cuMemsetD8Async(p, static_cast<unsigned char>(v), bytes, stream),
               "cuMemsetD8Async");
        return {};
      case 2:
        CU_TRY(api.cuMemsetD16Async(p, static_cast<unsigned short>(v), bytes / 2, stream),
               "cuMemsetD16Async");
        return {};
      case 4:
        CU_TRY(api.cuMemsetD32Async(p, static_cast<unsigned int>(v), bytes / 4, stream),
               "cuMemsetD32Async");
        return {};
      default: {
        // An 8-byte pattern with distinct halves: expand on the host (pageable copies are staged
        // before cuMemcpyHtoDAsync returns, so the vector may go right after).
        std::vector<uint64_t> host(bytes / 8, v);
        CU_TRY(api.cuMemcpyHtoDAsync(p, host.data(), bytes, stream), "cuMemcpyHtoDAsync");
        return {};
      }
    }
  }
  Status copy(BufferImpl& src, size_t src_offset, BufferImpl& dst, size_t dst_offset, size_t bytes,
              KeepAlive) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuMemcpyDtoDAsync(dst.address + dst_offset, src.address + src_offset, bytes, stream),
           "cuMemcpyDtoDAsync");
    return {};
  }
  // The message of launch()'s block check (launch_checked's path; launch_fast relies on the plan).
  [[gnu::cold, gnu::noinline]] static Status block_too_large(const ir::KernelReflection& k,
                                                             Dim3 block, uint32_t max) {
    return make_error("kernel '" + k.name + "': a block of " + std::to_string(block.count()) +
                      " threads exceeds the " + std::to_string(max) +
                      " this kernel can run with (cuFuncGetAttribute "
                      "CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: register use)");
  }
  // Stream::launch_checked's launches (bounds-checked kernels, plans that are not fast).
  Status launch(const LaunchRequest& req, KeepAlive) override {
    const auto& m = static_cast<const CudaModule&>(*req.module);
    const ir::KernelReflection& k = m.reflection.kernels[req.kernel];
    if (req.block.count() > m.max_threads_per_block[req.kernel])
      return block_too_large(k, req.block, m.max_threads_per_block[req.kernel]);
    // kernelParams: one pointer per parameter into the parameter block.
    std::vector<void*> params(k.params.size());
    for (size_t i = 0; i < k.params.size(); ++i)
      params[i] = const_cast<char*>(req.params.data()) + k.params[i].offset;
    return enqueue(m.functions[req.kernel], req.grid, req.block,
                   params.empty() ? nullptr : params.data());
  }
  // The launch path (Stream::launch has checked the shape against the plan, whose thread limit
  // includes max_threads_per_block, and assembled the parameter block).
  Status launch_fast(const LaunchPlan& plan, Dim3 grid, Dim3 block, char* params) override {
    void* pointers[LaunchPlan::kMaxParams];
    for (uint32_t i = 0; i < plan.param_count; ++i) pointers[i] = params + plan.params[i].offset;
    return enqueue(static_cast<CUfunction>(const_cast<void*>(plan.native)), grid, block,
                   plan.param_count ? pointers : nullptr);
  }
  // cuLaunchKernel on this stream. The context is set only when another one is current:
  // cuCtxGetCurrent reads the thread's context stack, cheaper than making the context current
  // again every launch.
  Status enqueue(CUfunction function, Dim3 grid, Dim3 block, void** params) {
    CUcontext current = nullptr;
    if (api.cuCtxGetCurrent(&current) != CUDA_SUCCESS || current != ctx)
      CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuLaunchKernel(function, grid.x, grid.y, grid.z, block.x, block.y, block.z, 0,
                              stream, params, nullptr),
           "cuLaunchKernel");
    return {};
  }
  Status record(EventImpl& event) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuEventRecord(static_cast<CudaEvent&>(event).event, stream), "cuEventRecord");
    event.recorded = true;
    return {};
  }
  Status flush() override { return {}; }  // CUDA starts work as it is queued
  Status synchronize() override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CU_TRY(api.cuStreamSynchronize(stream), "cuStreamSynchronize");
    return {};
  }

  const CudaApi& api = cuda_api();
  CUcontext ctx = nullptr;
  CUstream stream = nullptr;
};

class CudaDevice : public DeviceImpl {
 public:
  ~CudaDevice() override {
    if (!ctx) return;  // the primary context was never retained
    Status s = synchronize_all();
    if (!s) warn(s.error().message);
    default_stream.reset();
    check_release(this, "cuDevicePrimaryCtxRelease", api.cuDevicePrimaryCtxRelease(dev));
  }

  Result<std::shared_ptr<BufferImpl>> alloc(size_t bytes) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CUdeviceptr p = 0;
    CUresult r = api.cuMemAlloc(&p, bytes);
    if (r != CUDA_SUCCESS)
      return make_error("cannot allocate " + format_bytes(bytes) + " on '" + info.name +
                        "' (device memory: " + format_bytes(info.memory_bytes) +
                        "): " + cu_error("cuMemAlloc", r).message);
    auto b = std::make_shared<CudaBuffer>();
    b->ctx = ctx;
    b->size = bytes;
    b->address = p;
    b->device = this;
    return std::shared_ptr<BufferImpl>(std::move(b));
  }

  Result<std::shared_ptr<ModuleImpl>> load(const Artifact& artifact) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    std::string ptx = artifact.code;  // cuModuleLoadDataEx wants NUL-terminated PTX
    std::vector<char> error_log(16384, '\0'), info_log(16384, '\0');
    int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                     CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES};
    void* values[] = {error_log.data(), reinterpret_cast<void*>(error_log.size() - 1),
                      info_log.data(), reinterpret_cast<void*>(info_log.size() - 1)};
    auto m = std::make_shared<CudaModule>();
    m->ctx = ctx;
    m->device = this;
    m->reflection = artifact.reflection;
    CUresult r = api.cuModuleLoadDataEx(&m->module, ptx.c_str(), 4, options, values);
    if (r != CUDA_SUCCESS) {
      m->module = nullptr;
      std::string log(error_log.data());
      return make_error("cannot load PTX on '" + info.name +
                        "': " + cu_error("cuModuleLoadDataEx", r).message +
                        (log.empty() ? "" : "\nJIT log:\n" + log));
    }
    for (const ir::KernelReflection& k : m->reflection.kernels) {
      CUfunction f = nullptr;
      r = api.cuModuleGetFunction(&f, m->module, k.name.c_str());
      if (r != CUDA_SUCCESS)
        return make_error(
            "the PTX module has no entry point for kernel '" + k.name +
            "' named in its reflection: " + cu_error("cuModuleGetFunction", r).message);
      int max_threads = 0;
      CU_TRY(api.cuFuncGetAttribute(&max_threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f),
             "cuFuncGetAttribute");
      m->functions.push_back(f);
      m->max_threads_per_block.push_back(static_cast<uint32_t>(max_threads));
    }
    return std::shared_ptr<ModuleImpl>(std::move(m));
  }

  Result<std::shared_ptr<StreamImpl>> create_stream() override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    auto s = std::make_shared<CudaStream>();
    s->ctx = ctx;
    s->device = this;
    CU_TRY(api.cuStreamCreate(&s->stream, 0), "cuStreamCreate");
    return std::shared_ptr<StreamImpl>(std::move(s));
  }

  Result<std::shared_ptr<EventImpl>> create_event() override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    auto e = std::make_shared<CudaEvent>();
    e->ctx = ctx;
    e->device = this;
    CU_TRY(api.cuEventCreate(&e->event, 0), "cuEventCreate");
    return std::shared_ptr<EventImpl>(std::move(e));
  }

  Result<float> elapsed_ms(EventImpl& start, EventImpl& end) override {
    CU_TRY(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    float ms = 0;
    CUresult r = api.cuEventElapsedTime(&ms, static_cast<CudaEvent&>(start).event,
                                        static_cast<CudaEvent&>(end).event);
    if (r == CUDA_ERROR_NOT_READY)
      return make_error("elapsed_ms: the events have not completed; synchronize the stream first");
    if (r != CUDA_SUCCESS) return cu_error("cuEventElapsedTime", r);
    return ms;
  }

  const CudaApi& api = cuda_api();
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
};

}  // namespace

void enumerate_cuda(DeviceList& list) {
  Result<const CudaApi*> api = usable_api();
  if (!api) {
    list.notes.push_back(api.error().message);
    return;
  }
  int count = 0;
  CUresult r = (*api)->cuDeviceGetCount(&count);
  if (r != CUDA_SUCCESS) {
    list.notes.push_back("cuda: " + cu_error("cuDeviceGetCount", r).message);
    return;
  }
  if (count == 0) list.notes.push_back("cuda: the driver reports no devices");
  for (int i = 0; i < count; ++i) {
    Result<DeviceInfo> info = query_info(**api, i);
    if (!info) {
      list.notes.push_back("cuda:" + std::to_string(i) + ": " + info.error().message);
      continue;
    }
    list.devices.push_back(std::move(*info));
  }
}

Result<std::shared_ptr<DeviceImpl>> open_cuda(uint32_t index, const DeviceOptions& options) {
  Result<const CudaApi*> api_r = usable_api();
  if (!api_r) return api_r.error();
  const CudaApi& api = **api_r;
  int count = 0;
  CU_TRY(api.cuDeviceGetCount(&count), "cuDeviceGetCount");
  if (index >= static_cast<uint32_t>(count))
    return make_error("no CUDA device " + std::to_string(index) + " (the driver reports " +
                      std::to_string(count) + ")");
  Result<DeviceInfo> info = query_info(api, static_cast<int>(index));
  if (!info) return info.error();
  auto d = std::make_shared<CudaDevice>();
  d->info = std::move(*info);
  d->on_warning = options.on_warning;
  CU_TRY(api.cuDeviceGet(&d->dev, static_cast<int>(index)), "cuDeviceGet");
  CUresult r = api.cuDevicePrimaryCtxRetain(&d->ctx, d->dev);
  if (r != CUDA_SUCCESS) {
    // Nothing retained: keep the destructor from releasing.
    auto err = cu_error("cuDevicePrimaryCtxRetain", r);
    d->ctx = nullptr;
    return err;
  }
  Result<std::shared_ptr<StreamImpl>> s = d->create_stream();
  if (!s) return s.error();
  d->default_stream = std::move(*s);
  return std::shared_ptr<DeviceImpl>(std::move(d));
}

}  // namespace gpuc::rt::detail
