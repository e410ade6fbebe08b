// The SPIR-V module: sections in logical-layout order (§2.4) and deduplicated declarations.
#include "spirv_module.h"

#include <algorithm>

#include "gpuc/support/ice.h"

namespace gpuc::spirv {

using spv::Op;

static uint32_t u(auto e) {
  return static_cast<uint32_t>(e);
}

Id SpirvModule::find(const std::vector<uint32_t>& key) const {
  auto it = declared_.find(key);
  return it == declared_.end() ? 0 : it->second;
}

void SpirvModule::require_capability(spv::Capability c) {
  if (has_capability(c)) return;
  capabilities_list_.push_back(c);
  Encoder(capabilities_).op_capability(c);
}

bool SpirvModule::has_capability(spv::Capability c) const {
  return std::find(capabilities_list_.begin(), capabilities_list_.end(), c) !=
         capabilities_list_.end();
}

void SpirvModule::require_extension(const std::string& name) {
  if (std::find(extensions_list_.begin(), extensions_list_.end(), name) != extensions_list_.end())
    return;
  extensions_list_.push_back(name);
  Encoder(extensions_).op_extension(name);
}

Id SpirvModule::get_or_declare_import(const std::string& name) {
  auto it = imports_map_.find(name);
  if (it != imports_map_.end()) return it->second;
  Id id = next_id();
  Encoder(imports_).op_ext_inst_import(id, name);
  imports_map_.emplace(name, id);
  return id;
}

void SpirvModule::set_memory_model(spv::AddressingModel a, spv::MemoryModel m) {
  memory_model_.clear();
  Encoder(memory_model_).op_memory_model(a, m);
}

Id SpirvModule::get_or_declare_void_type() {
  std::vector<uint32_t> key{u(Op::OpTypeVoid)};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_void(id);
  return id;
}

Id SpirvModule::get_or_declare_bool_type() {
  std::vector<uint32_t> key{u(Op::OpTypeBool)};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_bool(id);
  return id;
}

Id SpirvModule::get_or_declare_int_type(uint32_t width, bool is_signed) {
  std::vector<uint32_t> key{u(Op::OpTypeInt), width, is_signed ? 1u : 0u};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_int(id, width, is_signed);
  return id;
}

Id SpirvModule::get_or_declare_float_type(uint32_t width) {
  std::vector<uint32_t> key{u(Op::OpTypeFloat), width};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_float(id, width);
  return id;
}

Id SpirvModule::get_or_declare_vector_type(Id component, uint32_t count) {
  std::vector<uint32_t> key{u(Op::OpTypeVector), component, count};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_vector(id, component, count);
  return id;
}

Id SpirvModule::get_or_declare_array_type(Id element, uint32_t length, uint32_t array_stride) {
  Id length_id = get_or_declare_u32_constant(length);
  std::vector<uint32_t> key{u(Op::OpTypeArray), element, length_id};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_array(id, element, length_id);
  if (array_stride) annotations().op_decorate(id, spv::Decoration::ArrayStride, {array_stride});
  return id;
}

Id SpirvModule::get_or_declare_pointer_type(spv::StorageClass sc, Id pointee,
                                            uint32_t array_stride) {
  std::vector<uint32_t> key{u(Op::OpTypePointer), u(sc), pointee};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_pointer(id, sc, pointee);
  if (array_stride) annotations().op_decorate(id, spv::Decoration::ArrayStride, {array_stride});
  return id;
}

Id SpirvModule::get_or_declare_function_type(Id return_type, const std::vector<Id>& params) {
  std::vector<uint32_t> key{u(Op::OpTypeFunction), return_type};
  key.insert(key.end(), params.begin(), params.end());
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_type_function(id, return_type, params);
  return id;
}

Id SpirvModule::append_struct_type(const std::vector<Id>& members) {
  Id id = next_id();
  globals().op_type_struct(id, members);
  return id;
}

Id SpirvModule::get_or_declare_bool_constant(bool value) {
  Id type = get_or_declare_bool_type();
  std::vector<uint32_t> key{u(value ? Op::OpConstantTrue : Op::OpConstantFalse), type};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  if (value)
    globals().op_constant_true(type, id);
  else
    globals().op_constant_false(type, id);
  return id;
}

Id SpirvModule::get_or_declare_scalar_constant(Id type, uint32_t width, uint64_t bits) {
  // §2.2.1: literals narrower than 32 bits occupy one word; the high-order bits are zero for
  // floats and unsigned ints, sign-extended for signed ints (the caller passes them so).
  std::vector<uint32_t> value;
  value.push_back(static_cast<uint32_t>(bits));
  if (width > 32) value.push_back(static_cast<uint32_t>(bits >> 32));
  std::vector<uint32_t> key{u(Op::OpConstant), type};
  key.insert(key.end(), value.begin(), value.end());
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_constant(type, id, value);
  return id;
}

Id SpirvModule::get_or_declare_u32_constant(uint32_t value) {
  return get_or_declare_scalar_constant(get_or_declare_int_type(32, false), 32, value);
}

Id SpirvModule::get_or_declare_i32_constant(int32_t value) {
  return get_or_declare_scalar_constant(get_or_declare_int_type(32, true), 32,
                                        static_cast<uint32_t>(value));
}

Id SpirvModule::get_or_declare_composite_constant(Id type, const std::vector<Id>& parts) {
  std::vector<uint32_t> key{u(Op::OpConstantComposite), type};
  key.insert(key.end(), parts.begin(), parts.end());
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_constant_composite(type, id, parts);
  return id;
}

Id SpirvModule::get_or_declare_null_constant(Id type) {
  std::vector<uint32_t> key{u(Op::OpConstantNull), type};
  if (Id id = find(key)) return id;
  Id id = declared_[key] = next_id();
  globals().op_constant_null(type, id);
  return id;
}

Id SpirvModule::append_variable(Id pointer_type, spv::StorageClass sc, Id initializer) {
  Id id = next_id();
  globals().op_variable(pointer_type, id, sc, initializer);
  return id;
}

std::vector<uint32_t> SpirvModule::finalize(uint32_t version) const {
  GPUC_ASSERT(!memory_model_.empty(), "SPIR-V module without OpMemoryModel");
  std::vector<uint32_t> out;
  // §2.3 physical layout: magic, version, generator (0: unregistered), bound, schema 0.
  out.insert(out.end(), {spv::MagicNumber, version, 0u, next_id_, 0u});
  for (const Words* section :
       {&capabilities_, &extensions_, &imports_, &memory_model_, &entry_points_, &exec_modes_,
        &names_, &annotations_, &globals_, &functions_})
    out.insert(out.end(), section->begin(), section->end());
  return out;
}

}  // namespace gpuc::spirv
