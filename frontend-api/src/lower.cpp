// Semantic analysis and lowering of the kernel language to the shared IR (see lower.h).
//
// Each expression is type-checked and lowered in one step (C's rules: C11 6.3 conversions, 6.5
// expressions, 6.4.4 constants). Local variables live in `var`s hoisted to the function's entry
// (libNVVM and the SPIR-V drivers promote them to registers); control flow is lowered to the IR's
// structured `if`/`loop` regions.
#include "lower.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "builtins.h"
#include "gpuc/ir/builder.h"
#include "parser.h"

namespace gpuc::frontend {
namespace {

using ir::AddressSpace;
using ir::Op;
using ir::TypeId;
using ir::TypeKind;
using ir::ValueId;

// A compile-time constant scalar: ints hold their bits truncated to the type's width.
struct ConstVal {
  TypeId type;
  bool is_float = false;
  double f = 0;
  uint64_t u = 0;
};

struct VarInfo {
  std::string name;
  SourceLocation loc;
  TypeId type;                 // the value type (pointers carry their inferred address space)
  bool is_const = false;       // not assignable
  bool pointee_const = false;  // `const T*`
  ValueId addr;                // the var (locals and parameters)
  ValueId direct;              // a parameter never assigned nor address-taken: used directly
  ir::Function* owner = nullptr;
  int global = -1;             // module variable index (__shared__, __constant__)
  bool space_pending = false;  // a pointer declared without an initializer, space not known yet
  SourceLocation origin;       // pointers: where the address space came from
  std::optional<ConstVal> constant;  // const scalar with a constant initializer
};

// A typed expression result: an rvalue (`v`) or an lvalue (`addr`).
struct Val {
  TypeId type;  // invalid: an error was already reported
  ValueId v;
  ValueId addr;
  bool lvalue = false;
  bool is_const = false;
  bool pointee_const = false;
  VarInfo* var = nullptr;
  std::optional<ConstVal> cval;
  SourceLocation loc;
  SourceLocation origin;
  bool ok() const { return type.valid(); }
};

struct TypedefInfo {
  TypeId type;
  bool is_const = false;
  bool pointee_const = false;
};

struct ResolvedType {
  TypeId type;
  bool is_const = false;       // top level
  bool pointee_const = false;  // first pointer level's pointee
  bool is_restrict = false;
  bool unsized = false;  // `T a[]`
  bool ok() const { return type.valid(); }
};

const char* space_words(AddressSpace s) {
  switch (s) {
    case AddressSpace::Global:
      return "global memory";
    case AddressSpace::Shared:
      return "shared memory";
    case AddressSpace::Private:
      return "private (local) memory";
    case AddressSpace::Constant:
      return "constant memory";
  }
  return "?";
}

class Lowerer {
 public:
  Lowerer(const TranslationUnit& unit, const FrontendOptions& options, DiagnosticEngine& diags)
      : unit_(unit),
        opts_(options),
        diags_(diags),
        module_(std::make_unique<ir::Module>()),
        t_(module_->types),
        b_(*module_) {}

  std::unique_ptr<ir::Module> run() {
    for (const TopLevel& item : unit_.items) {
      if (item.struct_decl)
        declare_struct(*item.struct_decl);
      else if (item.typedef_decl)
        declare_typedef(*item.typedef_decl);
      else if (item.var)
        declare_file_var(*item.var);
      else if (item.function)
        declare_function(*item.function);
    }
    // Kernels in source order; device functions are lowered when first called, per combination
    // of pointer-argument address spaces. Device functions no kernel calls are still checked.
    for (const FunctionDecl* f : function_order_)
      if (f->is_global && f->body) instantiate(f, {}, f->loc);
    for (const FunctionDecl* f : function_order_)
      if (!f->is_global && f->body && !instantiated_any_.count(f)) {
        std::vector<AddressSpace> spaces(f->params.size(), AddressSpace::Global);
        instantiate(f, spaces, f->loc);
      }
    if (diags_.has_errors()) return nullptr;
    return std::move(module_);
  }

 private:
  const TranslationUnit& unit_;
  const FrontendOptions& opts_;
  DiagnosticEngine& diags_;
  std::unique_ptr<ir::Module> module_;
  ir::TypeTable& t_;
  ir::Builder b_;
  SourceLocation loc_;

  std::unordered_map<std::string, TypedefInfo> typedefs_;
  std::unordered_map<std::string, const StructDecl*> struct_decls_;
  std::deque<VarInfo> var_storage_;
  std::unordered_map<std::string, VarInfo*> file_vars_;
  std::unordered_map<std::string, const FunctionDecl*> functions_;  // the definition, else a decl
  std::vector<const FunctionDecl*> function_order_;
  std::map<std::pair<const FunctionDecl*, std::string>, uint32_t> instances_;
  std::unordered_map<const FunctionDecl*, bool> instantiated_any_;
  std::unordered_map<const VarDecl*, uint32_t> shared_vars_;
  std::vector<const FunctionDecl*> active_;  // functions being lowered (for recursion)
  std::set<std::string> reported_cycles_;

  struct FuncState {
    const FunctionDecl* decl = nullptr;
    ir::Function* fn = nullptr;
    TypeId ret;
    bool ret_space_pending = false;
    SourceLocation ret_origin;
    std::vector<std::unordered_map<std::string, VarInfo*>> scopes;
    int loop_depth = 0;
    size_t var_pos = 0;
  };
  std::vector<FuncState> funcs_;
  FuncState& fs() { return funcs_.back(); }
  bool in_function() const { return !funcs_.empty(); }

  // --- diagnostics
  // ---------------------------------------------------------------------------------
  Diagnostic& error(SourceLocation loc, std::string msg) {
    return diags_.error(loc, std::move(msg));
  }
  void warning(SourceLocation loc, std::string msg) { diags_.warning(loc, std::move(msg)); }
  Val fail() { return Val{}; }

  // --- type names for diagnostics
  // -------------------------------------------------------------------
  std::string c_name(TypeId t, bool pointee_const = false) const {
    if (!t.valid()) return "<error>";
    const ir::TypeInfo& i = t_.info(t);
    switch (i.kind) {
      case TypeKind::Void:
        return "void";
      case TypeKind::Bool:
        return "bool";
      case TypeKind::Int:
        switch (i.width) {
          case 8:
            return i.is_signed ? "char" : "unsigned char";
          case 16:
            return i.is_signed ? "short" : "unsigned short";
          case 32:
            return i.is_signed ? "int" : "unsigned int";
          default:
            return i.is_signed ? "long long" : "unsigned long long";
        }
      case TypeKind::Float:
        return i.width == 64 ? "double" : i.width == 32 ? "float" : "half";
      case TypeKind::Vector: {
        const ir::TypeInfo& e = t_.info(i.element);
        std::string base = e.kind == TypeKind::Float ? (e.width == 64 ? "double" : "float")
                           : e.width == 64           ? (e.is_signed ? "longlong" : "ulonglong")
                           : e.is_signed             ? "int"
                                                     : "uint";
        return base + std::to_string(i.count);
      }
      case TypeKind::Array:
        return c_name(i.element) + "[" + std::to_string(i.count) + "]";
      case TypeKind::Struct:
        return i.name;
      case TypeKind::Pointer:
        return (pointee_const ? "const " : "") + c_name(i.element) + " *";
    }
    return "?";
  }
  std::string q(TypeId t, bool pc = false) const { return "'" + c_name(t, pc) + "'"; }

  // --- types
  // -----------------------------------------------------------------------------------------
  TypeId vec(TypeId e, uint32_t n) { return t_.vector_type(e, n); }

  // The type a base spelling names; invalid (after reporting) when unknown.
  TypedefInfo resolve_base(const std::string& base, SourceLocation loc) {
    static const std::unordered_map<std::string, std::pair<int, int>> ints = {
        {"char", {8, 1}},
        {"signed char", {8, 1}},
        {"unsigned char", {8, 0}},
        {"short", {16, 1}},
        {"unsigned short", {16, 0}},
        {"int", {32, 1}},
        {"unsigned int", {32, 0}},
        {"long", {64, 1}},
        {"unsigned long", {64, 0}},
        {"long long", {64, 1}},
        {"unsigned long long", {64, 0}},
        {"size_t", {64, 0}},
        {"ptrdiff_t", {64, 1}},
        {"int8_t", {8, 1}},
        {"uint8_t", {8, 0}},
        {"int16_t", {16, 1}},
        {"uint16_t", {16, 0}},
        {"int32_t", {32, 1}},
        {"uint32_t", {32, 0}},
        {"int64_t", {64, 1}},
        {"uint64_t", {64, 0}},
    };
    if (auto it = ints.find(base); it != ints.end())
      return {t_.int_type(it->second.first, it->second.second != 0)};
    if (base == "void") return {t_.void_type()};
    if (base == "bool") return {t_.bool_type()};
    if (base == "float") return {t_.f32()};
    if (base == "double") return {t_.f64()};
    static const std::unordered_map<std::string, std::pair<char, int>> vecs = {
        {"float2", {'f', 2}},     {"float3", {'f', 3}}, {"float4", {'f', 4}},
        {"int2", {'i', 2}},       {"int3", {'i', 3}},   {"int4", {'i', 4}},
        {"uint2", {'u', 2}},      {"uint3", {'u', 3}},  {"uint4", {'u', 4}},
        {"double2", {'d', 2}},    {"dim3", {'u', 3}},   {"longlong2", {'l', 2}},
        {"ulonglong2", {'L', 2}},
    };
    if (auto it = vecs.find(base); it != vecs.end()) {
      TypeId e;
      switch (it->second.first) {
        case 'f':
          e = t_.f32();
          break;
        case 'd':
          e = t_.f64();
          break;
        case 'i':
          e = t_.i32();
          break;
        case 'u':
          e = t_.u32();
          break;
        case 'l':
          e = t_.i64();
          break;
        default:
          e = t_.u64();
          break;
      }
      return {vec(e, it->second.second)};
    }
    if (base.rfind("struct ", 0) == 0) {
      std::string name = base.substr(7);
      TypeId s = t_.find_struct(name);
      if (!s.valid())
        error(loc, "unknown struct '" + name + "' (structs must be defined before use)");
      return {s};
    }
    if (auto it = typedefs_.find(base); it != typedefs_.end()) return it->second;
    error(loc, "unknown type name '" + base + "'");
    return {};
  }

  // Resolves a written type. Pointers get the global address space as a placeholder: the real
  // space is inferred where the pointer is given a value. `[]` is allowed when `allow_unsized`.
  ResolvedType resolve(const TypeName* tn, bool allow_unsized = false) {
    ResolvedType r;
    if (!tn) return r;
    TypedefInfo base = resolve_base(tn->base, tn->loc);
    if (!base.type.valid()) return r;
    TypeId t = base.type;
    bool cur_const = tn->base_const || base.is_const;
    bool cur_pointee_const = base.pointee_const;
    for (const TypeName::PointerLevel& p : tn->pointers) {
      if (t_.is_void(t)) {
        error(tn->loc, "'void *' pointers are not supported; use a typed pointer");
        return r;
      }
      cur_pointee_const = cur_const;
      cur_const = p.is_const;
      r.is_restrict = p.is_restrict;
      t = t_.pointer_type(t, AddressSpace::Global);
    }
    if (!tn->pointers.empty() && base.type != t) {
    }
    for (size_t i = tn->array_dims.size(); i-- > 0;) {
      const Expr* d = tn->array_dims[i];
      if (t_.is_void(t)) {
        error(tn->loc, "arrays of void are not allowed");
        return r;
      }
      if (!d) {
        if (i == 0 && allow_unsized) {
          r.unsized = true;
          continue;
        }
        error(
            tn->loc,
            "array size missing (only the first dimension of an initialized array may be omitted)");
        return r;
      }
      std::optional<ConstVal> c = eval_const(d);
      if (!c || c->is_float) {
        error(d->loc, "array size is not an integer constant expression");
        return r;
      }
      int64_t n = signed_value(*c);
      if (n <= 0) {
        error(d->loc, "array size must be positive (found " + std::to_string(n) + ")");
        return r;
      }
      if (n > (int64_t{1} << 28)) {
        error(d->loc, "array size " + std::to_string(n) + " is too large");
        return r;
      }
      t = t_.array_type(t, static_cast<uint32_t>(n));
    }
    r.type = t;
    r.is_const = cur_const;
    r.pointee_const = cur_pointee_const;
    return r;
  }

  bool is_arith(TypeId t) const { return t_.is_int(t) || t_.is_float(t) || t_.is_bool(t); }
  uint32_t width(TypeId t) const { return t_.info(t).width; }
  bool is_signed(TypeId t) const { return t_.is_int(t) && t_.info(t).is_signed; }

  // C11 6.3.1.1: integer promotions (bool, char, short -> int).
  TypeId promote(TypeId t) {
    if (t_.is_bool(t)) return t_.i32();
    if (t_.is_int(t) && width(t) < 32) return t_.i32();
    return t;
  }
  // C11 6.3.1.8: the usual arithmetic conversions.
  TypeId common_type(TypeId a, TypeId b) {
    if (t_.is_float(a) || t_.is_float(b)) {
      uint32_t wa = t_.is_float(a) ? width(a) : 0, wb = t_.is_float(b) ? width(b) : 0;
      return t_.float_type(std::max(wa, wb));
    }
    a = promote(a);
    b = promote(b);
    if (a == b) return a;
    if (is_signed(a) == is_signed(b)) return width(a) >= width(b) ? a : b;
    TypeId s = is_signed(a) ? a : b, u = is_signed(a) ? b : a;
    if (width(u) >= width(s)) return u;
    return s;  // the signed type is wider and represents every value of the unsigned one
  }

  // --- constants
  // -------------------------------------------------------------------------------------
  int64_t signed_value(const ConstVal& c) const {
    if (c.is_float) return static_cast<int64_t>(c.f);
    if (t_.is_bool(c.type)) return static_cast<int64_t>(c.u);
    uint32_t w = width(c.type);
    if (is_signed(c.type) && w < 64 && (c.u >> (w - 1)) & 1)
      return static_cast<int64_t>(c.u | (~uint64_t{0} << w));
    return static_cast<int64_t>(c.u);
  }
  double float_value(const ConstVal& c) const {
    if (c.is_float) return c.f;
    if (is_signed(c.type)) return static_cast<double>(signed_value(c));
    return static_cast<double>(c.u);
  }
  ConstVal make_int_const(TypeId t, uint64_t bits) {
    ConstVal c;
    c.type = t;
    uint32_t w = t_.is_bool(t) ? 1 : width(t);
    c.u = w >= 64 ? bits : bits & ((uint64_t{1} << w) - 1);
    return c;
  }
  ConstVal convert_const(const ConstVal& c, TypeId to) {
    if (t_.is_bool(to)) return make_int_const(to, c.is_float ? c.f != 0 : c.u != 0);
    if (t_.is_float(to)) {
      ConstVal r;
      r.type = to;
      r.is_float = true;
      r.f = float_value(c);
      if (width(to) == 32) r.f = static_cast<double>(static_cast<float>(r.f));
      return r;
    }
    if (c.is_float) {
      double v = std::trunc(c.f);
      uint64_t bits = 0;
      if (std::isnan(v))
        bits = 0;
      else if (is_signed(to))
        bits = static_cast<uint64_t>(v >= 9.2e18    ? INT64_MAX
                                     : v <= -9.2e18 ? INT64_MIN
                                                    : static_cast<int64_t>(v));
      else
        bits = v <= 0        ? static_cast<uint64_t>(static_cast<int64_t>(v))
               : v >= 1.8e19 ? UINT64_MAX
                             : static_cast<uint64_t>(v);
      return make_int_const(to, bits);
    }
    return make_int_const(to, static_cast<uint64_t>(signed_value(c)));
  }

  // C11 6.4.4.1: the type of an integer constant from its value and suffix.
  std::optional<ConstVal> int_literal(const std::string& text, SourceLocation loc) {
    size_t n = text.size();
    size_t end = n;
    while (end > 0 && std::strchr("uUlL", text[end - 1])) --end;
    std::string digits = text.substr(0, end), suffix = text.substr(end);
    bool has_u = false;
    int longs = 0;
    for (char c : suffix) {
      if (c == 'u' || c == 'U') {
        if (has_u) longs = 99;
        has_u = true;
      } else {
        ++longs;
      }
    }
    if (longs > 2 || (longs == 2 && suffix.find("lL") != std::string::npos) ||
        (longs == 2 && suffix.find("Ll") != std::string::npos)) {
      error(loc, "invalid suffix '" + suffix + "' on integer constant");
      return std::nullopt;
    }
    int base = 10;
    std::string body = digits;
    if (body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
      base = 16;
      body = body.substr(2);
    } else if (body.size() > 1 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
      base = 2;
      body = body.substr(2);
    } else if (body.size() > 1 && body[0] == '0') {
      base = 8;
      body = body.substr(1);
    }
    body.erase(std::remove(body.begin(), body.end(), '\''), body.end());
    if (body.empty()) {
      error(loc, "invalid integer constant '" + text + "'");
      return std::nullopt;
    }
    unsigned __int128 v = 0;
    for (char c : body) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : 99;
      if (d >= base) {
        error(loc, "invalid digit '" + std::string(1, c) + "' in " +
                       (base == 8    ? "octal"
                        : base == 2  ? "binary"
                        : base == 16 ? "hexadecimal"
                                     : "decimal") +
                       " constant");
        return std::nullopt;
      }
      v = v * base + d;
      if (v > UINT64_MAX) {
        error(loc, "integer literal is too large to be represented in any integer type");
        return std::nullopt;
      }
    }
    uint64_t u = static_cast<uint64_t>(v);
    bool decimal = base == 10;
    TypeId t;
    auto fits_i32 = u <= INT32_MAX, fits_u32 = u <= UINT32_MAX, fits_i64 = u <= INT64_MAX;
    if (!has_u && longs == 0) {
      if (fits_i32)
        t = t_.i32();
      else if (!decimal && fits_u32)
        t = t_.u32();
      else if (fits_i64)
        t = t_.i64();
      else if (!decimal)
        t = t_.u64();
    } else if (has_u && longs == 0) {
      t = fits_u32 ? t_.u32() : t_.u64();
    } else if (!has_u) {
      if (fits_i64)
        t = t_.i64();
      else if (!decimal)
        t = t_.u64();
    } else {
      t = t_.u64();
    }
    if (!t.valid()) {
      warning(loc,
              "integer literal is too large to be represented in a signed integer type, "
              "interpreting as unsigned");
      t = t_.u64();
    }
    return make_int_const(t, u);
  }

  std::optional<ConstVal> float_literal(const std::string& text, SourceLocation loc) {
    std::string body = text;
    TypeId t = t_.f64();
    char last = body.empty() ? 0 : body.back();
    bool hex = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
    if (last == 'f' || last == 'F') {
      if (!hex || body.find_first_of("pP") != std::string::npos) {
        t = t_.f32();
        body.pop_back();
      }
    } else if (last == 'l' || last == 'L') {
      error(loc, "'long double' is not supported on GPUs");
      return std::nullopt;
    }
    errno = 0;
    char* endp = nullptr;
    double v = std::strtod(body.c_str(), &endp);
    if (endp == body.c_str() || *endp != '\0') {
      error(loc, "invalid floating-point constant '" + text + "'");
      return std::nullopt;
    }
    ConstVal c;
    c.type = t;
    c.is_float = true;
    c.f = v;
    if (t == t_.f32()) {
      float fv = static_cast<float>(v);
      if (std::isinf(fv) && !std::isinf(v))
        warning(loc,
                "magnitude of floating-point constant too large for type 'float'; maximum is "
                "3.40282347E+38");
      c.f = fv;
    } else if (std::isinf(v) && errno == ERANGE) {
      warning(loc,
              "magnitude of floating-point constant too large for type 'double'; maximum is "
              "1.7976931348623157E+308");
    }
    return c;
  }

  VarInfo* lookup(const std::string& name) {
    if (in_function())
      for (size_t i = fs().scopes.size(); i-- > 0;) {
        auto it = fs().scopes[i].find(name);
        if (it != fs().scopes[i].end()) return it->second;
      }
    auto it = file_vars_.find(name);
    return it == file_vars_.end() ? nullptr : it->second;
  }

  std::optional<ConstVal> fold_binary(BinaryOp op, ConstVal a, ConstVal b) {
    if (op == BinaryOp::LogAnd || op == BinaryOp::LogOr) {
      bool x = a.is_float ? a.f != 0 : a.u != 0, y = b.is_float ? b.f != 0 : b.u != 0;
      return make_int_const(t_.bool_type(), op == BinaryOp::LogAnd ? (x && y) : (x || y));
    }
    if (op == BinaryOp::Shl || op == BinaryOp::Shr) {
      if (a.is_float || b.is_float) return std::nullopt;
      TypeId t = promote(a.type);
      ConstVal x = convert_const(a, t);
      int64_t n = signed_value(b);
      if (n < 0 || n >= static_cast<int64_t>(width(t))) return std::nullopt;
      if (op == BinaryOp::Shl) return make_int_const(t, x.u << n);
      if (is_signed(t)) return make_int_const(t, static_cast<uint64_t>(signed_value(x) >> n));
      return make_int_const(t, x.u >> n);
    }
    TypeId t = common_type(a.type, b.type);
    ConstVal x = convert_const(a, t), y = convert_const(b, t);
    bool cmp = op == BinaryOp::Lt || op == BinaryOp::Gt || op == BinaryOp::Le ||
               op == BinaryOp::Ge || op == BinaryOp::Eq || op == BinaryOp::Ne;
    if (t_.is_float(t)) {
      double p = x.f, r = y.f, res = 0;
      switch (op) {
        case BinaryOp::Add:
          res = p + r;
          break;
        case BinaryOp::Sub:
          res = p - r;
          break;
        case BinaryOp::Mul:
          res = p * r;
          break;
        case BinaryOp::Div:
          res = p / r;
          break;
        case BinaryOp::Lt:
          return make_int_const(t_.bool_type(), p < r);
        case BinaryOp::Gt:
          return make_int_const(t_.bool_type(), p > r);
        case BinaryOp::Le:
          return make_int_const(t_.bool_type(), p <= r);
        case BinaryOp::Ge:
          return make_int_const(t_.bool_type(), p >= r);
        case BinaryOp::Eq:
          return make_int_const(t_.bool_type(), p == r);
        case BinaryOp::Ne:
          return make_int_const(t_.bool_type(), p != r);
        default:
          return std::nullopt;
      }
      ConstVal c;
      c.type = t;
      c.is_float = true;
      c.f = width(t) == 32 ? static_cast<float>(res) : res;
      return c;
    }
    bool s = is_signed(t);
    int64_t sp = signed_value(x), sr = signed_value(y);
    uint64_t up = x.u, ur = y.u, res = 0;
    switch (op) {
      case BinaryOp::Add:
        res = up + ur;
        break;
      case BinaryOp::Sub:
        res = up - ur;
        break;
      case BinaryOp::Mul:
        res = up * ur;
        break;
      case BinaryOp::Div:
      case BinaryOp::Rem:
        if (ur == 0) return std::nullopt;
        if (s) {
          if (sr == -1)
            res = op == BinaryOp::Div ? static_cast<uint64_t>(0) - up : 0;
          else
            res = static_cast<uint64_t>(op == BinaryOp::Div ? sp / sr : sp % sr);
        } else {
          res = op == BinaryOp::Div ? up / ur : up % ur;
        }
        break;
      case BinaryOp::BitAnd:
        res = up & ur;
        break;
      case BinaryOp::BitOr:
        res = up | ur;
        break;
      case BinaryOp::BitXor:
        res = up ^ ur;
        break;
      default:
        if (cmp) {
          bool v = false;
          switch (op) {
            case BinaryOp::Lt:
              v = s ? sp < sr : up < ur;
              break;
            case BinaryOp::Gt:
              v = s ? sp > sr : up > ur;
              break;
            case BinaryOp::Le:
              v = s ? sp <= sr : up <= ur;
              break;
            case BinaryOp::Ge:
              v = s ? sp >= sr : up >= ur;
              break;
            case BinaryOp::Eq:
              v = up == ur;
              break;
            default:
              v = up != ur;
              break;
          }
          return make_int_const(t_.bool_type(), v);
        }
        return std::nullopt;
    }
    return make_int_const(t, res);
  }

  // Evaluates a constant expression (array sizes, attributes, initializers of constants).
  std::optional<ConstVal> eval_const(const Expr* e) {
    if (!e) return std::nullopt;
    switch (e->kind) {
      case ExprKind::IntLit:
        if (e->bool_value)
          return make_int_const(t_.i32(), static_cast<uint64_t>(std::stoll(e->text)));
        return int_literal(e->text, e->loc);
      case ExprKind::FloatLit:
        return float_literal(e->text, e->loc);
      case ExprKind::BoolLit:
        return make_int_const(t_.bool_type(), e->bool_value);
      case ExprKind::Ident: {
        VarInfo* v = lookup(e->text);
        if (v && v->constant) return v->constant;
        return std::nullopt;
      }
      case ExprKind::Unary: {
        auto a = eval_const(e->lhs);
        if (!a) return std::nullopt;
        switch (e->unary) {
          case UnaryOp::Plus:
            return a->is_float ? a : std::optional(convert_const(*a, promote(a->type)));
          case UnaryOp::Neg: {
            if (a->is_float) {
              a->f = -a->f;
              return a;
            }
            ConstVal p = convert_const(*a, promote(a->type));
            return make_int_const(p.type, 0 - p.u);
          }
          case UnaryOp::BitNot: {
            if (a->is_float) return std::nullopt;
            ConstVal p = convert_const(*a, promote(a->type));
            return make_int_const(p.type, ~p.u);
          }
          case UnaryOp::Not:
            return make_int_const(t_.bool_type(), a->is_float ? a->f == 0 : a->u == 0);
          default:
            return std::nullopt;
        }
      }
      case ExprKind::Binary: {
        auto a = eval_const(e->lhs);
        if (!a) return std::nullopt;
        auto b = eval_const(e->rhs);
        if (!b) return std::nullopt;
        return fold_binary(e->binary, *a, *b);
      }
      case ExprKind::Cond: {
        auto c = eval_const(e->lhs);
        if (!c) return std::nullopt;
        bool t = c->is_float ? c->f != 0 : c->u != 0;
        auto x = eval_const(e->rhs), y = eval_const(e->third);
        if (!x || !y) return std::nullopt;
        TypeId ct = common_type(x->type, y->type);
        return convert_const(t ? *x : *y, ct);
      }
      case ExprKind::Cast: {
        if (!e->lhs || e->args.size() > 1) return std::nullopt;
        auto a = eval_const(e->lhs);
        if (!a) return std::nullopt;
        ResolvedType r = resolve(e->type);
        if (!r.ok() || !is_arith(r.type)) return std::nullopt;
        return convert_const(*a, r.type);
      }
      case ExprKind::SizeofType: {
        ResolvedType r = resolve(e->type);
        if (!r.ok()) return std::nullopt;
        return make_int_const(t_.u64(), t_.info(r.type).size);
      }
      default:
        return std::nullopt;
    }
  }

  // --- file-scope declarations
  // -----------------------------------------------------------------------
  void declare_struct(const StructDecl& sd) {
    if (t_.find_struct(sd.name).valid() || typedefs_.count(sd.name)) {
      error(sd.loc, "redefinition of '" + sd.name + "'");
      return;
    }
    std::vector<ir::StructMember> members;
    std::set<std::string> names;
    for (const StructDecl::Member& m : sd.members) {
      ResolvedType r = resolve(m.type);
      if (!r.ok()) return;
      if (t_.is_void(r.type)) {
        error(m.loc, "struct member '" + m.name + "' has type void");
        return;
      }
      if (!names.insert(m.name).second) {
        error(m.loc, "duplicate member '" + m.name + "'");
        return;
      }
      members.push_back({m.name, r.type, 0});
    }
    if (members.empty()) {
      error(sd.loc, "empty structs are not supported");
      return;
    }
    TypeId s = t_.struct_type(sd.name, std::move(members));
    if (!s.valid()) error(sd.loc, "redefinition of struct '" + sd.name + "'");
    struct_decls_[sd.name] = &sd;
  }

  void declare_typedef(const TypedefDecl& td) {
    ResolvedType r = resolve(td.type);
    if (!r.ok()) return;
    auto it = typedefs_.find(td.name);
    if (it != typedefs_.end() && it->second.type != r.type) {
      error(td.loc, "typedef redefinition with different types");
      return;
    }
    typedefs_[td.name] = TypedefInfo{r.type, r.is_const, r.pointee_const};
  }

  std::string unique_global_name(std::string name) {
    if (module_->find_global(name) < 0 && module_->find_function(name) < 0) return name;
    for (int i = 1;; ++i) {
      std::string n = name + "." + std::to_string(i);
      if (module_->find_global(n) < 0 && module_->find_function(n) < 0) return n;
    }
  }

  // Writes the C layout bytes of constant initializer `init` for type `t` at `offset`.
  bool const_bytes(const Expr* init, TypeId t, std::vector<uint8_t>& out, size_t offset) {
    // A copy: eval_const and the recursion intern types (a double literal's f64), which may grow
    // the type table and move its entries (pipeline fuzzer, 2026-11-25: heap-use-after-free).
    const ir::TypeInfo ti = t_.info(t);
    if (ti.kind == TypeKind::Array || ti.kind == TypeKind::Struct || ti.kind == TypeKind::Vector) {
      if (!init || init->kind != ExprKind::InitList) {
        error(init ? init->loc : SourceLocation{},
              "an initializer list '{...}' is needed for " + q(t));
        return false;
      }
      size_t n = ti.kind == TypeKind::Struct ? ti.members.size() : ti.count;
      if (init->args.size() > n) {
        error(init->args[n]->loc, "excess elements in initializer for " + q(t));
        return false;
      }
      for (size_t i = 0; i < init->args.size(); ++i) {
        TypeId et = ti.kind == TypeKind::Struct ? ti.members[i].type : ti.element;
        size_t off = ti.kind == TypeKind::Struct ? ti.members[i].offset : i * t_.info(et).size;
        if (!const_bytes(init->args[i], et, out, offset + off)) return false;
      }
      return true;
    }
    if (ti.kind == TypeKind::Pointer) {
      error(init->loc, "pointer constants are not supported");
      return false;
    }
    if (init->kind == ExprKind::InitList) {
      if (init->args.size() != 1) {
        error(init->loc, "scalar initializer must have exactly one element");
        return false;
      }
      init = init->args[0];
    }
    std::optional<ConstVal> c = eval_const(init);
    if (!c) {
      error(init->loc, "initializer of a constant is not a constant expression");
      return false;
    }
    ConstVal v = convert_const(*c, t);
    check_constant_conversion(*c, v, init->loc);
    uint64_t bits = v.u;
    if (v.is_float) {
      if (ti.width == 64)
        bits = std::bit_cast<uint64_t>(v.f);
      else
        bits = std::bit_cast<uint32_t>(static_cast<float>(v.f));
    }
    for (uint32_t i = 0; i < ti.size; ++i) out[offset + i] = static_cast<uint8_t>(bits >> (8 * i));
    return true;
  }

  void declare_file_var(const VarDecl& v) {
    if (file_vars_.count(v.name) || functions_.count(v.name)) {
      error(v.loc, "redefinition of '" + v.name + "'");
      return;
    }
    ResolvedType r = resolve(v.type, v.init != nullptr || v.is_extern);
    if (!r.ok()) return;
    if (v.is_shared) {
      if (v.is_extern || r.unsized) {
        error(v.loc,
              "dynamic shared memory ('extern __shared__') is not supported yet; give the array a "
              "constant size");
        return;
      }
      if (v.init) {
        error(v.init->loc, "initialization is not supported for __shared__ variables");
        return;
      }
      VarInfo& vi = var_storage_.emplace_back();
      vi.name = v.name;
      vi.loc = v.loc;
      vi.type = r.type;
      b_.set_location(v.loc);
      vi.global = static_cast<int>(b_.create_shared(unique_global_name(v.name), r.type));
      file_vars_[v.name] = &vi;
      return;
    }
    if (!v.is_constant && !r.is_const) {
      error(v.loc,
            "file-scope variables must be __constant__, const or __shared__ (global memory is "
            "reached through kernel pointer parameters)");
      return;
    }
    if (v.is_extern) {
      error(v.loc, "'extern' variables are not supported; gpuc compiles whole programs");
      return;
    }
    if (!v.init) {
      error(v.loc,
            "constant '" + v.name + "' needs an initializer (gpuc has no cudaMemcpyToSymbol)");
      return;
    }
    TypeId t = r.type;
    if (r.unsized) {
      if (v.init->kind != ExprKind::InitList) {
        error(v.init->loc, "an array needs an initializer list");
        return;
      }
      t = t_.array_type(t, static_cast<uint32_t>(std::max<size_t>(1, v.init->args.size())));
    }
    VarInfo& vi = var_storage_.emplace_back();
    vi.name = v.name;
    vi.loc = v.loc;
    vi.type = t;
    vi.is_const = true;
    if (!v.is_constant && is_arith(t)) {
      // A `const` scalar: folded into every use.
      std::optional<ConstVal> c = eval_const(
          v.init->kind == ExprKind::InitList && v.init->args.size() == 1 ? v.init->args[0]
                                                                         : v.init);
      if (!c) {
        error(v.init->loc, "initializer of a file-scope constant is not a constant expression");
        return;
      }
      ConstVal cv = convert_const(*c, t);
      check_constant_conversion(*c, cv, v.init->loc);
      vi.constant = cv;
      file_vars_[v.name] = &vi;
      return;
    }
    if (t_.is_pointer(t) || (t_.kind(t) == TypeKind::Array && t_.is_pointer(t_.info(t).element))) {
      error(v.loc, "pointer constants are not supported");
      return;
    }
    std::vector<uint8_t> bytes(t_.info(t).size, 0);
    if (!const_bytes(v.init, t, bytes, 0)) return;
    b_.set_location(v.loc);
    vi.global =
        static_cast<int>(b_.create_constant(unique_global_name(v.name), t, std::move(bytes)));
    file_vars_[v.name] = &vi;
  }

  void declare_function(const FunctionDecl& f) {
    if (!f.is_global && !f.is_device) {
      error(f.loc, "host function '" + f.name +
                       "' is not supported in a .gk file; mark it __device__ or __global__");
      return;
    }
    if (f.is_global && f.is_device) {
      error(f.loc, "a function cannot be both __global__ and __device__");
      return;
    }
    if (file_vars_.count(f.name)) {
      error(f.loc, "redefinition of '" + f.name + "' as a different kind of symbol");
      return;
    }
    if (find_builtin(f.name)) {
      error(f.loc, "'" + f.name + "' is a built-in function and cannot be redefined");
      return;
    }
    auto it = functions_.find(f.name);
    if (it != functions_.end()) {
      const FunctionDecl* prev = it->second;
      if (prev->params.size() != f.params.size() || prev->is_global != f.is_global) {
        Diagnostic& d = error(f.loc, "function overloading is not supported: '" + f.name +
                                         "' is already declared with a different signature");
        diags_.note(d, prev->loc, "previous declaration is here");
        return;
      }
      if (prev->body && f.body) {
        Diagnostic& d = error(f.loc, "redefinition of '" + f.name + "'");
        diags_.note(d, prev->loc, "previous definition is here");
        return;
      }
      if (f.body) {
        functions_[f.name] = &f;
        std::replace(function_order_.begin(), function_order_.end(), prev, &f);
      }
      return;
    }
    functions_[f.name] = &f;
    function_order_.push_back(&f);
  }

  // --- functions
  // ---------------------------------------------------------------------------------------
  static char space_letter(AddressSpace s) {
    switch (s) {
      case AddressSpace::Global:
        return 'g';
      case AddressSpace::Shared:
        return 's';
      case AddressSpace::Private:
        return 'p';
      case AddressSpace::Constant:
        return 'c';
    }
    return '?';
  }

  // Returns the module index of `f` lowered for pointer parameters in `spaces` (one per parameter;
  // ignored for non-pointers), lowering it on first use; -1 after an error.
  int instantiate(const FunctionDecl* f, const std::vector<AddressSpace>& spaces,
                  SourceLocation at) {
    std::string key;
    for (size_t i = 0; i < f->params.size(); ++i)
      key += i < spaces.size() ? space_letter(spaces[i]) : 'g';
    if (std::find(active_.begin(), active_.end(), f) != active_.end()) return -2;  // recursion
    auto it = instances_.find({f, key});
    if (it != instances_.end()) return static_cast<int>(it->second);
    instantiated_any_[f] = true;

    // Parameter types with their inferred spaces.
    struct P {
      ResolvedType r;
      const ParamDecl* decl;
    };
    std::vector<P> params;
    bool ok = true;
    for (size_t i = 0; i < f->params.size(); ++i) {
      const ParamDecl* pd = f->params[i];
      ResolvedType r = resolve(pd->type, true);
      if (!r.ok()) {
        ok = false;
        continue;
      }
      if (t_.kind(r.type) == TypeKind::Array || r.unsized) {
        // C11 6.7.6.3p7: an array parameter is a pointer to its element.
        TypeId elem = r.unsized ? r.type : t_.info(r.type).element;
        if (!r.unsized && t_.kind(r.type) == TypeKind::Array) elem = t_.info(r.type).element;
        r.pointee_const = r.is_const;
        r.is_const = false;
        r.type = t_.pointer_type(elem, AddressSpace::Global);
      }
      if (t_.is_void(r.type)) {
        error(pd->loc, "parameter has type void");
        ok = false;
        continue;
      }
      if (t_.is_pointer(r.type)) {
        AddressSpace s = i < spaces.size() ? spaces[i] : AddressSpace::Global;
        r.type = t_.pointer_type(t_.pointee(r.type), s);
      }
      params.push_back({r, pd});
    }
    ResolvedType ret = resolve(f->return_type);
    if (!ret.ok() || !ok) return -1;
    if (f->is_global && !t_.is_void(ret.type)) {
      error(f->return_type->loc, "a __global__ function must have a void return type (kernel '" +
                                     f->name + "' returns " + q(ret.type) + ")");
      return -1;
    }
    if (t_.kind(ret.type) == TypeKind::Array) {
      error(f->return_type->loc, "functions cannot return arrays");
      return -1;
    }

    std::string name = f->name;
    if (module_->find_function(name) >= 0 || module_->find_global(name) >= 0) {
      std::string suffix;
      for (size_t i = 0; i < params.size(); ++i)
        if (t_.is_pointer(params[i].r.type)) suffix += space_letter(t_.space(params[i].r.type));
      name = unique_global_name(f->name + "." + (suffix.empty() ? std::string("v") : suffix));
    }

    ir::InsertionGuard guard(b_);
    SourceLocation saved_loc = loc_;
    set_loc(f->loc);
    ir::Function& fn = f->is_global ? b_.create_kernel(name) : b_.create_function(name, ret.type);
    fn.loc = f->loc;
    fn.force_inline = f->force_inline && !f->is_global;
    uint32_t index = module_->index_of(fn);
    instances_[{f, key}] = index;
    if (f->is_global)
      lower_kernel_attributes(*f, fn);
    else if (f->launch_bounds[0] || f->block[0])
      error(f->launch_bounds[0] ? f->launch_bounds_loc : f->block_loc,
            "__launch_bounds__ and [[gpuc::block]] apply to __global__ functions only");

    funcs_.emplace_back();
    fs().decl = f;
    fs().fn = &fn;
    fs().ret = ret.type;
    fs().ret_space_pending = t_.is_pointer(ret.type);
    fs().scopes.emplace_back();
    active_.push_back(f);
    // Parameters are used directly unless the body assigns them or takes their address (then
    // they are copied into a var).
    std::set<std::string> modified;
    collect_modified(f->body, modified);
    std::vector<ValueId> values;
    std::set<std::string> seen;
    for (const P& p : params) {
      bool ptr = t_.is_pointer(p.r.type);
      values.push_back(
          b_.add_param(p.decl->name.empty() ? "arg" + std::to_string(values.size()) : p.decl->name,
                       p.r.type, ptr && p.r.pointee_const, ptr && p.r.is_restrict));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const P& p = params[i];
      if (p.decl->name.empty()) continue;
      if (!seen.insert(p.decl->name).second) {
        error(p.decl->loc, "redefinition of parameter '" + p.decl->name + "'");
        continue;
      }
      set_loc(p.decl->loc);
      VarInfo& vi = var_storage_.emplace_back();
      vi.name = p.decl->name;
      vi.loc = p.decl->loc;
      vi.type = p.r.type;
      vi.is_const = p.r.is_const;
      vi.pointee_const = p.r.pointee_const;
      vi.owner = &fn;
      vi.origin = p.decl->loc;
      if (modified.count(vi.name)) {
        vi.addr = entry_var(p.r.type);
        b_.create_store(vi.addr, values[i]);
      } else {
        vi.direct = values[i];
      }
      fs().scopes.back()[vi.name] = &vi;
    }
    lower_block_body(f->body);
    // Falling off the end: void functions return; others reach `unreachable` (C11 6.9.1p12).
    if (!b_.block_terminated()) {
      set_loc(f->body->end_loc.valid() ? f->body->end_loc : f->loc);
      if (t_.is_void(fn.return_type)) {
        b_.create_return();
      } else {
        if (!always_returns(f->body))
          warning(
              f->body->end_loc.valid() ? f->body->end_loc : f->loc,
              "non-void function '" + f->name + "' does not return a value in all control paths");
        b_.create(Op::Unreachable, t_.void_type());
      }
    }
    active_.pop_back();
    funcs_.pop_back();
    loc_ = saved_loc;
    b_.set_location(loc_);
    (void)at;
    return static_cast<int>(index);
  }

  void lower_kernel_attributes(const FunctionDecl& f, ir::Function& fn) {
    if (f.launch_bounds[0]) {
      auto c = eval_const(f.launch_bounds[0]);
      if (!c || c->is_float || signed_value(*c) <= 0 || signed_value(*c) > 1024) {
        error(f.launch_bounds[0]->loc, "__launch_bounds__ needs a thread count from 1 to 1024");
      } else {
        fn.max_block_threads = static_cast<uint32_t>(signed_value(*c));
      }
      if (f.launch_bounds[1]) {
        auto m = eval_const(f.launch_bounds[1]);
        if (!m || m->is_float || signed_value(*m) < 0)
          error(f.launch_bounds[1]->loc,
                "__launch_bounds__ minimum blocks per multiprocessor must be a non-negative "
                "integer constant");
      }
    }
    if (f.block[0]) {
      uint64_t total = 1;
      for (int i = 0; i < 3; ++i) {
        uint32_t v = 1;
        if (f.block[i]) {
          auto c = eval_const(f.block[i]);
          if (!c || c->is_float || signed_value(*c) <= 0 || signed_value(*c) > 1024) {
            error(f.block[i]->loc,
                  "[[gpuc::block]] dimensions must be integer constants from 1 to 1024");
            return;
          }
          v = static_cast<uint32_t>(signed_value(*c));
        }
        fn.fixed_block[i] = v;
        total *= v;
      }
      if (total > 1024) {
        error(f.block_loc, "[[gpuc::block]] asks for " + std::to_string(total) +
                               " threads per block; the limit is 1024");
        fn.fixed_block = {0, 0, 0};
      } else if (fn.max_block_threads && total > fn.max_block_threads) {
        error(f.block_loc, "[[gpuc::block]] asks for " + std::to_string(total) +
                               " threads per block, more than __launch_bounds__(" +
                               std::to_string(fn.max_block_threads) + ")");
        fn.fixed_block = {0, 0, 0};
      }
    }
  }

  // Names that are assigned, incremented or address-taken anywhere in `s` (by name: shadowing
  // only makes this conservative).
  static void collect_modified(const Expr* e, std::set<std::string>& out) {
    if (!e) return;
    auto root = [](const Expr* x) {
      // `p[i] = v` writes through parameter p (parameters are never arrays); `s.a[i] = v` and
      // `s.x = v` modify a by-value struct parameter s.
      while (x && (x->kind == ExprKind::Member || x->kind == ExprKind::Index) &&
             !(x->kind == ExprKind::Member && x->arrow)) {
        if (x->kind == ExprKind::Index && x->lhs && x->lhs->kind == ExprKind::Ident)
          return static_cast<const Expr*>(nullptr);
        x = x->lhs;
      }
      return x;
    };
    bool writes = e->kind == ExprKind::Assign ||
                  (e->kind == ExprKind::Unary &&
                   (e->unary == UnaryOp::PreInc || e->unary == UnaryOp::PreDec ||
                    e->unary == UnaryOp::PostInc || e->unary == UnaryOp::PostDec ||
                    e->unary == UnaryOp::AddrOf));
    if (writes) {
      const Expr* r = root(e->lhs);
      if (r && r->kind == ExprKind::Ident) out.insert(r->text);
    }
    collect_modified(e->lhs, out);
    collect_modified(e->rhs, out);
    collect_modified(e->third, out);
    for (const Expr* a : e->args) collect_modified(a, out);
  }
  static void collect_modified(const Stmt* s, std::set<std::string>& out) {
    if (!s) return;
    for (const Stmt* c : s->body) collect_modified(c, out);
    for (const VarDecl* d : s->decls) collect_modified(d->init, out);
    collect_modified(s->expr, out);
    collect_modified(s->step, out);
    collect_modified(s->init, out);
    collect_modified(s->then_stmt, out);
    collect_modified(s->else_stmt, out);
  }

  static bool always_returns(const Stmt* s) {
    if (!s) return false;
    switch (s->kind) {
      case StmtKind::Return:
        return true;
      case StmtKind::Compound:
        for (const Stmt* c : s->body)
          if (always_returns(c)) return true;
        return false;
      case StmtKind::If:
        return s->else_stmt && always_returns(s->then_stmt) && always_returns(s->else_stmt);
      default:
        return false;
    }
  }

  void set_loc(SourceLocation l) {
    loc_ = l;
    b_.set_location(l);
  }

  // A `var` in the current function's entry block (vars are hoisted so every use is dominated).
  ValueId entry_var(TypeId t) {
    ir::Function& f = *fs().fn;
    ir::InsertionGuard g(b_);
    b_.set_insertion_point(f, f.body);
    ValueId v = b_.create_var(t);
    auto& insts = f.region(f.body).insts;
    ir::InstId id = insts.back();
    insts.pop_back();
    insts.insert(insts.begin() + static_cast<long>(fs().var_pos++), id);
    return v;
  }

  // Lowers statements that are never executed (after return/break/continue, or sizeof operands):
  // they are type-checked, then their insts are dropped.
  template <typename F>
  void discard_code(F&& body) {
    ir::Function* f = b_.function();
    ir::RegionId r = b_.region();
    size_t mark = f->inst_capacity();
    body();
    auto& insts = f->region(r).insts;
    std::erase_if(insts,
                  [&](ir::InstId id) { return id.index >= mark && f->inst(id).op != Op::Var; });
  }

  // --- statements
  // ---------------------------------------------------------------------------------------
  void lower_block_body(const Stmt* s) {
    for (const Stmt* st : s->body) stmt(st);
  }

  void stmt(const Stmt* s) {
    if (!s) return;
    if (b_.block_terminated()) {
      discard_code([&] { stmt_live(s); });
      return;
    }
    stmt_live(s);
  }

  void push_scope() { fs().scopes.emplace_back(); }
  void pop_scope() { fs().scopes.pop_back(); }

  void stmt_live(const Stmt* s) {
    set_loc(s->loc);
    switch (s->kind) {
      case StmtKind::Empty:
        return;
      case StmtKind::Compound:
        push_scope();
        for (const Stmt* st : s->body) stmt(st);
        pop_scope();
        return;
      case StmtKind::Decl:
        for (const VarDecl* v : s->decls) local_decl(*v);
        return;
      case StmtKind::Expr:
        expr(s->expr);
        return;
      case StmtKind::If: {
        ValueId c = condition(s->expr);
        if (!c.valid()) return;
        set_loc(s->loc);
        auto then_body = [&] {
          push_scope();
          stmt(s->then_stmt);
          pop_scope();
        };
        if (s->else_stmt) {
          b_.create_if(c, then_body, [&] {
            push_scope();
            stmt(s->else_stmt);
            pop_scope();
          });
        } else {
          b_.create_if(c, then_body);
        }
        return;
      }
      case StmtKind::While:
      case StmtKind::For: {
        push_scope();
        if (s->init) stmt(s->init);
        set_loc(s->loc);
        fs().loop_depth++;
        b_.create_loop(
            [&] {
              if (s->expr) {
                // `if !cond { break }` at the top of the body.
                ValueId c = condition(s->expr);
                if (c.valid()) {
                  set_loc(s->expr->loc);
                  ValueId nc = b_.create_unary(Op::Not, c);
                  b_.create_if(nc, [&] { b_.create_break(); });
                }
              }
              push_scope();
              stmt(s->then_stmt);
              pop_scope();
            },
            [&] {
              if (s->step) expr(s->step);
            },
            s->unroll);
        fs().loop_depth--;
        pop_scope();
        return;
      }
      case StmtKind::DoWhile: {
        fs().loop_depth++;
        b_.create_loop(
            [&] {
              push_scope();
              stmt(s->then_stmt);
              pop_scope();
            },
            [&] {
              // The condition runs in the continue region: `continue` re-tests it.
              ValueId c = condition(s->expr);
              if (c.valid()) {
                set_loc(s->expr->loc);
                b_.create_break_if(b_.create_unary(Op::Not, c));
              }
            },
            s->unroll);
        fs().loop_depth--;
        return;
      }
      case StmtKind::Break:
      case StmtKind::Continue:
        if (fs().loop_depth == 0) {
          error(s->loc, s->kind == StmtKind::Break ? "'break' statement not in loop statement"
                                                   : "'continue' statement not in loop statement");
          return;
        }
        if (s->kind == StmtKind::Break)
          b_.create_break();
        else
          b_.create_continue();
        return;
      case StmtKind::Return:
        return_stmt(s);
    }
  }

  void return_stmt(const Stmt* s) {
    TypeId rt = fs().ret;
    const FunctionDecl* d = fs().decl;
    if (!s->expr) {
      if (!t_.is_void(rt)) {
        error(s->loc, "non-void function '" + d->name + "' should return a value");
        return;
      }
      b_.create_return();
      return;
    }
    if (t_.is_void(rt)) {
      Val v = expr(s->expr);
      if (v.ok() && !t_.is_void(v.type)) {
        error(s->expr->loc,
              d->is_global ? "kernel '" + d->name +
                                 "' must not return a value (a __global__ function returns void)"
                           : "void function '" + d->name + "' should not return a value");
        return;
      }
      set_loc(s->loc);
      b_.create_return();
      return;
    }
    Val v = rvalue(expr(s->expr));
    if (!v.ok()) return;
    if (t_.is_pointer(rt) && t_.is_pointer(v.type)) {
      if (fs().ret_space_pending) {
        rt = t_.pointer_type(t_.pointee(rt), t_.space(v.type));
        fs().ret = rt;
        fs().fn->return_type = rt;
        fs().ret_space_pending = false;
        fs().ret_origin = s->expr->loc;
      } else if (t_.space(rt) != t_.space(v.type) && t_.pointee(rt) == t_.pointee(v.type)) {
        Diagnostic& dd = error(
            s->expr->loc, "function '" + d->name + "' returns pointers to two address spaces: " +
                              space_words(t_.space(rt)) + " and " + space_words(t_.space(v.type)));
        diags_.note(dd, fs().ret_origin,
                    std::string("returns a pointer to ") + space_words(t_.space(rt)) + " here");
        return;
      }
    }
    Val c = convert(v, rt, s->expr->loc, "return", false);
    if (!c.ok()) return;
    set_loc(s->loc);
    b_.create_return(c.v);
  }

  void local_decl(const VarDecl& v) {
    set_loc(v.loc);
    if (v.is_constant) {
      error(v.loc, "__constant__ variables must be declared at file scope");
      return;
    }
    if (v.is_static && !v.is_shared) {
      error(v.loc, "static local variables are not supported in device code");
      return;
    }
    ResolvedType r = resolve(v.type, v.init != nullptr || v.is_extern);
    if (!r.ok()) return;
    for (auto& scope = fs().scopes.back(); scope.count(v.name);) {
      Diagnostic& d = error(v.loc, "redefinition of '" + v.name + "'");
      diags_.note(d, scope[v.name]->loc, "previous definition is here");
      return;
    }
    if (t_.is_void(r.type)) {
      error(v.loc, "variable '" + v.name + "' has type void");
      return;
    }
    VarInfo& vi = var_storage_.emplace_back();
    vi.name = v.name;
    vi.loc = v.loc;
    vi.type = r.type;
    vi.is_const = r.is_const;
    vi.pointee_const = r.pointee_const;
    vi.owner = fs().fn;
    if (v.is_shared) {
      if (v.is_extern || r.unsized) {
        error(v.loc,
              "dynamic shared memory ('extern __shared__') is not supported yet; give the array a "
              "constant size");
        return;
      }
      if (v.init) {
        error(v.init->loc, "initialization is not supported for __shared__ variables");
        return;
      }
      auto it = shared_vars_.find(&v);
      if (it == shared_vars_.end()) {
        uint32_t g = b_.create_shared(unique_global_name(fs().decl->name + "." + v.name), r.type);
        it = shared_vars_.emplace(&v, g).first;
      }
      vi.global = static_cast<int>(it->second);
      fs().scopes.back()[v.name] = &vi;
      return;
    }
    if (r.unsized) {
      if (v.init->kind != ExprKind::InitList) {
        error(v.init->loc, "an array needs an initializer list");
        return;
      }
      vi.type =
          t_.array_type(r.type, static_cast<uint32_t>(std::max<size_t>(1, v.init->args.size())));
    }
    if (t_.is_pointer(vi.type)) {
      // The pointer's address space comes from its initializer (or first assignment).
      vi.space_pending = true;
      fs().scopes.back()[v.name] = &vi;
      if (v.init) {
        if (v.init->kind == ExprKind::InitList) {
          error(v.init->loc, "a pointer cannot be initialized with an initializer list");
          return;
        }
        Val rhs = rvalue(expr(v.init));
        if (!rhs.ok()) return;
        Val lhs = var_lvalue(vi, v.loc, rhs);
        if (!lhs.ok()) return;
        lhs.is_const = false;
        assign_to(lhs, rhs, v.init->loc, "initializing");
      }
      return;
    }
    vi.addr = entry_var(vi.type);
    // Scope starts after the declarator (C11 6.2.1p7) but the initializer may not use the variable
    // meaningfully; we register it after lowering the initializer.
    if (v.init) {
      Val lhs;
      lhs.type = vi.type;
      lhs.addr = vi.addr;
      lhs.lvalue = true;
      lhs.loc = v.loc;
      if (v.init->kind == ExprKind::InitList) {
        init_list(lhs, v.init);
      } else {
        Val rhs = expr(v.init);
        if (rhs.ok()) {
          Val c = convert(rhs, vi.type, v.init->loc, "initializing", false);
          if (c.ok()) {
            set_loc(v.loc);
            b_.create_store(vi.addr, c.v);
          }
          if (vi.is_const && is_arith(vi.type)) {
            if (auto k = eval_const(v.init)) vi.constant = convert_const(*k, vi.type);
          }
        }
      }
    } else if (vi.is_const && is_arith(vi.type)) {
      error(v.loc, "default initialization of an object of const type " + q(vi.type));
    }
    fs().scopes.back()[v.name] = &vi;
  }

  // Stores an initializer list into the aggregate at `dst` (missing elements are zero,
  // C11 6.7.9p21).
  void init_list(const Val& dst, const Expr* list) {
    TypeId t = dst.type;
    // A copy: create_member/create_elem intern pointer types, which may reallocate the type
    // table and leave a reference dangling (heap-use-after-free found by fuzz/pipeline_fuzzer).
    const ir::TypeInfo ti = t_.info(t);
    if (ti.kind != TypeKind::Array && ti.kind != TypeKind::Struct && ti.kind != TypeKind::Vector) {
      if (list->args.size() != 1) {
        error(list->loc, "scalar initializer must have exactly one element");
        return;
      }
      Val rhs = expr(list->args[0]);
      Val c = convert(rhs, t, list->args[0]->loc, "initializing", false);
      if (c.ok()) b_.create_store(dst.addr, c.v);
      return;
    }
    size_t n = ti.kind == TypeKind::Struct ? ti.members.size() : ti.count;
    if (list->args.size() > n) {
      error(list->args[n]->loc, "excess elements in initializer for " + q(t));
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      set_loc(i < list->args.size() ? list->args[i]->loc : list->loc);
      Val part;
      part.lvalue = true;
      if (ti.kind == TypeKind::Struct) {
        part.addr = b_.create_member(dst.addr, static_cast<uint32_t>(i));
        part.type = ti.members[i].type;
      } else {
        part.addr =
            b_.create_elem(dst.addr, b_.create_const_int(t_.i32(), static_cast<int64_t>(i)));
        part.type = ti.element;
      }
      if (i < list->args.size()) {
        const Expr* a = list->args[i];
        if (a->kind == ExprKind::InitList) {
          init_list(part, a);
        } else {
          Val rhs = expr(a);
          Val c = convert(rhs, part.type, a->loc, "initializing", false);
          if (c.ok()) b_.create_store(part.addr, c.v);
        }
      } else {
        zero_fill(part);
      }
    }
  }

  void zero_fill(const Val& dst) {
    const ir::TypeInfo ti = t_.info(dst.type);  // a copy, as in init_list
    if (ti.kind == TypeKind::Array || ti.kind == TypeKind::Struct || ti.kind == TypeKind::Vector) {
      size_t n = ti.kind == TypeKind::Struct ? ti.members.size() : ti.count;
      if (ti.kind == TypeKind::Array && n > 64) {
        // A loop rather than n stores.
        ValueId i = entry_var(t_.i32());
        b_.create_store(i, b_.create_const_int(t_.i32(), 0));
        b_.create_loop(
            [&] {
              ValueId iv = b_.create_load(i);
              ValueId done = b_.create_compare(
                  Op::Ge, iv, b_.create_const_int(t_.i32(), static_cast<int64_t>(n)));
              b_.create_if(done, [&] { b_.create_break(); });
              Val part;
              part.type = ti.element;
              part.addr = b_.create_elem(dst.addr, iv);
              zero_fill(part);
            },
            [&] {
              ValueId iv = b_.create_load(i);
              b_.create_store(i, b_.create_binary(Op::Add, iv, b_.create_const_int(t_.i32(), 1)));
            });
        return;
      }
      for (size_t k = 0; k < n; ++k) {
        Val part;
        if (ti.kind == TypeKind::Struct) {
          part.addr = b_.create_member(dst.addr, static_cast<uint32_t>(k));
          part.type = ti.members[k].type;
        } else {
          part.addr =
              b_.create_elem(dst.addr, b_.create_const_int(t_.i32(), static_cast<int64_t>(k)));
          part.type = ti.element;
        }
        zero_fill(part);
      }
      return;
    }
    if (ti.kind == TypeKind::Pointer) return;
    b_.create_store(dst.addr, zero_of(dst.type));
  }

  ValueId zero_of(TypeId t) {
    if (t_.is_float(t)) return b_.create_const_float(t, 0.0);
    if (t_.is_bool(t)) return b_.create_const_bool(false);
    return b_.create_const_int(t, 0);
  }

  // --- expressions: values
  // ------------------------------------------------------------------------------ The lvalue of
  // variable `vi`, creating a pointer variable whose space was pending: its space comes from `rhs`
  // (an assignment) or is global when it is read before any assignment.
  Val var_lvalue(VarInfo& vi, SourceLocation loc, const Val& rhs) {
    Val r;
    r.lvalue = true;
    r.loc = loc;
    r.var = &vi;
    r.is_const = vi.is_const;
    r.pointee_const = vi.pointee_const;
    if (vi.constant && vi.global < 0 && !vi.addr.valid()) {
      r.lvalue = false;
      r.type = vi.constant->type;
      r.cval = vi.constant;
      r.v = const_value(*vi.constant);
      return r;
    }
    if (vi.direct.valid()) {
      r.lvalue = false;
      r.var = nullptr;
      r.type = vi.type;
      r.v = vi.direct;
      r.origin = vi.origin;
      return r;
    }
    if (vi.global >= 0) {
      r.type = vi.type;
      r.addr = b_.create_global_addr(static_cast<uint32_t>(vi.global));
      if (module_->globals[static_cast<size_t>(vi.global)].space == AddressSpace::Constant)
        r.is_const = true;
      return r;
    }
    if (vi.space_pending) {
      AddressSpace s =
          rhs.ok() && t_.is_pointer(rhs.type) ? t_.space(rhs.type) : AddressSpace::Global;
      vi.type = t_.pointer_type(t_.pointee(vi.type), s);
      vi.origin = rhs.ok() ? rhs.loc : loc;
      if (!vi.origin.valid()) vi.origin = loc;
      vi.addr = entry_var(vi.type);
      vi.space_pending = false;
    }
    r.type = vi.type;
    r.addr = vi.addr;
    r.origin = vi.origin;
    return r;
  }

  ValueId const_value(const ConstVal& c) {
    if (c.is_float) return b_.create_const_float(c.type, c.f);
    if (t_.is_bool(c.type)) return b_.create_const_bool(c.u != 0);
    return b_.create_const_bits(c.type, c.u);
  }

  // Loads an lvalue; arrays decay to a pointer to their first element (C11 6.3.2.1p3).
  Val rvalue(Val v) {
    if (!v.ok() || !v.lvalue) return v;
    Val r = v;
    r.lvalue = false;
    r.var = nullptr;
    if (t_.kind(v.type) == TypeKind::Array) {
      set_loc(v.loc);
      r.v = b_.create_elem(v.addr, b_.create_const_int(t_.i32(), 0));
      r.type = b_.function()->type_of(r.v);
      r.pointee_const = v.is_const;
      r.is_const = false;
      r.origin = v.loc;
      return r;
    }
    r.v = b_.create_load(v.addr);
    if (t_.is_pointer(v.type) && v.var) r.origin = v.var->origin;
    return r;
  }

  // An address for `v`: lvalues have one; rvalues are spilled to a fresh var.
  ValueId address_of(const Val& v) {
    if (v.lvalue) return v.addr;
    ValueId tmp = entry_var(v.type);
    b_.create_store(tmp, v.v);
    return tmp;
  }

  // Emits a scalar conversion of `v` (type `from`) to `to`.
  ValueId emit_convert(ValueId v, TypeId from, TypeId to) {
    if (from == to) return v;
    if (t_.is_bool(to)) return b_.create_compare(Op::Ne, v, zero_of(from));
    return b_.create_convert(to, v);
  }

  // Warns when converting a constant changes its value (clang's -Wconstant-conversion and
  // -Wliteral-conversion, on by default).
  void check_constant_conversion(const ConstVal& from, const ConstVal& to, SourceLocation loc) {
    if (t_.is_bool(to.type)) return;
    if (from.is_float && !to.is_float) {
      if (static_cast<double>(signed_value(to)) != from.f &&
          !(!is_signed(to.type) && static_cast<double>(to.u) == from.f)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", from.f);
        warning(loc, "implicit conversion from " + q(from.type) + " to " + q(to.type) +
                         " changes value from " + buf + " to " +
                         std::to_string(is_signed(to.type) ? signed_value(to)
                                                           : static_cast<int64_t>(to.u)));
      }
      return;
    }
    if (!from.is_float && !to.is_float && t_.is_int(to.type) && !t_.is_bool(from.type)) {
      ConstVal back = convert_const(to, from.type);
      bool changed = back.u != from.u;
      // Negative values into unsigned of the same width are intentional bit patterns (~0u style):
      // clang does not warn either unless the width shrinks.
      if (changed || (width(to.type) < width(from.type) && signed_value(from) != signed_value(to) &&
                      is_signed(to.type))) {
        std::string fv =
            is_signed(from.type) ? std::to_string(signed_value(from)) : std::to_string(from.u);
        std::string tv =
            is_signed(to.type) ? std::to_string(signed_value(to)) : std::to_string(to.u);
        warning(loc, "implicit conversion from " + q(from.type) + " to " + q(to.type) +
                         " changes value from " + fv + " to " + tv);
      }
    }
  }

  // Implicit (or explicit) conversion of `v` to `to` (C11 6.5.16.1 simple assignment rules).
  Val convert(Val v, TypeId to, SourceLocation loc, const char* context, bool explicit_cast) {
    v = rvalue(v);
    if (!v.ok()) return v;
    Val r = v;
    r.type = to;
    if (v.type == to) return r;
    if (is_arith(v.type) && is_arith(to)) {
      if (v.cval) {
        ConstVal c = convert_const(*v.cval, to);
        if (!explicit_cast) check_constant_conversion(*v.cval, c, loc);
        r.cval = c;
        // A constant converts at compile time; the original constant is dropped when it was the
        // last inst emitted (nothing can use it yet).
        ir::Function* f = b_.function();
        auto& insts = f->region(b_.region()).insts;
        if (!insts.empty() && f->inst(insts.back()).op == Op::Const &&
            f->inst(insts.back()).result == v.v)
          insts.pop_back();
        r.v = const_value(c);
        return r;
      }
      r.cval.reset();
      r.v = emit_convert(v.v, v.type, to);
      return r;
    }
    if (t_.is_pointer(v.type) && t_.is_pointer(to)) {
      if (t_.pointee(v.type) != t_.pointee(to)) {
        if (explicit_cast)
          error(loc, "casting between pointers to different types (" + q(v.type, v.pointee_const) +
                         " to " + q(to) +
                         ") is not supported: gpuc pointers keep their element type");
        else
          error(loc, std::string("cannot convert ") + q(v.type, v.pointee_const) + " to " + q(to) +
                         " when " + context);
        return fail();
      }
      if (t_.space(v.type) != t_.space(to)) {
        error(loc, std::string("cannot convert a pointer to ") + space_words(t_.space(v.type)) +
                       " into a pointer to " + space_words(t_.space(to)) + " when " + context);
        return fail();
      }
      return r;
    }
    if (explicit_cast && t_.is_pointer(v.type) && t_.is_int(to)) {
      ValueId a = b_.create(Op::PtrToInt, t_.u64(), {v.v});
      r.v = emit_convert(a, t_.u64(), to);
      return r;
    }
    if (t_.is_pointer(to) && is_arith(v.type)) {
      error(loc, "integers cannot be converted to pointers (" + q(v.type) + " to " + q(to) + ")");
      return fail();
    }
    error(loc, std::string(explicit_cast ? "cannot cast " : "cannot convert ") +
                   q(v.type, v.pointee_const) + " to " + q(to) +
                   (explicit_cast ? "" : std::string(" when ") + context));
    return fail();
  }

  // A condition: scalar -> bool (C11 6.8.4.1: compares unequal to 0).
  ValueId condition(const Expr* e) {
    Val v = rvalue(expr(e));
    if (!v.ok()) return {};
    return to_bool(v, e->loc);
  }
  ValueId to_bool(const Val& v, SourceLocation loc) {
    if (t_.is_bool(v.type)) return v.v;
    if (is_arith(v.type)) {
      set_loc(loc);
      return b_.create_compare(Op::Ne, v.v, zero_of(v.type));
    }
    if (t_.is_pointer(v.type)) {
      error(loc, "pointers cannot be tested for null in gpuc (there are no null pointers)");
      return {};
    }
    error(loc, "value of type " + q(v.type) + " is not contextually convertible to 'bool'");
    return {};
  }

  Val rv(ValueId v, TypeId t, SourceLocation loc) {
    Val r;
    r.v = v;
    r.type = t;
    r.loc = loc;
    return r;
  }

  Val expr(const Expr* e) {
    if (!e) return fail();
    set_loc(e->loc);
    Val v = expr_inner(e);
    // A value's location is where its expression begins (clang points operand diagnostics there).
    if (v.ok()) v.loc = begin_loc(e);
    return v;
  }

  static SourceLocation begin_loc(const Expr* e) {
    // Postfix and binary expressions start at their leftmost operand; parenthesised expressions
    // are not in the AST, so this can point inside the parentheses (as close as we can get).
    for (int guard = 0; e && guard < 100000; ++guard) {
      bool postfix = e->kind == ExprKind::Index || e->kind == ExprKind::Member ||
                     (e->kind == ExprKind::Unary &&
                      (e->unary == UnaryOp::PostInc || e->unary == UnaryOp::PostDec));
      bool infix =
          e->kind == ExprKind::Binary || e->kind == ExprKind::Assign || e->kind == ExprKind::Cond;
      if ((postfix || infix) && e->lhs) {
        e = e->lhs;
        continue;
      }
      if (e->kind == ExprKind::Comma && !e->args.empty()) {
        e = e->args[0];
        continue;
      }
      return e->loc;
    }
    return e ? e->loc : SourceLocation{};
  }

  Val expr_inner(const Expr* e) {
    switch (e->kind) {
      case ExprKind::Error:
        return fail();
      case ExprKind::IntLit: {
        std::optional<ConstVal> c = e->bool_value
                                        ? std::optional(make_int_const(
                                              t_.i32(), static_cast<uint64_t>(std::stoll(e->text))))
                                        : int_literal(e->text, e->loc);
        if (!c) return fail();
        Val r = rv(const_value(*c), c->type, e->loc);
        r.cval = c;
        return r;
      }
      case ExprKind::FloatLit: {
        std::optional<ConstVal> c = float_literal(e->text, e->loc);
        if (!c) return fail();
        Val r = rv(const_value(*c), c->type, e->loc);
        r.cval = c;
        return r;
      }
      case ExprKind::BoolLit: {
        Val r = rv(b_.create_const_bool(e->bool_value), t_.bool_type(), e->loc);
        r.cval = make_int_const(t_.bool_type(), e->bool_value);
        return r;
      }
      case ExprKind::Ident:
        return ident(e);
      case ExprKind::Unary:
        return unary(e);
      case ExprKind::Binary:
        return binary(e);
      case ExprKind::Assign:
        return assignment(e);
      case ExprKind::Cond:
        return conditional(e);
      case ExprKind::Call:
        return call(e);
      case ExprKind::Member:
        return member(e);
      case ExprKind::Index:
        return index(e);
      case ExprKind::Cast:
        return cast(e);
      case ExprKind::SizeofType: {
        ResolvedType r = resolve(e->type);
        if (!r.ok()) return fail();
        if (t_.is_void(r.type)) {
          error(e->loc, "invalid application of 'sizeof' to type 'void'");
          return fail();
        }
        ConstVal c = make_int_const(t_.u64(), t_.info(r.type).size);
        Val v = rv(const_value(c), t_.u64(), e->loc);
        v.cval = c;
        return v;
      }
      case ExprKind::SizeofExpr: {
        // The operand is not evaluated (C11 6.5.3.4p2): type it, then drop its code.
        TypeId t;
        discard_code([&] { t = expr(e->lhs).type; });
        if (!t.valid()) return fail();
        ConstVal c = make_int_const(t_.u64(), t_.info(t).size);
        Val v = rv(const_value(c), t_.u64(), e->loc);
        v.cval = c;
        return v;
      }
      case ExprKind::Comma: {
        Val last;
        for (const Expr* a : e->args) {
          last = expr(a);
          if (!last.ok()) return fail();
        }
        return rvalue(last);
      }
      case ExprKind::InitList:
        error(e->loc, "initializer lists are only allowed in declarations");
        return fail();
    }
    return fail();
  }

  static std::optional<Op> gpu_id_op(const std::string& var, const std::string& m) {
    int c = m == "x" ? 0 : m == "y" ? 1 : m == "z" ? 2 : -1;
    if (c < 0) return std::nullopt;
    if (var == "threadIdx") return static_cast<Op>(static_cast<int>(Op::ThreadIdX) + c);
    if (var == "blockIdx") return static_cast<Op>(static_cast<int>(Op::BlockIdX) + c);
    if (var == "blockDim") return static_cast<Op>(static_cast<int>(Op::BlockDimX) + c);
    if (var == "gridDim") return static_cast<Op>(static_cast<int>(Op::GridDimX) + c);
    return std::nullopt;
  }
  static bool is_builtin_var(const std::string& s) {
    return s == "threadIdx" || s == "blockIdx" || s == "blockDim" || s == "gridDim";
  }

  Val ident(const Expr* e) {
    if (VarInfo* v = lookup(e->text)) {
      Val r = var_lvalue(*v, e->loc, Val{});
      r.loc = e->loc;
      if (t_.is_pointer(r.type) && !r.origin.valid()) r.origin = e->loc;
      return r;
    }
    if (is_builtin_var(e->text)) {
      ValueId parts[3];
      for (int i = 0; i < 3; ++i)
        parts[i] = b_.create_gpu_id(*gpu_id_op(e->text, std::string(1, "xyz"[i])));
      TypeId t = vec(t_.u32(), 3);
      return rv(b_.create_construct(t, parts), t, e->loc);
    }
    if (e->text == "warpSize") {
      // CUDA declares warpSize as int.
      return rv(b_.create_convert(t_.i32(), b_.create_gpu_id(Op::WarpSize)), t_.i32(), e->loc);
    }
    if (functions_.count(e->text) || find_builtin(e->text)) {
      error(e->loc, "function '" + e->text + "' used as a value (gpuc has no function pointers)");
      return fail();
    }
    error(e->loc, "use of undeclared identifier '" + e->text + "'");
    return fail();
  }

  // A pointer's address space as an origin note.
  void note_origin(Diagnostic& d, SourceLocation loc, AddressSpace s) {
    if (loc.valid()) diags_.note(d, loc, std::string("points to ") + space_words(s) + " from here");
  }

  // Stores `rhs` into lvalue `lhs` (type-checked; pointer variables get or check their space).
  Val assign_to(Val lhs, Val rhs, SourceLocation loc, const char* context) {
    rhs = rvalue(rhs);
    if (!lhs.ok() || !rhs.ok()) return fail();
    if (!lhs.lvalue) {
      error(loc, "expression is not assignable");
      return fail();
    }
    if (lhs.is_const) {
      if (lhs.var)
        error(loc, "cannot assign to variable '" + lhs.var->name + "' with const-qualified type " +
                       q(lhs.type));
      else
        error(loc, "read-only variable is not assignable");
      return fail();
    }
    if (t_.kind(lhs.type) == TypeKind::Array) {
      error(loc, "array type " + q(lhs.type) + " is not assignable");
      return fail();
    }
    if (t_.is_pointer(lhs.type) && t_.is_pointer(rhs.type) &&
        t_.pointee(lhs.type) == t_.pointee(rhs.type) && t_.space(lhs.type) != t_.space(rhs.type)) {
      std::string who = lhs.var ? "pointer '" + lhs.var->name + "'" : "this pointer";
      Diagnostic& d = error(loc, who + " would point to both " + space_words(t_.space(lhs.type)) +
                                     " and " + space_words(t_.space(rhs.type)) +
                                     "; gpuc needs one address space per pointer");
      note_origin(d, lhs.var ? lhs.var->origin : lhs.origin, t_.space(lhs.type));
      note_origin(d, rhs.loc, t_.space(rhs.type));
      return fail();
    }
    if (t_.is_pointer(lhs.type) && t_.is_pointer(rhs.type) && rhs.pointee_const &&
        !lhs.pointee_const) {
      error(loc, std::string("cannot convert ") + q(rhs.type, true) + " to " + q(lhs.type) +
                     " when " + context + " (it discards the const qualifier)");
      return fail();
    }
    Val c = convert(rhs, lhs.type, loc, context, false);
    if (!c.ok()) return fail();
    set_loc(loc);
    b_.create_store(lhs.addr, c.v);
    if (lhs.var && t_.is_pointer(lhs.type) && !lhs.var->origin.valid()) lhs.var->origin = rhs.loc;
    return c;
  }

  Val assignment(const Expr* e) {
    if (!e->compound) {
      // Evaluate the right side first so a pending pointer variable learns its space from it.
      Val rhs = rvalue(expr(e->rhs));
      if (!rhs.ok()) return fail();
      Val lhs;
      if (e->lhs->kind == ExprKind::Ident) {
        VarInfo* v = lookup(e->lhs->text);
        if (v && v->space_pending) {
          lhs = var_lvalue(*v, e->lhs->loc, rhs);
        } else {
          lhs = expr(e->lhs);
        }
      } else {
        lhs = expr(e->lhs);
      }
      if (!lhs.ok()) return fail();
      if (!lhs.lvalue) {
        error(e->loc, "expression is not assignable");
        return fail();
      }
      return assign_to(lhs, rhs, e->loc, "assigning");
    }
    Val lhs = expr(e->lhs);
    if (!lhs.ok()) return fail();
    if (!lhs.lvalue) {
      error(e->loc, "expression is not assignable");
      return fail();
    }
    if (lhs.is_const) return assign_to(lhs, lhs, e->loc, "assigning");
    Val cur = rvalue(lhs);
    Val rhs = expr(e->rhs);
    if (!rhs.ok()) return fail();
    Val res = arith(e->binary, cur, rhs, e->loc);
    if (!res.ok()) return fail();
    return assign_to(lhs, res, e->loc, "assigning");
  }

  Val conditional(const Expr* e) {
    ValueId c = condition(e->lhs);
    if (!c.valid()) return fail();
    // Each arm is lowered once, in its branch; the result type is known only afterwards, so the
    // conversions and the stores to the result var are appended to the branches at the end.
    Val a, bb;
    set_loc(e->loc);
    ir::InstId if_id = b_.create_if(
        c, [&] { a = rvalue(expr(e->rhs)); }, [&] { bb = rvalue(expr(e->third)); });
    if (!a.ok() || !bb.ok()) return fail();
    TypeId ta = a.type, tb = bb.type;
    TypeId rt;
    if (is_arith(ta) && is_arith(tb)) {
      rt = ta == tb ? ta : common_type(ta, tb);
      if (t_.is_float(rt) && width(rt) == 64) {
        if (t_.is_float(ta) && width(ta) == 32) double_promotion_warning(a.loc);
        if (t_.is_float(tb) && width(tb) == 32) double_promotion_warning(bb.loc);
      }
    } else if (t_.is_pointer(ta) && t_.is_pointer(tb) && t_.pointee(ta) == t_.pointee(tb)) {
      if (t_.space(ta) != t_.space(tb)) {
        Diagnostic& d = error(e->loc, std::string("conditional operator mixes a pointer to ") +
                                          space_words(t_.space(ta)) + " and a pointer to " +
                                          space_words(t_.space(tb)) +
                                          "; gpuc needs one address space per pointer");
        note_origin(d, a.loc, t_.space(ta));
        note_origin(d, bb.loc, t_.space(tb));
        return fail();
      }
      rt = ta;
    } else if (ta == tb) {
      rt = ta;
    } else {
      error(e->loc, "incompatible operand types (" + q(ta) + " and " + q(tb) +
                        ") in conditional expression");
      return fail();
    }
    Val r;
    r.type = rt;
    r.loc = e->loc;
    if (t_.is_void(rt)) return r;
    ValueId tmp = entry_var(rt);
    ir::Function& f = *b_.function();
    std::array<ir::RegionId, 2> regions = f.inst(if_id).regions;
    bool ok = true;
    for (int k = 0; k < 2; ++k) {
      ir::InsertionGuard g(b_);
      b_.set_insertion_point(f, regions[k]);
      const Val& arm = k == 0 ? a : bb;
      Val cv = convert(arm, rt, arm.loc, "in conditional", false);
      if (!cv.ok()) {
        ok = false;
        continue;
      }
      set_loc(arm.loc);
      b_.create_store(tmp, cv.v);
    }
    if (!ok) return fail();
    set_loc(e->loc);
    r.v = b_.create_load(tmp);
    r.pointee_const = a.pointee_const || bb.pointee_const;
    r.origin = e->loc;
    return r;
  }

  void double_promotion_warning(SourceLocation loc) {
    warning(
        loc,
        "implicit conversion increases floating-point precision: 'float' to 'double' "
        "(double arithmetic is a GPU performance trap: up to 64x slower than float on many GPUs; "
        "write float constants with an 'f' suffix, e.g. 1.0f)");
  }

  Val unary(const Expr* e) {
    UnaryOp op = e->unary;
    if (op == UnaryOp::PreInc || op == UnaryOp::PreDec || op == UnaryOp::PostInc ||
        op == UnaryOp::PostDec) {
      Val lhs = expr(e->lhs);
      if (!lhs.ok()) return fail();
      if (!lhs.lvalue) {
        error(e->loc, "expression is not assignable");
        return fail();
      }
      if (lhs.is_const) return assign_to(lhs, lhs, e->loc, "incrementing");
      Val cur = rvalue(lhs);
      bool inc = op == UnaryOp::PreInc || op == UnaryOp::PostInc;
      set_loc(e->loc);
      Val next;
      if (t_.is_pointer(cur.type)) {
        next = cur;
        next.v = b_.create_index(cur.v, b_.create_const_int(t_.i32(), inc ? 1 : -1));
      } else if (is_arith(cur.type) && !t_.is_bool(cur.type)) {
        Val one = rv(t_.is_float(cur.type) ? b_.create_const_float(cur.type, 1.0)
                                           : b_.create_const_int(cur.type, 1),
                     cur.type, e->loc);
        next = rv(b_.create_binary(inc ? Op::Add : Op::Sub, cur.v, one.v), cur.type, e->loc);
      } else {
        error(e->loc, "cannot increment or decrement a value of type " + q(cur.type));
        return fail();
      }
      Val stored = assign_to(lhs, next, e->loc, "incrementing");
      if (!stored.ok()) return fail();
      return op == UnaryOp::PreInc || op == UnaryOp::PreDec ? stored : cur;
    }
    if (op == UnaryOp::AddrOf) {
      Val v;
      if (e->lhs->kind == ExprKind::Ident) {
        VarInfo* vi = lookup(e->lhs->text);
        if (vi && vi->constant && vi->global < 0) {
          // A folded constant that has its address taken: give it storage.
          if (!vi->addr.valid()) {
            vi->addr = entry_var(vi->type);
            ir::InsertionGuard g(b_);
            ir::Function& f = *fs().fn;
            b_.set_insertion_point(f, f.body);
            ValueId cv = const_value(*vi->constant);
            b_.create_store(vi->addr, cv);
            auto& insts = f.region(f.body).insts;
            // keep the initialisation next to the vars (after them)
            std::rotate(insts.begin() + static_cast<long>(fs().var_pos), insts.end() - 2,
                        insts.end());
            fs().var_pos += 2;
          }
          v.type = vi->type;
          v.addr = vi->addr;
          v.lvalue = true;
          v.is_const = true;
        } else {
          v = expr(e->lhs);
        }
      } else {
        v = expr(e->lhs);
      }
      if (!v.ok()) return fail();
      if (!v.lvalue) {
        error(e->loc, "cannot take the address of an rvalue of type " + q(v.type));
        return fail();
      }
      Val r = rv(v.addr, b_.function()->type_of(v.addr), e->loc);
      r.pointee_const = v.is_const;
      r.origin = e->loc;
      return r;
    }
    if (op == UnaryOp::Deref) {
      Val p = rvalue(expr(e->lhs));
      if (!p.ok()) return fail();
      if (!t_.is_pointer(p.type)) {
        error(e->loc, "indirection requires pointer operand (" + q(p.type) + " invalid)");
        return fail();
      }
      Val r;
      r.type = t_.pointee(p.type);
      r.addr = p.v;
      r.lvalue = true;
      r.is_const = p.pointee_const || t_.space(p.type) == AddressSpace::Constant;
      r.loc = e->loc;
      return r;
    }
    Val a = rvalue(expr(e->lhs));
    if (!a.ok()) return fail();
    set_loc(e->loc);
    if (op == UnaryOp::Not) {
      ValueId c = to_bool(a, e->lhs->loc);
      if (!c.valid()) return fail();
      Val r = rv(b_.create_unary(Op::Not, c), t_.bool_type(), e->loc);
      if (a.cval)
        r.cval = make_int_const(t_.bool_type(), a.cval->is_float ? a.cval->f == 0 : a.cval->u == 0);
      return r;
    }
    if (!is_arith(a.type) || (op == UnaryOp::BitNot && !t_.is_int(a.type) && !t_.is_bool(a.type))) {
      error(e->loc, "invalid argument type " + q(a.type) + " to unary expression");
      return fail();
    }
    TypeId t = promote(a.type);
    Val p = convert(a, t, e->loc, "", true);
    if (op == UnaryOp::Plus) return p;
    Val r = rv(b_.create_unary(op == UnaryOp::Neg ? Op::Neg : Op::Not, p.v), t, e->loc);
    if (p.cval) {
      if (p.cval->is_float) {
        r.cval = p.cval;
        r.cval->f = -r.cval->f;
      } else {
        r.cval = make_int_const(t, op == UnaryOp::Neg ? 0 - p.cval->u : ~p.cval->u);
      }
    }
    return r;
  }

  static Op binary_ir_op(BinaryOp op) {
    switch (op) {
      case BinaryOp::Mul:
        return Op::Mul;
      case BinaryOp::Div:
        return Op::Div;
      case BinaryOp::Rem:
        return Op::Rem;
      case BinaryOp::Add:
        return Op::Add;
      case BinaryOp::Sub:
        return Op::Sub;
      case BinaryOp::Shl:
        return Op::Shl;
      case BinaryOp::Shr:
        return Op::Shr;
      case BinaryOp::Lt:
        return Op::Lt;
      case BinaryOp::Gt:
        return Op::Gt;
      case BinaryOp::Le:
        return Op::Le;
      case BinaryOp::Ge:
        return Op::Ge;
      case BinaryOp::Eq:
        return Op::Eq;
      case BinaryOp::Ne:
        return Op::Ne;
      case BinaryOp::BitAnd:
        return Op::And;
      case BinaryOp::BitXor:
        return Op::Xor;
      case BinaryOp::BitOr:
        return Op::Or;
      default:
        return Op::Add;
    }
  }
  static const char* binary_spelling(BinaryOp op) {
    static const char* names[] = {"*",  "/",  "%",  "+",  "-", "<<", ">>", "<",  ">",
                                  "<=", ">=", "==", "!=", "&", "^",  "|",  "&&", "||"};
    return names[static_cast<int>(op)];
  }
  static bool is_comparison(BinaryOp op) {
    return op == BinaryOp::Lt || op == BinaryOp::Gt || op == BinaryOp::Le || op == BinaryOp::Ge ||
           op == BinaryOp::Eq || op == BinaryOp::Ne;
  }

  // Whether `e` may be evaluated where C's short-circuit rule (C11 6.5.13-14) would skip it: it
  // has no side effects, reads no memory but the function's own scalars and the thread ids, and
  // cannot fault or be costly (no calls, division, indexing, dereference or casts). `budget`
  // bounds its size: speculating trades a branch for the right operand's work.
  bool speculatable(const Expr* e, int& budget) {
    if (!e || --budget < 0) return false;
    switch (e->kind) {
      case ExprKind::IntLit:
      case ExprKind::FloatLit:
      case ExprKind::BoolLit:
        return true;
      case ExprKind::Ident: {
        if (e->text == "warpSize") return !lookup(e->text);
        const VarInfo* v = lookup(e->text);
        return v && v->global < 0 && !v->space_pending &&
               (t_.is_int(v->type) || t_.is_float(v->type) || t_.is_bool(v->type));
      }
      case ExprKind::Member:  // threadIdx.x and the other id builtins
        return !e->arrow && e->lhs && e->lhs->kind == ExprKind::Ident &&
               is_builtin_var(e->lhs->text) && !lookup(e->lhs->text) &&
               gpu_id_op(e->lhs->text, e->text).has_value();
      case ExprKind::Unary:
        return (e->unary == UnaryOp::Plus || e->unary == UnaryOp::Neg || e->unary == UnaryOp::Not ||
                e->unary == UnaryOp::BitNot) &&
               speculatable(e->lhs, budget);
      case ExprKind::Binary:
        return e->binary != BinaryOp::Div && e->binary != BinaryOp::Rem &&
               speculatable(e->lhs, budget) && speculatable(e->rhs, budget);
      default:
        return false;
    }
  }

  Val binary(const Expr* e) {
    int budget = 8;  // operands and operators of the right side
    if ((e->binary == BinaryOp::LogAnd || e->binary == BinaryOp::LogOr) &&
        speculatable(e->rhs, budget)) {
      // Both sides evaluated, no branch (GPUs pay for divergent branches; glslang does the same
      // for trivial operands). `a || b` is select(a, true, b) and `a && b` select(a, b, false)
      // rather than or/and: where C would not evaluate b, b's value (an overflowed signed add
      // is LLVM poison) cannot reach the result.
      ValueId a = condition(e->lhs);
      if (!a.valid()) return fail();
      ValueId c = condition(e->rhs);
      if (!c.valid()) return fail();
      set_loc(e->loc);
      bool is_or = e->binary == BinaryOp::LogOr;
      ValueId r = is_or ? b_.create_select(a, b_.create_const_bool(true), c)
                        : b_.create_select(a, c, b_.create_const_bool(false));
      return rv(r, t_.bool_type(), e->loc);
    }
    if (e->binary == BinaryOp::LogAnd || e->binary == BinaryOp::LogOr) {
      // Short-circuit (C11 6.5.13-14): the right operand runs only when needed.
      ValueId a = condition(e->lhs);
      if (!a.valid()) return fail();
      set_loc(e->loc);
      ValueId tmp = entry_var(t_.bool_type());
      b_.create_store(tmp, a);
      auto rhs = [&] {
        ValueId c = condition(e->rhs);
        if (c.valid()) b_.create_store(tmp, c);
      };
      if (e->binary == BinaryOp::LogAnd)
        b_.create_if(a, rhs);
      else
        b_.create_if(a, {}, rhs);
      set_loc(e->loc);
      return rv(b_.create_load(tmp), t_.bool_type(), e->loc);
    }
    Val a = rvalue(expr(e->lhs));
    if (!a.ok()) return fail();
    Val bb = rvalue(expr(e->rhs));
    if (!bb.ok()) return fail();
    return arith(e->binary, a, bb, e->loc);
  }

  // Index operand for pointer arithmetic: promoted integer.
  std::optional<Val> int_operand(Val v) {
    if (!t_.is_int(v.type) && !t_.is_bool(v.type)) return std::nullopt;
    TypeId t = promote(v.type);
    return convert(v, t, v.loc, "", true);
  }

  Val arith(BinaryOp op, Val a, Val b, SourceLocation loc) {
    a = rvalue(a);
    b = rvalue(b);
    if (!a.ok() || !b.ok()) return fail();
    set_loc(loc);
    bool pa = t_.is_pointer(a.type), pb = t_.is_pointer(b.type);
    if (pa || pb) return pointer_arith(op, a, b, loc);
    auto invalid = [&] {
      error(loc, "invalid operands to binary expression (" + q(a.type) + " and " + q(b.type) + ")");
      return fail();
    };
    if (!is_arith(a.type) || !is_arith(b.type)) return invalid();
    if (op == BinaryOp::Shl || op == BinaryOp::Shr) {
      if (!t_.is_int(promote(a.type)) || !t_.is_int(promote(b.type)) || t_.is_float(a.type) ||
          t_.is_float(b.type))
        return invalid();
      TypeId t = promote(a.type);
      Val x = convert(a, t, loc, "", true);
      Val y = convert(b, t, loc, "", true);
      if (b.cval &&
          (signed_value(*b.cval) < 0 || signed_value(*b.cval) >= static_cast<int64_t>(width(t))))
        warning(b.loc, signed_value(*b.cval) < 0 ? "shift count is negative"
                                                 : "shift count >= width of type");
      Val r = rv(b_.create_binary(binary_ir_op(op), x.v, y.v), t, loc);
      if (a.cval && b.cval) r.cval = fold_binary(op, *a.cval, *b.cval);
      return r;
    }
    TypeId t = common_type(a.type, b.type);
    if (t_.is_float(t) && width(t) == 64) {
      // -Wdouble-promotion: a float operand silently widened to double.
      if (t_.is_float(a.type) && width(a.type) == 32)
        double_promotion_warning(a.loc);
      else if (t_.is_float(b.type) && width(b.type) == 32)
        double_promotion_warning(b.loc);
    }
    bool bitwise = op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor;
    if ((bitwise || op == BinaryOp::Rem) && t_.is_float(t)) return invalid();
    if (is_comparison(op) && t_.is_int(t) && !is_signed(t)) {
      // -Wsign-compare: a signed operand converted to unsigned.
      auto neg_possible = [&](const Val& v) {
        TypeId p = promote(v.type);
        if (!is_signed(p) || width(p) < width(t)) return false;  // widened signed values are fine
        if (v.cval && signed_value(*v.cval) >= 0) return false;
        return true;
      };
      auto is_unsigned = [&](const Val& v) { return !is_signed(promote(v.type)); };
      if ((neg_possible(a) && is_unsigned(b)) || (neg_possible(b) && is_unsigned(a)))
        warning(loc,
                "comparison of integers of different signs: " + q(a.type) + " and " + q(b.type));
    }
    Val x = convert(a, t, loc, "", true);
    Val y = convert(b, t, loc, "", true);
    if ((op == BinaryOp::Div || op == BinaryOp::Rem) && t_.is_int(t) && b.cval &&
        !b.cval->is_float && b.cval->u == 0)
      warning(b.loc, std::string(op == BinaryOp::Div ? "division" : "remainder") +
                         " by zero is undefined");
    set_loc(loc);
    Val r;
    if (is_comparison(op))
      r = rv(b_.create_compare(binary_ir_op(op), x.v, y.v), t_.bool_type(), loc);
    else
      r = rv(b_.create_binary(binary_ir_op(op), x.v, y.v), t, loc);
    if (a.cval && b.cval) r.cval = fold_binary(op, *a.cval, *b.cval);
    return r;
  }

  Val pointer_arith(BinaryOp op, Val a, Val b, SourceLocation loc) {
    bool pa = t_.is_pointer(a.type), pb = t_.is_pointer(b.type);
    if (pa && pb) {
      if (t_.pointee(a.type) != t_.pointee(b.type) || t_.space(a.type) != t_.space(b.type)) {
        error(loc, "pointer operands of different types or address spaces (" + q(a.type) + " and " +
                       q(b.type) + ")");
        return fail();
      }
      ValueId x = b_.create(Op::PtrToInt, t_.u64(), {a.v});
      ValueId y = b_.create(Op::PtrToInt, t_.u64(), {b.v});
      if (is_comparison(op))
        return rv(b_.create_compare(binary_ir_op(op), x, y), t_.bool_type(), loc);
      if (op == BinaryOp::Sub) {
        // C11 6.5.6p9: the difference in elements, as ptrdiff_t.
        ValueId d = b_.create_convert(t_.i64(), b_.create_binary(Op::Sub, x, y));
        uint32_t size = t_.info(t_.pointee(a.type)).size;
        ValueId r = b_.create_binary(Op::Div, d, b_.create_const_int(t_.i64(), size ? size : 1));
        return rv(r, t_.i64(), loc);
      }
      error(loc, "invalid operands to binary expression (" + q(a.type) + " and " + q(b.type) + ")");
      return fail();
    }
    Val p = pa ? a : b, i = pa ? b : a;
    if (!(op == BinaryOp::Add || (op == BinaryOp::Sub && pa))) {
      error(loc, "invalid operands to binary expression (" + q(a.type, a.pointee_const) + " and " +
                     q(b.type, b.pointee_const) + ")");
      return fail();
    }
    std::optional<Val> n = int_operand(i);
    if (!n) {
      error(loc, "pointer arithmetic needs an integer operand, not " + q(i.type));
      return fail();
    }
    ValueId idx = n->v;
    if (op == BinaryOp::Sub) idx = b_.create_unary(Op::Neg, idx);
    Val r = rv(b_.create_index(p.v, idx), p.type, loc);
    r.pointee_const = p.pointee_const;
    r.origin = p.origin.valid() ? p.origin : p.loc;
    return r;
  }

  Val member(const Expr* e) {
    if (e->lhs->kind == ExprKind::Ident && is_builtin_var(e->lhs->text) && !lookup(e->lhs->text) &&
        !e->arrow) {
      std::optional<Op> op = gpu_id_op(e->lhs->text, e->text);
      if (!op) {
        error(e->loc,
              "no member named '" + e->text + "' in '" + e->lhs->text + "' (it has x, y and z)");
        return fail();
      }
      return rv(b_.create_gpu_id(*op), t_.u32(), e->loc);
    }
    Val base = expr(e->lhs);
    if (!base.ok()) return fail();
    if (e->arrow) {
      base = rvalue(base);
      if (!t_.is_pointer(base.type)) {
        error(e->loc, "member reference type " + q(base.type) + " is not a pointer; use '.'");
        return fail();
      }
      Val lv;
      lv.type = t_.pointee(base.type);
      lv.addr = base.v;
      lv.lvalue = true;
      lv.is_const = base.pointee_const || t_.space(base.type) == AddressSpace::Constant;
      lv.loc = e->lhs->loc;
      base = lv;
    } else if (t_.is_pointer(base.type)) {
      error(e->loc,
            "member reference type " + q(base.type) + " is a pointer; did you mean to use '->'?");
      return fail();
    }
    // A copy: create_member interns the member's pointer type, which may move the table's entries.
    const ir::TypeInfo ti = t_.info(base.type);
    set_loc(e->loc);
    if (ti.kind == TypeKind::Struct) {
      for (uint32_t i = 0; i < ti.members.size(); ++i) {
        if (ti.members[i].name != e->text) continue;
        if (base.lvalue) {
          Val r;
          r.type = ti.members[i].type;
          r.addr = b_.create_member(base.addr, i);
          r.lvalue = true;
          r.is_const = base.is_const;
          r.loc = e->loc;
          r.origin = e->loc;
          return r;
        }
        Val r = rv(b_.create_extract(base.v, i), ti.members[i].type, e->loc);
        r.origin = e->loc;
        return r;
      }
      error(e->loc, "no member named '" + e->text + "' in '" + ti.name + "'");
      return fail();
    }
    if (ti.kind == TypeKind::Vector) {
      int lane = e->text == "x"   ? 0
                 : e->text == "y" ? 1
                 : e->text == "z" ? 2
                 : e->text == "w" ? 3
                                  : -1;
      if (lane < 0 || lane >= static_cast<int>(ti.count)) {
        error(e->loc, "no member named '" + e->text + "' in " + q(base.type));
        return fail();
      }
      if (base.lvalue) {
        Val r;
        r.type = ti.element;
        r.addr = b_.create_elem(base.addr, b_.create_const_int(t_.i32(), lane));
        r.lvalue = true;
        r.is_const = base.is_const;
        r.loc = e->loc;
        return r;
      }
      return rv(b_.create_extract(base.v, static_cast<uint32_t>(lane)), ti.element, e->loc);
    }
    error(e->loc, "member reference base type " + q(base.type) + " is not a structure or vector");
    return fail();
  }

  Val index(const Expr* e) {
    Val base = expr(e->lhs);
    if (!base.ok()) return fail();
    Val idx = rvalue(expr(e->rhs));
    if (!idx.ok()) return fail();
    if (!t_.is_pointer(base.type) && t_.kind(base.type) != TypeKind::Array &&
        t_.is_pointer(idx.type))
      std::swap(base, idx);
    std::optional<Val> n = int_operand(idx);
    if (!n) {
      error(e->rhs->loc, "array subscript is not an integer");
      return fail();
    }
    set_loc(e->loc);
    if (t_.kind(base.type) == TypeKind::Array) {
      if (!base.lvalue) base.addr = address_of(base), base.lvalue = true;
      if (idx.cval && !idx.cval->is_float) {
        int64_t k = signed_value(*idx.cval);
        uint32_t count = t_.info(base.type).count;
        if (k < 0 || k >= static_cast<int64_t>(count))
          warning(e->rhs->loc, "array index " + std::to_string(k) +
                                   " is past the end of the array (that has type " + q(base.type) +
                                   ")");
      }
      Val r;
      r.type = t_.info(base.type).element;
      r.addr = b_.create_elem(base.addr, n->v);
      r.lvalue = true;
      r.is_const = base.is_const;
      r.loc = e->loc;
      r.origin = base.loc;
      return r;
    }
    base = rvalue(base);
    if (!t_.is_pointer(base.type)) {
      if (t_.is_vector(base.type))
        error(e->loc, "subscripted value of type " + q(base.type) +
                          " is not an array or pointer; use .x/.y/.z/.w");
      else
        error(e->loc, "subscripted value is not an array or pointer (" + q(base.type) + ")");
      return fail();
    }
    Val r;
    r.type = t_.pointee(base.type);
    r.addr = b_.create_index(base.v, n->v);
    r.lvalue = true;
    r.is_const = base.pointee_const || t_.space(base.type) == AddressSpace::Constant;
    r.loc = e->loc;
    r.origin = base.origin;
    return r;
  }

  Val cast(const Expr* e) {
    ResolvedType r = resolve(e->type);
    if (!r.ok()) return fail();
    TypeId to = r.type;
    if (e->functional && (e->args.size() != 1)) {
      // dim3(x, y, z) / uint3: missing components are 1 (dim3) or 0.
      if (t_.is_vector(to) && e->args.size() <= t_.info(to).count) {
        std::vector<ValueId> parts;
        TypeId el = t_.info(to).element;
        bool is_dim3 = e->type->base == "dim3";
        for (uint32_t i = 0; i < t_.info(to).count; ++i) {
          if (i < e->args.size()) {
            Val v = convert(expr(e->args[i]), el, e->args[i]->loc, "constructing", false);
            if (!v.ok()) return fail();
            parts.push_back(v.v);
          } else {
            parts.push_back(b_.create_const_int(el, is_dim3 ? 1 : 0));
          }
        }
        if (e->args.empty() && !is_dim3) {
          error(e->loc, "value-initialization of " + q(to) + " is not supported");
          return fail();
        }
        set_loc(e->loc);
        return rv(b_.create_construct(to, parts), to, e->loc);
      }
      error(e->loc, "functional cast to " + q(to) + " takes exactly one argument");
      return fail();
    }
    Val v = rvalue(expr(e->lhs));
    if (!v.ok()) return fail();
    if (t_.is_void(to)) {
      Val r2;
      r2.type = to;
      return r2;
    }
    if (t_.is_pointer(to)) {
      Val p = rvalue(v);
      if (t_.is_pointer(p.type) && t_.pointee(p.type) == t_.pointee(to)) {
        // Same element type: keep the inferred space (a cast cannot move memory).
        p.pointee_const = r.pointee_const;
        p.loc = e->loc;
        return p;
      }
      return convert(p, to, e->loc, "casting", true);
    }
    if (t_.is_vector(to) && is_arith(rvalue(v).type)) {
      error(e->loc, "cannot cast a scalar to " + q(to) + "; use make_" + c_name(to) + "(...)");
      return fail();
    }
    Val c = convert(v, to, e->loc, "casting", true);
    c.loc = e->loc;
    return c;
  }

  // --- calls
  // ---------------------------------------------------------------------------------------------
  bool check_arg_count(const Expr* e, size_t min, size_t max, SourceLocation decl_loc = {}) {
    size_t n = e->args.size();
    if (n >= min && n <= max) return true;
    std::string expected = min == max ? std::to_string(min)
                                      : (n < min ? "at least " + std::to_string(min)
                                                 : "at most " + std::to_string(max));
    Diagnostic& d = error(e->loc, std::string(n < min ? "too few" : "too many") +
                                      " arguments to function call, expected " + expected +
                                      ", have " + std::to_string(n));
    if (decl_loc.valid()) diags_.note(d, decl_loc, "'" + e->text + "' declared here");
    return false;
  }

  TypeId bscalar(BScalar s) {
    switch (s) {
      case BScalar::F32:
        return t_.f32();
      case BScalar::F64:
        return t_.f64();
      case BScalar::I32:
        return t_.i32();
      case BScalar::U32:
        return t_.u32();
      case BScalar::I64:
        return t_.i64();
      case BScalar::U64:
        return t_.u64();
      case BScalar::Bool:
        return t_.bool_type();
      case BScalar::None:
        break;
    }
    return {};
  }

  Val call(const Expr* e) {
    if (VarInfo* shadow = lookup(e->text)) {
      error(e->loc, "called object '" + e->text + "' is not a function");
      (void)shadow;
      return fail();
    }
    auto fit = functions_.find(e->text);
    if (fit != functions_.end()) return user_call(e, fit->second);
    if (const BuiltinInfo* bi = find_builtin(e->text)) return builtin_call(e, *bi);
    error(e->loc, "use of undeclared identifier '" + e->text + "'");
    return fail();
  }

  std::vector<Val> lower_args(const Expr* e) {
    std::vector<Val> args;
    for (const Expr* a : e->args) {
      Val v = rvalue(expr(a));
      args.push_back(v);
    }
    return args;
  }

  Val math_op(Op op, const std::vector<Val>& args, TypeId t, SourceLocation loc,
              const std::string& name) {
    std::vector<ValueId> vs;
    for (const Val& a : args) {
      Val c = convert(a, t, a.loc, "passing an argument", false);
      if (!c.ok()) return fail();
      vs.push_back(c.v);
    }
    if (opts_.target == FrontendTarget::Vulkan && t == t_.f64() && is_f32_only_on_vulkan(op)) {
      error(loc,
            "'" + name +
                "' on double is not available on the vulkan target (GLSL.std.450 provides it for "
                "32-bit floats only); use the float version or compile with --target=cuda");
      return fail();
    }
    set_loc(loc);
    if (vs.size() == 1)
      return rv(b_.create_unary(op, vs[0]), t_.with_scalar(t, t_.scalar_of(t)), loc);
    if (vs.size() == 2) return rv(b_.create_binary(op, vs[0], vs[1]), t, loc);
    return rv(b_.create_fma(vs[0], vs[1], vs[2]), t, loc);
  }

  Val builtin_call(const Expr* e, const BuiltinInfo& bi) {
    if (!check_arg_count(e, bi.min_args, bi.max_args)) return fail();
    std::vector<Val> args = lower_args(e);
    for (const Val& a : args)
      if (!a.ok()) return fail();
    SourceLocation loc = e->loc;
    auto bad_arg = [&](size_t i, const std::string& want) {
      error(e->args[i]->loc, "no matching function for call to '" + e->text + "': argument " +
                                 std::to_string(i + 1) + " has type " +
                                 q(args[i].type, args[i].pointee_const) + ", expected " + want);
      return fail();
    };
    switch (bi.kind) {
      case BuiltinKind::Math: {
        for (size_t i = 0; i < args.size(); ++i)
          if (!is_arith(args[i].type)) return bad_arg(i, "a number");
        return math_op(bi.op, args, bscalar(bi.type), loc, e->text);
      }
      case BuiltinKind::MathOverload: {
        bool all_float = true;
        for (size_t i = 0; i < args.size(); ++i) {
          if (!is_arith(args[i].type)) return bad_arg(i, "a number");
          if (args[i].type != t_.f32()) all_float = false;
        }
        if (!all_float)
          for (const Val& a : args)
            if (a.type == t_.f32()) {
              warning(loc, "call to '" + e->text +
                               "' is evaluated in double precision because not every argument is "
                               "'float' (a GPU performance trap); use '" +
                               e->text + "f' or float arguments");
              break;
            }
        return math_op(bi.op, args, all_float ? t_.f32() : t_.f64(), loc, e->text);
      }
      case BuiltinKind::Classify: {
        if (!is_arith(args[0].type)) return bad_arg(0, "a floating-point number");
        TypeId t = args[0].type == t_.f32() ? t_.f32() : t_.f64();
        Val c = convert(args[0], t, args[0].loc, "passing an argument", false);
        set_loc(loc);
        return rv(b_.create_unary(bi.op, c.v), t_.bool_type(), loc);
      }
      case BuiltinKind::IntMinMax: {
        for (size_t i = 0; i < args.size(); ++i)
          if (!is_arith(args[i].type)) return bad_arg(i, "a number");
        TypeId t =
            args.size() == 2 ? common_type(args[0].type, args[1].type) : promote(args[0].type);
        if (args.size() == 2 && t_.is_int(t) && !is_signed(t)) {
          for (const Val& a : args)
            if (is_signed(promote(a.type)) && !(a.cval && signed_value(*a.cval) >= 0))
              warning(loc, "'" + e->text +
                               "' of mixed signed and unsigned operands converts both to " + q(t) +
                               " (negative values become large)");
        }
        if (bi.op == Op::Abs && t_.is_int(t) && !is_signed(t)) {
          return convert(args[0], t, loc, "", true);
        }
        return math_op(bi.op, args, t, loc, e->text);
      }
      case BuiltinKind::BitOp: {
        if (!t_.is_int(promote(args[0].type)) || t_.is_float(args[0].type))
          return bad_arg(0, "an integer");
        TypeId t = bscalar(bi.type);
        Val c = convert(args[0], t, args[0].loc, "passing an argument", false);
        if (!c.ok()) return fail();
        set_loc(loc);
        ValueId r = b_.create_unary(bi.op, c.v);
        return rv(r, b_.function()->type_of(r), loc);
      }
      case BuiltinKind::MulHi: {
        TypeId t = bscalar(bi.type);
        std::vector<ValueId> vs;
        for (size_t i = 0; i < args.size(); ++i) {
          if (!is_arith(args[i].type)) return bad_arg(i, q(t));
          Val c = convert(args[i], t, args[i].loc, "passing an argument", false);
          if (!c.ok()) return fail();
          vs.push_back(c.v);
        }
        set_loc(loc);
        return rv(b_.create_binary(bi.op, vs[0], vs[1]), t, loc);
      }
      case BuiltinKind::BitCast: {
        if (!is_arith(args[0].type)) return bad_arg(0, q(bscalar(bi.from)));
        Val c = convert(args[0], bscalar(bi.from), args[0].loc, "passing an argument", false);
        if (!c.ok()) return fail();
        set_loc(loc);
        return rv(b_.create_bitcast(bscalar(bi.type), c.v), bscalar(bi.type), loc);
      }
      case BuiltinKind::ConvertRound: {
        if (!is_arith(args[0].type)) return bad_arg(0, q(bscalar(bi.from)));
        TypeId from = bscalar(bi.from), to = bscalar(bi.type);
        Val c = convert(args[0], from, args[0].loc, "passing an argument", false);
        if (!c.ok()) return fail();
        set_loc(loc);
        ValueId v = c.v;
        if (bi.op != Op::Convert && t_.is_float(from) && t_.is_int(to))
          v = b_.create_unary(bi.op, v);
        return rv(b_.create_convert(to, v), to, loc);
      }
      case BuiltinKind::Atomic:
      case BuiltinKind::AtomicCas:
        return atomic_call(e, bi, args);
      case BuiltinKind::Shuffle:
        return shuffle_call(e, bi, args);
      case BuiltinKind::Vote: {
        if (!is_arith(args[0].type)) return bad_arg(0, "'unsigned int' (a lane mask)");
        // The mask is evaluated (above) and ignored: every lane in it must be active, as in CUDA.
        ValueId p = to_bool(args[1], e->args[1]->loc);
        if (!p.valid()) return fail();
        set_loc(loc);
        if (bi.op == Op::Ballot) return rv(b_.create(Op::Ballot, t_.u32(), {p}), t_.u32(), loc);
        ValueId r = b_.create(bi.op, t_.bool_type(), {p});
        return rv(b_.create_convert(t_.i32(), r), t_.i32(), loc);
      }
      case BuiltinKind::NoArg: {
        set_loc(loc);
        if (bi.op == Op::ActiveMask) return rv(b_.create(Op::ActiveMask, t_.u32()), t_.u32(), loc);
        if (!args.empty() && !is_arith(args[0].type))
          return bad_arg(0, "'unsigned int' (a lane mask)");
        b_.create(bi.op, t_.void_type());
        Val r;
        r.type = t_.void_type();
        return r;
      }
      case BuiltinKind::MakeVector: {
        TypeId el = bscalar(bi.type);
        TypeId t = vec(el, bi.count);
        std::vector<ValueId> parts;
        for (size_t i = 0; i < args.size(); ++i) {
          if (!is_arith(args[i].type)) return bad_arg(i, q(el));
          Val c = convert(args[i], el, args[i].loc, "passing an argument", false);
          if (!c.ok()) return fail();
          parts.push_back(c.v);
        }
        set_loc(loc);
        return rv(b_.create_construct(t, parts), t, loc);
      }
      case BuiltinKind::Ldg: {
        if (!t_.is_pointer(args[0].type)) return bad_arg(0, "a pointer");
        set_loc(loc);
        TypeId t = t_.pointee(args[0].type);
        return rv(b_.create_load(args[0].v), t, loc);
      }
      case BuiltinKind::SinCos: {
        // sincosf(x, &s, &c): both results are stored through the pointers (any writable space).
        TypeId t = bscalar(bi.type);
        if (!is_arith(args[0].type)) return bad_arg(0, q(t));
        for (size_t k = 1; k < 3; ++k)
          if (!t_.is_pointer(args[k].type) || t_.pointee(args[k].type) != t ||
              args[k].pointee_const || t_.space(args[k].type) == AddressSpace::Constant)
            return bad_arg(k, q(t_.pointer_type(t, AddressSpace::Global)));
        Val x = convert(args[0], t, args[0].loc, "passing an argument", false);
        if (!x.ok()) return fail();
        if (opts_.target == FrontendTarget::Vulkan && t == t_.f64()) {
          error(loc, "'" + e->text +
                         "' on double is not available on the vulkan target (GLSL.std.450 "
                         "provides sin/cos for 32-bit floats only); use sincosf or compile with "
                         "--target=cuda");
          return fail();
        }
        set_loc(loc);
        bool fast = bi.op == Op::FastSin;
        b_.create_store(args[1].v, b_.create_unary(fast ? Op::FastSin : Op::Sin, x.v));
        b_.create_store(args[2].v, b_.create_unary(fast ? Op::FastCos : Op::Cos, x.v));
        Val r;
        r.type = t_.void_type();
        return r;
      }
      case BuiltinKind::Saturate: {
        if (!is_arith(args[0].type)) return bad_arg(0, "'float'");
        Val x = convert(args[0], t_.f32(), args[0].loc, "passing an argument", false);
        if (!x.ok()) return fail();
        set_loc(loc);
        ValueId lo = b_.create_binary(Op::Max, x.v, b_.create_const_float(t_.f32(), 0.0));
        return rv(b_.create_binary(Op::Min, lo, b_.create_const_float(t_.f32(), 1.0)), t_.f32(),
                  loc);
      }
      case BuiltinKind::Fdim: {
        TypeId t = bscalar(bi.type);
        std::vector<ValueId> vs;
        for (size_t k = 0; k < 2; ++k) {
          if (!is_arith(args[k].type)) return bad_arg(k, q(t));
          Val c = convert(args[k], t, args[k].loc, "passing an argument", false);
          if (!c.ok()) return fail();
          vs.push_back(c.v);
        }
        set_loc(loc);
        ValueId d = b_.create_binary(Op::Sub, vs[0], vs[1]);
        return rv(b_.create_binary(Op::Max, d, b_.create_const_float(t, 0.0)), t, loc);
      }
    }
    return fail();
  }

  Val atomic_call(const Expr* e, const BuiltinInfo& bi, const std::vector<Val>& args) {
    const Val& p = args[0];
    if (!t_.is_pointer(p.type)) {
      error(e->args[0]->loc, "no matching function for call to '" + e->text +
                                 "': the first argument must be a pointer, not " + q(p.type));
      return fail();
    }
    TypeId t = t_.pointee(p.type);
    // CUDA's overload set (CUDA C++ Programming Guide, "Atomic Functions").
    std::vector<TypeId> allowed;
    TypeId i32 = t_.i32(), u32 = t_.u32(), i64 = t_.i64(), u64 = t_.u64(), f32 = t_.f32(),
           f64 = t_.f64();
    switch (bi.op) {
      case Op::AtomicAdd:
        allowed = {i32, u32, u64, f32, f64};
        break;
      case Op::AtomicSub:
        allowed = {i32, u32};
        break;
      case Op::AtomicExch:
        allowed = {i32, u32, u64, f32};
        break;
      case Op::AtomicMin:
      case Op::AtomicMax:
        allowed = {i32, u32, i64, u64};
        break;
      case Op::AtomicAnd:
      case Op::AtomicOr:
      case Op::AtomicXor:
        allowed = {i32, u32, u64};
        break;
      case Op::AtomicInc:
        allowed = {u32};
        break;
      default:
        allowed = {i32, u32, u64};
        break;  // atomicCAS
    }
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
      std::string list;
      for (size_t i = 0; i < allowed.size(); ++i) list += (i ? ", " : "") + q(allowed[i]);
      error(e->loc, "no matching function for call to '" + e->text + "' on " + q(t) +
                        " (it takes " + list + ")");
      return fail();
    }
    AddressSpace s = t_.space(p.type);
    if (s != AddressSpace::Global && s != AddressSpace::Shared) {
      Diagnostic& d = error(
          e->args[0]->loc, "'" + e->text +
                               "' needs a pointer to global or shared memory; this one points to " +
                               space_words(s));
      note_origin(d, p.origin, s);
      return fail();
    }
    if (p.pointee_const) {
      error(e->args[0]->loc, "'" + e->text + "' cannot modify memory through a pointer to const");
      return fail();
    }
    std::vector<ValueId> vs{p.v};
    for (size_t i = 1; i < args.size(); ++i) {
      if (!is_arith(args[i].type)) {
        error(e->args[i]->loc, "argument " + std::to_string(i + 1) + " of '" + e->text +
                                   "' has type " + q(args[i].type) + ", expected " + q(t));
        return fail();
      }
      Val c = convert(args[i], t, args[i].loc, "passing an argument", false);
      if (!c.ok()) return fail();
      vs.push_back(c.v);
    }
    set_loc(e->loc);
    if (bi.kind == BuiltinKind::AtomicCas)
      return rv(b_.create_atomic_cas(vs[0], vs[1], vs[2]), t, e->loc);
    return rv(b_.create_atomic(bi.op, vs[0], vs[1]), t, e->loc);
  }

  Val shuffle_call(const Expr* e, const BuiltinInfo& bi, const std::vector<Val>& args) {
    if (!is_arith(args[0].type)) {
      error(e->args[0]->loc, "the first argument of '" + e->text +
                                 "' is a lane mask ('unsigned int'), not " + q(args[0].type));
      return fail();
    }
    // args[0] (the mask) has been evaluated; gpuc requires every lane in it to be active, as CUDA.
    Val v = args[1];
    if (!is_arith(v.type)) {
      error(e->args[1]->loc,
            "'" + e->text +
                "' shuffles int, unsigned, long long, unsigned long long, float or double, not " +
                q(v.type));
      return fail();
    }
    TypeId t = t_.is_float(v.type) ? v.type : promote(v.type);
    Val val = convert(v, t, v.loc, "passing an argument", false);
    if (!is_arith(args[2].type)) {
      error(e->args[2]->loc,
            "lane argument of '" + e->text + "' must be an integer, not " + q(args[2].type));
      return fail();
    }
    Val lane = convert(args[2], t_.u32(), args[2].loc, "passing an argument", true);
    set_loc(e->loc);
    if (args.size() == 3) return rv(b_.create_shuffle(bi.op, val.v, lane.v), t, e->loc);
    // With a width (a power of two <= warpSize): the warp acts as independent segments of `width`
    // lanes. Lowered to shfl.idx with the source lane computed per CUDA's definition.
    if (!is_arith(args[3].type)) {
      error(e->args[3]->loc, "width argument of '" + e->text + "' must be an integer");
      return fail();
    }
    Val w = convert(args[3], t_.u32(), args[3].loc, "passing an argument", true);
    if (args[3].cval && !args[3].cval->is_float) {
      int64_t wv = signed_value(*args[3].cval);
      if (wv <= 0 || (wv & (wv - 1)) != 0)
        error(e->args[3]->loc,
              "shuffle width must be a power of two (found " + std::to_string(wv) + ")");
    }
    set_loc(e->loc);
    TypeId u = t_.u32();
    ValueId me = b_.create(Op::LaneId, u);
    ValueId one = b_.create_const_int(u, 1);
    ValueId wm1 = b_.create_binary(Op::Sub, w.v, one);                           // width - 1
    ValueId seg = b_.create_binary(Op::And, me, b_.create_unary(Op::Not, wm1));  // segment base
    ValueId in_seg = b_.create_binary(Op::And, me, wm1);  // lane within segment
    ValueId src;
    switch (bi.op) {
      case Op::ShflIdx:
        src = b_.create_binary(Op::Add, seg, b_.create_binary(Op::And, lane.v, wm1));
        break;
      case Op::ShflUp: {
        ValueId below = b_.create_compare(Op::Lt, in_seg, lane.v);
        src = b_.create_select(below, me, b_.create_binary(Op::Sub, me, lane.v));
        break;
      }
      case Op::ShflDown: {
        ValueId past = b_.create_compare(Op::Ge, b_.create_binary(Op::Add, in_seg, lane.v), w.v);
        src = b_.create_select(past, me, b_.create_binary(Op::Add, me, lane.v));
        break;
      }
      default: {  // xor: a lane in a later segment reads its own value
        ValueId x = b_.create_binary(Op::Xor, me, lane.v);
        ValueId later = b_.create_compare(Op::Ge, x, b_.create_binary(Op::Add, seg, w.v));
        src = b_.create_select(later, me, x);
        break;
      }
    }
    return rv(b_.create_shuffle(Op::ShflIdx, val.v, src), t, e->loc);
  }

  Val user_call(const Expr* e, const FunctionDecl* f) {
    if (f->is_global) {
      error(e->loc, "calling a __global__ function ('" + f->name +
                        "') from device code (dynamic parallelism) is not supported");
      return fail();
    }
    if (!check_arg_count(e, f->params.size(), f->params.size(), f->loc)) return fail();
    std::vector<Val> args = lower_args(e);
    for (const Val& a : args)
      if (!a.ok()) return fail();
    if (!f->body) {
      Diagnostic& d =
          error(e->loc, "function '" + f->name +
                            "' is declared but never defined; gpuc compiles whole programs, so "
                            "every called function needs a body in this file");
      diags_.note(d, f->loc, "'" + f->name + "' declared here");
      return fail();
    }
    // Argument types and the pointer address spaces that select the specialisation.
    std::vector<AddressSpace> spaces;
    std::vector<ValueId> vs;
    for (size_t i = 0; i < f->params.size(); ++i) {
      const ParamDecl* pd = f->params[i];
      ResolvedType r = resolve(pd->type, true);
      if (!r.ok()) return fail();
      bool is_ptr_param = t_.is_pointer(r.type) || t_.kind(r.type) == TypeKind::Array || r.unsized;
      if (is_ptr_param) {
        TypeId elem = t_.is_pointer(r.type) ? t_.pointee(r.type)
                      : r.unsized           ? r.type
                                            : t_.info(r.type).element;
        bool pc = t_.is_pointer(r.type) ? r.pointee_const : r.is_const;
        const Val& a = args[i];
        if (!t_.is_pointer(a.type) || t_.pointee(a.type) != elem) {
          Diagnostic& d =
              error(e->args[i]->loc, "cannot convert " + q(a.type, a.pointee_const) + " to " +
                                         q(t_.pointer_type(elem, AddressSpace::Global), pc) +
                                         " for argument " + std::to_string(i + 1) + " of '" +
                                         f->name + "'");
          diags_.note(d, pd->loc, "passing argument to parameter here");
          return fail();
        }
        if (a.pointee_const && !pc) {
          Diagnostic& d =
              error(e->args[i]->loc, "passing " + q(a.type, true) + " to parameter of type " +
                                         q(t_.pointer_type(elem, AddressSpace::Global)) +
                                         " discards the const qualifier");
          diags_.note(d, pd->loc, "passing argument to parameter here");
          return fail();
        }
        spaces.push_back(t_.space(a.type));
        vs.push_back(a.v);
      } else {
        spaces.push_back(AddressSpace::Global);
        Val c = convert(args[i], r.type, e->args[i]->loc, "passing an argument", false);
        if (!c.ok()) return fail();
        vs.push_back(c.v);
      }
    }
    int idx = instantiate(f, spaces, e->loc);
    if (idx == -2) {
      // Recursion: name the cycle from the callee's first activation.
      auto it = std::find(active_.begin(), active_.end(), f);
      std::string cycle;
      for (auto i = it; i != active_.end(); ++i) cycle += "'" + (*i)->name + "' -> ";
      cycle += "'" + f->name + "'";
      if (reported_cycles_.insert(cycle).second) {
        Diagnostic& d = error(
            e->loc,
            it + 1 == active_.end()
                ? "recursion is not supported (SPIR-V forbids it): '" + f->name + "' calls itself"
                : "recursion is not supported (SPIR-V forbids it): call cycle " + cycle);
        diags_.note(d, f->loc, "'" + f->name + "' defined here");
      }
      return fail();
    }
    if (idx < 0) return fail();
    set_loc(e->loc);
    ValueId r = b_.create_call(static_cast<uint32_t>(idx), vs);
    Val out;
    out.type = module_->functions[static_cast<size_t>(idx)]->return_type;
    out.v = r;
    out.loc = e->loc;
    out.origin = e->loc;
    return out;
  }
};

}  // namespace

std::unique_ptr<ir::Module> lower_translation_unit(const TranslationUnit& unit,
                                                   const FrontendOptions& options,
                                                   DiagnosticEngine& diags) {
  Lowerer l(unit, options, diags);
  return l.run();
}

}  // namespace gpuc::frontend
