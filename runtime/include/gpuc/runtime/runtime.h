// gpuc's runtime: one Device / Buffer / Module / Kernel / Stream / Event API over CUDA and Vulkan.
//
// Both drivers are loaded at run time (libcuda.so.1, libvulkan.so.1), so a program linking the
// runtime starts on hosts without either; a missing driver is an error only when that backend is
// used. Every driver failure becomes an error value naming the failing call and its result code.
// Launch arguments are checked against the kernel's reflection (count, pointer vs value, byte
// size) before anything reaches the driver. Thread safety: alloc, load and create_* may be called
// from several threads; whatever queues work goes through a stream, and a stream must be used by
// one thread at a time (the synchronous Buffer operations and Device::launch use the default
// stream).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "gpuc/artifact/artifact.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/support/result.h"

namespace gpuc::rt {

namespace detail {
class DeviceImpl;
class BufferImpl;
class ModuleImpl;
class StreamImpl;
class EventImpl;
struct LaunchPlan;
}  // namespace detail

enum class Backend : uint8_t { Cuda, Vulkan };
const char* backend_name(Backend b);  // "cuda" / "vulkan"
// The artifact target a backend runs.
ArtifactTarget backend_target(Backend b);

struct DeviceInfo {
  Backend backend = Backend::Vulkan;
  uint32_t index = 0;  // index within its backend, as open(backend, index) takes it
  std::string name;
  uint64_t memory_bytes = 0;   // device-local memory (the largest device-local heap on Vulkan)
  uint32_t subgroup_size = 0;  // warpSize
  uint32_t max_threads_per_block = 0;
  std::array<uint32_t, 3> max_block_dims{0, 0, 0};
  std::array<uint32_t, 3> max_grid_dims{0, 0, 0};
  uint32_t max_shared_bytes = 0;         // static shared memory per block
  uint32_t max_push_constant_bytes = 0;  // Vulkan maxPushConstantsSize; CUDA: kernel param limit
  std::string device_type;  // Vulkan: discrete, integrated, virtual, cpu, other; CUDA: gpu
  std::string driver;       // driver name and version
  std::string api_version;  // Vulkan API version ("1.3.230"); CUDA compute capability ("sm_90")
  bool usable = true;       // false: listed but cannot run gpuc kernels (see unusable_reason)
  std::string unusable_reason;
};

struct DeviceList {
  std::vector<DeviceInfo> devices;  // CUDA devices first, then Vulkan devices
  // Why a backend contributed no device ("cuda: cannot load libcuda.so.1: ...").
  std::vector<std::string> notes;
};

// Lists every CUDA and Vulkan device. Never fails: an unavailable backend adds a note.
DeviceList enumerate_devices();
// The device `auto` opens: CUDA device 0 when a CUDA driver and device are present, else the best
// usable Vulkan device (discrete > integrated > virtual > cpu, then more memory). Null if none.
const DeviceInfo* pick_auto_device(const DeviceList& list);

struct DeviceOptions {
  // Vulkan: enable VK_LAYER_KHRONOS_validation when installed, and record every warning/error
  // message it reports (Device::validation_messages()). Ignored by CUDA.
  bool validation = false;
  // Vulkan: keep a VkPipelineCache on disk between runs.
  bool pipeline_cache = true;
  // Where the pipeline cache lives; empty: $XDG_CACHE_HOME/gpuc, else $HOME/.cache/gpuc.
  std::string pipeline_cache_dir;
  // Receives non-fatal warnings (a corrupt pipeline cache ignored, validation unavailable ...).
  // Unset: printed to stderr as "gpuc: warning: ...".
  std::function<void(const std::string&)> on_warning;
};

// A grid or block shape. Each component must be >= 1.
struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
  constexpr Dim3() = default;
  constexpr Dim3(uint32_t x_, uint32_t y_ = 1, uint32_t z_ = 1) : x(x_), y(y_), z(z_) {}  // NOLINT
  constexpr uint64_t count() const { return uint64_t(x) * y * z; }
};

class Device;
class Stream;

// Device memory, freed when the last copy of the handle goes (work queued on a stream keeps it
// alive until that work completes). The synchronous operations below first wait for all work on
// the device, so they observe every launch made before them.
class Buffer {
 public:
  Buffer() = default;
  bool valid() const { return impl_ != nullptr; }
  size_t size() const;
  uint64_t device_address() const;  // the pointer value kernels receive
  Backend backend() const;

  // Copies `bytes` bytes between host memory and the buffer at `offset`. Out of range: error.
  Status upload(const void* data, size_t bytes, size_t offset = 0);
  Status download(void* data, size_t bytes, size_t offset = 0) const;
  // Fills [offset, offset+bytes) with a repeated pattern of 1, 2, 4 or 8 bytes; bytes must be a
  // multiple of the pattern size. bytes == SIZE_MAX: to the end of the buffer.
  Status fill(const void* pattern, size_t pattern_size, size_t offset = 0, size_t bytes = SIZE_MAX);
  Status fill_zero() {
    uint32_t z = 0;
    return fill(&z, 4);
  }
  // Copies `bytes` bytes from src (at src_offset) to this buffer (at dst_offset).
  Status copy_from(const Buffer& src, size_t bytes, size_t src_offset = 0, size_t dst_offset = 0);
  // Frees the buffer now (after work queued on it completes).
  void reset();

 private:
  friend class Device;
  friend class Stream;
  friend class Arg;
  std::shared_ptr<detail::DeviceImpl> device_;  // declared first: outlives impl_
  std::shared_ptr<detail::BufferImpl> impl_;
};

// A Buffer of `count()` elements of T (trivially copyable), with element-sized upload/download.
template <typename T>
class TypedBuffer {
  static_assert(std::is_trivially_copyable_v<T>, "TypedBuffer<T> needs a trivially copyable T");

 public:
  TypedBuffer() = default;
  explicit TypedBuffer(Buffer b) : buffer_(std::move(b)) {}
  size_t count() const { return buffer_.size() / sizeof(T); }
  Buffer& buffer() { return buffer_; }
  const Buffer& buffer() const { return buffer_; }
  uint64_t device_address() const { return buffer_.device_address(); }
  // Writes data to elements [first, first + data.size()).
  Status upload(std::span<const T> data, size_t first = 0) {
    if (first > count() || data.size() > count() - first)
      return make_error("upload of " + std::to_string(data.size()) + " elements at element " +
                        std::to_string(first) + " does not fit a buffer of " +
                        std::to_string(count()) + " elements");
    return buffer_.upload(data.data(), data.size_bytes(), first * sizeof(T));
  }
  // Reads elements [first, first + out.size()).
  Status download(std::span<T> out, size_t first = 0) const {
    if (first > count() || out.size() > count() - first)
      return make_error("download of " + std::to_string(out.size()) + " elements at element " +
                        std::to_string(first) + " does not fit a buffer of " +
                        std::to_string(count()) + " elements");
    return buffer_.download(out.data(), out.size_bytes(), first * sizeof(T));
  }
  // Reads the whole buffer.
  Result<std::vector<T>> download() const {
    std::vector<T> out(count());
    Status s = download(std::span<T>(out));
    if (!s) return s.error();
    return out;
  }
  Status fill(const T& value) { return buffer_.fill(&value, sizeof(T)); }

 private:
  Buffer buffer_;
};

// One launch argument: a pointer (a buffer's device address) or a value's bytes.
class Arg {
 public:
  enum class Kind : uint8_t { Pointer, Value };

  Arg(const Buffer& buffer, uint64_t byte_offset = 0);  // NOLINT: implicit by design
  template <typename T>
  Arg(const TypedBuffer<T>& buffer) : Arg(buffer.buffer()) {}  // NOLINT
  // A scalar, vector or struct by value. Host pointers are rejected at compile time: pass a
  // Buffer, or Arg::address for a raw device address.
  template <typename T>
  requires(std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_null_pointer_v<T> &&
           !std::is_array_v<T>) Arg(const T& value)
      : kind_(Kind::Value), bytes_(sizeof(T), '\0') {  // NOLINT
    std::memcpy(bytes_.data(), &value, sizeof(T));
  }
  // A raw device address passed as a pointer argument. A kernel compiled with --bounds-check needs
  // the number of bytes addressable from it (`size_bytes`); without it, its launch is an error.
  static Arg address(uint64_t device_address);
  static Arg address(uint64_t device_address, uint64_t size_bytes);
  // `size` bytes passed by value (a struct assembled by hand).
  static Arg bytes(const void* data, size_t size);

  Kind kind() const { return kind_; }
  size_t size() const { return bytes_.size(); }
  const char* data() const { return bytes_.data(); }

 private:
  friend class Stream;
  Arg() = default;
  Kind kind_ = Kind::Value;
  std::string bytes_;
  std::shared_ptr<detail::BufferImpl> buffer_;  // keeps the buffer alive while queued
  uint64_t offset_ = 0;                         // byte offset into buffer_
  bool from_buffer_ = false;                    // made from a Buffer (possibly an empty one)
  bool has_extent_ = false;                     // Arg::address with a size
  uint64_t extent_ = 0;                         // its size in bytes
};

class Kernel;

// An artifact loaded on a device: its code for the device's backend, and the kernels' reflection.
class Module {
 public:
  Module() = default;
  bool valid() const { return impl_ != nullptr; }
  // The kernel named `name`; an unknown name is an error listing the available kernels.
  Result<Kernel> kernel(const std::string& name) const;
  std::vector<std::string> kernel_names() const;
  const ir::ModuleReflection& reflection() const;

 private:
  friend class Device;
  std::shared_ptr<detail::DeviceImpl> device_;
  std::shared_ptr<detail::ModuleImpl> impl_;
};

class Kernel {
 public:
  Kernel() = default;
  bool valid() const { return impl_ != nullptr; }
  const std::string& name() const { return reflection().name; }
  const ir::KernelReflection& reflection() const;

 private:
  friend class Module;
  friend class Stream;
  friend Status launch(const Kernel&, Dim3, Dim3, std::initializer_list<Arg>);
  std::shared_ptr<detail::DeviceImpl> device_;
  std::shared_ptr<detail::ModuleImpl> impl_;
  uint32_t index_ = 0;
  const detail::LaunchPlan* plan_ = nullptr;  // impl_->plans[index_], which the launch path reads
};

// A point in a stream's work with a device timestamp (CUDA events; Vulkan timestamp queries).
class Event {
 public:
  Event() = default;
  bool valid() const { return impl_ != nullptr; }

 private:
  friend class Device;
  friend class Stream;
  friend Result<float> elapsed_ms(const Event&, const Event&);
  std::shared_ptr<detail::DeviceImpl> device_;
  std::shared_ptr<detail::EventImpl> impl_;
};

// Milliseconds of device time between two recorded, completed events of one device.
Result<float> elapsed_ms(const Event& start, const Event& end);

// An in-order queue of asynchronous work. Host memory passed to upload() may be reused as soon as
// the call returns; memory passed to download() is written by the time synchronize() returns.
class Stream {
 public:
  Stream() = default;
  bool valid() const { return impl_ != nullptr; }

  Status upload(Buffer& dst, const void* src, size_t bytes, size_t dst_offset = 0);
  Status download(const Buffer& src, void* dst, size_t bytes, size_t src_offset = 0);
  Status fill(Buffer& dst, const void* pattern, size_t pattern_size, size_t offset = 0,
              size_t bytes = SIZE_MAX);
  Status copy(const Buffer& src, Buffer& dst, size_t bytes, size_t src_offset = 0,
              size_t dst_offset = 0);
  // Launches `kernel` on a grid of `grid` blocks of `block` threads. The arguments are checked
  // against the kernel's reflection; a mismatch is an error naming the parameter. A kernel
  // compiled with --bounds-check gets its buffers' sizes and a zeroed out-of-bounds record; the
  // first call that waits for the launch (synchronize, Device::synchronize, a synchronous Buffer
  // operation) returns an error describing its first out-of-bounds access, once.
  Status launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::span<const Arg> args);
  Status launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::initializer_list<Arg> args) {
    return launch(kernel, grid, block, std::span<const Arg>(args.begin(), args.size()));
  }
  // Records `event` at this point of the stream.
  Status record(Event& event);
  // Starts the work queued so far without waiting for it.
  Status flush();
  // Waits for all work queued so far; reports the first error of that work.
  Status synchronize();

 private:
  friend class Device;
  friend Status launch(const Kernel&, Dim3, Dim3, std::initializer_list<Arg>);
  // launch()'s out-of-line path: every launch it does not take itself (bounds-checked kernels,
  // errors, with their messages).
  Status launch_checked(const Kernel& kernel, Dim3 grid, Dim3 block, std::span<const Arg> args);
  // launch()'s end on backends that keep a launch's module and buffers alive (Vulkan).
  Status launch_keeping_alive(const Kernel& kernel, Dim3 grid, Dim3 block,
                              std::span<const Arg> args, const char* params);
  std::shared_ptr<detail::DeviceImpl> device_;
  std::shared_ptr<detail::StreamImpl> impl_;
};

class Device {
 public:
  Device() = default;
  // spec: "auto", "cuda", "vulkan", "cuda:N", "vulkan:N". "cuda"/"vulkan" alone: that backend's
  // best device. With spec "auto", the environment variable GPUC_DEVICE (same syntax) overrides.
  static Result<Device> open(const std::string& spec = "auto", DeviceOptions options = {});
  static Result<Device> open(Backend backend, uint32_t index, DeviceOptions options = {});

  bool valid() const { return impl_ != nullptr; }
  const DeviceInfo& info() const;
  Backend backend() const { return info().backend; }

  Result<Buffer> alloc(size_t bytes);
  template <typename T>
  Result<TypedBuffer<T>> alloc_array(size_t count) {
    if (count == 0 || count > SIZE_MAX / sizeof(T))
      return make_error("cannot allocate an array of " + std::to_string(count) + " elements");
    Result<Buffer> b = alloc(count * sizeof(T));
    if (!b) return b.error();
    return TypedBuffer<T>(std::move(*b));
  }
  // Allocates an array holding a copy of `data`.
  template <typename T>
  Result<TypedBuffer<T>> upload_array(std::span<const T> data) {
    Result<TypedBuffer<T>> b = alloc_array<T>(data.size());
    if (!b) return b;
    Status s = b->upload(data);
    if (!s) return s.error();
    return b;
  }
  template <typename T>
  Result<TypedBuffer<T>> upload_array(const std::vector<T>& data) {
    return upload_array(std::span<const T>(data));
  }

  // Loads the artifact for this device's backend (picked out of a bundle). An artifact for the
  // other target is an error.
  Result<Module> load(const Bundle& bundle);
  Result<Module> load(const Artifact& artifact);
  Result<Module> load_file(const std::string& path);  // load_artifact_file + load

  // The default stream (what Device::launch and the synchronous Buffer operations use).
  Stream stream();
  Result<Stream> create_stream();
  Result<Event> create_event();

  Status launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::initializer_list<Arg> args) {
    return stream().launch(kernel, grid, block, args);
  }
  // Waits for the work of every stream of this device.
  Status synchronize();

  // Vulkan with DeviceOptions::validation: whether the layer is active, and every message it
  // reported (warnings and errors) so far.
  bool validation_enabled() const;
  std::vector<std::string> validation_messages() const;
  void clear_validation_messages();

 private:
  std::shared_ptr<detail::DeviceImpl> impl_;
};

// Launches on the default stream of the kernel's device.
Status launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::initializer_list<Arg> args);

}  // namespace gpuc::rt
