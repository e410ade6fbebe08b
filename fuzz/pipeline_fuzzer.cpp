// libFuzzer target (c): source -> IR -> both backends, with and without --bounds-check (chosen by
// the input's first byte, so both halves of the corpus evolve). SPIR-V output is validated by
// SPIRV-Tools (--validate); the NVVM backend emits NVVM IR only (libNVVM is not loaded: too slow
// per input and not present on every fuzzing machine).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "gpuc/compiler.h"

namespace {

void compile(gpuc::Target target, gpuc::Emit emit, bool bounds_check, const std::string& text) {
  gpuc::CompileOptions options;
  options.target = target;
  options.emit = emit;
  options.bounds_check = bounds_check;
  options.validate = target == gpuc::Target::Vulkan;
  gpuc::Compilation c(options);
  c.compile_source("fuzz.gk", text);
  gpuc::fuzz::abort_on_ice(c.diagnostics());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // Odd first byte: --bounds-check. The byte stays in the source (usually whitespace, '_' or a
  // letter of the first token in the seeds), so no seed loses its meaning.
  const bool bounds_check = size > 0 && (data[0] & 1);
  compile(gpuc::Target::Vulkan, gpuc::Emit::Spirv, bounds_check, text);
  compile(gpuc::Target::Cuda, gpuc::Emit::Nvvm, bounds_check, text);
  return 0;
}
