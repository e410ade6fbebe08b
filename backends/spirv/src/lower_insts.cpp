// The lowering visitor, per op: kernel parameters, control flow, arithmetic, memory, atomics and
// subgroup ops (docs/spirv-backend.md has the table). Float math is in lower_math.cpp.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

#include "gpuc/ir/printer.h"
#include "gpuc/support/ice.h"
#include "lower.h"

namespace gpuc::spirv {

using ir::Op;
using SpvOp = spv::Op;
using MS = spv::MemorySemanticsMask;

static bool contains_width(const ir::TypeTable& types, ir::TypeId t, uint32_t width) {
  const ir::TypeInfo& i = types.info(t);
  switch (i.kind) {
    case ir::TypeKind::Int:
    case ir::TypeKind::Float:
      return i.width == width;
    case ir::TypeKind::Bool:
      return width == 8;  // bools travel as u8
    case ir::TypeKind::Vector:
    case ir::TypeKind::Array:
      return contains_width(types, i.element, width);
    case ir::TypeKind::Struct:
      for (const ir::StructMember& m : i.members)
        if (contains_width(types, m.type, width)) return true;
      return false;
    default:
      return false;
  }
}

// ===== kernel parameters (the launch ABI) ========================================================

void Lowering::kernel_prologue(const ir::Function& f) {
  const ir::KernelReflection* kr = reflection_.find(f.name);
  GPUC_ASSERT(kr && kr->params.size() == f.params.size(), "no reflection for kernel " + f.name);
  if (f.params.empty()) return;
  // ABI: parameters in a push-constant Block with the reflection's offsets; over
  // kMaxPushConstantParamBytes the push constants hold one device address (Offset 0) of a buffer
  // with the same layout.
  bool indirect = kr->param_block_size > ir::kMaxPushConstantParamBytes;
  std::vector<Id> members;
  bool narrow8 = false, narrow16 = false;
  for (const ir::Param& p : f.params) {
    if (types_.is_pointer(p.type) && types_.space(p.type) != ir::AddressSpace::Global)
      unsupported(f.loc, "kernel parameter '" + p.name + "' must point to global memory");
    if (contains_bool(p.type) && !types_.is_bool(p.type))
      unsupported(f.loc, "kernel parameter '" + p.name +
                             "' holds bool inside an aggregate, which "
                             "has no memory layout on Vulkan; use an integer type");
    members.push_back(types_.is_bool(p.type) ? type(Shape{Shape::Int, 8, false, 1}) : type(p.type));
    narrow8 |= contains_width(types_, p.type, 8);
    narrow16 |= contains_width(types_, p.type, 16);
  }
  Id u32 = mod_.get_or_declare_int_type(32, false);
  (void)u32;
  Id params_struct = mod_.append_struct_type(members);
  mod_.annotations().op_decorate(params_struct, spv::Decoration::Block);
  for (uint32_t k = 0; k < members.size(); ++k) {
    mod_.annotations().op_member_decorate(params_struct, k, spv::Decoration::Offset,
                                          {kr->params[k].offset});
    if (indirect)
      mod_.annotations().op_member_decorate(params_struct, k, spv::Decoration::NonWritable);
    if (options_.debug_names) mod_.debug_names().op_member_name(params_struct, k, f.params[k].name);
  }
  if (options_.debug_names) mod_.debug_names().op_name(params_struct, f.name + ".params");
  Id block_ptr_type = 0, pc_struct = params_struct;
  if (indirect) {
    block_ptr_type =
        mod_.get_or_declare_pointer_type(spv::StorageClass::PhysicalStorageBuffer, params_struct);
    pc_struct = mod_.append_struct_type({block_ptr_type});
    mod_.annotations().op_decorate(pc_struct, spv::Decoration::Block);
    mod_.annotations().op_member_decorate(pc_struct, 0, spv::Decoration::Offset, {0});
    if (options_.debug_names) {
      mod_.debug_names().op_name(pc_struct, f.name + ".param_address");
      mod_.debug_names().op_member_name(pc_struct, 0, "params");
    }
  } else {
    if (narrow8) mod_.require_capability(spv::Capability::StoragePushConstant8);
    if (narrow16) mod_.require_capability(spv::Capability::StoragePushConstant16);
  }
  if (narrow8) require_scalar_capabilities(Shape::Int, 8);
  if (narrow16) require_scalar_capabilities(Shape::Int, 16);
  Id pc_ptr = mod_.get_or_declare_pointer_type(spv::StorageClass::PushConstant, pc_struct);
  Id pc_var = mod_.append_variable(pc_ptr, spv::StorageClass::PushConstant);
  if (options_.debug_names) mod_.debug_names().op_name(pc_var, f.name + ".push_constants");
  info_->globals.insert(pc_var);

  Id block = 0;
  if (indirect) {
    Id p = mod_.next_id();
    code().op_access_chain(
        mod_.get_or_declare_pointer_type(spv::StorageClass::PushConstant, block_ptr_type), p,
        pc_var, std::vector<Id>{i32c(0)});
    block = mod_.next_id();
    code().op_load(block_ptr_type, block, p);
  }
  for (uint32_t k = 0; k < members.size(); ++k) {
    const ir::Param& param = f.params[k];
    Id addr = mod_.next_id(), v = mod_.next_id();
    if (indirect) {
      Id ptr_t = types_.is_bool(param.type)
                     ? mod_.get_or_declare_pointer_type(spv::StorageClass::PhysicalStorageBuffer,
                                                        members[k], 1)
                     : psb_pointer(param.type);
      code().op_access_chain(ptr_t, addr, block, std::vector<Id>{i32c(static_cast<int32_t>(k))});
      code().op_load(members[k], v, addr, kr->params[k].align);
    } else {
      Id ptr_t = mod_.get_or_declare_pointer_type(spv::StorageClass::PushConstant, members[k]);
      code().op_access_chain(ptr_t, addr, pc_var, std::vector<Id>{i32c(static_cast<int32_t>(k))});
      code().op_load(members[k], v, addr);
    }
    if (types_.is_bool(param.type)) {
      v = bin(SpvOp::OpINotEqual, type(param.type), v, iconst(Shape{Shape::Int, 8, false, 1}, 0));
    } else if (types_.is_pointer(param.type)) {
      // The pointer goes through a Function variable decorated RestrictPointer (__restrict__) or
      // AliasedPointer: the only place SPIR-V records aliasing of PhysicalStorageBuffer pointers
      // (§3.20 Decoration). Drivers promote the variable.
      Id var_t = mod_.get_or_declare_pointer_type(spv::StorageClass::Function, members[k]);
      Id var = mod_.next_id();
      Encoder(vars_).op_variable(var_t, var, spv::StorageClass::Function);
      mod_.annotations().op_decorate(
          var, param.restrict ? spv::Decoration::RestrictPointer : spv::Decoration::AliasedPointer);
      code().op_store(var, v);
      v = mod_.next_id();
      code().op_load(members[k], v, var);
      v = pointer_barrier(param.type, v);
      if (options_.debug_names) mod_.debug_names().op_name(var, param.name + ".addr");
    }
    if (options_.debug_names) mod_.debug_names().op_name(v, param.name);
    values_[param.value.index] = v;
  }
}

// ===== emission helpers ==========================================================================

Id Lowering::un(SpvOp op, Id t, Id a) {
  Id r = mod_.next_id();
  code().op_unary(op, t, r, a);
  return r;
}

Id Lowering::bin(SpvOp op, Id t, Id a, Id b) {
  Id r = mod_.next_id();
  code().op_binary(op, t, r, a, b);
  return r;
}

Id Lowering::sel(Id t, Id c, Id a, Id b) {
  Id r = mod_.next_id();
  code().op_select(t, r, c, a, b);
  return r;
}

Id Lowering::glsl(GLSLstd450 f, Id t, std::initializer_list<Id> args) {
  Id set = mod_.get_or_declare_import("GLSL.std.450");
  Id r = mod_.next_id();
  std::vector<Id> ops(args);
  code().op_ext_inst(t, r, set, static_cast<uint32_t>(f), ops);
  return r;
}

Id Lowering::extract(Id t, Id composite, uint32_t index) {
  Id r = mod_.next_id();
  code().op_composite_extract(t, r, composite, std::vector<uint32_t>{index});
  return r;
}

Id Lowering::load_builtin_component(spv::BuiltIn b, uint32_t component) {
  Id var = builtin(b);
  Id u32 = mod_.get_or_declare_int_type(32, false);
  Id v3 = mod_.get_or_declare_vector_type(u32, 3);
  Id v = mod_.next_id();
  code().op_load(v3, v, var);
  return extract(u32, v, component);
}

void Lowering::new_block(Id label) {
  code().op_label(label);
  block_open_ = true;
}

Id Lowering::value(const ir::Inst& user, ir::ValueId v) {
  if (pointer_vars_.count(v.index))
    unsupported(user,
                "the address of a local pointer into shared/local memory can only be "
                "loaded from and stored to (Vulkan has no variable pointers)");
  if (is_logical(v))
    unsupported(user, "a pointer into " +
                          std::string(ir::address_space_name(types_.space(fn_->type_of(v)))) +
                          " memory cannot be used as a value here (Vulkan has no variable "
                          "pointers): only loads, stores, atomics and address arithmetic on it "
                          "are supported");
  Id id = values_[v.index];
  GPUC_ASSERT(id != 0,
              "IR value used before it was lowered: " + ir::print_inst(m_, *fn_, fn_->def_of(v)));
  return id;
}

Id Lowering::index32(Id index, ir::TypeId index_type) {
  // Logical access-chain indices are kept 32-bit (shared and local arrays are far below 2^31
  // elements), so index arithmetic on them is plain OpIAdd.
  Shape s = shape(index_type);
  if (s.width == 32) return index;
  return convert(index, s, s.with(Shape::Int, 32, s.is_signed));
}

// The pointer operand of a memory access: a PhysicalStorageBuffer value, or an OpAccessChain
// materialised from a logical pointer.
Id Lowering::pointer_for_access(const ir::Inst& inst, ir::ValueId ptr) {
  if (!is_logical(ptr)) return value(inst, ptr);
  const LogicalPtr& lp = *logical_[ptr.index];
  if (lp.indices.empty()) return lp.root;
  Id ptr_t = mod_.get_or_declare_pointer_type(lp.sc, type(types_.pointee(fn_->type_of(ptr))));
  Id r = mod_.next_id();
  code().op_access_chain(ptr_t, r, lp.root, lp.indices);
  return r;
}

// A global pointer's index `a + c` or `a - c` with a constant c, in a signed type of 32 bits or
// more: returns {a, +-c} so that p + (a + c) is emitted as (p + a * size) + c * size. Sound because
// signed overflow is undefined in C (the NVVM backend marks the same adds `nsw`), so a + c does
// not wrap and the two addresses are equal. Why: the index is sign-extended to 64 bits for the
// address arithmetic, and without the no-wrap fact a driver must compute sext(a + c) for every
// access, where nvcc's PTX computes p + a once and folds c into the load's immediate offset
// (stencil_5pt's five loads). Not for `a - MIN` (its negation wraps) or narrower or unsigned
// types (they wrap).
std::optional<std::pair<ir::ValueId, int64_t>> Lowering::split_constant_offset(ir::ValueId index) {
  ir::InstId def = fn_->def_of(index);
  if (!def.valid()) return std::nullopt;
  const ir::Inst& op = fn_->inst(def);
  if (op.op != Op::Add && op.op != Op::Sub) return std::nullopt;
  if (!types_.is_int(op.type) || !types_.info(op.type).is_signed) return std::nullopt;
  Shape s = shape(op.type);
  if (s.width < 32) return std::nullopt;
  auto constant = [&](ir::ValueId v) -> const ir::Inst* {
    ir::InstId d = fn_->def_of(v);
    if (!d.valid() || fn_->inst(d).op != Op::Const) return nullptr;
    return &fn_->inst(d);
  };
  ir::ValueId a = op.operands[0];
  const ir::Inst* c = constant(op.operands[1]);
  if (!c && op.op == Op::Add) {
    a = op.operands[1];
    c = constant(op.operands[0]);
  }
  if (!c || constant(a)) return std::nullopt;  // nothing to split, or constant folding's job
  // The constant's value, sign-extended from its width.
  int64_t v = s.width == 64 ? static_cast<int64_t>(c->imm)
                            : static_cast<int64_t>(static_cast<int32_t>(c->imm & 0xffffffffu));
  if (op.op == Op::Sub) {
    int64_t min = s.width == 64 ? INT64_MIN : INT32_MIN;
    if (v == min) return std::nullopt;
    v = -v;
  }
  return std::make_pair(a, v);
}

// SPIRV-Tools (2023.1) mem2reg bug: for `%p = OpLoad %var` followed by `OpLoad/OpStore %p`, its
// MemPass::GetPtr takes the base address of %p's *defining load* (%var) and mistakes the access
// through %p for an access to %var: loads become the pointer value (invalid SPIR-V), stores are
// dropped as dead (a silent miscompile). A pointer loaded from memory therefore goes through an
// OpCopyObject, which stops that walk; drivers fold it.
Id Lowering::pointer_barrier(ir::TypeId t, Id loaded) {
  if (!types_.is_pointer(t)) return loaded;
  return un(spv::Op::OpCopyObject, type(t), loaded);
}

// ===== the visitor ===============================================================================

// The 64-bit address of a global pointer (OpConvertPtrToU), one per pointer <id> in the regions
// being lowered: SPIRV-Tools' redundancy elimination does not merge OpConvertPtrToU, so without
// this every `index` of a pointer converted it again and the sums on it were never shared.
// lower_region forgets the conversions made in a region when it ends, so a reused <id> always
// dominates its use (SPIR-V §2.16: structured regions nest in the dominator tree).
Id Lowering::address_of(Id ptr) {
  if (auto it = addresses_.find(ptr); it != addresses_.end()) return it->second;
  Id r = un(SpvOp::OpConvertPtrToU, type(Shape{Shape::Int, 64, false, 1}), ptr);
  addresses_.emplace(ptr, r);
  address_log_.push_back(ptr);
  return r;
}

void Lowering::lower_region(ir::RegionId region, size_t first, size_t end) {
  size_t addresses_before = address_log_.size();
  const std::vector<ir::InstId>& insts = fn_->region(region).insts;
  for (size_t k = first; k < std::min(end, insts.size()); ++k) {
    ir::InstId id = insts[k];
    const ir::Inst& inst = fn_->inst(id);
    if (!block_open_) {
      // Code after a terminator (the verifier allows none) or after an `if` whose arms all left:
      // the merge block opened by lower_if is open, so this is unreachable by construction.
      GPUC_ASSERT(false, "instruction after a terminator: " + ir::print_inst(m_, *fn_, id));
    }
    current_inst_ = id;
    lower_inst(inst);
  }
  for (; address_log_.size() > addresses_before; address_log_.pop_back())
    addresses_.erase(address_log_.back());
}

void Lowering::lower_if(const ir::Inst& inst) {
  // §2.11 selection construct: header with OpSelectionMerge, one block per arm, a fresh merge
  // block.
  Id cond = value(inst, inst.operands[0]);
  bool has_else = !fn_->region(inst.regions[1]).insts.empty();
  Id then_label = mod_.next_id(), merge = mod_.next_id();
  Id else_label = has_else ? mod_.next_id() : merge;
  code().op_selection_merge(merge, spv::SelectionControlMask::MaskNone);
  code().op_branch_conditional(cond, then_label, else_label);
  new_block(then_label);
  lower_region(inst.regions[0]);
  if (block_open_) code().op_branch(merge);
  if (has_else) {
    new_block(else_label);
    lower_region(inst.regions[1]);
    if (block_open_) code().op_branch(merge);
  }
  new_block(merge);
}

// Ops that lower to instructions of the current block only and may run in a loop header (a short,
// conservative list; what must stay out opens blocks of its own: `if`, `loop`, atomic.inc's
// compare-exchange loop).
static bool straight_line(ir::Op op) {
  if (ir::is_binary_arith(op) || ir::is_compare(op) || ir::is_gpu_id(op)) return true;
  switch (op) {
    case Op::Const:
    case Op::Load:
    case Op::Global:
    case Op::Index:
    case Op::Elem:
    case Op::Member:
    case Op::Neg:
    case Op::Not:
    case Op::And:
    case Op::Or:
    case Op::Xor:
    case Op::Shl:
    case Op::Shr:
    case Op::Select:
    case Op::Convert:
    case Op::Bitcast:
    case Op::Extract:
      return true;
    default:
      return false;
  }
}

// A `while`/`for` body opens with its exit test: straight-line code, then `if %c { break }` with an
// empty else. Returns the index of that `if` in the body, or -1.
static int leading_exit_test(const ir::Function& f, ir::RegionId body) {
  const std::vector<ir::InstId>& insts = f.region(body).insts;
  for (size_t k = 0; k < insts.size(); ++k) {
    const ir::Inst& i = f.inst(insts[k]);
    if (i.op == Op::If) {
      const std::vector<ir::InstId>& then = f.region(i.regions[0]).insts;
      bool exit = then.size() == 1 && f.inst(then[0]).op == Op::Break &&
                  f.region(i.regions[1]).insts.empty();
      return exit ? static_cast<int>(k) : -1;
    }
    if (!straight_line(i.op)) return -1;
  }
  return -1;
}

void Lowering::lower_loop(const ir::Inst& inst) {
  // §2.11 loop construct: header (OpLoopMerge), body, continue construct whose last block is the
  // back-edge block (the IR's break_if becomes its conditional branch), merge block. A body that
  // opens with its exit test (`for`, `while`) has the test evaluated in the header, which branches
  // to the merge block or the body, as glslang emits loops: the same program order (the header
  // used to branch to the body unconditionally), and SPIRV-Tools' loop-unroll pass recognises
  // only that form (it honours `#pragma unroll`'s Unroll control on it).
  Id header = mod_.next_id(), body = mod_.next_id(), cont = mod_.next_id(), merge = mod_.next_id();
  code().op_branch(header);
  new_block(header);
  loops_.push_back({header, cont, merge});
  int exit = leading_exit_test(*fn_, inst.regions[0]);
  if (exit >= 0) lower_region(inst.regions[0], 0, static_cast<size_t>(exit));
  if (inst.imm == 1)
    code().op_loop_merge(merge, cont, spv::LoopControlMask::Unroll);
  else if (inst.imm > 1)
    code().op_loop_merge(merge, cont, spv::LoopControlMask::PartialCount,
                         {static_cast<uint32_t>(inst.imm)});
  else
    code().op_loop_merge(merge, cont, spv::LoopControlMask::MaskNone);
  if (exit >= 0) {
    const ir::Inst& test = fn_->inst(fn_->region(inst.regions[0]).insts[exit]);
    ir::ValueId cond = test.operands[0];
    ir::InstId def = fn_->def_of(cond);
    // `if !(i < n) break` (how `for` loops arrive): branch on the comparison itself, true to the
    // body, the form SPIRV-Tools' loop analysis computes trip counts from.
    if (def.valid() && fn_->inst(def).op == Op::Not && types_.is_bool(fn_->type_of(cond)))
      code().op_branch_conditional(value(test, fn_->inst(def).operands[0]), body, merge);
    else
      code().op_branch_conditional(value(test, cond), merge, body);
  } else {
    code().op_branch(body);
  }
  new_block(body);
  lower_region(inst.regions[0], exit >= 0 ? static_cast<size_t>(exit) + 1 : 0);
  if (block_open_) code().op_branch(cont);
  new_block(cont);
  lower_region(inst.regions[1]);
  if (block_open_) code().op_branch(header);
  loops_.pop_back();
  new_block(merge);
}

void Lowering::lower_inst(const ir::Inst& inst) {
  current_loc_ = inst.loc;
  switch (inst.op) {
    case Op::Const: {
      define(inst, constant_bits(shape(inst.type), inst.imm));
      return;
    }
    case Op::If:
      lower_if(inst);
      return;
    case Op::Loop:
      lower_loop(inst);
      return;
    case Op::Break:
      GPUC_ASSERT(!loops_.empty(), "break outside a loop");
      code().op_branch(loops_.back().merge);
      block_open_ = false;
      return;
    case Op::Continue:
      GPUC_ASSERT(!loops_.empty(), "continue outside a loop");
      code().op_branch(loops_.back().cont);
      block_open_ = false;
      return;
    case Op::BreakIf:
      GPUC_ASSERT(!loops_.empty(), "break_if outside a loop");
      code().op_branch_conditional(value(inst, inst.operands[0]), loops_.back().merge,
                                   loops_.back().header);
      block_open_ = false;
      return;
    case Op::Return:
      if (inst.operands.empty())
        code().op_return();
      else
        code().op_return_value(value(inst, inst.operands[0]));
      block_open_ = false;
      return;
    case Op::Unreachable:
      code().op_unreachable();
      block_open_ = false;
      return;
    case Op::Call:
      lower_call(inst);
      return;

    case Op::ThreadIdX:
    case Op::ThreadIdY:
    case Op::ThreadIdZ:
      define(inst, load_builtin_component(
                       spv::BuiltIn::LocalInvocationId,
                       static_cast<uint32_t>(inst.op) - static_cast<uint32_t>(Op::ThreadIdX)));
      return;
    case Op::BlockIdX:
    case Op::BlockIdY:
    case Op::BlockIdZ:
      define(inst, load_builtin_component(
                       spv::BuiltIn::WorkgroupId,
                       static_cast<uint32_t>(inst.op) - static_cast<uint32_t>(Op::BlockIdX)));
      return;
    case Op::GridDimX:
    case Op::GridDimY:
    case Op::GridDimZ:
      define(inst, load_builtin_component(
                       spv::BuiltIn::NumWorkgroups,
                       static_cast<uint32_t>(inst.op) - static_cast<uint32_t>(Op::GridDimX)));
      return;
    case Op::BlockDimX:
    case Op::BlockDimY:
    case Op::BlockDimZ:
      define(inst, extract(type(inst.type), workgroup_size(),
                           static_cast<uint32_t>(inst.op) - static_cast<uint32_t>(Op::BlockDimX)));
      return;
    case Op::LaneId:
    case Op::WarpSize: {
      Id var = builtin(inst.op == Op::LaneId ? spv::BuiltIn::SubgroupLocalInvocationId
                                             : spv::BuiltIn::SubgroupSize);
      Id r = mod_.next_id();
      code().op_load(type(inst.type), r, var);
      define(inst, r);
      return;
    }

    case Op::Barrier: {
      // __syncthreads: execution barrier for the workgroup; its memory semantics order shared
      // (WorkgroupMemory) and global (UniformMemory: storage and PhysicalStorageBuffer in Vulkan)
      // accesses of the block, as CUDA guarantees for both. UniformMemory is left out where no
      // global access before the barrier can conflict with one after it (barrier_semantics.h):
      // then the barrier is GLSL's barrier(), 0x108.
      MS mem = MS::AcquireRelease | MS::WorkgroupMemory;
      if (global_barriers_.at(current_inst_.index)) mem = mem | MS::UniformMemory;
      code().op_control_barrier(scope(spv::Scope::Workgroup), scope(spv::Scope::Workgroup),
                                semantics(mem));
      return;
    }
    case Op::FenceBlock:
      code().op_memory_barrier(
          scope(spv::Scope::Workgroup),
          semantics(MS::AcquireRelease | MS::WorkgroupMemory | MS::UniformMemory));
      return;
    case Op::FenceDevice:
      code().op_memory_barrier(
          scope(spv::Scope::Device),
          semantics(MS::AcquireRelease | MS::WorkgroupMemory | MS::UniformMemory));
      return;
    case Op::SyncWarp:
      code().op_control_barrier(
          scope(spv::Scope::Subgroup), scope(spv::Scope::Subgroup),
          semantics(MS::AcquireRelease | MS::WorkgroupMemory | MS::UniformMemory));
      return;

    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Rem:
    case Op::Min:
    case Op::Max:
    case Op::Neg:
    case Op::And:
    case Op::Or:
    case Op::Xor:
    case Op::Not:
    case Op::Shl:
    case Op::Shr:
    case Op::Abs:
      lower_arith(inst);
      return;
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      lower_compare(inst);
      return;
    case Op::Select: {
      // Boolean select(a, true, b) / select(a, b, false), the frontend's `a || b` / `a && b`
      // without a branch: OpLogicalOr / OpLogicalAnd, which SPIR-V defines for any b (it has no
      // poison), and which is the form drivers and spirv-opt expect.
      auto bool_const = [&](ir::ValueId v, uint64_t bit) {
        ir::InstId d = fn_->def_of(v);
        return d.valid() && fn_->inst(d).op == Op::Const && fn_->inst(d).imm == bit;
      };
      if (types_.is_bool(inst.type) && bool_const(inst.operands[1], 1)) {
        define(inst, bin(SpvOp::OpLogicalOr, type(inst.type), value(inst, inst.operands[0]),
                         value(inst, inst.operands[2])));
        return;
      }
      if (types_.is_bool(inst.type) && bool_const(inst.operands[2], 0)) {
        define(inst, bin(SpvOp::OpLogicalAnd, type(inst.type), value(inst, inst.operands[0]),
                         value(inst, inst.operands[1])));
        return;
      }
      define(inst, sel(type(inst.type), value(inst, inst.operands[0]),
                       value(inst, inst.operands[1]), value(inst, inst.operands[2])));
      return;
    }
    case Op::Convert:
    case Op::Bitcast:
      lower_convert(inst);
      return;
    case Op::Popcount:
    case Op::Clz:
    case Op::Ffs:
    case Op::Brev:
    case Op::MulHi:
      lower_bits(inst);
      return;

    case Op::Var:
    case Op::Global:
    case Op::Load:
    case Op::Store:
    case Op::Index:
    case Op::Elem:
    case Op::Member:
    case Op::PtrToInt:
    case Op::Extract:
    case Op::Insert:
    case Op::Construct:
    case Op::Shuffle:
      lower_memory(inst);
      return;

    default:
      if (ir::is_atomic(inst.op)) return lower_atomic(inst);
      if (ir::is_subgroup(inst.op)) return lower_subgroup(inst);
      if (ir::is_float_math(inst.op) || inst.op == Op::IsNan || inst.op == Op::IsInf)
        return lower_float_math(inst);
      GPUC_UNREACHABLE(std::string("SPIR-V lowering has no case for op ") +
                       std::string(ir::op_name(inst.op)));
  }
}

// ===== arithmetic, comparisons, conversions ======================================================

void Lowering::lower_arith(const ir::Inst& inst) {
  Shape s = shape(inst.type);
  Id t = type(inst.type);
  Id a = value(inst, inst.operands[0]);
  Id b = inst.operands.size() > 1 ? value(inst, inst.operands[1]) : 0;
  bool f = s.kind == Shape::Float, sg = s.is_signed, bl = s.kind == Shape::Bool;
  Id r = 0;
  switch (inst.op) {
    case Op::Add:
      r = bin(f ? SpvOp::OpFAdd : SpvOp::OpIAdd, t, a, b);
      break;
    case Op::Sub:
      r = bin(f ? SpvOp::OpFSub : SpvOp::OpISub, t, a, b);
      break;
    case Op::Mul:
      r = bin(f ? SpvOp::OpFMul : SpvOp::OpIMul, t, a, b);
      break;
    case Op::Div:
      r = bin(f ? SpvOp::OpFDiv : sg ? SpvOp::OpSDiv : SpvOp::OpUDiv, t, a, b);
      break;
    // C's %: the result has the dividend's sign. That is OpSRem's definition (OpSMod follows the
    // divisor), but NVIDIA's Vulkan driver (580.159, H100) returns the divisor's sign for OpSRem
    // with negative operands, so signed % is emitted as a - (a / b) * b, exact for truncating
    // OpSDiv. Floats: OpFRem is C's fmod.
    case Op::Rem:
      if (!f && sg) {
        Id q = bin(SpvOp::OpSDiv, t, a, b);
        r = bin(SpvOp::OpISub, t, a, bin(SpvOp::OpIMul, t, q, b));
      } else if (f) {
        r = math_fmod(s, a, b);  // fmod's rules (lower_math.cpp)
      } else {
        r = bin(SpvOp::OpUMod, t, a, b);
      }
      break;
    // fminf/fmaxf: a NaN operand yields the other operand: GLSL.std.450 NMin/NMax exactly.
    case Op::Min:
      r = glsl(f ? GLSLstd450NMin : sg ? GLSLstd450SMin : GLSLstd450UMin, t, {a, b});
      break;
    case Op::Max:
      r = glsl(f ? GLSLstd450NMax : sg ? GLSLstd450SMax : GLSLstd450UMax, t, {a, b});
      break;
    case Op::Neg:
      r = un(f ? SpvOp::OpFNegate : SpvOp::OpSNegate, t, a);
      break;
    case Op::Abs:
      if (f) {
        r = glsl(GLSLstd450FAbs, t, {a});
      } else if (sg) {
        r = glsl(GLSLstd450SAbs, t, {a});
      } else {
        r = a;  // abs of an unsigned value is the value
      }
      break;
    case Op::And:
      r = bin(bl ? SpvOp::OpLogicalAnd : SpvOp::OpBitwiseAnd, t, a, b);
      break;
    case Op::Or:
      r = bin(bl ? SpvOp::OpLogicalOr : SpvOp::OpBitwiseOr, t, a, b);
      break;
    case Op::Xor:
      r = bin(bl ? SpvOp::OpLogicalNotEqual : SpvOp::OpBitwiseXor, t, a, b);
      break;
    case Op::Not:
      r = un(bl ? SpvOp::OpLogicalNot : SpvOp::OpNot, t, a);
      break;
    case Op::Shl:
      r = bin(SpvOp::OpShiftLeftLogical, t, a, b);
      break;
    case Op::Shr:
      r = bin(sg ? SpvOp::OpShiftRightArithmetic : SpvOp::OpShiftRightLogical, t, a, b);
      break;
    default:
      GPUC_UNREACHABLE("lower_arith");
  }
  define(inst, r);
}

void Lowering::lower_compare(const ir::Inst& inst) {
  ir::TypeId operand_type = fn_->type_of(inst.operands[0]);
  Shape s = shape(operand_type);
  Id t = type(inst.type);
  Id a = value(inst, inst.operands[0]), b = value(inst, inst.operands[1]);
  SpvOp op;
  if (s.kind == Shape::Float) {
    // Ordered comparisons except !=, which is unordered (true for NaN), as in C.
    switch (inst.op) {
      case Op::Eq:
        op = SpvOp::OpFOrdEqual;
        break;
      case Op::Ne:
        op = SpvOp::OpFUnordNotEqual;
        break;
      case Op::Lt:
        op = SpvOp::OpFOrdLessThan;
        break;
      case Op::Le:
        op = SpvOp::OpFOrdLessThanEqual;
        break;
      case Op::Gt:
        op = SpvOp::OpFOrdGreaterThan;
        break;
      default:
        op = SpvOp::OpFOrdGreaterThanEqual;
        break;
    }
  } else if (s.kind == Shape::Bool) {
    op = inst.op == Op::Eq ? SpvOp::OpLogicalEqual : SpvOp::OpLogicalNotEqual;
  } else {
    bool sg = s.is_signed;
    switch (inst.op) {
      case Op::Eq:
        op = SpvOp::OpIEqual;
        break;
      case Op::Ne:
        op = SpvOp::OpINotEqual;
        break;
      case Op::Lt:
        op = sg ? SpvOp::OpSLessThan : SpvOp::OpULessThan;
        break;
      case Op::Le:
        op = sg ? SpvOp::OpSLessThanEqual : SpvOp::OpULessThanEqual;
        break;
      case Op::Gt:
        op = sg ? SpvOp::OpSGreaterThan : SpvOp::OpUGreaterThan;
        break;
      default:
        op = sg ? SpvOp::OpSGreaterThanEqual : SpvOp::OpUGreaterThanEqual;
        break;
    }
  }
  define(inst, bin(op, t, a, b));
}

// C's conversion rules between numeric/bool scalars or vectors of the same lane count.
Id Lowering::convert(Id v, const Shape& from, const Shape& to) {
  Id t = type(to);
  if (from.kind == to.kind && from.width == to.width && from.is_signed == to.is_signed) return v;
  if (to.kind == Shape::Bool) {
    // (bool)x is x != 0; for floats NaN != 0 is true, hence the unordered compare.
    if (from.kind == Shape::Float) return bin(SpvOp::OpFUnordNotEqual, t, v, fconst(from, 0));
    return bin(SpvOp::OpINotEqual, t, v, iconst(from, 0));
  }
  if (from.kind == Shape::Bool) {
    if (to.kind == Shape::Float) return sel(t, v, fconst(to, 1), fconst(to, 0));
    return sel(t, v, iconst(to, 1), iconst(to, 0));
  }
  if (from.kind == Shape::Float && to.kind == Shape::Float) return un(SpvOp::OpFConvert, t, v);
  if (from.kind == Shape::Float)  // truncates toward zero, as C
    return un(to.is_signed ? SpvOp::OpConvertFToS : SpvOp::OpConvertFToU, t, v);
  if (to.kind == Shape::Float)
    return un(from.is_signed ? SpvOp::OpConvertSToF : SpvOp::OpConvertUToF, t, v);
  // int -> int: extension follows the source's signedness; same width is a bit cast.
  if (from.width == to.width) return un(SpvOp::OpBitcast, t, v);
  if (from.is_signed) return un(SpvOp::OpSConvert, t, v);
  Shape unsigned_to = to.with(Shape::Int, to.width, false);
  Id r = un(SpvOp::OpUConvert, type(unsigned_to), v);
  return to.is_signed ? un(SpvOp::OpBitcast, t, r) : r;
}

void Lowering::lower_convert(const ir::Inst& inst) {
  ir::TypeId from = fn_->type_of(inst.operands[0]);
  Id v = value(inst, inst.operands[0]);
  if (inst.op == Op::Bitcast) {
    if (from == inst.type) return define(inst, v);
    return define(inst, un(SpvOp::OpBitcast, type(inst.type), v));
  }
  define(inst, convert(v, shape(from), shape(inst.type)));
}

void Lowering::lower_bits(const ir::Inst& inst) {
  ir::TypeId operand_type = fn_->type_of(inst.operands[0]);
  Shape s = shape(operand_type);
  Id x = value(inst, inst.operands[0]);
  Shape u32s = s.with(Shape::Int, 32, false), i32s = s.with(Shape::Int, 32, true);
  Id u32t = type(u32s), i32t = type(i32s), boolt = type(s.with(Shape::Bool, 1));
  // Vulkan allows OpBitCount/OpBitReverse and FindUMsb/FindILsb on 32-bit integers only: wider
  // values are split into halves, narrower ones widened.
  auto halves = [&](Id v, Id& lo, Id& hi) {
    Shape u64s = s.with(Shape::Int, 64, false);
    Id v64 = s.is_signed ? un(SpvOp::OpBitcast, type(u64s), v) : v;
    lo = un(SpvOp::OpUConvert, u32t, v64);
    hi = un(SpvOp::OpUConvert, u32t,
            bin(SpvOp::OpShiftRightLogical, type(u64s), v64, iconst(u64s, 32)));
  };
  auto clz32 = [&](Id v) {  // 31 - FindUMsb(v); FindUMsb(0) = -1 gives 32
    Id msb = glsl(GLSLstd450FindUMsb, i32t, {v});
    return bin(SpvOp::OpISub, i32t, iconst(i32s, 31), msb);
  };
  auto ffs32 = [&](Id v) {  // FindILsb(0) = -1 gives 0
    Id lsb = glsl(GLSLstd450FindILsb, i32t, {v});
    return bin(SpvOp::OpIAdd, i32t, lsb, iconst(i32s, 1));
  };
  auto popc32 = [&](Id v) { return un(SpvOp::OpBitcast, i32t, un(SpvOp::OpBitCount, u32t, v)); };
  Id r = 0;
  switch (inst.op) {
    case Op::Popcount:
      if (s.width == 64) {
        Id lo, hi;
        halves(x, lo, hi);
        r = bin(SpvOp::OpIAdd, i32t, popc32(lo), popc32(hi));
      } else {
        // Narrow values are zero-extended (through their unsigned type): sign bits do not count.
        Shape us = s.with(Shape::Int, s.width, false);
        Id xu = s.is_signed && s.width < 32 ? un(spv::Op::OpBitcast, type(us), x) : x;
        r = popc32(s.width == 32 ? xu : convert(xu, s.is_signed && s.width < 32 ? us : s, u32s));
      }
      break;
    case Op::Clz:
      if (s.width == 64) {
        Id lo, hi;
        halves(x, lo, hi);
        Id hi_zero = bin(SpvOp::OpIEqual, boolt, hi, iconst(u32s, 0));
        r = sel(i32t, hi_zero, bin(SpvOp::OpIAdd, i32t, iconst(i32s, 32), clz32(lo)), clz32(hi));
      } else {
        Shape us = s.with(Shape::Int, s.width, false);
        Id xu = s.is_signed ? (s.width == 32 ? x : un(SpvOp::OpBitcast, type(us), x)) : x;
        r = clz32(s.width == 32 ? xu : convert(xu, us, u32s));
        if (s.width < 32) r = bin(SpvOp::OpISub, i32t, r, iconst(i32s, 32 - s.width));
      }
      break;
    case Op::Ffs:
      if (s.width == 64) {
        Id lo, hi;
        halves(x, lo, hi);
        Id lo_zero = bin(SpvOp::OpIEqual, boolt, lo, iconst(u32s, 0));
        Id hi_ffs = ffs32(hi);
        Id hi_zero = bin(SpvOp::OpIEqual, boolt, hi, iconst(u32s, 0));
        Id upper =
            sel(i32t, hi_zero, iconst(i32s, 0), bin(SpvOp::OpIAdd, i32t, hi_ffs, iconst(i32s, 32)));
        r = sel(i32t, lo_zero, upper, ffs32(lo));
      } else {
        r = ffs32(s.width == 32 ? x : convert(x, s, s.with(Shape::Int, 32, s.is_signed)));
      }
      break;
    case Op::Brev: {
      Id t = type(operand_type);
      if (s.width == 64) {
        Id lo, hi;
        halves(x, lo, hi);
        Shape u64s = s.with(Shape::Int, 64, false);
        Id rlo = un(SpvOp::OpUConvert, type(u64s), un(SpvOp::OpBitReverse, u32t, lo));
        Id rhi = un(SpvOp::OpUConvert, type(u64s), un(SpvOp::OpBitReverse, u32t, hi));
        Id v = bin(SpvOp::OpBitwiseOr, type(u64s),
                   bin(SpvOp::OpShiftLeftLogical, type(u64s), rlo, iconst(u64s, 32)), rhi);
        r = s.is_signed ? un(SpvOp::OpBitcast, t, v) : v;
      } else if (s.width == 32) {
        r = un(SpvOp::OpBitReverse, t, x);
      } else {
        Shape us = s.with(Shape::Int, s.width, false);
        Id xu = s.is_signed ? un(SpvOp::OpBitcast, type(us), x) : x;
        Id rev = un(SpvOp::OpBitReverse, u32t, convert(xu, us, u32s));
        Id shifted = bin(SpvOp::OpShiftRightLogical, u32t, rev, iconst(u32s, 32 - s.width));
        r = convert(shifted, u32s, s);
      }
      break;
    }
    case Op::MulHi: {
      // OpSMulExtended/OpUMulExtended return {low, high} (§3.32.13).
      Id t = type(operand_type);
      Id st = mod_.append_struct_type({t, t});
      Id prod = bin(s.is_signed ? SpvOp::OpSMulExtended : SpvOp::OpUMulExtended, st, x,
                    value(inst, inst.operands[1]));
      r = extract(t, prod, 1);
      break;
    }
    default:
      GPUC_UNREACHABLE("lower_bits");
  }
  define(inst, r);
}

// ===== memory ====================================================================================

void Lowering::lower_memory(const ir::Inst& inst) {
  switch (inst.op) {
    case Op::Var: {
      ir::TypeId vt = types_.pointee(inst.type);
      if (types_.is_pointer(vt) && types_.space(vt) != ir::AddressSpace::Global) {
        // A local holding a logical pointer (`float* row = tile[y];`): bound at its first store
        // to one root and access-chain shape; its dynamic indices live in i32 variables.
        pointer_vars_[inst.result.index] = PointerVar{};
        return;
      }
      Id ptr_t = mod_.get_or_declare_pointer_type(spv::StorageClass::Function, type(vt));
      Id var = mod_.next_id();
      Encoder(vars_).op_variable(ptr_t, var, spv::StorageClass::Function);
      // Vulkan: a variable of PhysicalStorageBuffer pointer type is RestrictPointer or
      // AliasedPointer; local pointer variables may alias anything.
      ir::TypeId base = vt;
      while (types_.kind(base) == ir::TypeKind::Array) base = types_.info(base).element;
      if (types_.is_pointer(base))
        mod_.annotations().op_decorate(var, spv::Decoration::AliasedPointer);
      LogicalPtr lp;
      lp.root = var;
      lp.root_type = ptr_t;
      logical_[inst.result.index] = std::move(lp);
      return;
    }
    case Op::Global: {
      Id var = global_vars_.at(inst.symbol);
      info_->globals.insert(var);
      LogicalPtr lp;
      lp.root = var;
      lp.sc = storage_class(m_.globals[inst.symbol].space);
      lp.root_type = type(fn_->type_of(inst.result));
      lp.global = static_cast<int>(inst.symbol);
      logical_[inst.result.index] = std::move(lp);
      return;
    }
    case Op::Load: {
      ir::ValueId p = inst.operands[0];
      if (auto pv = pointer_vars_.find(p.index); pv != pointer_vars_.end()) {
        if (!pv->second.bound)
          unsupported(inst,
                      "a local pointer into shared/local memory is read before it is "
                      "assigned");
        const PointerVar& v = pv->second;
        LogicalPtr lp;
        lp.root = v.root;
        lp.sc = v.sc;
        lp.root_type = v.root_type;
        lp.global = v.global;
        lp.member = v.member;
        Id i32 = mod_.get_or_declare_int_type(32, true);
        for (size_t k = 0; k < v.member.size(); ++k) {
          if (v.member[k] != kDynamic) {
            lp.indices.push_back(i32c(static_cast<int32_t>(v.member[k])));
            continue;
          }
          Id r = mod_.next_id();
          code().op_load(i32, r, v.index_vars[k]);
          lp.indices.push_back(r);
        }
        if (v.global >= 0) info_->globals.insert(v.root);
        logical_[inst.result.index] = std::move(lp);
        return;
      }
      Id ptr = pointer_for_access(inst, p);
      Id r = mod_.next_id();
      // §2.18.2: every PhysicalStorageBuffer access carries an Aligned memory operand.
      bool psb = !is_logical(p);
      code().op_load(type(inst.type), r, ptr, psb ? std::max<uint32_t>(inst.align, 1) : 0);
      define(inst, pointer_barrier(inst.type, r));
      return;
    }
    case Op::Store: {
      ir::ValueId p = inst.operands[0];
      if (auto pv = pointer_vars_.find(p.index); pv != pointer_vars_.end()) {
        ir::ValueId val = inst.operands[1];
        GPUC_ASSERT(is_logical(val), "store of a non-logical value into a logical pointer local");
        const LogicalPtr& lp = *logical_[val.index];
        PointerVar& v = pv->second;
        if (!v.bound) {
          v.bound = true;
          v.root = lp.root;
          v.sc = lp.sc;
          v.root_type = lp.root_type;
          v.global = lp.global;
          v.member = lp.member;
          Id i32 = mod_.get_or_declare_int_type(32, true);
          Id ptr_t = mod_.get_or_declare_pointer_type(spv::StorageClass::Function, i32);
          v.index_vars.assign(lp.member.size(), 0);
          for (size_t k = 0; k < lp.member.size(); ++k) {
            if (lp.member[k] != kDynamic) continue;
            v.index_vars[k] = mod_.next_id();
            Encoder(vars_).op_variable(ptr_t, v.index_vars[k], spv::StorageClass::Function);
          }
        } else if (v.root != lp.root || v.member != lp.member) {
          unsupported(inst,
                      "a local pointer into shared/local memory must always point into the "
                      "same variable, with the same kind of element (Vulkan has no "
                      "variable pointers)");
        }
        Id i32 = mod_.get_or_declare_int_type(32, true);
        for (size_t k = 0; k < lp.member.size(); ++k)
          if (lp.member[k] == kDynamic)
            code().op_store(v.index_vars[k], un(spv::Op::OpBitcast, i32, lp.indices[k]));
        return;
      }
      Id v = value(inst, inst.operands[1]);
      Id ptr = pointer_for_access(inst, p);
      bool psb = !is_logical(p);
      code().op_store(ptr, v, psb ? std::max<uint32_t>(inst.align, 1) : 0);
      return;
    }
    case Op::Index: {
      ir::ValueId p = inst.operands[0];
      ir::TypeId it = fn_->type_of(inst.operands[1]);
      Id i = value(inst, inst.operands[1]);
      if (!is_logical(p)) {
        // C pointer arithmetic p + i as integer arithmetic on the 64-bit address:
        // ConvertUToPtr(ConvertPtrToU(p) + i * sizeof(*p)), the index widened with its signedness.
        // Not OpPtrAccessChain: NVIDIA's Vulkan driver (580.159, H100) computes its Element's byte
        // offset in 32 bits and zero-extends it, so a negative index (q[-1], mid[i - n]; a 64-bit
        // Element too) addressed p + 4 GiB - k and loads read zeros (found by the --bounds-check
        // tests and a probe on the H100). The integer form is exact on every driver and is the
        // address arithmetic nvcc's PTX does (mul.wide.s32, add.s64).
        Shape s = shape(it);
        const Shape u64 = Shape{Shape::Int, 64, false, 1};
        const Id u64_type = type(u64);
        const int64_t stride = types_.info(types_.pointee(inst.type)).size;
        auto byte_offset = [&](Id index) {
          // OpIAdd/OpIMul take operands of either signedness (§3.32.13); only the width matters.
          Id wide = s.width < 64 ? convert(index, s, s.with(Shape::Int, 64, s.is_signed)) : index;
          return stride == 1 ? wide : bin(SpvOp::OpIMul, u64_type, wide, iconst(u64, stride));
        };
        Id address = address_of(value(inst, p));
        if (auto split = split_constant_offset(inst.operands[1])) {
          // p + (a + c) as (p + a) + c: p + a is shared by the neighbouring accesses p[a - 1],
          // p[a], p[a + 1] and c * sizeof(*p) folds into the load's immediate offset (see
          // split_constant_offset).
          address = bin(SpvOp::OpIAdd, u64_type, address, byte_offset(value(inst, split->first)));
          address = bin(SpvOp::OpIAdd, u64_type, address, iconst(u64, split->second * stride));
        } else {
          address = bin(SpvOp::OpIAdd, u64_type, address, byte_offset(i));
        }
        define(inst, un(SpvOp::OpConvertUToPtr, type(inst.type), address));
        return;
      }
      LogicalPtr lp = *logical_[p.index];
      if (lp.indices.empty())
        unsupported(inst, "pointer arithmetic on a pointer to a whole " +
                              std::string(ir::address_space_name(types_.space(inst.type))) +
                              " variable is not supported; index an element (&a[i]) instead");
      if (lp.member.back() != kDynamic)
        unsupported(inst, "pointer arithmetic on a pointer to a struct member is not supported");
      Id i32 = index32(i, it);
      Id last = lp.indices.back();
      lp.indices.back() = bin(SpvOp::OpIAdd, mod_.get_or_declare_int_type(32, true), last, i32);
      logical_[inst.result.index] = std::move(lp);
      return;
    }
    case Op::Elem:
    case Op::Member: {
      ir::ValueId p = inst.operands[0];
      Id index;
      if (inst.op == Op::Member) {
        index = i32c(static_cast<int32_t>(inst.imm));  // struct indices are OpConstants
      } else {
        index = value(inst, inst.operands[1]);
        index = index32(index, fn_->type_of(inst.operands[1]));
      }
      if (!is_logical(p)) {
        Id r = mod_.next_id();
        code().op_access_chain(type(inst.type), r, value(inst, p), std::vector<Id>{index});
        define(inst, r);
        return;
      }
      LogicalPtr lp = *logical_[p.index];
      lp.indices.push_back(index);
      lp.member.push_back(inst.op == Op::Member ? static_cast<uint32_t>(inst.imm) : kDynamic);
      logical_[inst.result.index] = std::move(lp);
      return;
    }
    case Op::PtrToInt: {
      ir::ValueId p = inst.operands[0];
      if (is_logical(p))
        unsupported(inst, "the address of " +
                              std::string(ir::address_space_name(types_.space(fn_->type_of(p)))) +
                              " memory has no integer value on Vulkan");
      define(inst, un(SpvOp::OpConvertPtrToU, type(inst.type), value(inst, p)));
      return;
    }
    case Op::Extract: {
      define(inst, extract(type(inst.type), value(inst, inst.operands[0]),
                           static_cast<uint32_t>(inst.imm)));
      return;
    }
    case Op::Insert: {
      Id r = mod_.next_id();
      code().op_composite_insert(type(inst.type), r, value(inst, inst.operands[1]),
                                 value(inst, inst.operands[0]),
                                 std::vector<uint32_t>{static_cast<uint32_t>(inst.imm)});
      define(inst, r);
      return;
    }
    case Op::Construct: {
      std::vector<Id> parts;
      for (ir::ValueId v : inst.operands) parts.push_back(value(inst, v));
      Id r = mod_.next_id();
      code().op_composite_construct(type(inst.type), r, parts);
      define(inst, r);
      return;
    }
    case Op::Shuffle: {
      // swizzle: result lane k takes source lane (imm >> 4k) & 0xf.
      Id v = value(inst, inst.operands[0]);
      uint32_t lanes = types_.lanes(inst.type);
      if (lanes == 1) return define(inst, extract(type(inst.type), v, inst.imm & 0xf));
      std::vector<uint32_t> comps;
      for (uint32_t k = 0; k < lanes; ++k) comps.push_back((inst.imm >> (4 * k)) & 0xf);
      Id r = mod_.next_id();
      code().op_vector_shuffle(type(inst.type), r, v, v, comps);
      define(inst, r);
      return;
    }
    default:
      GPUC_UNREACHABLE("lower_memory");
  }
}

// ===== atomics ===================================================================================

void Lowering::lower_atomic(const ir::Inst& inst) {
  ir::ValueId p = inst.operands[0];
  ir::AddressSpace as = types_.space(fn_->type_of(p));
  Id ptr = pointer_for_access(inst, p);
  Shape s = shape(inst.type);
  Id t = type(inst.type);
  // CUDA atomics are relaxed; the scope is the memory's: device for global, workgroup for shared.
  Id sc = scope(as == ir::AddressSpace::Shared ? spv::Scope::Workgroup : spv::Scope::Device);
  Id relaxed = semantics(MS::MaskNone);
  if (s.kind == Shape::Int && s.width == 64) mod_.require_capability(spv::Capability::Int64Atomics);
  Id v = value(inst, inst.operands[1]);
  bool f = s.kind == Shape::Float, sg = s.is_signed;
  auto rmw = [&](SpvOp op) {
    Id r = mod_.next_id();
    code().op_atomic_rmw(op, t, r, ptr, sc, relaxed, v);
    return r;
  };
  Id r = 0;
  switch (inst.op) {
    case Op::AtomicAdd:
      if (f) {
        // SPV_EXT_shader_atomic_float_add (devices: shaderBufferFloat32AtomicAdd et al.).
        mod_.require_extension("SPV_EXT_shader_atomic_float_add");
        mod_.require_capability(s.width == 64 ? spv::Capability::AtomicFloat64AddEXT
                                              : spv::Capability::AtomicFloat32AddEXT);
        r = rmw(SpvOp::OpAtomicFAddEXT);
      } else {
        r = rmw(SpvOp::OpAtomicIAdd);
      }
      break;
    case Op::AtomicSub:
      r = rmw(SpvOp::OpAtomicISub);
      break;
    case Op::AtomicMin:
      r = rmw(sg ? SpvOp::OpAtomicSMin : SpvOp::OpAtomicUMin);
      break;
    case Op::AtomicMax:
      r = rmw(sg ? SpvOp::OpAtomicSMax : SpvOp::OpAtomicUMax);
      break;
    case Op::AtomicAnd:
      r = rmw(SpvOp::OpAtomicAnd);
      break;
    case Op::AtomicOr:
      r = rmw(SpvOp::OpAtomicOr);
      break;
    case Op::AtomicXor:
      r = rmw(SpvOp::OpAtomicXor);
      break;
    case Op::AtomicExch:
      r = rmw(SpvOp::OpAtomicExchange);
      break;
    case Op::AtomicCas: {
      // atomic.cas %p, %compare, %value; OpAtomicCompareExchange takes Value then Comparator.
      r = mod_.next_id();
      code().op_atomic_compare_exchange(t, r, ptr, sc, relaxed, relaxed,
                                        value(inst, inst.operands[2]), v);
      break;
    }
    case Op::AtomicInc: {
      // CUDA atomicInc: old = *p; *p = (old >= v) ? 0 : old + 1. SPIR-V's OpAtomicIIncrement has
      // no wrap bound, so: a compare-exchange loop (a loop construct, §2.11).
      Id boolt = mod_.get_or_declare_bool_type();
      Id header = mod_.next_id(), body = mod_.next_id(), cont = mod_.next_id(),
         merge = mod_.next_id();
      code().op_branch(header);
      new_block(header);
      code().op_loop_merge(merge, cont, spv::LoopControlMask::MaskNone);
      code().op_branch(body);
      new_block(body);
      Id old = mod_.next_id();
      code().op_atomic_load(t, old, ptr, sc, relaxed);
      Id wrap = bin(SpvOp::OpUGreaterThanEqual, boolt, old, v);
      Id next = sel(t, wrap, iconst(s, 0), bin(SpvOp::OpIAdd, t, old, iconst(s, 1)));
      r = mod_.next_id();
      code().op_atomic_compare_exchange(t, r, ptr, sc, relaxed, relaxed, next, old);
      Id done = bin(SpvOp::OpIEqual, boolt, r, old);
      code().op_branch(cont);
      new_block(cont);
      code().op_branch_conditional(done, merge, header);
      new_block(merge);
      break;
    }
    default:
      GPUC_UNREACHABLE("lower_atomic");
  }
  define(inst, r);
}

// ===== subgroup (warp) ops =======================================================================

void Lowering::lower_subgroup(const ir::Inst& inst) {
  mod_.require_capability(spv::Capability::GroupNonUniform);
  Id sub = scope(spv::Scope::Subgroup);
  Id u32 = mod_.get_or_declare_int_type(32, false);
  Id boolt = mod_.get_or_declare_bool_type();
  Shape u32s{Shape::Int, 32, false, 1};
  auto load_builtin = [&](spv::BuiltIn b) {
    Id r = mod_.next_id();
    code().op_load(u32, r, builtin(b));
    return r;
  };
  auto ballot = [&](Id pred) {
    mod_.require_capability(spv::Capability::GroupNonUniformBallot);
    Id v4 = mod_.get_or_declare_vector_type(u32, 4);
    Id b = mod_.next_id();
    code().op_group_ballot(v4, b, sub, pred);
    return extract(u32, b, 0);  // ABI: the low 32 lanes (CUDA's mask width)
  };
  switch (inst.op) {
    case Op::ShflIdx:
    case Op::ShflXor:
    case Op::ShflUp:
    case Op::ShflDown: {
      Id t = type(inst.type);
      Id v = value(inst, inst.operands[0]);
      Id lane = value(inst, inst.operands[1]);
      Id size = load_builtin(spv::BuiltIn::SubgroupSize);
      Id r = mod_.next_id();
      if (inst.op == Op::ShflIdx) {
        // CUDA reads lane (srcLane mod width); subgroup sizes are powers of two.
        mod_.require_capability(spv::Capability::GroupNonUniformShuffle);
        Id mask = bin(spv::Op::OpISub, u32, size, iconst(u32s, 1));
        Id src = bin(spv::Op::OpBitwiseAnd, u32, lane, mask);
        code().op_group_shuffle(spv::Op::OpGroupNonUniformShuffle, t, r, sub, v, src);
        return define(inst, r);
      }
      // Out-of-range source lanes return the caller's own value, as CUDA does (SPIR-V leaves the
      // shuffled value undefined there).
      Id me = load_builtin(spv::BuiltIn::SubgroupLocalInvocationId);
      Id in_range;
      if (inst.op == Op::ShflXor) {
        mod_.require_capability(spv::Capability::GroupNonUniformShuffle);
        code().op_group_shuffle(spv::Op::OpGroupNonUniformShuffleXor, t, r, sub, v, lane);
        in_range =
            bin(spv::Op::OpULessThan, boolt, bin(spv::Op::OpBitwiseXor, u32, me, lane), size);
      } else if (inst.op == Op::ShflUp) {
        mod_.require_capability(spv::Capability::GroupNonUniformShuffleRelative);
        code().op_group_shuffle(spv::Op::OpGroupNonUniformShuffleUp, t, r, sub, v, lane);
        in_range = bin(spv::Op::OpUGreaterThanEqual, boolt, me, lane);
      } else {
        mod_.require_capability(spv::Capability::GroupNonUniformShuffleRelative);
        code().op_group_shuffle(spv::Op::OpGroupNonUniformShuffleDown, t, r, sub, v, lane);
        in_range = bin(spv::Op::OpULessThan, boolt, bin(spv::Op::OpIAdd, u32, me, lane), size);
      }
      return define(inst, sel(t, in_range, r, v));
    }
    case Op::Ballot:
      return define(inst, ballot(value(inst, inst.operands[0])));
    case Op::ActiveMask:
      return define(inst, ballot(mod_.get_or_declare_bool_constant(true)));
    case Op::VoteAll:
    case Op::VoteAny: {
      mod_.require_capability(spv::Capability::GroupNonUniformVote);
      Id r = mod_.next_id();
      code().op_group_vote(
          inst.op == Op::VoteAll ? spv::Op::OpGroupNonUniformAll : spv::Op::OpGroupNonUniformAny,
          boolt, r, sub, value(inst, inst.operands[0]));
      return define(inst, r);
    }
    default:
      GPUC_UNREACHABLE("lower_subgroup");
  }
}

// ===== calls =====================================================================================

void Lowering::lower_call(const ir::Inst& inst) {
  size_t callee = inst.symbol;
  std::vector<Id> args;
  bool specialise = false;
  for (ir::ValueId a : inst.operands) specialise |= is_logical(a);
  if (!specialise) {
    for (ir::ValueId a : inst.operands) args.push_back(value(inst, a));
  } else {
    // Key: callee, then per argument its binding (see Binding).
    std::vector<uint32_t> key{inst.symbol};
    std::vector<std::optional<Binding>> bindings;
    Id i32 = mod_.get_or_declare_int_type(32, true);
    for (ir::ValueId a : inst.operands) {
      if (!is_logical(a)) {
        key.push_back(0);
        bindings.emplace_back();
        args.push_back(value(inst, a));
        continue;
      }
      const LogicalPtr& lp = *logical_[a.index];
      Binding b{lp.global, lp.root_type, lp.sc, lp.member};
      key.insert(key.end(),
                 {1u, static_cast<uint32_t>(lp.global + 1), lp.global >= 0 ? 0u : lp.root_type,
                  static_cast<uint32_t>(lp.member.size())});
      key.insert(key.end(), lp.member.begin(), lp.member.end());
      if (lp.global < 0) args.push_back(lp.root);
      for (size_t i = 0; i < lp.member.size(); ++i) {
        if (lp.member[i] != kDynamic) continue;
        // Dynamic indices are 32-bit (index32); pass them as i32.
        Id idx = lp.indices[i];
        args.push_back(un(spv::Op::OpBitcast, i32, idx));
      }
      bindings.push_back(std::move(b));
    }
    auto it = specializations_.find(key);
    if (it == specializations_.end()) {
      FunctionInfo& fi = fns_.emplace_back();
      fi.id = mod_.next_id();
      fi.ir_index = inst.symbol;
      fi.bindings = std::move(bindings);
      it = specializations_.emplace(key, fns_.size() - 1).first;
    }
    callee = it->second;
  }
  info_->calls.insert(callee);
  Id r = mod_.next_id();
  code().op_function_call(type(inst.type), r, fns_[callee].id, args);
  if (inst.result.valid()) define(inst, r);
}

}  // namespace gpuc::spirv
