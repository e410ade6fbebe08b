// The Vulkan backend: the loader (libvulkan.so.1) opened at run time, Vulkan 1.2+ compute with
// buffer device addresses, push-constant parameters (an indirect parameter buffer over 128
// bytes), one pipeline per (kernel, block shape) through SpecIds 0/1/2, a VkPipelineCache kept on
// disk, timestamp queries, and the validation layer on request. The launch ABI is in the brief's
// "launch ABI" and ir/reflection.h.
#define VK_NO_PROTOTYPES
#include <dlfcn.h>
#include <vulkan/vulkan.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

#include "backend.h"
#include "gpuc/support/file_io.h"

namespace gpuc::rt::detail {

namespace {

const char* vk_result_name(VkResult r) {
  switch (r) {
#define NAME(x) \
  case x:       \
    return #x;
    NAME(VK_SUCCESS)
    NAME(VK_NOT_READY)
    NAME(VK_TIMEOUT)
    NAME(VK_EVENT_SET)
    NAME(VK_EVENT_RESET)
    NAME(VK_INCOMPLETE)
    NAME(VK_ERROR_OUT_OF_HOST_MEMORY)
    NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    NAME(VK_ERROR_INITIALIZATION_FAILED)
    NAME(VK_ERROR_DEVICE_LOST)
    NAME(VK_ERROR_MEMORY_MAP_FAILED)
    NAME(VK_ERROR_LAYER_NOT_PRESENT)
    NAME(VK_ERROR_EXTENSION_NOT_PRESENT)
    NAME(VK_ERROR_FEATURE_NOT_PRESENT)
    NAME(VK_ERROR_INCOMPATIBLE_DRIVER)
    NAME(VK_ERROR_TOO_MANY_OBJECTS)
    NAME(VK_ERROR_FORMAT_NOT_SUPPORTED)
    NAME(VK_ERROR_FRAGMENTED_POOL)
    NAME(VK_ERROR_UNKNOWN)
    NAME(VK_ERROR_OUT_OF_POOL_MEMORY)
    NAME(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    NAME(VK_ERROR_FRAGMENTATION)
    NAME(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    NAME(VK_PIPELINE_COMPILE_REQUIRED)
    NAME(VK_ERROR_VALIDATION_FAILED_EXT)
    NAME(VK_ERROR_INVALID_SHADER_NV)
#undef NAME
    default:
      return nullptr;
  }
}

Error vk_error(const std::string& call, VkResult r) {
  const char* name = vk_result_name(r);
  return make_error(call + " failed: " +
                    (name ? std::string(name) : "VkResult " + std::to_string(static_cast<int>(r))));
}

#define VK_TRY(call_expr, name)                      \
  do {                                               \
    VkResult r_ = (call_expr);                       \
    if (r_ != VK_SUCCESS) return vk_error(name, r_); \
  } while (0)

// --- the loader ----------------------------------------------------------------------------------

struct VulkanLoader {
  PFN_vkGetInstanceProcAddr get_proc = nullptr;
#define VK_GLOBAL(name) PFN_##name name = nullptr;
#define VK_INSTANCE(name)
#define VK_INSTANCE_OPT(name)
#include "vulkan_api.def"
#undef VK_GLOBAL
#undef VK_INSTANCE
#undef VK_INSTANCE_OPT
  std::string load_error;
};

// Opened once per process.
const VulkanLoader& loader() {
  static VulkanLoader l;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = ::dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = ::dlerror();
      l.load_error = std::string("cannot load libvulkan.so.1 (no Vulkan loader): ") +
                     (e ? e : "unknown error");
      return;
    }
    l.get_proc = reinterpret_cast<PFN_vkGetInstanceProcAddr>(::dlsym(lib, "vkGetInstanceProcAddr"));
    if (!l.get_proc) {
      l.load_error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
      return;
    }
#define VK_GLOBAL(name) l.name = reinterpret_cast<PFN_##name>(l.get_proc(nullptr, #name));
#define VK_INSTANCE(name)
#define VK_INSTANCE_OPT(name)
#include "vulkan_api.def"
#undef VK_GLOBAL
#undef VK_INSTANCE
#undef VK_INSTANCE_OPT
    if (!l.vkCreateInstance || !l.vkEnumerateInstanceLayerProperties ||
        !l.vkEnumerateInstanceExtensionProperties)
      l.load_error = "the Vulkan loader lacks its global entry points";
  });
  return l;
}

// The instance-level table (device commands included, dispatched through the loader).
struct VkFns {
#define VK_GLOBAL(name)
#define VK_INSTANCE(name) PFN_##name name = nullptr;
#define VK_INSTANCE_OPT(name) PFN_##name name = nullptr;
#include "vulkan_api.def"
#undef VK_GLOBAL
#undef VK_INSTANCE
#undef VK_INSTANCE_OPT
};

struct Instance {
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkFns vk;
  uint32_t api_version = VK_API_VERSION_1_2;
  ~Instance() {
    if (messenger) vk.vkDestroyDebugUtilsMessengerEXT(instance, messenger, nullptr);
    if (instance) vk.vkDestroyInstance(instance, nullptr);
  }
};

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                void* user) {
  auto* device = static_cast<DeviceImpl*>(user);
  std::string text =
      (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ? "error: " : "warning: ";
  text += data && data->pMessage ? data->pMessage : "(no message)";
  std::lock_guard<std::mutex> lock(device->validation_mutex);
  device->validation_messages.push_back(std::move(text));
  return VK_FALSE;
}

// Creates an instance; with `validation_for` set, enables the validation layer (when installed)
// and a messenger recording into that device.
Result<std::shared_ptr<Instance>> create_instance(DeviceImpl* validation_for,
                                                  bool* validation_active) {
  const VulkanLoader& l = loader();
  if (!l.load_error.empty()) return make_error("vulkan: " + l.load_error);
  uint32_t version = VK_API_VERSION_1_0;
  if (l.vkEnumerateInstanceVersion) l.vkEnumerateInstanceVersion(&version);
  if (version < VK_API_VERSION_1_2)
    return make_error("vulkan: the loader supports Vulkan " +
                      std::to_string(VK_API_VERSION_MAJOR(version)) + "." +
                      std::to_string(VK_API_VERSION_MINOR(version)) + "; gpuc needs 1.2");
  auto inst = std::make_shared<Instance>();
  inst->api_version = version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : VK_API_VERSION_1_2;

  std::vector<const char*> layers, extensions;
  bool validation = false;
  if (validation_for) {
    uint32_t n = 0;
    VK_TRY(l.vkEnumerateInstanceLayerProperties(&n, nullptr), "vkEnumerateInstanceLayerProperties");
    std::vector<VkLayerProperties> props(n);
    VkResult r = l.vkEnumerateInstanceLayerProperties(&n, props.data());
    if (r != VK_SUCCESS && r != VK_INCOMPLETE)
      return vk_error("vkEnumerateInstanceLayerProperties", r);
    props.resize(std::min<size_t>(n, props.size()));
    for (const auto& p : props)
      if (std::strcmp(p.layerName, "VK_LAYER_KHRONOS_validation") == 0) validation = true;
    // VK_EXT_debug_utils comes with the validation layer.
    if (validation) {
      layers.push_back("VK_LAYER_KHRONOS_validation");
      extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
  }
  *validation_active = validation;

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "gpuc";
  app.pEngineName = "gpuc";
  app.apiVersion = inst->api_version;
  VkDebugUtilsMessengerCreateInfoEXT messenger{
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger.pfnUserCallback = on_debug_message;
  messenger.pUserData = validation_for;
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  if (validation) ci.pNext = &messenger;  // also reports on instance creation itself
  VkResult created = l.vkCreateInstance(&ci, nullptr, &inst->instance);
  if (created == VK_ERROR_INCOMPATIBLE_DRIVER)
    return make_error("vulkan: " + vk_error("vkCreateInstance", created).message +
                      " (no Vulkan driver is installed)");
  if (created != VK_SUCCESS)
    return make_error("vulkan: " + vk_error("vkCreateInstance", created).message);
  VkFns& vk = inst->vk;
  std::string missing;
#define VK_GLOBAL(name)
#define VK_INSTANCE(name)                                                    \
  vk.name = reinterpret_cast<PFN_##name>(l.get_proc(inst->instance, #name)); \
  if (!vk.name && missing.empty()) missing = #name;
#define VK_INSTANCE_OPT(name) \
  vk.name = reinterpret_cast<PFN_##name>(l.get_proc(inst->instance, #name));
#include "vulkan_api.def"
#undef VK_GLOBAL
#undef VK_INSTANCE
#undef VK_INSTANCE_OPT
  if (!vk.vkDestroyInstance)
    return make_error("vulkan: vkGetInstanceProcAddr returned no vkDestroyInstance");
  if (!missing.empty()) return make_error("vulkan: the loader has no entry point " + missing);
  if (validation && vk.vkCreateDebugUtilsMessengerEXT)
    VK_TRY(vk.vkCreateDebugUtilsMessengerEXT(inst->instance, &messenger, nullptr, &inst->messenger),
           "vkCreateDebugUtilsMessengerEXT");
  return inst;
}

// --- physical devices ----------------------------------------------------------------------------

// What gpuc learns about a physical device, and the features it will enable.
struct PhysicalInfo {
  DeviceInfo info;
  VkPhysicalDevice phys = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT atomic_float{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  bool has_13 = false;
  bool has_atomic_float_ext = false;
  uint32_t max_subgroup_size = 0;
  int32_t queue_family = -1;
  uint32_t timestamp_valid_bits = 0;
  VkPhysicalDeviceMemoryProperties memory{};
  uint64_t max_allocation = UINT64_MAX;
};

const char* device_type_name(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "cpu";
    default:
      return "other";
  }
}

std::string version_text(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
         "." + std::to_string(VK_API_VERSION_PATCH(v));
}

void query_physical(const VkFns& vk, VkPhysicalDevice phys, uint32_t index, PhysicalInfo& p) {
  p.phys = phys;
  vk.vkGetPhysicalDeviceProperties(phys, &p.props);
  DeviceInfo& d = p.info;
  d.backend = Backend::Vulkan;
  d.index = index;
  d.name = p.props.deviceName;
  d.device_type = device_type_name(p.props.deviceType);
  d.api_version = version_text(p.props.apiVersion);
  const VkPhysicalDeviceLimits& lim = p.props.limits;
  d.max_threads_per_block = lim.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    d.max_block_dims[i] = lim.maxComputeWorkGroupSize[i];
    d.max_grid_dims[i] = lim.maxComputeWorkGroupCount[i];
  }
  d.max_shared_bytes = lim.maxComputeSharedMemorySize;
  d.max_push_constant_bytes = lim.maxPushConstantsSize;

  vk.vkGetPhysicalDeviceMemoryProperties(phys, &p.memory);
  for (uint32_t i = 0; i < p.memory.memoryHeapCount; ++i)
    if (p.memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      d.memory_bytes = std::max<uint64_t>(d.memory_bytes, p.memory.memoryHeaps[i].size);

  if (p.props.apiVersion < VK_API_VERSION_1_2) {
    d.usable = false;
    d.unusable_reason = "Vulkan " + d.api_version + " device; gpuc needs Vulkan 1.2";
    d.driver = "version " + std::to_string(p.props.driverVersion);
    return;
  }
  p.has_13 = p.props.apiVersion >= VK_API_VERSION_1_3;
  uint32_t n = 0;
  VkResult r = vk.vkEnumerateDeviceExtensionProperties(phys, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  if (r == VK_SUCCESS) r = vk.vkEnumerateDeviceExtensionProperties(phys, nullptr, &n, exts.data());
  if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
    d.usable = false;
    d.unusable_reason = vk_error("vkEnumerateDeviceExtensionProperties", r).message;
    return;
  }
  exts.resize(std::min<size_t>(n, exts.size()));
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME) == 0)
      p.has_atomic_float_ext = true;

  VkPhysicalDeviceVulkan11Properties p11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES};
  VkPhysicalDeviceVulkan12Properties p12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
  VkPhysicalDeviceVulkan13Properties p13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &p11;
  p11.pNext = &p12;
  if (p.has_13) p12.pNext = &p13;
  vk.vkGetPhysicalDeviceProperties2(phys, &props2);
  d.subgroup_size = p11.subgroupSize;
  p.max_subgroup_size = p.has_13 ? p13.maxSubgroupSize : p11.subgroupSize;
  p.max_allocation = p11.maxMemoryAllocationSize;
  d.driver = std::string(p12.driverName) + " " + p12.driverInfo;

  p.features.pNext = &p.f11;
  p.f11.pNext = &p.f12;
  void** tail = &p.f12.pNext;
  if (p.has_13) {
    *tail = &p.f13;
    tail = &p.f13.pNext;
  }
  if (p.has_atomic_float_ext) *tail = &p.atomic_float;
  vk.vkGetPhysicalDeviceFeatures2(phys, &p.features);

  uint32_t qn = 0;
  vk.vkGetPhysicalDeviceQueueFamilyProperties(phys, &qn, nullptr);
  std::vector<VkQueueFamilyProperties> qs(qn);
  vk.vkGetPhysicalDeviceQueueFamilyProperties(phys, &qn, qs.data());
  // A compute family, preferring one with timestamps.
  for (uint32_t i = 0; i < qn; ++i) {
    if (!(qs[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (p.queue_family < 0 || (p.timestamp_valid_bits == 0 && qs[i].timestampValidBits > 0)) {
      p.queue_family = static_cast<int32_t>(i);
      p.timestamp_valid_bits = qs[i].timestampValidBits;
    }
  }

  std::string missing;
  if (!p.f12.bufferDeviceAddress) missing += " bufferDeviceAddress";
  if (!p.f12.scalarBlockLayout) missing += " scalarBlockLayout";
  if (!p.features.features.shaderInt64) missing += " shaderInt64";
  if (p.queue_family < 0) missing += " a compute queue";
  if (!missing.empty()) {
    d.usable = false;
    d.unusable_reason = "lacks" + missing;
  }
}

// --- the device ----------------------------------------------------------------------------------

enum class MemoryUse { Device, Upload, Readback };

class VulkanDevice;

class VulkanBuffer : public BufferImpl {
 public:
  ~VulkanBuffer() override;
  VulkanDevice* dev = nullptr;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  char* mapped = nullptr;  // host-visible, coherent memory stays mapped
};

struct PipelineKey {
  uint32_t kernel, x, y, z;
  auto operator<=>(const PipelineKey&) const = default;
};

class VulkanModule : public ModuleImpl {
 public:
  ~VulkanModule() override;
  VulkanDevice* dev = nullptr;
  VkShaderModule shader = VK_NULL_HANDLE;
  std::vector<VkPipelineLayout> layouts;  // per kernel
  std::vector<uint32_t> push_bytes;       // per kernel: push-constant range size (0: none)
  std::map<PipelineKey, VkPipeline> pipelines;
  std::mutex pipelines_mutex;
  Result<VkPipeline> pipeline(uint32_t kernel, Dim3 block);
};

class VulkanEvent : public EventImpl {
 public:
  ~VulkanEvent() override;
  VulkanDevice* dev = nullptr;
  VkQueryPool pool = VK_NULL_HANDLE;
  std::shared_ptr<uint64_t> stream_completed;  // the recording stream's completed serial
  uint64_t serial = 0;                         // the submission it was recorded into
};

class VulkanStream;

class VulkanDevice : public DeviceImpl {
 public:
  ~VulkanDevice() override;

  Result<std::shared_ptr<VulkanBuffer>> create_buffer(size_t bytes, MemoryUse use);
  Result<std::shared_ptr<BufferImpl>> alloc(size_t bytes) override {
    Result<std::shared_ptr<VulkanBuffer>> b = create_buffer(bytes, MemoryUse::Device);
    if (!b) return b.error();
    return std::shared_ptr<BufferImpl>(std::move(*b));
  }
  Result<std::shared_ptr<ModuleImpl>> load(const Artifact& artifact) override;
  Result<std::shared_ptr<StreamImpl>> create_stream() override;
  Result<std::shared_ptr<EventImpl>> create_event() override;
  Result<float> elapsed_ms(EventImpl& start, EventImpl& end) override;
  Status write_now(BufferImpl& dst, size_t offset, const void* src, size_t bytes) override {
    auto& b = static_cast<VulkanBuffer&>(dst);
    if (!b.mapped) return DeviceImpl::write_now(dst, offset, src, bytes);
    Status s = synchronize_all();
    if (!s) return s;
    std::memcpy(b.mapped + offset, src, bytes);
    return {};
  }
  Status read_now(BufferImpl& src, size_t offset, void* dst, size_t bytes) override {
    auto& b = static_cast<VulkanBuffer&>(src);
    if (!b.mapped) return DeviceImpl::read_now(src, offset, dst, bytes);
    Status s = synchronize_all();
    if (!s) return s;
    std::memcpy(dst, b.mapped + offset, bytes);
    return {};
  }

  void load_pipeline_cache(const DeviceOptions& options);
  void save_pipeline_cache();

  std::shared_ptr<Instance> instance;
  const VkFns* vk = nullptr;
  PhysicalInfo phys;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::mutex queue_mutex;
  VkPipelineCache pipeline_cache = VK_NULL_HANDLE;
  std::string pipeline_cache_path;  // empty: not persisted
  std::atomic<bool> pipelines_created{false};
  // Enabled optional features.
  bool full_subgroups = false;
  bool float_atomics = false;
  bool int64_atomics = false;
};

VulkanBuffer::~VulkanBuffer() {
  const VkFns& vk = *dev->vk;
  if (buffer) vk.vkDestroyBuffer(dev->device, buffer, nullptr);
  if (memory) vk.vkFreeMemory(dev->device, memory, nullptr);  // implicitly unmaps
}

VulkanModule::~VulkanModule() {
  const VkFns& vk = *dev->vk;
  for (auto& [key, p] : pipelines) vk.vkDestroyPipeline(dev->device, p, nullptr);
  for (VkPipelineLayout l : layouts) vk.vkDestroyPipelineLayout(dev->device, l, nullptr);
  if (shader) vk.vkDestroyShaderModule(dev->device, shader, nullptr);
}

VulkanEvent::~VulkanEvent() {
  if (pool) dev->vk->vkDestroyQueryPool(dev->device, pool, nullptr);
}

Result<std::shared_ptr<VulkanBuffer>> VulkanDevice::create_buffer(size_t bytes, MemoryUse use) {
  // Pick the memory type first (from a probe of the type bits every buffer of these usages has),
  // so an impossible request is a clear error before any Vulkan object exists.
  VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  ci.size = bytes;
  ci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
             VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
  ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  const VkPhysicalDeviceMemoryProperties& mp = phys.memory;
  uint64_t largest_heap = 0;
  for (uint32_t i = 0; i < mp.memoryHeapCount; ++i)
    largest_heap = std::max<uint64_t>(largest_heap, mp.memoryHeaps[i].size);
  if (bytes > largest_heap || bytes > phys.max_allocation)
    return make_error("cannot allocate " + format_bytes(bytes) + " on '" + info.name +
                      "': more than its largest memory heap (" + format_bytes(largest_heap) +
                      ") or allocation limit (" + format_bytes(phys.max_allocation) +
                      ") (VK_ERROR_OUT_OF_DEVICE_MEMORY)");
  auto b = std::make_shared<VulkanBuffer>();
  b->dev = this;
  b->device = this;
  b->size = bytes;
  VK_TRY(vk->vkCreateBuffer(device, &ci, nullptr, &b->buffer), "vkCreateBuffer");
  VkMemoryRequirements req{};
  vk->vkGetBufferMemoryRequirements(device, b->buffer, &req);

  const VkMemoryPropertyFlags host =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::vector<VkMemoryPropertyFlags> wanted;
  if (use == MemoryUse::Device)
    wanted = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
  else if (use == MemoryUse::Upload)
    wanted = {host};
  else
    wanted = {host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, host};
  int type = -1;
  for (VkMemoryPropertyFlags want : wanted) {
    for (uint32_t i = 0; i < mp.memoryTypeCount && type < 0; ++i) {
      if (!(req.memoryTypeBits & (1u << i))) continue;
      if ((mp.memoryTypes[i].propertyFlags & want) != want) continue;
      if (mp.memoryHeaps[mp.memoryTypes[i].heapIndex].size < req.size) continue;
      type = static_cast<int>(i);
    }
    if (type >= 0) break;
  }
  if (type < 0)
    return make_error("cannot allocate " + format_bytes(bytes) + " on '" + info.name +
                      "': no memory type with a heap that large (VK_ERROR_OUT_OF_DEVICE_MEMORY)");
  VkMemoryAllocateFlagsInfo flags{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO};
  flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT;
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.pNext = &flags;
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = static_cast<uint32_t>(type);
  VkResult r = vk->vkAllocateMemory(device, &ai, nullptr, &b->memory);
  if (r != VK_SUCCESS) {
    b->memory = VK_NULL_HANDLE;
    return make_error("cannot allocate " + format_bytes(bytes) + " on '" + info.name +
                      "': " + vk_error("vkAllocateMemory", r).message);
  }
  VK_TRY(vk->vkBindBufferMemory(device, b->buffer, b->memory, 0), "vkBindBufferMemory");
  VkBufferDeviceAddressInfo dai{VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO};
  dai.buffer = b->buffer;
  b->address = vk->vkGetBufferDeviceAddress(device, &dai);
  if ((mp.memoryTypes[type].propertyFlags & host) == host) {
    void* p = nullptr;
    VK_TRY(vk->vkMapMemory(device, b->memory, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
    b->mapped = static_cast<char*>(p);
  }
  return b;
}

// --- streams -------------------------------------------------------------------------------------

class VulkanStream : public StreamImpl {
 public:
  ~VulkanStream() override;
  Status init();

  Status upload(BufferImpl& dst, size_t offset, const void* src, size_t bytes,
                KeepAlive keep) override {
    Status s = begin_command();
    if (!s) return s;
    Result<HostSlice> staging = host_slice(bytes);
    if (!staging) return staging.error();
    std::memcpy(staging->buffer->mapped + staging->offset, src, bytes);
    VkBufferCopy region{staging->offset, offset, bytes};
    dev->vk->vkCmdCopyBuffer(current->cmd, staging->buffer->buffer,
                             static_cast<VulkanBuffer&>(dst).buffer, 1, &region);
    return end_command(std::move(keep));
  }

  Status download(BufferImpl& src, size_t offset, void* dst, size_t bytes,
                  KeepAlive keep) override {
    Result<std::shared_ptr<VulkanBuffer>> staging = dev->create_buffer(bytes, MemoryUse::Readback);
    if (!staging) return staging.error();
    Status s = begin_command();
    if (!s) return s;
    VkBufferCopy region{offset, 0, bytes};
    dev->vk->vkCmdCopyBuffer(current->cmd, static_cast<VulkanBuffer&>(src).buffer,
                             (*staging)->buffer, 1, &region);
    std::shared_ptr<VulkanBuffer> st = *staging;
    current->on_complete.push_back([st, dst, bytes] { std::memcpy(dst, st->mapped, bytes); });
    keep.push_back(std::move(st));
    return end_command(std::move(keep));
  }

  Status fill(BufferImpl& dst, size_t offset, size_t bytes, const void* pattern,
              size_t pattern_size, KeepAlive keep) override {
    uint64_t v = 0;
    std::memcpy(&v, pattern, pattern_size);
    if (pattern_size == 8 && (v & 0xffffffffu) == (v >> 32)) pattern_size = 4;
    uint32_t word = static_cast<uint32_t>(v);
    if (pattern_size == 1) word = (word & 0xff) * 0x01010101u;
    if (pattern_size == 2) word = (word & 0xffff) * 0x00010001u;
    if (pattern_size <= 4 && offset % 4 == 0 && bytes % 4 == 0) {
      // vkCmdFillBuffer: offset and size multiples of 4 (Vulkan §21.1 "Clearing Buffers").
      Status s = begin_command();
      if (!s) return s;
      dev->vk->vkCmdFillBuffer(current->cmd, static_cast<VulkanBuffer&>(dst).buffer, offset, bytes,
                               word);
      return end_command(std::move(keep));
    }
    // Otherwise expand the pattern on the host and upload it.
    std::string host(bytes, '\0');
    for (size_t i = 0; i < bytes; i += pattern_size) std::memcpy(host.data() + i, &v, pattern_size);
    return upload(dst, offset, host.data(), bytes, std::move(keep));
  }

  Status copy(BufferImpl& src, size_t src_offset, BufferImpl& dst, size_t dst_offset, size_t bytes,
              KeepAlive keep) override {
    Status s = begin_command();
    if (!s) return s;
    VkBufferCopy region{src_offset, dst_offset, bytes};
    dev->vk->vkCmdCopyBuffer(current->cmd, static_cast<VulkanBuffer&>(src).buffer,
                             static_cast<VulkanBuffer&>(dst).buffer, 1, &region);
    return end_command(std::move(keep));
  }

  Status launch(const LaunchRequest& req, KeepAlive keep) override {
    auto& m = const_cast<VulkanModule&>(static_cast<const VulkanModule&>(*req.module));
    Result<VkPipeline> pipeline = m.pipeline(req.kernel, req.block);
    if (!pipeline) return pipeline.error();
    // ABI: parameters in push constants up to kMaxPushConstantParamBytes; beyond that the push
    // constant holds the 8-byte device address of a buffer with the same layout.
    Status s = begin_command();
    if (!s) return s;
    // The push-constant bytes, on the stack (no allocation per launch): the layout's range is a
    // multiple of 4 bytes, at most kMaxPushConstantParamBytes rounded up.
    char push[ir::kMaxPushConstantParamBytes + 8] = {};
    const size_t push_bytes = m.push_bytes[req.kernel];
    if (push_bytes > sizeof(push))  // load_module makes it at most 128 (the ABI's threshold)
      return make_error("internal error: push-constant range of " + std::to_string(push_bytes) +
                        " bytes exceeds the ABI's " +
                        std::to_string(ir::kMaxPushConstantParamBytes));
    if (req.params.size() > ir::kMaxPushConstantParamBytes) {
      Result<HostSlice> pb = host_slice(req.params.size());
      if (!pb) return pb.error();
      std::memcpy(pb->buffer->mapped + pb->offset, req.params.data(), req.params.size());
      uint64_t address = pb->buffer->address + pb->offset;
      std::memcpy(push, &address, 8);
    } else {
      std::memcpy(push, req.params.data(), std::min(req.params.size(), push_bytes));
    }
    const VkFns& vk = *dev->vk;
    vk.vkCmdBindPipeline(current->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, *pipeline);
    if (push_bytes != 0)
      vk.vkCmdPushConstants(current->cmd, m.layouts[req.kernel], VK_SHADER_STAGE_COMPUTE_BIT, 0,
                            static_cast<uint32_t>(push_bytes), push);
    vk.vkCmdDispatch(current->cmd, req.grid.x, req.grid.y, req.grid.z);
    return end_command(std::move(keep));
  }

  Status record(EventImpl& event) override {
    auto& e = static_cast<VulkanEvent&>(event);
    if (dev->phys.timestamp_valid_bits == 0)
      return make_error("device '" + dev->info.name +
                        "' has no timestamps on its compute queue (timestampValidBits = 0)");
    Status s = begin_command();
    if (!s) return s;
    dev->vk->vkCmdResetQueryPool(current->cmd, e.pool, 0, 1);
    dev->vk->vkCmdWriteTimestamp(current->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, e.pool, 0);
    e.serial = current->serial;
    e.stream_completed = completed;
    e.recorded = true;
    return end_command({});
  }

  Status flush() override;
  Status synchronize() override;

  VulkanDevice* dev = nullptr;

 private:
  struct Submission {
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
    uint64_t serial = 0;
    uint32_t commands = 0;
    KeepAlive keep;
    std::vector<std::function<void()>> on_complete;
    std::vector<std::shared_ptr<VulkanBuffer>> arena;  // host-visible chunks its commands read
    size_t arena_used = 0;                             // bytes used in arena.back()
  };
  // Host-visible memory for small uploads and indirect parameter blocks, carved out of per-stream
  // chunks that are recycled when the submission using them completes (no allocation per launch).
  struct HostSlice {
    VulkanBuffer* buffer;
    size_t offset;
  };
  static constexpr size_t kArenaChunkBytes = 256 * 1024;
  static constexpr size_t kArenaMaxSlice = 64 * 1024;
  // Needs an open command buffer (begin_command).
  Result<HostSlice> host_slice(size_t bytes);
  std::vector<std::shared_ptr<VulkanBuffer>> free_chunks;
  // Starts (or continues) the open command buffer and orders the next command after every
  // earlier one of this stream: a full compute/transfer memory barrier (Vulkan §7.6).
  Status begin_command();
  // Notes a recorded command; submits when the command buffer grows long.
  Status end_command(KeepAlive keep);
  Status wait(Submission& s);

  VkCommandPool pool = VK_NULL_HANDLE;
  std::unique_ptr<Submission> current;  // being recorded
  std::deque<Submission> in_flight;     // submitted, in order
  std::vector<Submission> free_list;    // reset command buffers and fences for reuse
  uint64_t next_serial = 0;
  std::shared_ptr<uint64_t> completed = std::make_shared<uint64_t>(0);
  Status failed;  // sticky: a lost device stays lost
};

Result<VulkanStream::HostSlice> VulkanStream::host_slice(size_t bytes) {
  if (bytes > kArenaMaxSlice) {  // large: a buffer of its own, freed with the submission
    Result<std::shared_ptr<VulkanBuffer>> b = dev->create_buffer(bytes, MemoryUse::Upload);
    if (!b) return b.error();
    HostSlice slice{b->get(), 0};
    current->keep.push_back(std::move(*b));
    return slice;
  }
  size_t at = (current->arena_used + 15) & ~size_t(15);
  if (current->arena.empty() || at + bytes > current->arena.back()->size) {
    if (!free_chunks.empty()) {
      current->arena.push_back(std::move(free_chunks.back()));
      free_chunks.pop_back();
    } else {
      Result<std::shared_ptr<VulkanBuffer>> b =
          dev->create_buffer(kArenaChunkBytes, MemoryUse::Upload);
      if (!b) return b.error();
      current->arena.push_back(std::move(*b));
    }
    at = 0;
  }
  current->arena_used = at + bytes;
  return HostSlice{current->arena.back().get(), at};
}

Status VulkanStream::init() {
  VkCommandPoolCreateInfo ci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  ci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  ci.queueFamilyIndex = static_cast<uint32_t>(dev->phys.queue_family);
  VK_TRY(dev->vk->vkCreateCommandPool(dev->device, &ci, nullptr, &pool), "vkCreateCommandPool");
  return {};
}

VulkanStream::~VulkanStream() {
  Status s = synchronize();
  if (!s) dev->warn(s.error().message);
  const VkFns& vk = *dev->vk;
  if (current) {  // recorded but never submitted (an error stopped it)
    vk.vkEndCommandBuffer(current->cmd);
    free_list.push_back(std::move(*current));
  }
  for (Submission& s : free_list)
    if (s.fence) vk.vkDestroyFence(dev->device, s.fence, nullptr);
  if (pool) vk.vkDestroyCommandPool(dev->device, pool, nullptr);  // frees its command buffers
}

Status VulkanStream::begin_command() {
  if (!failed) return failed;
  const VkFns& vk = *dev->vk;
  if (!current) {
    current = std::make_unique<Submission>();
    if (!free_list.empty()) {
      current->cmd = free_list.back().cmd;
      current->fence = free_list.back().fence;
      free_list.pop_back();
    } else {
      VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
      ai.commandPool = pool;
      ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
      ai.commandBufferCount = 1;
      VkResult r = vk.vkAllocateCommandBuffers(dev->device, &ai, &current->cmd);
      if (r != VK_SUCCESS) {
        current.reset();
        return vk_error("vkAllocateCommandBuffers", r);
      }
      VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      r = vk.vkCreateFence(dev->device, &fi, nullptr, &current->fence);
      if (r != VK_SUCCESS) {
        current.reset();
        return vk_error("vkCreateFence", r);
      }
    }
    current->serial = ++next_serial;
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_TRY(vk.vkBeginCommandBuffer(current->cmd, &bi), "vkBeginCommandBuffer");
  }
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                          VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  VkPipelineStageFlags stages =
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vk.vkCmdPipelineBarrier(current->cmd, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  return {};
}

Status VulkanStream::end_command(KeepAlive keep) {
  for (auto& k : keep) current->keep.push_back(std::move(k));
  // Bound the latency of queued work: submit every 256 commands.
  if (++current->commands >= 256) return flush();
  return {};
}

Status VulkanStream::flush() {
  if (!failed) return failed;
  if (!current) return {};
  const VkFns& vk = *dev->vk;
  // Make every write visible to the host once the fence signals (downloads read staging memory).
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vk.vkCmdPipelineBarrier(current->cmd,
                          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                          VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  VkResult r = vk.vkEndCommandBuffer(current->cmd);
  if (r != VK_SUCCESS) return failed = vk_error("vkEndCommandBuffer", r);
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &current->cmd;
  {
    std::lock_guard<std::mutex> lock(dev->queue_mutex);
    r = vk.vkQueueSubmit(dev->queue, 1, &si, current->fence);
  }
  if (r != VK_SUCCESS) return failed = vk_error("vkQueueSubmit", r);
  in_flight.push_back(std::move(*current));
  current.reset();
  return {};
}

Status VulkanStream::wait(Submission& s) {
  const VkFns& vk = *dev->vk;
  VkResult r = vk.vkWaitForFences(dev->device, 1, &s.fence, VK_TRUE, UINT64_MAX);
  if (r != VK_SUCCESS) return failed = vk_error("vkWaitForFences", r);
  for (auto& f : s.on_complete) f();
  *completed = s.serial;
  s.on_complete.clear();
  s.keep.clear();
  for (auto& chunk : s.arena)
    if (free_chunks.size() < 16) free_chunks.push_back(std::move(chunk));
  s.arena.clear();
  s.arena_used = 0;
  s.commands = 0;
  VK_TRY(vk.vkResetFences(dev->device, 1, &s.fence), "vkResetFences");
  VK_TRY(vk.vkResetCommandBuffer(s.cmd, 0), "vkResetCommandBuffer");
  return {};
}

Status VulkanStream::synchronize() {
  Status s = flush();
  while (!in_flight.empty()) {
    Submission sub = std::move(in_flight.front());
    in_flight.pop_front();
    Status w = wait(sub);
    free_list.push_back(std::move(sub));
    if (!w && s) s = w;
  }
  return s;
}

Result<std::shared_ptr<StreamImpl>> VulkanDevice::create_stream() {
  auto s = std::make_shared<VulkanStream>();
  s->dev = this;
  s->device = this;
  Status st = s->init();
  if (!st) return st.error();
  return std::shared_ptr<StreamImpl>(std::move(s));
}

Result<std::shared_ptr<EventImpl>> VulkanDevice::create_event() {
  auto e = std::make_shared<VulkanEvent>();
  e->dev = this;
  e->device = this;
  VkQueryPoolCreateInfo ci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  ci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  ci.queryCount = 1;
  VK_TRY(vk->vkCreateQueryPool(device, &ci, nullptr, &e->pool), "vkCreateQueryPool");
  return std::shared_ptr<EventImpl>(std::move(e));
}

Result<float> VulkanDevice::elapsed_ms(EventImpl& start, EventImpl& end) {
  uint64_t ticks[2];
  VulkanEvent* events[2] = {&static_cast<VulkanEvent&>(start), &static_cast<VulkanEvent&>(end)};
  for (int i = 0; i < 2; ++i) {
    VulkanEvent& e = *events[i];
    if (*e.stream_completed < e.serial)
      return make_error("elapsed_ms: the events have not completed; synchronize the stream first");
    VK_TRY(vk->vkGetQueryPoolResults(device, e.pool, 0, 1, sizeof(uint64_t), &ticks[i],
                                     sizeof(uint64_t),
                                     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
           "vkGetQueryPoolResults");
  }
  // Timestamps wrap at timestampValidBits; a difference over half the range is negative (the end
  // event was recorded before the start).
  uint64_t mask = phys.timestamp_valid_bits >= 64 ? ~0ull : (1ull << phys.timestamp_valid_bits) - 1;
  uint64_t delta = (ticks[1] - ticks[0]) & mask;
  double d = delta > mask / 2 ? -static_cast<double>(((ticks[0] - ticks[1]) & mask))
                              : static_cast<double>(delta);
  double ns = d * phys.props.limits.timestampPeriod;
  return static_cast<float>(ns / 1e6);
}

// --- modules and pipelines -----------------------------------------------------------------------

// The names of the GLCompute OpEntryPoints of a SPIR-V module (SPIR-V §2.3, §3.32 OpEntryPoint).
std::vector<std::string> spirv_entry_points(const std::string& code) {
  std::vector<std::string> names;
  size_t words = code.size() / 4;
  auto word = [&](size_t i) {
    uint32_t w;
    std::memcpy(&w, code.data() + 4 * i, 4);
    return w;
  };
  for (size_t i = 5; i < words;) {
    uint32_t w = word(i);
    uint32_t count = w >> 16, opcode = w & 0xffff;
    if (count == 0 || i + count > words) break;
    if (opcode == 15 && count >= 4 && word(i + 1) == 5 /* GLCompute */) {
      std::string name;
      for (size_t j = i + 3; j < i + count; ++j) {
        uint32_t lit = word(j);
        bool end = false;
        for (int b = 0; b < 4; ++b) {
          char c = static_cast<char>((lit >> (8 * b)) & 0xff);
          if (c == '\0') {
            end = true;
            break;
          }
          name.push_back(c);
        }
        if (end) break;
      }
      names.push_back(name);
    }
    i += count;
  }
  return names;
}

Result<std::shared_ptr<ModuleImpl>> VulkanDevice::load(const Artifact& artifact) {
  // SPIR-V §2.3: word 1 is the version (0x00MMmm00). Vulkan 1.2 consumes SPIR-V up to 1.5, 1.3 up
  // to 1.6 (Vulkan spec, appendix "SPIR-V Environment").
  uint32_t version = 0;
  std::memcpy(&version, artifact.code.data() + 4, 4);
  uint32_t spv_major = (version >> 16) & 0xff, spv_minor = (version >> 8) & 0xff;
  uint32_t api = std::min(instance->api_version, phys.props.apiVersion);
  uint32_t max_minor = VK_API_VERSION_MINOR(api) >= 3 ? 6 : 5;
  if (spv_major != 1 || spv_minor > max_minor)
    return make_error("the module is SPIR-V " + std::to_string(spv_major) + "." +
                      std::to_string(spv_minor) + ", but '" + info.name + "' runs Vulkan " +
                      std::to_string(VK_API_VERSION_MAJOR(api)) + "." +
                      std::to_string(VK_API_VERSION_MINOR(api)) + " (SPIR-V up to 1." +
                      std::to_string(max_minor) + "; compile with --vulkan-version=1.2)");
  std::vector<std::string> entries = spirv_entry_points(artifact.code);
  for (const ir::KernelReflection& k : artifact.reflection.kernels) {
    if (std::find(entries.begin(), entries.end(), k.name) == entries.end())
      return make_error("the SPIR-V module has no GLCompute entry point for kernel '" + k.name +
                        "' named in its reflection");
    std::string who = "kernel '" + k.name + "' ";
    if (k.uses_fp64 && !phys.features.features.shaderFloat64)
      return make_error(who + "uses double precision, which '" + info.name +
                        "' does not support (shaderFloat64)");
    if (k.uses_float_atomics && !float_atomics)
      return make_error(who + "uses float atomics, which '" + info.name +
                        "' does not support (VK_EXT_shader_atomic_float)");
    if (k.uses_int64_atomics && !int64_atomics)
      return make_error(who + "uses 64-bit atomics, which '" + info.name +
                        "' does not support (shaderBufferInt64Atomics)");
    if (k.param_block_size > ir::kMaxPushConstantParamBytes && info.max_push_constant_bytes < 8)
      return make_error(who + "needs 8 bytes of push constants");
  }
  auto m = std::make_shared<VulkanModule>();
  m->dev = this;
  m->device = this;
  m->reflection = artifact.reflection;
  VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  ci.codeSize = artifact.code.size();
  std::vector<uint32_t> words(artifact.code.size() / 4);
  std::memcpy(words.data(), artifact.code.data(), artifact.code.size());
  ci.pCode = words.data();
  VK_TRY(vk->vkCreateShaderModule(device, &ci, nullptr, &m->shader), "vkCreateShaderModule");
  for (const ir::KernelReflection& k : m->reflection.kernels) {
    uint32_t push = k.param_block_size > ir::kMaxPushConstantParamBytes ? 8 : k.param_block_size;
    push =
        (push + 3) & ~3u;  // push-constant ranges are whole words (VUID-VkPushConstantRange-size)
    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push};
    VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    li.pushConstantRangeCount = push ? 1 : 0;
    li.pPushConstantRanges = &range;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VK_TRY(vk->vkCreatePipelineLayout(device, &li, nullptr, &layout), "vkCreatePipelineLayout");
    m->layouts.push_back(layout);
    m->push_bytes.push_back(push);
  }
  return std::shared_ptr<ModuleImpl>(std::move(m));
}

Result<VkPipeline> VulkanModule::pipeline(uint32_t kernel, Dim3 block) {
  std::lock_guard<std::mutex> lock(pipelines_mutex);
  PipelineKey key{kernel, block.x, block.y, block.z};
  auto it = pipelines.find(key);
  if (it != pipelines.end()) return it->second;
  const ir::KernelReflection& k = reflection.kernels[kernel];
  // ABI: SpecIds 0, 1, 2 are the block's x, y, z (the WorkgroupSize built-in composite).
  uint32_t spec[3] = {block.x, block.y, block.z};
  VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
  VkSpecializationInfo si{3, entries, sizeof spec, spec};
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = shader;
  ci.stage.pName = k.name.c_str();
  ci.stage.pSpecializationInfo = &si;
  // Warp-style code assumes whole subgroups; ask for them when the block allows it.
  if (k.uses_subgroups && dev->full_subgroups && dev->phys.max_subgroup_size != 0 &&
      block.x % dev->phys.max_subgroup_size == 0)
    ci.stage.flags |= VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT;
  ci.layout = layouts[kernel];
  VkPipeline p = VK_NULL_HANDLE;
  VkResult r =
      dev->vk->vkCreateComputePipelines(dev->device, dev->pipeline_cache, 1, &ci, nullptr, &p);
  if (r != VK_SUCCESS)
    return make_error("kernel '" + k.name + "' with block (" + std::to_string(block.x) + ", " +
                      std::to_string(block.y) + ", " + std::to_string(block.z) +
                      "): " + vk_error("vkCreateComputePipelines", r).message);
  dev->pipelines_created = true;
  pipelines.emplace(key, p);
  return p;
}

// --- the pipeline cache on disk ------------------------------------------------------------------
// File: "GPUCVKPC" | u64 size | u64 FNV-1a 64 of the data | data (vkGetPipelineCacheData). The
// data must begin with a VkPipelineCacheHeaderVersionOne for this device (Vulkan §10.7.4); a file
// failing any check is ignored with a warning and rewritten at exit.

constexpr char kCacheMagic[8] = {'G', 'P', 'U', 'C', 'V', 'K', 'P', 'C'};

uint64_t fnv1a64(const char* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint8_t>(p[i]);
    h *= 0x100000001b3ull;
  }
  return h;
}

void VulkanDevice::load_pipeline_cache(const DeviceOptions& options) {
  std::string dir = options.pipeline_cache_dir;
  if (dir.empty()) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && *xdg)
      dir = std::string(xdg) + "/gpuc";
    else if (home && *home)
      dir = std::string(home) + "/.cache/gpuc";
  }
  std::string data;
  if (options.pipeline_cache && !dir.empty()) {
    char name[96];
    std::snprintf(name, sizeof name, "/vulkan-%04x-%04x-", phys.props.vendorID,
                  phys.props.deviceID);
    std::string uuid;
    for (uint8_t b : phys.props.pipelineCacheUUID) {
      char h[3];
      std::snprintf(h, sizeof h, "%02x", b);
      uuid += h;
    }
    pipeline_cache_path = dir + name + uuid + ".cache";
    Result<std::string> file = read_file(pipeline_cache_path);
    if (file) {
      const std::string& f = *file;
      std::string problem;
      uint64_t size = 0, sum = 0;
      if (f.size() < 24 || std::memcmp(f.data(), kCacheMagic, 8) != 0) {
        problem = "bad header";
      } else {
        std::memcpy(&size, f.data() + 8, 8);
        std::memcpy(&sum, f.data() + 16, 8);
        if (size != f.size() - 24)
          problem = "truncated";
        else if (fnv1a64(f.data() + 24, size) != sum)
          problem = "checksum mismatch";
      }
      if (problem.empty()) {
        // VkPipelineCacheHeaderVersionOne: headerSize, headerVersion, vendorID, deviceID, UUID.
        uint32_t h[4] = {};
        if (size >= 32) std::memcpy(h, f.data() + 24, 16);
        if (size < 32 || h[0] < 32 || h[1] != VK_PIPELINE_CACHE_HEADER_VERSION_ONE)
          problem = "bad driver header";
        else if (h[2] == phys.props.vendorID && h[3] == phys.props.deviceID &&
                 std::memcmp(f.data() + 40, phys.props.pipelineCacheUUID, VK_UUID_SIZE) == 0)
          data = f.substr(24);
        // A cache from another driver version is stale, not corrupt: rebuilt quietly.
      }
      if (!problem.empty())
        warn("ignoring corrupt Vulkan pipeline cache '" + pipeline_cache_path + "' (" + problem +
             "); it will be rebuilt");
    }
  }
  VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  ci.initialDataSize = data.size();
  ci.pInitialData = data.empty() ? nullptr : data.data();
  VkResult r = vk->vkCreatePipelineCache(device, &ci, nullptr, &pipeline_cache);
  if (r != VK_SUCCESS && !data.empty()) {
    warn("the driver rejected the Vulkan pipeline cache '" + pipeline_cache_path + "' (" +
         vk_error("vkCreatePipelineCache", r).message + "); it will be rebuilt");
    ci.initialDataSize = 0;
    ci.pInitialData = nullptr;
    r = vk->vkCreatePipelineCache(device, &ci, nullptr, &pipeline_cache);
  }
  if (r != VK_SUCCESS) {
    pipeline_cache = VK_NULL_HANDLE;  // pipelines are then built without a cache
    warn(vk_error("vkCreatePipelineCache", r).message + "; continuing without a pipeline cache");
  }
}

void VulkanDevice::save_pipeline_cache() {
  if (!pipeline_cache || pipeline_cache_path.empty() || !pipelines_created) return;
  size_t size = 0;
  VkResult r = vk->vkGetPipelineCacheData(device, pipeline_cache, &size, nullptr);
  std::string data(size, '\0');
  if (r == VK_SUCCESS) r = vk->vkGetPipelineCacheData(device, pipeline_cache, &size, data.data());
  if (r != VK_SUCCESS) {
    warn("not saving the Vulkan pipeline cache: " + vk_error("vkGetPipelineCacheData", r).message);
    return;
  }
  data.resize(size);
  std::string file(kCacheMagic, 8);
  uint64_t n = data.size(), sum = fnv1a64(data.data(), data.size());
  file.append(reinterpret_cast<const char*>(&n), 8);
  file.append(reinterpret_cast<const char*>(&sum), 8);
  file += data;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(pipeline_cache_path).parent_path(), ec);
  Status s = write_file_atomic(pipeline_cache_path, file);
  if (!s) warn("not saving the Vulkan pipeline cache: " + s.error().message);
}

VulkanDevice::~VulkanDevice() {
  if (!device) return;
  Status s = synchronize_all();
  if (!s) warn(s.error().message);
  default_stream.reset();
  vk->vkDeviceWaitIdle(device);
  save_pipeline_cache();
  if (pipeline_cache) vk->vkDestroyPipelineCache(device, pipeline_cache, nullptr);
  vk->vkDestroyDevice(device, nullptr);
}

Result<std::vector<VkPhysicalDevice>> physical_devices(const Instance& inst) {
  uint32_t n = 0;
  VK_TRY(inst.vk.vkEnumeratePhysicalDevices(inst.instance, &n, nullptr),
         "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devs(n);
  VK_TRY(inst.vk.vkEnumeratePhysicalDevices(inst.instance, &n, devs.data()),
         "vkEnumeratePhysicalDevices");
  devs.resize(n);
  return devs;
}

}  // namespace

void enumerate_vulkan(DeviceList& list) {
  bool validation = false;
  Result<std::shared_ptr<Instance>> inst = create_instance(nullptr, &validation);
  if (!inst) {
    const std::string& m = inst.error().message;
    list.notes.push_back(m.starts_with("vulkan:") ? m : "vulkan: " + m);
    return;
  }
  Result<std::vector<VkPhysicalDevice>> devs = physical_devices(**inst);
  if (!devs) {
    list.notes.push_back("vulkan: " + devs.error().message);
    return;
  }
  if (devs->empty()) list.notes.push_back("vulkan: the loader reports no devices");
  for (uint32_t i = 0; i < devs->size(); ++i) {
    PhysicalInfo p;
    query_physical((*inst)->vk, (*devs)[i], i, p);
    list.devices.push_back(p.info);
  }
}

Result<std::shared_ptr<DeviceImpl>> open_vulkan(uint32_t index, const DeviceOptions& options) {
  auto d = std::make_shared<VulkanDevice>();
  d->on_warning = options.on_warning;
  bool validation = false;
  Result<std::shared_ptr<Instance>> inst =
      create_instance(options.validation ? d.get() : nullptr, &validation);
  if (!inst) return inst.error();
  d->instance = *inst;
  d->vk = &d->instance->vk;
  d->validation_active = validation;
  if (options.validation && !validation)
    d->warn("Vulkan validation requested but VK_LAYER_KHRONOS_validation is not installed");
  Result<std::vector<VkPhysicalDevice>> devs = physical_devices(**inst);
  if (!devs) return make_error("vulkan: " + devs.error().message);
  if (index >= devs->size())
    return make_error("no Vulkan device " + std::to_string(index) + " (the loader reports " +
                      std::to_string(devs->size()) + ")");
  PhysicalInfo& p = d->phys;
  query_physical(*d->vk, (*devs)[index], index, p);
  if (!p.info.usable)
    return make_error("Vulkan device " + std::to_string(index) + " ('" + p.info.name +
                      "') cannot run gpuc kernels: " + p.info.unusable_reason);
  d->info = p.info;

  // Features: the required ones plus every optional one the ABI lists that the device has.
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT af{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  f.pNext = &f11;
  f11.pNext = &f12;
  void** tail = &f12.pNext;
  f.features.shaderInt64 = VK_TRUE;
  f.features.shaderFloat64 = p.features.features.shaderFloat64;
  f.features.shaderInt16 = p.features.features.shaderInt16;
  f11.storageBuffer16BitAccess = p.f11.storageBuffer16BitAccess;
  f11.uniformAndStorageBuffer16BitAccess = p.f11.uniformAndStorageBuffer16BitAccess;
  f11.storagePushConstant16 = p.f11.storagePushConstant16;
  f12.bufferDeviceAddress = VK_TRUE;
  f12.scalarBlockLayout = VK_TRUE;
  f12.shaderInt8 = p.f12.shaderInt8;
  f12.shaderFloat16 = p.f12.shaderFloat16;
  f12.storageBuffer8BitAccess = p.f12.storageBuffer8BitAccess;
  f12.uniformAndStorageBuffer8BitAccess = p.f12.uniformAndStorageBuffer8BitAccess;
  f12.storagePushConstant8 = p.f12.storagePushConstant8;
  f12.shaderBufferInt64Atomics = p.f12.shaderBufferInt64Atomics;
  f12.shaderSharedInt64Atomics = p.f12.shaderSharedInt64Atomics;
  f12.vulkanMemoryModel = p.f12.vulkanMemoryModel;
  f12.vulkanMemoryModelDeviceScope = p.f12.vulkanMemoryModelDeviceScope;
  f12.shaderSubgroupExtendedTypes = p.f12.shaderSubgroupExtendedTypes;
  f12.hostQueryReset = p.f12.hostQueryReset;
  d->int64_atomics = p.f12.shaderBufferInt64Atomics;
  if (p.has_13) {
    f13.subgroupSizeControl = p.f13.subgroupSizeControl;
    f13.computeFullSubgroups = p.f13.computeFullSubgroups;
    f13.maintenance4 = p.f13.maintenance4;
    d->full_subgroups = p.f13.subgroupSizeControl && p.f13.computeFullSubgroups;
    *tail = &f13;
    tail = &f13.pNext;
  }
  std::vector<const char*> extensions;
  if (p.has_atomic_float_ext) {
    af.shaderBufferFloat32Atomics = p.atomic_float.shaderBufferFloat32Atomics;
    af.shaderBufferFloat32AtomicAdd = p.atomic_float.shaderBufferFloat32AtomicAdd;
    af.shaderBufferFloat64Atomics = p.atomic_float.shaderBufferFloat64Atomics;
    af.shaderBufferFloat64AtomicAdd = p.atomic_float.shaderBufferFloat64AtomicAdd;
    af.shaderSharedFloat32Atomics = p.atomic_float.shaderSharedFloat32Atomics;
    af.shaderSharedFloat32AtomicAdd = p.atomic_float.shaderSharedFloat32AtomicAdd;
    af.shaderSharedFloat64Atomics = p.atomic_float.shaderSharedFloat64Atomics;
    af.shaderSharedFloat64AtomicAdd = p.atomic_float.shaderSharedFloat64AtomicAdd;
    d->float_atomics = af.shaderBufferFloat32AtomicAdd;
    *tail = &af;
    extensions.push_back(VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);
  }
  float priority = 1.0f;
  VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qi.queueFamilyIndex = static_cast<uint32_t>(p.queue_family);
  qi.queueCount = 1;
  qi.pQueuePriorities = &priority;
  VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  ci.pNext = &f;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &qi;
  ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  VkResult r = d->vk->vkCreateDevice(p.phys, &ci, nullptr, &d->device);
  if (r != VK_SUCCESS) {
    d->device = VK_NULL_HANDLE;
    return vk_error("vkCreateDevice", r);
  }
  d->vk->vkGetDeviceQueue(d->device, qi.queueFamilyIndex, 0, &d->queue);
  d->load_pipeline_cache(options);
  Result<std::shared_ptr<StreamImpl>> s = d->create_stream();
  if (!s) return s.error();
  d->default_stream = std::move(*s);
  return std::shared_ptr<DeviceImpl>(std::move(d));
}

}  // namespace gpuc::rt::detail
