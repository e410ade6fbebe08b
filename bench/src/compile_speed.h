// Item A of issue 8: compile speed on the CPU (compile_speed.cpp).
#pragma once

#include <string>

#include "common.h"

namespace gpuc::bench {

// Measures every tool on every benchmark kernel; appends Markdown and CSV. Returns 0, or 1 when a
// tool failed on a kernel (the table says which).
int run_compile_speed(const Options& opt, std::string* markdown, std::string* csv);

}  // namespace gpuc::bench
