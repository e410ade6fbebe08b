// The in-process compile API: source (.gk) or IR text (.gir) -> verified IR -> passes -> a target.
//
// This is what the gpuc CLI is a thin shell over, and what engines call (NVRTC-like).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gpuc/artifact/artifact.h"
#include "gpuc/ir/module.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc {

enum class Target { Cuda, Vulkan };
enum class Emit {
  Default,  // ptx for cuda, spirv for vulkan
  Ir,       // the shared IR as .gir text
  Nvvm,     // NVVM IR text
  Ptx,
  Cubin,
  Spirv,   // SPIR-V binary
  Spvasm,  // SPIR-V disassembly
};

const char* target_name(Target t);
const char* emit_name(Emit e);

struct CompileOptions {
  Target target = Target::Cuda;
  Emit emit = Emit::Default;
  int opt_level = 2;
  std::vector<std::string> defines;       // -D NAME[=VALUE]
  std::vector<std::string> undefines;     // -U NAME
  std::vector<std::string> include_dirs;  // -I DIR
  bool syntax_only = false;               // -fsyntax-only: parse and check, no output
  bool validate = false;                  // --validate: run the target's validator on the output
  std::string arch;                       // --arch=sm_XX / compute_XX (cuda)
  std::string vulkan_version = "1.2";     // --vulkan-version=1.2|1.3 (SPIR-V 1.5 / 1.6)
  std::vector<std::string> print_after;   // --print-after=PASS
  bool print_after_all = false;
  bool warnings_as_errors = false;
  bool no_warnings = false;
  // NVVM backend (cuda): docs/nvvm-backend.md. -1 = libNVVM's default (or --fast-math's value).
  std::string nvvm_dialect;  // --nvvm-dialect=typed|modern; empty = automatic (typed)
  int ftz = -1;              // -ftz=true|false: flush f32 denormals to zero
  int prec_div = -1;         // -prec-div=true|false: IEEE f32 division and reciprocals
  int prec_sqrt = -1;        // -prec-sqrt=true|false: IEEE f32 square root
  int fma = -1;              // -fma=true|false: contract a*b+c into fma
  bool fast_math = false;    // --fast-math: ftz=true prec-div=false prec-sqrt=false fma=true
  // --bounds-check: every global memory access is checked against the size of its buffer (the
  // runtime passes the sizes and reports violations after the launch). docs/safety.md.
  bool bounds_check = false;
};

struct CompileOutput {
  bool ok = false;
  std::string data;        // the artifact (text or binary) for options.emit
  bool is_binary = false;  // true for spirv and cubin
  std::string dumps;       // --print-after output
  // Reflection of every kernel (filled once the IR is verified and optimised; the same for both
  // targets). DESIGN.md "Parameters, reflection, artifacts".
  ir::ModuleReflection reflection;
};

// A compilation: owns the sources and diagnostics so callers can format them.
class Compilation {
 public:
  explicit Compilation(CompileOptions options);
  ~Compilation();

  // Compiles a file (kind by extension: .gk source, .gir IR text) or an in-memory buffer.
  CompileOutput compile_file(const std::string& path);
  CompileOutput compile_source(const std::string& name, std::string text);
  // Compiles a module built with the IR builder (engines that generate kernels without source).
  CompileOutput compile_module(std::unique_ptr<ir::Module> module);

  // The module after verification and passes (null if compilation failed before that).
  const ir::Module* module() const { return module_.get(); }
  SourceManager& sources() { return sources_; }
  DiagnosticEngine& diagnostics() { return diags_; }
  const CompileOptions& options() const { return options_; }

 private:
  CompileOptions options_;
  SourceManager sources_;
  DiagnosticEngine diags_;
  std::unique_ptr<ir::Module> module_;
  CompileOutput run(uint32_t file);
  CompileOutput finish(CompileOutput out);
};

// The artifact (code + reflection) of a successful PTX or SPIR-V compilation.
Artifact make_artifact(Target target, const CompileOutput& output);

// Compiles the file once per target (each with its own predefined macros) and collects the
// artifacts into one bundle: what `gpuc --target=all -o k.gpub` and `--emit=header` write.
// The formatted diagnostics of every compilation are appended to *diagnostics. On failure the
// error says which target failed; its diagnostics explain why.
Result<Bundle> compile_bundle(const std::string& path, const CompileOptions& options,
                              std::span<const Target> targets, std::string* diagnostics,
                              bool color = false);

}  // namespace gpuc
