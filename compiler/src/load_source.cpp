// Stage: kernel source (.gk) -> IR, through the frontend (gpuc::frontend) when it is built.
#include "stages.h"

#if GPUC_HAVE_FRONTEND
#include "gpuc/frontend/frontend.h"
#endif

namespace gpuc::detail {

#if GPUC_HAVE_FRONTEND
namespace {

// --arch=sm_80 / compute_90a -> "800" / "900" (the value of __CUDA_ARCH__); default sm_75.
std::string cuda_arch_value(const std::string& arch) {
  std::string digits;
  size_t i = arch.find('_');
  for (size_t k = i == std::string::npos ? 0 : i + 1; k < arch.size(); ++k) {
    if (arch[k] < '0' || arch[k] > '9') break;
    digits += arch[k];
  }
  if (digits.empty()) return "750";
  return digits + "0";
}

}  // namespace
#endif

std::unique_ptr<ir::Module> load_kernel_source(Compilation& c, uint32_t file) {
#if GPUC_HAVE_FRONTEND
  const CompileOptions& o = c.options();
  frontend::FrontendOptions fo;
  fo.target =
      o.target == Target::Cuda ? frontend::FrontendTarget::Cuda : frontend::FrontendTarget::Vulkan;
  fo.defines = o.defines;
  fo.undefines = o.undefines;
  fo.include_dirs = o.include_dirs;
  fo.cuda_arch = cuda_arch_value(o.arch);
  return frontend::compile_kernel_source(file, fo, c.sources(), c.diagnostics());
#else
  c.diagnostics().error(
      "the kernel-language frontend (.gk) is not part of this build; "
      "only IR text (.gir) input is supported");
  (void)file;
  return nullptr;
#endif
}

}  // namespace gpuc::detail
