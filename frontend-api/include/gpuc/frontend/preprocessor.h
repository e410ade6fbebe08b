// The preprocessor: source text -> fully expanded token stream (C99 §6.10 semantics).
#pragma once

#include <string>
#include <vector>

#include "gpuc/frontend/frontend.h"
#include "gpuc/frontend/token.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::frontend {

// Lexes and preprocesses buffer `file`: directives, macro expansion (#, ##, variadic), #include
// (relative to the including file, then -I dirs; new buffers added to `sources`), #if expressions
// with defined(), #error, #pragma unroll (as a PragmaUnroll token). Predefines __GPUC__ and the
// target macros (__CUDA_ARCH__ on cuda, __GPUC_TARGET_CUDA__ / __GPUC_TARGET_VULKAN__), then applies
// options.defines / undefines in order. The result always ends with an Eof token. Errors are
// reported through `diags`; preprocessing continues after an error where it can.
std::vector<Token> preprocess(uint32_t file, const FrontendOptions& options, SourceManager& sources,
                              DiagnosticEngine& diags);

}  // namespace gpuc::frontend
