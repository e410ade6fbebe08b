// libFuzzer target (c): source -> IR -> both backends. SPIR-V output is validated by SPIRV-Tools
// (--validate); the NVVM backend emits NVVM IR only (libNVVM is not loaded: too slow per input
// and not present on every fuzzing machine).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "gpuc/compiler.h"

namespace {

void compile(gpuc::Target target, gpuc::Emit emit, const std::string& text) {
  gpuc::CompileOptions options;
  options.target = target;
  options.emit = emit;
  options.validate = target == gpuc::Target::Vulkan;
  gpuc::Compilation c(options);
  c.compile_source("fuzz.gk", text);
  gpuc::fuzz::abort_on_ice(c.diagnostics());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  compile(gpuc::Target::Vulkan, gpuc::Emit::Spirv, text);
  compile(gpuc::Target::Cuda, gpuc::Emit::Nvvm, text);
  return 0;
}
