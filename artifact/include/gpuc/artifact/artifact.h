// Compiled kernel artifacts: target code plus its reflection, as separate files or one bundle.
//
// On disk an artifact is either `<name>.ptx` / `<name>.spv` with a reflection sidecar
// `<name>.ptx.json` / `<name>.spv.json` (ir::reflection_to_json), or a single `.gpub` bundle that
// holds the code and reflection of one or both targets. The bundle layout is specified in
// bundle.cpp; every load checks magic, version, sizes and an FNV-1a 64 checksum, so a corrupt,
// truncated, foreign or newer-version file is a clear error value, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpuc/ir/reflection.h"
#include "gpuc/support/result.h"

namespace gpuc {

// The target an artifact's code is for. The numeric values are the bundle's section tags.
enum class ArtifactTarget : uint32_t {
  Cuda = 1,    // PTX text (NVVM backend), loaded with cuModuleLoadDataEx
  Vulkan = 2,  // SPIR-V binary (SPIR-V backend), loaded with vkCreateShaderModule
};
// "cuda" / "vulkan".
const char* artifact_target_name(ArtifactTarget t);
// The code's file extension without the dot: "ptx" / "spv".
const char* artifact_extension(ArtifactTarget t);

struct Artifact {
  ArtifactTarget target = ArtifactTarget::Vulkan;
  std::string code;  // PTX text or SPIR-V words (little-endian bytes)
  ir::ModuleReflection reflection;
};

// Checks that `code` looks like its target's format (SPIR-V: word-sized, magic number 0x07230203;
// PTX: non-empty text without NUL bytes) and that kernel names are unique and non-empty.
Status check_artifact(const Artifact& artifact);

struct Bundle {
  std::vector<Artifact> artifacts;  // at most one per target

  // The artifact for `target`, or null.
  const Artifact* find(ArtifactTarget target) const;
  // Adds or replaces the artifact for its target.
  void set(Artifact artifact);
};

// The current bundle format version; parse_bundle rejects newer versions.
inline constexpr uint32_t kBundleFormatVersion = 1;

// Serializes a bundle (.gpub bytes). Fails if the bundle is empty, holds two artifacts for one
// target, or an artifact fails check_artifact.
Result<std::string> serialize_bundle(const Bundle& bundle);
// Parses .gpub bytes. Every malformed input is an error naming what is wrong.
Result<Bundle> parse_bundle(std::string_view bytes);
inline Result<Bundle> parse_bundle(const unsigned char* data, size_t size) {
  return parse_bundle(std::string_view(reinterpret_cast<const char*>(data), size));
}

// Loads an artifact file by extension: `.gpub` (a bundle), `.ptx` + `.ptx.json`, `.spv` +
// `.spv.json` (a one-artifact bundle). A missing sidecar is an error naming the expected path.
Result<Bundle> load_artifact_file(const std::string& path);
// The sidecar path of a code file: path + ".json".
std::string reflection_sidecar_path(const std::string& code_path);

// Writes code to `path` and its reflection to reflection_sidecar_path(path), both atomically.
Status write_artifact_files(const Artifact& artifact, const std::string& path);
// Writes a bundle to `path` atomically.
Status write_bundle_file(const Bundle& bundle, const std::string& path);

// A C++ header that embeds the serialized bundle, so an app ships its kernels in its binary:
//   alignas(8) inline constexpr unsigned char SYMBOL[] = {...};
//   inline constexpr std::size_t SYMBOL_size = sizeof(SYMBOL);
// Load it with gpuc::parse_bundle(SYMBOL, SYMBOL_size). `symbol` must be a C identifier.
Result<std::string> to_cpp_header(const Bundle& bundle, const std::string& symbol);

}  // namespace gpuc
