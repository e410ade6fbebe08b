// Item C, Vulkan side: a raw Vulkan dispatch loop written directly against the API (its own
// instance and device on the same physical device as gpuc's): N vkCmdDispatch of the same tiny
// kernel recorded into one command buffer (push constants + a compute->compute barrier between
// dispatches), one submit, one fence wait. The floor that gpuc's per-launch path is compared to.
#define VK_NO_PROTOTYPES
#include <dlfcn.h>
#include <vulkan/vulkan.h>

#include <cstring>

#include "raw_vulkan.h"
#include "vk_instance.h"

namespace gpuc::bench {
namespace {

// One entry point per line (clang-format is not stable on this table).
// clang-format off
#define RAW_VK_FUNCS(X)                                                                           \
  X(vkDestroyInstance)                                                                            \
  X(vkEnumeratePhysicalDevices)                                                                   \
  X(vkGetPhysicalDeviceProperties)                                                                \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                                     \
  X(vkGetPhysicalDeviceMemoryProperties) X(vkCreateDevice) X(vkDestroyDevice) X(vkGetDeviceQueue) \
      X(vkCreateBuffer) X(vkDestroyBuffer) X(vkGetBufferMemoryRequirements) X(vkAllocateMemory)   \
          X(vkFreeMemory) X(vkBindBufferMemory) X(vkGetBufferDeviceAddress)                       \
              X(vkCreateShaderModule) X(vkDestroyShaderModule) X(vkCreatePipelineLayout)          \
                  X(vkDestroyPipelineLayout) X(vkCreateComputePipelines) X(vkDestroyPipeline)     \
                      X(vkCreateCommandPool) X(vkDestroyCommandPool) X(vkAllocateCommandBuffers)  \
                          X(vkBeginCommandBuffer) X(vkEndCommandBuffer) X(vkResetCommandBuffer)   \
                              X(vkCmdBindPipeline) X(vkCmdPushConstants) X(vkCmdDispatch)         \
                                  X(vkCmdPipelineBarrier) X(vkCreateFence) X(vkDestroyFence)      \
                                      X(vkResetFences) X(vkWaitForFences) X(vkQueueSubmit)
// clang-format on

struct Vk {
  PFN_vkGetInstanceProcAddr gipa = nullptr;
#define DECL(f) PFN_##f f = nullptr;
  RAW_VK_FUNCS(DECL)
#undef DECL
  VkInstance instance = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkShaderModule shader = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkCommandPool pool = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  ~Vk() {
    if (device) {
      if (fence) vkDestroyFence(device, fence, nullptr);
      if (pool) vkDestroyCommandPool(device, pool, nullptr);
      if (pipeline) vkDestroyPipeline(device, pipeline, nullptr);
      if (layout) vkDestroyPipelineLayout(device, layout, nullptr);
      if (shader) vkDestroyShaderModule(device, shader, nullptr);
      if (buffer) vkDestroyBuffer(device, buffer, nullptr);
      if (memory) vkFreeMemory(device, memory, nullptr);
      vkDestroyDevice(device, nullptr);
    }
    if (instance) vkDestroyInstance(instance, nullptr);
  }
};

#define VK_CHECK(call)                                                                        \
  do {                                                                                        \
    VkResult r_ = (call);                                                                     \
    if (r_ != VK_SUCCESS) return make_error(#call " failed: VkResult " + std::to_string(r_)); \
  } while (0)

}  // namespace

Result<double> raw_vulkan_us_per_dispatch(const std::string& device_name, const std::string& spirv,
                                          const std::string& entry, uint32_t block, int count,
                                          int reps) {
  LoadedVkInstance loaded = create_vk_instance("gpuc-bench raw loop", VK_API_VERSION_1_2);
  if (!loaded.error.empty()) return make_error(loaded.error);
  Vk vk;
  vk.gipa = loaded.gipa;
  vk.instance = loaded.instance;
#define LOAD(f)                                               \
  vk.f = reinterpret_cast<PFN_##f>(vk.gipa(vk.instance, #f)); \
  if (!vk.f) return make_error("missing " #f);
  RAW_VK_FUNCS(LOAD)
#undef LOAD

  uint32_t n = 0;
  VK_CHECK(vk.vkEnumeratePhysicalDevices(vk.instance, &n, nullptr));
  std::vector<VkPhysicalDevice> pds(n);
  VK_CHECK(vk.vkEnumeratePhysicalDevices(vk.instance, &n, pds.data()));
  VkPhysicalDevice pd = VK_NULL_HANDLE;
  for (VkPhysicalDevice p : pds) {
    VkPhysicalDeviceProperties props;
    vk.vkGetPhysicalDeviceProperties(p, &props);
    if (device_name == props.deviceName) pd = p;
  }
  if (!pd) return make_error("no Vulkan device named '" + device_name + "'");
  uint32_t family = compute_queue_family(vk.vkGetPhysicalDeviceQueueFamilyProperties, pd);
  if (family == UINT32_MAX) return make_error("no compute queue");

  float prio = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = family;
  qci.queueCount = 1;
  qci.pQueuePriorities = &prio;
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  f12.bufferDeviceAddress = VK_TRUE;
  f12.scalarBlockLayout = VK_TRUE;
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f2.pNext = &f12;
  f2.features.shaderInt64 = VK_TRUE;
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.pNext = &f2;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  VK_CHECK(vk.vkCreateDevice(pd, &dci, nullptr, &vk.device));
  VkQueue queue;
  vk.vkGetDeviceQueue(vk.device, family, 0, &queue);

  VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bci.size = 4096;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
  VK_CHECK(vk.vkCreateBuffer(vk.device, &bci, nullptr, &vk.buffer));
  VkMemoryRequirements req;
  vk.vkGetBufferMemoryRequirements(vk.device, vk.buffer, &req);
  VkPhysicalDeviceMemoryProperties mp;
  vk.vkGetPhysicalDeviceMemoryProperties(pd, &mp);
  uint32_t type = UINT32_MAX;
  for (uint32_t i = 0; i < mp.memoryTypeCount && type == UINT32_MAX; ++i)
    if ((req.memoryTypeBits & (1u << i)) &&
        (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT))
      type = i;
  for (uint32_t i = 0; i < mp.memoryTypeCount && type == UINT32_MAX; ++i)
    if (req.memoryTypeBits & (1u << i)) type = i;
  VkMemoryAllocateFlagsInfo flags{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO};
  flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT;
  VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  mai.pNext = &flags;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = type;
  VK_CHECK(vk.vkAllocateMemory(vk.device, &mai, nullptr, &vk.memory));
  VK_CHECK(vk.vkBindBufferMemory(vk.device, vk.buffer, vk.memory, 0));
  VkBufferDeviceAddressInfo bai{VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO};
  bai.buffer = vk.buffer;
  uint64_t address = vk.vkGetBufferDeviceAddress(vk.device, &bai);

  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  smci.codeSize = spirv.size();
  smci.pCode = reinterpret_cast<const uint32_t*>(spirv.data());
  VK_CHECK(vk.vkCreateShaderModule(vk.device, &smci, nullptr, &vk.shader));
  // The parameter block of tiny(int n, float* p): n at 0, p at 8 (the launch ABI).
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 16};
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  VK_CHECK(vk.vkCreatePipelineLayout(vk.device, &plci, nullptr, &vk.layout));
  uint32_t spec_values[3] = {block, 1, 1};
  VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
  VkSpecializationInfo spec{3, entries, sizeof spec_values, spec_values};
  VkComputePipelineCreateInfo cpci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  cpci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = vk.shader;
  cpci.stage.pName = entry.c_str();
  cpci.stage.pSpecializationInfo = &spec;
  cpci.layout = vk.layout;
  VK_CHECK(vk.vkCreateComputePipelines(vk.device, VK_NULL_HANDLE, 1, &cpci, nullptr, &vk.pipeline));

  VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  cpi.queueFamilyIndex = family;
  VK_CHECK(vk.vkCreateCommandPool(vk.device, &cpi, nullptr, &vk.pool));
  VkCommandBufferAllocateInfo cbai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  cbai.commandPool = vk.pool;
  cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cbai.commandBufferCount = 1;
  VkCommandBuffer cmd;
  VK_CHECK(vk.vkAllocateCommandBuffers(vk.device, &cbai, &cmd));
  VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VK_CHECK(vk.vkCreateFence(vk.device, &fci, nullptr, &vk.fence));

  struct {
    int32_t n;
    int32_t pad;
    uint64_t p;
  } params{int32_t(block), 0, address};
  std::vector<double> times;
  for (int r = 0; r < reps + 1; ++r) {
    double t0 = now_seconds();
    VK_CHECK(vk.vkResetCommandBuffer(cmd, 0));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vk.vkBeginCommandBuffer(cmd, &begin));
    vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, vk.pipeline);
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    for (int i = 0; i < count; ++i) {
      vk.vkCmdPushConstants(cmd, vk.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof params, &params);
      vk.vkCmdDispatch(cmd, 1, 1, 1);
      vk.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                              nullptr);
    }
    VK_CHECK(vk.vkEndCommandBuffer(cmd));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    VK_CHECK(vk.vkResetFences(vk.device, 1, &vk.fence));
    VK_CHECK(vk.vkQueueSubmit(queue, 1, &si, vk.fence));
    VK_CHECK(vk.vkWaitForFences(vk.device, 1, &vk.fence, VK_TRUE, UINT64_MAX));
    if (r > 0) times.push_back((now_seconds() - t0) * 1e6 / count);
  }
  return median(times);
}

}  // namespace gpuc::bench
