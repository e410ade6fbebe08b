// Command-line options of the gpuc tool, parsed with CLI11.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpuc/compiler.h"

namespace gpuc::cli {

struct Options {
  CompileOptions compile;
  std::string input;
  std::string output;  // -o; empty = derived from the input (or stdout for text emits)
  bool color = false;
  bool all_targets = false;  // --target=all
  bool bundle = false;       // write a .gpub bundle (--emit=bundle, --target=all, -o x.gpub)
  bool header = false;       // --emit=header: the bundle embedded in a C++ header
  std::string symbol;        // --symbol
};

// Parses argv. Returns the options, or nullopt after printing help/version (exit 0, *exit_code = 0)
// or an error (*exit_code = 1).
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace gpuc::cli
