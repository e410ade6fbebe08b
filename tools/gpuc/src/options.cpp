// gpuc's option parser: every option the tool has is declared here, and --help prints them.
#include "options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "gpuc/version.h"

namespace gpuc::cli {

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options o;
  CLI::App app{"gpuc: compile CUDA-style GPU kernels (.gk) or gpuc IR (.gir) for CUDA (NVVM IR -> "
               "PTX) or Vulkan (SPIR-V).",
               "gpuc"};
  app.set_version_flag("--version", std::string("gpuc ") + kVersion);
  app.footer(
      "Examples:\n"
      "  gpuc --target=cuda saxpy.gk -o saxpy.ptx\n"
      "  gpuc --target=vulkan -O3 saxpy.gk -o saxpy.spv\n"
      "  gpuc --emit=ir kernel.gir            (re-print IR text)\n"
      "  gpuc --emit=ir --print-after=dce kernel.gir");

  std::string target = "cuda";
  std::map<std::string, Target> targets{{"cuda", Target::Cuda}, {"vulkan", Target::Vulkan}};
  app.add_option("--target", target, "Target: cuda (NVVM IR -> PTX) or vulkan (SPIR-V)")
      ->check(CLI::IsMember({"cuda", "vulkan"}))
      ->default_str("cuda");
  std::string emit = "default";
  std::map<std::string, Emit> emits{{"default", Emit::Default}, {"ir", Emit::Ir},
                                    {"nvvm", Emit::Nvvm},       {"ptx", Emit::Ptx},
                                    {"cubin", Emit::Cubin},     {"spirv", Emit::Spirv},
                                    {"spvasm", Emit::Spvasm}};
  app.add_option("--emit", emit,
                 "What to write: ir (gpuc IR text), nvvm, ptx, cubin (cuda); spirv, spvasm "
                 "(vulkan). Default: ptx for cuda, spirv for vulkan")
      ->check(CLI::IsMember({"default", "ir", "nvvm", "ptx", "cubin", "spirv", "spvasm"}));
  app.add_option("-o", o.output, "Output file ('-' for standard output)");
  int opt = 2;
  app.add_option("-O", opt, "Optimisation level 0..3 (default 2)")->check(CLI::Range(0, 3));
  app.add_option("-D", o.compile.defines, "Define a macro: -DNAME or -DNAME=VALUE");
  app.add_option("-U", o.compile.undefines, "Undefine a macro");
  app.add_option("-I", o.compile.include_dirs, "Add a directory to the #include search path");
  app.add_option("--arch", o.compile.arch, "CUDA architecture, e.g. sm_75 or compute_90");
  app.add_flag("--validate", o.compile.validate, "Validate the output with the target's validator");
  app.add_option("--print-after", o.compile.print_after,
                 "Print the IR after the named pass (repeatable); see --list-passes");
  app.add_flag("--print-after-all", o.compile.print_after_all, "Print the IR after every pass");
  bool list_passes = false;
  app.add_flag("--list-passes", list_passes, "List the IR passes in pipeline order and exit");
  std::vector<std::string> f_flags;
  app.add_option("-f", f_flags, "-fsyntax-only: check the input, write nothing")
      ->check(CLI::IsMember({"syntax-only"}));
  std::vector<std::string> w_flags;
  app.add_option("-W", w_flags, "-Werror: treat warnings as errors")
      ->check(CLI::IsMember({"error"}));
  app.add_flag("-w", o.compile.no_warnings, "Suppress all warnings");
  std::string color = "auto";
  app.add_option("--color", color, "Color diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("input", o.input, "Input file: kernel source (.gk) or gpuc IR (.gir)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    *exit_code = app.exit(e);
    return std::nullopt;
  } catch (const CLI::CallForVersion& e) {
    *exit_code = app.exit(e);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    std::cerr << "gpuc: error: " << e.what() << "\n(run 'gpuc --help' for the options)\n";
    *exit_code = 1;
    return std::nullopt;
  }
  if (list_passes) {
    *exit_code = 0;
    o.input = "--list-passes";
    return o;
  }
  if (o.input.empty()) {
    std::cerr << "gpuc: error: no input file\n(run 'gpuc --help' for the options)\n";
    *exit_code = 1;
    return std::nullopt;
  }
  o.compile.target = targets.at(target);
  o.compile.emit = emits.at(emit);
  o.compile.opt_level = opt;
  for (const std::string& f : f_flags)
    if (f == "syntax-only") o.compile.syntax_only = true;
  for (const std::string& w : w_flags)
    if (w == "error") o.compile.warnings_as_errors = true;
  o.color = color == "always" || (color == "auto" && ::isatty(2));
  return o;
}

}  // namespace gpuc::cli
