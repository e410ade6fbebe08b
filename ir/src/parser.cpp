// The .gir parser: the exact inverse of printer.cpp (grammar in docs/ir.md). Reports errors as
// "file:line:col: error: ..." through the diagnostics engine, recovers at line boundaries, and
// never crashes or loops on malformed input.
#include "gpuc/ir/parser.h"

#include <charconv>
#include <cstring>
#include <unordered_map>

#include "gpuc/ir/literals.h"
#include "gpuc/support/ice.h"

namespace gpuc::ir {
namespace {

constexpr int kMaxNesting = 200;     // if/loop regions and types nest at most this deep
constexpr unsigned kMaxErrors = 20;  // stop parsing after this many errors

// --- lexer
// -------------------------------------------------------------------------------------------

enum class Tok : uint8_t {
  Eof,
  Ident,   // [A-Za-z_][A-Za-z0-9_.]*  (keywords and op names too)
  Number,  // a literal starting with a digit or '-': 12, -3, 1.5e-07, -inf, 0x7fc00001
  Value,   // %name (text: the name)
  Symbol,  // @name (text: the name)
  Punct,   // { } ( ) [ ] < > , : = ->
};

struct Token {
  Tok kind = Tok::Eof;
  std::string_view text;
  size_t offset = 0;
  size_t end = 0;           // offset just past the token (sigils included)
  bool line_start = false;  // first token on its line
};

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

class Lexer {
 public:
  Lexer(std::string_view text) : s_(text) {}

  // Lexes everything; `bad` is called with the offset of each character that starts no token.
  template <typename OnBad>
  std::vector<Token> run(OnBad bad) {
    std::vector<Token> out;
    bool line_start = true;
    size_t i = 0;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '\n') {
        line_start = true;
        ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      if (c == ';') {  // line comment
        while (i < s_.size() && s_[i] != '\n') ++i;
        continue;
      }
      Token t;
      t.offset = i;
      t.line_start = line_start;
      size_t start = i;
      if (ident_start(c)) {
        while (i < s_.size() && ident_char(s_[i])) ++i;
        t.kind = Tok::Ident;
        t.text = s_.substr(start, i - start);
      } else if ((c >= '0' && c <= '9') ||
                 (c == '-' && i + 1 < s_.size() && s_[i + 1] != '>' && (ident_char(s_[i + 1])))) {
        ++i;
        bool hex = s_.substr(start).starts_with("0x") || s_.substr(start).starts_with("-0x");
        while (i < s_.size()) {
          char d = s_[i];
          if (ident_char(d)) {
            ++i;
          } else if ((d == '+' || d == '-') && !hex && (s_[i - 1] == 'e' || s_[i - 1] == 'E')) {
            ++i;
          } else {
            break;
          }
        }
        t.kind = Tok::Number;
        t.text = s_.substr(start, i - start);
      } else if ((c == '%' || c == '@') && i + 1 < s_.size() && ident_char(s_[i + 1])) {
        ++i;
        while (i < s_.size() && ident_char(s_[i])) ++i;
        t.kind = c == '%' ? Tok::Value : Tok::Symbol;
        t.text = s_.substr(start + 1, i - start - 1);
      } else if (c == '-' && i + 1 < s_.size() && s_[i + 1] == '>') {
        i += 2;
        t.kind = Tok::Punct;
        t.text = s_.substr(start, 2);
      } else if (std::strchr("{}()[]<>,:=", c) != nullptr && c != '\0') {
        ++i;
        t.kind = Tok::Punct;
        t.text = s_.substr(start, 1);
      } else {
        bad(i);
        ++i;
        continue;
      }
      line_start = false;
      t.end = i;
      out.push_back(t);
    }
    Token eof;
    eof.offset = eof.end = s_.size();
    eof.line_start = true;
    out.push_back(eof);
    return out;
  }

 private:
  std::string_view s_;
};

// --- parser
// ------------------------------------------------------------------------------------------

class Parser {
 public:
  Parser(uint32_t file, DiagnosticEngine& diags, const SourceManager& sm)
      : file_(file), diags_(diags), sm_(sm), text_(sm.text(file)) {}

  std::unique_ptr<Module> run() {
    m_ = std::make_unique<Module>();
    toks_ = Lexer(text_).run([&](size_t offset) { bad_chars_.push_back(offset); });
    while (!at(Tok::Eof) && !stopped()) top_level();
    if (!stopped()) resolve_symbols();
    flush_bad_chars(text_.size() + 1);
    if (errors_ > 0) return nullptr;
    return std::move(m_);
  }

 private:
  uint32_t file_;
  DiagnosticEngine& diags_;
  const SourceManager& sm_;
  std::string_view text_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  unsigned errors_ = 0;
  std::unique_ptr<Module> m_;

  // Per function.
  Function* f_ = nullptr;
  std::unordered_map<std::string, ValueId> values_;
  int depth_ = 0;

  struct Fixup {  // a call or global naming a symbol, resolved once the whole module is read
    Function* f;
    InstId inst;
    std::string name;
    size_t offset;
  };
  std::vector<Fixup> fixups_;
  std::unordered_map<std::string, size_t> function_offsets_;  // name -> offset of its definition

  // --- tokens and errors
  // ---------------------------------------------------------------------------

  const Token& tok() const { return toks_[pos_]; }
  const Token& peek(size_t n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  bool at(Tok k) const { return tok().kind == k; }
  bool at(Tok k, std::string_view text) const { return tok().kind == k && tok().text == text; }
  bool at_punct(std::string_view p) const { return at(Tok::Punct, p); }
  bool at_ident(std::string_view p) const { return at(Tok::Ident, p); }
  void advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool stopped() const { return errors_ >= kMaxErrors; }

  SourceLocation loc(size_t offset) const { return sm_.location(file_, offset); }

  // Characters that start no token, reported in file order among the parser's errors.
  std::vector<size_t> bad_chars_;
  size_t next_bad_ = 0;
  void flush_bad_chars(size_t before) {
    while (next_bad_ < bad_chars_.size() && bad_chars_[next_bad_] < before && !stopped()) {
      size_t offset = bad_chars_[next_bad_++];
      unsigned char c = static_cast<unsigned char>(text_[offset]);
      std::string shown;
      if (c >= 0x20 && c < 0x7f) {
        shown = std::string("'") + static_cast<char>(c) + "'";
      } else {
        static const char* hex = "0123456789abcdef";
        shown = std::string("byte 0x") + hex[c >> 4] + hex[c & 0xf];
      }
      report(offset, "unexpected character " + shown);
    }
  }

  void error_at(size_t offset, std::string message) {
    flush_bad_chars(offset + 1);
    report(offset, std::move(message));
  }

  void report(size_t offset, std::string message) {
    ++errors_;
    if (errors_ == kMaxErrors) {
      diags_.error(loc(offset), std::move(message));
      diags_.error(loc(offset), "too many errors in IR text, stopping");
      return;
    }
    if (errors_ < kMaxErrors) diags_.error(loc(offset), std::move(message));
  }
  void error(std::string message) { error_at(tok().offset, std::move(message)); }
  // An error about something missing before the current token: when that token starts a line,
  // the error points just past the end of the previous line's last token (as clang does).
  void error_missing(std::string message) {
    size_t offset = tok().offset;
    if (tok().line_start && pos_ > 0) offset = toks_[pos_ - 1].end;
    error_at(offset, std::move(message));
  }

  std::string describe(const Token& t) const {
    switch (t.kind) {
      case Tok::Eof:
        return "end of file";
      case Tok::Value:
        return "'%" + std::string(t.text) + "'";
      case Tok::Symbol:
        return "'@" + std::string(t.text) + "'";
      default:
        return "'" + std::string(t.text) + "'";
    }
  }

  // Consumes punctuation `p` or reports "expected 'p', found ...".
  bool expect(std::string_view p) {
    if (at_punct(p)) {
      advance();
      return true;
    }
    error_missing("expected '" + std::string(p) + "', found " + describe(tok()));
    return false;
  }
  bool expect_keyword(std::string_view k) {
    if (at_ident(k)) {
      advance();
      return true;
    }
    error_missing("expected '" + std::string(k) + "', found " + describe(tok()));
    return false;
  }

  // Parses a decimal integer that fits in uint32_t.
  bool parse_u32(uint32_t* out, const char* what) {
    if (at(Tok::Number)) {
      std::string_view s = tok().text;
      uint32_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        *out = v;
        advance();
        return true;
      }
    }
    error_missing(std::string("expected ") + what + " (an unsigned 32-bit integer), found " +
                  describe(tok()));
    return false;
  }

  // Skips the rest of the current line (error recovery). Braces opened on the skipped part are
  // skipped along with their contents, so the parser resumes at the same nesting level.
  void skip_line() {
    int open = 0;
    while (!at(Tok::Eof) && (open > 0 || !tok().line_start)) {
      if (at_punct("{")) ++open;
      if (at_punct("}")) {
        if (open == 0) return;  // closes an enclosing region: leave it to the caller
        --open;
      }
      advance();
    }
  }

  // --- top level
  // -----------------------------------------------------------------------------------

  void top_level() {
    size_t before = pos_;
    unsigned errors_before = errors_;
    if (at_ident("struct")) {
      struct_decl();
    } else if (at(Tok::Ident) && parse_address_space(tok().text) && peek().kind == Tok::Symbol) {
      global_decl();
    } else if (at_ident("kernel") || at_ident("func")) {
      function();
    } else {
      error("expected 'struct', 'shared', 'constant', 'kernel' or 'func', found " +
            describe(tok()));
    }
    if (errors_ > errors_before) {
      // Resume at the next line that starts a top-level declaration.
      if (pos_ == before) advance();
      while (!at(Tok::Eof) &&
             !(tok().line_start && (at_ident("struct") || at_ident("kernel") || at_ident("func") ||
                                    (at(Tok::Ident) && parse_address_space(tok().text)))))
        advance();
    }
  }

  void struct_decl() {
    advance();  // struct
    if (!at(Tok::Ident)) {
      error_missing("expected a struct name, found " + describe(tok()));
      return;
    }
    std::string name(tok().text);
    size_t name_offset = tok().offset;
    advance();
    if (!expect("{")) return;
    std::vector<StructMember> members;
    uint64_t size = 0;
    while (!at_punct("}")) {
      if (!members.empty() && !expect(",")) return;
      if (!at(Tok::Ident)) {
        error_missing("expected a member name, found " + describe(tok()));
        return;
      }
      std::string member(tok().text);
      for (const StructMember& m : members)
        if (m.name == member) {
          error("duplicate member '" + member + "' in struct '" + name + "'");
          return;
        }
      advance();
      if (!expect(":")) return;
      size_t type_offset = tok().offset;
      TypeId t = type();
      if (!t.valid()) return;
      if (m_->types.is_void(t)) {
        error_at(type_offset, "struct member '" + member + "' cannot have type void");
        return;
      }
      size += m_->types.info(t).size + m_->types.info(t).align;
      if (size > (uint64_t{1} << 30)) {
        error_at(type_offset, "struct '" + name + "' is too large");
        return;
      }
      members.push_back(StructMember{std::move(member), t, 0});
    }
    advance();  // }
    if (is_type_keyword(name)) {
      error_at(name_offset, "'" + name + "' is a built-in type name");
      return;
    }
    if (m_->types.find_struct(name).valid()) {
      error_at(name_offset, "redefinition of struct '" + name + "'");
      return;
    }
    m_->types.struct_type(name, std::move(members));
  }

  static bool is_type_keyword(std::string_view s) {
    static const char* kw[] = {"void", "bool", "vec", "ptr", "i8",  "i16", "i32", "i64",
                               "u8",   "u16",  "u32", "u64", "f16", "f32", "f64"};
    for (const char* k : kw)
      if (s == k) return true;
    return false;
  }

  void global_decl() {
    size_t start = tok().offset;
    AddressSpace space = *parse_address_space(tok().text);
    advance();
    std::string name(tok().text);
    size_t name_offset = tok().offset;
    advance();
    if (!expect(":")) return;
    TypeId t = type();
    if (!t.valid()) return;
    GlobalVar g;
    g.name = name;
    g.type = t;
    g.space = space;
    g.loc = loc(start);
    if (at_punct("=")) {
      advance();
      const TypeInfo& info = m_->types.info(t);
      if (info.kind == TypeKind::Void) {
        error("a module variable of type void cannot have an initializer");
        return;
      }
      g.init.assign(info.size, 0);
      if (!initializer(t, g.init.data(), 0)) return;
    }
    if (m_->find_global(name) >= 0 || function_offsets_.count(name)) {
      error_at(name_offset, "redefinition of '@" + name + "'");
      return;
    }
    if (!end_of_line()) return;
    m_->add_global(std::move(g));
  }

  // Aggregate literal: arrays [a, b], vectors and structs {a, b}, scalars as literals.
  bool initializer(TypeId t, uint8_t* bytes, int depth) {
    if (depth > kMaxNesting) {
      error("initializer nested too deeply");
      return false;
    }
    const TypeInfo& info = m_->types.info(t);
    switch (info.kind) {
      case TypeKind::Array:
      case TypeKind::Vector:
      case TypeKind::Struct: {
        bool is_array = info.kind == TypeKind::Array;
        if (!expect(is_array ? "[" : "{")) return false;
        size_t n = info.kind == TypeKind::Struct ? info.members.size() : info.count;
        for (size_t i = 0; i < n; ++i) {
          if (i && !expect(",")) return false;
          TypeId part = info.kind == TypeKind::Struct ? info.members[i].type : info.element;
          size_t offset = info.kind == TypeKind::Struct ? info.members[i].offset
                                                        : i * m_->types.info(info.element).size;
          if (!initializer(part, bytes + offset, depth + 1)) return false;
        }
        return expect(is_array ? "]" : "}");
      }
      case TypeKind::Bool:
      case TypeKind::Int:
      case TypeKind::Float: {
        std::optional<uint64_t> bits;
        if (at(Tok::Number) || at(Tok::Ident)) bits = parse_scalar(m_->types, t, tok().text);
        if (!bits) {
          error("invalid literal " + describe(tok()) + " for type " + m_->types.to_string(t));
          return false;
        }
        for (uint32_t i = 0; i < info.size; ++i) bytes[i] = static_cast<uint8_t>(*bits >> (8 * i));
        advance();
        return true;
      }
      default:
        error("an initializer cannot hold a value of type " + m_->types.to_string(t));
        return false;
    }
  }

  // --- types
  // ---------------------------------------------------------------------------------------

  // Parses a type; returns an invalid id after reporting an error.
  TypeId type(int depth = 0) {
    TypeTable& T = m_->types;
    if (depth > kMaxNesting) {
      error("type nested too deeply");
      return {};
    }
    if (at_punct("[")) {  // [N x T]
      advance();
      uint32_t count = 0;
      if (!parse_u32(&count, "an array length")) return {};
      if (!expect_keyword("x")) return {};
      size_t elem_offset = tok().offset;
      TypeId e = type(depth + 1);
      if (!e.valid()) return {};
      if (!expect("]")) return {};
      if (count == 0) {
        error_at(elem_offset, "array length must be at least 1");
        return {};
      }
      if (T.is_void(e)) {
        error_at(elem_offset, "array of void");
        return {};
      }
      if (uint64_t{T.info(e).size} * count > (uint64_t{1} << 30)) {
        error_at(elem_offset, "array is too large");
        return {};
      }
      return T.array_type(e, count);
    }
    if (!at(Tok::Ident)) {
      error_missing("expected a type, found " + describe(tok()));
      return {};
    }
    std::string_view name = tok().text;
    size_t offset = tok().offset;
    advance();
    if (name == "void") return T.void_type();
    if (name == "bool") return T.bool_type();
    if (name.size() >= 2 && (name[0] == 'i' || name[0] == 'u' || name[0] == 'f')) {
      uint32_t width = 0;
      auto r = std::from_chars(name.data() + 1, name.data() + name.size(), width);
      if (r.ec == std::errc() && r.ptr == name.data() + name.size() && name[1] != '0') {
        if (name[0] == 'f' && (width == 16 || width == 32 || width == 64))
          return T.float_type(width);
        if (name[0] != 'f' && (width == 8 || width == 16 || width == 32 || width == 64))
          return T.int_type(width, name[0] == 'i');
      }
    }
    if (name == "vec") {  // vec<N, T>
      if (!expect("<")) return {};
      uint32_t count = 0;
      if (!parse_u32(&count, "a lane count")) return {};
      if (!expect(",")) return {};
      size_t elem_offset = tok().offset;
      TypeId e = type(depth + 1);
      if (!e.valid() || !expect(">")) return {};
      if (count < 2 || count > 4) {
        error_at(offset, "vectors have 2, 3 or 4 lanes, not " + std::to_string(count));
        return {};
      }
      if (!T.is_scalar(e)) {
        error_at(elem_offset, "vector lanes must be bool, int or float, not " + T.to_string(e));
        return {};
      }
      return T.vector_type(e, count);
    }
    if (name == "ptr") {  // ptr<space, T>
      if (!expect("<")) return {};
      std::optional<AddressSpace> space;
      if (at(Tok::Ident)) space = parse_address_space(tok().text);
      if (!space) {
        error_missing("expected an address space (global, shared, private, constant), found " +
                      describe(tok()));
        return {};
      }
      advance();
      if (!expect(",")) return {};
      TypeId e = type(depth + 1);
      if (!e.valid() || !expect(">")) return {};
      return T.pointer_type(e, *space);
    }
    TypeId s = T.find_struct(name);
    if (!s.valid()) {
      error_at(offset, "unknown type '" + std::string(name) + "'");
      return {};
    }
    return s;
  }

  // --- functions
  // -----------------------------------------------------------------------------------

  void function() {
    size_t start = tok().offset;
    bool is_kernel = at_ident("kernel");
    advance();
    if (!at(Tok::Symbol)) {
      error_missing("expected a function name '@name', found " + describe(tok()));
      return;
    }
    std::string name(tok().text);
    size_t name_offset = tok().offset;
    advance();
    if (function_offsets_.count(name) || m_->find_global(name) >= 0) {
      error_at(name_offset, "redefinition of '@" + name + "'");
      return;
    }
    // Parameters are parsed before the function exists (their types intern into the module).
    struct P {
      std::string name;
      TypeId type;
      bool readonly = false, restrict = false;
      size_t offset;
    };
    std::vector<P> params;
    if (!expect("(")) return;
    while (!at_punct(")")) {
      if (!params.empty() && !expect(",")) return;
      if (!at(Tok::Value)) {
        error_missing("expected a parameter '%name', found " + describe(tok()));
        return;
      }
      P p;
      p.name = std::string(tok().text);
      p.offset = tok().offset;
      for (const P& q : params)
        if (q.name == p.name) {
          error("redefinition of parameter '%" + p.name + "'");
          return;
        }
      advance();
      if (!expect(":")) return;
      p.type = type();
      if (!p.type.valid()) return;
      for (;;) {
        if (at_ident("readonly") && !p.readonly) {
          p.readonly = true;
          advance();
        } else if (at_ident("restrict") && !p.restrict) {
          p.restrict = true;
          advance();
        } else {
          break;
        }
      }
      params.push_back(std::move(p));
    }
    advance();  // )
    TypeId ret = m_->types.void_type();
    if (at_punct("->")) {
      advance();
      ret = type();
      if (!ret.valid()) return;
    }
    std::array<uint32_t, 3> block{0, 0, 0};
    uint32_t max_threads = 0;
    bool force_inline = false;
    if (at_ident("block")) {
      advance();
      if (!expect("(")) return;
      for (int i = 0; i < 3; ++i) {
        if (i && !expect(",")) return;
        if (!parse_u32(&block[i], "a block size")) return;
      }
      if (!expect(")")) return;
    }
    if (at_ident("max_threads")) {
      advance();
      if (!expect("(") || !parse_u32(&max_threads, "a thread count") || !expect(")")) return;
    }
    if (at_ident("inline")) {
      advance();
      force_inline = true;
    }
    if (!at_punct("{")) {
      error_missing("expected '{', found " + describe(tok()));
      return;
    }
    advance();
    Function& f =
        m_->add_function(name, is_kernel ? FunctionKind::Kernel : FunctionKind::Device, ret);
    function_offsets_.emplace(name, name_offset);
    f.loc = loc(start);
    f.fixed_block = block;
    f.max_block_threads = max_threads;
    f.force_inline = force_inline;
    f_ = &f;
    values_.clear();
    for (const P& p : params)
      values_.emplace(p.name, f.add_param(p.name, p.type, p.readonly, p.restrict));
    depth_ = 0;
    region(f.body);
    if (!at_punct("}")) {
      error("expected '}' at the end of '@" + name + "', found " + describe(tok()));
      return;
    }
    advance();
    end_of_line();
    f_ = nullptr;
  }

  // After a complete inst or declaration the line must end (or a '}' follow).
  bool end_of_line() {
    if (tok().line_start || at_punct("}")) return true;
    error_missing("expected the end of the line, found " + describe(tok()));
    return false;
  }

  // Parses insts into region `r` until a '}' (not consumed) or the end of the file.
  void region(RegionId r) {
    while (!at_punct("}") && !at(Tok::Eof) && !stopped()) {
      // A line that starts a top-level declaration means a '}' is missing: let the caller report.
      if (tok().line_start && (at_ident("kernel") || at_ident("func") || at_ident("struct")))
        return;
      unsigned before = errors_;
      size_t pos_before = pos_;
      inst(r);
      if (errors_ > before) {
        skip_line();
        if (pos_ == pos_before) advance();
      }
    }
  }

  ValueId value_operand() {
    if (!at(Tok::Value)) {
      error_missing("expected a value '%name', found " + describe(tok()));
      return {};
    }
    auto it = values_.find(std::string(tok().text));
    if (it == values_.end()) {
      error("use of undefined value '%" + std::string(tok().text) + "'");
      return {};
    }
    advance();
    return it->second;
  }

  // Comma-separated values on the rest of the line (the operand list of a Plain op).
  bool value_list(std::vector<ValueId>& out) {
    if (!at(Tok::Value) || tok().line_start) return true;
    for (;;) {
      ValueId v = value_operand();
      if (!v.valid()) return false;
      out.push_back(v);
      if (!at_punct(",")) return true;
      advance();
    }
  }

  void inst(RegionId r) {
    size_t start = tok().offset;
    std::string result_name;
    size_t result_offset = 0;
    if (at(Tok::Value)) {
      result_name = std::string(tok().text);
      result_offset = tok().offset;
      advance();
      if (!expect("=")) return;
    }
    if (!at(Tok::Ident)) {
      error_missing("expected an op name, found " + describe(tok()));
      return;
    }
    std::optional<Op> op = op_from_name(tok().text);
    if (!op) {
      error("unknown op '" + std::string(tok().text) + "'");
      return;
    }
    const OpInfo& info = op_info(*op);
    advance();
    Inst in;
    in.op = *op;
    in.loc = loc(start);
    in.type = m_->types.void_type();
    bool has_result = !result_name.empty();
    std::string symbol;
    size_t symbol_offset = 0;
    switch (info.shape) {
      case OpShape::Plain:
        if (!value_list(in.operands)) return;
        break;
      case OpShape::Const: {
        if (!at(Tok::Number) && !at(Tok::Ident)) {
          error_missing("expected a literal, found " + describe(tok()));
          return;
        }
        const Token& lit = tok();
        advance();
        if (!has_result) {
          error_at(start, "'const' needs a result '%name ='");
          return;
        }
        if (!expect(":")) return;
        size_t type_offset = tok().offset;
        in.type = type();
        if (!in.type.valid()) return;
        if (!m_->types.is_scalar(in.type)) {
          error_at(type_offset, "'const' needs a bool, int or float type, found " +
                                    m_->types.to_string(in.type));
          return;
        }
        std::optional<uint64_t> bits = parse_scalar(m_->types, in.type, lit.text);
        if (!bits) {
          error_at(lit.offset, "invalid literal " + describe(lit) + " for type " +
                                   m_->types.to_string(in.type));
          return;
        }
        in.imm = *bits;
        return finish(r, std::move(in), result_name, result_offset, true);
      }
      case OpShape::Imm: {
        // %a[, %b], N
        while (at(Tok::Value) && !tok().line_start) {
          ValueId v = value_operand();
          if (!v.valid()) return;
          in.operands.push_back(v);
          if (!expect(",")) return;
        }
        uint64_t imm = 0;
        bool good = at(Tok::Number) && !tok().line_start;
        if (good) {
          std::string_view s = tok().text;
          auto res = std::from_chars(s.data(), s.data() + s.size(), imm);
          good = res.ec == std::errc() && res.ptr == s.data() + s.size();
        }
        if (!good) {
          error_missing("expected an unsigned integer immediate, found " + describe(tok()));
          return;
        }
        in.imm = imm;
        advance();
        break;
      }
      case OpShape::Mem: {
        if (!value_list(in.operands)) return;
        if (!expect_keyword("align")) return;
        if (!parse_u32(&in.align, "an alignment")) return;
        break;
      }
      case OpShape::Symbol:
        if (!at(Tok::Symbol)) {
          error_missing("expected a module variable '@name', found " + describe(tok()));
          return;
        }
        symbol = std::string(tok().text);
        symbol_offset = tok().offset;
        advance();
        break;
      case OpShape::Call: {
        if (!at(Tok::Symbol)) {
          error_missing("expected a function '@name', found " + describe(tok()));
          return;
        }
        symbol = std::string(tok().text);
        symbol_offset = tok().offset;
        advance();
        if (!expect("(")) return;
        while (!at_punct(")")) {
          if (!in.operands.empty() && !expect(",")) return;
          ValueId v = value_operand();
          if (!v.valid()) return;
          in.operands.push_back(v);
        }
        advance();
        break;
      }
      case OpShape::If:
      case OpShape::Loop:
        return structured(r, std::move(in), result_name.empty() ? 0 : result_offset);
    }
    if (has_result) {
      if (!expect(":")) return;
      in.type = type();
      if (!in.type.valid()) return;
      if (m_->types.is_void(in.type)) {
        error_at(result_offset, "a result cannot have type void");
        return;
      }
    } else if (at_punct(":")) {
      error("unexpected ':'; an inst without a result '%name =' has no type");
      return;
    }
    if (!end_of_line()) return;
    InstId id = finish_inst(r, std::move(in), result_name, result_offset, has_result);
    if (id.valid() && !symbol.empty()) fixups_.push_back({f_, id, symbol, symbol_offset});
  }

  void finish(RegionId r, Inst in, const std::string& name, size_t offset, bool has_result) {
    if (!end_of_line()) return;
    finish_inst(r, std::move(in), name, offset, has_result);
  }

  InstId finish_inst(RegionId r, Inst in, const std::string& name, size_t offset, bool has_result) {
    if (has_result && values_.count(name)) {
      error_at(offset, "redefinition of value '%" + name + "'");
      return {};
    }
    TypeId t = in.type;
    InstId id = f_->new_inst(std::move(in));
    if (has_result) {
      ValueId v = f_->new_value(t, id);
      f_->inst(id).result = v;
      values_.emplace(name, v);
    }
    f_->region(r).insts.push_back(id);
    return id;
  }

  // if %c { ... } [else { ... }]   |   loop [unroll(N)] { ... } [continue { ... }]
  void structured(RegionId r, Inst in, size_t result_offset) {
    bool is_if = in.op == Op::If;
    if (result_offset) {
      error_at(result_offset, std::string("'") + (is_if ? "if" : "loop") + "' has no result");
      return;
    }
    if (is_if) {
      if (!value_list(in.operands)) return;
    } else if (at_ident("unroll")) {
      advance();
      uint32_t n = 0;
      if (!expect("(") || !parse_u32(&n, "an unroll count") || !expect(")")) return;
      in.imm = n;
    }
    if (!at_punct("{")) {
      error_missing("expected '{', found " + describe(tok()));
      return;
    }
    if (depth_ >= kMaxNesting) {
      error("regions nested more than " + std::to_string(kMaxNesting) + " deep");
      return;
    }
    InstId id = f_->new_inst(std::move(in));
    f_->region(r).insts.push_back(id);
    RegionId first = f_->new_region(id), second = f_->new_region(id);
    f_->inst(id).regions = {first, second};
    ++depth_;
    bool good = sub_region(first);
    std::string_view second_kw = is_if ? "else" : "continue";
    if (good && at_ident(second_kw) && peek().kind == Tok::Punct && peek().text == "{") {
      advance();
      good = sub_region(second);
    }
    --depth_;
    if (good) end_of_line();
  }

  // '{' insts '}'
  bool sub_region(RegionId r) {
    if (!expect("{")) return false;
    region(r);
    if (!at_punct("}")) {
      error_missing("expected '}', found " + describe(tok()));
      return false;
    }
    advance();
    return true;
  }

  // Calls and globals name symbols that may be defined later in the file.
  void resolve_symbols() {
    for (const Fixup& fx : fixups_) {
      Inst& in = fx.f->inst(fx.inst);
      if (in.op == Op::Call) {
        int index = m_->find_function(fx.name);
        if (index < 0)
          error_at(fx.offset, "call of undefined function '@" + fx.name + "'");
        else
          in.symbol = static_cast<uint32_t>(index);
      } else {
        int index = m_->find_global(fx.name);
        if (index < 0)
          error_at(fx.offset, "use of undefined module variable '@" + fx.name + "'");
        else
          in.symbol = static_cast<uint32_t>(index);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Module> parse_module(uint32_t file, DiagnosticEngine& diags) {
  const SourceManager* sm = diags.source_manager();
  if (!sm || file == 0 || file > sm->file_count()) {
    diags.error("parse_module: the file is not in the diagnostics engine's source manager");
    return nullptr;
  }
  try {
    return Parser(file, diags, *sm).run();
  } catch (const InternalCompilerError& e) {
    diags.error(e.what());
    return nullptr;
  }
}

}  // namespace gpuc::ir
