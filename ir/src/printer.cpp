// The .gir printer. The grammar is documented in docs/ir.md; the parser (parser.cpp) is its
// inverse.
#include "gpuc/ir/printer.h"

#include <unordered_map>

#include "gpuc/ir/literals.h"

namespace gpuc::ir {
namespace {

class Printer {
 public:
  Printer(const Module& m, std::string& out) : m_(m), t_(m.types), out_(out) {}

  void module() {
    for (TypeId s : t_.structs()) struct_decl(s);
    if (!t_.structs().empty()) out_ += '\n';
    for (const GlobalVar& g : m_.globals) global(g);
    if (!m_.globals.empty()) out_ += '\n';
    bool first = true;
    for (const auto& f : m_.functions) {
      if (!first) out_ += '\n';
      first = false;
      function(*f);
    }
  }

  void function(const Function& f) {
    number(f);
    out_ += f.is_kernel() ? "kernel @" : "func @";
    out_ += f.name;
    out_ += '(';
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param& p = f.params[i];
      if (i) out_ += ", ";
      out_ += value(f, p.value);
      out_ += ": ";
      out_ += t_.to_string(p.type);
      if (p.readonly) out_ += " readonly";
      if (p.restrict) out_ += " restrict";
    }
    out_ += ')';
    if (!t_.is_void(f.return_type)) out_ += " -> " + t_.to_string(f.return_type);
    if (f.has_fixed_block())
      out_ += " block(" + std::to_string(f.fixed_block[0]) + ", " +
              std::to_string(f.fixed_block[1]) + ", " + std::to_string(f.fixed_block[2]) + ")";
    if (f.max_block_threads) out_ += " max_threads(" + std::to_string(f.max_block_threads) + ")";
    if (f.force_inline) out_ += " inline";
    out_ += " {\n";
    region(f, f.body, 1);
    out_ += "}\n";
  }

  // Prints one inst at the given depth (and its regions).
  void inst(const Function& f, InstId id, int depth) {
    const Inst& in = f.inst(id);
    const OpInfo& info = op_info(in.op);
    indent(depth);
    if (in.result.valid()) out_ += value(f, in.result) + " = ";
    out_ += info.name;
    switch (info.shape) {
      case OpShape::Plain:
        operands(f, in.operands, 0, in.operands.size());
        break;
      case OpShape::Const:
        out_ += ' ';
        out_ += format_scalar(t_, in.type, in.imm);
        break;
      case OpShape::Imm:
        operands(f, in.operands, 0, in.operands.size());
        out_ += in.operands.empty() ? " " : ", ";
        out_ += std::to_string(in.imm);
        break;
      case OpShape::Mem:
        operands(f, in.operands, 0, in.operands.size());
        out_ += " align " + std::to_string(in.align);
        break;
      case OpShape::Symbol:
        out_ += " @";
        out_ += in.symbol < m_.globals.size() ? m_.globals[in.symbol].name : "<bad global>";
        break;
      case OpShape::Call: {
        out_ += " @";
        out_ += in.symbol < m_.functions.size() ? m_.functions[in.symbol]->name : "<bad function>";
        out_ += '(';
        for (size_t i = 0; i < in.operands.size(); ++i) {
          if (i) out_ += ", ";
          out_ += value(f, in.operands[i]);
        }
        out_ += ')';
        break;
      }
      case OpShape::If:
        operands(f, in.operands, 0, in.operands.size());
        out_ += " {\n";
        region(f, in.regions[0], depth + 1);
        indent(depth);
        out_ += '}';
        if (in.regions[1].valid() && !f.region(in.regions[1]).insts.empty()) {
          out_ += " else {\n";
          region(f, in.regions[1], depth + 1);
          indent(depth);
          out_ += '}';
        }
        out_ += '\n';
        return;
      case OpShape::Loop:
        if (in.imm) out_ += " unroll(" + std::to_string(in.imm) + ")";
        out_ += " {\n";
        region(f, in.regions[0], depth + 1);
        indent(depth);
        out_ += '}';
        if (in.regions[1].valid() && !f.region(in.regions[1]).insts.empty()) {
          out_ += " continue {\n";
          region(f, in.regions[1], depth + 1);
          indent(depth);
          out_ += '}';
        }
        out_ += '\n';
        return;
    }
    if (in.result.valid()) out_ += " : " + t_.to_string(in.type);
    out_ += '\n';
  }

  // Names parameters %<param name> (%arg<i> when unnamed) and numbers results %0, %1, ... in
  // definition order.
  void number(const Function& f) {
    names_.clear();
    next_ = 0;
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param& p = f.params[i];
      names_[p.value.index] = is_identifier(p.name) ? p.name : "arg" + std::to_string(i);
    }
    if (f.is_valid(f.body)) number_region(f, f.body);
  }

 private:
  const Module& m_;
  const TypeTable& t_;
  std::string& out_;
  std::unordered_map<uint32_t, std::string> names_;
  uint32_t next_ = 0;

  void number_region(const Function& f, RegionId r) {
    if (!f.is_valid(r)) return;
    for (InstId id : f.region(r).insts) {
      const Inst& in = f.inst(id);
      if (in.result.valid()) names_.emplace(in.result.index, std::to_string(next_++));
      for (RegionId sub : in.regions)
        if (sub.valid()) number_region(f, sub);
    }
  }

  std::string value(const Function& f, ValueId v) const {
    auto it = names_.find(v.index);
    if (it != names_.end()) return "%" + it->second;
    return "%<invalid:" + std::to_string(v.index) + ">";
  }

  void operands(const Function& f, const std::vector<ValueId>& ops, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      out_ += i == from ? " " : ", ";
      out_ += value(f, ops[i]);
    }
  }

  void region(const Function& f, RegionId r, int depth) {
    if (!f.is_valid(r)) return;
    for (InstId id : f.region(r).insts) inst(f, id, depth);
  }

  // A C identifier that is not all digits (digit-only names are reserved for results).
  static bool is_identifier(const std::string& s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    for (char c : s)
      if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
        return false;
    return true;
  }

  void indent(int depth) { out_.append(static_cast<size_t>(depth) * 2, ' '); }

  void struct_decl(TypeId s) {
    const TypeInfo& info = t_.info(s);
    out_ += "struct " + info.name + " {";
    for (size_t i = 0; i < info.members.size(); ++i) {
      out_ += i ? ", " : " ";
      out_ += info.members[i].name + ": " + t_.to_string(info.members[i].type);
    }
    out_ += " }\n";
  }

  void global(const GlobalVar& g) {
    out_ += address_space_name(g.space);
    out_ += " @" + g.name + " : " + t_.to_string(g.type);
    if (!g.init.empty() && g.init.size() == t_.info(g.type).size) {
      out_ += " = ";
      initializer(g.type, g.init.data());
    }
    out_ += '\n';
  }

  // Aggregate literal: arrays as [a, b], structs and vectors as {a, b}, scalars as literals.
  void initializer(TypeId t, const uint8_t* bytes) {
    const TypeInfo& info = t_.info(t);
    switch (info.kind) {
      case TypeKind::Array:
      case TypeKind::Vector: {
        const TypeInfo& e = t_.info(info.element);
        out_ += info.kind == TypeKind::Array ? '[' : '{';
        for (uint32_t i = 0; i < info.count; ++i) {
          if (i) out_ += ", ";
          initializer(info.element, bytes + static_cast<size_t>(i) * e.size);
        }
        out_ += info.kind == TypeKind::Array ? ']' : '}';
        return;
      }
      case TypeKind::Struct:
        out_ += '{';
        for (size_t i = 0; i < info.members.size(); ++i) {
          if (i) out_ += ", ";
          initializer(info.members[i].type, bytes + info.members[i].offset);
        }
        out_ += '}';
        return;
      default: {
        uint64_t bits = 0;
        for (uint32_t i = 0; i < info.size; ++i) bits |= uint64_t{bytes[i]} << (8 * i);
        out_ += format_scalar(t_, t, bits);
        return;
      }
    }
  }
};

}  // namespace

std::string print_module(const Module& module) {
  std::string out;
  Printer(module, out).module();
  return out;
}

std::string print_inst(const Module& module, const Function& f, InstId inst) {
  std::string out;
  Printer p(module, out);
  p.number(f);
  p.inst(f, inst, 0);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace gpuc::ir
