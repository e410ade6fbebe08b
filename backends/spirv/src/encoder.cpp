// The SPIR-V encoder: one instruction per call, SPIR-V §2.3 physical layout.
#include "encoder.h"

#include <algorithm>

#include "gpuc/support/ice.h"

namespace gpuc::spirv {

using spv::Op;

size_t Encoder::begin(Op op) {
  out_.push_back(static_cast<uint32_t>(op));
  return out_.size() - 1;
}

void Encoder::end(size_t start) {
  size_t count = out_.size() - start;
  GPUC_ASSERT(count < 0x10000, "SPIR-V instruction longer than 65535 words");
  out_[start] |= static_cast<uint32_t>(count) << 16;
}

void Encoder::string(std::string_view s) {
  // §2.2.1: a literal string is nul-terminated and padded with nul bytes to a word boundary,
  // packed little-endian within each word.
  size_t words = s.size() / 4 + 1;
  size_t base = out_.size();
  out_.resize(base + words, 0);
  for (size_t i = 0; i < s.size(); ++i)
    out_[base + i / 4] |= static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << (8 * (i % 4));
}

#define GPUC_INST(op, ...)                                \
  do {                                                    \
    size_t start_ = begin(op);                            \
    for (uint32_t w_ : {__VA_ARGS__}) out_.push_back(w_); \
    end(start_);                                          \
  } while (0)

static uint32_t u(auto e) {
  return static_cast<uint32_t>(e);
}

void Encoder::op_nop() {
  end(begin(Op::OpNop));
}
void Encoder::op_undef(Id type, Id result) {
  GPUC_INST(Op::OpUndef, type, result);
}

void Encoder::op_name(Id target, std::string_view name) {
  size_t s = begin(Op::OpName);
  out_.push_back(target);
  string(name);
  end(s);
}

void Encoder::op_member_name(Id type, uint32_t member, std::string_view name) {
  size_t s = begin(Op::OpMemberName);
  out_.push_back(type);
  out_.push_back(member);
  string(name);
  end(s);
}

void Encoder::op_decorate(Id target, spv::Decoration d, std::initializer_list<uint32_t> literals) {
  size_t s = begin(Op::OpDecorate);
  out_.push_back(target);
  out_.push_back(u(d));
  out_.insert(out_.end(), literals.begin(), literals.end());
  end(s);
}

void Encoder::op_member_decorate(Id type, uint32_t member, spv::Decoration d,
                                 std::initializer_list<uint32_t> literals) {
  size_t s = begin(Op::OpMemberDecorate);
  out_.push_back(type);
  out_.push_back(member);
  out_.push_back(u(d));
  out_.insert(out_.end(), literals.begin(), literals.end());
  end(s);
}

void Encoder::op_extension(std::string_view name) {
  size_t s = begin(Op::OpExtension);
  string(name);
  end(s);
}

void Encoder::op_ext_inst_import(Id result, std::string_view name) {
  size_t s = begin(Op::OpExtInstImport);
  out_.push_back(result);
  string(name);
  end(s);
}

void Encoder::op_ext_inst(Id type, Id result, Id set, uint32_t instruction,
                          std::span<const Id> operands) {
  size_t s = begin(Op::OpExtInst);
  out_.insert(out_.end(), {type, result, set, instruction});
  out_.insert(out_.end(), operands.begin(), operands.end());
  end(s);
}

void Encoder::op_memory_model(spv::AddressingModel addressing, spv::MemoryModel memory) {
  GPUC_INST(Op::OpMemoryModel, u(addressing), u(memory));
}

void Encoder::op_entry_point(spv::ExecutionModel model, Id function, std::string_view name,
                             std::span<const Id> interface) {
  size_t s = begin(Op::OpEntryPoint);
  out_.push_back(u(model));
  out_.push_back(function);
  string(name);
  out_.insert(out_.end(), interface.begin(), interface.end());
  end(s);
}

void Encoder::op_execution_mode(Id entry, spv::ExecutionMode mode,
                                std::initializer_list<uint32_t> literals) {
  size_t s = begin(Op::OpExecutionMode);
  out_.push_back(entry);
  out_.push_back(u(mode));
  out_.insert(out_.end(), literals.begin(), literals.end());
  end(s);
}

void Encoder::op_capability(spv::Capability c) {
  GPUC_INST(Op::OpCapability, u(c));
}

void Encoder::op_type_void(Id result) {
  GPUC_INST(Op::OpTypeVoid, result);
}
void Encoder::op_type_bool(Id result) {
  GPUC_INST(Op::OpTypeBool, result);
}
void Encoder::op_type_int(Id result, uint32_t width, bool is_signed) {
  GPUC_INST(Op::OpTypeInt, result, width, is_signed ? 1u : 0u);
}
void Encoder::op_type_float(Id result, uint32_t width) {
  GPUC_INST(Op::OpTypeFloat, result, width);
}
void Encoder::op_type_vector(Id result, Id component, uint32_t count) {
  GPUC_INST(Op::OpTypeVector, result, component, count);
}
void Encoder::op_type_array(Id result, Id element, Id length_constant) {
  GPUC_INST(Op::OpTypeArray, result, element, length_constant);
}
void Encoder::op_type_struct(Id result, std::span<const Id> members) {
  size_t s = begin(Op::OpTypeStruct);
  out_.push_back(result);
  out_.insert(out_.end(), members.begin(), members.end());
  end(s);
}
void Encoder::op_type_pointer(Id result, spv::StorageClass sc, Id pointee) {
  GPUC_INST(Op::OpTypePointer, result, u(sc), pointee);
}
void Encoder::op_type_forward_pointer(Id pointer_type, spv::StorageClass sc) {
  GPUC_INST(Op::OpTypeForwardPointer, pointer_type, u(sc));
}
void Encoder::op_type_function(Id result, Id return_type, std::span<const Id> params) {
  size_t s = begin(Op::OpTypeFunction);
  out_.push_back(result);
  out_.push_back(return_type);
  out_.insert(out_.end(), params.begin(), params.end());
  end(s);
}

void Encoder::op_constant_true(Id type, Id result) {
  GPUC_INST(Op::OpConstantTrue, type, result);
}
void Encoder::op_constant_false(Id type, Id result) {
  GPUC_INST(Op::OpConstantFalse, type, result);
}
void Encoder::op_constant(Id type, Id result, std::span<const uint32_t> value) {
  GPUC_ASSERT(value.size() == 1 || value.size() == 2, "OpConstant takes one or two words");
  size_t s = begin(Op::OpConstant);
  out_.push_back(type);
  out_.push_back(result);
  out_.insert(out_.end(), value.begin(), value.end());
  end(s);
}
void Encoder::op_constant_composite(Id type, Id result, std::span<const Id> parts) {
  size_t s = begin(Op::OpConstantComposite);
  out_.push_back(type);
  out_.push_back(result);
  out_.insert(out_.end(), parts.begin(), parts.end());
  end(s);
}
void Encoder::op_constant_null(Id type, Id result) {
  GPUC_INST(Op::OpConstantNull, type, result);
}
void Encoder::op_spec_constant(Id type, Id result, uint32_t value) {
  GPUC_INST(Op::OpSpecConstant, type, result, value);
}
void Encoder::op_spec_constant_composite(Id type, Id result, std::span<const Id> parts) {
  size_t s = begin(Op::OpSpecConstantComposite);
  out_.push_back(type);
  out_.push_back(result);
  out_.insert(out_.end(), parts.begin(), parts.end());
  end(s);
}

void Encoder::op_variable(Id pointer_type, Id result, spv::StorageClass sc, Id initializer) {
  size_t s = begin(Op::OpVariable);
  out_.insert(out_.end(), {pointer_type, result, u(sc)});
  if (initializer) out_.push_back(initializer);
  end(s);
}

void Encoder::op_load(Id type, Id result, Id pointer, uint32_t align) {
  size_t s = begin(Op::OpLoad);
  out_.insert(out_.end(), {type, result, pointer});
  if (align) out_.insert(out_.end(), {u(spv::MemoryAccessMask::Aligned), align});
  end(s);
}

void Encoder::op_store(Id pointer, Id value, uint32_t align) {
  size_t s = begin(Op::OpStore);
  out_.insert(out_.end(), {pointer, value});
  if (align) out_.insert(out_.end(), {u(spv::MemoryAccessMask::Aligned), align});
  end(s);
}

void Encoder::op_access_chain(Id type, Id result, Id base, std::span<const Id> indices) {
  size_t s = begin(Op::OpAccessChain);
  out_.insert(out_.end(), {type, result, base});
  out_.insert(out_.end(), indices.begin(), indices.end());
  end(s);
}

void Encoder::op_ptr_access_chain(Id type, Id result, Id base, Id element,
                                  std::span<const Id> indices) {
  size_t s = begin(Op::OpPtrAccessChain);
  out_.insert(out_.end(), {type, result, base, element});
  out_.insert(out_.end(), indices.begin(), indices.end());
  end(s);
}

void Encoder::op_function(Id return_type, Id result, spv::FunctionControlMask control,
                          Id function_type) {
  GPUC_INST(Op::OpFunction, return_type, result, u(control), function_type);
}
void Encoder::op_function_parameter(Id type, Id result) {
  GPUC_INST(Op::OpFunctionParameter, type, result);
}
void Encoder::op_function_end() {
  end(begin(Op::OpFunctionEnd));
}
void Encoder::op_function_call(Id return_type, Id result, Id function, std::span<const Id> args) {
  size_t s = begin(Op::OpFunctionCall);
  out_.insert(out_.end(), {return_type, result, function});
  out_.insert(out_.end(), args.begin(), args.end());
  end(s);
}

static bool is_unary_shape(Op op) {
  switch (op) {
    case Op::OpFNegate:
    case Op::OpSNegate:
    case Op::OpNot:
    case Op::OpLogicalNot:
    case Op::OpConvertFToU:
    case Op::OpConvertFToS:
    case Op::OpConvertSToF:
    case Op::OpConvertUToF:
    case Op::OpUConvert:
    case Op::OpSConvert:
    case Op::OpFConvert:
    case Op::OpBitcast:
    case Op::OpConvertPtrToU:
    case Op::OpConvertUToPtr:
    case Op::OpIsNan:
    case Op::OpIsInf:
    case Op::OpBitCount:
    case Op::OpBitReverse:
    case Op::OpAny:
    case Op::OpAll:
    case Op::OpCopyObject:
      return true;
    default:
      return false;
  }
}

static bool is_binary_shape(Op op) {
  switch (op) {
    case Op::OpIAdd:
    case Op::OpFAdd:
    case Op::OpISub:
    case Op::OpFSub:
    case Op::OpIMul:
    case Op::OpFMul:
    case Op::OpUDiv:
    case Op::OpSDiv:
    case Op::OpFDiv:
    case Op::OpUMod:
    case Op::OpSRem:
    case Op::OpSMod:
    case Op::OpFRem:
    case Op::OpFMod:
    case Op::OpUMulExtended:
    case Op::OpSMulExtended:
    case Op::OpShiftRightLogical:
    case Op::OpShiftRightArithmetic:
    case Op::OpShiftLeftLogical:
    case Op::OpBitwiseOr:
    case Op::OpBitwiseXor:
    case Op::OpBitwiseAnd:
    case Op::OpLogicalEqual:
    case Op::OpLogicalNotEqual:
    case Op::OpLogicalOr:
    case Op::OpLogicalAnd:
    case Op::OpIEqual:
    case Op::OpINotEqual:
    case Op::OpUGreaterThan:
    case Op::OpSGreaterThan:
    case Op::OpUGreaterThanEqual:
    case Op::OpSGreaterThanEqual:
    case Op::OpULessThan:
    case Op::OpSLessThan:
    case Op::OpULessThanEqual:
    case Op::OpSLessThanEqual:
    case Op::OpFOrdEqual:
    case Op::OpFUnordEqual:
    case Op::OpFOrdNotEqual:
    case Op::OpFUnordNotEqual:
    case Op::OpFOrdLessThan:
    case Op::OpFOrdGreaterThan:
    case Op::OpFOrdLessThanEqual:
    case Op::OpFOrdGreaterThanEqual:
    case Op::OpVectorTimesScalar:
      return true;
    default:
      return false;
  }
}

void Encoder::op_unary(Op op, Id type, Id result, Id operand) {
  GPUC_ASSERT(is_unary_shape(op), "op_unary: opcode is not a unary (type, result, operand) op");
  GPUC_INST(op, type, result, operand);
}

void Encoder::op_binary(Op op, Id type, Id result, Id a, Id b) {
  GPUC_ASSERT(is_binary_shape(op), "op_binary: opcode is not a binary (type, result, a, b) op");
  GPUC_INST(op, type, result, a, b);
}

void Encoder::op_select(Id type, Id result, Id condition, Id if_true, Id if_false) {
  GPUC_INST(Op::OpSelect, type, result, condition, if_true, if_false);
}

void Encoder::op_composite_construct(Id type, Id result, std::span<const Id> parts) {
  size_t s = begin(Op::OpCompositeConstruct);
  out_.insert(out_.end(), {type, result});
  out_.insert(out_.end(), parts.begin(), parts.end());
  end(s);
}

void Encoder::op_composite_extract(Id type, Id result, Id composite,
                                   std::span<const uint32_t> indices) {
  size_t s = begin(Op::OpCompositeExtract);
  out_.insert(out_.end(), {type, result, composite});
  out_.insert(out_.end(), indices.begin(), indices.end());
  end(s);
}

void Encoder::op_composite_insert(Id type, Id result, Id object, Id composite,
                                  std::span<const uint32_t> indices) {
  size_t s = begin(Op::OpCompositeInsert);
  out_.insert(out_.end(), {type, result, object, composite});
  out_.insert(out_.end(), indices.begin(), indices.end());
  end(s);
}

void Encoder::op_vector_shuffle(Id type, Id result, Id v1, Id v2,
                                std::span<const uint32_t> components) {
  size_t s = begin(Op::OpVectorShuffle);
  out_.insert(out_.end(), {type, result, v1, v2});
  out_.insert(out_.end(), components.begin(), components.end());
  end(s);
}

void Encoder::op_label(Id result) {
  GPUC_INST(Op::OpLabel, result);
}
void Encoder::op_branch(Id target) {
  GPUC_INST(Op::OpBranch, target);
}
void Encoder::op_branch_conditional(Id condition, Id if_true, Id if_false) {
  GPUC_INST(Op::OpBranchConditional, condition, if_true, if_false);
}
void Encoder::op_selection_merge(Id merge, spv::SelectionControlMask control) {
  GPUC_INST(Op::OpSelectionMerge, merge, u(control));
}
void Encoder::op_loop_merge(Id merge, Id continue_target, spv::LoopControlMask control,
                            std::initializer_list<uint32_t> literals) {
  size_t s = begin(Op::OpLoopMerge);
  out_.insert(out_.end(), {merge, continue_target, u(control)});
  out_.insert(out_.end(), literals.begin(), literals.end());
  end(s);
}
void Encoder::op_return() {
  end(begin(Op::OpReturn));
}
void Encoder::op_return_value(Id value) {
  GPUC_INST(Op::OpReturnValue, value);
}
void Encoder::op_unreachable() {
  end(begin(Op::OpUnreachable));
}

void Encoder::op_atomic_rmw(Op op, Id type, Id result, Id pointer, Id scope, Id semantics,
                            Id value) {
  switch (op) {
    case Op::OpAtomicExchange:
    case Op::OpAtomicIAdd:
    case Op::OpAtomicISub:
    case Op::OpAtomicSMin:
    case Op::OpAtomicUMin:
    case Op::OpAtomicSMax:
    case Op::OpAtomicUMax:
    case Op::OpAtomicAnd:
    case Op::OpAtomicOr:
    case Op::OpAtomicXor:
    case Op::OpAtomicFAddEXT:
      break;
    default:
      GPUC_UNREACHABLE("op_atomic_rmw: opcode is not a read-modify-write atomic");
  }
  GPUC_INST(op, type, result, pointer, scope, semantics, value);
}

void Encoder::op_atomic_compare_exchange(Id type, Id result, Id pointer, Id scope, Id equal,
                                         Id unequal, Id value, Id comparator) {
  GPUC_INST(Op::OpAtomicCompareExchange, type, result, pointer, scope, equal, unequal, value,
            comparator);
}

void Encoder::op_atomic_load(Id type, Id result, Id pointer, Id scope, Id semantics) {
  GPUC_INST(Op::OpAtomicLoad, type, result, pointer, scope, semantics);
}

void Encoder::op_control_barrier(Id execution_scope, Id memory_scope, Id semantics) {
  GPUC_INST(Op::OpControlBarrier, execution_scope, memory_scope, semantics);
}

void Encoder::op_memory_barrier(Id memory_scope, Id semantics) {
  GPUC_INST(Op::OpMemoryBarrier, memory_scope, semantics);
}

void Encoder::op_group_shuffle(Op op, Id type, Id result, Id scope, Id value, Id lane) {
  GPUC_ASSERT(op == Op::OpGroupNonUniformShuffle || op == Op::OpGroupNonUniformShuffleXor ||
                  op == Op::OpGroupNonUniformShuffleUp || op == Op::OpGroupNonUniformShuffleDown,
              "op_group_shuffle: opcode is not a shuffle");
  GPUC_INST(op, type, result, scope, value, lane);
}

void Encoder::op_group_ballot(Id type, Id result, Id scope, Id predicate) {
  GPUC_INST(Op::OpGroupNonUniformBallot, type, result, scope, predicate);
}

void Encoder::op_group_vote(Op op, Id type, Id result, Id scope, Id predicate) {
  GPUC_ASSERT(op == Op::OpGroupNonUniformAll || op == Op::OpGroupNonUniformAny,
              "op_group_vote: opcode is not a vote");
  GPUC_INST(op, type, result, scope, predicate);
}

#undef GPUC_INST

}  // namespace gpuc::spirv
