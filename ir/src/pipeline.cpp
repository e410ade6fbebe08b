// TEMPORARY (being replaced by the IR helper).
#include "gpuc/ir/pass.h"
namespace gpuc::ir {
const std::vector<PassInfo>& all_passes() { static std::vector<PassInfo> v; return v; }
const PassInfo* find_pass(std::string_view) { return nullptr; }
bool run_pipeline(Module&, const PipelineOptions&, DiagnosticEngine&) { return true; }
}
