// The .gir printer. The text format round-trips exactly: print(parse(print(m))) == print(m).
#pragma once

#include <string>

#include "gpuc/ir/module.h"

namespace gpuc::ir {

// Prints the whole module. Parameters print as %<name> (%arg<i> when unnamed); results are
// renumbered %0, %1, ... in order of definition, so the output does not depend on arena ids.
std::string print_module(const Module& module);
// Prints one inst (and its regions) as it appears inside `f`, for diagnostics.
std::string print_inst(const Module& module, const Function& f, InstId inst);

}  // namespace gpuc::ir
