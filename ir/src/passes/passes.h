// The IR passes (one file each in this folder) and helpers they share. The pipeline that lists
// them, in order, is pipeline.cpp.
#pragma once

#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/ir/pass.h"

namespace gpuc::ir::passes {

PassResult inline_calls(Module& m, DiagnosticEngine& diags);           // inline.cpp
PassResult constant_folding(Module& m, DiagnosticEngine& diags);       // constant_folding.cpp
PassResult common_subexpressions(Module& m, DiagnosticEngine& diags);  // cse.cpp
PassResult dead_code(Module& m, DiagnosticEngine& diags);              // dce.cpp

// Ops without side effects whose result depends only on their operands and attributes: an unused
// one can be deleted, and two identical ones in dominating positions merged. Memory reads (load),
// `var` (each is a distinct object), subgroup ops (depend on the active lanes at that point),
// atomics, calls and control flow are not.
bool is_pure_value_op(Op op);

// Value replacements collected by a pass: `resolve` follows chains to the final value.
class Replacements {
 public:
  explicit Replacements(const Function& f) : map_(f.value_capacity()) {}
  void set(ValueId from, ValueId to) {
    if (from.index >= map_.size()) map_.resize(from.index + 1);
    map_[from.index] = to;
  }
  ValueId resolve(ValueId v) const {
    while (v.index < map_.size() && map_[v.index].valid()) v = map_[v.index];
    return v;
  }
  // Rewrites the operands of an inst.
  void apply(Inst& in) const {
    for (ValueId& v : in.operands) v = resolve(v);
  }

 private:
  std::vector<ValueId> map_;
};

// Calls fn(inst_id) for every inst reachable from the function body, parents before children.
template <typename Fn>
void for_each_inst(Function& f, RegionId r, Fn&& fn) {
  for (size_t i = 0; i < f.region(r).insts.size(); ++i) {
    InstId id = f.region(r).insts[i];
    fn(id);
    Inst& in = f.inst(id);
    if (in.op == Op::If || in.op == Op::Loop)
      for (RegionId sub : in.regions)
        if (sub.valid()) for_each_inst(f, sub, fn);
  }
}

}  // namespace gpuc::ir::passes
