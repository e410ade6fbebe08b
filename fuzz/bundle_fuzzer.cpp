// libFuzzer target (d): arbitrary bytes through the bundle loader; what parses re-serializes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "gpuc/artifact/artifact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gpuc::Result<gpuc::Bundle> b = gpuc::parse_bundle(data, size);
  if (!b) return 0;
  // A bundle that parsed holds valid artifacts, so it serializes and parses back.
  gpuc::Result<std::string> bytes = gpuc::serialize_bundle(b.value());
  if (!bytes || !gpuc::parse_bundle(bytes.value())) {
    std::fprintf(stderr, "gpuc fuzz: a parsed bundle does not round-trip\n");
    std::abort();
  }
  return 0;
}
