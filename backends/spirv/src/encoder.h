// Layer 1 of the SPIR-V backend: the encoder. One function per opcode (or per family of opcodes
// that share one operand shape), typed operands, enums from SPIRV-Headers (spirv.hpp11,
// GLSL.std.450.h).
//
// Each function appends exactly one instruction to a word vector, in the physical layout of SPIR-V
// §2.3: word 0 = (word count << 16) | opcode, then the operands. Nothing here deduplicates or knows
// about sections; that is the module's job (spirv_module.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include <spirv/unified1/GLSL.std.450.h>
#include <spirv/unified1/spirv.hpp11>

namespace gpuc::spirv {

using Id = uint32_t;  // a SPIR-V <id>; 0 is never a valid id (§2.6)
using Words = std::vector<uint32_t>;

class Encoder {
 public:
  explicit Encoder(Words& out) : out_(out) {}

  // --- §3.32.1 miscellaneous, §3.32.2 debug, §3.32.3 annotations
  // ----------------------------------
  void op_nop();
  void op_undef(Id type, Id result);
  void op_name(Id target, std::string_view name);
  void op_member_name(Id type, uint32_t member, std::string_view name);
  void op_decorate(Id target, spv::Decoration d, std::initializer_list<uint32_t> literals = {});
  void op_member_decorate(Id type, uint32_t member, spv::Decoration d,
                          std::initializer_list<uint32_t> literals = {});

  // --- §3.32.4 extensions, §3.32.5 mode setting
  // ----------------------------------------------------
  void op_extension(std::string_view name);
  void op_ext_inst_import(Id result, std::string_view name);
  void op_ext_inst(Id type, Id result, Id set, uint32_t instruction, std::span<const Id> operands);
  void op_memory_model(spv::AddressingModel addressing, spv::MemoryModel memory);
  void op_entry_point(spv::ExecutionModel model, Id function, std::string_view name,
                      std::span<const Id> interface);
  void op_execution_mode(Id entry, spv::ExecutionMode mode,
                         std::initializer_list<uint32_t> literals = {});
  void op_capability(spv::Capability c);

  // --- §3.32.6 type declarations
  // ------------------------------------------------------------------
  void op_type_void(Id result);
  void op_type_bool(Id result);
  void op_type_int(Id result, uint32_t width, bool is_signed);
  void op_type_float(Id result, uint32_t width);
  void op_type_vector(Id result, Id component, uint32_t count);
  void op_type_array(Id result, Id element, Id length_constant);
  void op_type_struct(Id result, std::span<const Id> members);
  void op_type_pointer(Id result, spv::StorageClass sc, Id pointee);
  void op_type_forward_pointer(Id pointer_type, spv::StorageClass sc);
  void op_type_function(Id result, Id return_type, std::span<const Id> params);

  // --- §3.32.7 constants
  // ----------------------------------------------------------------------------
  void op_constant_true(Id type, Id result);
  void op_constant_false(Id type, Id result);
  // `value` holds one word (widths <= 32) or two, low-order word first (§2.2.1).
  void op_constant(Id type, Id result, std::span<const uint32_t> value);
  void op_constant_composite(Id type, Id result, std::span<const Id> parts);
  void op_constant_null(Id type, Id result);
  void op_spec_constant(Id type, Id result, uint32_t value);
  void op_spec_constant_composite(Id type, Id result, std::span<const Id> parts);

  // --- §3.32.8 memory
  // -------------------------------------------------------------------------------
  void op_variable(Id pointer_type, Id result, spv::StorageClass sc, Id initializer = 0);
  // `align` != 0 adds the Aligned memory operand (required on PhysicalStorageBuffer, §2.18.2).
  void op_load(Id type, Id result, Id pointer, uint32_t align = 0);
  void op_store(Id pointer, Id value, uint32_t align = 0);
  void op_access_chain(Id type, Id result, Id base, std::span<const Id> indices);
  void op_ptr_access_chain(Id type, Id result, Id base, Id element, std::span<const Id> indices);

  // --- §3.32.9 functions
  // ----------------------------------------------------------------------------
  void op_function(Id return_type, Id result, spv::FunctionControlMask control, Id function_type);
  void op_function_parameter(Id type, Id result);
  void op_function_end();
  void op_function_call(Id return_type, Id result, Id function, std::span<const Id> args);

  // --- §3.32.11 conversions, §3.32.13 arithmetic, §3.32.14 bit, §3.32.15 relational/logical ------
  // Unary ops whose shape is `Result Type, Result, Operand` (OpFNegate, OpConvertFToS, OpBitcast,
  // OpIsNan, OpBitCount, OpConvertPtrToU, ...). Asserts the opcode is one of them.
  void op_unary(spv::Op op, Id type, Id result, Id operand);
  // Binary ops whose shape is `Result Type, Result, Operand 1, Operand 2` (OpIAdd, OpFDiv,
  // OpSLessThan, OpLogicalAnd, OpUMulExtended, ...). Asserts the opcode is one of them.
  void op_binary(spv::Op op, Id type, Id result, Id a, Id b);
  void op_select(Id type, Id result, Id condition, Id if_true, Id if_false);

  // --- §3.32.12 composites
  // --------------------------------------------------------------------------
  void op_composite_construct(Id type, Id result, std::span<const Id> parts);
  void op_composite_extract(Id type, Id result, Id composite, std::span<const uint32_t> indices);
  void op_composite_insert(Id type, Id result, Id object, Id composite,
                           std::span<const uint32_t> indices);
  void op_vector_shuffle(Id type, Id result, Id v1, Id v2, std::span<const uint32_t> components);

  // --- §3.32.17 control flow
  // ------------------------------------------------------------------------
  void op_label(Id result);
  void op_branch(Id target);
  void op_branch_conditional(Id condition, Id if_true, Id if_false);
  void op_selection_merge(Id merge, spv::SelectionControlMask control);
  // `literals`: the loop-control parameters (PartialCount's count, §3.23).
  void op_loop_merge(Id merge, Id continue_target, spv::LoopControlMask control,
                     std::initializer_list<uint32_t> literals = {});
  void op_return();
  void op_return_value(Id value);
  void op_unreachable();

  // --- §3.32.18 atomics, §3.32.20 barriers (scope and semantics are <id>s of constants) ----------
  // Read-modify-write atomics `Result Type, Result, Pointer, Scope, Semantics, Value`
  // (OpAtomicIAdd, OpAtomicSMin, OpAtomicExchange, OpAtomicFAddEXT, ...). Asserts the opcode is one
  // of them.
  void op_atomic_rmw(spv::Op op, Id type, Id result, Id pointer, Id scope, Id semantics, Id value);
  void op_atomic_compare_exchange(Id type, Id result, Id pointer, Id scope, Id equal, Id unequal,
                                  Id value, Id comparator);
  void op_atomic_load(Id type, Id result, Id pointer, Id scope, Id semantics);
  void op_control_barrier(Id execution_scope, Id memory_scope, Id semantics);
  void op_memory_barrier(Id memory_scope, Id semantics);

  // --- §3.32.24 non-uniform (subgroup) instructions
  // -------------------------------------------------
  // OpGroupNonUniformShuffle/ShuffleXor/ShuffleUp/ShuffleDown: `Result Type, Result, Execution,
  // Value, Id|Mask|Delta`.
  void op_group_shuffle(spv::Op op, Id type, Id result, Id scope, Id value, Id lane);
  void op_group_ballot(Id type, Id result, Id scope, Id predicate);
  // OpGroupNonUniformAll / OpGroupNonUniformAny.
  void op_group_vote(spv::Op op, Id type, Id result, Id scope, Id predicate);

 private:
  Words& out_;
  // Starts an instruction; end() patches its word count.
  size_t begin(spv::Op op);
  void end(size_t start);
  void string(std::string_view s);  // nul-terminated UTF-8, padded to a word (§2.2.1)
};

}  // namespace gpuc::spirv
