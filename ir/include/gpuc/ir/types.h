// IR types: interned, referred to by 32-bit TypeId handles into a TypeTable.
//
// Invariants (checked by TypeTable, relied on everywhere):
//  - Two structurally equal types have the same TypeId (interning); structs are nominal (by name).
//  - TypeId 0 is never valid; `void` is always id 1.
//  - Every type's C layout (size, alignment, struct member offsets) is computed once, at interning.
//    It is the layout the host, the CUDA ABI and the SPIR-V explicit layout all share:
//    vec2/vec4 are aligned to their size (vec4 capped at 16), vec3 to its element (CUDA's float3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gpuc::ir {

struct TypeId {
  uint32_t index = 0;
  bool valid() const { return index != 0; }
  explicit operator bool() const { return valid(); }
  friend bool operator==(TypeId, TypeId) = default;
};

enum class TypeKind : uint8_t { Void, Bool, Int, Float, Vector, Array, Struct, Pointer };

// Address spaces of pointers and module variables. The numbering is gpuc's own; backends map it
// (NVVM: global 1, shared 3, constant 4, local 5; SPIR-V: PhysicalStorageBuffer, Workgroup, ...).
enum class AddressSpace : uint8_t { Global, Shared, Private, Constant };
const char* address_space_name(AddressSpace as);
std::optional<AddressSpace> parse_address_space(std::string_view name);

struct StructMember {
  std::string name;
  TypeId type;
  uint32_t offset = 0;  // byte offset in the C layout
};

struct TypeInfo {
  TypeKind kind = TypeKind::Void;
  // Int/Float: bit width (8/16/32/64; Float 16/32/64). Int: is_signed.
  uint32_t width = 0;
  bool is_signed = false;
  // Vector: element + count 2..4. Array: element + count >= 1. Pointer: element = pointee.
  TypeId element;
  uint32_t count = 0;
  AddressSpace space = AddressSpace::Global;
  // Struct: nominal name and members.
  std::string name;
  std::vector<StructMember> members;
  // C layout, computed at interning. Void has size 0, align 1.
  uint32_t size = 0;
  uint32_t align = 1;
};

class TypeTable {
 public:
  TypeTable();
  TypeTable(const TypeTable&) = delete;
  TypeTable& operator=(const TypeTable&) = delete;

  TypeId void_type() const { return TypeId{1}; }
  TypeId bool_type();
  TypeId int_type(uint32_t width, bool is_signed);
  TypeId i32() { return int_type(32, true); }
  TypeId u32() { return int_type(32, false); }
  TypeId i64() { return int_type(64, true); }
  TypeId u64() { return int_type(64, false); }
  TypeId float_type(uint32_t width);
  TypeId f32() { return float_type(32); }
  TypeId f64() { return float_type(64); }
  TypeId vector_type(TypeId element, uint32_t count);
  TypeId array_type(TypeId element, uint32_t count);
  TypeId pointer_type(TypeId pointee, AddressSpace space);
  // Declares a struct; members' offsets are computed here. Re-declaring a name with identical
  // members returns the same id; with different members it returns an invalid id.
  TypeId struct_type(std::string name, std::vector<StructMember> members);
  // Finds a declared struct by name (invalid id if none).
  TypeId find_struct(std::string_view name) const;

  const TypeInfo& info(TypeId t) const;
  TypeKind kind(TypeId t) const { return info(t).kind; }
  size_t count() const { return types_.size() - 1; }
  // All struct types in declaration order (for printing).
  const std::vector<TypeId>& structs() const { return structs_; }

  // Predicates.
  bool is_void(TypeId t) const { return kind(t) == TypeKind::Void; }
  bool is_bool(TypeId t) const { return kind(t) == TypeKind::Bool; }
  bool is_int(TypeId t) const { return kind(t) == TypeKind::Int; }
  bool is_float(TypeId t) const { return kind(t) == TypeKind::Float; }
  bool is_vector(TypeId t) const { return kind(t) == TypeKind::Vector; }
  bool is_pointer(TypeId t) const { return kind(t) == TypeKind::Pointer; }
  bool is_scalar(TypeId t) const { return is_bool(t) || is_int(t) || is_float(t); }
  // The scalar type of a scalar or vector (the type itself for scalars).
  TypeId scalar_of(TypeId t) const { return is_vector(t) ? info(t).element : t; }
  // Number of lanes: vector count or 1.
  uint32_t lanes(TypeId t) const { return is_vector(t) ? info(t).count : 1; }
  // Same shape as `like` (scalar or vector of the same lane count) with scalar `scalar`.
  TypeId with_scalar(TypeId like, TypeId scalar);
  bool is_int_like(TypeId t) const { return is_int(scalar_of(t)); }
  bool is_float_like(TypeId t) const { return is_float(scalar_of(t)); }
  bool is_bool_like(TypeId t) const { return is_bool(scalar_of(t)); }
  bool is_signed_int_like(TypeId t) const { return is_int_like(t) && info(scalar_of(t)).is_signed; }
  // Pointer helpers.
  TypeId pointee(TypeId ptr) const { return info(ptr).element; }
  AddressSpace space(TypeId ptr) const { return info(ptr).space; }

  // Text form used by the .gir printer: i32, vec<4, f32>, [16 x f32], ptr<global, f32>, Name.
  std::string to_string(TypeId t) const;

 private:
  std::vector<TypeInfo> types_;                         // index 0 unused
  std::unordered_map<std::string, uint32_t> interned_;  // structural key -> index
  std::unordered_map<std::string, uint32_t> struct_by_name_;
  std::vector<TypeId> structs_;
  TypeId intern(TypeInfo info, const std::string& key);
};

}  // namespace gpuc::ir
