// Stage: IR -> SPIR-V. The SPIR-V backend is not built yet.
#include "stages.h"

namespace gpuc::detail {

bool emit_vulkan(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out) {
  c.diagnostics().error("target 'vulkan' is not available in this build yet: the SPIR-V backend "
                        "has not been built (use --emit=ir to print the IR)");
  return false;
}

}  // namespace gpuc::detail
