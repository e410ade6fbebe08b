// libFuzzer target (a): arbitrary bytes through the preprocessor and frontend (-fsyntax-only).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "gpuc/compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gpuc::CompileOptions options;
  options.target = gpuc::Target::Vulkan;
  options.syntax_only = true;
  gpuc::Compilation c(options);
  c.compile_source("fuzz.gk", std::string(reinterpret_cast<const char*>(data), size));
  gpuc::fuzz::abort_on_ice(c.diagnostics());
  (void)c.diagnostics().format_all();  // formatting every diagnostic must not crash either
  return 0;
}
