// compile_kernel_source: preprocess -> parse -> semantic analysis and lowering to IR.
#include "gpuc/frontend/frontend.h"

#include "gpuc/frontend/preprocessor.h"
#include "lower.h"
#include "parser.h"

namespace gpuc::frontend {

std::unique_ptr<ir::Module> compile_kernel_source(uint32_t file, const FrontendOptions& options,
                                                  SourceManager& sources, DiagnosticEngine& diags) {
  unsigned errors_before = diags.error_count();
  std::vector<Token> tokens = preprocess(file, options, sources, diags);
  TranslationUnit unit;
  parse_translation_unit(tokens, unit, diags);
  // Semantic analysis runs only on a cleanly parsed unit: declarations that failed to parse would
  // otherwise cascade into "undeclared identifier" errors.
  if (diags.error_count() != errors_before) return nullptr;
  std::unique_ptr<ir::Module> m = lower_translation_unit(unit, options, diags);
  if (diags.error_count() != errors_before) return nullptr;
  return m;
}

}  // namespace gpuc::frontend
