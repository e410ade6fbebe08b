// The .gir parser: text -> Module. Errors carry file:line:col and go through the diagnostics
// engine.
#pragma once

#include <memory>
#include <string_view>

#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::ir {

// Parses the buffer `file` of the engine's SourceManager. Returns null after reporting errors.
// The result is not verified: run verify() on it.
std::unique_ptr<Module> parse_module(uint32_t file, DiagnosticEngine& diags);

}  // namespace gpuc::ir
