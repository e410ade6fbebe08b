// Internal invariants: one macro that reports "internal compiler error" with context.
//
// An ICE is a bug in gpuc, never the user's fault. It throws InternalCompilerError, which every
// public entry point catches and turns into an error value; the host program is never aborted.
#pragma once

#include <stdexcept>
#include <string>

namespace gpuc {

class InternalCompilerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void report_ice(const char* file, int line, const char* condition,
                             const std::string& message);

}  // namespace gpuc

// GPUC_ASSERT(cond, "message"): if cond is false, throws an InternalCompilerError naming the file,
// line, condition and message.
#define GPUC_ASSERT(cond, msg)                                         \
  do {                                                                 \
    if (!(cond)) ::gpuc::report_ice(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)
#define GPUC_UNREACHABLE(msg) ::gpuc::report_ice(__FILE__, __LINE__, "unreachable", (msg))
