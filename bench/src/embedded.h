// A file embedded in gpuc-bench at build time (bench/cmake/embed_files.cmake).
#pragma once

#include <cstddef>

namespace gpuc::bench {

struct EmbeddedFile {
  const char* name;           // file name, no directory
  const unsigned char* data;  // null when the file was not built (its tool was missing)
  size_t size;
};

}  // namespace gpuc::bench
