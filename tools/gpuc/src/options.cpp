// gpuc's option parser: every option the tool has is declared here, and --help prints them.
#include "options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "gpuc/ir/pass.h"
#include "gpuc/version.h"

namespace gpuc::cli {

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options o;
  CLI::App app{
      "gpuc: compile CUDA-style GPU kernels (.gk) or gpuc IR (.gir) for CUDA (NVVM IR -> "
      "PTX) or Vulkan (SPIR-V).",
      "gpuc"};
  app.set_version_flag("--version", std::string("gpuc ") + kVersion);
  app.footer(
      "Commands:\n"
      "  gpuc devices                         list CUDA and Vulkan devices and the one 'auto' "
      "picks\n"
      "\n"
      "Examples:\n"
      "  gpuc --target=cuda saxpy.gk -o saxpy.ptx\n"
      "  gpuc --target=vulkan -O3 saxpy.gk -o saxpy.spv\n"
      "  gpuc --emit=ir kernel.gir            (re-print IR text)\n"
      "  gpuc --emit=ir --print-after=dce kernel.gir\n"
      "  gpuc --target=all saxpy.gk -o saxpy.gpub   (both targets + reflection in one bundle)");

  std::string target = "cuda";
  std::map<std::string, Target> targets{{"cuda", Target::Cuda}, {"vulkan", Target::Vulkan}};
  app.add_option("--target", target,
                 "Target: cuda (NVVM IR -> PTX), vulkan (SPIR-V), or all (a .gpub bundle holding "
                 "both, with reflection)")
      ->check(CLI::IsMember({"cuda", "vulkan", "all"}))
      ->default_str("cuda");
  std::string emit = "default";
  std::map<std::string, Emit> emits{{"default", Emit::Default}, {"ir", Emit::Ir},
                                    {"nvvm", Emit::Nvvm},       {"ptx", Emit::Ptx},
                                    {"cubin", Emit::Cubin},     {"spirv", Emit::Spirv},
                                    {"spvasm", Emit::Spvasm}};
  app.add_option("--emit", emit,
                 "What to write: ir (gpuc IR text), nvvm, ptx, cubin (cuda); spirv, spvasm "
                 "(vulkan); bundle (.gpub: code + reflection of the target, or of both with "
                 "--target=all); header (that bundle embedded in a C++ header). Default: ptx for "
                 "cuda, spirv for vulkan (each with a .json reflection sidecar), bundle for all")
      ->check(CLI::IsMember(
          {"default", "ir", "nvvm", "ptx", "cubin", "spirv", "spvasm", "bundle", "header"}));
  app.add_option("--symbol", o.symbol,
                 "--emit=header: the C++ name of the embedded array (default: <input stem>_gpub)");
  app.add_option("-o", o.output, "Output file ('-' for standard output)");
  int opt = 2;
  app.add_option("-O", opt, "Optimisation level 0..3 (default 2)")->check(CLI::Range(0, 3));
  // Repeatable options take exactly one value per occurrence, so `gpuc -D X in.gk` leaves the
  // input alone (CLI11 vector options otherwise swallow the following arguments).
  app.add_option("-D", o.compile.defines, "Define a macro: -DNAME or -DNAME=VALUE (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-U", o.compile.undefines, "Undefine a macro (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-I", o.compile.include_dirs,
                 "Add a directory to the #include search path (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--arch", o.compile.arch,
                 "CUDA architecture: compute_XX (PTX) or sm_XX (needed for --emit=cubin). Default "
                 "compute_75: PTX that the driver JIT-compiles for every newer GPU");
  // NVVM backend options (docs/nvvm-backend.md). -ftz=, -prec-div=, -prec-sqrt=, -fma= and
  // -ffast-math are nvcc's spellings; they are rewritten to the -- forms below before parsing.
  app.add_option("--nvvm-dialect", o.compile.nvvm_dialect,
                 "NVVM IR dialect: typed (LLVM 7, every arch; default) or modern (LLVM 20 opaque "
                 "pointers, compute_100+ only)")
      ->check(CLI::IsMember({"typed", "modern"}));
  std::map<std::string, int*> nvvm_bools{{"--ftz", &o.compile.ftz},
                                         {"--prec-div", &o.compile.prec_div},
                                         {"--prec-sqrt", &o.compile.prec_sqrt},
                                         {"--fma", &o.compile.fma}};
  std::map<std::string, std::string> nvvm_bool_values;
  const std::map<std::string, std::string> nvvm_bool_help{
      {"--ftz", "-ftz=true|false: flush single-precision denormals to zero (default false)"},
      {"--prec-div", "-prec-div=true|false: IEEE single-precision division (default true)"},
      {"--prec-sqrt", "-prec-sqrt=true|false: IEEE single-precision sqrt (default true)"},
      {"--fma", "-fma=true|false: contract multiply-add into fma (default true)"}};
  for (const auto& [name, help] : nvvm_bool_help)
    app.add_option(name, nvvm_bool_values[name], help)
        ->check(CLI::IsMember({"true", "false", "1", "0"}));
  app.add_flag(
      "--fast-math", o.compile.fast_math,
      "Fast math (also -ffast-math): -ftz=true -prec-div=false -prec-sqrt=false -fma=true; "
      "explicit options win");
  app.add_option("--vulkan-version", o.compile.vulkan_version,
                 "Vulkan version to target: 1.2 (SPIR-V 1.5, default) or 1.3 (SPIR-V 1.6)")
      ->check(CLI::IsMember({"1.2", "1.3"}));
  app.add_flag("--validate", o.compile.validate, "Validate the output with the target's validator");
  app.add_flag("--bounds-check", o.compile.bounds_check,
               "Check every global memory access against its buffer's size; the runtime reports "
               "out-of-bounds accesses after the launch (docs/safety.md)");
  std::string pass_names;
  for (const ir::PassInfo& p : ir::all_passes())
    pass_names += (pass_names.empty() ? "" : ", ") + std::string(p.name);
  app.add_option("--print-after", o.compile.print_after,
                 "Print the IR after the named pass (repeatable): " + pass_names)
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [pass_names](std::string& name) -> std::string {
            if (ir::find_pass(name)) return "";
            return "unknown pass '" + name + "' (passes: " + pass_names + ")";
          },
          "PASS"));
  app.add_flag("--print-after-all", o.compile.print_after_all, "Print the IR after every pass");
  bool list_passes = false;
  app.add_flag("--list-passes", list_passes, "List the IR passes in pipeline order and exit");
  std::vector<std::string> f_flags;
  app.add_option("-f", f_flags, "-fsyntax-only: check the input, write nothing")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"syntax-only"}));
  std::vector<std::string> w_flags;
  app.add_option("-W", w_flags, "-Werror: treat warnings as errors")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"error"}));
  app.add_flag("-w", o.compile.no_warnings, "Suppress all warnings");
  std::string color = "auto";
  app.add_option("--color", color, "Color diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("input", o.input, "Input file: kernel source (.gk) or gpuc IR (.gir)");

  try {
    // nvcc-style single-dash spellings -> the long options CLI11 knows.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
      std::string a = argv[i];
      for (const char* name : {"-ftz=", "-prec-div=", "-prec-sqrt=", "-fma="})
        if (a.rfind(name, 0) == 0) a = "-" + a;
      if (a == "-ffast-math") a = "--fast-math";
      args.push_back(a);
    }
    app.parse(args);
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
  o.all_targets = target == "all";
  o.compile.target = o.all_targets ? Target::Cuda : targets.at(target);
  o.bundle = emit == "bundle" || (o.all_targets && emit == "default") ||
             (o.output.size() > 5 && o.output.ends_with(".gpub") && emit == "default");
  o.header = emit == "header";
  if (o.all_targets && !o.bundle && !o.header) {
    std::cerr << "gpuc: error: --target=all writes a bundle: use --emit=bundle or --emit=header\n";
    *exit_code = 1;
    return std::nullopt;
  }
  o.compile.emit = (o.bundle || o.header) ? Emit::Default : emits.at(emit);
  o.compile.opt_level = opt;
  for (const auto& [name, value] : nvvm_bool_values)
    if (!value.empty()) *nvvm_bools.at(name) = value == "true" || value == "1" ? 1 : 0;
  for (const std::string& f : f_flags)
    if (f == "syntax-only") o.compile.syntax_only = true;
  for (const std::string& w : w_flags)
    if (w == "error") o.compile.warnings_as_errors = true;
  o.color = color == "always" || (color == "auto" && ::isatty(2));
  return o;
}

}  // namespace gpuc::cli
