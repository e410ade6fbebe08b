// Semantic analysis and lowering: the AST (ast.h) -> shared IR, in one pass over each function.
//
// Types follow C as nvcc applies it (C++ for bool-valued comparisons): integer promotions and the
// usual arithmetic conversions (C11 6.3.1), literal types by value and suffix (C11 6.4.4.1).
// Pointer address spaces are inferred (docs/language.md "Memory and address spaces"): device
// functions with pointer parameters are specialised per combination of argument spaces.
#pragma once

#include <memory>

#include "ast.h"
#include "gpuc/frontend/frontend.h"
#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::frontend {

// Lowers a parsed translation unit. Returns null when errors were reported.
std::unique_ptr<ir::Module> lower_translation_unit(const TranslationUnit& unit,
                                                   const FrontendOptions& options,
                                                   DiagnosticEngine& diags);

}  // namespace gpuc::frontend
