// The lowering visitor: verified IR -> SPIR-V for Vulkan compute (docs/spirv-backend.md has the
// op-by-op table). Float math sequences live in lower_math.cpp.
#include "lower.h"

#include <bit>
#include <cstring>
#include <functional>
#include <memory>

#include "barrier_semantics.h"
#include "gpuc/ir/literals.h"
#include "gpuc/ir/printer.h"
#include "gpuc/support/ice.h"

namespace gpuc::spirv {

Lowering::Lowering(const ir::Module& module, const SpirvOptions& options, DiagnosticEngine& diags,
                   const ir::ModuleReflection& reflection)
    : m_(module), types_(module.types), options_(options), diags_(diags), reflection_(reflection) {}

void Lowering::unsupported(const ir::Inst& inst, const std::string& what) {
  unsupported(inst.loc, what);
}

void Lowering::unsupported(SourceLocation loc, const std::string& what) {
  std::string where = fn_ ? " (in function '" + fn_->name + "')" : "";
  diags_.error(loc, "target vulkan: " + what + where);
  throw LoweringFailed{};
}

// ===== types =====================================================================================

spv::StorageClass Lowering::storage_class(ir::AddressSpace as) const {
  switch (as) {
    case ir::AddressSpace::Global:
      return spv::StorageClass::PhysicalStorageBuffer;
    case ir::AddressSpace::Shared:
      return spv::StorageClass::Workgroup;
    case ir::AddressSpace::Private:
      return spv::StorageClass::Function;
    case ir::AddressSpace::Constant:
      return spv::StorageClass::Private;
  }
  GPUC_UNREACHABLE("bad address space");
}

bool Lowering::contains_bool(ir::TypeId t) const {
  const ir::TypeInfo& i = types_.info(t);
  switch (i.kind) {
    case ir::TypeKind::Bool:
      return true;
    case ir::TypeKind::Vector:
    case ir::TypeKind::Array:
      return contains_bool(i.element);
    case ir::TypeKind::Struct:
      for (const ir::StructMember& m : i.members)
        if (contains_bool(m.type)) return true;
      return false;
    default:
      return false;
  }
}

void Lowering::require_scalar_capabilities(Shape::Kind kind, uint32_t width) {
  // §2.16.1 / Vulkan "SPIR-V environment": narrow and wide scalars need their capabilities. 8- and
  // 16-bit values almost always live in buffers, so the buffer-access capability comes with them
  // (devices: storageBuffer8BitAccess / storageBuffer16BitAccess).
  if (kind == Shape::Int && width == 8) {
    mod_.require_capability(spv::Capability::Int8);
    mod_.require_capability(spv::Capability::StorageBuffer8BitAccess);
  } else if (kind == Shape::Int && width == 16) {
    mod_.require_capability(spv::Capability::Int16);
    mod_.require_capability(spv::Capability::StorageBuffer16BitAccess);
  } else if (kind == Shape::Int && width == 64) {
    mod_.require_capability(spv::Capability::Int64);
  } else if (kind == Shape::Float && width == 16) {
    mod_.require_capability(spv::Capability::Float16);
    mod_.require_capability(spv::Capability::StorageBuffer16BitAccess);
  } else if (kind == Shape::Float && width == 64) {
    mod_.require_capability(spv::Capability::Float64);
  }
}

Id Lowering::type(ir::TypeId t) {
  GPUC_ASSERT(t.valid(), "invalid IR type id");
  if (t.index < type_cache_.size() && type_cache_[t.index]) return type_cache_[t.index];
  Id id = declare_type(t);
  if (type_cache_.size() <= t.index) type_cache_.resize(t.index + 1, 0);
  type_cache_[t.index] = id;
  return id;
}

Id Lowering::declare_type(ir::TypeId t) {
  const ir::TypeInfo& i = types_.info(t);
  switch (i.kind) {
    case ir::TypeKind::Void:
      return mod_.get_or_declare_void_type();
    case ir::TypeKind::Bool:
      return mod_.get_or_declare_bool_type();
    case ir::TypeKind::Int:
      require_scalar_capabilities(Shape::Int, i.width);
      return mod_.get_or_declare_int_type(i.width, i.is_signed);
    case ir::TypeKind::Float:
      require_scalar_capabilities(Shape::Float, i.width);
      return mod_.get_or_declare_float_type(i.width);
    case ir::TypeKind::Vector:
      return mod_.get_or_declare_vector_type(type(i.element), i.count);
    case ir::TypeKind::Array: {
      // §2.18.2 explicit layout: ArrayStride = the element's C size (a multiple of its alignment).
      // Types holding bool have no physical layout and are never decorated.
      uint32_t stride = contains_bool(t) ? 0 : types_.info(i.element).size;
      return mod_.get_or_declare_array_type(type(i.element), i.count, stride);
    }
    case ir::TypeKind::Struct: {
      if (!types_in_progress_.insert(t.index).second)
        unsupported(SourceLocation{}, "recursive struct type '" + i.name +
                                          "' (a struct that points to itself) is not supported");
      std::vector<Id> members;
      for (const ir::StructMember& m : i.members) members.push_back(type(m.type));
      types_in_progress_.erase(t.index);
      Id id = mod_.append_struct_type(members);
      bool layout = !contains_bool(t);
      for (uint32_t k = 0; k < i.members.size(); ++k) {
        // Offset = the IR's C layout offset (types.h), so host, CUDA and Vulkan agree.
        if (layout)
          mod_.annotations().op_member_decorate(id, k, spv::Decoration::Offset,
                                                {i.members[k].offset});
        if (options_.debug_names) mod_.debug_names().op_member_name(id, k, i.members[k].name);
      }
      if (options_.debug_names) mod_.debug_names().op_name(id, i.name);
      return id;
    }
    case ir::TypeKind::Pointer: {
      spv::StorageClass sc = storage_class(i.space);
      if (sc == spv::StorageClass::PhysicalStorageBuffer) return psb_pointer(i.element);
      Id pointee = type(i.element);
      return mod_.get_or_declare_pointer_type(sc, pointee);
    }
  }
  GPUC_UNREACHABLE("bad type kind");
}

Id Lowering::psb_pointer(ir::TypeId pointee) {
  // Every PhysicalStorageBuffer pointer type carries ArrayStride = the pointee's C size: the step
  // of OpPtrAccessChain's Element operand (§3.32.8), i.e. C pointer arithmetic. Types holding bool
  // have no physical layout (and cannot be in buffers).
  if (contains_bool(pointee))
    unsupported(current_loc_, "bool values in global memory (" + types_.to_string(pointee) +
                                  ") have no memory layout on Vulkan; use an integer type");
  uint32_t stride = types_.info(pointee).size;
  return mod_.get_or_declare_pointer_type(spv::StorageClass::PhysicalStorageBuffer, type(pointee),
                                          stride);
}

Shape Lowering::shape(ir::TypeId t) const {
  ir::TypeId s = types_.scalar_of(t);
  const ir::TypeInfo& i = types_.info(s);
  Shape out;
  out.lanes = types_.lanes(t);
  switch (i.kind) {
    case ir::TypeKind::Bool:
      out.kind = Shape::Bool;
      out.width = 1;
      break;
    case ir::TypeKind::Int:
      out.kind = Shape::Int;
      out.width = i.width;
      out.is_signed = i.is_signed;
      break;
    case ir::TypeKind::Float:
      out.kind = Shape::Float;
      out.width = i.width;
      break;
    default:
      GPUC_UNREACHABLE("shape() of a non-numeric type " + types_.to_string(t));
  }
  return out;
}

Id Lowering::type(const Shape& s) {
  Id scalar{};  // every Shape::Kind sets it; the value only silences -Wmaybe-uninitialized
  switch (s.kind) {
    case Shape::Bool:
      scalar = mod_.get_or_declare_bool_type();
      break;
    case Shape::Int:
      require_scalar_capabilities(s.kind, s.width);
      scalar = mod_.get_or_declare_int_type(s.width, s.is_signed);
      break;
    case Shape::Float:
      require_scalar_capabilities(s.kind, s.width);
      scalar = mod_.get_or_declare_float_type(s.width);
      break;
  }
  return s.lanes > 1 ? mod_.get_or_declare_vector_type(scalar, s.lanes) : scalar;
}

// ===== constants =================================================================================

Id Lowering::constant_bits(const Shape& s, uint64_t bits) {
  Id scalar;
  Shape one = s;
  one.lanes = 1;
  if (s.kind == Shape::Bool) {
    scalar = mod_.get_or_declare_bool_constant(bits != 0);
  } else {
    uint32_t w = s.width;
    if (w < 64) bits &= (uint64_t{1} << w) - 1;
    // §2.2.1: narrow signed integer literals are sign-extended to the word.
    if (s.kind == Shape::Int && s.is_signed && w < 32 && (bits >> (w - 1)) & 1)
      bits |= ~uint64_t{0} << w, bits &= 0xffffffffu;
    scalar = mod_.get_or_declare_scalar_constant(type(one), w, bits);
  }
  if (s.lanes == 1) return scalar;
  return mod_.get_or_declare_composite_constant(type(s), std::vector<Id>(s.lanes, scalar));
}

Id Lowering::fconst(const Shape& s, double v) {
  GPUC_ASSERT(s.kind == Shape::Float, "fconst of a non-float shape");
  uint64_t bits;
  if (s.width == 64)
    bits = std::bit_cast<uint64_t>(v);
  else if (s.width == 32)
    bits = std::bit_cast<uint32_t>(static_cast<float>(v));
  else
    bits = ir::float_to_half(static_cast<float>(v));
  return constant_bits(s, bits);
}

Id Lowering::iconst(const Shape& s, int64_t v) {
  return constant_bits(s, static_cast<uint64_t>(v));
}

Id Lowering::constant_from_bytes(ir::TypeId t, const uint8_t* p, SourceLocation loc) {
  const ir::TypeInfo& i = types_.info(t);
  switch (i.kind) {
    case ir::TypeKind::Bool:
      return mod_.get_or_declare_bool_constant(*p != 0);
    case ir::TypeKind::Int:
    case ir::TypeKind::Float: {
      uint64_t bits = 0;
      std::memcpy(&bits, p, i.size);  // the IR's constant data is little-endian C layout
      return constant_bits(shape(t), bits);
    }
    case ir::TypeKind::Vector:
    case ir::TypeKind::Array: {
      if (i.count > 60000)
        unsupported(loc,
                    "a constant array of more than 60000 elements does not fit one SPIR-V "
                    "instruction");
      uint32_t step = types_.info(i.element).size;
      std::vector<Id> parts;
      for (uint32_t k = 0; k < i.count; ++k)
        parts.push_back(constant_from_bytes(i.element, p + k * step, loc));
      return mod_.get_or_declare_composite_constant(type(t), parts);
    }
    case ir::TypeKind::Struct: {
      std::vector<Id> parts;
      for (const ir::StructMember& m : i.members)
        parts.push_back(constant_from_bytes(m.type, p + m.offset, loc));
      return mod_.get_or_declare_composite_constant(type(t), parts);
    }
    default:
      unsupported(loc, "constant data of type " + types_.to_string(t) + " is not supported");
  }
}

// ===== module-level declarations =================================================================

void Lowering::declare_globals() {
  for (const ir::GlobalVar& g : m_.globals) {
    Id var;
    if (g.space == ir::AddressSpace::Shared) {
      // Shared memory: a Workgroup variable without initializer (Vulkan forbids one unless
      // VK_KHR_zero_initialize_workgroup_memory).
      Id ptr = mod_.get_or_declare_pointer_type(spv::StorageClass::Workgroup, type(g.type));
      var = mod_.append_variable(ptr, spv::StorageClass::Workgroup);
    } else if (g.space == ir::AddressSpace::Constant) {
      // __constant__ data: a Private variable initialised with an OpConstantComposite; the driver
      // folds loads of it. (Vulkan has no Constant storage class for compute.)
      Id init = constant_from_bytes(g.type, g.init.data(), g.loc);
      Id ptr = mod_.get_or_declare_pointer_type(spv::StorageClass::Private, type(g.type));
      var = mod_.append_variable(ptr, spv::StorageClass::Private, init);
    } else {
      unsupported(g.loc, std::string("module variable '") + g.name + "' in address space " +
                             ir::address_space_name(g.space) + " is not supported");
    }
    if (options_.debug_names) mod_.debug_names().op_name(var, g.name);
    global_vars_.push_back(var);
  }
}

Id Lowering::builtin(spv::BuiltIn b) {
  auto it = builtins_.find(b);
  Id var;
  if (it != builtins_.end()) {
    var = it->second;
  } else {
    Id u32 = mod_.get_or_declare_int_type(32, false);
    Id t = u32;
    if (b == spv::BuiltIn::LocalInvocationId || b == spv::BuiltIn::WorkgroupId ||
        b == spv::BuiltIn::NumWorkgroups)
      t = mod_.get_or_declare_vector_type(u32, 3);
    if (b == spv::BuiltIn::SubgroupSize || b == spv::BuiltIn::SubgroupLocalInvocationId)
      mod_.require_capability(spv::Capability::GroupNonUniform);
    Id ptr = mod_.get_or_declare_pointer_type(spv::StorageClass::Input, t);
    var = mod_.append_variable(ptr, spv::StorageClass::Input);
    mod_.annotations().op_decorate(var, spv::Decoration::BuiltIn, {static_cast<uint32_t>(b)});
    builtins_.emplace(b, var);
  }
  info_->globals.insert(var);
  return var;
}

Id Lowering::workgroup_size() {
  // The ABI: block size = specialization constants SpecId 0, 1, 2, composed into the
  // WorkgroupSize built-in (SPIR-V §3.21 BuiltIn WorkgroupSize), so the runtime picks the block
  // shape at pipeline creation.
  if (workgroup_size_) return workgroup_size_;
  Id u32 = mod_.get_or_declare_int_type(32, false);
  std::vector<Id> parts;
  for (uint32_t k = 0; k < 3; ++k) {
    Id c = mod_.next_id();
    mod_.globals().op_spec_constant(u32, c, spec_defaults_[k]);
    mod_.annotations().op_decorate(c, spv::Decoration::SpecId, {k});
    parts.push_back(c);
  }
  workgroup_size_ = mod_.next_id();
  mod_.globals().op_spec_constant_composite(mod_.get_or_declare_vector_type(u32, 3),
                                            workgroup_size_, parts);
  mod_.annotations().op_decorate(workgroup_size_, spv::Decoration::BuiltIn,
                                 {static_cast<uint32_t>(spv::BuiltIn::WorkgroupSize)});
  return workgroup_size_;
}

bool Lowering::has_logical_params(const ir::Function& f) const {
  for (const ir::Param& p : f.params)
    if (types_.is_pointer(p.type) && types_.space(p.type) != ir::AddressSpace::Global) return true;
  return false;
}

void Lowering::run() {
  // §2.4 (1)..(4): Shader; PhysicalStorageBuffer64 addressing (core in SPIR-V 1.5) for CUDA's
  // pointer model; GLSL450 memory model (docs/spirv-backend.md explains the choice).
  mod_.require_capability(spv::Capability::Shader);
  mod_.require_capability(spv::Capability::PhysicalStorageBufferAddresses);
  mod_.set_memory_model(spv::AddressingModel::PhysicalStorageBuffer64, spv::MemoryModel::GLSL450);

  // Spec-constant defaults: the fixed block size when every fixed-size kernel agrees.
  bool first = true;
  for (const auto& f : m_.functions) {
    if (!f->is_kernel() || !f->has_fixed_block()) continue;
    if (first)
      spec_defaults_ = f->fixed_block;
    else if (spec_defaults_ != f->fixed_block)
      spec_defaults_ = {1, 1, 1};
    first = false;
  }

  for (uint32_t k = 0; k < m_.functions.size(); ++k) {
    FunctionInfo& fi = fns_.emplace_back();
    fi.id = mod_.next_id();
    fi.ir_index = k;
  }
  FunctionInfo module_scope;
  info_ = &module_scope;
  declare_globals();
  // Plain versions first (a device function with shared/local pointer parameters exists only as
  // specialisations, created by the calls that reach it), then specialisations until none is new.
  for (uint32_t k = 0; k < m_.functions.size(); ++k)
    if (!has_logical_params(*m_.functions[k])) lower_function(k);
  for (size_t k = m_.functions.size(); k < fns_.size(); ++k) lower_function(k);
  for (uint32_t k = 0; k < m_.functions.size(); ++k)
    if (m_.functions[k]->is_kernel()) declare_entry_point(k);
}

std::vector<uint32_t> Lowering::finish() const {
  return mod_.finalize(spirv_version_word(options_.vulkan));
}

void Lowering::collect_interface(size_t index, std::set<Id>& out, std::set<size_t>& seen) const {
  if (!seen.insert(index).second) return;
  out.insert(fns_[index].globals.begin(), fns_[index].globals.end());
  for (size_t callee : fns_[index].calls) collect_interface(callee, out, seen);
}

void Lowering::declare_entry_point(uint32_t index) {
  const ir::Function& f = *m_.functions[index];
  // §2.4 (5): since SPIR-V 1.4 the interface lists every module-scope variable the entry point's
  // static call tree references.
  std::set<Id> interface;
  std::set<size_t> seen;
  collect_interface(index, interface, seen);
  std::vector<Id> list(interface.begin(), interface.end());
  mod_.entry_points().op_entry_point(spv::ExecutionModel::GLCompute, fns_[index].id, f.name, list);
  // LocalSize documents the fixed size; the WorkgroupSize built-in (spec constants) overrides it.
  std::array<uint32_t, 3> size = f.has_fixed_block() ? f.fixed_block : spec_defaults_;
  mod_.execution_modes().op_execution_mode(fns_[index].id, spv::ExecutionMode::LocalSize,
                                           {size[0], size[1], size[2]});
  workgroup_size();  // every module with a kernel declares the spec constants (ABI)
}

// ===== functions =================================================================================

void Lowering::lower_function(size_t info_index) {
  info_ = &fns_[info_index];
  const ir::Function& f = *m_.functions[info_->ir_index];
  fn_ = &f;
  values_.assign(f.value_capacity(), 0);
  logical_.assign(f.value_capacity(), std::nullopt);
  pointer_vars_.clear();
  vars_.clear();
  body_.clear();
  loops_.clear();
  addresses_.clear();
  address_log_.clear();
  global_barriers_ = barriers_ordering_global_memory(m_, f);
  if (options_.debug_names) mod_.debug_names().op_name(info_->id, f.name);
  current_loc_ = f.loc;

  // Parameters: (SPIR-V type, what the OpFunctionParameter <id> becomes).
  Id ret = type(f.return_type);
  std::vector<Id> param_types;
  std::vector<std::function<void(Id)>> bind;
  if (!f.is_kernel()) {
    for (size_t k = 0; k < f.params.size(); ++k) {
      const ir::Param& p = f.params[k];
      const std::optional<Binding>* b = info_->bindings.empty() ? nullptr : &info_->bindings[k];
      if (b && b->has_value()) {
        const Binding& bd = **b;
        auto lp = std::make_shared<LogicalPtr>();
        lp->sc = bd.sc;
        lp->global = bd.global;
        lp->root_type = bd.root_type;
        lp->member = bd.member;
        lp->indices.assign(bd.member.size(), 0);
        if (bd.global >= 0) {
          lp->root = global_vars_[bd.global];
          info_->globals.insert(lp->root);
        } else {
          param_types.push_back(bd.root_type);
          bind.push_back([lp](Id id) { lp->root = id; });
        }
        for (size_t i = 0; i < bd.member.size(); ++i) {
          if (bd.member[i] != kDynamic) {
            lp->indices[i] = i32c(static_cast<int32_t>(bd.member[i]));
            continue;
          }
          param_types.push_back(mod_.get_or_declare_int_type(32, true));
          bind.push_back([lp, i](Id id) { lp->indices[i] = id; });
        }
        ir::ValueId v = p.value;
        // Runs after every parameter <id> of this pointer is bound.
        bind.push_back([this, lp, v](Id) { logical_[v.index] = *lp; });
        param_types.push_back(0);  // marker: no OpFunctionParameter
        continue;
      }
      GPUC_ASSERT(!types_.is_pointer(p.type) || types_.space(p.type) == ir::AddressSpace::Global,
                  "plain version of a function with a logical pointer parameter");
      param_types.push_back(type(p.type));
      bool psb = types_.is_pointer(p.type);
      bool restrict = p.restrict;
      std::string name = p.name;
      ir::ValueId v = p.value;
      bind.push_back([this, psb, restrict, name, v](Id id) {
        if (options_.debug_names) mod_.debug_names().op_name(id, name);
        // Vulkan: a PhysicalStorageBuffer pointer parameter is Restrict or Aliased.
        if (psb)
          mod_.annotations().op_decorate(
              id, restrict ? spv::Decoration::Restrict : spv::Decoration::Aliased);
        values_[v.index] = id;
      });
    }
  }
  std::vector<Id> real_types;
  for (Id t : param_types)
    if (t) real_types.push_back(t);
  Id fn_type = mod_.get_or_declare_function_type(ret, real_types);
  Words header;
  Encoder h(header);
  h.op_function(ret, info_->id, spv::FunctionControlMask::MaskNone, fn_type);
  for (size_t k = 0; k < param_types.size(); ++k) {
    if (!param_types[k]) {
      bind[k](0);
      continue;
    }
    Id id = mod_.next_id();
    h.op_function_parameter(param_types[k], id);
    bind[k](id);
  }
  Id entry = mod_.next_id();
  h.op_label(entry);
  block_open_ = true;
  if (f.is_kernel()) kernel_prologue(f);
  lower_region(f.body);
  if (block_open_) {
    if (types_.is_void(f.return_type))
      code().op_return();
    else
      code().op_unreachable();
    block_open_ = false;
  }
  // §2.4 (11): OpFunction, parameters, the entry block's OpLabel, then every Function-storage
  // OpVariable (they must open the first block, §2.16.1), then the code.
  Words all = std::move(header);
  all.insert(all.end(), vars_.begin(), vars_.end());
  all.insert(all.end(), body_.begin(), body_.end());
  Encoder(all).op_function_end();
  mod_.append_function(all);
  fn_ = nullptr;
}

}  // namespace gpuc::spirv
