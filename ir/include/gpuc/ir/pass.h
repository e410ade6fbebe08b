// The pass pipeline: a plain list of passes, each `PassResult run(Module&)`, listed in one place.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::ir {

enum class PassResult { Unchanged, Changed, Failed };

struct PassInfo {
  std::string_view name;  // as used by --print-after=NAME
  std::string_view description;
  PassResult (*run)(Module&, DiagnosticEngine&);
};

// Every pass gpuc has, in pipeline order (the single list; see passes.cpp).
const std::vector<PassInfo>& all_passes();
const PassInfo* find_pass(std::string_view name);

struct PipelineOptions {
  int opt_level = 2;         // -O0 runs no passes
  bool inline_calls = true;  // backends may turn inlining off
  // --print-after=NAME (repeatable) and --print-after-all: IR is printed to `dump` after each.
  std::vector<std::string> print_after;
  bool print_after_all = false;
  std::function<void(std::string_view pass, const std::string& ir)> dump;
  bool verify_each = false;  // re-verify after each pass (debug builds and tests)
};

// Runs the pipeline for the options. Returns false if a pass failed (errors already reported).
bool run_pipeline(Module& module, const PipelineOptions& options, DiagnosticEngine& diags);

}  // namespace gpuc::ir
