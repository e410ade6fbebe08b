// The pass pipeline: the one list of passes, in order, and the driver that runs it with -O
// gating, --print-after dumps and optional re-verification after each pass.
#include "gpuc/ir/pass.h"

#include <algorithm>

#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"
#include "passes/passes.h"

namespace gpuc::ir {

const std::vector<PassInfo>& all_passes() {
  // Inlining first (it exposes constants to folding), folding before CSE (folded constants merge),
  // DCE last (it removes what the others left unused). -O1 and up run all of them; -O0 none.
  static const std::vector<PassInfo> passes = {
      {"inline", "inline device functions into their callers", passes::inline_calls},
      {"constfold", "fold constant expressions, selects and ifs on constant conditions",
       passes::constant_folding},
      {"cse", "merge identical pure ops within a region and its nested regions",
       passes::common_subexpressions},
      {"dce", "delete unused pure ops, loads and vars, and empty ifs", passes::dead_code},
  };
  return passes;
}

const PassInfo* find_pass(std::string_view name) {
  for (const PassInfo& p : all_passes())
    if (p.name == name) return &p;
  return nullptr;
}

bool run_pipeline(Module& module, const PipelineOptions& options, DiagnosticEngine& diags) {
  for (const std::string& name : options.print_after)
    if (!find_pass(name)) {
      std::string known;
      for (const PassInfo& p : all_passes())
        known += (known.empty() ? "" : ", ") + std::string(p.name);
      diags.error("unknown pass '" + name + "' in --print-after (passes: " + known + ")");
      return false;
    }
  if (options.opt_level <= 0) {
    if (options.print_after_all || !options.print_after.empty())
      diags.warning(SourceLocation{}, "no passes run at -O0: --print-after prints nothing");
    return true;
  }
  unsigned errors_before = diags.error_count();
  for (const PassInfo& pass : all_passes()) {
    if (pass.name == "inline" && !options.inline_calls) continue;
    PassResult result = pass.run(module, diags);
    if (result == PassResult::Failed || diags.error_count() > errors_before) return false;
    if (options.verify_each && !verify(module, diags)) {
      diags.error("internal compiler error: the IR is invalid after pass '" +
                  std::string(pass.name) + "'");
      return false;
    }
    bool print = options.print_after_all ||
                 std::find(options.print_after.begin(), options.print_after.end(), pass.name) !=
                     options.print_after.end();
    if (print && options.dump) options.dump(pass.name, print_module(module));
  }
  return true;
}

}  // namespace gpuc::ir
