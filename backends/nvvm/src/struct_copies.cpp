// Finds the vec2/vec4 copies the NVVM writer lowers as struct loads and stores (struct_copies.h).
#include "struct_copies.h"

#include <functional>
#include <utility>

namespace gpuc::nvvm {

using ir::Inst;
using ir::InstId;
using ir::Op;
using ir::RegionId;

bool copies_as_struct(const ir::TypeTable& types, ir::TypeId t) {
  if (!types.is_vector(t)) return false;
  const ir::TypeInfo& i = types.info(t);
  return (i.count == 2 || i.count == 4) && !types.is_bool(i.element);
}

StructCopies find_struct_copies(const ir::TypeTable& types, const ir::Function& f) {
  // Every use of every value by the function's live instructions: (user, operand index).
  std::vector<std::vector<std::pair<InstId, size_t>>> uses(f.value_capacity());
  std::vector<InstId> loads, vars;
  std::function<void(RegionId)> walk = [&](RegionId r) {
    for (InstId id : f.region(r).insts) {
      const Inst& in = f.inst(id);
      for (size_t k = 0; k < in.operands.size(); ++k)
        if (in.operands[k].valid()) uses[in.operands[k].index].push_back({id, k});
      if (in.op == Op::Load && copies_as_struct(types, in.type)) loads.push_back(id);
      if (in.op == Op::Var && copies_as_struct(types, types.pointee(in.type))) vars.push_back(id);
      for (RegionId sub : in.regions)
        if (sub.valid()) walk(sub);
    }
  };
  walk(f.body);

  StructCopies out;
  out.copy_load.assign(f.value_capacity(), false);
  out.copy_var.assign(f.value_capacity(), false);
  // Optimistic start: loads used only as stored values (a store's operands are (pointer,
  // value)), variables used only as the pointer of loads and stores of their own type.
  for (InstId id : loads) {
    const Inst& load = f.inst(id);
    const auto& u = uses[load.result.index];
    bool copy = !u.empty();
    for (const auto& [user, k] : u) copy = copy && f.inst(user).op == Op::Store && k == 1;
    out.copy_load[load.result.index] = copy;
  }
  for (InstId id : vars) {
    const Inst& var = f.inst(id);
    const auto& u = uses[var.result.index];
    bool copy = !u.empty();
    for (const auto& [user, k] : u) {
      const Inst& in = f.inst(user);
      copy = copy && k == 0 && (in.op == Op::Store || in.op == Op::Load);
    }
    out.copy_var[var.result.index] = copy;
  }
  // Then, to a fixed point: a copy load stores only to memory outside private variables or to
  // copy variables (a struct stored into a vector variable would pun its type for SROA); a copy
  // variable is read only by copy loads.
  for (bool changed = true; changed;) {
    changed = false;
    for (InstId id : loads) {
      ir::ValueId r = f.inst(id).result;
      if (!out.copy_load[r.index]) continue;
      for (const auto& [user, k] : uses[r.index]) {
        ir::ValueId p = f.inst(user).operands[0];
        bool private_memory = types.space(f.type_of(p)) == ir::AddressSpace::Private;
        if (private_memory && !out.is_copy_var(p)) {
          out.copy_load[r.index] = false;
          changed = true;
          break;
        }
      }
    }
    for (InstId id : vars) {
      ir::ValueId r = f.inst(id).result;
      if (!out.copy_var[r.index]) continue;
      for (const auto& [user, k] : uses[r.index]) {
        const Inst& in = f.inst(user);
        if (in.op == Op::Load && !out.copy_load[in.result.index]) {
          out.copy_var[r.index] = false;
          changed = true;
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace gpuc::nvvm
