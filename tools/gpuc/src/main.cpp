// gpuc: the command-line compiler, a thin shell over gpuc::Compilation.
#include <unistd.h>

#include <iostream>

#include "gpuc/ir/pass.h"
#include "gpuc/support/file_io.h"
#include "options.h"

namespace {

// Output path derived from the input when -o is absent: binary artifacts next to the input
// (kernel.spv, kernel.ptx); text emits (ir, nvvm, spvasm) to standard output.
std::string default_output(const gpuc::cli::Options& o, gpuc::Emit emit) {
  std::string stem = o.input;
  size_t slash = stem.find_last_of('/');
  if (slash != std::string::npos) stem = stem.substr(slash + 1);
  size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos) stem = stem.substr(0, dot);
  switch (emit) {
    case gpuc::Emit::Ptx: return stem + ".ptx";
    case gpuc::Emit::Cubin: return stem + ".cubin";
    case gpuc::Emit::Spirv: return stem + ".spv";
    case gpuc::Emit::Default:
      return stem + (o.compile.target == gpuc::Target::Cuda ? ".ptx" : ".spv");
    default: return "-";
  }
}

}  // namespace

namespace gpuc::cli {
int run_devices(int argc, char** argv);  // devices.cpp: `gpuc devices`
}  // namespace gpuc::cli

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "devices")
    return gpuc::cli::run_devices(argc - 1, argv + 1);
  int exit_code = 0;
  std::optional<gpuc::cli::Options> options = gpuc::cli::parse_options(argc, argv, &exit_code);
  if (!options) return exit_code;
  if (options->input == "--list-passes") {
    for (const gpuc::ir::PassInfo& p : gpuc::ir::all_passes())
      std::cout << p.name << "\t" << p.description << "\n";
    return 0;
  }

  gpuc::Compilation compilation(options->compile);
  gpuc::CompileOutput out = compilation.compile_file(options->input);
  std::cerr << compilation.diagnostics().format_all(options->color);
  if (!out.dumps.empty()) std::cerr << out.dumps;
  if (!out.ok) return 1;
  if (options->compile.syntax_only) return 0;

  std::string path = options->output.empty() ? default_output(*options, options->compile.emit)
                                             : options->output;
  if (path == "-" && out.is_binary && ::isatty(1)) {
    std::cerr << "gpuc: error: refusing to write binary output to a terminal; use -o FILE\n";
    return 1;
  }
  gpuc::Status written = gpuc::write_file_atomic(path, out.data);
  if (!written) {
    std::cerr << "gpuc: error: " << written.error().message << "\n";
    return 1;
  }
  return 0;
}
