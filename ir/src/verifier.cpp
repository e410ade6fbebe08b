// The IR verifier: checks invariants V1..V21 of verifier.h and reports each violation with the
// offending inst printed. Backends accept only IR that passed it.
#include "gpuc/ir/verifier.h"

#include <bit>
#include <string>
#include <vector>

#include "gpuc/ir/printer.h"
#include "gpuc/support/ice.h"

namespace gpuc::ir {
namespace {

constexpr int kMaxDepth = 1000;  // V16: regions nest at most this deep

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9') && c != '.') return false;
  return true;
}

class Verifier {
 public:
  Verifier(const Module& m, DiagnosticEngine& d) : m_(m), t_(m.types), diags_(d) {}

  bool run() {
    module_level();
    for (const auto& f : m_.functions) function(*f);
    call_graph();
    return ok_;
  }

 private:
  const Module& m_;
  const TypeTable& t_;
  DiagnosticEngine& diags_;
  bool ok_ = true;

  // Per-function state.
  const Function* f_ = nullptr;
  std::vector<uint8_t> visible_;  // V2: values visible at the current point
  std::vector<ValueId> defined_;  // values made visible, popped on scope exit
  bool inst_failed_ = false;

  // --- reporting ---------------------------------------------------------------------------------

  void report(SourceLocation loc, std::string message) {
    ok_ = false;
    diags_.error(loc, "invalid IR: " + std::move(message));
  }

  // A function-level error without an inst.
  void fail_function(const Function& f, const std::string& what) {
    report(f.loc, "in function '@" + f.name + "': " + what);
  }

  // An error about inst `id` of the current function, with the inst printed (its first line for
  // `if`/`loop`). Only called once the function's structure (V16, V21) is known to be sound.
  void fail(InstId id, const std::string& what) {
    inst_failed_ = true;
    const Inst& in = f_->inst(id);
    std::string text = print_inst(m_, *f_, id);
    size_t nl = text.find('\n');
    if (nl != std::string::npos) text = text.substr(0, nl) + " ... }";
    report(in.loc.valid() ? in.loc : f_->loc,
           "in function '@" + f_->name + "': " + what + "\n  " + text);
  }

  std::string ty(TypeId t) const { return t_.to_string(t); }
  bool signature_ok(const Function& f) const {
    if (!type_ok(f.return_type)) return false;
    for (const Param& p : f.params)
      if (!type_ok(p.type)) return false;
    return true;
  }
  static std::string name_of(Op op) { return "'" + std::string(op_name(op)) + "'"; }
  bool type_ok(TypeId t) const { return t.index >= 1 && t.index <= t_.count(); }

  // --- module-level checks (V18) -----------------------------------------------------------------

  void module_level() {
    std::vector<std::string_view> names;
    auto check_name = [&](std::string_view name, SourceLocation loc) {
      if (!is_identifier(name)) {
        report(loc, "'@" + std::string(name) + "' is not a valid name");
        return;
      }
      for (std::string_view n : names)
        if (n == name) {
          report(loc, "duplicate name '@" + std::string(name) +
                          "' (module variables and functions share one namespace)");
          return;
        }
      names.push_back(name);
    };
    for (const GlobalVar& g : m_.globals) {
      check_name(g.name, g.loc);
      if (!type_ok(g.type) || t_.is_void(g.type)) {
        report(g.loc, "module variable '@" + g.name + "' has no valid type");
        continue;
      }
      std::string what = "module variable '@" + g.name + "'";
      if (g.space == AddressSpace::Shared) {
        if (!g.init.empty()) report(g.loc, "shared " + what + " must not have an initializer");
      } else if (g.space == AddressSpace::Constant) {
        if (holds_pointer(g.type))
          report(g.loc, "constant " + what + " of type " + ty(g.type) +
                            " holds a pointer, which has no value at compile time");
        else if (g.init.size() != t_.info(g.type).size)
          report(g.loc, "constant " + what + " has an initializer of " +
                            std::to_string(g.init.size()) + " bytes, its type " + ty(g.type) +
                            " takes " + std::to_string(t_.info(g.type).size));
      } else {
        report(g.loc, what + " must be in shared or constant memory, found " +
                          address_space_name(g.space));
      }
    }
    for (const auto& f : m_.functions) check_name(f->name, f->loc);
    // Struct and member names print as they are: they must read back as the same names.
    for (TypeId st : t_.structs()) {
      const TypeInfo& info = t_.info(st);
      if (!is_identifier(info.name) || is_type_keyword(info.name))
        report({}, "struct name '" + info.name + "' is not a valid name");
      for (const StructMember& mem : info.members)
        if (!is_identifier(mem.name))
          report({}, "member name '" + mem.name + "' of struct '" + info.name +
                         "' is not a valid name");
    }
  }

  static bool is_type_keyword(std::string_view s) {
    static const char* const kKeywords[] = {"void", "bool", "vec", "ptr", "i8",
                                            "i16",  "i32",  "i64", "u8",  "u16",
                                            "u32",  "u64",  "f16", "f32", "f64"};
    for (const char* k : kKeywords)
      if (s == k) return true;
    return false;
  }

  bool holds_pointer(TypeId t) const {
    const TypeInfo& info = t_.info(t);
    switch (info.kind) {
      case TypeKind::Pointer:
        return true;
      case TypeKind::Array:
        return holds_pointer(info.element);
      case TypeKind::Struct:
        for (const StructMember& mem : info.members)
          if (holds_pointer(mem.type)) return true;
        return false;
      default:
        return false;
    }
  }

  // --- structure (V16, V21): no printing here, the printer relies on it
  // ---------------------------

  bool structure(const Function& f) {
    bool good = true;
    auto bad = [&](const std::string& what) {
      fail_function(f, what);
      good = false;
    };
    if (!type_ok(f.return_type))
      bad("return type id " + std::to_string(f.return_type.index) + " is not a valid type");
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param& p = f.params[i];
      std::string what = "parameter " + std::to_string(i) + " ('" + p.name + "')";
      if (!type_ok(p.type)) {
        bad(what + " has type id " + std::to_string(p.type.index) + ", which is not a valid type");
        continue;
      }
      if (t_.is_void(p.type)) bad(what + " has type void");
      if (!f.is_valid(p.value) || f.value(p.value).param != static_cast<int32_t>(i) ||
          f.value(p.value).type != p.type || f.value(p.value).def.valid())
        bad(what + " does not have a value of its own with its type");
    }
    // Parameters print as %<name> (%arg<i> when the name is not an identifier): the printed names
    // must differ for the text to round-trip.
    std::vector<std::string> printed;
    for (size_t i = 0; i < f.params.size(); ++i) {
      const std::string& n = f.params[i].name;
      bool ident = !n.empty() && !(n[0] >= '0' && n[0] <= '9') &&
                   n.find_first_not_of(
                       "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789") == std::string::npos;
      printed.push_back(ident ? n : "arg" + std::to_string(i));
      for (size_t j = 0; j < i; ++j)
        if (printed[j] == printed[i])
          bad("parameters " + std::to_string(j) + " and " + std::to_string(i) +
              " are both named '%" + printed[i] + "'");
    }
    if (!good) return false;
    if (!f.is_valid(f.body) || f.region(f.body).parent.valid()) {
      bad("the body is not a valid top-level region");
      return false;
    }
    std::vector<uint8_t> seen_region(f.region_capacity()), seen_inst(f.inst_capacity());
    return structure_region(f, f.body, seen_region, seen_inst, 0);
  }

  bool structure_region(const Function& f, RegionId r, std::vector<uint8_t>& seen_region,
                        std::vector<uint8_t>& seen_inst, int depth) {
    auto bad = [&](const std::string& what) {
      fail_function(f, what);
      return false;
    };
    if (depth > kMaxDepth)
      return bad("regions are nested more than " + std::to_string(kMaxDepth) + " deep");
    if (seen_region[r.index])
      return bad("region " + std::to_string(r.index) + " is owned by more than one parent");
    seen_region[r.index] = 1;
    for (InstId id : f.region(r).insts) {
      if (id.index == 0 || id.index >= f.inst_capacity())
        return bad("region " + std::to_string(r.index) + " lists inst id " +
                   std::to_string(id.index) + ", which does not exist");
      if (static_cast<size_t>(f.inst(id).op) >= kOpCount)
        return bad("inst " + std::to_string(id.index) + " has an unknown op code");
      std::string which =
          "inst " + std::to_string(id.index) + " ('" + std::string(op_name(f.inst(id).op)) + "')";
      if (seen_inst[id.index]) return bad(which + " is listed in more than one region");
      seen_inst[id.index] = 1;
      const Inst& in = f.inst(id);
      if (!type_ok(in.type))
        return bad(which + " has type id " + std::to_string(in.type.index) +
                   ", which is not a valid type");
      if (in.result.valid()) {
        if (!f.is_valid(in.result) || f.def_of(in.result) != id || f.type_of(in.result) != in.type)
          return bad(which +
                     " has a result value that does not name it as its definition "
                     "with its type");
      }
      bool owns = in.op == Op::If || in.op == Op::Loop;
      for (RegionId sub : in.regions) {
        if (!owns) {
          if (sub.valid()) return bad(which + " owns a region; only 'if' and 'loop' do");
          continue;
        }
        if (!f.is_valid(sub)) return bad(which + " must own two valid regions");  // V11
        if (f.region(sub).parent != id)
          return bad("region " + std::to_string(sub.index) + " of " + which +
                     " has a parent link to another inst");
        if (!structure_region(f, sub, seen_region, seen_inst, depth + 1)) return false;
      }
    }
    return true;
  }

  // --- per-function checks
  // -------------------------------------------------------------------------

  enum class Ctx : uint8_t { None, LoopBody, Continue };
  struct Edge {  // a call: callee index and the call inst
    uint32_t callee;
    InstId inst;
  };

  void function(const Function& f) {
    f_ = &f;
    if (!structure(f)) return;
    // V17 and V13 (kernels return void).
    if (f.is_kernel()) {
      if (!t_.is_void(f.return_type))
        fail_function(f, "kernel returns " + ty(f.return_type) + "; kernels return void");
      const auto& b = f.fixed_block;
      bool any = b[0] || b[1] || b[2], all = b[0] && b[1] && b[2];
      if (any && !all)
        fail_function(f, "block size (" + std::to_string(b[0]) + ", " + std::to_string(b[1]) +
                             ", " + std::to_string(b[2]) + ") must be all zero or all nonzero");
      uint64_t threads = uint64_t{b[0]} * b[1] * b[2];
      if (all && f.max_block_threads && threads > f.max_block_threads)
        fail_function(f, "block size (" + std::to_string(b[0]) + ", " + std::to_string(b[1]) +
                             ", " + std::to_string(b[2]) + ") has " + std::to_string(threads) +
                             " threads, more than max_threads(" +
                             std::to_string(f.max_block_threads) + ")");
    } else if (f.fixed_block != std::array<uint32_t, 3>{0, 0, 0} || f.max_block_threads) {
      fail_function(f, "a device function has kernel launch attributes (block, max_threads)");
    }
    visible_.assign(f.value_capacity(), 0);
    defined_.clear();
    for (const Param& p : f.params) visible_[p.value.index] = 1;
    region(f.body, Ctx::None, false, false);
  }

  // Walks region `r`. `ctx`: the nearest loop region kind enclosing it; `is_continue`: r is itself
  // a loop's continue region (break_if may end it); `in_continue`: r is inside a continue region
  // at any depth, loops included (no `return` can leave a continue construct).
  void region(RegionId r, Ctx ctx, bool is_continue, bool in_continue) {
    size_t mark = defined_.size();
    const auto& insts = f_->region(r).insts;
    for (size_t i = 0; i < insts.size(); ++i) {
      InstId id = insts[i];
      const Inst& in = f_->inst(id);
      inst_failed_ = false;
      if (is_terminator(in.op) && i + 1 != insts.size())
        fail(id, name_of(in.op) + " must be the last inst of its region");  // V12
      bool last = i + 1 == insts.size();
      switch (in.op) {  // V12: where terminators may appear
        case Op::Break:
        case Op::Continue:
          if (ctx == Ctx::None)
            fail(id, name_of(in.op) + " outside a loop");
          else if (ctx == Ctx::Continue)
            fail(id, name_of(in.op) + " inside a loop's continue region (use break_if)");
          break;
        case Op::Return:
          if (in_continue) fail(id, "'return' inside a loop's continue region");
          break;
        case Op::BreakIf:
          if (!is_continue || !last)
            fail(id, "'break_if' must be the last inst of a loop's continue region");
          break;
        default:
          break;
      }
      check_inst(id);
      if (in.op == Op::If) {
        region(in.regions[0], ctx, false, in_continue);
        region(in.regions[1], ctx, false, in_continue);
      } else if (in.op == Op::Loop) {
        region(in.regions[0], Ctx::LoopBody, false, in_continue);
        region(in.regions[1], Ctx::Continue, true, true);
      }
      if (in.result.valid()) {
        visible_[in.result.index] = 1;
        defined_.push_back(in.result);
      }
    }
    while (defined_.size() > mark) {  // V2: values do not escape their region
      visible_[defined_.back().index] = 0;
      defined_.pop_back();
    }
  }

  void check_inst(InstId id) {
    const Inst& in = f_->inst(id);
    const OpInfo& info = op_info(in.op);
    size_t n = in.operands.size();
    // V1, V2
    for (size_t k = 0; k < n; ++k) {
      ValueId v = in.operands[k];
      if (!f_->is_valid(v)) {
        fail(id,
             "operand " + std::to_string(k) + " of " + name_of(in.op) + " is not a valid value id");
        return;
      }
      if (!visible_[v.index]) {
        fail(id, "operand " + std::to_string(k) + " of " + name_of(in.op) +
                     " does not dominate its use");
        return;
      }
    }
    // V3
    if (info.operands >= 0 && n != static_cast<size_t>(info.operands)) {
      fail(id, name_of(in.op) + " takes " + std::to_string(info.operands) + " operand" +
                   (info.operands == 1 ? "" : "s") + ", found " + std::to_string(n));
      return;
    }
    if (in.op == Op::Return && n > 1) {
      fail(id, "'return' takes at most 1 operand, found " + std::to_string(n));
      return;
    }
    // V14 first for calls: V4 depends on the callee.
    if (in.op == Op::Call && in.symbol >= m_.functions.size()) {
      fail(id, "'call' names function #" + std::to_string(in.symbol) + ", which does not exist");
      return;
    }
    // A callee or module variable whose own types are broken is reported on its own (V21, V18);
    // its users are not checked against it.
    if (in.op == Op::Call && !signature_ok(*m_.functions[in.symbol])) return;
    if (in.op == Op::Global && in.symbol < m_.globals.size() &&
        !type_ok(m_.globals[in.symbol].type))
      return;
    // V4: result presence.
    bool want_result = info.has_result;
    if (in.op == Op::Call) want_result = !t_.is_void(m_.functions[in.symbol]->return_type);
    if (want_result && !in.result.valid()) {
      fail(id, name_of(in.op) + " must produce a result");
      return;
    }
    if (!want_result && in.result.valid()) {
      fail(id, name_of(in.op) + " must not produce a result");
      return;
    }
    if (!in.result.valid() && !t_.is_void(in.type)) {
      fail(id, name_of(in.op) + " has no result but type " + ty(in.type));
      return;
    }
    type_rules(id, in);
  }

  TypeId op_type(const Inst& in, size_t k) const { return f_->type_of(in.operands[k]); }

  // Requires every operand to have one type; returns it (invalid after reporting otherwise).
  TypeId same_operand_types(InstId id, const Inst& in) {
    TypeId t = op_type(in, 0);
    for (size_t k = 1; k < in.operands.size(); ++k)
      if (op_type(in, k) != t) {
        fail(id, "operands of " + name_of(in.op) + " have different types (" + ty(t) + " and " +
                     ty(op_type(in, k)) + ")");
        return {};
      }
    return t;
  }

  void expect_result(InstId id, const Inst& in, TypeId want) {
    if (in.type != want)
      fail(id,
           "result of " + name_of(in.op) + " has type " + ty(in.type) + ", expected " + ty(want));
  }

  // Result must be `scalar`-shaped with the lanes of `like`.
  void expect_shaped_result(InstId id, const Inst& in, TypeId like, TypeKind kind,
                            const char* desc) {
    TypeId s = t_.scalar_of(in.type);
    bool good = (t_.is_vector(in.type) || t_.is_scalar(in.type)) && t_.kind(s) == kind &&
                t_.lanes(in.type) == t_.lanes(like);
    if (good && kind == TypeKind::Int) good = t_.info(s).width == 32 && t_.info(s).is_signed;
    if (!good)
      fail(id, "result of " + name_of(in.op) + " must be " + desc + " with the lanes of " +
                   ty(like) + ", found " + ty(in.type));
  }

  bool is_numeric(TypeId t) const {
    return (t_.is_scalar(t) || t_.is_vector(t)) && (t_.is_int_like(t) || t_.is_float_like(t));
  }
  bool is_scalar_or_vector(TypeId t) const { return t_.is_scalar(t) || t_.is_vector(t); }

  bool is_pointer_operand(InstId id, const Inst& in, size_t k) {
    if (t_.is_pointer(op_type(in, k))) return true;
    fail(id, "operand " + std::to_string(k) + " of " + name_of(in.op) +
                 " must be a pointer, found " + ty(op_type(in, k)));
    return false;
  }

  bool check_align(InstId id, const Inst& in) {
    if (in.align == 0 || !std::has_single_bit(in.align)) {
      fail(id, "alignment " + std::to_string(in.align) + " of " + name_of(in.op) +
                   " is not a nonzero power of two");
      return false;
    }
    return true;
  }

  std::string ptr_text(AddressSpace space, TypeId pointee) const {
    return std::string("ptr<") + address_space_name(space) + ", " + ty(pointee) + ">";
  }

  void expect_pointer_result(InstId id, const Inst& in, AddressSpace space, TypeId pointee) {
    if (!t_.is_pointer(in.type) || t_.space(in.type) != space || t_.pointee(in.type) != pointee)
      fail(id, "result of " + name_of(in.op) + " has type " + ty(in.type) + ", expected " +
                   ptr_text(space, pointee));
  }

  void type_rules(InstId id, const Inst& in) {
    Op op = in.op;
    // V5: arithmetic, bitwise, compare, integer bit ops.
    if (is_binary_arith(op) || op == Op::Neg || op == Op::Abs) {
      TypeId t = same_operand_types(id, in);
      if (!t.valid()) return;
      if (!is_numeric(t)) {
        fail(id, name_of(op) + " needs int or float operands, found " + ty(t));
        return;
      }
      expect_result(id, in, t);
      return;
    }
    if (is_bitwise(op)) {
      TypeId t = same_operand_types(id, in);
      if (!t.valid()) return;
      bool bool_ok = op != Op::Shl && op != Op::Shr;
      bool good = is_scalar_or_vector(t) && (t_.is_int_like(t) || (bool_ok && t_.is_bool_like(t)));
      if (!good) {
        fail(id,
             name_of(op) +
                 (bool_ok ? " needs int or bool operands, found " : " needs int operands, found ") +
                 ty(t));
        return;
      }
      expect_result(id, in, t);
      return;
    }
    if (is_compare(op)) {
      TypeId t = same_operand_types(id, in);
      if (!t.valid()) return;
      bool bool_ok = op == Op::Eq || op == Op::Ne;
      if (!(is_numeric(t) || (bool_ok && is_scalar_or_vector(t) && t_.is_bool_like(t)))) {
        fail(id, name_of(op) +
                     (bool_ok ? " needs int, float or bool operands, found "
                              : " needs int or float operands, found ") +
                     ty(t));
        return;
      }
      expect_shaped_result(id, in, t, TypeKind::Bool, "bool-shaped");
      return;
    }
    switch (op) {
      case Op::Popcount:
      case Op::Clz:
      case Op::Ffs:
      case Op::Brev:
      case Op::MulHi: {
        TypeId t = same_operand_types(id, in);
        if (!t.valid()) return;
        if (!is_scalar_or_vector(t) || !t_.is_int_like(t)) {
          fail(id, name_of(op) + " needs int operands, found " + ty(t));
          return;
        }
        if (op == Op::Brev || op == Op::MulHi)
          expect_result(id, in, t);
        else
          expect_shaped_result(id, in, t, TypeKind::Int, "i32-shaped");
        return;
      }
      default:
        break;
    }
    // V6: float math, isnan/isinf, select.
    if (is_float_math(op) || op == Op::IsNan || op == Op::IsInf) {
      TypeId t = same_operand_types(id, in);
      if (!t.valid()) return;
      if (!is_scalar_or_vector(t) || !t_.is_float_like(t)) {
        fail(id, name_of(op) + " needs float operands, found " + ty(t));
        return;
      }
      if (op == Op::IsNan || op == Op::IsInf)
        expect_shaped_result(id, in, t, TypeKind::Bool, "bool-shaped");
      else
        expect_result(id, in, t);
      return;
    }
    switch (op) {
      case Op::Select: {
        TypeId c = op_type(in, 0), a = op_type(in, 1), b = op_type(in, 2);
        if (!t_.is_bool(c) && !(t_.is_vector(c) && t_.is_bool_like(c) && t_.is_vector(a) &&
                                t_.lanes(a) == t_.lanes(c))) {
          fail(id,
               "condition of 'select' must be bool or a vector of bool with the lanes of the "
               "values, found " +
                   ty(c));
          return;
        }
        if (a != b) {
          fail(id, "operands of 'select' have different types (" + ty(a) + " and " + ty(b) + ")");
          return;
        }
        expect_result(id, in, a);
        return;
      }
      // V7
      case Op::Convert: {
        TypeId from = op_type(in, 0), to = in.type;
        if (!is_scalar_or_vector(from) || !is_scalar_or_vector(to) ||
            t_.lanes(from) != t_.lanes(to))
          fail(id, "'convert' needs numeric or bool scalars or vectors of one lane count, found " +
                       ty(from) + " -> " + ty(to));
        return;
      }
      case Op::Bitcast: {
        TypeId from = op_type(in, 0), to = in.type;
        if (!is_scalar_or_vector(from) || !is_scalar_or_vector(to)) {
          fail(id,
               "'bitcast' takes no pointers or aggregates, found " + ty(from) + " -> " + ty(to));
          return;
        }
        if (t_.info(from).size != t_.info(to).size)
          fail(id, "'bitcast' needs types of one size, found " + ty(from) + " (" +
                       std::to_string(t_.info(from).size) + " bytes) -> " + ty(to) + " (" +
                       std::to_string(t_.info(to).size) + " bytes)");
        return;
      }
      // V8
      case Op::Load: {
        if (!is_pointer_operand(id, in, 0) || !check_align(id, in)) return;
        TypeId pointee = t_.pointee(op_type(in, 0));
        if (in.type != pointee)
          fail(id,
               "result of 'load' has type " + ty(in.type) + ", the pointee type is " + ty(pointee));
        return;
      }
      case Op::Store: {
        if (!is_pointer_operand(id, in, 0) || !check_align(id, in)) return;
        TypeId pt = op_type(in, 0);
        if (t_.space(pt) == AddressSpace::Constant) {
          fail(id, "'store' through a pointer to constant memory");
          return;
        }
        if (op_type(in, 1) != t_.pointee(pt))
          fail(id, "stored value has type " + ty(op_type(in, 1)) + ", the pointee type is " +
                       ty(t_.pointee(pt)));
        return;
      }
      case Op::Index: {
        if (!is_pointer_operand(id, in, 0)) return;
        if (!t_.is_int(op_type(in, 1))) {
          fail(id, "index of 'index' must be an integer scalar, found " + ty(op_type(in, 1)));
          return;
        }
        expect_result(id, in, op_type(in, 0));
        return;
      }
      case Op::Elem: {
        if (!is_pointer_operand(id, in, 0)) return;
        TypeId pt = op_type(in, 0), agg = t_.pointee(pt);
        TypeKind k = t_.kind(agg);
        if (k != TypeKind::Array && k != TypeKind::Vector) {
          fail(id, "'elem' needs a pointer to an array or vector, found " + ty(pt));
          return;
        }
        if (!t_.is_int(op_type(in, 1))) {
          fail(id, "index of 'elem' must be an integer scalar, found " + ty(op_type(in, 1)));
          return;
        }
        expect_pointer_result(id, in, t_.space(pt), t_.info(agg).element);
        return;
      }
      case Op::Member: {
        if (!is_pointer_operand(id, in, 0)) return;
        TypeId pt = op_type(in, 0), s = t_.pointee(pt);
        if (t_.kind(s) != TypeKind::Struct) {
          fail(id, "'member' needs a pointer to a struct, found " + ty(pt));
          return;
        }
        const auto& members = t_.info(s).members;
        if (in.imm >= members.size()) {
          fail(id, "member index " + std::to_string(in.imm) + " is out of range for " + ty(s) +
                       " (" + std::to_string(members.size()) + " members)");
          return;
        }
        expect_pointer_result(id, in, t_.space(pt), members[in.imm].type);
        return;
      }
      case Op::PtrToInt:
        if (!is_pointer_operand(id, in, 0)) return;
        expect_unsigned_result(id, in, 64);
        return;
      case Op::Var:
        if (!t_.is_pointer(in.type) || t_.space(in.type) != AddressSpace::Private ||
            t_.is_void(t_.pointee(in.type)))
          fail(id,
               "result of 'var' must be a pointer to a non-void type in private memory, "
               "found " +
                   ty(in.type));
        return;
      default:
        break;
    }
    // V9
    if (is_atomic(op)) {
      if (!is_pointer_operand(id, in, 0)) return;
      TypeId pt = op_type(in, 0), v = t_.pointee(pt);
      AddressSpace space = t_.space(pt);
      if (space != AddressSpace::Global && space != AddressSpace::Shared) {
        fail(id, name_of(op) + " needs a pointer to global or shared memory, found " + ty(pt));
        return;
      }
      for (size_t k = 1; k < in.operands.size(); ++k)
        if (op_type(in, k) != v) {
          fail(id, "operand " + std::to_string(k) + " of " + name_of(op) + " has type " +
                       ty(op_type(in, k)) + ", the pointee type is " + ty(v));
          return;
        }
      const TypeInfo& vi = t_.info(v);
      bool is_int = vi.kind == TypeKind::Int && (vi.width == 32 || vi.width == 64);
      bool good = is_int;
      if (op == Op::AtomicAdd) good = is_int || (vi.kind == TypeKind::Float && vi.width >= 32);
      if (op == Op::AtomicExch) good = is_int || (vi.kind == TypeKind::Float && vi.width == 32);
      if (op == Op::AtomicInc) good = vi.kind == TypeKind::Int && vi.width == 32 && !vi.is_signed;
      if (!good) {
        fail(id, name_of(op) + " does not operate on " + ty(v));
        return;
      }
      expect_result(id, in, v);
      return;
    }
    switch (op) {
      // V10
      case Op::ShflIdx:
      case Op::ShflUp:
      case Op::ShflDown:
      case Op::ShflXor: {
        TypeId v = op_type(in, 0);
        if (!is_numeric(v)) {
          fail(id,
               "value of " + name_of(op) + " must be a numeric scalar or vector, found " + ty(v));
          return;
        }
        if (!is_u32(op_type(in, 1))) {
          fail(id, "lane operand of " + name_of(op) + " must be u32, found " + ty(op_type(in, 1)));
          return;
        }
        expect_result(id, in, v);
        return;
      }
      case Op::Ballot:
      case Op::VoteAll:
      case Op::VoteAny:
        if (!t_.is_bool(op_type(in, 0))) {
          fail(id, name_of(op) + " needs a bool operand, found " + ty(op_type(in, 0)));
          return;
        }
        if (op == Op::Ballot)
          expect_unsigned_result(id, in, 32);
        else if (!t_.is_bool(in.type))
          fail(id, "result of " + name_of(op) + " has type " + ty(in.type) + ", expected bool");
        return;
      // V11
      case Op::If:
        if (!t_.is_bool(op_type(in, 0)))
          fail(id, "condition of 'if' must be bool, found " + ty(op_type(in, 0)));
        return;
      // V13
      case Op::Return: {
        TypeId rt = f_->return_type;
        if (t_.is_void(rt)) {
          if (!in.operands.empty()) fail(id, "'return' with a value in a void function");
        } else if (in.operands.empty()) {
          fail(id, "'return' without a value in a function returning " + ty(rt));
        } else if (op_type(in, 0) != rt) {
          fail(id, "returned value has type " + ty(op_type(in, 0)) + ", the function returns " +
                       ty(rt));
        }
        return;
      }
      // V14
      case Op::Call: {
        if (in.symbol >= m_.functions.size()) {
          fail(id,
               "'call' names function #" + std::to_string(in.symbol) + ", which does not exist");
          return;
        }
        const Function& callee = *m_.functions[in.symbol];
        if (callee.is_kernel()) {
          fail(id, "'call' of kernel '@" + callee.name + "'; only device functions are callable");
          return;
        }
        if (in.operands.size() != callee.params.size()) {
          fail(id, "'call' of '@" + callee.name + "' with " + std::to_string(in.operands.size()) +
                       " arguments; it takes " + std::to_string(callee.params.size()));
          return;
        }
        for (size_t k = 0; k < in.operands.size(); ++k)
          if (op_type(in, k) != callee.params[k].type) {
            fail(id, "argument " + std::to_string(k) + " of 'call' of '@" + callee.name +
                         "' has type " + ty(op_type(in, k)) + ", the parameter has type " +
                         ty(callee.params[k].type));
            return;
          }
        if (in.result.valid()) expect_result(id, in, callee.return_type);
        return;
      }
      // V15
      case Op::Global: {
        if (in.symbol >= m_.globals.size()) {
          fail(id, "'global' names module variable #" + std::to_string(in.symbol) +
                       ", which does not exist");
          return;
        }
        const GlobalVar& g = m_.globals[in.symbol];
        expect_pointer_result(id, in, g.space, g.type);
        return;
      }
      // V19
      case Op::Extract:
      case Op::Insert: {
        TypeId agg = op_type(in, 0);
        TypeId part = part_type(agg, in.imm);
        if (!part.valid()) {
          fail(id, "index " + std::to_string(in.imm) + " of " + name_of(op) +
                       " is not an element or member of " + ty(agg));
          return;
        }
        if (op == Op::Extract) {
          expect_result(id, in, part);
          return;
        }
        if (op_type(in, 1) != part) {
          fail(id,
               "inserted value has type " + ty(op_type(in, 1)) + ", the part has type " + ty(part));
          return;
        }
        expect_result(id, in, agg);
        return;
      }
      case Op::Construct: {
        TypeId t = in.type;
        const TypeInfo& ti = t_.info(t);
        size_t parts = ti.kind == TypeKind::Struct ? ti.members.size()
                       : (ti.kind == TypeKind::Vector || ti.kind == TypeKind::Array) ? ti.count
                                                                                     : 0;
        if (parts == 0) {
          fail(id, "'construct' must build a vector, array or struct, found " + ty(t));
          return;
        }
        if (in.operands.size() != parts) {
          fail(id, "'construct' of " + ty(t) + " needs " + std::to_string(parts) +
                       " operands, found " + std::to_string(in.operands.size()));
          return;
        }
        for (size_t k = 0; k < parts; ++k)
          if (op_type(in, k) != part_type(t, k)) {
            fail(id, "operand " + std::to_string(k) + " of 'construct' has type " +
                         ty(op_type(in, k)) + ", expected " + ty(part_type(t, k)));
            return;
          }
        return;
      }
      case Op::Shuffle: {
        TypeId v = op_type(in, 0);
        if (!t_.is_vector(v)) {
          fail(id, "'swizzle' needs a vector operand, found " + ty(v));
          return;
        }
        TypeId e = t_.scalar_of(v);
        if (!is_scalar_or_vector(in.type) || t_.scalar_of(in.type) != e) {
          fail(id,
               "result of 'swizzle' must be " + ty(e) + " or a vector of it, found " + ty(in.type));
          return;
        }
        uint32_t lanes = t_.lanes(in.type);
        bool good = (in.imm >> (4 * lanes)) == 0;
        for (uint32_t k = 0; good && k < lanes; ++k)
          good = ((in.imm >> (4 * k)) & 0xf) < t_.lanes(v);
        if (!good)
          fail(id, "swizzle pattern " + std::to_string(in.imm) + " selects lanes that " + ty(v) +
                       " does not have");
        return;
      }
      // V20
      case Op::Const: {
        if (!t_.is_scalar(in.type)) {
          fail(id, "'const' must have a scalar type, found " + ty(in.type));
          return;
        }
        const TypeInfo& ti = t_.info(in.type);
        uint32_t width = ti.kind == TypeKind::Bool ? 1 : ti.width;
        if (width < 64 && (in.imm >> width) != 0)
          fail(id, "constant bits 0x" + hex(in.imm) + " do not fit in " + ty(in.type));
        return;
      }
      case Op::ActiveMask:
        expect_unsigned_result(id, in, 32);
        return;
      default:
        break;
    }
    if (is_gpu_id(op)) expect_unsigned_result(id, in, 32);
    // Remaining ops (barriers, fences, break, continue, break_if, loop, unreachable) have no
    // operands or only bool ones checked here.
    if (op == Op::BreakIf && !t_.is_bool(op_type(in, 0)))
      fail(id, "condition of 'break_if' must be bool, found " + ty(op_type(in, 0)));
  }

  static std::string hex(uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do {
      s.insert(s.begin(), digits[v & 0xf]);
      v >>= 4;
    } while (v);
    return s;
  }

  // The result must be the unsigned int type of `width` bits (u32, u64).
  void expect_unsigned_result(InstId id, const Inst& in, uint32_t width) {
    const TypeInfo& ti = t_.info(in.type);
    if (ti.kind != TypeKind::Int || ti.width != width || ti.is_signed)
      fail(id, "result of " + name_of(in.op) + " has type " + ty(in.type) + ", expected u" +
                   std::to_string(width));
  }
  bool is_u32(TypeId t) const {
    const TypeInfo& ti = t_.info(t);
    return ti.kind == TypeKind::Int && ti.width == 32 && !ti.is_signed;
  }

  // The type of element/member `index` of an aggregate value type (invalid if none).
  TypeId part_type(TypeId agg, uint64_t index) const {
    const TypeInfo& ti = t_.info(agg);
    if (ti.kind == TypeKind::Struct)
      return index < ti.members.size() ? ti.members[index].type : TypeId{};
    if (ti.kind == TypeKind::Vector || ti.kind == TypeKind::Array)
      return index < ti.count ? ti.element : TypeId{};
    return {};
  }

  // --- V14: the call graph has no cycles
  // -----------------------------------------------------------

  void call_graph() {
    size_t n = m_.functions.size();
    // Call edges of each function whose structure is sound.
    std::vector<std::vector<Edge>> edges(n);
    for (size_t i = 0; i < n; ++i) {
      const Function& f = *m_.functions[i];
      if (!structure_sound(f)) continue;
      collect_calls(f, f.body, edges[i]);
    }
    std::vector<uint8_t> color(n, 0);  // 0 white, 1 on stack, 2 done
    std::vector<uint32_t> stack;
    std::vector<std::pair<uint32_t, size_t>> work;
    for (uint32_t root = 0; root < n; ++root) {
      if (color[root]) continue;
      work.push_back({root, 0});
      color[root] = 1;
      stack.push_back(root);
      while (!work.empty()) {
        auto& [fn, next] = work.back();
        if (next == edges[fn].size()) {
          color[fn] = 2;
          stack.pop_back();
          work.pop_back();
          continue;
        }
        const Edge& e = edges[fn][next++];
        if (e.callee >= n) continue;
        if (color[e.callee] == 1) {
          std::string path;
          size_t start = 0;
          while (stack[start] != e.callee) ++start;
          for (size_t k = start; k < stack.size(); ++k)
            path += "@" + m_.functions[stack[k]]->name + " -> ";
          path += "@" + m_.functions[e.callee]->name;
          f_ = m_.functions[fn].get();
          fail(e.inst, "recursion is not allowed (SPIR-V §2.16.1): " + path);
        } else if (color[e.callee] == 0) {
          uint32_t callee = e.callee;
          color[callee] = 1;
          stack.push_back(callee);
          work.push_back({callee, 0});
        }
      }
    }
  }

  // Structure checks are repeated quietly so the call graph walk never follows broken ids.
  bool structure_sound(const Function& f) {
    DiagnosticEngine quiet;
    Verifier v(m_, quiet);
    return v.structure(f);
  }

  void collect_calls(const Function& f, RegionId r, std::vector<Edge>& out) const {
    for (InstId id : f.region(r).insts) {
      const Inst& in = f.inst(id);
      if (in.op == Op::Call) out.push_back({in.symbol, id});
      if (in.op == Op::If || in.op == Op::Loop)
        for (RegionId sub : in.regions) collect_calls(f, sub, out);
    }
  }
};

}  // namespace

bool verify(const Module& module, DiagnosticEngine& diags) {
  try {
    return Verifier(module, diags).run();
  } catch (const InternalCompilerError& e) {
    diags.error(std::string("invalid IR: ") + e.what());
    return false;
  }
}

}  // namespace gpuc::ir
