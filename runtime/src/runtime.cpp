// The public runtime API: device selection, range-checked buffer operations, module loading and
// launch argument checking against reflection, dispatched to the CUDA or Vulkan backend.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "backend.h"

namespace gpuc::rt {

using detail::DeviceImpl;

const char* backend_name(Backend b) {
  return b == Backend::Cuda ? "cuda" : "vulkan";
}

ArtifactTarget backend_target(Backend b) {
  return b == Backend::Cuda ? ArtifactTarget::Cuda : ArtifactTarget::Vulkan;
}

namespace detail {

std::string format_bytes(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 6) {
    v /= 1024.0;
    ++u;
  }
  if (u == 0) return std::to_string(bytes) + " bytes";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s (%" PRIu64 " bytes)", v, units[u], bytes);
  return buf;
}

void DeviceImpl::warn(const std::string& message) const {
  if (on_warning)
    on_warning(message);
  else
    std::cerr << "gpuc: warning: " << message << "\n";
}

Status DeviceImpl::synchronize_all() {
  Status first;
  auto note = [&](Status s) {
    if (!s && first) first = std::move(s);
  };
  if (default_stream) note(synchronize_checked(*default_stream));
  std::vector<std::shared_ptr<StreamImpl>> live;
  {
    std::lock_guard<std::mutex> lock(streams_mutex);
    for (auto& w : streams)
      if (auto s = w.lock()) live.push_back(std::move(s));
    std::erase_if(streams, [](const std::weak_ptr<StreamImpl>& w) { return w.expired(); });
  }
  for (auto& s : live) note(synchronize_checked(*s));
  return first;
}

Status DeviceImpl::write_now(BufferImpl& dst, size_t offset, const void* src, size_t bytes) {
  Status s = synchronize_all();
  if (!s) return s;
  s = default_stream->upload(dst, offset, src, bytes, {});
  if (!s) return s;
  return default_stream->synchronize();
}

Status DeviceImpl::read_now(BufferImpl& src, size_t offset, void* dst, size_t bytes) {
  Status s = synchronize_all();
  if (!s) return s;
  s = default_stream->download(src, offset, dst, bytes, {});
  if (!s) return s;
  return default_stream->synchronize();
}

namespace {

// "out-of-bounds store in kernel 'saxpy' (saxpy.gk:4:22): parameter 'y' (#3), element 1024 (byte
// offset 4096) of a 4096-byte buffer (2 more out-of-bounds accesses in this launch)".
std::string describe_violation(const BoundsLaunch& b) {
  const ir::KernelReflection& k = b.module->reflection.kernels[b.kernel];
  uint32_t site_id = b.words[ir::kBoundsSite];
  uint32_t param = b.words[ir::kBoundsParam];
  int64_t offset = static_cast<int64_t>(uint64_t{b.words[ir::kBoundsOffsetLo]} |
                                        (uint64_t{b.words[ir::kBoundsOffsetHi]} << 32));
  const ir::BoundsSite* site = k.find_bounds_site(site_id);
  std::string m =
      "out-of-bounds " + (site ? site->op : std::string("access")) + " in kernel '" + k.name + "'";
  if (site && site->function != k.name) m += " (in device function '" + site->function + "')";
  if (site && !site->location.empty()) m += " at " + site->location;
  if (site) m += " of " + site->type + " (" + std::to_string(site->bytes) + " bytes)";
  m += ": ";
  uint32_t users = k.user_param_count();
  if (param < users) {
    uint32_t elem = 0;
    for (const ir::ParamReflection& p : k.params)
      if (p.role == ir::ParamRole::BufferSize && p.sizes == param) elem = p.elem_size;
    m += "parameter '" + k.params[param].name + "' (#" + std::to_string(param) + "), ";
    if (elem != 0) {
      int64_t e = offset >= 0 ? offset / elem : -((-offset + elem - 1) / elem);
      if (offset % elem == 0)
        m += "element " + std::to_string(e) + " (byte offset " + std::to_string(offset) + ")";
      else
        m += "byte offset " + std::to_string(offset) + " (in element " + std::to_string(e) + ")";
    } else {
      m += "byte offset " + std::to_string(offset);
    }
    uint64_t extent = param < b.extents.size() ? b.extents[param] : 0;
    m += " of a " + std::to_string(extent) + "-byte buffer";
  } else {
    m += "through a pointer into no parameter's buffer (byte offset " + std::to_string(offset) +
         " from where it points)";
  }
  uint32_t more = b.words[ir::kBoundsCount] > 0 ? b.words[ir::kBoundsCount] - 1 : 0;
  if (more > 0)
    m += " (" + std::to_string(more) + " more out-of-bounds access" + (more == 1 ? "" : "es") +
         " in this launch)";
  return m;
}

// --bounds-check: the number of bounds-checked launches queued on `stream` so far.
size_t bounds_pending_count(StreamImpl& stream) {
  std::lock_guard<std::mutex> lock(stream.bounds_mutex);
  return stream.bounds_pending.size();
}

// After a wait that covered the first `waited` bounds-checked launches of `stream`: reads their
// records and describes the first violation. Not `completed` (the wait failed): drops them unread.
Status take_bounds_errors(StreamImpl& stream, bool completed, size_t waited) {
  std::vector<std::unique_ptr<BoundsLaunch>> done;
  {
    std::lock_guard<std::mutex> lock(stream.bounds_mutex);
    waited = std::min(waited, stream.bounds_pending.size());
    if (waited == 0) return {};
    auto end = stream.bounds_pending.begin() + static_cast<ptrdiff_t>(waited);
    std::move(stream.bounds_pending.begin(), end, std::back_inserter(done));
    stream.bounds_pending.erase(stream.bounds_pending.begin(), end);
  }
  bool read = false;
  if (completed) {
    // One copy per record chunk, of the range its records span.
    struct Range {
      BufferImpl* buffer;
      size_t begin, end;
      std::vector<uint32_t> words;
    };
    std::vector<Range> ranges;
    const size_t bytes = ir::kBoundsRecordWords * 4;
    for (const auto& b : done) {
      auto it = std::find_if(ranges.begin(), ranges.end(),
                             [&](const Range& r) { return r.buffer == b->record.buffer.get(); });
      if (it == ranges.end())
        ranges.push_back({b->record.buffer.get(), b->record.offset, b->record.offset + bytes, {}});
      else {
        it->begin = std::min(it->begin, b->record.offset);
        it->end = std::max(it->end, b->record.offset + bytes);
      }
    }
    Status s;
    for (Range& r : ranges) {
      r.words.resize((r.end - r.begin) / 4);
      if (s) s = stream.download(*r.buffer, r.begin, r.words.data(), r.end - r.begin, {});
    }
    if (s) s = stream.synchronize();
    read = s.ok();
    if (read)
      for (auto& b : done)
        for (const Range& r : ranges)
          if (r.buffer == b->record.buffer.get())
            std::memcpy(b->words, r.words.data() + (b->record.offset - r.begin) / 4, bytes);
  }
  std::string first;
  size_t others = 0;
  for (auto& b : done) {
    bool violated = read && b->words[ir::kBoundsCount] != 0;
    b->record.dirty = !read || violated;  // unread: its state is unknown
    if (!violated) continue;
    if (first.empty())
      first = describe_violation(*b);
    else
      ++others;
  }
  {
    std::lock_guard<std::mutex> lock(stream.bounds_mutex);
    for (auto& b : done) stream.bounds_free.push_back(std::move(b->record));
  }
  if (first.empty()) return {};
  if (others > 0)
    first += "; " + std::to_string(others) + " later launch" + (others == 1 ? "" : "es") +
             " also went out of bounds";
  return make_error(first);
}

}  // namespace

Status synchronize_checked(StreamImpl& stream) {
  size_t queued = bounds_pending_count(stream);
  Status s = stream.synchronize();
  Status b = take_bounds_errors(stream, s.ok(), queued);
  return s ? b : s;
}

}  // namespace detail

// --- devices -------------------------------------------------------------------------------------

DeviceList enumerate_devices() {
  DeviceList list;
  detail::enumerate_cuda(list);
  detail::enumerate_vulkan(list);
  return list;
}

namespace {

int vulkan_type_rank(const std::string& type) {
  if (type == "discrete") return 4;
  if (type == "integrated") return 3;
  if (type == "virtual") return 2;
  if (type == "cpu") return 1;
  return 0;
}

const DeviceInfo* best_of(const DeviceList& list, Backend backend) {
  const DeviceInfo* best = nullptr;
  for (const DeviceInfo& d : list.devices) {
    if (d.backend != backend || !d.usable) continue;
    if (!best) {
      best = &d;
      continue;
    }
    if (backend == Backend::Cuda) continue;  // CUDA: device 0 (the driver's order)
    int a = vulkan_type_rank(d.device_type), b = vulkan_type_rank(best->device_type);
    if (a > b || (a == b && d.memory_bytes > best->memory_bytes)) best = &d;
  }
  return best;
}

std::string list_notes(const DeviceList& list) {
  std::string s;
  for (const std::string& n : list.notes) s += "\n  " + n;
  for (const DeviceInfo& d : list.devices)
    if (!d.usable)
      s += "\n  " + std::string(backend_name(d.backend)) + ":" + std::to_string(d.index) + " (" +
           d.name + "): " + d.unusable_reason;
  return s;
}

}  // namespace

const DeviceInfo* pick_auto_device(const DeviceList& list) {
  if (const DeviceInfo* cuda = best_of(list, Backend::Cuda)) return cuda;
  return best_of(list, Backend::Vulkan);
}

Result<Device> Device::open(Backend backend, uint32_t index, DeviceOptions options) {
  Result<std::shared_ptr<DeviceImpl>> impl = backend == Backend::Cuda
                                                 ? detail::open_cuda(index, options)
                                                 : detail::open_vulkan(index, options);
  if (!impl) return impl.error();
  Device d;
  d.impl_ = std::move(*impl);
  return d;
}

Result<Device> Device::open(const std::string& spec_in, DeviceOptions options) {
  std::string spec = spec_in;
  if (spec == "auto") {
    const char* env = std::getenv("GPUC_DEVICE");
    if (env && *env) spec = env;
  }
  if (spec == "auto" || spec == "cuda" || spec == "vulkan") {
    DeviceList list;
    if (spec != "vulkan") detail::enumerate_cuda(list);
    if (spec != "cuda") detail::enumerate_vulkan(list);
    const DeviceInfo* pick = spec == "auto"   ? pick_auto_device(list)
                             : spec == "cuda" ? best_of(list, Backend::Cuda)
                                              : best_of(list, Backend::Vulkan);
    if (!pick)
      return make_error("no usable " + (spec == "auto" ? std::string("GPU") : spec) +
                        " device found" + list_notes(list));
    return open(pick->backend, pick->index, std::move(options));
  }
  size_t colon = spec.find(':');
  std::string name = spec.substr(0, colon);
  if (colon != std::string::npos && (name == "cuda" || name == "vulkan")) {
    std::string num = spec.substr(colon + 1);
    bool digits = !num.empty() && num.size() < 6 &&
                  std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits)
      return open(name == "cuda" ? Backend::Cuda : Backend::Vulkan,
                  static_cast<uint32_t>(std::stoul(num)), std::move(options));
  }
  return make_error("bad device '" + spec + "': expected auto, cuda, vulkan, cuda:N or vulkan:N");
}

const DeviceInfo& Device::info() const {
  static const DeviceInfo empty{};
  return impl_ ? impl_->info : empty;
}

Result<Buffer> Device::alloc(size_t bytes) {
  if (!impl_) return make_error("alloc on an empty Device");
  if (bytes == 0) return make_error("cannot allocate a 0-byte buffer");
  Result<std::shared_ptr<detail::BufferImpl>> b = impl_->alloc(bytes);
  if (!b) return b.error();
  Buffer buf;
  buf.device_ = impl_;
  buf.impl_ = std::move(*b);
  return buf;
}

Result<Module> Device::load(const Artifact& artifact) {
  if (!impl_) return make_error("load on an empty Device");
  ArtifactTarget want = backend_target(backend());
  if (artifact.target != want)
    return make_error(std::string("cannot load a ") + artifact_target_name(artifact.target) +
                      " artifact (" + artifact_extension(artifact.target) + ") on " +
                      backend_name(backend()) + " device '" + info().name + "': it needs a " +
                      artifact_target_name(want) + " artifact (" + artifact_extension(want) + ")");
  Status checked = check_artifact(artifact);
  if (!checked) return checked.error();
  Result<std::shared_ptr<detail::ModuleImpl>> m = impl_->load(artifact);
  if (!m) return m.error();
  detail::build_launch_plans(**m, impl_->info);
  Module mod;
  mod.device_ = impl_;
  mod.impl_ = std::move(*m);
  return mod;
}

Result<Module> Device::load(const Bundle& bundle) {
  if (!impl_) return make_error("load on an empty Device");
  ArtifactTarget want = backend_target(backend());
  const Artifact* a = bundle.find(want);
  if (!a) {
    std::string have;
    for (const Artifact& x : bundle.artifacts)
      have += std::string(have.empty() ? "" : ", ") + artifact_target_name(x.target);
    return make_error(std::string("the bundle has no ") + artifact_target_name(want) +
                      " artifact for " + backend_name(backend()) + " device '" + info().name +
                      "' (it holds: " + (have.empty() ? "nothing" : have) + ")");
  }
  return load(*a);
}

Result<Module> Device::load_file(const std::string& path) {
  Result<Bundle> b = load_artifact_file(path);
  if (!b) return b.error();
  Result<Module> m = load(*b);
  if (!m) return make_error("'" + path + "': " + m.error().message);
  return m;
}

Stream Device::stream() {
  Stream s;
  if (!impl_) return s;
  s.device_ = impl_;
  s.impl_ = impl_->default_stream;
  return s;
}

Result<Stream> Device::create_stream() {
  if (!impl_) return make_error("create_stream on an empty Device");
  Result<std::shared_ptr<detail::StreamImpl>> s = impl_->create_stream();
  if (!s) return s.error();
  {
    std::lock_guard<std::mutex> lock(impl_->streams_mutex);
    impl_->streams.push_back(*s);
  }
  Stream out;
  out.device_ = impl_;
  out.impl_ = std::move(*s);
  return out;
}

Result<Event> Device::create_event() {
  if (!impl_) return make_error("create_event on an empty Device");
  Result<std::shared_ptr<detail::EventImpl>> e = impl_->create_event();
  if (!e) return e.error();
  Event out;
  out.device_ = impl_;
  out.impl_ = std::move(*e);
  return out;
}

Status Device::synchronize() {
  if (!impl_) return make_error("synchronize on an empty Device");
  return impl_->synchronize_all();
}

bool Device::validation_enabled() const {
  return impl_ && impl_->validation_active;
}

std::vector<std::string> Device::validation_messages() const {
  if (!impl_) return {};
  std::lock_guard<std::mutex> lock(impl_->validation_mutex);
  return impl_->validation_messages;
}

void Device::clear_validation_messages() {
  if (!impl_) return;
  std::lock_guard<std::mutex> lock(impl_->validation_mutex);
  impl_->validation_messages.clear();
}

// --- buffers -------------------------------------------------------------------------------------

namespace {

Status check_range(const char* what, size_t offset, size_t bytes, size_t size) {
  if (offset > size || bytes > size - offset)
    return make_error(std::string(what) + " of " + std::to_string(bytes) + " bytes at offset " +
                      std::to_string(offset) + " does not fit the " + std::to_string(size) +
                      "-byte buffer");
  return {};
}

Status check_fill(size_t pattern_size, size_t offset, size_t* bytes, size_t size) {
  if (pattern_size != 1 && pattern_size != 2 && pattern_size != 4 && pattern_size != 8)
    return make_error("fill pattern must be 1, 2, 4 or 8 bytes, not " +
                      std::to_string(pattern_size));
  if (*bytes == SIZE_MAX) *bytes = offset <= size ? size - offset : 0;
  Status r = check_range("fill", offset, *bytes, size);
  if (!r) return r;
  if (offset % pattern_size != 0 || *bytes % pattern_size != 0)
    return make_error("fill of " + std::to_string(*bytes) + " bytes at offset " +
                      std::to_string(offset) + " is not a whole number of " +
                      std::to_string(pattern_size) + "-byte patterns");
  return {};
}

}  // namespace

size_t Buffer::size() const {
  return impl_ ? impl_->size : 0;
}
uint64_t Buffer::device_address() const {
  return impl_ ? impl_->address : 0;
}
Backend Buffer::backend() const {
  return device_ ? device_->info.backend : Backend::Vulkan;
}

Status Buffer::upload(const void* data, size_t bytes, size_t offset) {
  if (!impl_) return make_error("upload to an empty Buffer");
  Status r = check_range("upload", offset, bytes, impl_->size);
  if (!r || bytes == 0) return r;
  return device_->write_now(*impl_, offset, data, bytes);
}

Status Buffer::download(void* data, size_t bytes, size_t offset) const {
  if (!impl_) return make_error("download from an empty Buffer");
  Status r = check_range("download", offset, bytes, impl_->size);
  if (!r || bytes == 0) return r;
  return device_->read_now(*impl_, offset, data, bytes);
}

Status Buffer::fill(const void* pattern, size_t pattern_size, size_t offset, size_t bytes) {
  if (!impl_) return make_error("fill of an empty Buffer");
  Status r = check_fill(pattern_size, offset, &bytes, impl_->size);
  if (!r || bytes == 0) return r;
  Status s = device_->synchronize_all();
  if (!s) return s;
  s = device_->default_stream->fill(*impl_, offset, bytes, pattern, pattern_size, {});
  if (!s) return s;
  return device_->default_stream->synchronize();
}

Status Buffer::copy_from(const Buffer& src, size_t bytes, size_t src_offset, size_t dst_offset) {
  if (!impl_ || !src.impl_) return make_error("copy with an empty Buffer");
  if (src.device_ != device_) return make_error("copy between buffers of different devices");
  Status r = check_range("copy source", src_offset, bytes, src.impl_->size);
  if (!r) return r;
  r = check_range("copy destination", dst_offset, bytes, impl_->size);
  if (!r || bytes == 0) return r;
  Status s = device_->synchronize_all();
  if (!s) return s;
  s = device_->default_stream->copy(*src.impl_, src_offset, *impl_, dst_offset, bytes, {});
  if (!s) return s;
  return device_->default_stream->synchronize();
}

void Buffer::reset() {
  impl_.reset();
  device_.reset();
}

// --- arguments, modules, kernels -----------------------------------------------------------------

Arg::Arg(const Buffer& buffer, uint64_t byte_offset) : kind_(Kind::Pointer), bytes_(8, '\0') {
  uint64_t address = buffer.device_address() + byte_offset;
  std::memcpy(bytes_.data(), &address, 8);
  // An empty buffer or an offset past the end is reported at launch, naming the parameter.
  buffer_ = buffer.impl_;
  offset_ = byte_offset;
  from_buffer_ = true;
}

Arg Arg::address(uint64_t device_address) {
  Arg a;
  a.kind_ = Kind::Pointer;
  a.bytes_.assign(8, '\0');
  std::memcpy(a.bytes_.data(), &device_address, 8);
  return a;
}

Arg Arg::address(uint64_t device_address, uint64_t size_bytes) {
  Arg a = address(device_address);
  a.has_extent_ = true;
  a.extent_ = size_bytes;
  return a;
}

Arg Arg::bytes(const void* data, size_t size) {
  Arg a;
  a.kind_ = Kind::Value;
  a.bytes_.assign(static_cast<const char*>(data), size);
  return a;
}

Result<Kernel> Module::kernel(const std::string& name) const {
  if (!impl_) return make_error("kernel lookup in an empty Module");
  const auto& ks = impl_->reflection.kernels;
  for (uint32_t i = 0; i < ks.size(); ++i) {
    if (ks[i].name == name) {
      Kernel k;
      k.device_ = device_;
      k.impl_ = impl_;
      k.index_ = i;
      k.plan_ = &impl_->plans[i];
      return k;
    }
  }
  std::string avail;
  for (const auto& k : ks) avail += std::string(avail.empty() ? "" : ", ") + k.name;
  return make_error("no kernel named '" + name +
                    "' in the module (available: " + (avail.empty() ? "none" : avail) + ")");
}

std::vector<std::string> Module::kernel_names() const {
  std::vector<std::string> names;
  if (impl_)
    for (const auto& k : impl_->reflection.kernels) names.push_back(k.name);
  return names;
}

const ir::ModuleReflection& Module::reflection() const {
  static const ir::ModuleReflection empty{};
  return impl_ ? impl_->reflection : empty;
}

const ir::KernelReflection& Kernel::reflection() const {
  static const ir::KernelReflection empty{};
  return impl_ ? impl_->reflection.kernels[index_] : empty;
}

// --- streams -------------------------------------------------------------------------------------

namespace {

std::string a_bytes(size_t n) {
  std::string s = std::to_string(n);
  bool an = s[0] == '8' || s == "11" || s == "18";
  return std::string(an ? "an " : "a ") + s + "-byte value";
}

std::string dims(Dim3 d) {
  return "(" + std::to_string(d.x) + ", " + std::to_string(d.y) + ", " + std::to_string(d.z) + ")";
}

// Checks a launch against the device limits and the kernel's reflection; assembles the
// parameter block (ABI: each parameter at its reflected offset, param_block_size bytes).
Status prepare_launch(const DeviceInfo& dev, const ir::KernelReflection& k, Dim3 grid, Dim3 block,
                      std::span<const Arg> args, detail::LaunchRequest& req,
                      detail::KeepAlive& keep) {
  // Messages are built only on failure: this runs on every launch.
  auto who = [&] { return "kernel '" + k.name + "': "; };
  if (grid.x == 0 || grid.y == 0 || grid.z == 0)
    return make_error(who() + "grid " + dims(grid) + " has a zero dimension");
  if (block.x == 0 || block.y == 0 || block.z == 0)
    return make_error(who() + "block " + dims(block) + " has a zero dimension");
  for (int i = 0; i < 3; ++i) {
    uint32_t g = i == 0 ? grid.x : i == 1 ? grid.y : grid.z;
    uint32_t b = i == 0 ? block.x : i == 1 ? block.y : block.z;
    const char* axis = i == 0 ? "x" : i == 1 ? "y" : "z";
    if (g > dev.max_grid_dims[i])
      return make_error(who() + "grid " + dims(grid) + ": " + axis + " exceeds the device limit " +
                        std::to_string(dev.max_grid_dims[i]));
    if (b > dev.max_block_dims[i])
      return make_error(who() + "block " + dims(block) + ": " + axis +
                        " exceeds the device limit " + std::to_string(dev.max_block_dims[i]));
  }
  if (block.count() > dev.max_threads_per_block)
    return make_error(who() + "block " + dims(block) + " has " + std::to_string(block.count()) +
                      " threads, more than the device's limit of " +
                      std::to_string(dev.max_threads_per_block) + " per block");
  if (k.fixed_block[0] != 0 &&
      (block.x != k.fixed_block[0] || block.y != k.fixed_block[1] || block.z != k.fixed_block[2]))
    return make_error(who() + "block " + dims(block) +
                      " does not match the kernel's fixed block (" +
                      std::to_string(k.fixed_block[0]) + ", " + std::to_string(k.fixed_block[1]) +
                      ", " + std::to_string(k.fixed_block[2]) + ")");
  if (k.max_block_threads != 0 && block.count() > k.max_block_threads)
    return make_error(who() + "block " + dims(block) + " has " + std::to_string(block.count()) +
                      " threads, more than the kernel's __launch_bounds__ of " +
                      std::to_string(k.max_block_threads));
  if (k.static_shared_bytes > dev.max_shared_bytes)
    return make_error(who() + "uses " + std::to_string(k.static_shared_bytes) +
                      " bytes of shared memory, more than the device's " +
                      std::to_string(dev.max_shared_bytes));
  // Hidden parameters (--bounds-check) follow the user's and are filled by the runtime.
  const size_t users = k.bounds_checked ? k.user_param_count() : k.params.size();
  if (args.size() != users) {
    std::string names;
    for (size_t i = 0; i < users; ++i)
      names += std::string(names.empty() ? "" : ", ") + k.params[i].name;
    return make_error(who() + "expects " + std::to_string(users) + " argument" +
                      (users == 1 ? "" : "s") + " (" + names + "), got " +
                      std::to_string(args.size()));
  }
  req.params.assign_zeros(k.param_block_size);
  for (size_t i = 0; i < args.size(); ++i) {
    const ir::ParamReflection& p = k.params[i];
    const Arg& a = args[i];
    auto arg = [&] { return who() + "argument " + std::to_string(i) + " ('" + p.name + "') "; };
    bool want_ptr = p.kind == ir::ParamKind::Pointer;
    if (want_ptr && a.kind() != Arg::Kind::Pointer)
      return make_error(arg() + "expects a pointer (" + p.type + "), got " + a_bytes(a.size()));
    if (!want_ptr && a.kind() == Arg::Kind::Pointer)
      return make_error(arg() + "expects " + a_bytes(p.size) + " (" + p.type + "), got a pointer");
    if (a.size() != p.size)
      return make_error(arg() + "expects " + a_bytes(p.size) + " (" + p.type + "), got " +
                        a_bytes(a.size()));
    if (static_cast<uint64_t>(p.offset) + p.size > req.params.size())
      return make_error(arg() + "lies outside the kernel's parameter block (corrupt reflection)");
    std::memcpy(req.params.data() + p.offset, a.data(), a.size());
  }
  return {};
}

}  // namespace

namespace {

// --bounds-check: writes the sizes and the record's address into the hidden parameters, then
// queues the launch (and the zeroing of a record a violation dirtied); the record is read at the
// next wait (synchronize_checked).
Status launch_bounds_checked(detail::DeviceImpl& dev, detail::StreamImpl& stream,
                             const std::shared_ptr<detail::ModuleImpl>& module, uint32_t kernel,
                             std::unique_ptr<detail::BoundsLaunch> b, detail::LaunchRequest& req,
                             detail::KeepAlive keep) {
  const ir::KernelReflection& k = module->reflection.kernels[kernel];
  for (const ir::ParamReflection& p : k.params) {
    if (uint64_t{p.offset} + p.size > req.params.size())
      return make_error("kernel '" + k.name + "': hidden parameter '" + p.name +
                        "' lies outside the parameter block (corrupt reflection)");
    if (p.role == ir::ParamRole::BufferSize) {
      uint64_t extent = p.sizes < b->extents.size() ? b->extents[p.sizes] : 0;
      if (p.size != 8)
        return make_error("kernel '" + k.name + "': hidden parameter '" + p.name +
                          "' is not a u64 (corrupt reflection)");
      std::memcpy(req.params.data() + p.offset, &extent, 8);
    }
  }
  const ir::ParamReflection* record_param = nullptr;
  for (const ir::ParamReflection& p : k.params)
    if (p.role == ir::ParamRole::BoundsRecord && p.size == 8) record_param = &p;
  if (!record_param)
    return make_error("kernel '" + k.name +
                      "' is bounds-checked but has no record parameter (corrupt reflection)");
  const uint32_t zero = 0;
  const size_t bytes = ir::kBoundsRecordWords * 4;
  {
    std::lock_guard<std::mutex> lock(stream.bounds_mutex);
    if (stream.bounds_free.empty()) {
      // A chunk of records, zeroed once: every launch queued before the next wait holds one.
      constexpr size_t kChunk = 256;
      Result<std::shared_ptr<detail::BufferImpl>> r = dev.alloc(kChunk * bytes);
      if (!r) return r.error();
      Status z = stream.fill(**r, 0, kChunk * bytes, &zero, 4, {*r});
      if (!z) return z;
      for (size_t i = kChunk; i-- > 0;) stream.bounds_free.push_back({*r, i * bytes, false});
    }
    b->record = std::move(stream.bounds_free.back());
    stream.bounds_free.pop_back();
  }
  const uint64_t record_address = b->record.buffer->address + b->record.offset;
  std::memcpy(req.params.data() + record_param->offset, &record_address, 8);
  b->module = module;
  b->kernel = kernel;
  Status s;
  if (b->record.dirty) {
    s = stream.fill(*b->record.buffer, b->record.offset, bytes, &zero, 4, {b->record.buffer});
    if (s) b->record.dirty = false;
  }
  if (s) s = stream.launch(req, std::move(keep));
  if (!s) {
    std::lock_guard<std::mutex> lock(stream.bounds_mutex);
    stream.bounds_free.push_back(std::move(b->record));
    return s;
  }
  std::lock_guard<std::mutex> lock(stream.bounds_mutex);
  stream.bounds_pending.push_back(std::move(b));
  return {};
}

}  // namespace

void detail::build_launch_plans(detail::ModuleImpl& module, const DeviceInfo& dev) {
  module.plans.assign(module.reflection.kernels.size(), detail::LaunchPlan{});
  for (uint32_t i = 0; i < module.plans.size(); ++i) {
    const ir::KernelReflection& k = module.reflection.kernels[i];
    detail::LaunchPlan& plan = module.plans[i];
    plan.native = module.launch_handle(i);
    plan.param_block_size = k.param_block_size;
    plan.max_threads = dev.max_threads_per_block;
    if (k.max_block_threads != 0)
      plan.max_threads = std::min<uint64_t>(plan.max_threads, k.max_block_threads);
    plan.max_threads = std::min(plan.max_threads, module.thread_limit(i));
    plan.fixed_block = k.fixed_block;
    plan.max_block = dev.max_block_dims;
    plan.max_grid = dev.max_grid_dims;
    bool fast = !k.bounds_checked && k.static_shared_bytes <= dev.max_shared_bytes &&
                k.params.size() <= detail::LaunchPlan::kMaxParams &&
                k.param_block_size <= detail::LaunchPlan::kMaxParamBlock;
    for (size_t j = 0; fast && j < k.params.size(); ++j) {
      const ir::ParamReflection& p = k.params[j];
      fast = uint64_t{p.offset} + p.size <= k.param_block_size;
      plan.params[j] = {p.offset, p.size, p.kind == ir::ParamKind::Pointer};
    }
    plan.param_count = fast ? static_cast<uint8_t>(k.params.size()) : 0;
    plan.fast = fast;
  }
}

// The path every launch takes: a kernel whose plan is fast and arguments that pass every check of
// launch_checked, which does the rest out of line (bounds-checked kernels, and each error with
// its message).
// Two things keep launch overhead down: the messages are out of line (inline, this function was
// 8 KiB of code), and the checks read the kernel's LaunchPlan rather than its reflection (the
// driver's cuLaunchKernel between two launches evicts gpuc's code and data from the caches; on
// the H100 gpuc's own part of a launch was 0.2-0.3 us, against 43 ns here with the fake driver).
Status Stream::launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::span<const Arg> args) {
  if (!impl_ || !kernel.impl_ || kernel.device_ != device_) [[unlikely]]
    return launch_checked(kernel, grid, block, args);
  const detail::LaunchPlan& plan = *kernel.plan_;
  if (!plan.fast || args.size() != plan.param_count || !plan.shape_ok(grid, block)) [[unlikely]]
    return launch_checked(kernel, grid, block, args);
  alignas(16) char params[detail::LaunchPlan::kMaxParamBlock];
  std::memset(params, 0, plan.param_block_size);
  for (size_t i = 0; i < args.size(); ++i) {
    const Arg& a = args[i];
    const detail::LaunchPlan::Param& p = plan.params[i];
    if (p.pointer != (a.kind() == Arg::Kind::Pointer) || a.size() != p.size) [[unlikely]]
      return launch_checked(kernel, grid, block, args);
    if (a.from_buffer_ && (!a.buffer_ || a.offset_ > a.buffer_->size ||
                           a.buffer_->device != device_.get())) [[unlikely]]
      return launch_checked(kernel, grid, block, args);
    std::memcpy(params + p.offset, a.data(), p.size);
  }
  if (impl_->launches_need_keep_alive)
    return launch_keeping_alive(kernel, grid, block, args, params);
  return impl_->launch_fast(plan, grid, block, params);
}

// launch()'s end on backends whose queued work keeps its module and buffers alive (Vulkan).
Status Stream::launch_keeping_alive(const Kernel& kernel, Dim3 grid, Dim3 block,
                                    std::span<const Arg> args, const char* params) {
  detail::LaunchRequest req;
  req.module = kernel.impl_.get();
  req.kernel = kernel.index_;
  req.grid = grid;
  req.block = block;
  const detail::LaunchPlan& plan = *kernel.plan_;
  req.params.assign_zeros(plan.param_block_size);
  std::memcpy(req.params.data(), params, plan.param_block_size);
  detail::KeepAlive keep;
  keep.reserve(args.size() + 1);
  keep.push_back(kernel.impl_);
  for (const Arg& a : args)
    if (a.from_buffer_) keep.push_back(a.buffer_);
  return impl_->launch(req, std::move(keep));
}

[[gnu::cold, gnu::noinline]] Status Stream::launch_checked(const Kernel& kernel, Dim3 grid,
                                                           Dim3 block, std::span<const Arg> args) {
  if (!impl_) return make_error("launch on an empty Stream");
  if (!kernel.impl_) return make_error("launch of an empty Kernel");
  const ir::KernelReflection& k = kernel.reflection();
  if (kernel.device_ != device_)
    return make_error("kernel '" + k.name + "' was loaded on another device than this stream's");
  detail::LaunchRequest req;
  req.module = kernel.impl_.get();
  req.kernel = kernel.index_;
  req.grid = grid;
  req.block = block;
  detail::KeepAlive keep;
  const bool keep_refs = impl_->launches_need_keep_alive;
  if (keep_refs) {
    keep.reserve(args.size() + 1);
    keep.push_back(kernel.impl_);
  }
  Status s = prepare_launch(device_->info, k, grid, block, args, req, keep);
  if (!s) return s;
  std::unique_ptr<detail::BoundsLaunch> bounds;
  if (k.bounds_checked) {
    bounds = std::make_unique<detail::BoundsLaunch>();
    bounds->extents.assign(args.size(), 0);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const Arg& a = args[i];
    auto arg = [&] {
      return "kernel '" + k.name + "': argument " + std::to_string(i) + " ('" + k.params[i].name +
             "') ";
    };
    if (bounds && a.kind() == Arg::Kind::Pointer && !a.from_buffer_) {
      if (!a.has_extent_)
        return make_error(arg() +
                          "is a raw device address without a size, but the kernel was compiled "
                          "with --bounds-check: pass a Buffer, or Arg::address(address, "
                          "size_bytes)");
      bounds->extents[i] = a.extent_;
    }
    if (!a.from_buffer_) continue;
    if (!a.buffer_) return make_error(arg() + "is an empty Buffer");
    if (a.offset_ > a.buffer_->size)
      return make_error(arg() + "points " + std::to_string(a.offset_) + " bytes into a " +
                        std::to_string(a.buffer_->size) + "-byte buffer");
    if (a.buffer_->device != device_.get())
      return make_error("kernel '" + k.name + "': argument " + std::to_string(i) + " ('" +
                        k.params[i].name + "') is a buffer of another device");
    if (keep_refs) keep.push_back(a.buffer_);
    if (bounds) bounds->extents[i] = a.buffer_->size - a.offset_;
  }
  if (!bounds) return impl_->launch(req, std::move(keep));
  return launch_bounds_checked(*device_, *impl_, kernel.impl_, kernel.index_, std::move(bounds),
                               req, std::move(keep));
}

Status launch(const Kernel& kernel, Dim3 grid, Dim3 block, std::initializer_list<Arg> args) {
  if (!kernel.impl_) return make_error("launch of an empty Kernel");
  Stream s;
  s.device_ = kernel.device_;
  s.impl_ = kernel.device_->default_stream;
  return s.launch(kernel, grid, block, args);
}

namespace {

Status check_buffer(const std::shared_ptr<DeviceImpl>& device, const Buffer& b,
                    const std::shared_ptr<detail::BufferImpl>& impl, const char* what) {
  if (!impl) return make_error(std::string(what) + " with an empty Buffer");
  if (impl->device != device.get())
    return make_error(std::string(what) + " with a buffer of another device");
  return {};
}

}  // namespace

Status Stream::upload(Buffer& dst, const void* src, size_t bytes, size_t dst_offset) {
  if (!impl_) return make_error("upload on an empty Stream");
  Status s = check_buffer(device_, dst, dst.impl_, "upload");
  if (!s) return s;
  s = check_range("upload", dst_offset, bytes, dst.impl_->size);
  if (!s || bytes == 0) return s;
  return impl_->upload(*dst.impl_, dst_offset, src, bytes, {dst.impl_});
}

Status Stream::download(const Buffer& src, void* dst, size_t bytes, size_t src_offset) {
  if (!impl_) return make_error("download on an empty Stream");
  Status s = check_buffer(device_, src, src.impl_, "download");
  if (!s) return s;
  s = check_range("download", src_offset, bytes, src.impl_->size);
  if (!s || bytes == 0) return s;
  return impl_->download(*src.impl_, src_offset, dst, bytes, {src.impl_});
}

Status Stream::fill(Buffer& dst, const void* pattern, size_t pattern_size, size_t offset,
                    size_t bytes) {
  if (!impl_) return make_error("fill on an empty Stream");
  Status s = check_buffer(device_, dst, dst.impl_, "fill");
  if (!s) return s;
  s = check_fill(pattern_size, offset, &bytes, dst.impl_->size);
  if (!s || bytes == 0) return s;
  return impl_->fill(*dst.impl_, offset, bytes, pattern, pattern_size, {dst.impl_});
}

Status Stream::copy(const Buffer& src, Buffer& dst, size_t bytes, size_t src_offset,
                    size_t dst_offset) {
  if (!impl_) return make_error("copy on an empty Stream");
  Status s = check_buffer(device_, src, src.impl_, "copy");
  if (!s) return s;
  s = check_buffer(device_, dst, dst.impl_, "copy");
  if (!s) return s;
  s = check_range("copy source", src_offset, bytes, src.impl_->size);
  if (!s) return s;
  s = check_range("copy destination", dst_offset, bytes, dst.impl_->size);
  if (!s || bytes == 0) return s;
  return impl_->copy(*src.impl_, src_offset, *dst.impl_, dst_offset, bytes, {src.impl_, dst.impl_});
}

Status Stream::record(Event& event) {
  if (!impl_) return make_error("record on an empty Stream");
  if (!event.impl_) return make_error("record of an empty Event");
  if (event.device_ != device_) return make_error("record of an event of another device");
  return impl_->record(*event.impl_);
}

Status Stream::flush() {
  if (!impl_) return make_error("flush on an empty Stream");
  return impl_->flush();
}

Status Stream::synchronize() {
  if (!impl_) return make_error("synchronize on an empty Stream");
  return detail::synchronize_checked(*impl_);
}

Result<float> elapsed_ms(const Event& start, const Event& end) {
  if (!start.impl_ || !end.impl_) return make_error("elapsed_ms of an empty Event");
  if (start.device_ != end.device_) return make_error("elapsed_ms of events of two devices");
  if (!start.impl_->recorded || !end.impl_->recorded)
    return make_error("elapsed_ms of an event that was never recorded");
  return start.device_->elapsed_ms(*start.impl_, *end.impl_);
}

}  // namespace gpuc::rt
