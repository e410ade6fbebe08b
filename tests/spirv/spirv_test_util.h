// Helpers shared by the SPIR-V backend tests: the corpus (every .gir/.gk the project has), loading
// a file through gpuc::Compilation, and a small reader of SPIR-V words.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gpuc/compiler.h"

namespace gpuc::spirv::test {

namespace fs = std::filesystem;

// tests/kernels/*.gk, tests/ir/inputs/*.gir, tests/spirv/inputs/*.gir, sorted.
std::vector<fs::path> corpus();

// A file compiled to verified, optimised IR (the module the backend sees).
struct Loaded {
  std::unique_ptr<Compilation> compilation;
  const ir::Module* module = nullptr;
  std::string errors;  // formatted diagnostics when module is null
};
Loaded load(const fs::path& path);

// "; spirv-expect-error: TEXT" lines of a file: the compile must fail with these messages.
std::vector<std::string> expected_errors(const fs::path& path);

// False when the file's "TARGETS:" line (the corpus convention) leaves out vulkan.
bool targets_vulkan(const fs::path& path);

// One instruction of a SPIR-V module.
struct SpvInst {
  uint32_t opcode = 0;
  std::vector<uint32_t> operands;
};
std::vector<SpvInst> parse_words(const std::vector<uint32_t>& words);

// Kernel source (`.gk` text, or the file `path` when `source` is empty) compiled for Vulkan with
// validation on at -O`opt`: the SPIR-V words. A failed compile is a test failure (with the
// diagnostics) and returns no words.
std::vector<uint32_t> compile_spirv_words(const std::string& source, int opt = 2,
                                          const std::string& path = "k.gk");
std::string decode_string(const std::vector<uint32_t>& operands, size_t first);

}  // namespace gpuc::spirv::test
