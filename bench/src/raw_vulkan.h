// A raw Vulkan dispatch loop for the launch-overhead comparison (raw_vulkan.cpp).
#pragma once

#include <string>

#include "common.h"
#include "gpuc/support/result.h"

namespace gpuc::bench {

// Microseconds per dispatch of `count` dispatches of `entry` (parameters (int n, float* p),
// `block` threads, one workgroup) recorded into one command buffer, submitted once; median of
// `reps` repetitions. Runs on the Vulkan device named `device_name` with its own VkDevice.
Result<double> raw_vulkan_us_per_dispatch(const std::string& device_name, const std::string& spirv,
                                          const std::string& entry, uint32_t block, int count,
                                          int reps);

}  // namespace gpuc::bench
