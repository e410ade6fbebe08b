// The public IR builder: an insertion point plus typed create_* helpers and region helpers.
//
// Usage (saxpy):
//   ir::Module m;
//   ir::Builder b(m);
//   auto& t = m.types;
//   ir::Function& k = b.create_kernel("saxpy");
//   ir::ValueId a = b.add_param("a", t.f32());
//   ir::ValueId x = b.add_param("x", t.pointer_type(t.f32(), ir::AddressSpace::Global), true);
//   ...
//   b.create_if(cond, [&] { ... });            // then-only
//   b.create_loop([&] { ... }, [&] { ... });   // body, continue
//
// The builder does not type-check beyond computing result types: run the verifier on the result.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"

namespace gpuc::ir {

class Builder {
 public:
  explicit Builder(Module& module) : module_(module) {}

  Module& module() { return module_; }
  TypeTable& types() { return module_.types; }

  // --- functions and module variables
  // --------------------------------------------------------------- Creates a function and puts the
  // insertion point at the end of its body.
  Function& create_kernel(std::string name);
  Function& create_function(std::string name, TypeId return_type);
  ValueId add_param(std::string name, TypeId type, bool readonly = false, bool restrict = false);
  uint32_t create_shared(std::string name, TypeId type);
  uint32_t create_constant(std::string name, TypeId type, std::vector<uint8_t> init);

  // --- insertion point
  // ---------------------------------------------------------------------------------
  void set_insertion_point(Function& f, RegionId region) {
    function_ = &f;
    region_ = region;
  }
  Function* function() const { return function_; }
  RegionId region() const { return region_; }
  // Location attached to every inst created from now on.
  void set_location(SourceLocation loc) { loc_ = loc; }
  // True when the current region already ends in a terminator (break, continue, return, ...).
  bool block_terminated() const;

  // --- generic creation
  // ---------------------------------------------------------------------------------- Appends an
  // inst; returns its result (invalid when `type` is void).
  ValueId create(Op op, TypeId type, std::span<const ValueId> operands = {}, uint64_t imm = 0);
  ValueId create(Op op, TypeId type, std::initializer_list<ValueId> operands, uint64_t imm = 0) {
    return create(op, type, std::span<const ValueId>(operands.begin(), operands.size()), imm);
  }
  InstId last_inst() const { return last_; }

  // --- constants
  // -------------------------------------------------------------------------------------------
  ValueId create_const_int(TypeId type, int64_t value);   // any int type; value truncated to width
  ValueId create_const_float(TypeId type, double value);  // f16/f32/f64 (rounded to the type)
  ValueId create_const_bool(bool value);
  ValueId create_const_bits(TypeId type, uint64_t bits);

  // --- arithmetic, comparison, conversion
  // --------------------------------------------------------------
  ValueId create_binary(Op op, ValueId a, ValueId b);   // result: type of a
  ValueId create_unary(Op op, ValueId a);               // result: type of a (popcount/clz/ffs: i32)
  ValueId create_compare(Op op, ValueId a, ValueId b);  // result: bool (or vector of bool)
  ValueId create_select(ValueId cond, ValueId if_true, ValueId if_false);
  ValueId create_convert(TypeId to, ValueId v);
  ValueId create_bitcast(TypeId to, ValueId v);
  ValueId create_fma(ValueId a, ValueId b, ValueId c);
  ValueId create_gpu_id(Op op);  // thread_id.x ... warp_size (u32)

  // --- memory
  // ------------------------------------------------------------------------------------------------
  ValueId create_var(TypeId value_type);  // ptr<private, value_type>
  ValueId create_global_addr(uint32_t global);
  // align 0 = the natural alignment of the loaded type.
  ValueId create_load(ValueId ptr, uint32_t align = 0);
  void create_store(ValueId ptr, ValueId value, uint32_t align = 0);
  ValueId create_index(ValueId ptr, ValueId index);     // p + i
  ValueId create_elem(ValueId ptr, ValueId index);      // &(*p)[i], p points to an array or vector
  ValueId create_member(ValueId ptr, uint32_t member);  // &(*p).member
  ValueId create_extract(ValueId aggregate, uint32_t index);
  ValueId create_insert(ValueId aggregate, ValueId part, uint32_t index);
  ValueId create_construct(TypeId type, std::span<const ValueId> parts);

  // --- synchronisation, atomics, subgroups
  // -------------------------------------------------------------
  void create_barrier() { create(Op::Barrier, types().void_type()); }
  ValueId create_atomic(Op op, ValueId ptr, ValueId value);  // returns the old value
  ValueId create_atomic_cas(ValueId ptr, ValueId compare, ValueId value);
  ValueId create_shuffle(Op op, ValueId value, ValueId lane_or_delta);  // shfl.*

  // --- calls and control flow
  // ----------------------------------------------------------------------------
  ValueId create_call(uint32_t callee, std::span<const ValueId> args);
  // if cond { then_body() } else { else_body() }. The builder's insertion point is moved into each
  // region while its callback runs and restored afterwards. Returns the `if` inst.
  InstId create_if(ValueId cond, const std::function<void()>& then_body,
                   const std::function<void()>& else_body = {});
  // loop { body() } continue { continue_body() }.
  InstId create_loop(const std::function<void()>& body,
                     const std::function<void()>& continue_body = {}, uint32_t unroll = 0);
  void create_break() { create(Op::Break, types().void_type()); }
  void create_continue() { create(Op::Continue, types().void_type()); }
  void create_break_if(ValueId cond) { create(Op::BreakIf, types().void_type(), {cond}); }
  void create_return(ValueId value = {});

 private:
  Module& module_;
  Function* function_ = nullptr;
  RegionId region_;
  InstId last_;
  SourceLocation loc_;
  void run_in(RegionId region, const std::function<void()>& body);
  uint32_t natural_align(TypeId t) const;
};

// Saves the builder's insertion point and restores it on scope exit.
class InsertionGuard {
 public:
  explicit InsertionGuard(Builder& b) : b_(b), f_(b.function()), r_(b.region()) {}
  ~InsertionGuard() {
    if (f_) b_.set_insertion_point(*f_, r_);
  }
  InsertionGuard(const InsertionGuard&) = delete;
  InsertionGuard& operator=(const InsertionGuard&) = delete;

 private:
  Builder& b_;
  Function* f_;
  RegionId r_;
};

}  // namespace gpuc::ir
