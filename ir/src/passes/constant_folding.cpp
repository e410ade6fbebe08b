// Constant folding: ops whose operands are all constants become constants; `select` and `if` on a
// constant condition pick their side. Nothing with undefined behaviour is folded (division by
// zero, INT_MIN / -1, shifts by the width or more, out-of-range float -> int conversions), so the
// program's behaviour at run time is unchanged.
#include <bit>
#include <cmath>
#include <optional>

#include "gpuc/ir/literals.h"
#include "passes.h"

namespace gpuc::ir::passes {
namespace {

uint64_t mask(uint32_t width) {
  return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
}

int64_t sext(uint64_t bits, uint32_t width) {
  if (width >= 64) return static_cast<int64_t>(bits);
  uint64_t sign = uint64_t{1} << (width - 1);
  return static_cast<int64_t>(((bits & mask(width)) ^ sign) - sign);
}

// A scalar's numeric class and width; bools are unsigned ints of width 1.
struct Scalar {
  TypeKind kind;
  uint32_t width;
  bool is_signed;
};

Scalar scalar(const TypeTable& t, TypeId type) {
  const TypeInfo& i = t.info(type);
  if (i.kind == TypeKind::Bool) return {TypeKind::Bool, 1, false};
  return {i.kind, i.width, i.is_signed};
}

double to_double(Scalar s, uint64_t bits) {
  if (s.width == 16) return half_to_float(static_cast<uint16_t>(bits));
  if (s.width == 32) return std::bit_cast<float>(static_cast<uint32_t>(bits));
  return std::bit_cast<double>(bits);
}

// Encodes a double that is exactly representable in the float type of `width`... or rounds it:
// f32 and f64 results are computed in their own precision before they get here, f16 ones in
// float (exact for + - * / of halves, which float holds with room to spare).
uint64_t from_float(uint32_t width, float f) {
  if (width == 16) return float_to_half(f);
  return std::bit_cast<uint32_t>(f);
}

class Folder {
 public:
  Folder(Module& m, Function& f) : t_(m.types), f_(f), repl_(f) {}

  bool run() {
    region(f_.body);
    return changed_;
  }

 private:
  TypeTable& t_;
  Function& f_;
  Replacements repl_;
  bool changed_ = false;

  std::optional<uint64_t> constant(ValueId v) const {
    InstId d = f_.def_of(v);
    if (!d.valid()) return std::nullopt;
    const Inst& in = f_.inst(d);
    if (in.op != Op::Const) return std::nullopt;
    return in.imm;
  }

  void region(RegionId r) {
    std::vector<InstId> out;
    const std::vector<InstId> insts = f_.region(r).insts;
    for (size_t i = 0; i < insts.size(); ++i) {
      InstId id = insts[i];
      Inst& in = f_.inst(id);
      repl_.apply(in);
      if (in.op == Op::If) {
        if (std::optional<uint64_t> c = constant(in.operands[0])) {
          // if true/false { ... }: the taken region's insts replace the `if`. Values they define
          // become visible to the rest of the region, which only widens dominance. When they end
          // in a terminator, what followed the `if` was unreachable and goes (nothing outside
          // this region can use values defined in it: V2).
          RegionId taken = in.regions[*c ? 0 : 1];
          region(taken);
          const std::vector<InstId>& moved = f_.region(taken).insts;
          out.insert(out.end(), moved.begin(), moved.end());
          changed_ = true;
          if (!moved.empty() && is_terminator(f_.inst(moved.back()).op)) break;
          continue;
        }
      }
      if (in.op == Op::Select) {
        if (std::optional<uint64_t> c = constant(in.operands[0])) {
          repl_.set(in.result, in.operands[*c ? 1 : 2]);
          changed_ = true;
          continue;  // the select goes
        }
      }
      if (in.op != Op::Const && in.result.valid() && t_.is_scalar(in.type) &&
          !in.operands.empty()) {
        if (std::optional<uint64_t> bits = fold(in)) {
          in.op = Op::Const;
          in.operands.clear();
          in.imm = *bits & mask(scalar(t_, in.type).width);
          changed_ = true;
        }
      }
      if (in.op == Op::If || in.op == Op::Loop)
        for (RegionId sub : in.regions) region(sub);
      out.push_back(id);
    }
    f_.region(r).insts = std::move(out);
  }

  // The bits of the folded result, or nullopt when the op is not folded.
  std::optional<uint64_t> fold(const Inst& in) {
    std::vector<uint64_t> v;
    for (ValueId o : in.operands) {
      std::optional<uint64_t> c = constant(o);
      if (!c) return std::nullopt;
      v.push_back(*c);
    }
    if (!t_.is_scalar(f_.type_of(in.operands[0]))) return std::nullopt;
    Scalar s = scalar(t_, f_.type_of(in.operands[0]));
    Scalar rs = scalar(t_, in.type);
    switch (in.op) {
      case Op::Convert:
        return convert(s, rs, v[0]);
      case Op::Bitcast:
        return v[0];
      default:
        break;
    }
    if (is_compare(in.op)) return compare(in.op, s, v[0], v[1]);
    if (s.kind == TypeKind::Float) return fold_float(in.op, s, v);
    return fold_int(in.op, s, v);
  }

  static std::optional<uint64_t> compare(Op op, Scalar s, uint64_t a, uint64_t b) {
    bool r;
    if (s.kind == TypeKind::Float) {
      double x = to_double(s, a), y = to_double(s, b);
      switch (op) {  // ordered, except ne (unordered), as C
        case Op::Eq:
          r = x == y;
          break;
        case Op::Ne:
          r = !(x == y);
          break;
        case Op::Lt:
          r = x < y;
          break;
        case Op::Le:
          r = x <= y;
          break;
        case Op::Gt:
          r = x > y;
          break;
        default:
          r = x >= y;
          break;
      }
      return r ? 1 : 0;
    }
    if (s.is_signed) {
      int64_t x = sext(a, s.width), y = sext(b, s.width);
      switch (op) {
        case Op::Eq:
          r = x == y;
          break;
        case Op::Ne:
          r = x != y;
          break;
        case Op::Lt:
          r = x < y;
          break;
        case Op::Le:
          r = x <= y;
          break;
        case Op::Gt:
          r = x > y;
          break;
        default:
          r = x >= y;
          break;
      }
    } else {
      switch (op) {
        case Op::Eq:
          r = a == b;
          break;
        case Op::Ne:
          r = a != b;
          break;
        case Op::Lt:
          r = a < b;
          break;
        case Op::Le:
          r = a <= b;
          break;
        case Op::Gt:
          r = a > b;
          break;
        default:
          r = a >= b;
          break;
      }
    }
    return r ? 1 : 0;
  }

  static std::optional<uint64_t> fold_int(Op op, Scalar s, const std::vector<uint64_t>& v) {
    uint32_t w = s.width;
    uint64_t m = mask(w);
    uint64_t a = v[0] & m, b = v.size() > 1 ? v[1] & m : 0;
    int64_t sa = sext(a, w), sb = sext(b, w);
    int64_t min_signed = w >= 64 ? INT64_MIN : -(int64_t{1} << (w - 1));
    switch (op) {
      case Op::Add:
        return (a + b) & m;  // wraps: unsigned by definition, signed as the targets do
      case Op::Sub:
        return (a - b) & m;
      case Op::Mul:
        return (a * b) & m;
      case Op::Div:
      case Op::Rem:
        if (b == 0) return std::nullopt;  // undefined behaviour: left to run time
        if (s.is_signed) {
          if (sa == min_signed && sb == -1) return std::nullopt;  // overflows
          return static_cast<uint64_t>(op == Op::Div ? sa / sb : sa % sb) & m;
        }
        return op == Op::Div ? a / b : a % b;
      case Op::Min:
        return s.is_signed ? static_cast<uint64_t>(std::min(sa, sb)) & m : std::min(a, b);
      case Op::Max:
        return s.is_signed ? static_cast<uint64_t>(std::max(sa, sb)) & m : std::max(a, b);
      case Op::Neg:
        return (0 - a) & m;
      case Op::Abs:
        if (!s.is_signed) return a;
        if (sa == min_signed) return std::nullopt;  // |INT_MIN| overflows
        return static_cast<uint64_t>(sa < 0 ? -sa : sa) & m;
      case Op::And:
        return a & b;
      case Op::Or:
        return a | b;
      case Op::Xor:
        return a ^ b;
      case Op::Not:
        return ~a & m;
      case Op::Shl:
      case Op::Shr: {
        if (s.kind == TypeKind::Bool) return std::nullopt;
        uint64_t count = s.is_signed ? static_cast<uint64_t>(sb) : b;
        if ((s.is_signed && sb < 0) || count >= w) return std::nullopt;  // undefined in C
        if (op == Op::Shl) return (a << count) & m;
        return s.is_signed ? static_cast<uint64_t>(sa >> count) & m : a >> count;
      }
      case Op::Popcount:
        return static_cast<uint64_t>(std::popcount(a));
      case Op::Clz:
        return static_cast<uint64_t>(std::countl_zero(a) - (64 - static_cast<int>(w)));
      case Op::Ffs:
        return a == 0 ? 0 : static_cast<uint64_t>(std::countr_zero(a) + 1);
      case Op::Brev: {
        uint64_t r = 0;
        for (uint32_t i = 0; i < w; ++i)
          if (a >> i & 1) r |= uint64_t{1} << (w - 1 - i);
        return r;
      }
      case Op::MulHi: {
        if (s.is_signed) {
          __int128 p = static_cast<__int128>(sa) * sb;
          return static_cast<uint64_t>(p >> w) & m;
        }
        unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
        return static_cast<uint64_t>(p >> w) & m;
      }
      default:
        return std::nullopt;
    }
  }

  static std::optional<uint64_t> fold_float(Op op, Scalar s, const std::vector<uint64_t>& v) {
    uint32_t w = s.width;
    uint64_t sign = uint64_t{1} << (w - 1);
    switch (op) {  // sign-bit ops are exact on every value, NaNs included
      case Op::Neg:
        return v[0] ^ sign;
      case Op::Abs:
        return v[0] & ~sign;
      case Op::Copysign:
        return (v[0] & ~sign) | (v[1] & sign);
      case Op::IsNan:
        return std::isnan(to_double(s, v[0])) ? 1 : 0;
      case Op::IsInf:
        return std::isinf(to_double(s, v[0])) ? 1 : 0;
      default:
        break;
    }
    if (w == 64) {
      double a = std::bit_cast<double>(v[0]);
      double b = v.size() > 1 ? std::bit_cast<double>(v[1]) : 0;
      double c = v.size() > 2 ? std::bit_cast<double>(v[2]) : 0;
      std::optional<double> r = arith(op, a, b, c);
      if (!r) return std::nullopt;
      return std::bit_cast<uint64_t>(*r);
    }
    // f32 in float; f16 in float and rounded once to half (exact for + - * / and the roundings).
    float a = static_cast<float>(to_double(s, v[0]));
    float b = v.size() > 1 ? static_cast<float>(to_double(s, v[1])) : 0;
    float c = v.size() > 2 ? static_cast<float>(to_double(s, v[2])) : 0;
    if (w == 16 && op == Op::Fma) return std::nullopt;  // fma in float then half rounds twice
    std::optional<float> r = arith(op, a, b, c);
    if (!r) return std::nullopt;
    return from_float(w, *r);
  }

  // IEEE operations that are exactly specified (correctly rounded or exact). Library functions
  // (sin, exp, ...) are not folded: their device results differ from the host's.
  template <typename F>
  static std::optional<F> arith(Op op, F a, F b, F c) {
    switch (op) {
      case Op::Add:
        return a + b;
      case Op::Sub:
        return a - b;
      case Op::Mul:
        return a * b;
      case Op::Div:
        if (b == 0) return std::nullopt;  // never fold a division by zero
        return a / b;
      case Op::Min:
      case Op::Max:
        if (a == 0 && b == 0 && std::signbit(a) != std::signbit(b)) return std::nullopt;
        return op == Op::Min ? std::fmin(a, b) : std::fmax(a, b);  // fminf: NaN loses
      case Op::Fma:
        return std::fma(a, b, c);
      case Op::Floor:
        return std::floor(a);
      case Op::Ceil:
        return std::ceil(a);
      case Op::Trunc:
        return std::trunc(a);
      case Op::Round:
        return std::round(a);
      case Op::Rint:
        return std::nearbyint(a);
      default:
        return std::nullopt;
    }
  }

  static std::optional<uint64_t> convert(Scalar from, Scalar to, uint64_t bits) {
    bool from_float = from.kind == TypeKind::Float, to_float = to.kind == TypeKind::Float;
    if (to.kind == TypeKind::Bool) {  // C: x != 0 (NaN converts to true)
      if (from_float) return to_double(from, bits) == 0.0 ? 0 : 1;
      return (bits & mask(from.width)) != 0 ? 1 : 0;
    }
    if (!from_float) {
      // Integer or bool source: its value as int64/uint64.
      uint64_t u = bits & mask(from.width);
      int64_t sv = from.is_signed ? sext(u, from.width) : static_cast<int64_t>(u);
      bool negative = from.is_signed && sv < 0;
      if (!to_float) return (from.is_signed ? static_cast<uint64_t>(sv) : u) & mask(to.width);
      if (to.width == 64)
        return std::bit_cast<uint64_t>(negative ? static_cast<double>(sv) : static_cast<double>(u));
      if (to.width == 32)
        return std::bit_cast<uint32_t>(negative ? static_cast<float>(sv) : static_cast<float>(u));
      // f16: through float only when the value is exact in float (one rounding).
      if (negative ? sv < -(int64_t{1} << 24) : u > (uint64_t{1} << 24)) return std::nullopt;
      return float_to_half(negative ? static_cast<float>(sv) : static_cast<float>(u));
    }
    double d = to_double(from, bits);
    if (to_float) {
      if (to.width == 64) return std::bit_cast<uint64_t>(d);
      if (to.width == 32) return std::bit_cast<uint32_t>(static_cast<float>(d));
      float f = static_cast<float>(d);
      if (from.width == 64 && !std::isnan(d) && static_cast<double>(f) != d) return std::nullopt;
      return float_to_half(f);
    }
    // float -> int truncates; a value out of the target's range (or NaN) is undefined in C.
    if (std::isnan(d)) return std::nullopt;
    double t = std::trunc(d);
    if (to.is_signed) {
      double lo = -std::ldexp(1.0, static_cast<int>(to.width) - 1);
      if (t < lo || t >= -lo) return std::nullopt;
      return static_cast<uint64_t>(static_cast<int64_t>(t)) & mask(to.width);
    }
    if (t < 0 || t >= std::ldexp(1.0, static_cast<int>(to.width))) return std::nullopt;
    return static_cast<uint64_t>(t);
  }
};

}  // namespace

PassResult constant_folding(Module& m, DiagnosticEngine&) {
  bool changed = false;
  for (auto& f : m.functions) changed |= Folder(m, *f).run();
  return changed ? PassResult::Changed : PassResult::Unchanged;
}

}  // namespace gpuc::ir::passes
