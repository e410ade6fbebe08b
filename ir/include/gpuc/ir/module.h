// The shared kernel IR: Module -> Functions -> Regions -> Insts, values as 32-bit ids.
//
// Model (docs/ir.md has the full story):
//  - Each Function owns three arenas: insts, regions and values. InstId/RegionId/ValueId index
//  them;
//    index 0 is never a valid id in any arena.
//  - Control flow is structured: a Region is an ordered list of insts; `if` owns a then and an else
//    region, `loop` owns a body and a continue region. There is no CFG and no phi: values that
//    cross iterations or join after an `if` live in `var`s (function-local memory).
//  - A value is defined once, by a parameter or by an inst, and is visible in the rest of its
//    region and in regions nested below (the verifier enforces dominance).
//  - Module variables (shared arrays, constants) are referred to by index (`global` op,
//  Inst.symbol);
//    calls refer to functions by index. Both indices are stable: nothing is ever removed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gpuc/ir/ops.h"
#include "gpuc/ir/types.h"
#include "gpuc/support/source_manager.h"

namespace gpuc::ir {

struct ValueId {
  uint32_t index = 0;
  bool valid() const { return index != 0; }
  explicit operator bool() const { return valid(); }
  friend bool operator==(ValueId, ValueId) = default;
};
struct InstId {
  uint32_t index = 0;
  bool valid() const { return index != 0; }
  friend bool operator==(InstId, InstId) = default;
};
struct RegionId {
  uint32_t index = 0;
  bool valid() const { return index != 0; }
  friend bool operator==(RegionId, RegionId) = default;
};

struct Inst {
  Op op = Op::Unreachable;
  ValueId result;  // invalid when the op produces no value
  TypeId type;     // result type; void type when no result
  std::vector<ValueId> operands;
  // If: {then, else}. Loop: {body, continue}. Others: none.
  std::array<RegionId, 2> regions{};
  // Const: the value's bits, zero-extended (floats: IEEE bits of the type's width; bool: 0/1).
  // Imm: member/element index or swizzle pattern. Loop: unroll hint (0 none, 1 full, N>1 count).
  uint64_t imm = 0;
  uint32_t align = 0;   // Mem: alignment in bytes (power of two)
  uint32_t symbol = 0;  // Global: index of the module variable. Call: index of the callee.
  SourceLocation loc;
};

struct Region {
  std::vector<InstId> insts;
  InstId parent;  // the `if`/`loop` that owns this region; invalid for a function body
};

struct ValueInfo {
  TypeId type;
  InstId def;          // defining inst; invalid for parameters
  int32_t param = -1;  // parameter index for parameters
};

enum class FunctionKind : uint8_t { Kernel, Device };

struct Param {
  std::string name;
  TypeId type;
  ValueId value;
  bool readonly = false;  // `const T*`: never written through (NonWritable / ld.global.nc)
  bool restrict = false;  // `__restrict__`: does not alias other pointer parameters
};

class Function {
 public:
  Function(std::string name, FunctionKind kind, TypeId return_type);

  std::string name;
  FunctionKind kind;
  TypeId return_type;
  std::vector<Param> params;
  // Block size fixed at compile time ([[gpuc::block(x,y,z)]]); {0,0,0} = chosen at launch.
  std::array<uint32_t, 3> fixed_block{0, 0, 0};
  // Upper bound on threads per block (__launch_bounds__); 0 = none.
  uint32_t max_block_threads = 0;
  bool force_inline = false;  // __forceinline__
  SourceLocation loc;
  RegionId body;

  bool is_kernel() const { return kind == FunctionKind::Kernel; }
  bool has_fixed_block() const { return fixed_block[0] != 0; }

  // Arena access. Ids must be valid.
  Inst& inst(InstId id) { return insts_[id.index]; }
  const Inst& inst(InstId id) const { return insts_[id.index]; }
  Region& region(RegionId id) { return regions_[id.index]; }
  const Region& region(RegionId id) const { return regions_[id.index]; }
  const ValueInfo& value(ValueId id) const { return values_[id.index]; }
  TypeId type_of(ValueId id) const { return values_[id.index].type; }
  size_t inst_capacity() const { return insts_.size(); }  // ids are < this
  size_t region_capacity() const { return regions_.size(); }
  size_t value_capacity() const { return values_.size(); }
  bool is_valid(ValueId id) const { return id.index > 0 && id.index < values_.size(); }
  bool is_valid(RegionId id) const { return id.index > 0 && id.index < regions_.size(); }

  // Arena growth (used by the builder, the parser and passes).
  InstId new_inst(Inst inst);
  RegionId new_region(InstId parent);
  ValueId new_value(TypeId type, InstId def, int32_t param = -1);
  // Adds a parameter and its value.
  ValueId add_param(std::string name, TypeId type, bool readonly = false, bool restrict = false);
  // The defining inst of a value (invalid for parameters).
  InstId def_of(ValueId v) const { return values_[v.index].def; }
  void clear_body();

 private:
  std::vector<Inst> insts_;
  std::vector<Region> regions_;
  std::vector<ValueInfo> values_;
};

// A module variable: a __shared__ array or a __constant__ value (with its initial bytes).
struct GlobalVar {
  std::string name;
  TypeId type;  // the variable's value type; `global @name` yields ptr<space, type>
  AddressSpace space = AddressSpace::Shared;
  // Constant data in the C layout of `type`; empty for shared variables (no initializer).
  std::vector<uint8_t> init;
  SourceLocation loc;
};

class Module {
 public:
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  TypeTable types;
  std::vector<GlobalVar> globals;
  std::vector<std::unique_ptr<Function>> functions;

  Function& add_function(std::string name, FunctionKind kind, TypeId return_type);
  uint32_t add_global(GlobalVar var);
  // Index lookups by name; -1 when absent.
  int find_function(std::string_view name) const;
  int find_global(std::string_view name) const;
  uint32_t index_of(const Function& f) const;
};

}  // namespace gpuc::ir
