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
// target macros (__CUDA_ARCH__ on cuda, __GPUC_TARGET_CUDA__ / __GPUC_TARGET_VULKAN__), then
// applies options.defines / undefines in order. The result always ends with an Eof token. Errors
// are reported through `diags`; preprocessing continues after an error where it can.
std::vector<Token> preprocess(uint32_t file, const FrontendOptions& options, SourceManager& sources,
                              DiagnosticEngine& diags);

// Resource limits: past them preprocessing stops with a fatal error (and the result is just the
// Eof token) instead of running away on pathological input.
struct PreprocessorLimits {
  size_t max_expanded_tokens = 10'000'000;  // tokens produced by macro expansion, in total
  unsigned max_include_depth = 200;         // nested #include levels
  // Macro invocations nested in macro arguments, F(F(F(...))): each level recurses on the C++
  // stack (1-2 KB per level in a release build, several times that with sanitizers).
  unsigned max_nesting = 256;
  unsigned max_expression_depth = 1000;  // nesting of #if expressions (parentheses, unary ops)
  // Tokens held at once in the arguments of macro invocations nested inside arguments (each
  // level keeps its own copy: F(F(F(...))) over a huge argument would need quadratic memory).
  size_t max_argument_tokens = 2'000'000;
};

std::vector<Token> preprocess(uint32_t file, const FrontendOptions& options, SourceManager& sources,
                              DiagnosticEngine& diags, const PreprocessorLimits& limits);

// Spells a token stream back as source text (what `cc -E` prints): a token that started a line
// starts one, source spacing becomes one space, `#pragma unroll` is printed on its own line. The
// result lexes to the same tokens.
std::string spell_tokens(const std::vector<Token>& tokens);

}  // namespace gpuc::frontend
