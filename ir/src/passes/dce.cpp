// Dead-code elimination: deletes insts without side effects whose results are unused (pure ops,
// loads, vars, subgroup reads), and `if`s with two empty regions. Stores, atomics, barriers,
// fences, calls and control flow stay.
#include "passes.h"

namespace gpuc::ir::passes {
namespace {

bool removable(Op op) {
  if (is_pure_value_op(op)) return true;
  switch (op) {
    case Op::Load:
    case Op::Var:
    case Op::ShflIdx:
    case Op::ShflUp:
    case Op::ShflDown:
    case Op::ShflXor:
    case Op::Ballot:
    case Op::VoteAll:
    case Op::VoteAny:
    case Op::ActiveMask:
      return true;
    default:
      return false;
  }
}

class Dce {
 public:
  explicit Dce(Function& f) : f_(f), uses_(f.value_capacity(), 0), dead_(f.inst_capacity(), 0) {}

  bool run() {
    for_each_inst(f_, f_.body, [&](InstId id) {
      for (ValueId v : f_.inst(id).operands) ++uses_[v.index];
    });
    std::vector<InstId> work;
    for_each_inst(f_, f_.body, [&](InstId id) {
      if (is_dead(id)) work.push_back(id);
    });
    bool changed = false;
    while (!work.empty()) {
      InstId id = work.back();
      work.pop_back();
      if (dead_[id.index]) continue;
      dead_[id.index] = 1;
      changed = true;
      for (ValueId v : f_.inst(id).operands) {
        InstId def = f_.def_of(v);
        if (--uses_[v.index] == 0 && def.valid() && is_dead(def)) work.push_back(def);
      }
    }
    if (changed) sweep(f_.body);
    return changed;
  }

 private:
  Function& f_;
  std::vector<uint32_t> uses_;
  std::vector<uint8_t> dead_;

  bool is_dead(InstId id) const {
    const Inst& in = f_.inst(id);
    if (dead_[id.index]) return false;
    if (in.op == Op::If)  // nothing to run on either side: only the condition's use remains
      return live_size(in.regions[0]) == 0 && live_size(in.regions[1]) == 0;
    return removable(in.op) && in.result.valid() && uses_[in.result.index] == 0;
  }

  size_t live_size(RegionId r) const {
    size_t n = 0;
    for (InstId id : f_.region(r).insts) n += dead_[id.index] ? 0 : 1;
    return n;
  }

  void sweep(RegionId r) {
    std::vector<InstId>& insts = f_.region(r).insts;
    std::erase_if(insts, [&](InstId id) { return dead_[id.index] != 0; });
    for (InstId id : insts) {
      const Inst& in = f_.inst(id);
      if (in.op == Op::If || in.op == Op::Loop)
        for (RegionId sub : in.regions) sweep(sub);
    }
  }
};

}  // namespace

PassResult dead_code(Module& m, DiagnosticEngine&) {
  bool changed = false;
  // An `if` whose regions just emptied becomes dead too: repeat until nothing changes.
  for (auto& f : m.functions)
    while (Dce(*f).run()) changed = true;
  return changed ? PassResult::Changed : PassResult::Unchanged;
}

}  // namespace gpuc::ir::passes
