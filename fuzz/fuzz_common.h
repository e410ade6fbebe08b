// Shared helpers for the libFuzzer targets: an internal compiler error is a bug, so it aborts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gpuc/support/diagnostics.h"

namespace gpuc::fuzz {

// Any "internal compiler error" diagnostic is a crash for the fuzzer: bad input must be reported as
// a user error, never reach an invariant check (support/include/gpuc/support/ice.h). Only the
// message start counts: a user diagnostic may quote source text containing those words.
inline void abort_on_ice(const DiagnosticEngine& diags) {
  for (const Diagnostic& d : diags.diagnostics()) {
    if (d.message.starts_with("internal compiler error")) {
      std::fprintf(stderr, "gpuc fuzz: %s\n", d.message.c_str());
      std::abort();
    }
  }
}

}  // namespace gpuc::fuzz
