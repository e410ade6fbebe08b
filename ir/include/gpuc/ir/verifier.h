// The IR verifier. Backends accept only verified IR.
//
// Invariants checked (each has a unit test in tests/ir/verifier_test.cpp that breaks it and expects
// the exact diagnostic):
//  V1  Every operand is a valid value id of its function.
//  V2  Dominance: an operand is a parameter, or defined earlier in the same region or in an
//      enclosing region. A loop's continue region does not see values defined in its body.
//  V3  Operand count matches the op table (ops.def); variadic ops excepted.
//  V4  An op has a result iff the op table says so and its type is not void (call: iff the callee
//      returns non-void); result types follow the type rules of the op's class.
//  V5  Arithmetic/bitwise/compare operands have one type; arithmetic on int or float (scalar or
//      vector), bitwise on int (and/or/xor/not also bool), compare result is bool-shaped.
//  V6  Float math ops take and return float scalars or vectors; select's condition is bool-shaped.
//  V7  Convert: scalar/vector numeric or bool, same lane count. Bitcast: same size, not pointers,
//      not aggregates.
//  V8  Load/store/index/elem/member/atomics operate on pointers; load's result and store's value
//      are the pointee type; alignment is a nonzero power of two.
//  V9  Atomics: pointer to global or shared, value type i32/u32/i64/u64 (add also f32, f64;
//      min/max/and/or/xor integers only; atomic.inc u32 only).
//  V10 Subgroup ops: shuffles take a scalar/vector value and a u32 lane; ballot/vote take bool.
//  V11 `if` has a bool condition and two regions; `loop` has two regions.
//  V12 A region's terminator (break, continue, break_if, return, unreachable) is its last inst.
//      break and continue appear only inside a loop's body (at any if-nesting depth, not inside
//      the continue region); break_if only as the last inst of a continue region.
//  V13 return's operand matches the function's return type (none for void); kernels return void.
//  V14 Calls name a device function (never a kernel), with argument types equal to the parameter
//      types. The call graph has no cycles (no recursion: SPIR-V §2.16.1 forbids it).
//  V15 `global` names an existing module variable and yields ptr<its space, its type>.
//  V16 Each region and each inst is owned by exactly one parent (no sharing of ids).
//  V17 Kernels: fixed block sizes are all zero or all nonzero; no kernel has a non-void return.
//  V18 Module variable names and function names are unique; constant variables have an
//      initializer of exactly the size of their type; shared variables have none.
#pragma once

#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::ir {

// Checks every invariant above. Reports each violation through `diags` as an error whose message
// starts with "invalid IR: " and names the function and the offending inst (printed), and returns
// false if there was any.
bool verify(const Module& module, DiagnosticEngine& diags);

}  // namespace gpuc::ir
