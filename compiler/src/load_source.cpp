// Stage: kernel source (.gk) -> IR. The frontend is not built yet.
#include "stages.h"

namespace gpuc::detail {

std::unique_ptr<ir::Module> load_kernel_source(Compilation& c, uint32_t file) {
  c.diagnostics().error("the kernel-language frontend (.gk) is not available in this build yet; "
                        "only IR text (.gir) input is supported");
  return nullptr;
}

}  // namespace gpuc::detail
