// gpuc: the command-line compiler, a thin shell over gpuc::Compilation.
#include <unistd.h>

#include <cctype>
#include <iostream>

#include "gpuc/artifact/artifact.h"
#include "gpuc/ir/pass.h"
#include "gpuc/support/file_io.h"
#include "options.h"

namespace {

// Output path derived from the input when -o is absent: binary artifacts next to the input
// (kernel.spv, kernel.ptx); text emits (ir, nvvm, spvasm) to standard output.
std::string input_stem(const gpuc::cli::Options& o) {
  std::string stem = o.input;
  size_t slash = stem.find_last_of('/');
  if (slash != std::string::npos) stem = stem.substr(slash + 1);
  size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos) stem = stem.substr(0, dot);
  return stem;
}

std::string default_output(const gpuc::cli::Options& o, gpuc::Emit emit) {
  std::string stem = input_stem(o);
  if (o.bundle) return stem + ".gpub";
  if (o.header) return stem + ".h";
  switch (emit) {
    case gpuc::Emit::Ptx:
      return stem + ".ptx";
    case gpuc::Emit::Cubin:
      return stem + ".cubin";
    case gpuc::Emit::Spirv:
      return stem + ".spv";
    case gpuc::Emit::Default:
      return stem + (o.compile.target == gpuc::Target::Cuda ? ".ptx" : ".spv");
    default:
      return "-";
  }
}

// A C identifier made from the input's stem: saxpy.gk -> saxpy_gpub.
std::string default_symbol(const gpuc::cli::Options& o) {
  std::string sym;
  for (char c : input_stem(o))
    sym += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (sym.empty() || std::isdigit(static_cast<unsigned char>(sym[0]))) sym = "k_" + sym;
  return sym + "_gpub";
}

int fail(const std::string& message) {
  std::cerr << "gpuc: error: " << message << "\n";
  return 1;
}

// --emit=bundle / --emit=header / --target=all: compile per target, then write the bundle.
int write_bundle(const gpuc::cli::Options& o) {
  std::vector<gpuc::Target> targets;
  if (o.all_targets)
    targets = {gpuc::Target::Cuda, gpuc::Target::Vulkan};
  else
    targets = {o.compile.target};
  std::string diagnostics;
  gpuc::Result<gpuc::Bundle> bundle =
      gpuc::compile_bundle(o.input, o.compile, targets, &diagnostics, o.color);
  std::cerr << diagnostics;
  if (!bundle) return 1;
  if (o.compile.syntax_only) return 0;
  std::string path = o.output.empty() ? default_output(o, gpuc::Emit::Default) : o.output;
  std::string data;
  if (o.header) {
    gpuc::Result<std::string> header =
        gpuc::to_cpp_header(*bundle, o.symbol.empty() ? default_symbol(o) : o.symbol);
    if (!header) return fail(header.error().message);
    data = std::move(*header);
  } else {
    gpuc::Result<std::string> bytes = gpuc::serialize_bundle(*bundle);
    if (!bytes) return fail(bytes.error().message);
    if (path == "-" && ::isatty(1))
      return fail("refusing to write binary output to a terminal; use -o FILE");
    data = std::move(*bytes);
  }
  gpuc::Status written = gpuc::write_file_atomic(path, data);
  return written ? 0 : fail(written.error().message);
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

  if (options->bundle || options->header) return write_bundle(*options);

  gpuc::Compilation compilation(options->compile);
  gpuc::CompileOutput out = compilation.compile_file(options->input);
  std::cerr << compilation.diagnostics().format_all(options->color);
  if (!out.dumps.empty()) std::cerr << out.dumps;
  if (!out.ok) return 1;
  if (options->compile.syntax_only) return 0;

  std::string path =
      options->output.empty() ? default_output(*options, options->compile.emit) : options->output;
  if (path == "-" && out.is_binary && ::isatty(1)) {
    std::cerr << "gpuc: error: refusing to write binary output to a terminal; use -o FILE\n";
    return 1;
  }
  // PTX and SPIR-V files get their reflection beside them (<file>.json), which the runtime needs.
  gpuc::Emit emit = options->compile.emit;
  if (emit == gpuc::Emit::Default)
    emit = options->compile.target == gpuc::Target::Cuda ? gpuc::Emit::Ptx : gpuc::Emit::Spirv;
  gpuc::Status written =
      (path != "-" && (emit == gpuc::Emit::Ptx || emit == gpuc::Emit::Spirv))
          ? gpuc::write_artifact_files(gpuc::make_artifact(options->compile.target, out), path)
          : gpuc::write_file_atomic(path, out.data);
  return written ? 0 : fail(written.error().message);
}
