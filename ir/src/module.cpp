// Module and Function: arenas and lookups.
#include "gpuc/ir/module.h"

#include "gpuc/support/ice.h"

namespace gpuc::ir {

Function::Function(std::string name_, FunctionKind kind_, TypeId return_type_)
    : name(std::move(name_)), kind(kind_), return_type(return_type_) {
  insts_.emplace_back();    // id 0: invalid
  regions_.emplace_back();  // id 0: invalid
  values_.emplace_back();   // id 0: invalid
  body = new_region(InstId{});
}

InstId Function::new_inst(Inst inst) {
  insts_.push_back(std::move(inst));
  return InstId{static_cast<uint32_t>(insts_.size() - 1)};
}

RegionId Function::new_region(InstId parent) {
  Region r;
  r.parent = parent;
  regions_.push_back(std::move(r));
  return RegionId{static_cast<uint32_t>(regions_.size() - 1)};
}

ValueId Function::new_value(TypeId type, InstId def, int32_t param) {
  values_.push_back(ValueInfo{type, def, param});
  return ValueId{static_cast<uint32_t>(values_.size() - 1)};
}

ValueId Function::add_param(std::string pname, TypeId type, bool readonly, bool restrict_) {
  ValueId v = new_value(type, InstId{}, static_cast<int32_t>(params.size()));
  params.push_back(Param{std::move(pname), type, v, readonly, restrict_});
  return v;
}

void Function::clear_body() {
  insts_.resize(1);
  regions_.resize(1);
  values_.resize(1 + params.size());
  body = new_region(InstId{});
}

Function& Module::add_function(std::string name, FunctionKind kind, TypeId return_type) {
  functions.push_back(std::make_unique<Function>(std::move(name), kind, return_type));
  return *functions.back();
}

uint32_t Module::add_global(GlobalVar var) {
  globals.push_back(std::move(var));
  return static_cast<uint32_t>(globals.size() - 1);
}

int Module::find_function(std::string_view name) const {
  for (size_t i = 0; i < functions.size(); ++i)
    if (functions[i]->name == name) return static_cast<int>(i);
  return -1;
}

int Module::find_global(std::string_view name) const {
  for (size_t i = 0; i < globals.size(); ++i)
    if (globals[i].name == name) return static_cast<int>(i);
  return -1;
}

uint32_t Module::index_of(const Function& f) const {
  for (size_t i = 0; i < functions.size(); ++i)
    if (functions[i].get() == &f) return static_cast<uint32_t>(i);
  GPUC_UNREACHABLE("function not in module");
}

}  // namespace gpuc::ir
