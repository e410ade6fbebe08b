// Artifact files: target code with a JSON reflection sidecar, loading by extension, C++ headers.
#include <set>

#include "gpuc/artifact/artifact.h"
#include "gpuc/support/file_io.h"

namespace gpuc {

const char* artifact_target_name(ArtifactTarget t) {
  switch (t) {
    case ArtifactTarget::Cuda:
      return "cuda";
    case ArtifactTarget::Vulkan:
      return "vulkan";
  }
  return "unknown";
}

const char* artifact_extension(ArtifactTarget t) {
  switch (t) {
    case ArtifactTarget::Cuda:
      return "ptx";
    case ArtifactTarget::Vulkan:
      return "spv";
  }
  return "bin";
}

Status check_artifact(const Artifact& a) {
  const char* tn = artifact_target_name(a.target);
  if (a.target != ArtifactTarget::Cuda && a.target != ArtifactTarget::Vulkan)
    return make_error("artifact has an unknown target tag " +
                      std::to_string(static_cast<uint32_t>(a.target)));
  if (a.code.empty()) return make_error(std::string(tn) + " artifact has no code");
  if (a.target == ArtifactTarget::Vulkan) {
    // SPIR-V §2.3 physical layout: a stream of 32-bit words starting with the magic number.
    if (a.code.size() % 4 != 0 || a.code.size() < 20)
      return make_error("vulkan artifact is not SPIR-V: " + std::to_string(a.code.size()) +
                        " bytes is not a whole number of words with a 5-word header");
    uint32_t magic = static_cast<uint8_t>(a.code[0]) | static_cast<uint8_t>(a.code[1]) << 8 |
                     static_cast<uint8_t>(a.code[2]) << 16 |
                     static_cast<uint32_t>(static_cast<uint8_t>(a.code[3])) << 24;
    if (magic != 0x07230203u) return make_error("vulkan artifact is not SPIR-V: bad magic number");
  } else {
    if (a.code.find('\0') != std::string::npos)
      return make_error("cuda artifact is not PTX text: it contains NUL bytes");
  }
  std::set<std::string> names;
  for (const ir::KernelReflection& k : a.reflection.kernels) {
    if (k.name.empty())
      return make_error(std::string(tn) + " artifact has a kernel without a name");
    if (!names.insert(k.name).second)
      return make_error(std::string(tn) + " artifact reflects kernel '" + k.name + "' twice");
  }
  return {};
}

const Artifact* Bundle::find(ArtifactTarget target) const {
  for (const Artifact& a : artifacts)
    if (a.target == target) return &a;
  return nullptr;
}

void Bundle::set(Artifact artifact) {
  for (Artifact& a : artifacts) {
    if (a.target == artifact.target) {
      a = std::move(artifact);
      return;
    }
  }
  artifacts.push_back(std::move(artifact));
}

std::string reflection_sidecar_path(const std::string& code_path) {
  return code_path + ".json";
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<Bundle> load_artifact_file(const std::string& path) {
  ArtifactTarget target;
  if (ends_with(path, ".gpub")) {
    Result<std::string> bytes = read_file(path);
    if (!bytes) return bytes.error();
    Result<Bundle> b = parse_bundle(*bytes);
    if (!b) return make_error("'" + path + "': " + b.error().message);
    return b;
  } else if (ends_with(path, ".ptx")) {
    target = ArtifactTarget::Cuda;
  } else if (ends_with(path, ".spv")) {
    target = ArtifactTarget::Vulkan;
  } else {
    return make_error("'" + path +
                      "': unknown artifact kind (expected a .gpub bundle, or a .ptx or .spv file "
                      "with a .json reflection sidecar)");
  }
  Result<std::string> code = read_file(path);
  if (!code) return code.error();
  std::string sidecar = reflection_sidecar_path(path);
  Result<std::string> json = read_file(sidecar);
  if (!json) return make_error("'" + path + "' has no reflection sidecar: " + json.error().message);
  Artifact a;
  a.target = target;
  a.code = std::move(*code);
  std::string error;
  if (!ir::reflection_from_json(*json, &a.reflection, &error))
    return make_error("'" + sidecar + "': malformed reflection: " + error);
  Status checked = check_artifact(a);
  if (!checked) return make_error("'" + path + "': " + checked.error().message);
  Bundle b;
  b.artifacts.push_back(std::move(a));
  return b;
}

Status write_artifact_files(const Artifact& artifact, const std::string& path) {
  Status checked = check_artifact(artifact);
  if (!checked) return checked;
  // The sidecar first: a reader that finds the code file then also finds its reflection.
  Status s =
      write_file_atomic(reflection_sidecar_path(path), ir::reflection_to_json(artifact.reflection));
  if (!s) return s;
  return write_file_atomic(path, artifact.code);
}

Status write_bundle_file(const Bundle& bundle, const std::string& path) {
  Result<std::string> bytes = serialize_bundle(bundle);
  if (!bytes) return bytes.error();
  return write_file_atomic(path, *bytes);
}

Result<std::string> to_cpp_header(const Bundle& bundle, const std::string& symbol) {
  bool ident = !symbol.empty() && !(symbol[0] >= '0' && symbol[0] <= '9');
  for (char c : symbol)
    ident = ident && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_');
  if (!ident) return make_error("'" + symbol + "' is not a C identifier");
  Result<std::string> bytes = serialize_bundle(bundle);
  if (!bytes) return bytes.error();
  std::string targets;
  for (const Artifact& a : bundle.artifacts)
    targets += std::string(targets.empty() ? "" : ", ") + artifact_target_name(a.target);
  std::string out;
  out.reserve(bytes->size() * 6 + 512);
  out += "// Generated by gpuc: kernel bundle '" + symbol + "' (" + targets +
         "). Do not edit.\n// Load with gpuc::parse_bundle(" + symbol + ", " + symbol +
         "_size).\n#pragma once\n\n#include <cstddef>\n\n";
  out += "alignas(8) inline constexpr unsigned char " + symbol + "[] = {";
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < bytes->size(); ++i) {
    if (i % 16 == 0) out += "\n   ";
    unsigned char c = static_cast<unsigned char>((*bytes)[i]);
    out += " 0x";
    out += hex[c >> 4];
    out += hex[c & 15];
    out += ',';
  }
  out += "\n};\ninline constexpr std::size_t " + symbol + "_size = sizeof(" + symbol + ");\n";
  return out;
}

}  // namespace gpuc
