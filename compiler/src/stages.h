// The compiler's stage hooks, one file per stage so each component plugs in independently.
#pragma once

#include <memory>

#include "gpuc/compiler.h"

namespace gpuc::detail {

// Kernel source (.gk) -> IR (load_source.cpp). Reports errors and returns null on failure.
std::unique_ptr<ir::Module> load_kernel_source(Compilation& c, uint32_t file);
// IR -> NVVM IR / PTX / cubin (emit_cuda.cpp).
bool emit_cuda(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out);
// IR -> SPIR-V binary / disassembly (emit_vulkan.cpp).
bool emit_vulkan(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out);

}  // namespace gpuc::detail
