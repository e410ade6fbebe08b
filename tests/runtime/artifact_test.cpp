// Tests of gpuc::artifact: bundle round trips, sidecar files, loading by extension, C++ headers,
// and every kind of damaged bundle (truncated, bit-flipped, foreign, newer version) as an error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "gpuc/artifact/artifact.h"
#include "gpuc/support/file_io.h"

namespace {

using gpuc::Artifact;
using gpuc::ArtifactTarget;
using gpuc::Bundle;

gpuc::ir::ModuleReflection sample_reflection(const std::string& kernel) {
  gpuc::ir::ModuleReflection r;
  gpuc::ir::KernelReflection k;
  k.name = kernel;
  gpuc::ir::ParamReflection n{.kind = gpuc::ir::ParamKind::Scalar,
                              .offset = 0,
                              .size = 4,
                              .align = 4,
                              .name = "n",
                              .type = "i32"};
  gpuc::ir::ParamReflection x{.kind = gpuc::ir::ParamKind::Pointer,
                              .offset = 8,
                              .size = 8,
                              .align = 8,
                              .readonly = true,
                              .name = "x",
                              .type = "ptr<global, f32>"};
  k.params = {n, x};
  k.param_block_size = 16;
  k.fixed_block = {64, 1, 1};
  k.static_shared_bytes = 256;
  k.uses_subgroups = true;
  r.kernels.push_back(k);
  return r;
}

// A minimal well-formed SPIR-V header (magic, version 1.5, generator, bound, schema) + one word.
std::string fake_spirv() {
  uint32_t words[] = {0x07230203u, 0x00010500u, 0, 8, 0, 0x00020011u};
  return std::string(reinterpret_cast<const char*>(words), sizeof words);
}

Bundle sample_bundle() {
  Bundle b;
  b.set(Artifact{ArtifactTarget::Cuda, ".version 8.0\n.target sm_75\n", sample_reflection("k")});
  b.set(Artifact{ArtifactTarget::Vulkan, fake_spirv(), sample_reflection("k")});
  return b;
}

std::string temp_dir() {
  std::string dir =
      std::filesystem::temp_directory_path() / ("gpuc_artifact_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Bundle, RoundTripsBothTargets) {
  Bundle b = sample_bundle();
  gpuc::Result<std::string> bytes = gpuc::serialize_bundle(b);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes->size() % 8, 0u);
  gpuc::Result<Bundle> back = gpuc::parse_bundle(*bytes);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->artifacts.size(), 2u);
  const Artifact* cuda = back->find(ArtifactTarget::Cuda);
  const Artifact* vk = back->find(ArtifactTarget::Vulkan);
  ASSERT_TRUE(cuda && vk);
  EXPECT_EQ(cuda->code, b.find(ArtifactTarget::Cuda)->code);
  EXPECT_EQ(vk->code, fake_spirv());
  EXPECT_EQ(gpuc::ir::reflection_to_json(vk->reflection),
            gpuc::ir::reflection_to_json(sample_reflection("k")));
  EXPECT_EQ(vk->reflection.kernels[0].fixed_block[0], 64u);
  // Serialization is deterministic.
  EXPECT_EQ(*gpuc::serialize_bundle(*back), *bytes);
}

TEST(Bundle, RejectsBadContentOnWrite) {
  Bundle empty;
  EXPECT_FALSE(gpuc::serialize_bundle(empty));
  Bundle dup;
  dup.artifacts.push_back(Artifact{ArtifactTarget::Vulkan, fake_spirv(), {}});
  dup.artifacts.push_back(Artifact{ArtifactTarget::Vulkan, fake_spirv(), {}});
  gpuc::Result<std::string> r = gpuc::serialize_bundle(dup);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("two vulkan artifacts"), std::string::npos);
  Bundle not_spirv;
  not_spirv.set(Artifact{ArtifactTarget::Vulkan, "hello, world", {}});
  r = gpuc::serialize_bundle(not_spirv);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not SPIR-V"), std::string::npos) << r.error().message;
}

TEST(Bundle, ForeignNewerAndTruncatedAreClearErrors) {
  std::string bytes = *gpuc::serialize_bundle(sample_bundle());

  gpuc::Result<Bundle> r =
      gpuc::parse_bundle(std::string("\x7f"
                                     "ELF\x02\x01\x01\0garbage",
                                     16));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a gpuc bundle"), std::string::npos);

  std::string newer = bytes;
  newer[8] = 2;  // format version 2
  r = gpuc::parse_bundle(newer);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("version 2 is newer"), std::string::npos) << r.error().message;

  r = gpuc::parse_bundle(std::string_view(bytes).substr(0, bytes.size() - 1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;

  r = gpuc::parse_bundle(bytes + "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unexpected bytes"), std::string::npos);

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  r = gpuc::parse_bundle(flipped);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos) << r.error().message;
}

// Every truncation and many random bit flips: each is an error value, never a crash (run under
// the sanitizer build too).
TEST(Bundle, FuzzTruncationsAndBitFlips) {
  std::string bytes = *gpuc::serialize_bundle(sample_bundle());
  for (size_t n = 0; n < bytes.size(); ++n) {
    gpuc::Result<Bundle> r = gpuc::parse_bundle(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r) << "truncation to " << n << " bytes parsed";
    EXPECT_FALSE(r.error().message.empty());
  }
  std::mt19937 rng(1234);
  for (int i = 0; i < 3000; ++i) {
    std::string damaged = bytes;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) damaged[rng() % damaged.size()] ^= char(1u << (rng() % 8));
    gpuc::Result<Bundle> r = gpuc::parse_bundle(damaged);
    if (damaged != bytes) EXPECT_FALSE(r) << "bit flips parsed (iteration " << i << ")";
  }
}

// A bundle with a valid checksum but lying sizes (as a malicious file could have) still fails
// cleanly: the checksum is recomputed after the edit.
TEST(Bundle, ConsistentChecksumWithBadSizes) {
  std::string bytes = *gpuc::serialize_bundle(sample_bundle());
  auto fnv = [](std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return h;
  };
  for (uint64_t size : {uint64_t(1) << 62, uint64_t(bytes.size()), uint64_t(7)}) {
    std::string evil = bytes;
    std::memcpy(evil.data() + 32 + 8, &size, 8);  // section 0 code size
    uint64_t h = fnv(std::string_view(evil).substr(32));
    std::memcpy(evil.data() + 24, &h, 8);
    gpuc::Result<Bundle> r = gpuc::parse_bundle(evil);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("corrupt bundle: section 0"), std::string::npos)
        << r.error().message;
  }
}

TEST(ArtifactFiles, SidecarAndBundleFilesLoadByExtension) {
  std::string dir = temp_dir();
  Bundle b = sample_bundle();
  ASSERT_TRUE(gpuc::write_artifact_files(*b.find(ArtifactTarget::Vulkan), dir + "/k.spv"));
  ASSERT_TRUE(gpuc::write_artifact_files(*b.find(ArtifactTarget::Cuda), dir + "/k.ptx"));
  ASSERT_TRUE(gpuc::write_bundle_file(b, dir + "/k.gpub"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/k.spv.json"));

  gpuc::Result<Bundle> spv = gpuc::load_artifact_file(dir + "/k.spv");
  ASSERT_TRUE(spv) << spv.error().message;
  ASSERT_EQ(spv->artifacts.size(), 1u);
  EXPECT_EQ(spv->artifacts[0].target, ArtifactTarget::Vulkan);
  EXPECT_EQ(spv->artifacts[0].reflection.kernels[0].params[1].name, "x");

  gpuc::Result<Bundle> ptx = gpuc::load_artifact_file(dir + "/k.ptx");
  ASSERT_TRUE(ptx) << ptx.error().message;
  EXPECT_EQ(ptx->artifacts[0].target, ArtifactTarget::Cuda);

  gpuc::Result<Bundle> gpub = gpuc::load_artifact_file(dir + "/k.gpub");
  ASSERT_TRUE(gpub) << gpub.error().message;
  EXPECT_EQ(gpub->artifacts.size(), 2u);

  std::filesystem::remove(dir + "/k.ptx.json");
  gpuc::Result<Bundle> missing = gpuc::load_artifact_file(dir + "/k.ptx");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no reflection sidecar"), std::string::npos);

  ASSERT_TRUE(gpuc::write_file_atomic(dir + "/k.spv.json", "{\"format\": \"nope\"}"));
  gpuc::Result<Bundle> bad_json = gpuc::load_artifact_file(dir + "/k.spv");
  ASSERT_FALSE(bad_json);
  EXPECT_NE(bad_json.error().message.find("malformed reflection"), std::string::npos);

  gpuc::Result<Bundle> unknown = gpuc::load_artifact_file(dir + "/k.txt");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown artifact kind"), std::string::npos);

  ASSERT_TRUE(gpuc::write_file_atomic(dir + "/bad.gpub", "GPUCBNDL"));
  gpuc::Result<Bundle> bad = gpuc::load_artifact_file(dir + "/bad.gpub");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.gpub"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ArtifactFiles, CppHeaderEmbedsTheBundle) {
  Bundle b = sample_bundle();
  gpuc::Result<std::string> h = gpuc::to_cpp_header(b, "my_kernels");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_NE(h->find("alignas(8) inline constexpr unsigned char my_kernels[] = {"),
            std::string::npos);
  EXPECT_NE(h->find("inline constexpr std::size_t my_kernels_size = sizeof(my_kernels);"),
            std::string::npos);
  // Decode the byte list back and parse it.
  std::string bytes;
  for (size_t at = h->find("0x"); at != std::string::npos; at = h->find("0x", at + 4))
    bytes.push_back(static_cast<char>(std::stoi(h->substr(at + 2, 2), nullptr, 16)));
  EXPECT_EQ(bytes, *gpuc::serialize_bundle(b));
  EXPECT_FALSE(gpuc::to_cpp_header(b, "9lives"));
  EXPECT_FALSE(gpuc::to_cpp_header(b, "has-dash"));
}

}  // namespace
