// Reading files and writing them atomically (temporary file + rename): a failed or interrupted
// write never leaves a truncated output behind.
#pragma once

#include <string>
#include <string_view>

#include "gpuc/support/result.h"

namespace gpuc {

// Reads a whole file; the error names the path and the OS reason.
Result<std::string> read_file(const std::string& path);
// Writes `data` to `path` through a temporary file in the same directory and rename(2).
Status write_file_atomic(const std::string& path, std::string_view data);

}  // namespace gpuc
