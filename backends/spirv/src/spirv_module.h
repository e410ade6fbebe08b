// Layer 2 of the SPIR-V backend: a module holding one word vector per section of the SPIR-V logical
// layout (§2.4), with deduplicating declarations of types, constants and imports.
//
// Naming (as Halide's SpirvIR): get_or_declare_* returns the existing <id> for an equal declaration
// (types, constants, imports, capabilities); append_* always adds a new one (structs, which are
// nominal in the IR, variables, names, decorations).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "encoder.h"

namespace gpuc::spirv {

class SpirvModule {
 public:
  Id next_id() { return next_id_++; }
  uint32_t id_bound() const { return next_id_; }

  // §2.4 (1), (2): capabilities and extensions, each declared once.
  void require_capability(spv::Capability c);
  void require_extension(const std::string& name);
  bool has_capability(spv::Capability c) const;
  // §2.4 (3): extended instruction set imports.
  Id get_or_declare_import(const std::string& name);
  // §2.4 (4): the single OpMemoryModel.
  void set_memory_model(spv::AddressingModel a, spv::MemoryModel m);

  // Section encoders, for instructions the module does not deduplicate.
  Encoder entry_points() { return Encoder(entry_points_); }   // §2.4 (5)
  Encoder execution_modes() { return Encoder(exec_modes_); }  // §2.4 (6)
  Encoder debug_names() { return Encoder(names_); }           // §2.4 (7b) OpName/OpMemberName
  Encoder annotations() { return Encoder(annotations_); }     // §2.4 (8) decorations
  Encoder globals() { return Encoder(globals_); }             // §2.4 (9) types/consts/variables
  Encoder functions() { return Encoder(functions_); }         // §2.4 (11) function definitions

  // §2.4 (11): one whole function definition (OpFunction ... OpFunctionEnd).
  void append_function(const Words& words) {
    functions_.insert(functions_.end(), words.begin(), words.end());
  }

  // --- §2.4 (9): types
  // ------------------------------------------------------------------------------
  Id get_or_declare_void_type();
  Id get_or_declare_bool_type();
  Id get_or_declare_int_type(uint32_t width, bool is_signed);
  Id get_or_declare_float_type(uint32_t width);
  Id get_or_declare_vector_type(Id component, uint32_t count);
  // `array_stride` != 0 decorates the array with ArrayStride (explicit layout, §2.18.2).
  Id get_or_declare_array_type(Id element, uint32_t length, uint32_t array_stride);
  // `array_stride` != 0 decorates the pointer type with ArrayStride (needed by OpPtrAccessChain on
  // PhysicalStorageBuffer pointers, §3.32.8).
  Id get_or_declare_pointer_type(spv::StorageClass sc, Id pointee, uint32_t array_stride = 0);
  Id get_or_declare_function_type(Id return_type, const std::vector<Id>& params);
  // Structs are never deduplicated: two IR structs with equal members stay distinct types.
  Id append_struct_type(const std::vector<Id>& members);

  // --- §2.4 (9): constants
  // --------------------------------------------------------------------------
  Id get_or_declare_bool_constant(bool value);
  // Integer or float constant of `type` (a scalar type <id> of `width` bits), from its bits.
  Id get_or_declare_scalar_constant(Id type, uint32_t width, uint64_t bits);
  Id get_or_declare_u32_constant(uint32_t value);
  Id get_or_declare_i32_constant(int32_t value);
  Id get_or_declare_composite_constant(Id type, const std::vector<Id>& parts);
  Id get_or_declare_null_constant(Id type);

  // --- §2.4 (9): module-scope variables
  // ---------------------------------------------------------------
  Id append_variable(Id pointer_type, spv::StorageClass sc, Id initializer = 0);

  // The whole module: the 5-word header (§2.3) followed by every section in §2.4 order.
  // `version` is the header's version word, e.g. 0x00010500 for SPIR-V 1.5.
  std::vector<uint32_t> finalize(uint32_t version) const;

 private:
  Id next_id_ = 1;  // §2.6: 0 is not a valid <id>
  std::vector<spv::Capability> capabilities_list_;
  std::vector<std::string> extensions_list_;
  std::map<std::string, Id> imports_map_;
  Words capabilities_, extensions_, imports_, memory_model_, entry_points_, exec_modes_, names_,
      annotations_, globals_, functions_;
  // Deduplication: (opcode, operands without the result <id>) -> result <id>.
  std::map<std::vector<uint32_t>, Id> declared_;
  Id find(const std::vector<uint32_t>& key) const;
};

}  // namespace gpuc::spirv
