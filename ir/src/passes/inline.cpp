// Inlining: every call of a device function is replaced by a copy of the callee's body, callees
// first (the call graph is acyclic: V14), so each body is copied once it is itself call-free.
//
//  - A callee whose only terminator is a `return` at the end of its body is spliced in place;
//    the returned value replaces the call's result.
//  - A callee with `return`s nested in `if`s (or with `unreachable`) is wrapped in a one-trip
//    `loop { ... }`: each `return %v` becomes `store %rv, %v` + `break`, a `break` ends the body,
//    and the call's result becomes `load %rv` after the loop (%rv: a `var` of the return type).
//  - A callee with a `return` inside one of its own loops is not inlined: `break` would leave only
//    the inner loop. Its calls stay (both backends support calls).
#include "passes.h"

namespace gpuc::ir::passes {
namespace {

enum class Shape { Splice, Wrap, Skip };

// Scans `r` (at loop depth `loops`, `top`: the function body) for the terminators that decide how
// a callee can be inlined.
void scan(const Function& g, RegionId r, int loops, bool top, Shape& shape) {
  const auto& insts = g.region(r).insts;
  for (size_t i = 0; i < insts.size(); ++i) {
    const Inst& in = g.inst(insts[i]);
    if (in.op == Op::Return) {
      if (loops > 0)
        shape = Shape::Skip;
      else if (!(top && i + 1 == insts.size()) && shape == Shape::Splice)
        shape = Shape::Wrap;
    }
    if (in.op == Op::Unreachable && shape == Shape::Splice) shape = Shape::Wrap;
    if (in.op == Op::If) {
      scan(g, in.regions[0], loops, false, shape);
      scan(g, in.regions[1], loops, false, shape);
    } else if (in.op == Op::Loop) {
      scan(g, in.regions[0], loops + 1, false, shape);
      scan(g, in.regions[1], loops + 1, false, shape);
    }
  }
}

Shape shape_of(const Function& g) {
  Shape s = Shape::Splice;
  scan(g, g.body, 0, true, s);
  // A non-void body that does not end in `return` has no value to splice (C: undefined if used).
  const auto& body = g.region(g.body).insts;
  bool non_void = g.return_type != TypeId{1};  // void is always type id 1 (types.h)
  if (s == Shape::Splice && non_void && (body.empty() || g.inst(body.back()).op != Op::Return))
    s = Shape::Wrap;
  return s;
}

class Inliner {
 public:
  explicit Inliner(Module& m) : m_(m) {}

  bool run() {
    size_t n = m_.functions.size();
    shapes_.resize(n);
    for (size_t i = 0; i < n; ++i) shapes_[i] = shape_of(*m_.functions[i]);
    // Post-order over the call graph: callees are finished before their callers.
    std::vector<uint8_t> state(n, 0);
    for (uint32_t i = 0; i < n; ++i) visit(i, state);
    return changed_;
  }

 private:
  Module& m_;
  std::vector<Shape> shapes_;
  bool changed_ = false;

  void visit(uint32_t i, std::vector<uint8_t>& state) {
    if (state[i]) return;
    state[i] = 1;  // on the path; a cycle (never in verified IR) is simply not followed
    Function& f = *m_.functions[i];
    for_each_inst(f, f.body, [&](InstId id) {
      const Inst& in = f.inst(id);
      if (in.op == Op::Call && in.symbol < m_.functions.size()) visit(in.symbol, state);
    });
    Replacements repl(f);
    inline_region(f, i, f.body, repl);
    for_each_inst(f, f.body, [&](InstId id) { repl.apply(f.inst(id)); });
    shapes_[i] = shape_of(f);
    state[i] = 2;
  }

  bool inlinable(uint32_t caller, const Inst& call) const {
    if (call.symbol >= m_.functions.size() || call.symbol == caller) return false;
    const Function& g = *m_.functions[call.symbol];
    return !g.is_kernel() && shapes_[call.symbol] != Shape::Skip &&
           call.operands.size() == g.params.size();
  }

  void inline_region(Function& f, uint32_t caller, RegionId r, Replacements& repl) {
    std::vector<InstId> out;
    const std::vector<InstId> insts = f.region(r).insts;
    for (InstId id : insts) {
      Inst& in = f.inst(id);
      if (in.op == Op::Call && inlinable(caller, in)) {
        repl.apply(in);
        expand(f, id, out, repl);
        changed_ = true;
        continue;
      }
      if (in.op == Op::If || in.op == Op::Loop) {
        std::array<RegionId, 2> subs = in.regions;
        for (RegionId sub : subs) inline_region(f, caller, sub, repl);
      }
      out.push_back(id);
    }
    f.region(r).insts = std::move(out);
  }

  // Appends the inlined body of call `call_id` to `out`.
  void expand(Function& f, InstId call_id, std::vector<InstId>& out, Replacements& repl) {
    const Inst call = f.inst(call_id);
    const Function& g = *m_.functions[call.symbol];
    TypeTable& t = m_.types;
    std::vector<ValueId> vmap(g.value_capacity());
    for (size_t k = 0; k < g.params.size(); ++k) vmap[g.params[k].value.index] = call.operands[k];
    auto emit = [&](std::vector<InstId>& list, Op op, TypeId type, std::vector<ValueId> operands,
                    uint32_t align = 0) {
      Inst in;
      in.op = op;
      in.type = type.valid() ? type : t.void_type();
      in.operands = std::move(operands);
      in.align = align;
      in.loc = call.loc;
      InstId id = f.new_inst(std::move(in));
      if (!t.is_void(f.inst(id).type)) {
        ValueId v = f.new_value(f.inst(id).type, id);
        f.inst(id).result = v;
      }
      list.push_back(id);
      return id;
    };

    if (shapes_[call.symbol] == Shape::Splice) {
      ValueId returned;
      clone(g, g.body, f, out, vmap, {}, &returned);
      if (call.result.valid()) repl.set(call.result, returned);
      return;
    }
    // Wrap: [%rv = var] loop { body; break } [%r = load %rv]
    TypeId rt = g.return_type;
    bool has_value = call.result.valid() && !t.is_void(rt);
    ValueId rv;
    uint32_t align = t.info(rt).align;
    if (has_value) {
      InstId var = emit(out, Op::Var, t.pointer_type(rt, AddressSpace::Private), {});
      rv = f.inst(var).result;
    }
    InstId loop = emit(out, Op::Loop, t.void_type(), {});
    RegionId body = f.new_region(loop), cont = f.new_region(loop);
    f.inst(loop).regions = {body, cont};
    std::vector<InstId> body_insts;
    clone(g, g.body, f, body_insts, vmap, rv, nullptr);
    if (body_insts.empty() || !is_terminator(f.inst(body_insts.back()).op))
      emit(body_insts, Op::Break, t.void_type(), {});
    f.region(body).insts = std::move(body_insts);
    if (has_value) {
      InstId load = emit(out, Op::Load, rt, {rv}, align);
      repl.set(call.result, f.inst(load).result);
    }
  }

  // Copies the insts of region `src` of `g` to `out` (insts of `f`). Returns become
  // `store %rv, %v; break` (Wrap) or end the copy, their value stored in *returned (Splice).
  void clone(const Function& g, RegionId src, Function& f, std::vector<InstId>& out,
             std::vector<ValueId>& vmap, ValueId rv, ValueId* returned) {
    TypeTable& t = m_.types;
    for (InstId sid : g.region(src).insts) {
      const Inst& s = g.inst(sid);
      if (s.op == Op::Return) {
        ValueId v = s.operands.empty() ? ValueId{} : vmap[s.operands[0].index];
        if (returned) {
          *returned = v;
          return;
        }
        if (v.valid() && rv.valid()) {
          Inst store;
          store.op = Op::Store;
          store.type = t.void_type();
          store.operands = {rv, v};
          store.align = t.info(t.pointee(f.type_of(rv))).align;
          store.loc = s.loc;
          out.push_back(f.new_inst(std::move(store)));
        }
        Inst brk;
        brk.op = Op::Break;
        brk.type = t.void_type();
        brk.loc = s.loc;
        out.push_back(f.new_inst(std::move(brk)));
        return;  // a terminator ends its region
      }
      Inst c;
      c.op = s.op;
      c.type = s.type;
      for (ValueId o : s.operands) c.operands.push_back(vmap[o.index]);
      c.imm = s.imm;
      c.align = s.align;
      c.symbol = s.symbol;
      c.loc = s.loc;
      InstId nid = f.new_inst(std::move(c));
      if (s.result.valid()) {
        ValueId nv = f.new_value(s.type, nid);
        f.inst(nid).result = nv;
        vmap[s.result.index] = nv;
      }
      out.push_back(nid);
      if (s.op == Op::If || s.op == Op::Loop) {
        RegionId a = f.new_region(nid), b = f.new_region(nid);
        f.inst(nid).regions = {a, b};
        std::vector<InstId> first, second;
        clone(g, s.regions[0], f, first, vmap, rv, nullptr);
        clone(g, s.regions[1], f, second, vmap, rv, nullptr);
        f.region(a).insts = std::move(first);
        f.region(b).insts = std::move(second);
      }
    }
  }
};

}  // namespace

PassResult inline_calls(Module& m, DiagnosticEngine&) {
  return Inliner(m).run() ? PassResult::Changed : PassResult::Unchanged;
}

}  // namespace gpuc::ir::passes
