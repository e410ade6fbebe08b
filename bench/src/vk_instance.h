// Loads the Vulkan loader, creates an instance and finds a compute queue, for the benchmark's tools
// that drive Vulkan directly (the raw dispatch loop of the launch-overhead part, gpuc-vkstats).
// Header-only: gpuc-vkstats links none of gpuc's libraries.
#pragma once

#include <dlfcn.h>
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gpuc::bench {

struct LoadedVkInstance {
  PFN_vkGetInstanceProcAddr gipa = nullptr;
  VkInstance instance = VK_NULL_HANDLE;  // the caller destroys it
  std::string error;                     // empty on success
};

// libvulkan.so.1 stays loaded for the rest of the process.
inline LoadedVkInstance create_vk_instance(const char* app_name, uint32_t api_version) {
  LoadedVkInstance v;
  void* lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    v.error = std::string("libvulkan.so.1 (the Vulkan loader) not found") + (e ? ": " : "") +
              (e ? e : "");
    return v;
  }
  v.gipa = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
  auto create =
      v.gipa ? reinterpret_cast<PFN_vkCreateInstance>(v.gipa(VK_NULL_HANDLE, "vkCreateInstance"))
             : nullptr;
  if (!create) {
    v.error = "the Vulkan loader has no vkGetInstanceProcAddr or vkCreateInstance";
    return v;
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = app_name;
  app.apiVersion = api_version;
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  VkResult r = create(&ici, nullptr, &v.instance);
  if (r != VK_SUCCESS) {
    v.instance = VK_NULL_HANDLE;
    v.error = "vkCreateInstance failed: VkResult " + std::to_string(r);
  }
  return v;
}

// The first queue family of `device` with compute queues, or UINT32_MAX.
inline uint32_t compute_queue_family(PFN_vkGetPhysicalDeviceQueueFamilyProperties get,
                                     VkPhysicalDevice device) {
  uint32_t n = 0;
  get(device, &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  get(device, &n, families.data());
  for (uint32_t i = 0; i < n; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
  return UINT32_MAX;
}

}  // namespace gpuc::bench
