// The IR verifier. Backends accept only verified IR.
//
// Invariants checked (each has a unit test in tests/ir/verifier_test.cpp that breaks it and expects
// the exact diagnostic):
//  V1  Every operand is a valid value id of its function.
//  V2  Dominance: an operand is a parameter, or defined earlier in the same region or in an
//      enclosing region. A loop's continue region does not see values defined in its body.
//  V3  Operand count matches the op table (ops.def); variadic ops excepted (return: 0 or 1).
//  V4  An op has a result iff the op table says so and its type is not void (call: iff the callee
//      returns non-void); an op without a result has the void type; result types follow the type
//      rules of the op's class (V5..V10, V19, V20).
//  V5  Arithmetic/bitwise/compare operands have one type; arithmetic on int or float (scalar or
//      vector), bitwise on int (and/or/xor/not also bool), compare on int or float (eq/ne also
//      bool), compare result is bool-shaped. abs on int or float; popcount/clz/ffs on ints with an
//      i32-shaped result; brev/mulhi on ints, result of the operand type.
//  V6  Float math ops take and return float scalars or vectors (isnan/isinf: bool-shaped result);
//      select's condition is bool, or a vector of bool with the lane count of the values.
//  V7  Convert: scalar/vector numeric or bool, same lane count. Bitcast: same size, not pointers,
//      not aggregates.
//  V8  Load/store/index/elem/member/ptrtoint operate on pointers; load's result and store's value
//      are the pointee type; no store through a pointer to constant memory; alignment is a nonzero
//      power of two; index takes an integer scalar and yields its pointer operand's type; elem
//      points into an array or vector and member into a struct (index in range), both yielding a
//      pointer of the same address space to the part; ptrtoint yields u64; var yields
//      ptr<private, T> with T not void.
//  V9  Atomics: pointer to global or shared, value operands and result of the pointee type, which
//      is i32/u32/i64/u64 (add and exch also f32, add also f64; min/max/and/or/xor/cas integers
//      only; atomic.inc u32 only).
//  V10 Subgroup ops: shuffles take a numeric scalar/vector value and a u32 lane and return the
//      value's type; ballot takes bool and returns u32; vote.all/vote.any take and return bool.
//  V11 `if` has a bool condition and two regions; `loop` has two regions; no other op owns one.
//  V12 A region's terminator (break, continue, break_if, return, unreachable) is its last inst.
//      break and continue appear only inside a loop's body (at any if-nesting depth, not inside
//      the continue region); return not inside a continue region either (at any depth, nested
//      loops included, as naga's validator); break_if only as the last inst of a continue region.
//  V13 return's operand matches the function's return type (none for void); kernels return void.
//  V14 Calls name a device function (never a kernel), with argument types equal to the parameter
//      types. The call graph has no cycles (no recursion: SPIR-V §2.16.1 forbids it).
//  V15 `global` names an existing module variable and yields ptr<its space, its type>.
//  V16 Each region and each inst is owned by exactly one parent (no sharing of ids): ids are in
//      range, a region's parent link names the inst that owns it, a result value's definition
//      names the inst that defines it with the inst's type; regions nest at most 1000 deep.
//  V17 Kernels: fixed block sizes are all zero or all nonzero, at most max_threads threads when
//      both are given; no kernel has a non-void return. Device functions have neither attribute.
//  V18 Module variable names and function names are unique (one namespace) and are identifiers
//      ([A-Za-z_][A-Za-z0-9_.]*), as are struct and member names (structs not named like a
//      built-in type); module variables are shared or constant; constant variables hold no
//      pointers and have an initializer of exactly the size of their type; shared variables have
//      none.
//  V19 Aggregates: extract/insert index an existing element or member of a vector, array or struct
//      and use its type; construct builds a vector/array/struct from exactly one operand per
//      lane/element/member, each of that part's type; swizzle picks, per 4-bit nibble of its
//      immediate, an existing lane of a vector and yields a scalar or vector of its element type.
//  V20 const has a scalar type and bits that fit it (bool: 0 or 1); the built-in ids, lane_id,
//      warp_size and active_mask yield u32.
//  V21 Every type id is valid; parameters have non-void types, values that map back to them and
//      distinct printed names (%name, or %arg<i> when the name is not an identifier).
#pragma once

#include "gpuc/ir/module.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::ir {

// Checks every invariant above. Reports each violation through `diags` as an error whose message
// starts with "invalid IR: " and names the function and the offending inst (printed), and returns
// false if there was any.
bool verify(const Module& module, DiagnosticEngine& diags);

}  // namespace gpuc::ir
