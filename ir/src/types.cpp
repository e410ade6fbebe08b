// TypeTable: interning and C layout of IR types.
#include "gpuc/ir/types.h"

#include <algorithm>

#include "gpuc/support/ice.h"

namespace gpuc::ir {

const char* address_space_name(AddressSpace as) {
  switch (as) {
    case AddressSpace::Global:
      return "global";
    case AddressSpace::Shared:
      return "shared";
    case AddressSpace::Private:
      return "private";
    case AddressSpace::Constant:
      return "constant";
  }
  return "?";
}

std::optional<AddressSpace> parse_address_space(std::string_view name) {
  if (name == "global") return AddressSpace::Global;
  if (name == "shared") return AddressSpace::Shared;
  if (name == "private") return AddressSpace::Private;
  if (name == "constant") return AddressSpace::Constant;
  return std::nullopt;
}

TypeTable::TypeTable() {
  types_.emplace_back();  // index 0: invalid
  TypeInfo v;
  v.kind = TypeKind::Void;
  intern(std::move(v), "void");
}

TypeId TypeTable::intern(TypeInfo info, const std::string& key) {
  auto it = interned_.find(key);
  if (it != interned_.end()) return TypeId{it->second};
  types_.push_back(std::move(info));
  uint32_t index = static_cast<uint32_t>(types_.size() - 1);
  interned_.emplace(key, index);
  return TypeId{index};
}

const TypeInfo& TypeTable::info(TypeId t) const {
  GPUC_ASSERT(t.index > 0 && t.index < types_.size(), "invalid TypeId " + std::to_string(t.index));
  return types_[t.index];
}

TypeId TypeTable::bool_type() {
  TypeInfo i;
  i.kind = TypeKind::Bool;
  i.size = 1;
  i.align = 1;
  return intern(std::move(i), "bool");
}

TypeId TypeTable::int_type(uint32_t width, bool is_signed) {
  GPUC_ASSERT(width == 8 || width == 16 || width == 32 || width == 64, "bad int width");
  TypeInfo i;
  i.kind = TypeKind::Int;
  i.width = width;
  i.is_signed = is_signed;
  i.size = i.align = width / 8;
  return intern(std::move(i), (is_signed ? "i" : "u") + std::to_string(width));
}

TypeId TypeTable::float_type(uint32_t width) {
  GPUC_ASSERT(width == 16 || width == 32 || width == 64, "bad float width");
  TypeInfo i;
  i.kind = TypeKind::Float;
  i.width = width;
  i.size = i.align = width / 8;
  return intern(std::move(i), "f" + std::to_string(width));
}

TypeId TypeTable::vector_type(TypeId element, uint32_t count) {
  GPUC_ASSERT(count >= 2 && count <= 4, "vector lane count must be 2..4");
  GPUC_ASSERT(is_scalar(element), "vector element must be a scalar");
  const TypeInfo& e = info(element);
  TypeInfo i;
  i.kind = TypeKind::Vector;
  i.element = element;
  i.count = count;
  i.size = e.size * count;
  // CUDA's vector types: float2 align 8, float4 align 16, float3 align 4 (size 12).
  i.align = count == 3 ? e.align : std::min<uint32_t>(i.size, 16);
  return intern(std::move(i), "v" + std::to_string(count) + "." + std::to_string(element.index));
}

TypeId TypeTable::array_type(TypeId element, uint32_t count) {
  GPUC_ASSERT(count >= 1, "array count must be >= 1");
  const TypeInfo& e = info(element);
  GPUC_ASSERT(e.kind != TypeKind::Void, "array of void");
  TypeInfo i;
  i.kind = TypeKind::Array;
  i.element = element;
  i.count = count;
  i.size = e.size * count;  // element size is a multiple of its alignment
  i.align = e.align;
  return intern(std::move(i), "a" + std::to_string(count) + "." + std::to_string(element.index));
}

TypeId TypeTable::pointer_type(TypeId pointee, AddressSpace space) {
  TypeInfo i;
  i.kind = TypeKind::Pointer;
  i.element = pointee;
  i.space = space;
  i.size = i.align = 8;
  return intern(std::move(i), "p" + std::to_string(static_cast<int>(space)) + "." +
                                  std::to_string(pointee.index));
}

TypeId TypeTable::struct_type(std::string name, std::vector<StructMember> members) {
  auto existing = struct_by_name_.find(name);
  uint32_t offset = 0, align = 1;
  for (StructMember& m : members) {
    const TypeInfo& mi = info(m.type);
    GPUC_ASSERT(mi.kind != TypeKind::Void, "struct member of type void");
    offset = (offset + mi.align - 1) / mi.align * mi.align;
    m.offset = offset;
    offset += mi.size;
    align = std::max(align, mi.align);
  }
  if (existing != struct_by_name_.end()) {
    const TypeInfo& old = types_[existing->second];
    bool same = old.members.size() == members.size();
    for (size_t k = 0; same && k < members.size(); ++k)
      same = old.members[k].name == members[k].name && old.members[k].type == members[k].type;
    return same ? TypeId{existing->second} : TypeId{};
  }
  TypeInfo i;
  i.kind = TypeKind::Struct;
  i.name = name;
  i.members = std::move(members);
  i.align = align;
  i.size = (offset + align - 1) / align * align;
  TypeId id = intern(std::move(i), "s." + name);
  struct_by_name_.emplace(std::move(name), id.index);
  structs_.push_back(id);
  return id;
}

TypeId TypeTable::find_struct(std::string_view name) const {
  auto it = struct_by_name_.find(std::string(name));
  return it == struct_by_name_.end() ? TypeId{} : TypeId{it->second};
}

TypeId TypeTable::with_scalar(TypeId like, TypeId scalar) {
  return is_vector(like) ? vector_type(scalar, info(like).count) : scalar;
}

std::string TypeTable::to_string(TypeId t) const {
  if (!t.valid()) return "<invalid type>";
  const TypeInfo& i = info(t);
  switch (i.kind) {
    case TypeKind::Void:
      return "void";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::Int:
      return (i.is_signed ? "i" : "u") + std::to_string(i.width);
    case TypeKind::Float:
      return "f" + std::to_string(i.width);
    case TypeKind::Vector:
      return "vec<" + std::to_string(i.count) + ", " + to_string(i.element) + ">";
    case TypeKind::Array:
      return "[" + std::to_string(i.count) + " x " + to_string(i.element) + "]";
    case TypeKind::Struct:
      return i.name;
    case TypeKind::Pointer:
      return std::string("ptr<") + address_space_name(i.space) + ", " + to_string(i.element) + ">";
  }
  return "?";
}

}  // namespace gpuc::ir
