// Build-time helper of the runtime tests: packs code files (.spv / .ptx) that share one
// hand-written reflection JSON into a bundle and writes it as a C++ header with
// gpuc::to_cpp_header. Usage: gpuc_embed_kernels OUT.h SYMBOL REFLECTION.json CODE...
#include <iostream>

#include "gpuc/artifact/artifact.h"
#include "gpuc/support/file_io.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: gpuc_embed_kernels OUT.h SYMBOL REFLECTION.json CODE...\n";
    return 1;
  }
  gpuc::Result<std::string> json = gpuc::read_file(argv[3]);
  if (!json) {
    std::cerr << json.error().message << "\n";
    return 1;
  }
  gpuc::ir::ModuleReflection reflection;
  std::string error;
  if (!gpuc::ir::reflection_from_json(*json, &reflection, &error)) {
    std::cerr << argv[3] << ": " << error << "\n";
    return 1;
  }
  gpuc::Bundle bundle;
  for (int i = 4; i < argc; ++i) {
    std::string path = argv[i];
    gpuc::Result<std::string> code = gpuc::read_file(path);
    if (!code) {
      std::cerr << code.error().message << "\n";
      return 1;
    }
    gpuc::Artifact a;
    a.target = path.ends_with(".ptx") ? gpuc::ArtifactTarget::Cuda : gpuc::ArtifactTarget::Vulkan;
    a.code = std::move(*code);
    a.reflection = reflection;
    bundle.set(std::move(a));
  }
  gpuc::Result<std::string> header = gpuc::to_cpp_header(bundle, argv[2]);
  if (!header) {
    std::cerr << header.error().message << "\n";
    return 1;
  }
  gpuc::Status s = gpuc::write_file_atomic(argv[1], *header);
  if (!s) {
    std::cerr << s.error().message << "\n";
    return 1;
  }
  return 0;
}
