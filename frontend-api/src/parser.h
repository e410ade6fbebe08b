// The recursive-descent parser: preprocessed tokens -> AST (ast.h), with clang-style diagnostics
// and recovery at statement and declaration boundaries.
#pragma once

#include <vector>

#include "ast.h"
#include "gpuc/frontend/token.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::frontend {

// Nesting limits: parentheses, statements and expression trees deeper than these are an error (the
// parser and the lowering recurse, so the limits keep the stack bounded on pathological input).
inline constexpr unsigned kMaxNestingDepth = 256;
inline constexpr unsigned kMaxExprDepth = 1024;

// Parses a whole translation unit into `unit`. Returns false when errors were reported (the unit
// then holds whatever parsed cleanly).
bool parse_translation_unit(const std::vector<Token>& tokens, TranslationUnit& unit,
                            DiagnosticEngine& diags);

}  // namespace gpuc::frontend
