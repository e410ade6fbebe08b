// Numeric and character constants as the preprocessor sees them, and #if expression evaluation
// (C99 §6.10.1: integer constant expressions in intmax_t / uintmax_t).
#include <cstdint>
#include <limits>

#include "preprocess/pp_internal.h"

namespace gpuc::frontend::pp {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int digit_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

bool valid_int_suffix(std::string_view s) {
  // C99 §6.4.4.1: u / U and l / L / ll / LL in either order.
  auto strip_u = [](std::string_view& v) {
    if (!v.empty() && (v[0] == 'u' || v[0] == 'U')) {
      v.remove_prefix(1);
      return true;
    }
    return false;
  };
  auto strip_l = [](std::string_view& v) {
    if (v.substr(0, 2) == "ll" || v.substr(0, 2) == "LL") {
      v.remove_prefix(2);
      return true;
    }
    if (!v.empty() && (v[0] == 'l' || v[0] == 'L')) {
      v.remove_prefix(1);
      return true;
    }
    return false;
  };
  std::string_view v = s;
  if (strip_u(v)) {
    strip_l(v);
  } else if (strip_l(v)) {
    strip_u(v);
  }
  return v.empty();
}

// Digit separators (C++14) removed, so the rest of the checks see plain digits.
std::string without_separators(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text)
    if (c != '\'') s += c;
  return s;
}

}  // namespace

NumberClass classify_number(std::string_view text, std::string* error) {
  std::string buf;
  if (text.find('\'') != std::string_view::npos) {
    buf = without_separators(text);
    text = buf;
  }
  auto fail = [&](std::string msg) {
    if (error && error->empty()) *error = std::move(msg);
  };
  size_t i = 0;
  bool hex = false, bin = false;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    hex = true;
    i = 2;
  } else if (text.size() >= 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
    bin = true;
    i = 2;
  }
  const size_t digits_begin = i;
  while (i < text.size() && (hex ? is_hex_digit(text[i]) : is_digit(text[i]))) ++i;
  size_t mantissa_digits = i - digits_begin;
  bool is_float = false;
  if (!bin && i < text.size() && text[i] == '.') {
    is_float = true;
    ++i;
    size_t b = i;
    while (i < text.size() && (hex ? is_hex_digit(text[i]) : is_digit(text[i]))) ++i;
    mantissa_digits += i - b;
  }
  bool has_exponent = false;
  if (!bin && i < text.size() &&
      (hex ? (text[i] == 'p' || text[i] == 'P') : (text[i] == 'e' || text[i] == 'E'))) {
    // In a decimal pp-number, `e` starts an exponent only where a float is possible.
    is_float = true;
    has_exponent = true;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t b = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == b) {
      fail("exponent has no digits");
      return NumberClass::Float;
    }
  }
  std::string_view suffix = text.substr(i);
  if (is_float) {
    if (hex && !has_exponent) fail("hexadecimal floating constant requires an exponent");
    if (mantissa_digits == 0) fail("invalid floating constant " + std::string(text));
    if (!(suffix.empty() || suffix == "f" || suffix == "F" || suffix == "l" || suffix == "L"))
      fail("invalid suffix '" + std::string(suffix) + "' on floating constant");
    return NumberClass::Float;
  }
  if ((hex || bin) && mantissa_digits == 0) {
    fail("invalid suffix '" + std::string(text.substr(1)) + "' on integer constant");
    return NumberClass::Int;
  }
  if (bin) {
    for (size_t k = digits_begin; k < i; ++k)
      if (text[k] != '0' && text[k] != '1') {
        fail(std::string("invalid digit '") + text[k] + "' in binary constant");
        return NumberClass::Int;
      }
  }
  if (!hex && !bin && text[0] == '0') {
    for (size_t k = 1; k < i; ++k)
      if (text[k] == '8' || text[k] == '9') {
        fail(std::string("invalid digit '") + text[k] + "' in octal constant");
        return NumberClass::Int;
      }
  }
  if (!valid_int_suffix(suffix))
    fail("invalid suffix '" + std::string(suffix) + "' on integer constant");
  return NumberClass::Int;
}

bool integer_value(std::string_view text, uint64_t& value, bool& is_unsigned, std::string& error) {
  error.clear();
  if (classify_number(text, &error) == NumberClass::Float) {
    if (error.empty()) error = "floating point literal in preprocessor expression";
    return false;
  }
  if (!error.empty()) return false;
  std::string s = without_separators(text);
  unsigned base = 10;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    i = 2;
  } else if (s[0] == '0') {
    base = 8;
  }
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    int d = digit_value(s[i]);
    if (d >= static_cast<int>(base)) break;  // the suffix
    if (v > (std::numeric_limits<uint64_t>::max() - d) / base) overflow = true;
    v = v * base + d;
  }
  if (overflow) {
    error = "integer literal is too large to be represented in any integer type";
    return false;
  }
  std::string_view suffix = std::string_view(s).substr(i);
  is_unsigned = suffix.find_first_of("uU") != std::string_view::npos ||
                v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  value = v;
  return true;
}

bool char_value(std::string_view text, int64_t& value, std::string& error) {
  size_t q = text.find('\'');
  const bool plain = q == 0;
  std::string_view body = text.substr(q + 1, text.size() - q - 2);
  int64_t v = 0;
  size_t count = 0;
  for (size_t i = 0; i < body.size(); ++count) {
    uint32_t c = static_cast<unsigned char>(body[i++]);
    if (c == '\\' && i < body.size()) {
      char e = body[i++];
      switch (e) {
        case 'n':
          c = '\n';
          break;
        case 't':
          c = '\t';
          break;
        case 'r':
          c = '\r';
          break;
        case 'a':
          c = '\a';
          break;
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'v':
          c = '\v';
          break;
        case 'e':
          c = 27;
          break;  // GNU
        case 'x': {
          c = 0;
          size_t b = i;
          while (i < body.size() && is_hex_digit(body[i])) c = c * 16 + digit_value(body[i++]);
          if (i == b) {
            error = "\\x used with no following hex digits";
            return false;
          }
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            c = e - '0';
            for (int k = 0; k < 2 && i < body.size() && body[i] >= '0' && body[i] <= '7'; ++k)
              c = c * 8 + (body[i++] - '0');
          } else {
            c = static_cast<unsigned char>(e);  // \\ \' \" \? and unknown escapes
          }
      }
    }
    if (plain) {
      v = count == 0 ? static_cast<int64_t>(static_cast<signed char>(c)) : (v << 8) | (c & 0xFF);
    } else {
      v = c;
    }
  }
  if (count == 0) {
    error = "empty character constant";
    return false;
  }
  if (plain && count > 1) v = static_cast<int32_t>(v);  // multi-character constant: an int
  value = v;
  return true;
}

namespace {

struct Value {
  uint64_t v = 0;
  bool uns = false;
};

struct ExprFailure {};

class ExprParser {
 public:
  ExprParser(const std::vector<PPTok>& toks, const ExprEnv& env) : t_(toks), env_(env) {}

  Value parse_all() {
    Value v = parse_comma(true);
    if (i_ < t_.size())
      fail(t_[i_].loc, "token is not a valid binary operator in a preprocessor subexpression");
    return v;
  }

 private:
  const std::vector<PPTok>& t_;
  const ExprEnv& env_;
  size_t i_ = 0;
  unsigned depth_ = 0;

  [[noreturn]] void fail(SourceLocation loc, std::string msg) {
    env_.diags.error(loc, std::move(msg));
    throw ExprFailure{};
  }
  bool at_punct(std::string_view p) const { return i_ < t_.size() && t_[i_].is_punct(p); }
  SourceLocation here() const { return i_ < t_.size() ? t_[i_].loc : env_.end_loc; }

  struct DepthGuard {
    ExprParser& p;
    explicit DepthGuard(ExprParser& parser) : p(parser) {
      if (++p.depth_ > p.env_.max_depth)
        p.fail(p.here(), "preprocessor expression nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
  };

  Value parse_comma(bool live) {
    Value v = parse_cond(live);
    while (at_punct(",")) {
      ++i_;
      v = parse_cond(live);
    }
    return v;
  }

  Value parse_cond(bool live) {
    DepthGuard guard(*this);
    Value c = parse_binary(1, live);
    if (!at_punct("?")) return c;
    ++i_;
    const bool cv = c.v != 0;
    Value a = parse_comma(live && cv);
    if (!at_punct(":")) fail(here(), "expected ':' in preprocessor expression");
    ++i_;
    Value b = parse_cond(live && !cv);
    Value r = cv ? a : b;
    r.uns = a.uns || b.uns;  // usual arithmetic conversions between the two arms
    return r;
  }

  static int precedence(const PPTok& t) {
    if (t.kind != PPKind::Punct) return 0;
    std::string_view s = t.text();
    if (s == "*" || s == "/" || s == "%") return 10;
    if (s == "+" || s == "-") return 9;
    if (s == "<<" || s == ">>") return 8;
    if (s == "<" || s == ">" || s == "<=" || s == ">=") return 7;
    if (s == "==" || s == "!=") return 6;
    if (s == "&") return 5;
    if (s == "^") return 4;
    if (s == "|") return 3;
    if (s == "&&") return 2;
    if (s == "||") return 1;
    return 0;
  }

  Value parse_binary(int min_prec, bool live) {
    Value lhs = parse_unary(live);
    for (;;) {
      if (i_ >= t_.size()) return lhs;
      const PPTok& op = t_[i_];
      const int prec = precedence(op);
      if (prec == 0 || prec < min_prec) return lhs;
      ++i_;
      const std::string_view s = op.text();
      if (s == "&&" || s == "||") {
        const bool l = lhs.v != 0;
        const bool rhs_live = live && (s == "&&" ? l : !l);  // short-circuit (C99 §6.5.13-14)
        Value rhs = parse_binary(prec + 1, rhs_live);
        lhs = {s == "&&" ? (l && rhs.v != 0) : (l || rhs.v != 0), false};
        continue;
      }
      Value rhs = parse_binary(prec + 1, live);
      lhs = apply(op, lhs, rhs, live);
    }
  }

  Value apply(const PPTok& op, Value l, Value r, bool live) {
    const std::string_view s = op.text();
    const bool uns = l.uns || r.uns;
    auto sl = static_cast<int64_t>(l.v), sr = static_cast<int64_t>(r.v);
    if (s == "*") return {l.v * r.v, uns};
    if (s == "+") return {l.v + r.v, uns};
    if (s == "-") return {l.v - r.v, uns};
    if (s == "/" || s == "%") {
      if (r.v == 0) {
        if (live) fail(op.loc, "division by zero in preprocessor expression");
        return {0, uns};
      }
      if (uns) return {s == "/" ? l.v / r.v : l.v % r.v, true};
      if (sr == -1) return {s == "/" ? 0 - l.v : 0, false};  // INTMAX_MIN / -1 wraps, no trap
      return {static_cast<uint64_t>(s == "/" ? sl / sr : sl % sr), false};
    }
    if (s == "<<" || s == ">>") {
      // The result has the left operand's type; negative counts shift the other way, counts
      // of 64 or more shift everything out (as gcc evaluates them).
      bool left = s == "<<";
      uint64_t count = r.v;
      if (!r.uns && sr < 0) {
        left = !left;
        count = 0 - r.v;
      }
      if (left) return {count >= 64 ? 0 : l.v << count, l.uns};
      if (l.uns) return {count >= 64 ? 0 : l.v >> count, true};
      if (count >= 64) return {sl < 0 ? ~uint64_t{0} : 0, false};
      return {static_cast<uint64_t>(sl >> count), false};
    }
    bool b;
    if (s == "<")
      b = uns ? l.v < r.v : sl < sr;
    else if (s == ">")
      b = uns ? l.v > r.v : sl > sr;
    else if (s == "<=")
      b = uns ? l.v <= r.v : sl <= sr;
    else if (s == ">=")
      b = uns ? l.v >= r.v : sl >= sr;
    else if (s == "==")
      b = l.v == r.v;
    else if (s == "!=")
      b = l.v != r.v;
    else if (s == "&")
      return {l.v & r.v, uns};
    else if (s == "^")
      return {l.v ^ r.v, uns};
    else
      return {l.v | r.v, uns};  // "|"
    return {b ? 1u : 0u, false};
  }

  Value parse_unary(bool live) {
    DepthGuard guard(*this);
    if (i_ >= t_.size()) fail(env_.end_loc, "expected value in expression");
    const PPTok& t = t_[i_++];
    switch (t.kind) {
      case PPKind::Punct: {
        const std::string_view s = t.text();
        if (s == "(") {
          Value v = parse_comma(live);
          if (!at_punct(")")) fail(here(), "expected ')' in preprocessor expression");
          ++i_;
          return v;
        }
        if (s == "+") return parse_unary(live);
        if (s == "-") {
          Value v = parse_unary(live);
          return {0 - v.v, v.uns};
        }
        if (s == "~") {
          Value v = parse_unary(live);
          return {~v.v, v.uns};
        }
        if (s == "!") {
          Value v = parse_unary(live);
          return {v.v == 0 ? 1u : 0u, false};
        }
        break;
      }
      case PPKind::Number: {
        Value v;
        std::string err;
        if (!integer_value(t.text(), v.v, v.uns, err)) fail(t.loc, err);
        return v;
      }
      case PPKind::Char: {
        int64_t c = 0;
        std::string err;
        if (!char_value(t.text(), c, err)) fail(t.loc, err);
        return {static_cast<uint64_t>(c), false};
      }
      case PPKind::Identifier: {
        if (t.ident == env_.id_defined) {
          // `defined` produced by macro expansion (undefined behaviour in C99; handled as gcc
          // and clang do).
          bool paren = at_punct("(");
          if (paren) ++i_;
          if (i_ >= t_.size() || t_[i_].kind != PPKind::Identifier)
            fail(here(), "macro name must be an identifier");
          bool def = env_.idents[t_[i_].ident].macro >= 0;
          ++i_;
          if (paren) {
            if (!at_punct(")")) fail(here(), "missing ')' after 'defined'");
            ++i_;
          }
          return {def ? 1u : 0u, false};
        }
        // C++ [cpp.cond]p4: true and false are 1 and 0; any other identifier is 0.
        if (t.ident == env_.id_true) return {1, false};
        return {0, false};
      }
      default:
        break;
    }
    fail(t.loc, "invalid token at start of a preprocessor expression");
  }
};

}  // namespace

bool evaluate_integer(const std::vector<PPTok>& tokens, const ExprEnv& env, uint64_t& value,
                      bool& is_unsigned) {
  if (tokens.empty()) {
    env.diags.error(env.end_loc, "expected value in expression");
    return false;
  }
  try {
    ExprParser p(tokens, env);
    Value v = p.parse_all();
    value = v.v;
    is_unsigned = v.uns;
    return true;
  } catch (const ExprFailure&) {
    return false;
  }
}

bool evaluate_condition(const std::vector<PPTok>& tokens, const ExprEnv& env, bool& value) {
  uint64_t v = 0;
  bool uns = false;
  if (!evaluate_integer(tokens, env, v, uns)) return false;
  value = v != 0;
  return true;
}

}  // namespace gpuc::frontend::pp
