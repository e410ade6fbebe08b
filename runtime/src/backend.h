// The interface each driver backend (CUDA, Vulkan) implements behind the public runtime API.
//
// Ownership: public handles hold a shared_ptr to the DeviceImpl plus one to their object, so a
// device outlives every object made on it. Objects hold a raw DeviceImpl*. Streams keep the
// buffers and modules their queued work uses alive (KeepAlive) until that work completes, and a
// DeviceImpl waits for all its streams before it is destroyed.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpuc/runtime/runtime.h"

namespace gpuc::rt::detail {

class BufferImpl {
 public:
  virtual ~BufferImpl() = default;
  size_t size = 0;
  uint64_t address = 0;  // device address
  DeviceImpl* device = nullptr;
};

// What Stream::launch reads for one kernel, in a few contiguous cache lines: the shape limits
// folded together, the parameter layout and the backend's handle. Launch overhead is a cache-miss
// cost: the driver call between two launches evicts gpuc's data, and the reflection it replaces
// here (KernelReflection, its parameters, DeviceInfo, the backend's per-kernel vectors) spans a
// dozen lines. Built once per kernel when its module is loaded (build_launch_plans).
// Aligned to a cache line: a kernel with up to three parameters reads two.
struct alignas(64) LaunchPlan {
  static constexpr uint32_t kMaxParams = 16;
  static constexpr uint32_t kMaxParamBlock = 256;
  struct Param {
    uint32_t offset = 0;
    uint32_t size = 0;
    bool pointer = false;
  };
  // False sends every launch of the kernel through Stream::launch_checked: --bounds-check, more
  // than kMaxParams parameters or kMaxParamBlock bytes of them, shared memory above the device's.
  bool fast = false;
  uint8_t param_count = 0;
  uint32_t param_block_size = 0;
  const void* native = nullptr;  // the backend's handle of the kernel (CUfunction)
  uint64_t max_threads = 0;      // per block: the device's, __launch_bounds__, the backend's
  std::array<uint32_t, 3> fixed_block{0, 0, 0};  // [[gpuc::block]], all zero when none
  std::array<uint32_t, 3> max_block{0, 0, 0};
  std::array<uint32_t, 3> max_grid{0, 0, 0};
  Param params[kMaxParams];

  // The checks of launch_checked's prepare_launch on the shape, without their messages.
  bool shape_ok(Dim3 grid, Dim3 block) const {
    if (grid.x - 1 >= max_grid[0] || grid.y - 1 >= max_grid[1] || grid.z - 1 >= max_grid[2] ||
        block.x - 1 >= max_block[0] || block.y - 1 >= max_block[1] || block.z - 1 >= max_block[2])
      return false;  // a zero extent wraps around to UINT32_MAX
    if (block.count() > max_threads) return false;
    return fixed_block[0] == 0 ||
           (block.x == fixed_block[0] && block.y == fixed_block[1] && block.z == fixed_block[2]);
  }
};

class ModuleImpl {
 public:
  virtual ~ModuleImpl() = default;
  std::vector<LaunchPlan> plans;  // per reflected kernel (first: the launch path reads it)
  ir::ModuleReflection reflection;
  DeviceImpl* device = nullptr;
  // For build_launch_plans: the backend's handle of kernel i, and its own limit on threads per
  // block (CUDA: register use).
  virtual const void* launch_handle(uint32_t) const { return nullptr; }
  virtual uint64_t thread_limit(uint32_t) const { return UINT64_MAX; }
};

// Fills module.plans from its reflection, the device's limits and the backend's per-kernel
// handles (runtime.cpp; called by Device::load after the backend loaded the module).
void build_launch_plans(ModuleImpl& module, const DeviceInfo& device);

class EventImpl {
 public:
  virtual ~EventImpl() = default;
  DeviceImpl* device = nullptr;
  bool recorded = false;
};

// Objects a queued command uses, released when it completes.
using KeepAlive = std::vector<std::shared_ptr<void>>;

// A launch's parameter block: inline up to kInline bytes (every push-constant-sized block), so
// the launch path allocates nothing in the common case (launch overhead is benchmarked).
class ParamBlock {
 public:
  static constexpr size_t kInline = 256;
  // size() becomes n, every byte zero.
  void assign_zeros(size_t n) {
    size_ = n;
    if (n > kInline)
      heap_ = std::make_unique<char[]>(n);  // value-initialised: zeros
    else
      std::memset(inline_, 0, n);
  }
  char* data() { return size_ > kInline ? heap_.get() : inline_; }
  const char* data() const { return size_ > kInline ? heap_.get() : inline_; }
  size_t size() const { return size_; }

 private:
  size_t size_ = 0;
  char inline_[kInline];
  std::unique_ptr<char[]> heap_;
};

// Validated launch: the kernel, shapes within limits, the parameter block assembled.
struct LaunchRequest {
  const ModuleImpl* module = nullptr;
  uint32_t kernel = 0;  // index into module->reflection.kernels
  Dim3 grid, block;
  ParamBlock params;  // param_block_size bytes, the layout of the reflection
};

// A record of kBoundsRecordWords u32 at `offset` in a device buffer of many (allocated by chunks
// and zeroed once, so a launch allocates and clears nothing once the stream has enough records).
struct BoundsSlot {
  std::shared_ptr<BufferImpl> buffer;
  size_t offset = 0;
  bool dirty = false;  // may hold a violation: zeroed before its next launch
};

// A launch of a kernel compiled with --bounds-check whose record is not read yet (runtime.cpp).
struct BoundsLaunch {
  BoundsSlot record;                            // zero when the launch starts
  uint32_t words[ir::kBoundsRecordWords] = {};  // read after it completed
  std::shared_ptr<ModuleImpl> module;           // keeps the reflection alive
  uint32_t kernel = 0;
  std::vector<uint64_t> extents;  // per user parameter: bytes addressable from the pointer
};

class StreamImpl {
 public:
  virtual ~StreamImpl() = default;
  // Ranges are checked by the caller.
  virtual Status upload(BufferImpl& dst, size_t offset, const void* src, size_t bytes,
                        KeepAlive keep) = 0;
  virtual Status download(BufferImpl& src, size_t offset, void* dst, size_t bytes,
                          KeepAlive keep) = 0;
  // pattern_size is 1, 2, 4 or 8; offset and bytes are multiples of it.
  virtual Status fill(BufferImpl& dst, size_t offset, size_t bytes, const void* pattern,
                      size_t pattern_size, KeepAlive keep) = 0;
  virtual Status copy(BufferImpl& src, size_t src_offset, BufferImpl& dst, size_t dst_offset,
                      size_t bytes, KeepAlive keep) = 0;
  virtual Status launch(const LaunchRequest& request, KeepAlive keep) = 0;
  // The launch path of backends whose launches need no KeepAlive (launches_need_keep_alive
  // false): a kernel whose plan is fast, a shape that passed plan.shape_ok and a parameter block
  // of plan.param_block_size bytes. Never called otherwise.
  virtual Status launch_fast(const LaunchPlan& plan, Dim3 grid, Dim3 block, char* params) {
    (void)plan, (void)grid, (void)block, (void)params;
    return make_error("internal error: launch_fast on a backend without it");
  }
  // False when the backend needs no KeepAlive for launches (CUDA: freeing memory or unloading a
  // module waits for the work that uses it), so the hot launch path skips building one and calls
  // launch_fast. A field, not a virtual call: the launch path reads it on every launch.
  bool launches_need_keep_alive = true;
  virtual Status record(EventImpl& event) = 0;
  virtual Status flush() = 0;
  virtual Status synchronize() = 0;
  DeviceImpl* device = nullptr;
  // --bounds-check: launches whose record is read at the next wait, and records to reuse. Guarded
  // by bounds_mutex (Device::synchronize reads every stream's from any thread).
  std::vector<std::unique_ptr<BoundsLaunch>> bounds_pending;
  std::vector<BoundsSlot> bounds_free;
  std::mutex bounds_mutex;
};

class DeviceImpl {
 public:
  virtual ~DeviceImpl() = default;
  DeviceInfo info;

  virtual Result<std::shared_ptr<BufferImpl>> alloc(size_t bytes) = 0;
  // The artifact's target matches the backend (checked by the caller).
  virtual Result<std::shared_ptr<ModuleImpl>> load(const Artifact& artifact) = 0;
  virtual Result<std::shared_ptr<StreamImpl>> create_stream() = 0;
  virtual Result<std::shared_ptr<EventImpl>> create_event() = 0;
  // Both events recorded on this device.
  virtual Result<float> elapsed_ms(EventImpl& start, EventImpl& end) = 0;
  // Synchronous host<->buffer copies (after all queued work). Defaults use the default stream.
  virtual Status write_now(BufferImpl& dst, size_t offset, const void* src, size_t bytes);
  virtual Status read_now(BufferImpl& src, size_t offset, void* dst, size_t bytes);
  // Waits for every stream.
  Status synchronize_all();

  std::shared_ptr<StreamImpl> default_stream;
  // Streams made by create_stream (weak: a stream dies with its last handle).
  std::vector<std::weak_ptr<StreamImpl>> streams;
  std::mutex streams_mutex;

  // Validation (Vulkan).
  bool validation_active = false;
  std::vector<std::string> validation_messages;
  std::mutex validation_mutex;

  void warn(const std::string& message) const;
  std::function<void(const std::string&)> on_warning;
};

// Backend entry points (cuda_device.cpp, vulkan_device.cpp).
void enumerate_cuda(DeviceList& list);
void enumerate_vulkan(DeviceList& list);
Result<std::shared_ptr<DeviceImpl>> open_cuda(uint32_t index, const DeviceOptions& options);
Result<std::shared_ptr<DeviceImpl>> open_vulkan(uint32_t index, const DeviceOptions& options);

// Waits for `stream`, then (--bounds-check) reads the records of the bounds-checked launches the
// wait covered (a copy of each record chunk's range, then a wait on the idle stream) and returns
// the wait's error, else an error describing the first out-of-bounds access. Records are read
// here, not per launch: a copy to pageable host memory blocks the host on CUDA.
Status synchronize_checked(StreamImpl& stream);

// Formats a byte count for messages ("1.5 GiB (1610612736 bytes)").
std::string format_bytes(uint64_t bytes);

}  // namespace gpuc::rt::detail
