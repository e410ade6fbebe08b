// The optimizer entry point for a module already validated (compile_module validates before
// optimising; the public optimize() validates, then calls this).
#pragma once

#include <cstdint>
#include <vector>

#include "gpuc/spirv/spirv_backend.h"

namespace gpuc::spirv {

// SPIRV-Tools' performance passes on a valid module (tools.cpp).
Result<std::vector<uint32_t>> optimize_valid(const std::vector<uint32_t>& words,
                                             VulkanVersion version);

}  // namespace gpuc::spirv
