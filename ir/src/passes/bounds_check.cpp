// --bounds-check: guards every load, store and atomic on global memory with a check of its byte
// offset against the size of the buffer its pointer came from (gpuc/ir/bounds_check.h).
//
// Provenance as shadow values: every ptr<global, T> value V gets a shadow (base: u64, size: u64,
// param: u32) that is defined wherever V is, so it dominates every use of V:
//  - a kernel pointer parameter P: (ptrtoint P, the hidden size of P, P's index);
//  - index/elem/member: the shadow of the pointer operand (no code);
//  - select: the selects of the operands' shadows;
//  - a load from a tracked `var` (a private pointer variable used only as the address of loads
//    and stores): the loads of three shadow variables, stored next to every store into it;
//  - a device function's pointer parameter: three hidden parameters the callers pass;
//  - anything else (a pointer loaded from memory or returned by a call): in a kernel, the pointer
//    parameter whose buffer holds the address, else (base = address, size 0, kBoundsUnknown), so
//    every access through it is reported; in a device function, unchecked (base 0, size 2^64-1).
// An access of B bytes at pointer p is in bounds iff off = ptrtoint(p) - base (u64: an address
// before the base wraps to a huge offset) satisfies size >= B && off <= size - B. In bounds, the
// access runs; otherwise it is skipped (loads and atomics yield zero) and noted. A kernel notes
// its thread's first violation (site, parameter, offset) and count in private variables and
// reports them once, before each `return`, through @__gpuc_oob_report (one atomic add of the
// count; the report that finds the count 0 writes the details). Per-access code stays free of
// atomics: a SIMD implementation (llvmpipe) runs a divergent branch's code under a mask, and
// atomics in every access's failure branch made checked saxpy about 3x slower there. A device
// function that was not inlined reports each violation directly.
#include "gpuc/ir/bounds_check.h"

#include <string>
#include <unordered_set>

#include "gpuc/ir/builder.h"
#include "gpuc/support/ice.h"
#include "passes.h"

namespace gpuc::ir {

namespace {

constexpr const char* kReportName = "__gpuc_oob_report";
constexpr const char* kRecordName = "__gpuc_oob";
constexpr const char* kSizePrefix = "__gpuc_size_";

struct Shadow {
  ValueId base, size, param;
  bool valid() const { return base.valid(); }
};

struct FunctionState {
  uint32_t user_params = 0;          // parameter count before the pass
  std::vector<Shadow> param_shadow;  // per original parameter (global pointers only)
  ValueId record;
  std::vector<uint32_t> sites;
  std::unordered_set<uint32_t> callees;
};

class BoundsChecker {
 public:
  BoundsChecker(Module& m, DiagnosticEngine& diags, BoundsCheckInfo& info)
      : m_(m), t_(m.types), diags_(diags), info_(info), b_(m) {}

  bool run() {
    if (m_.find_function(kReportName) >= 0) {
      diags_.error(std::string("--bounds-check: the name '@") + kReportName + "' is reserved");
      return false;
    }
    size_t n = m_.functions.size();
    state_.resize(n);
    for (size_t i = 0; i < n; ++i) scan_calls(static_cast<uint32_t>(i));
    // Every function, also those no kernel calls any more (the inliner leaves them in the module,
    // and one may still call a function a kernel calls, whose signature changes here).
    for (size_t i = 0; i < n; ++i)
      if (!add_hidden_params(static_cast<uint32_t>(i))) return false;
    build_report_function();
    for (size_t i = 0; i < n; ++i) transform(static_cast<uint32_t>(i));
    for (size_t i = 0; i < n; ++i) {
      const Function& f = *m_.functions[i];
      if (!f.is_kernel()) continue;
      BoundsCheckKernel k;
      k.name = f.name;
      k.user_params = state_[i].user_params;
      for (uint32_t p = 0; p < k.user_params; ++p)
        if (is_global_ptr(f.params[p].type)) {
          k.sizes.push_back(p);
          k.elem_sizes.push_back(t_.info(t_.pointee(f.params[p].type)).size);
        }
      std::unordered_set<uint32_t> seen;
      collect_sites(static_cast<uint32_t>(i), seen, k.sites);
      info_.kernels.push_back(std::move(k));
    }
    return true;
  }

 private:
  Module& m_;
  TypeTable& t_;
  DiagnosticEngine& diags_;
  BoundsCheckInfo& info_;
  Builder b_;
  std::vector<FunctionState> state_;
  uint32_t report_fn_ = 0;
  // Per function being transformed.
  Function* f_ = nullptr;
  FunctionState* fs_ = nullptr;
  std::vector<Shadow> shadow_;      // by value index
  std::vector<Shadow> var_shadow_;  // by value index of a tracked var: its three shadow vars
  std::vector<bool> tracked_;       // by value index of a var
  std::vector<Shadow> roots_;       // kernel: the shadows of its pointer parameters
  // Kernel: its thread's violation count and first violation, reported before each return.
  ValueId note_count_, note_site_, note_param_, note_offset_;
  bool notes_needed_ = false;  // the kernel accesses global memory itself

  bool is_global_ptr(TypeId t) const {
    return t_.is_pointer(t) && t_.space(t) == AddressSpace::Global;
  }

  void scan_calls(uint32_t fi) {
    Function& f = *m_.functions[fi];
    passes::for_each_inst(f, f.body, [&](InstId id) {
      const Inst& in = f.inst(id);
      if (in.op == Op::Call && in.symbol < m_.functions.size())
        state_[fi].callees.insert(in.symbol);
    });
  }

  void collect_sites(uint32_t fi, std::unordered_set<uint32_t>& seen, std::vector<uint32_t>& out) {
    if (!seen.insert(fi).second) return;
    out.insert(out.end(), state_[fi].sites.begin(), state_[fi].sites.end());
    for (uint32_t c : state_[fi].callees) collect_sites(c, seen, out);
  }

  // Kernels: a size per global pointer parameter, then the record. Device functions: base, size
  // and parameter index per global pointer parameter, then the record.
  bool add_hidden_params(uint32_t fi) {
    Function& f = *m_.functions[fi];
    FunctionState& st = state_[fi];
    st.user_params = static_cast<uint32_t>(f.params.size());
    st.param_shadow.resize(f.params.size());
    std::unordered_set<std::string> names;
    for (const Param& p : f.params) names.insert(p.name);
    auto add = [&](const std::string& name, TypeId type) -> ValueId {
      if (!names.insert(name).second) {
        diags_.error(f.loc, "--bounds-check: parameter name '" + name + "' of '@" + f.name +
                                "' is reserved for a hidden parameter");
        return {};
      }
      return f.add_param(name, type);
    };
    for (uint32_t i = 0; i < st.user_params; ++i) {
      if (!is_global_ptr(f.params[i].type)) continue;
      std::string name = f.params[i].name;
      Shadow s;
      if (f.is_kernel()) {
        s.size = add(kSizePrefix + name, t_.u64());
        if (!s.size) return false;
      } else {
        s.base = add("__gpuc_base_" + name, t_.u64());
        s.size = add(kSizePrefix + name, t_.u64());
        s.param = add("__gpuc_param_" + name, t_.u32());
        if (!s.base || !s.size || !s.param) return false;
      }
      st.param_shadow[i] = s;
    }
    st.record = add(kRecordName, t_.pointer_type(t_.u32(), AddressSpace::Global));
    return st.record.valid();
  }

  // func @__gpuc_oob_report(%rec, %site, %param, %offset, %count): adds the count of violations;
  // the report that found the count 0 (the launch's first) writes its site, parameter and offset.
  // One atomic: llvmpipe runs this code under a mask in every thread that reaches it.
  void build_report_function() {
    Function& f = b_.create_function(kReportName, t_.void_type());
    report_fn_ = m_.index_of(f);
    b_.set_location({});
    ValueId rec = b_.add_param("record", t_.pointer_type(t_.u32(), AddressSpace::Global));
    ValueId site = b_.add_param("site", t_.u32());
    ValueId param = b_.add_param("param", t_.u32());
    ValueId offset = b_.add_param("offset", t_.u64());
    ValueId count = b_.add_param("count", t_.u32());
    auto word = [&](uint32_t i) { return b_.create_index(rec, b_.create_const_int(t_.u32(), i)); };
    ValueId old = b_.create_atomic(Op::AtomicAdd, word(kBoundsCount), count);
    ValueId first = b_.create_compare(Op::Eq, old, b_.create_const_int(t_.u32(), 0));
    b_.create_if(first, [&] {
      b_.create_store(word(kBoundsSite), site);
      b_.create_store(word(kBoundsParam), param);
      b_.create_store(word(kBoundsOffsetLo), b_.create_convert(t_.u32(), offset));
      ValueId hi = b_.create_binary(Op::Shr, offset, b_.create_const_int(t_.u64(), 32));
      b_.create_store(word(kBoundsOffsetHi), b_.create_convert(t_.u32(), hi));
    });
    b_.create_return();
  }

  void transform(uint32_t fi) {
    f_ = m_.functions[fi].get();
    fs_ = &state_[fi];
    note_count_ = note_site_ = note_param_ = note_offset_ = ValueId{};
    notes_needed_ = has_global_access(*f_);
    shadow_.assign(f_->value_capacity(), {});
    var_shadow_.assign(f_->value_capacity(), {});
    tracked_.assign(f_->value_capacity(), false);
    roots_.clear();
    find_tracked_vars();
    process_region(f_->body);
    f_ = nullptr;
    fs_ = nullptr;
  }

  // A private variable holding a global pointer is tracked when its address is used only as the
  // address operand of loads and stores (it never escapes), so its shadow variables always hold
  // the shadow of its current value.
  void find_tracked_vars() {
    Function& f = *f_;
    passes::for_each_inst(f, f.body, [&](InstId id) {
      const Inst& in = f.inst(id);
      if (in.op == Op::Var && is_global_ptr(t_.pointee(in.type))) tracked_[in.result.index] = true;
    });
    passes::for_each_inst(f, f.body, [&](InstId id) {
      const Inst& in = f.inst(id);
      for (size_t i = 0; i < in.operands.size(); ++i) {
        ValueId v = in.operands[i];
        if (!f.is_valid(v) || !tracked_[v.index]) continue;
        bool address = i == 0 && (in.op == Op::Load || in.op == Op::Store);
        if (!address) tracked_[v.index] = false;
      }
    });
  }

  void set_shadow(ValueId v, Shadow s) {
    if (v.index >= shadow_.size()) shadow_.resize(v.index + 1);
    shadow_[v.index] = s;
  }
  Shadow shadow_of(ValueId v) {
    GPUC_ASSERT(v.index < shadow_.size() && shadow_[v.index].valid(),
                "bounds-check: a global pointer without a shadow in @" + f_->name);
    return shadow_[v.index];
  }
  ValueId u32c(uint64_t v) { return b_.create_const_int(t_.u32(), static_cast<int64_t>(v)); }
  ValueId u64c(uint64_t v) { return b_.create_const_bits(t_.u64(), v); }

  // Kernel entry: the shadows of the pointer parameters. Device functions: from hidden params.
  void emit_entry() {
    if (f_->is_kernel() && notes_needed_) {
      note_count_ = b_.create_var(t_.u32());
      note_site_ = b_.create_var(t_.u32());
      note_param_ = b_.create_var(t_.u32());
      note_offset_ = b_.create_var(t_.u64());
      b_.create_store(note_count_, u32c(0));
    }
    // The shadow variables of the tracked pointer variables, at entry (a `var` inside a loop keeps
    // its storage across iterations; so must its shadow). Until a store, the shadow is size 0 and
    // kBoundsUnknown: an access through an uninitialised pointer is reported, never made.
    for (uint32_t v = 0; v < tracked_.size(); ++v) {
      if (!tracked_[v]) continue;
      Shadow vs;
      vs.base = b_.create_var(t_.u64());
      vs.size = b_.create_var(t_.u64());
      vs.param = b_.create_var(t_.u32());
      b_.create_store(vs.base, u64c(0));
      b_.create_store(vs.size, u64c(0));
      b_.create_store(vs.param, u32c(kBoundsUnknown));
      var_shadow_[v] = vs;
    }
    for (uint32_t i = 0; i < fs_->user_params; ++i) {
      const Shadow& ps = fs_->param_shadow[i];
      if (!ps.size) continue;
      ValueId p = f_->params[i].value;
      Shadow s = ps;
      if (f_->is_kernel()) {
        s.base = b_.create(Op::PtrToInt, t_.u64(), {p});
        s.param = u32c(i);
        roots_.push_back(s);
      }
      set_shadow(p, s);
    }
  }

  // The shadow of a pointer of unknown provenance (see the file comment).
  Shadow resolve_unknown(ValueId p) {
    Shadow s;
    if (!f_->is_kernel()) {
      s.base = u64c(0);
      s.size = u64c(~uint64_t{0});
      s.param = u32c(kBoundsUnknown);
      return s;
    }
    ValueId addr = b_.create(Op::PtrToInt, t_.u64(), {p});
    s.base = addr;
    s.size = u64c(0);
    s.param = u32c(kBoundsUnknown);
    for (const Shadow& r : roots_) {
      ValueId off = b_.create_binary(Op::Sub, addr, r.base);
      ValueId in = b_.create_compare(Op::Lt, off, r.size);
      s.base = b_.create_select(in, r.base, s.base);
      s.size = b_.create_select(in, r.size, s.size);
      s.param = b_.create_select(in, r.param, s.param);
    }
    return s;
  }

  // A zero of `type` (to yield from a skipped load); invalid for types holding pointers.
  ValueId make_zero(TypeId type, uint32_t* budget) {
    const TypeInfo& info = t_.info(type);
    if (*budget == 0) return {};
    --*budget;
    if (t_.is_scalar(type)) return b_.create_const_bits(type, 0);
    std::vector<ValueId> parts;
    switch (info.kind) {
      case TypeKind::Vector:
      case TypeKind::Array:
        for (uint32_t i = 0; i < info.count; ++i) {
          ValueId z = make_zero(info.element, budget);
          if (!z) return {};
          parts.push_back(z);
        }
        break;
      case TypeKind::Struct:
        for (const StructMember& mem : t_.info(type).members) {
          ValueId z = make_zero(mem.type, budget);
          if (!z) return {};
          parts.push_back(z);
        }
        break;
      default:
        return {};
    }
    return b_.create_construct(type, parts);
  }

  uint32_t new_site(const Inst& in, TypeId value_type) {
    BoundsSite s;
    s.id = static_cast<uint32_t>(info_.sites.size());
    s.op = std::string(op_name(in.op));
    s.type = t_.to_string(value_type);
    s.bytes = t_.info(value_type).size;
    s.function = f_->name;
    if (in.loc.valid()) {
      const SourceManager* sm = diags_.source_manager();
      s.location = (sm ? sm->name(in.loc.file) : std::string("<input>")) + ":" +
                   std::to_string(in.loc.line) + ":" + std::to_string(in.loc.col);
    }
    info_.sites.push_back(s);
    fs_->sites.push_back(s.id);
    return s.id;
  }

  // Emits the in-bounds condition of a `bytes`-byte access at `p`; *offset gets the byte offset.
  ValueId emit_check(ValueId p, uint32_t bytes, ValueId* offset) {
    Shadow s = shadow_of(p);
    ValueId addr = b_.create(Op::PtrToInt, t_.u64(), {p});
    *offset = b_.create_binary(Op::Sub, addr, s.base);
    ValueId n = u64c(bytes);
    ValueId limit = b_.create_binary(Op::Sub, s.size, n);
    ValueId fits = b_.create_compare(Op::Le, *offset, limit);
    ValueId big_enough = b_.create_compare(Op::Ge, s.size, n);
    return b_.create_binary(Op::And, fits, big_enough);
  }

  // A violation at `site`: a kernel notes it (the first one of the thread, and the count); a
  // device function reports it.
  void emit_report(uint32_t site, ValueId p, ValueId offset) {
    ValueId param = shadow_of(p).param;
    if (!f_->is_kernel()) {
      std::vector<ValueId> args = {fs_->record, u32c(site), param, offset, u32c(1)};
      b_.create_call(report_fn_, args);
      return;
    }
    ValueId count = b_.create_load(note_count_);
    b_.create_store(note_count_, b_.create_binary(Op::Add, count, u32c(1)));
    b_.create_if(b_.create_compare(Op::Eq, count, u32c(0)), [&] {
      b_.create_store(note_site_, u32c(site));
      b_.create_store(note_param_, param);
      b_.create_store(note_offset_, offset);
    });
  }

  bool has_global_access(Function& f) {
    bool any = false;
    passes::for_each_inst(f, f.body, [&](InstId id) {
      const Inst& in = f.inst(id);
      if ((in.op == Op::Load || in.op == Op::Store || is_atomic(in.op)) && !in.operands.empty() &&
          is_global_ptr(f.type_of(in.operands[0])))
        any = true;
    });
    return any;
  }

  // Kernel exit: report the thread's violations, if any.
  void emit_flush() {
    if (!note_count_) return;  // the kernel accesses no global memory
    ValueId count = b_.create_load(note_count_);
    b_.create_if(b_.create_compare(Op::Ne, count, u32c(0)), [&] {
      std::vector<ValueId> args = {fs_->record, b_.create_load(note_site_),
                                   b_.create_load(note_param_), b_.create_load(note_offset_),
                                   count};
      b_.create_call(report_fn_, args);
    });
  }

  // Load and atomics: `%r = OP %p, ...` becomes
  //   <check> ; %slot = var ; if %ok { %t = OP %p, ... ; store %slot, %t } else { store %slot,
  //   zero ; report } ; %r = load %slot
  // (the original inst turns into the final load, so %r keeps its id and its uses). Stores move
  // into the `then` region.
  void guard(InstId id, RegionId r) {
    Inst in = f_->inst(id);  // a copy: the arena grows below
    ValueId p = in.operands[0];
    TypeId value_type = in.op == Op::Store ? f_->type_of(in.operands[1]) : in.type;
    uint32_t site = new_site(in, value_type);
    ValueId offset;
    ValueId ok = emit_check(p, t_.info(value_type).size, &offset);
    if (in.op == Op::Store) {
      b_.create_if(
          ok, [&] { f_->region(b_.region()).insts.push_back(id); },
          [&] { emit_report(site, p, offset); });
      return;
    }
    ValueId slot = b_.create_var(value_type);
    uint32_t budget = 256;
    ValueId zero = make_zero(value_type, &budget);
    b_.create_if(
        ok,
        [&] {
          ValueId v = b_.create(in.op, in.type, in.operands, in.imm);
          f_->inst(b_.last_inst()).align = in.align;
          b_.create_store(slot, v);
        },
        [&] {
          if (zero) b_.create_store(slot, zero);
          emit_report(site, p, offset);
        });
    Inst& out = f_->inst(id);
    out.op = Op::Load;
    out.operands = {slot};
    out.imm = 0;
    out.align = t_.info(value_type).align;
    f_->region(r).insts.push_back(id);
  }

  void process_region(RegionId r) {
    InsertionGuard guard_ip(b_);
    std::vector<InstId> old = std::move(f_->region(r).insts);
    f_->region(r).insts.clear();
    b_.set_insertion_point(*f_, r);
    if (r == f_->body) emit_entry();
    for (InstId id : old) process_inst(id, r);
    if (r == f_->body && f_->is_kernel() && !b_.block_terminated()) emit_flush();
  }

  void process_inst(InstId id, RegionId r) {
    const Inst& cur = f_->inst(id);
    b_.set_location(cur.loc);
    Op op = cur.op;
    bool access = (op == Op::Load || op == Op::Store || is_atomic(op)) && !cur.operands.empty() &&
                  is_global_ptr(f_->type_of(cur.operands[0]));
    if (op == Op::Call) {
      // Append the shadows of the global pointer arguments and the record (callee's hidden
      // parameters, in the order add_hidden_params made them).
      std::vector<ValueId> args = cur.operands;
      std::vector<ValueId> extra;
      for (ValueId a : args)
        if (is_global_ptr(f_->type_of(a))) {
          Shadow s = shadow_of(a);
          extra.insert(extra.end(), {s.base, s.size, s.param});
        }
      extra.push_back(fs_->record);
      Inst& call = f_->inst(id);
      call.operands.insert(call.operands.end(), extra.begin(), extra.end());
    }
    if (op == Op::Return && f_->is_kernel()) emit_flush();
    if (access) {
      guard(id, r);
    } else {
      f_->region(r).insts.push_back(id);
      std::array<RegionId, 2> subs = f_->inst(id).regions;
      for (RegionId sub : subs)
        if (sub.valid()) process_region(sub);
    }
    // Shadows of what the inst defines.
    const Inst& in = f_->inst(id);
    ValueId result = in.result;
    if (op == Op::Store && in.operands[0].index < tracked_.size() &&
        tracked_[in.operands[0].index]) {
      Shadow vs = var_shadow_[in.operands[0].index];
      Shadow s = shadow_of(in.operands[1]);
      b_.create_store(vs.base, s.base);
      b_.create_store(vs.size, s.size);
      b_.create_store(vs.param, s.param);
      return;
    }
    if (!result.valid() || !is_global_ptr(in.type)) return;
    std::vector<ValueId> ops = in.operands;
    switch (in.op) {
      case Op::Index:
      case Op::Elem:
      case Op::Member:
        set_shadow(result, shadow_of(ops[0]));
        return;
      case Op::Select: {
        Shadow a = shadow_of(ops[1]), c = shadow_of(ops[2]);
        Shadow s;
        s.base = b_.create_select(ops[0], a.base, c.base);
        s.size = b_.create_select(ops[0], a.size, c.size);
        s.param = b_.create_select(ops[0], a.param, c.param);
        set_shadow(result, s);
        return;
      }
      case Op::Load:
        if (!access && ops[0].index < tracked_.size() && tracked_[ops[0].index]) {
          Shadow vs = var_shadow_[ops[0].index];
          Shadow s;
          s.base = b_.create_load(vs.base);
          s.size = b_.create_load(vs.size);
          s.param = b_.create_load(vs.param);
          set_shadow(result, s);
          return;
        }
        break;
      default:
        break;
    }
    set_shadow(result, resolve_unknown(result));
  }
};

}  // namespace

bool insert_bounds_checks(Module& module, DiagnosticEngine& diags, BoundsCheckInfo* info) {
  GPUC_ASSERT(info, "insert_bounds_checks: no info");
  *info = {};
  return BoundsChecker(module, diags, *info).run();
}

void add_bounds_check_reflection(const BoundsCheckInfo& info, ModuleReflection& reflection) {
  for (KernelReflection& k : reflection.kernels) {
    const BoundsCheckKernel* bk = nullptr;
    for (const BoundsCheckKernel& c : info.kernels)
      if (c.name == k.name) bk = &c;
    if (!bk) continue;
    k.bounds_checked = true;
    size_t next = 0;
    for (uint32_t i = bk->user_params; i < k.params.size(); ++i) {
      ParamReflection& p = k.params[i];
      if (next < bk->sizes.size()) {
        p.role = ParamRole::BufferSize;
        p.sizes = bk->sizes[next];
        p.elem_size = next < bk->elem_sizes.size() ? bk->elem_sizes[next] : 0;
        ++next;
      } else {
        p.role = ParamRole::BoundsRecord;
      }
    }
    for (uint32_t id : bk->sites)
      if (id < info.sites.size()) k.bounds_sites.push_back(info.sites[id]);
  }
}

}  // namespace gpuc::ir
