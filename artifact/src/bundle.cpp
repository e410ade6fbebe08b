// The .gpub bundle format: one file holding both targets' code and reflection, checked on load.
//
// Layout (all integers little-endian):
//   header, 32 bytes:
//     [0,8)    magic "GPUCBNDL"
//     [8,12)   u32 format version (kBundleFormatVersion; newer versions are rejected)
//     [12,16)  u32 section count (1..16)
//     [16,24)  u64 total file size in bytes
//     [24,32)  u64 FNV-1a 64 checksum of bytes [32, total size)
//   then `section count` sections, each starting at an 8-byte aligned offset:
//     u32 target tag (ArtifactTarget), u32 reserved (0), u64 code size, u64 reflection size,
//     code bytes, reflection JSON bytes, zero padding to a multiple of 8.
// Invariant: a parse either returns a bundle whose every artifact passed check_artifact, or an
// error; it reads no byte outside the input.
#include <cstring>

#include "gpuc/artifact/artifact.h"

namespace gpuc {

namespace {

constexpr char kMagic[8] = {'G', 'P', 'U', 'C', 'B', 'N', 'D', 'L'};
constexpr size_t kHeaderSize = 32;
constexpr size_t kSectionHeaderSize = 24;
constexpr uint32_t kMaxSections = 16;

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void set_u64(std::string& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}
uint64_t get_u64(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

Result<std::string> serialize_bundle(const Bundle& bundle) {
  if (bundle.artifacts.empty()) return make_error("cannot write an empty bundle");
  if (bundle.artifacts.size() > kMaxSections)
    return make_error("a bundle holds at most " + std::to_string(kMaxSections) + " artifacts");
  for (size_t i = 0; i < bundle.artifacts.size(); ++i) {
    Status s = check_artifact(bundle.artifacts[i]);
    if (!s) return s.error();
    for (size_t j = 0; j < i; ++j)
      if (bundle.artifacts[j].target == bundle.artifacts[i].target)
        return make_error(std::string("bundle holds two ") +
                          artifact_target_name(bundle.artifacts[i].target) + " artifacts");
  }
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kBundleFormatVersion);
  put_u32(out, static_cast<uint32_t>(bundle.artifacts.size()));
  put_u64(out, 0);  // total size, patched below
  put_u64(out, 0);  // checksum, patched below
  for (const Artifact& a : bundle.artifacts) {
    std::string json = ir::reflection_to_json(a.reflection);
    put_u32(out, static_cast<uint32_t>(a.target));
    put_u32(out, 0);
    put_u64(out, a.code.size());
    put_u64(out, json.size());
    out += a.code;
    out += json;
    out.append((8 - out.size() % 8) % 8, '\0');
  }
  set_u64(out, 16, out.size());
  set_u64(out, 24, fnv1a64(std::string_view(out).substr(kHeaderSize)));
  return out;
}

Result<Bundle> parse_bundle(std::string_view b) {
  if (b.size() < sizeof kMagic || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
    return make_error("not a gpuc bundle (bad magic; expected a .gpub file written by gpuc)");
  if (b.size() < kHeaderSize)
    return make_error("truncated bundle: " + std::to_string(b.size()) +
                      " bytes is shorter than the 32-byte header");
  uint32_t version = get_u32(b, 8);
  if (version > kBundleFormatVersion)
    return make_error("bundle format version " + std::to_string(version) +
                      " is newer than this gpuc supports (" + std::to_string(kBundleFormatVersion) +
                      "); rebuild the bundle or upgrade gpuc");
  if (version == 0) return make_error("corrupt bundle: format version 0");
  uint32_t count = get_u32(b, 12);
  uint64_t total = get_u64(b, 16);
  if (total > b.size())
    return make_error("truncated bundle: the header says " + std::to_string(total) +
                      " bytes, the data has " + std::to_string(b.size()));
  if (total < b.size())
    return make_error("corrupt bundle: " + std::to_string(b.size() - total) +
                      " unexpected bytes after the end recorded in the header");
  if (fnv1a64(b.substr(kHeaderSize)) != get_u64(b, 24))
    return make_error("corrupt bundle: checksum mismatch");
  if (count == 0 || count > kMaxSections)
    return make_error("corrupt bundle: " + std::to_string(count) + " sections");

  Bundle bundle;
  size_t at = kHeaderSize;
  for (uint32_t i = 0; i < count; ++i) {
    std::string where = "corrupt bundle: section " + std::to_string(i) + ": ";
    if (b.size() - at < kSectionHeaderSize) return make_error(where + "header runs past the end");
    uint32_t tag = get_u32(b, at);
    uint64_t code_size = get_u64(b, at + 8);
    uint64_t json_size = get_u64(b, at + 16);
    at += kSectionHeaderSize;
    if (tag != static_cast<uint32_t>(ArtifactTarget::Cuda) &&
        tag != static_cast<uint32_t>(ArtifactTarget::Vulkan))
      return make_error(where + "unknown target tag " + std::to_string(tag));
    if (code_size > b.size() - at || json_size > b.size() - at - code_size)
      return make_error(where + "sizes run past the end");
    Artifact a;
    a.target = static_cast<ArtifactTarget>(tag);
    a.code = std::string(b.substr(at, code_size));
    std::string json(b.substr(at + code_size, json_size));
    at += code_size + json_size;
    size_t pad = (8 - at % 8) % 8;
    if (pad > b.size() - at) return make_error(where + "padding runs past the end");
    at += pad;
    std::string error;
    if (!ir::reflection_from_json(json, &a.reflection, &error))
      return make_error(where + "malformed reflection: " + error);
    Status s = check_artifact(a);
    if (!s) return make_error(where + s.error().message);
    if (bundle.find(a.target))
      return make_error(where + "a second " + artifact_target_name(a.target) + " artifact");
    bundle.artifacts.push_back(std::move(a));
  }
  if (at != b.size()) return make_error("corrupt bundle: trailing bytes after the last section");
  return bundle;
}

}  // namespace gpuc
