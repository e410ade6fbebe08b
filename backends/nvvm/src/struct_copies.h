// Which vec2/vec4 values the NVVM writer copies as CUDA's struct types rather than as LLVM vectors.
//
// nvcc's frontend copies a float4 (or float2, int4, ...) as the struct CUDA declares it to be: a
// first-class `%struct.float4` load and store, and a conditional's float4 result as a phi of
// structs. libNVVM keeps such a store whole until its load-store vectorizer, one of its last
// passes, which splits it with a new address computation at the store; a `<4 x float>` store's
// address is hoisted out of loops by LICM instead. The difference changes ptxas's register
// allocation: nbody_step's tile store `tile[threadIdx.x] = j < n ? pos[j] : make_float4(0...)`
// ran 1.1% slower than nvcc's with the address hoisted (H100, bench/NOTES.md).
//
// So values that are only copied move as structs: a copy load is a load of a vec2/vec4 (not of
// bools) whose every use is as the value a store writes, into memory other than private
// variables or into a copy variable; a copy variable is a `var` of such a type whose every use
// is a load or a store through it (nothing indexes into it or takes it as a value) and whose
// every load is a copy load. The writer gives a copy variable a struct alloca, which libNVVM's
// mem2reg turns into struct phis as nvcc's IR has them; a private variable of another type is
// never written a struct (SROA would see its type punned).
#pragma once

#include <vector>

#include "gpuc/ir/module.h"

namespace gpuc::nvvm {

struct StructCopies {
  std::vector<bool> copy_load;  // by ValueId index: the result of a copy load
  std::vector<bool> copy_var;   // by ValueId index: the pointer a copy variable's `var` yields
  bool is_copy_load(ir::ValueId v) const {
    return v.index < copy_load.size() && copy_load[v.index];
  }
  bool is_copy_var(ir::ValueId v) const { return v.index < copy_var.size() && copy_var[v.index]; }
};

// True for the types copied as structs: vectors of 2 or 4 non-bool lanes.
bool copies_as_struct(const ir::TypeTable& types, ir::TypeId t);

StructCopies find_struct_copies(const ir::TypeTable& types, const ir::Function& f);

}  // namespace gpuc::nvvm
