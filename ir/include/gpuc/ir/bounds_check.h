// --bounds-check: the IR transform that guards every global memory access with a check against
// the size of the buffer its pointer came from, and the reflection it adds for the runtime.
//
// Both backends consume the transformed IR, so both get the same checks (docs/safety.md
// "Bounds checking"). Kernels get hidden parameters after the user's: a u64 byte size per global
// pointer parameter (`__gpuc_size_<name>`) and the record pointer (`__gpuc_oob`). Each pointer
// value carries a shadow (base address, size, parameter index) derived from its provenance.
#pragma once

#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::ir {

struct BoundsCheckKernel {
  std::string name;
  uint32_t user_params = 0;     // the kernel's parameters before the pass
  std::vector<uint32_t> sizes;  // per BufferSize parameter, in order: the pointer param it sizes
  std::vector<uint32_t> elem_sizes;  // and the byte size of that pointer's pointee
  std::vector<uint32_t> sites;       // ids of the sites it runs (its own and its callees')
};

struct BoundsCheckInfo {
  std::vector<BoundsCheckKernel> kernels;
  std::vector<BoundsSite> sites;  // indexed by site id
};

// Inserts the checks into every kernel and device function of a verified module.
// Runs after the optimisation pipeline; the result verifies. Returns false (errors reported) on a
// module it cannot check (a user name that collides with a hidden one).
bool insert_bounds_checks(Module& module, DiagnosticEngine& diags, BoundsCheckInfo* info);

// Marks the hidden parameters and adds the site tables to the reflection of the checked module.
void add_bounds_check_reflection(const BoundsCheckInfo& info, ModuleReflection& reflection);

}  // namespace gpuc::ir
