// The barrier analysis of barrier_semantics.h: pointer provenance of global accesses, a small CFG
// of the structured IR, then forward "pending since the last barrier" and backward "may follow"
// sets of global accesses.
#include "barrier_semantics.h"

namespace gpuc::spirv {

namespace {

using ir::Op;

// Provenance of a global pointer: one bit per global-pointer kernel parameter it may be based on
// (bits 0..62), or kUnknown (based on anything: loaded from memory, returned by a call, ...).
constexpr uint64_t kUnknown = uint64_t{1} << 63;
constexpr uint32_t kMaxSlots = 63;

// The global accesses of a piece of code: the provenance of what it may read and may write.
struct Accesses {
  uint64_t read = 0, write = 0;
  bool operator==(const Accesses&) const = default;
  Accesses& operator|=(const Accesses& o) {
    read |= o.read;
    write |= o.write;
    return *this;
  }
};

class Analysis {
 public:
  Analysis(const ir::Module& m, const ir::Function& f) : m_(m), f_(f), types_(m.types) {}

  std::vector<bool> run() {
    std::vector<bool> out(f_.inst_capacity(), false);
    provenance();
    build_cfg();
    solve();
    for (const Node& n : nodes_)
      if (n.barrier) out[n.barrier] = conflict(n.pending_in, n.follow_out);
    return out;
  }

 private:
  struct Node {
    Accesses gen;
    uint32_t barrier = 0;  // the barrier's inst index; 0: not a barrier
    std::vector<uint32_t> succ;
    Accesses pending_in, pending_out;  // forward: may have executed since the last barrier
    Accesses follow_in, follow_out;    // backward: may execute later (no kill)
  };
  static constexpr uint32_t kNone = 0xffffffffu;
  struct LoopNodes {
    uint32_t header, cont, merge;
  };

  const ir::Module& m_;
  const ir::Function& f_;
  const ir::TypeTable& types_;
  std::vector<uint64_t> value_mask_;  // per value: provenance of a global pointer value
  std::vector<uint64_t> var_mask_;  // per `var` result: provenance of global pointers stored in it
  uint64_t restrict_mask_ = 0;      // slots of __restrict__ parameters
  bool untracked_private_store_ = false;
  std::vector<Node> nodes_;
  std::vector<LoopNodes> loops_;

  bool is_global_ptr(ir::TypeId t) const {
    return types_.is_pointer(t) && types_.space(t) == ir::AddressSpace::Global;
  }

  bool contains_global_ptr(ir::TypeId t) const {
    const ir::TypeInfo& i = types_.info(t);
    switch (i.kind) {
      case ir::TypeKind::Pointer:
        return i.space == ir::AddressSpace::Global;
      case ir::TypeKind::Array:
        return contains_global_ptr(i.element);
      case ir::TypeKind::Struct:
        for (const ir::StructMember& mem : i.members)
          if (contains_global_ptr(mem.type)) return true;
        return false;
      default:
        return false;
    }
  }

  // The `var` a private pointer addresses (through index/elem/member), or 0 when it is not one
  // (a pointer loaded from memory, a parameter, a module variable).
  uint32_t private_root(ir::ValueId p) const {
    while (true) {
      ir::InstId d = f_.def_of(p);
      if (!d.valid()) return 0;
      const ir::Inst& i = f_.inst(d);
      if (i.op == Op::Var) return i.result.index;
      if (i.op != Op::Index && i.op != Op::Elem && i.op != Op::Member) return 0;
      p = i.operands[0];
    }
  }

  uint64_t mask_of(ir::ValueId v) const {
    uint64_t m = value_mask_[v.index];
    return m ? m : kUnknown;  // a global pointer of no known origin is based on anything
  }

  // One pass over every inst: the provenance of each global pointer value. Returns whether some
  // mask grew (var contents flow backwards through loops, so the caller iterates).
  bool provenance_pass(ir::RegionId r) {
    bool changed = false;
    auto grow = [&](uint64_t& slot, uint64_t bits) {
      if ((slot | bits) != slot) slot |= bits, changed = true;
    };
    for (ir::InstId id : f_.region(r).insts) {
      const ir::Inst& i = f_.inst(id);
      for (ir::RegionId sub : i.regions)
        if (sub.valid()) changed |= provenance_pass(sub);
      if (i.op == Op::Call) {
        // A callee may store any pointer through a private pointer argument (at -O0; calls are
        // inlined at -O1 and up).
        for (ir::ValueId a : i.operands) {
          ir::TypeId at = f_.type_of(a);
          if (!types_.is_pointer(at) || types_.space(at) != ir::AddressSpace::Private) continue;
          if (uint32_t var = private_root(a))
            grow(var_mask_[var], kUnknown);
          else if (!untracked_private_store_)
            untracked_private_store_ = changed = true;
        }
      }
      if (i.op == Op::Store) {
        ir::TypeId vt = f_.type_of(i.operands[1]);
        if (!contains_global_ptr(vt)) continue;
        uint32_t var = private_root(i.operands[0]);
        bool into_private = types_.space(f_.type_of(i.operands[0])) == ir::AddressSpace::Private;
        if (!into_private)
          continue;  // escapes to shared/global memory: loads from there are unknown
        if (!var) {
          if (!untracked_private_store_) untracked_private_store_ = changed = true;
          continue;
        }
        grow(var_mask_[var], is_global_ptr(vt) ? value_mask_[i.operands[1].index] : kUnknown);
        continue;
      }
      if (!i.result.valid() || !is_global_ptr(i.type)) continue;
      uint64_t& out = value_mask_[i.result.index];
      switch (i.op) {
        // Masks propagate raw: 0 means "no value reaches here yet" (an uninitialised local) and
        // becomes kUnknown only where an access uses it (mask_of).
        case Op::Index:
        case Op::Elem:
        case Op::Member:
          grow(out, value_mask_[i.operands[0].index]);
          break;
        case Op::Select:
          grow(out, value_mask_[i.operands[1].index] | value_mask_[i.operands[2].index]);
          break;
        case Op::Load: {
          uint32_t var = private_root(i.operands[0]);
          bool from_private = types_.space(f_.type_of(i.operands[0])) == ir::AddressSpace::Private;
          if (from_private && var && !untracked_private_store_)
            grow(out, var_mask_[var]);
          else
            grow(out, kUnknown);
          break;
        }
        default:  // call results, extracts from aggregates, anything else: unknown origin
          grow(out, kUnknown);
          break;
      }
    }
    return changed;
  }

  void provenance() {
    value_mask_.assign(f_.value_capacity(), 0);
    var_mask_.assign(f_.value_capacity(), 0);
    uint32_t slot = 0;
    for (const ir::Param& p : f_.params) {
      if (!is_global_ptr(p.type)) continue;
      if (slot >= kMaxSlots) {
        value_mask_[p.value.index] = kUnknown;
        continue;
      }
      value_mask_[p.value.index] = uint64_t{1} << slot;
      if (p.restrict) restrict_mask_ |= uint64_t{1} << slot;
      ++slot;
    }
    // Monotone over a finite lattice: terminates (in practice after two or three passes).
    while (provenance_pass(f_.body)) {
    }
  }

  // ----- CFG: one node per global access, barrier and join point -----------------------------

  uint32_t add_node() {
    nodes_.emplace_back();
    return static_cast<uint32_t>(nodes_.size() - 1);
  }
  void edge(uint32_t from, uint32_t to) {
    if (from != kNone) nodes_[from].succ.push_back(to);
  }
  uint32_t append(uint32_t cur) {
    uint32_t n = add_node();
    edge(cur, n);
    return n;
  }

  // Lowers region `r` entered from node `cur`; returns the node control leaves it from, or kNone
  // when it never falls through (break, continue, return, break_if).
  uint32_t build(ir::RegionId r, uint32_t cur) {
    for (ir::InstId id : f_.region(r).insts) {
      const ir::Inst& i = f_.inst(id);
      switch (i.op) {
        case Op::If: {
          uint32_t then_end = build(i.regions[0], cur);
          uint32_t else_end = build(i.regions[1], cur);
          uint32_t join = add_node();
          edge(then_end, join);
          edge(else_end, join);
          cur = join;
          break;
        }
        case Op::Loop: {
          LoopNodes ln{append(cur), add_node(), add_node()};
          loops_.push_back(ln);
          edge(build(i.regions[0], ln.header), ln.cont);
          edge(build(i.regions[1], ln.cont), ln.header);
          loops_.pop_back();
          cur = ln.merge;
          break;
        }
        case Op::Break:
          edge(cur, loops_.back().merge);
          return kNone;
        case Op::Continue:
          edge(cur, loops_.back().cont);
          return kNone;
        case Op::BreakIf:
          edge(cur, loops_.back().merge);
          edge(cur, loops_.back().header);
          return kNone;
        case Op::Return:
        case Op::Unreachable:
          return kNone;
        case Op::Barrier:
          cur = append(cur);
          nodes_[cur].barrier = id.index;
          break;
        case Op::Call:
          // Calls are inlined at -O1 and up; a remaining one may access any global memory (and
          // its own barriers keep UniformMemory).
          cur = append(cur);
          nodes_[cur].gen = {kUnknown, kUnknown};
          break;
        case Op::Load:
        case Op::Store:
        default: {
          bool access = i.op == Op::Load || i.op == Op::Store || ir::is_atomic(i.op);
          if (!access || !is_global_ptr(f_.type_of(i.operands[0]))) break;
          uint64_t mask = mask_of(i.operands[0]);
          cur = append(cur);
          if (i.op != Op::Store) nodes_[cur].gen.read = mask;
          if (i.op != Op::Load) nodes_[cur].gen.write = mask;
          break;
        }
      }
    }
    return cur;
  }

  void build_cfg() {
    uint32_t entry = add_node();
    build(f_.body, entry);
  }

  // Iterates both data-flow problems to their fixed points (monotone, finite: terminates).
  void solve() {
    std::vector<std::vector<uint32_t>> pred(nodes_.size());
    for (uint32_t n = 0; n < nodes_.size(); ++n)
      for (uint32_t s : nodes_[n].succ) pred[s].push_back(n);
    for (bool changed = true; changed;) {
      changed = false;
      for (uint32_t n = 0; n < nodes_.size(); ++n) {
        Node& node = nodes_[n];
        Accesses in;
        for (uint32_t p : pred[n]) in |= nodes_[p].pending_out;
        Accesses out = in;
        if (node.barrier)
          out = Accesses{};  // every barrier ends the "since the last barrier" window
        else
          out |= node.gen;
        if (!(in == node.pending_in) || !(out == node.pending_out)) {
          node.pending_in = in;
          node.pending_out = out;
          changed = true;
        }
      }
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (uint32_t n = static_cast<uint32_t>(nodes_.size()); n-- > 0;) {
        Node& node = nodes_[n];
        Accesses out;
        for (uint32_t s : node.succ) out |= nodes_[s].follow_in;
        Accesses in = out;
        in |= node.gen;
        if (!(out == node.follow_out) || !(in == node.follow_in)) {
          node.follow_out = out;
          node.follow_in = in;
          changed = true;
        }
      }
    }
  }

  // May a pointer based on `a` and one based on `b` address the same memory? Two different
  // parameters do not when either is __restrict__ (C11 §6.7.3.1: an object modified through a
  // restrict pointer is accessed only through pointers based on it; CUDA's __restrict__ promises
  // the same for kernel parameters).
  bool may_alias(uint64_t a, uint64_t b) const {
    if (!a || !b) return false;
    if ((a | b) & kUnknown) return true;
    if (a & b) return true;
    uint64_t plain = ~restrict_mask_;
    return (a & plain) && (b & plain);
  }

  bool conflict(const Accesses& before, const Accesses& after) const {
    return may_alias(before.write, after.read | after.write) || may_alias(before.read, after.write);
  }
};

bool is_called(const ir::Module& m, const ir::Function& f) {
  uint32_t index = m.index_of(f);
  for (const auto& g : m.functions)
    for (uint32_t k = 1; k < g->inst_capacity(); ++k) {
      const ir::Inst& i = g->inst(ir::InstId{k});
      if (i.op == Op::Call && i.symbol == index) return true;
    }
  return false;
}

}  // namespace

std::vector<bool> barriers_ordering_global_memory(const ir::Module& m, const ir::Function& f) {
  if (!f.is_kernel() || is_called(m, f)) return std::vector<bool>(f.inst_capacity(), true);
  return Analysis(m, f).run();
}

}  // namespace gpuc::spirv
