// `gpuc devices`: lists every CUDA and Vulkan device the runtime can open, and which one `auto`
// picks. Exit status 0 when a usable device exists, 1 otherwise.
#include <cstdio>
#include <iostream>
#include <string>

#include "gpuc/runtime/runtime.h"

namespace gpuc::cli {

namespace {

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  return buf;
}

std::string id(const rt::DeviceInfo& d) {
  return std::string(rt::backend_name(d.backend)) + ":" + std::to_string(d.index);
}

}  // namespace

int run_devices(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << "Usage: gpuc devices\n\nLists the CUDA and Vulkan devices gpuc's runtime can "
                   "open (as cuda:N / vulkan:N) and the one\n`auto` picks: CUDA on an NVIDIA GPU "
                   "with a working driver, else the best Vulkan device\n(discrete > integrated > "
                   "virtual > cpu). Exits 1 when there is no usable device.\n";
      return 0;
    }
    std::cerr << "gpuc devices: error: unexpected argument '" << a << "'\n";
    return 1;
  }
  rt::DeviceList list = rt::enumerate_devices();
  const rt::DeviceInfo* pick = rt::pick_auto_device(list);
  for (const rt::DeviceInfo& d : list.devices) {
    bool is_pick = pick && pick->backend == d.backend && pick->index == d.index;
    std::cout << (is_pick ? "* " : "  ") << id(d) << "  " << d.name << "\n";
    if (!d.usable) {
      std::cout << "      unusable: " << d.unusable_reason << "\n";
      continue;
    }
    std::cout << "      type " << d.device_type << ", "
              << (d.backend == rt::Backend::Vulkan ? "Vulkan " : "compute capability ")
              << d.api_version << ", driver " << d.driver << "\n"
              << "      memory " << gib(d.memory_bytes) << ", subgroup size " << d.subgroup_size
              << ", max " << d.max_threads_per_block << " threads per block ("
              << d.max_block_dims[0] << ", " << d.max_block_dims[1] << ", " << d.max_block_dims[2]
              << "), shared memory " << d.max_shared_bytes << " bytes, "
              << (d.backend == rt::Backend::Vulkan ? "push constants " : "parameters ")
              << d.max_push_constant_bytes << " bytes\n";
  }
  for (const std::string& n : list.notes) std::cout << "note: " << n << "\n";
  if (!pick) {
    std::cout << (list.devices.empty() ? "no CUDA or Vulkan device found\n"
                                       : "no usable CUDA or Vulkan device found\n");
    return 1;
  }
  std::cout << "auto picks " << id(*pick) << " (" << pick->name << ")\n";
  return 0;
}

}  // namespace gpuc::cli
