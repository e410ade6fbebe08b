// Stage: IR -> NVVM IR / PTX. The NVVM backend is not built yet.
#include "stages.h"

namespace gpuc::detail {

bool emit_cuda(Compilation& c, ir::Module& m, Emit emit, CompileOutput& out) {
  c.diagnostics().error("target 'cuda' is not available in this build yet: the NVVM backend has "
                        "not been built (use --emit=ir to print the IR)");
  return false;
}

}  // namespace gpuc::detail
