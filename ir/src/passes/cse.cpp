// Common-subexpression elimination: a pure op identical to one that dominates it (earlier in the
// same region or in an enclosing one) is replaced by that one. Scopes follow V2: a loop's
// continue region sees the enclosing regions, not the loop body.
#include <map>
#include <tuple>

#include "passes.h"

namespace gpuc::ir::passes {
namespace {

using Key = std::tuple<Op, uint32_t /*type*/, std::vector<uint32_t> /*operands*/, uint64_t /*imm*/,
                       uint32_t /*align*/, uint32_t /*symbol*/>;

class Cse {
 public:
  explicit Cse(Function& f) : f_(f), repl_(f) {}

  bool run() {
    region(f_.body);
    return changed_;
  }

 private:
  Function& f_;
  Replacements repl_;
  std::map<Key, ValueId> available_;
  bool changed_ = false;

  void region(RegionId r) {
    std::vector<Key> added;  // keys defined in this region, removed on exit
    std::vector<InstId> out;
    for (InstId id : f_.region(r).insts) {
      Inst& in = f_.inst(id);
      repl_.apply(in);
      if (is_pure_value_op(in.op) && in.result.valid()) {
        std::vector<uint32_t> ops;
        for (ValueId v : in.operands) ops.push_back(v.index);
        Key key{in.op, in.type.index, std::move(ops), in.imm, in.align, in.symbol};
        auto it = available_.find(key);
        if (it != available_.end()) {
          repl_.set(in.result, it->second);
          changed_ = true;
          continue;  // the duplicate goes
        }
        available_.emplace(key, in.result);
        added.push_back(std::move(key));
      }
      if (in.op == Op::If || in.op == Op::Loop)
        for (RegionId sub : in.regions) region(sub);
      out.push_back(id);
    }
    f_.region(r).insts = std::move(out);
    for (const Key& k : added) available_.erase(k);
  }
};

}  // namespace

PassResult common_subexpressions(Module& m, DiagnosticEngine&) {
  bool changed = false;
  for (auto& f : m.functions) changed |= Cse(*f).run();
  return changed ? PassResult::Changed : PassResult::Unchanged;
}

}  // namespace gpuc::ir::passes
