// The kernel-language frontend: .gk source (a CUDA-C dialect) -> shared IR.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::frontend {

enum class FrontendTarget { Cuda, Vulkan };

struct FrontendOptions {
  FrontendTarget target = FrontendTarget::Cuda;
  std::vector<std::string> defines;  // "NAME" or "NAME=VALUE"
  std::vector<std::string> undefines;
  std::vector<std::string> include_dirs;
  std::string cuda_arch = "750";  // value of __CUDA_ARCH__ on the cuda target
};

// Compiles buffer `file` of the diagnostics engine's SourceManager (include files are added to
// the same SourceManager). Returns null after reporting errors; the result is not yet verified.
std::unique_ptr<ir::Module> compile_kernel_source(uint32_t file, const FrontendOptions& options,
                                                  SourceManager& sources, DiagnosticEngine& diags);

}  // namespace gpuc::frontend
