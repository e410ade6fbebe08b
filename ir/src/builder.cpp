// Builder: typed creation of IR at an insertion point.
#include "gpuc/ir/builder.h"

#include <bit>
#include <cstring>

#include "gpuc/ir/literals.h"
#include "gpuc/support/ice.h"

namespace gpuc::ir {

Function& Builder::create_kernel(std::string name) {
  Function& f = module_.add_function(std::move(name), FunctionKind::Kernel, types().void_type());
  set_insertion_point(f, f.body);
  return f;
}

Function& Builder::create_function(std::string name, TypeId return_type) {
  Function& f = module_.add_function(std::move(name), FunctionKind::Device, return_type);
  set_insertion_point(f, f.body);
  return f;
}

ValueId Builder::add_param(std::string name, TypeId type, bool readonly, bool restrict_) {
  GPUC_ASSERT(function_, "add_param without a current function");
  return function_->add_param(std::move(name), type, readonly, restrict_);
}

uint32_t Builder::create_shared(std::string name, TypeId type) {
  return module_.add_global(GlobalVar{std::move(name), type, AddressSpace::Shared, {}, loc_});
}

uint32_t Builder::create_constant(std::string name, TypeId type, std::vector<uint8_t> init) {
  return module_.add_global(
      GlobalVar{std::move(name), type, AddressSpace::Constant, std::move(init), loc_});
}

bool Builder::block_terminated() const {
  if (!function_) return false;
  const Region& r = function_->region(region_);
  return !r.insts.empty() && is_terminator(function_->inst(r.insts.back()).op);
}

ValueId Builder::create(Op op, TypeId type, std::span<const ValueId> operands, uint64_t imm) {
  GPUC_ASSERT(function_, "create without an insertion point");
  Inst inst;
  inst.op = op;
  inst.type = type.valid() ? type : types().void_type();
  inst.operands.assign(operands.begin(), operands.end());
  inst.imm = imm;
  inst.loc = loc_;
  InstId id = function_->new_inst(std::move(inst));
  ValueId result;
  if (!types().is_void(function_->inst(id).type)) {
    result = function_->new_value(function_->inst(id).type, id);
    function_->inst(id).result = result;
  }
  function_->region(region_).insts.push_back(id);
  last_ = id;
  return result;
}

ValueId Builder::create_const_bits(TypeId type, uint64_t bits) {
  return create(Op::Const, type, {}, bits);
}

ValueId Builder::create_const_int(TypeId type, int64_t value) {
  uint32_t width = types().info(type).width;
  uint64_t bits = static_cast<uint64_t>(value);
  if (width < 64) bits &= (uint64_t{1} << width) - 1;
  return create_const_bits(type, bits);
}

ValueId Builder::create_const_float(TypeId type, double value) {
  uint32_t width = types().info(type).width;
  uint64_t bits = 0;
  if (width == 64)
    bits = std::bit_cast<uint64_t>(value);
  else if (width == 32)
    bits = std::bit_cast<uint32_t>(static_cast<float>(value));
  else
    bits = float_to_half(static_cast<float>(value));
  return create_const_bits(type, bits);
}

ValueId Builder::create_const_bool(bool value) {
  return create_const_bits(types().bool_type(), value ? 1 : 0);
}

ValueId Builder::create_binary(Op op, ValueId a, ValueId b) {
  return create(op, function_->type_of(a), {a, b});
}

ValueId Builder::create_unary(Op op, ValueId a) {
  TypeId t = function_->type_of(a);
  if (op == Op::Popcount || op == Op::Clz || op == Op::Ffs)
    t = types().with_scalar(t, types().i32());
  if (op == Op::IsNan || op == Op::IsInf) t = types().with_scalar(t, types().bool_type());
  return create(op, t, {a});
}

ValueId Builder::create_compare(Op op, ValueId a, ValueId b) {
  TypeId t = types().with_scalar(function_->type_of(a), types().bool_type());
  return create(op, t, {a, b});
}

ValueId Builder::create_select(ValueId cond, ValueId if_true, ValueId if_false) {
  return create(Op::Select, function_->type_of(if_true), {cond, if_true, if_false});
}

ValueId Builder::create_convert(TypeId to, ValueId v) {
  return create(Op::Convert, to, {v});
}
ValueId Builder::create_bitcast(TypeId to, ValueId v) {
  return create(Op::Bitcast, to, {v});
}

ValueId Builder::create_fma(ValueId a, ValueId b, ValueId c) {
  return create(Op::Fma, function_->type_of(a), {a, b, c});
}

ValueId Builder::create_gpu_id(Op op) {
  return create(op, types().u32());
}

ValueId Builder::create_var(TypeId value_type) {
  return create(Op::Var, types().pointer_type(value_type, AddressSpace::Private));
}

ValueId Builder::create_global_addr(uint32_t global) {
  GPUC_ASSERT(global < module_.globals.size(), "create_global_addr: no such global");
  const GlobalVar& g = module_.globals[global];
  ValueId v = create(Op::Global, types().pointer_type(g.type, g.space));
  function_->inst(last_).symbol = global;
  return v;
}

uint32_t Builder::natural_align(TypeId t) const {
  return module_.types.info(t).align;
}

ValueId Builder::create_load(ValueId ptr, uint32_t align) {
  TypeId pointee = types().pointee(function_->type_of(ptr));
  ValueId v = create(Op::Load, pointee, {ptr});
  function_->inst(last_).align = align ? align : natural_align(pointee);
  return v;
}

void Builder::create_store(ValueId ptr, ValueId value, uint32_t align) {
  TypeId pointee = types().pointee(function_->type_of(ptr));
  create(Op::Store, types().void_type(), {ptr, value});
  function_->inst(last_).align = align ? align : natural_align(pointee);
}

ValueId Builder::create_index(ValueId ptr, ValueId index) {
  return create(Op::Index, function_->type_of(ptr), {ptr, index});
}

ValueId Builder::create_elem(ValueId ptr, ValueId index) {
  TypeId pt = function_->type_of(ptr);
  TypeId element = types().info(types().pointee(pt)).element;
  return create(Op::Elem, types().pointer_type(element, types().space(pt)), {ptr, index});
}

ValueId Builder::create_member(ValueId ptr, uint32_t member) {
  TypeId pt = function_->type_of(ptr);
  const TypeInfo& s = types().info(types().pointee(pt));
  GPUC_ASSERT(member < s.members.size(), "create_member: no such member");
  TypeId mt = s.members[member].type;
  return create(Op::Member, types().pointer_type(mt, types().space(pt)), {ptr}, member);
}

ValueId Builder::create_extract(ValueId aggregate, uint32_t index) {
  const TypeInfo& a = types().info(function_->type_of(aggregate));
  TypeId t = a.kind == TypeKind::Struct ? a.members.at(index).type : a.element;
  return create(Op::Extract, t, {aggregate}, index);
}

ValueId Builder::create_insert(ValueId aggregate, ValueId part, uint32_t index) {
  return create(Op::Insert, function_->type_of(aggregate), {aggregate, part}, index);
}

ValueId Builder::create_construct(TypeId type, std::span<const ValueId> parts) {
  return create(Op::Construct, type, parts);
}

ValueId Builder::create_atomic(Op op, ValueId ptr, ValueId value) {
  return create(op, function_->type_of(value), {ptr, value});
}

ValueId Builder::create_atomic_cas(ValueId ptr, ValueId compare, ValueId value) {
  return create(Op::AtomicCas, function_->type_of(value), {ptr, compare, value});
}

ValueId Builder::create_shuffle(Op op, ValueId value, ValueId lane_or_delta) {
  return create(op, function_->type_of(value), {value, lane_or_delta});
}

ValueId Builder::create_call(uint32_t callee, std::span<const ValueId> args) {
  GPUC_ASSERT(callee < module_.functions.size(), "create_call: no such function");
  ValueId v = create(Op::Call, module_.functions[callee]->return_type, args);
  function_->inst(last_).symbol = callee;
  return v;
}

void Builder::run_in(RegionId region, const std::function<void()>& body) {
  if (!body) return;
  InsertionGuard guard(*this);
  set_insertion_point(*function_, region);
  body();
}

InstId Builder::create_if(ValueId cond, const std::function<void()>& then_body,
                          const std::function<void()>& else_body) {
  create(Op::If, types().void_type(), {cond});
  InstId id = last_;
  RegionId then_r = function_->new_region(id);
  RegionId else_r = function_->new_region(id);
  function_->inst(id).regions = {then_r, else_r};
  run_in(then_r, then_body);
  run_in(else_r, else_body);
  last_ = id;
  return id;
}

InstId Builder::create_loop(const std::function<void()>& body,
                            const std::function<void()>& continue_body, uint32_t unroll) {
  create(Op::Loop, types().void_type(), {}, unroll);
  InstId id = last_;
  RegionId body_r = function_->new_region(id);
  RegionId cont_r = function_->new_region(id);
  function_->inst(id).regions = {body_r, cont_r};
  run_in(body_r, body);
  run_in(cont_r, continue_body);
  last_ = id;
  return id;
}

void Builder::create_return(ValueId value) {
  if (value.valid())
    create(Op::Return, types().void_type(), {value});
  else
    create(Op::Return, types().void_type());
}

}  // namespace gpuc::ir
