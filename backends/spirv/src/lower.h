// Layer 3 of the SPIR-V backend: the lowering visitor, verified IR -> SpirvModule.
//
// Invariants the visitor relies on (the verifier's, verifier.h): every operand dominates its use
// (V2), so an IR value maps to exactly one SPIR-V <id> defined in a dominating block; control flow
// is structured (V11, V12), so each `if` becomes a selection construct and each `loop` a loop
// construct with its own merge block (SPIR-V §2.11).
//
// Pointers: `global` pointers are PhysicalStorageBuffer64 pointers, i.e. SSA values (pointer
// arithmetic through OpPtrAccessChain). Pointers into shared, function-local and constant memory
// are logical (Vulkan has no VariablePointers by default): the visitor keeps them symbolically as a
// root variable plus an access-chain index list and materialises an OpAccessChain at each use.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/ir/reflection.h"
#include "gpuc/spirv/spirv_backend.h"
#include "gpuc/support/diagnostics.h"
#include "spirv_module.h"

namespace gpuc::spirv {

// Raised after a user-facing diagnostic was reported: the construct cannot be expressed.
struct LoweringFailed {};

// The shape of a scalar or vector value, for helper sequences that build their own types.
struct Shape {
  enum Kind : uint8_t { Bool, Int, Float } kind = Int;
  uint32_t width = 32;
  bool is_signed = false;
  uint32_t lanes = 1;
  Shape with(Kind k, uint32_t w, bool s = false) const { return Shape{k, w, s, lanes}; }
};

class Lowering {
 public:
  Lowering(const ir::Module& module, const SpirvOptions& options, DiagnosticEngine& diags,
           const ir::ModuleReflection& reflection);
  // Lowers every function; throws LoweringFailed after reporting a diagnostic.
  void run();
  std::vector<uint32_t> finish() const;

 private:
  // A logical pointer: root variable (or parameter) plus access-chain indices.
  struct LogicalPtr {
    Id root = 0;
    spv::StorageClass sc = spv::StorageClass::Function;
    std::vector<Id> indices;       // 32-bit integer <id>s
    std::vector<uint32_t> member;  // per index: the struct member number, or kDynamic
    Id root_type = 0;              // the root's pointer type
    int global = -1;               // the root's module variable index, -1 for a local root
  };
  static constexpr uint32_t kDynamic = 0xffffffffu;
  struct LoopTargets {
    Id header, cont, merge;
  };
  // A device function taking pointers into shared/local memory is specialised per call-site
  // binding of those pointers (Vulkan has no variable pointers): a module-variable root is
  // referenced directly, a local root is passed as a memory-object parameter, and the dynamic
  // access-chain indices travel as i32 parameters.
  struct Binding {
    int global = -1;
    Id root_type = 0;
    spv::StorageClass sc = spv::StorageClass::Function;
    std::vector<uint32_t> member;  // per index: member number or kDynamic
  };
  struct FunctionInfo {
    Id id = 0;
    uint32_t ir_index = 0;
    std::vector<std::optional<Binding>> bindings;  // per parameter; empty: the plain version
    bool lowered = false;
    std::set<Id> globals;    // module-scope variables it references directly
    std::set<size_t> calls;  // callees (indices into fns_)
  };

  const ir::Module& m_;
  const ir::TypeTable& types_;
  SpirvOptions options_;
  DiagnosticEngine& diags_;
  const ir::ModuleReflection& reflection_;
  SpirvModule mod_;

  std::deque<FunctionInfo> fns_;  // IR functions first (by index), then specialisations
  std::map<std::vector<uint32_t>, size_t> specializations_;
  std::vector<Id> global_vars_;           // per IR module variable
  std::vector<Id> type_cache_;            // per IR TypeId
  std::set<uint32_t> types_in_progress_;  // recursion guard for struct/pointer cycles
  std::map<spv::BuiltIn, Id> builtins_;
  Id workgroup_size_ = 0;  // the WorkgroupSize spec-constant composite
  std::array<uint32_t, 3> spec_defaults_{1, 1, 1};

  // Per-function state.
  const ir::Function* fn_ = nullptr;
  FunctionInfo* info_ = nullptr;
  std::vector<Id> values_;
  std::vector<std::optional<LogicalPtr>> logical_;
  // Locals holding logical pointers (see lower_memory, Op::Var), by IR value index.
  struct PointerVar {
    bool bound = false;
    Id root = 0;
    spv::StorageClass sc = spv::StorageClass::Function;
    Id root_type = 0;
    int global = -1;
    std::vector<uint32_t> member;
    std::vector<Id> index_vars;  // i32 Function variables for the dynamic indices
  };
  std::map<uint32_t, PointerVar> pointer_vars_;
  Words vars_, body_;
  bool block_open_ = false;
  SourceLocation current_loc_;  // of the inst being lowered, for errors raised by helpers
  ir::InstId current_inst_;     // the inst being lowered
  // Per inst index: the `barrier`s that must order global memory (barrier_semantics.h).
  std::vector<bool> global_barriers_;
  std::vector<LoopTargets> loops_;
  // address_of's conversions: pointer <id> -> its OpConvertPtrToU, and the pointers in the order
  // they were converted (lower_region drops a region's entries when it ends).
  std::map<Id, Id> addresses_;
  std::vector<Id> address_log_;

  // --- diagnostics
  // -----------------------------------------------------------------------------------
  [[noreturn]] void unsupported(const ir::Inst& inst, const std::string& what);
  [[noreturn]] void unsupported(SourceLocation loc, const std::string& what);

  // --- types
  // ---------------------------------------------------------------------------------------
  Id type(ir::TypeId t);
  Id declare_type(ir::TypeId t);
  Id psb_pointer(ir::TypeId pointee);
  bool contains_bool(ir::TypeId t) const;
  spv::StorageClass storage_class(ir::AddressSpace as) const;
  Shape shape(ir::TypeId t) const;
  Id type(const Shape& s);
  void require_scalar_capabilities(Shape::Kind kind, uint32_t width);

  // --- constants
  // -------------------------------------------------------------------------------------
  Id constant_bits(const Shape& s, uint64_t bits);  // splat for vectors
  Id fconst(const Shape& s, double v);
  Id iconst(const Shape& s, int64_t v);
  Id u32c(uint32_t v) { return mod_.get_or_declare_u32_constant(v); }
  Id i32c(int32_t v) { return mod_.get_or_declare_i32_constant(v); }
  Id constant_from_bytes(ir::TypeId t, const uint8_t* p, SourceLocation loc);

  // --- module-level declarations
  // ------------------------------------------------------------------
  void declare_globals();
  Id builtin(spv::BuiltIn b);
  Id workgroup_size();
  bool has_logical_params(const ir::Function& f) const;
  void lower_function(size_t info_index);
  void kernel_prologue(const ir::Function& f);
  void declare_entry_point(uint32_t index);
  void collect_interface(size_t index, std::set<Id>& out, std::set<size_t>& seen) const;

  // --- emission helpers (current block)
  // -----------------------------------------------------------------
  Encoder code() { return Encoder(body_); }
  Id un(spv::Op op, Id type, Id a);
  Id bin(spv::Op op, Id type, Id a, Id b);
  Id sel(Id type, Id c, Id a, Id b);
  Id glsl(GLSLstd450 f, Id type, std::initializer_list<Id> args);
  Id extract(Id type, Id composite, uint32_t index);
  Id load_builtin_component(spv::BuiltIn b, uint32_t component);
  Id scope(spv::Scope s) { return u32c(static_cast<uint32_t>(s)); }
  Id semantics(spv::MemorySemanticsMask m) { return u32c(static_cast<uint32_t>(m)); }
  void new_block(Id label);

  // --- values
  // -------------------------------------------------------------------------------------------
  Id value(const ir::Inst& user, ir::ValueId v);
  bool is_logical(ir::ValueId v) const { return logical_[v.index].has_value(); }
  void define(const ir::Inst& inst, Id id) { values_[inst.result.index] = id; }
  Id pointer_for_access(const ir::Inst& inst, ir::ValueId ptr);
  Id index32(Id index, ir::TypeId index_type);
  std::optional<std::pair<ir::ValueId, int64_t>> split_constant_offset(ir::ValueId index);
  Id pointer_barrier(ir::TypeId t, Id loaded);

  // --- the visitor
  // --------------------------------------------------------------------------------------
  // Lowers insts [first, end) of `region` (all of it by default).
  void lower_region(ir::RegionId region, size_t first = 0, size_t end = SIZE_MAX);
  Id address_of(Id ptr);
  void lower_inst(const ir::Inst& inst);
  void lower_if(const ir::Inst& inst);
  void lower_loop(const ir::Inst& inst);
  void lower_arith(const ir::Inst& inst);
  void lower_compare(const ir::Inst& inst);
  void lower_convert(const ir::Inst& inst);
  void lower_bits(const ir::Inst& inst);
  void lower_memory(const ir::Inst& inst);
  void lower_atomic(const ir::Inst& inst);
  void lower_subgroup(const ir::Inst& inst);
  void lower_call(const ir::Inst& inst);
  Id convert(Id v, const Shape& from, const Shape& to);

  // --- float math (lower_math.cpp)
  // ------------------------------------------------------------------
  void lower_float_math(const ir::Inst& inst);
  Id math_round(const Shape& s, Id x);
  Id math_copysign(const Shape& s, Id x, Id y);
  Id math_signbit(const Shape& s, Id x);
  Id math_expm1(const Shape& s, Id x);
  Id math_log1p(const Shape& s, Id x);
  Id math_fmod(const Shape& s, Id x, Id y);
  Id math_cbrt(const Shape& s, Id x);
  Id math_hypot(const Shape& s, Id x, Id y);
  Id math_pow(const Shape& s, Id x, Id y);
  Id math_erfc(const Shape& s, Id x);
  Id math_erf(const Shape& s, Id x);
};

}  // namespace gpuc::spirv
