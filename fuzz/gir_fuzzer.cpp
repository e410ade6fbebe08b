// libFuzzer target (b): arbitrary bytes through the .gir parser, then the verifier and printer;
// every verified module also goes through the --bounds-check transform, whose output must verify.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "gpuc/ir/bounds_check.h"
#include "gpuc/ir/parser.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"
#include "gpuc/support/ice.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gpuc::SourceManager sources;
  gpuc::DiagnosticEngine diags(&sources);
  uint32_t file =
      sources.add_buffer("fuzz.gir", std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<gpuc::ir::Module> m = gpuc::ir::parse_module(file, diags);
  gpuc::fuzz::abort_on_ice(diags);
  if (m && !diags.has_errors() && gpuc::ir::verify(*m, diags)) {
    // A verified module prints to text that parses and verifies again (docs/ir.md).
    std::string text = gpuc::ir::print_module(*m);
    gpuc::SourceManager sources2;
    gpuc::DiagnosticEngine diags2(&sources2);
    uint32_t file2 = sources2.add_buffer("printed.gir", text);
    std::unique_ptr<gpuc::ir::Module> m2 = gpuc::ir::parse_module(file2, diags2);
    if (!m2 || diags2.has_errors() || !gpuc::ir::verify(*m2, diags2)) {
      std::fprintf(stderr, "gpuc fuzz: printed module does not re-parse:\n%s\n%s\n", text.c_str(),
                   diags2.format_all().c_str());
      std::abort();
    }
    // --bounds-check on the re-parsed copy: a module it cannot check is an error, never an ICE,
    // and what it returns verifies (ir/bounds_check.h).
    gpuc::ir::BoundsCheckInfo info;
    if (gpuc::ir::insert_bounds_checks(*m2, diags2, &info) && !gpuc::ir::verify(*m2, diags2)) {
      std::fprintf(stderr, "gpuc fuzz: --bounds-check output does not verify:\n%s\n%s\n",
                   gpuc::ir::print_module(*m2).c_str(), diags2.format_all().c_str());
      std::abort();
    }
    gpuc::fuzz::abort_on_ice(diags2);
  }
  gpuc::fuzz::abort_on_ice(diags);
  (void)diags.format_all();
  return 0;
}
