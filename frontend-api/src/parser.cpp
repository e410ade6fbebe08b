// The recursive-descent parser for the kernel language (a CUDA-C subset; grammar in
// docs/language.md).
//
// Recovery: a statement that fails to parse is skipped up to the next `;` or the closing `}` of its
// block; a top-level declaration up to the next `;` or balanced `}`. Constructs of C++ that gpuc
// does not support (classes, templates, goto, ...) are diagnosed by name and skipped.
#include "parser.h"

#include <set>
#include <string>
#include <unordered_set>

namespace gpuc::frontend {
namespace {

// Built-in type names that are single identifiers (besides the C keywords).
const std::unordered_set<std::string>& builtin_type_names() {
  static const std::unordered_set<std::string> names = {
      "float2",   "float3",   "float4",    "int2",      "int3",       "int4",
      "uint2",    "uint3",    "uint4",     "double2",   "dim3",       "size_t",
      "int8_t",   "int16_t",  "int32_t",   "int64_t",   "uint8_t",    "uint16_t",
      "uint32_t", "uint64_t", "ptrdiff_t", "longlong2", "ulonglong2",
  };
  return names;
}

bool is_simple_type_keyword(const std::string& s) {
  return s == "void" || s == "bool" || s == "char" || s == "short" || s == "int" || s == "long" ||
         s == "signed" || s == "unsigned" || s == "float" || s == "double";
}

// Keywords of C++ (and CUDA) that gpuc rejects with a dedicated message.
const char* unsupported_keyword(const std::string& s) {
  if (s == "class") return "classes are not supported; use a struct with data members only";
  if (s == "template" || s == "typename") return "templates are not supported in gpuc kernels";
  if (s == "namespace" || s == "using") return "namespaces are not supported in gpuc kernels";
  if (s == "new" || s == "delete")
    return "dynamic allocation ('new'/'delete') is not supported in gpuc kernels";
  if (s == "try" || s == "catch" || s == "throw")
    return "exceptions are not supported in gpuc kernels";
  if (s == "virtual") return "virtual functions are not supported in gpuc kernels";
  if (s == "operator") return "operator overloading is not supported in gpuc kernels";
  if (s == "goto") return "'goto' is not supported (SPIR-V needs structured control flow)";
  if (s == "switch" || s == "case") return "'switch' is not supported yet; use if/else";
  if (s == "union") return "unions are not supported in gpuc kernels";
  if (s == "enum") return "enums are not supported yet; use const int values";
  if (s == "asm" || s == "__asm__")
    return "inline assembly is not supported (it cannot be portable)";
  if (s == "volatile")
    return "'volatile' is not supported; use __syncwarp()/__syncthreads() to order shared-memory "
           "accesses";
  if (s == "half" || s == "__half") return "the 'half' type is not supported yet";
  if (s == "nullptr")
    return "'nullptr' is not supported; pointers always come from parameters, arrays or shared "
           "memory";
  if (s == "this" || s == "private" || s == "public" || s == "protected" || s == "friend")
    return "classes are not supported; use a struct with data members only";
  return nullptr;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, TranslationUnit& unit, DiagnosticEngine& diags)
      : toks_(tokens), unit_(unit), diags_(diags) {
    if (toks_.empty() || toks_.back().kind != TokenKind::Eof) {
      eof_.kind = TokenKind::Eof;
      if (!toks_.empty()) eof_.loc = toks_.back().loc;
    }
  }

  bool run() {
    while (!at_eof()) {
      size_t before = pos_;
      top_level();
      if (pos_ == before && !at_eof()) advance();  // guarantee progress
    }
    return !had_error_;
  }

 private:
  const std::vector<Token>& toks_;
  TranslationUnit& unit_;
  DiagnosticEngine& diags_;
  size_t pos_ = 0;
  Token eof_;
  bool had_error_ = false;
  bool fatal_ = false;  // nesting limit hit: stop parsing
  unsigned depth_ = 0;
  std::set<std::string> typedef_names_;
  std::set<std::string> struct_names_;

  // --- token access ------------------------------------------------------------------------------
  const Token& peek(size_t n = 0) const {
    if (fatal_) return eof_tok();
    size_t i = pos_ + n;
    if (i >= toks_.size()) return eof_tok();
    return toks_[i];
  }
  const Token& eof_tok() const {
    return toks_.empty() || toks_.back().kind != TokenKind::Eof ? eof_ : toks_.back();
  }
  bool at_eof() const { return peek().kind == TokenKind::Eof; }
  const Token& advance() {
    const Token& t = peek();
    if (!fatal_ && pos_ < toks_.size()) ++pos_;
    return t;
  }
  bool punct(std::string_view p, size_t n = 0) const { return peek(n).is_punct(p); }
  bool ident(std::string_view s, size_t n = 0) const { return peek(n).is_ident(s); }
  bool accept_punct(std::string_view p) {
    if (!punct(p)) return false;
    advance();
    return true;
  }
  bool accept_ident(std::string_view s) {
    if (!ident(s)) return false;
    advance();
    return true;
  }
  // The location just after the previous token (where a missing `;` belongs, as clang reports).
  SourceLocation after_prev() const {
    if (pos_ == 0 || pos_ > toks_.size()) return peek().loc;
    const Token& t = toks_[pos_ - 1];
    SourceLocation l = t.loc;
    l.col += static_cast<uint32_t>(t.text.size());
    return l;
  }
  // Reports a parse error. After the first error in a statement (or after the nesting limit),
  // follow-on errors of the same statement are suppressed: they are almost always cascades.
  Diagnostic& error(SourceLocation loc, std::string msg) {
    had_error_ = true;
    if (fatal_ || in_recovery_) return sink_;
    in_recovery_ = true;
    return diags_.error(loc, std::move(msg));
  }
  Diagnostic sink_;
  bool in_recovery_ = false;
  std::string describe(const Token& t) const {
    if (t.kind == TokenKind::Eof) return "end of file";
    return "'" + t.text + "'";
  }
  bool expect_punct(std::string_view p, const char* context) {
    if (accept_punct(p)) return true;
    if (p == ";" || p == ")" || p == "]")
      error(after_prev(), "expected '" + std::string(p) + "' " + context);
    else
      error(peek().loc,
            "expected '" + std::string(p) + "' " + context + ", found " + describe(peek()));
    return false;
  }

  // RAII nesting counter; on overflow reports once and stops the parse.
  struct DepthGuard {
    Parser& p;
    bool ok;
    explicit DepthGuard(Parser& parser) : p(parser) {
      ok = ++p.depth_ <= kMaxNestingDepth;
      if (!ok && !p.fatal_) {
        p.error(p.peek().loc, "nesting is too deep (gpuc allows at most " +
                                  std::to_string(kMaxNestingDepth) + " levels)");
        p.fatal_ = true;
      }
    }
    ~DepthGuard() { --p.depth_; }
  };

  // Skips to just after the next `;` at bracket depth 0, or to a `}` that closes the current block
  // (not consumed). Used for recovery inside blocks.
  void skip_statement() {
    int depth = 0;
    while (!at_eof()) {
      const Token& t = peek();
      if (t.kind == TokenKind::Punct) {
        if (t.text == "(" || t.text == "[" || t.text == "{")
          ++depth;
        else if (t.text == ")" || t.text == "]")
          depth = depth > 0 ? depth - 1 : 0;
        else if (t.text == "}") {
          if (depth == 0) return;
          if (--depth == 0) {
            advance();
            if (punct(";")) advance();
            return;
          }
        } else if (t.text == ";" && depth == 0) {
          advance();
          return;
        }
      }
      advance();
    }
  }
  // Skips a whole top-level declaration: to `;` at depth 0 or past the `}` closing depth 1.
  void skip_declaration() {
    int depth = 0;
    while (!at_eof()) {
      const Token& t = peek();
      if (t.kind == TokenKind::Punct) {
        if (t.text == "(" || t.text == "[" || t.text == "{")
          ++depth;
        else if (t.text == ")" || t.text == "]")
          depth = depth > 0 ? depth - 1 : 0;
        else if (t.text == "}") {
          advance();
          if (depth <= 1) {
            if (punct(";")) advance();
            return;
          }
          --depth;
          continue;
        } else if (t.text == ";" && depth == 0) {
          advance();
          return;
        }
      }
      advance();
    }
  }

  // --- types
  // ---------------------------------------------------------------------------------------
  bool is_type_name_token(const Token& t) const {
    if (t.kind != TokenKind::Identifier) return false;
    return is_simple_type_keyword(t.text) || builtin_type_names().count(t.text) ||
           typedef_names_.count(t.text) || struct_names_.count(t.text) || t.text == "struct";
  }
  bool is_type_start(size_t n = 0) const {
    const Token& t = peek(n);
    if (t.kind != TokenKind::Identifier) return false;
    return is_type_name_token(t) || t.text == "const" || t.text == "__restrict__";
  }
  bool is_decl_start() const {
    const Token& t = peek();
    if (t.kind != TokenKind::Identifier) return false;
    return is_type_start() || t.text == "__shared__" || t.text == "static" ||
           t.text == "__constant__" || t.text == "extern" || t.text == "volatile" ||
           t.text == "__device__" || t.text == "__register__" || t.text == "register";
  }

  // Declaration specifiers that name a type: `const unsigned long long`, `struct S`, `float4`.
  // Returns null (after reporting) when there is no type.
  TypeName* type_specifiers() {
    TypeName* tn = unit_.arena.make<TypeName>();
    tn->loc = peek().loc;
    int n_unsigned = 0, n_signed = 0, n_long = 0, n_short = 0;
    std::string core;  // int char float double void bool or a named type
    bool any = false;
    while (true) {
      const Token& t = peek();
      if (t.kind != TokenKind::Identifier) break;
      const std::string& s = t.text;
      if (s == "const") {
        tn->base_const = true;
      } else if (s == "__restrict__" || s == "__restrict") {
        // `__restrict__ const T*` is not meaningful; accept and ignore at this position.
      } else if (s == "volatile") {
        error(t.loc, unsupported_keyword("volatile"));
      } else if (s == "unsigned") {
        ++n_unsigned;
      } else if (s == "signed") {
        ++n_signed;
      } else if (s == "long") {
        ++n_long;
      } else if (s == "short") {
        ++n_short;
      } else if (s == "int" || s == "char" || s == "float" || s == "double" || s == "void" ||
                 s == "bool") {
        if (!core.empty()) {
          error(t.loc,
                "cannot combine '" + s + "' with previous '" + core + "' declaration specifier");
        }
        core = s;
      } else if (s == "struct") {
        if (!core.empty()) break;
        advance();
        if (peek().kind != TokenKind::Identifier) {
          error(peek().loc, "expected a struct name after 'struct'");
          return nullptr;
        }
        core = "struct " + peek().text;
      } else if (core.empty() && n_unsigned + n_signed + n_long + n_short == 0 &&
                 (builtin_type_names().count(s) || typedef_names_.count(s))) {
        core = s;
      } else if (core.empty() && n_unsigned + n_signed + n_long + n_short == 0 &&
                 struct_names_.count(s)) {
        core = "struct " + s;  // C++: a struct's name is a type name
      } else if (const char* why = unsupported_keyword(s); why && s == "half") {
        error(t.loc, why);
        core = "float";
      } else {
        break;
      }
      any = true;
      advance();
    }
    if (!any || (core.empty() && n_unsigned + n_signed + n_long + n_short == 0)) {
      if (any) {
        error(peek().loc, "expected a type");
        return nullptr;
      }
      error(peek().loc, "expected a type, found " + describe(peek()));
      return nullptr;
    }
    bool named = !core.empty() && !is_simple_type_keyword(core);
    if (named && (n_unsigned || n_signed || n_long || n_short)) {
      error(tn->loc, "'" + core + "' cannot be combined with signed/unsigned/short/long");
      tn->base = core;
      return tn;
    }
    if (named) {
      tn->base = core;
      return tn;
    }
    if (n_unsigned && n_signed) error(tn->loc, "cannot combine 'signed' and 'unsigned'");
    std::string prefix = n_unsigned ? "unsigned " : "";
    if (core == "float" || core == "void" || core == "bool") {
      if (n_unsigned || n_signed || n_long || n_short)
        error(tn->loc, "'" + core + "' cannot be signed, unsigned, short or long");
      tn->base = core;
    } else if (core == "double") {
      if (n_long) error(tn->loc, "'long double' is not supported on GPUs");
      tn->base = "double";
    } else if (core == "char") {
      tn->base = n_unsigned ? "unsigned char" : n_signed ? "signed char" : "char";
    } else if (n_short) {
      tn->base = prefix + "short";
    } else if (n_long >= 3) {
      error(tn->loc, "'long long long' is too long");
      tn->base = prefix + "long long";
    } else if (n_long == 2) {
      tn->base = prefix + "long long";
    } else if (n_long == 1) {
      tn->base = prefix + "long";
    } else {
      tn->base = prefix + "int";
    }
    return tn;
  }

  // Pointer declarators after the specifiers: `* const * __restrict__`.
  void pointer_declarators(TypeName* tn) {
    while (punct("*") || punct("&")) {
      if (punct("&")) {
        error(peek().loc, "references are not supported; pass a pointer");
        advance();
        continue;
      }
      advance();
      TypeName::PointerLevel level;
      while (true) {
        if (accept_ident("const"))
          level.is_const = true;
        else if (accept_ident("__restrict__") || accept_ident("__restrict"))
          level.is_restrict = true;
        else if (ident("volatile")) {
          error(peek().loc, unsupported_keyword("volatile"));
          advance();
        } else
          break;
      }
      tn->pointers.push_back(level);
    }
  }

  // Array declarators `[N][M]`.
  void array_declarators(TypeName* tn) {
    while (punct("[")) {
      advance();
      if (accept_punct("]")) {
        tn->array_dims.push_back(nullptr);
        continue;
      }
      Expr* e = assignment();
      tn->array_dims.push_back(e);
      expect_punct("]", "after the array size");
    }
  }

  // A type name as in a cast or sizeof: specifiers and abstract pointer declarators.
  TypeName* type_name() {
    TypeName* tn = type_specifiers();
    if (!tn) return nullptr;
    pointer_declarators(tn);
    if (punct("[")) array_declarators(tn);
    return tn;
  }

  TypeName* copy_type(const TypeName* t) {
    TypeName* c = unit_.arena.make<TypeName>(*t);
    return c;
  }

  // --- top level
  // -------------------------------------------------------------------------------------
  struct Attributes {
    Expr* block[3] = {nullptr, nullptr, nullptr};
    SourceLocation block_loc;
  };

  // `[[gpuc::block(x, y, z)]]`; other attributes are reported and skipped.
  void attribute_specifiers(Attributes& attrs) {
    while (punct("[") && punct("[", 1)) {
      SourceLocation loc = peek().loc;
      advance();
      advance();
      if (ident("gpuc") && punct("::", 1) && ident("block", 2)) {
        advance();
        advance();
        attrs.block_loc = peek().loc;
        advance();
        if (expect_punct("(", "after 'gpuc::block'")) {
          for (int i = 0; i < 3 && !punct(")"); ++i) {
            attrs.block[i] = assignment();
            if (!accept_punct(",")) break;
          }
          expect_punct(")", "to close the 'gpuc::block' attribute");
        }
        if (!attrs.block[0]) error(attrs.block_loc, "'gpuc::block' needs 1 to 3 block dimensions");
      } else {
        diags_.warning(loc, "unknown attribute ignored");
        int depth = 0;
        while (!at_eof() && !(depth == 0 && punct("]") && punct("]", 1))) {
          if (punct("(")) ++depth;
          if (punct(")")) --depth;
          advance();
        }
      }
      if (!(accept_punct("]") && accept_punct("]"))) {
        error(peek().loc, "expected ']]' to close the attribute");
        return;
      }
    }
  }

  void top_level() {
    in_recovery_ = false;
    if (accept_punct(";")) return;
    const Token& t = peek();
    if (t.kind == TokenKind::PragmaUnroll) {
      error(t.loc, "'#pragma unroll' must come right before a loop");
      advance();
      return;
    }
    if (t.kind == TokenKind::Identifier) {
      if (const char* why = unsupported_keyword(t.text);
          why && t.text != "volatile" && t.text != "half" && t.text != "nullptr") {
        error(t.loc, why);
        skip_declaration();
        return;
      }
      if (t.text == "typedef") {
        typedef_declaration();
        return;
      }
      if (t.text == "struct" && peek(1).kind == TokenKind::Identifier && punct("{", 2)) {
        struct_definition();
        return;
      }
      if (t.text == "extern" && peek(1).kind == TokenKind::StringLiteral && punct("{", 2)) {
        if (peek(1).text != "\"C\"") error(peek(1).loc, "only extern \"C\" is supported");
        advance();
        advance();
        advance();
        while (!at_eof() && !punct("}")) {
          size_t before = pos_;
          top_level();
          if (pos_ == before) advance();
        }
        expect_punct("}", "to close the extern \"C\" block");
        return;
      }
    }
    declaration();
  }

  void typedef_declaration() {
    SourceLocation loc = advance().loc;  // typedef
    TypeName* base = nullptr;
    if (ident("struct") &&
        (punct("{", 1) || (peek(1).kind == TokenKind::Identifier && punct("{", 2)))) {
      // typedef struct [Tag] { ... } Name;
      advance();
      std::string tag;
      SourceLocation tag_loc = peek().loc;
      if (peek().kind == TokenKind::Identifier) tag = advance().text;
      StructDecl* sd = struct_body(tag, tag_loc);
      if (!sd) return;
      if (tag.empty()) {
        // Anonymous: the struct takes the typedef's name.
        if (peek().kind != TokenKind::Identifier) {
          error(peek().loc, "expected a typedef name");
          skip_declaration();
          return;
        }
        sd->name = peek().text;
        sd->loc = peek().loc;
      }
      struct_names_.insert(sd->name);
      unit_.items.push_back(TopLevel{nullptr, nullptr, sd, nullptr});
      base = unit_.arena.make<TypeName>();
      base->loc = sd->loc;
      base->base = "struct " + sd->name;
    } else {
      base = type_specifiers();
      if (!base) {
        skip_declaration();
        return;
      }
    }
    while (true) {
      TypeName* tn = copy_type(base);
      pointer_declarators(tn);
      if (peek().kind != TokenKind::Identifier) {
        error(peek().loc, "expected a typedef name, found " + describe(peek()));
        skip_declaration();
        return;
      }
      TypedefDecl* td = unit_.arena.make<TypedefDecl>();
      td->loc = peek().loc;
      td->name = advance().text;
      array_declarators(tn);
      td->type = tn;
      typedef_names_.insert(td->name);
      unit_.items.push_back(TopLevel{nullptr, nullptr, nullptr, td});
      if (!accept_punct(",")) break;
    }
    if (!expect_punct(";", "after the typedef")) skip_declaration();
    (void)loc;
  }

  void struct_definition() {
    advance();  // struct
    SourceLocation loc = peek().loc;
    std::string name = advance().text;
    struct_names_.insert(name);
    StructDecl* sd = struct_body(name, loc);
    if (!sd) return;
    unit_.items.push_back(TopLevel{nullptr, nullptr, sd, nullptr});
    if (peek().kind == TokenKind::Identifier) {
      error(peek().loc,
            "declaring variables in a struct definition is not supported; declare them separately");
      skip_declaration();
      return;
    }
    if (!expect_punct(";", "after the struct definition")) skip_declaration();
  }

  // `{ members }` of a struct; the cursor is on `{`.
  StructDecl* struct_body(const std::string& name, SourceLocation loc) {
    StructDecl* sd = unit_.arena.make<StructDecl>();
    sd->name = name;
    sd->loc = loc;
    if (!expect_punct("{", "to begin the struct body")) {
      skip_declaration();
      return nullptr;
    }
    while (!at_eof() && !punct("}")) {
      const Token& t = peek();
      if (t.kind == TokenKind::Identifier && unsupported_keyword(t.text) && t.text != "volatile" &&
          t.text != "half") {
        error(t.loc, unsupported_keyword(t.text));
        skip_statement();
        continue;
      }
      TypeName* base = type_specifiers();
      if (!base) {
        skip_statement();
        continue;
      }
      while (true) {
        TypeName* tn = copy_type(base);
        pointer_declarators(tn);
        if (peek().kind != TokenKind::Identifier) {
          error(peek().loc, "expected a member name, found " + describe(peek()));
          break;
        }
        StructDecl::Member m;
        m.loc = peek().loc;
        m.name = advance().text;
        if (punct("(")) {
          error(
              m.loc,
              "member functions are not supported; write a __device__ function taking the struct");
          break;
        }
        array_declarators(tn);
        m.type = tn;
        sd->members.push_back(m);
        if (!accept_punct(",")) break;
      }
      if (!accept_punct(";")) {
        error(after_prev(), "expected ';' after the struct member");
        skip_statement();
      }
    }
    expect_punct("}", "to close the struct body");
    return sd;
  }

  // A function or file-scope variable declaration.
  void declaration() {
    Attributes attrs;
    attribute_specifiers(attrs);
    FunctionDecl spec;
    VarDecl vspec;
    // Declaration specifiers other than the type.
    while (peek().kind == TokenKind::Identifier) {
      const std::string& s = peek().text;
      if (s == "__global__")
        spec.is_global = true;
      else if (s == "__device__")
        spec.is_device = true;
      else if (s == "__host__")
        spec.is_host = true;
      else if (s == "__forceinline__")
        spec.force_inline = true;
      else if (s == "inline" || s == "__inline__" || s == "__noinline__") {
      } else if (s == "static") {
        spec.is_static = true;
        vspec.is_static = true;
      } else if (s == "__shared__")
        vspec.is_shared = true;
      else if (s == "__constant__")
        vspec.is_constant = true;
      else if (s == "extern") {
        if (peek(1).kind == TokenKind::StringLiteral) {
          if (peek(1).text != "\"C\"") error(peek(1).loc, "only extern \"C\" is supported");
          spec.extern_c = true;
          advance();
        } else {
          vspec.is_extern = true;
        }
      } else if (s == "__launch_bounds__") {
        launch_bounds(spec);
        continue;
      } else
        break;
      advance();
    }
    if (punct("[") && punct("[", 1)) attribute_specifiers(attrs);
    TypeName* base = type_specifiers();
    if (!base) {
      skip_declaration();
      return;
    }
    bool first = true;
    while (true) {
      TypeName* tn = copy_type(base);
      pointer_declarators(tn);
      if (ident("__launch_bounds__")) launch_bounds(spec);
      if (peek().kind != TokenKind::Identifier) {
        error(peek().loc, "expected an identifier, found " + describe(peek()));
        skip_declaration();
        return;
      }
      const Token& name_tok = peek();
      if (const char* why = unsupported_keyword(name_tok.text)) {
        error(name_tok.loc, why);
        skip_declaration();
        return;
      }
      advance();
      if (first && punct("(")) {
        function_rest(spec, attrs, tn, name_tok);
        return;
      }
      first = false;
      VarDecl* v = unit_.arena.make<VarDecl>(vspec);
      v->loc = name_tok.loc;
      v->name = name_tok.text;
      array_declarators(tn);
      v->type = tn;
      if (accept_punct("=")) v->init = initializer();
      if (spec.is_global || spec.is_device || spec.force_inline) {
        if (spec.is_device && !vspec.is_shared && !vspec.is_constant) {
          error(v->loc,
                "__device__ variables (mutable global memory) are not supported; pass a pointer "
                "parameter");
        } else if (spec.is_global) {
          error(v->loc, "__global__ applies to functions only");
        }
      }
      unit_.items.push_back(TopLevel{nullptr, v, nullptr, nullptr});
      if (!accept_punct(",")) break;
    }
    if (!accept_punct(";")) {
      error(after_prev(), "expected ';' after the declaration");
      skip_declaration();
    }
  }

  void launch_bounds(FunctionDecl& spec) {
    spec.launch_bounds_loc = peek().loc;
    advance();
    if (!expect_punct("(", "after '__launch_bounds__'")) return;
    spec.launch_bounds[0] = assignment();
    if (accept_punct(",")) spec.launch_bounds[1] = assignment();
    if (accept_punct(",")) assignment();  // max blocks per cluster (sm_90): accepted, ignored
    expect_punct(")", "to close '__launch_bounds__'");
  }

  void function_rest(const FunctionDecl& spec, const Attributes& attrs, TypeName* ret,
                     const Token& name_tok) {
    FunctionDecl* f = unit_.arena.make<FunctionDecl>(spec);
    f->name = name_tok.text;
    f->loc = name_tok.loc;
    f->return_type = ret;
    for (int i = 0; i < 3; ++i) f->block[i] = attrs.block[i];
    f->block_loc = attrs.block_loc;
    advance();  // (
    if (ident("void") && punct(")", 1)) advance();
    while (!at_eof() && !punct(")")) {
      ParamDecl* p = unit_.arena.make<ParamDecl>();
      p->loc = peek().loc;
      TypeName* tn = type_specifiers();
      if (!tn) {
        skip_declaration();
        return;
      }
      pointer_declarators(tn);
      if (peek().kind == TokenKind::Identifier) {
        p->loc = peek().loc;
        p->name = advance().text;
      }
      array_declarators(tn);
      if (accept_punct("=")) {
        error(peek().loc, "default arguments are not supported");
        assignment();
      }
      p->type = tn;
      f->params.push_back(p);
      if (!accept_punct(",")) break;
    }
    if (!expect_punct(")", "to close the parameter list")) {
      skip_declaration();
      return;
    }
    while (ident("__launch_bounds__")) launch_bounds(*f);
    if (ident("const")) {
      error(peek().loc, "member functions are not supported");
      advance();
    }
    unit_.items.push_back(TopLevel{f, nullptr, nullptr, nullptr});
    if (accept_punct(";")) return;
    if (!punct("{")) {
      error(after_prev(),
            "expected ';' or a function body after the declaration of '" + f->name + "'");
      skip_declaration();
      return;
    }
    f->body = compound();
  }

  // --- statements
  // ------------------------------------------------------------------------------------
  Stmt* make_stmt(StmtKind k, SourceLocation loc) {
    Stmt* s = unit_.arena.make<Stmt>();
    s->kind = k;
    s->loc = loc;
    return s;
  }

  Stmt* compound() {
    DepthGuard guard(*this);
    Stmt* s = make_stmt(StmtKind::Compound, peek().loc);
    advance();  // {
    if (!guard.ok) return s;
    while (!at_eof() && !punct("}")) {
      size_t before = pos_;
      if (Stmt* st = statement()) s->body.push_back(st);
      if (pos_ == before) advance();
    }
    s->end_loc = peek().loc;
    if (!accept_punct("}")) error(peek().loc, "expected '}' at end of the block");
    return s;
  }

  Stmt* statement() {
    in_recovery_ = false;
    DepthGuard guard(*this);
    if (!guard.ok) return nullptr;
    const Token& t = peek();
    SourceLocation loc = t.loc;
    if (t.kind == TokenKind::PragmaUnroll) {
      uint32_t count = 1;
      if (!t.text.empty()) {
        try {
          long long v = std::stoll(t.text, nullptr, 0);
          if (v < 1 || v > 1 << 20) {
            error(loc, "'#pragma unroll' count must be a positive integer");
          } else {
            count = static_cast<uint32_t>(v);
          }
        } catch (...) {
          error(loc, "'#pragma unroll' expects an integer constant, found '" + t.text + "'");
        }
      }
      advance();
      if (!(ident("for") || ident("while") || ident("do"))) {
        diags_.warning(loc, "'#pragma unroll' is not followed by a loop; ignored");
        return statement();
      }
      Stmt* s = statement();
      if (s) s->unroll = count;
      return s;
    }
    if (t.kind == TokenKind::Punct) {
      if (t.text == "{") return compound();
      if (t.text == ";") {
        advance();
        return make_stmt(StmtKind::Empty, loc);
      }
    }
    if (t.kind == TokenKind::Identifier) {
      const std::string& s = t.text;
      if (s == "if") return if_statement();
      if (s == "for") return for_statement();
      if (s == "while") return while_statement();
      if (s == "do") return do_statement();
      if (s == "break" || s == "continue") {
        advance();
        Stmt* st = make_stmt(s == "break" ? StmtKind::Break : StmtKind::Continue, loc);
        if (!accept_punct(";")) error(after_prev(), "expected ';' after '" + s + "'");
        return st;
      }
      if (s == "return") {
        advance();
        Stmt* st = make_stmt(StmtKind::Return, loc);
        if (!punct(";")) st->expr = expression();
        if (!accept_punct(";")) {
          error(after_prev(), "expected ';' after the return statement");
          skip_statement();
        }
        return st;
      }
      if (const char* why = unsupported_keyword(s); why && s != "half" && s != "nullptr") {
        error(loc, why);
        if (s == "switch" || s == "try") {
          // Skip the controlling expression and the whole body.
          advance();
          if (punct("(")) skip_balanced();
          if (punct("{")) skip_balanced();
          if (s == "try")
            while (accept_ident("catch")) {
              if (punct("(")) skip_balanced();
              if (punct("{")) skip_balanced();
            }
        } else {
          skip_statement();
        }
        return nullptr;
      }
      if (peek(1).is_punct(":") && !is_type_start()) {
        error(loc, "labels are not supported (there is no 'goto')");
        advance();
        advance();
        return nullptr;
      }
      // A type name followed by `(` is a functional cast expression (`float(x) ...`).
      if (is_decl_start() && !(is_type_name_token(t) && s != "struct" && punct("(", 1)))
        return declaration_statement();
    }
    Stmt* st = make_stmt(StmtKind::Expr, loc);
    st->expr = expression();
    if (!accept_punct(";")) {
      error(after_prev(), "expected ';' after expression");
      skip_statement();
    }
    return st;
  }

  void skip_balanced() {
    int depth = 0;
    do {
      if (punct("(") || punct("{") || punct("["))
        ++depth;
      else if (punct(")") || punct("}") || punct("]"))
        --depth;
      advance();
    } while (!at_eof() && depth > 0);
  }

  Stmt* declaration_statement() {
    Stmt* st = make_stmt(StmtKind::Decl, peek().loc);
    VarDecl spec;
    while (peek().kind == TokenKind::Identifier) {
      const std::string& s = peek().text;
      if (s == "__shared__")
        spec.is_shared = true;
      else if (s == "static")
        spec.is_static = true;
      else if (s == "extern")
        spec.is_extern = true;
      else if (s == "__constant__")
        spec.is_constant = true;
      else if (s == "register" || s == "__register__") {
      } else if (s == "__device__") {
      } else
        break;
      advance();
    }
    TypeName* base = type_specifiers();
    if (!base) {
      skip_statement();
      return nullptr;
    }
    while (true) {
      TypeName* tn = copy_type(base);
      pointer_declarators(tn);
      if (peek().kind != TokenKind::Identifier) {
        error(peek().loc, "expected an identifier, found " + describe(peek()));
        skip_statement();
        return st->decls.empty() ? nullptr : st;
      }
      VarDecl* v = unit_.arena.make<VarDecl>(spec);
      v->loc = peek().loc;
      v->name = advance().text;
      if (punct("(")) {
        error(v->loc, "local function declarations and constructor calls are not supported");
        skip_statement();
        return nullptr;
      }
      array_declarators(tn);
      v->type = tn;
      if (accept_punct("=")) v->init = initializer();
      st->decls.push_back(v);
      if (!accept_punct(",")) break;
    }
    if (!accept_punct(";")) {
      error(after_prev(), "expected ';' at end of declaration");
      skip_statement();
    }
    return st;
  }

  Stmt* if_statement() {
    Stmt* st = make_stmt(StmtKind::If, advance().loc);
    if (!expect_punct("(", "after 'if'")) {
      skip_statement();
      return nullptr;
    }
    st->expr = expression();
    if (!expect_punct(")", "after the condition")) {
      skip_statement();
      return nullptr;
    }
    st->then_stmt = statement();
    if (accept_ident("else")) st->else_stmt = statement();
    return st;
  }

  Stmt* while_statement() {
    Stmt* st = make_stmt(StmtKind::While, advance().loc);
    if (!expect_punct("(", "after 'while'")) {
      skip_statement();
      return nullptr;
    }
    st->expr = expression();
    if (!expect_punct(")", "after the condition")) {
      skip_statement();
      return nullptr;
    }
    st->then_stmt = statement();
    return st;
  }

  Stmt* do_statement() {
    Stmt* st = make_stmt(StmtKind::DoWhile, advance().loc);
    st->then_stmt = statement();
    if (!accept_ident("while")) {
      error(peek().loc, "expected 'while' in do/while loop");
      skip_statement();
      return nullptr;
    }
    if (!expect_punct("(", "after 'while'")) {
      skip_statement();
      return nullptr;
    }
    st->expr = expression();
    expect_punct(")", "after the condition");
    if (!accept_punct(";")) error(after_prev(), "expected ';' after do/while statement");
    return st;
  }

  Stmt* for_statement() {
    Stmt* st = make_stmt(StmtKind::For, advance().loc);
    if (!expect_punct("(", "after 'for'")) {
      skip_statement();
      return nullptr;
    }
    if (accept_punct(";")) {
    } else if (is_decl_start()) {
      st->init = declaration_statement();
    } else {
      Stmt* init = make_stmt(StmtKind::Expr, peek().loc);
      init->expr = expression();
      st->init = init;
      if (!accept_punct(";")) {
        error(after_prev(), "expected ';' in 'for' statement");
        skip_statement();
        return nullptr;
      }
    }
    if (!punct(";")) st->expr = expression();
    if (!accept_punct(";")) {
      error(after_prev(), "expected ';' in 'for' statement");
      skip_statement();
      return nullptr;
    }
    if (!punct(")")) st->step = expression();
    if (!expect_punct(")", "to close the 'for' header")) {
      skip_statement();
      return nullptr;
    }
    st->then_stmt = statement();
    return st;
  }

  // --- expressions
  // -----------------------------------------------------------------------------------
  Expr* make_expr(ExprKind k, SourceLocation loc) {
    Expr* e = unit_.arena.make<Expr>();
    e->kind = k;
    e->loc = loc;
    return e;
  }
  Expr* error_expr(SourceLocation loc) { return make_expr(ExprKind::Error, loc); }
  // Sets e's depth from its children; a tree deeper than kMaxExprDepth stops the parse.
  Expr* finish(Expr* e) {
    uint32_t d = 0;
    for (Expr* c : {e->lhs, e->rhs, e->third})
      if (c) d = std::max(d, c->depth);
    for (Expr* c : e->args)
      if (c) d = std::max(d, c->depth);
    e->depth = d + 1;
    if (e->depth > kMaxExprDepth && !fatal_) {
      error(e->loc, "expression is too deeply nested (gpuc allows at most " +
                        std::to_string(kMaxExprDepth) + " levels)");
      fatal_ = true;
    }
    return e;
  }

  Expr* initializer() {
    if (!punct("{")) return assignment();
    DepthGuard guard(*this);
    Expr* e = make_expr(ExprKind::InitList, peek().loc);
    advance();
    if (!guard.ok) return e;
    while (!at_eof() && !punct("}")) {
      e->args.push_back(initializer());
      if (!accept_punct(",")) break;
    }
    expect_punct("}", "to close the initializer list");
    return finish(e);
  }

  Expr* expression() {
    Expr* first = assignment();
    if (!punct(",")) return first;
    Expr* e = make_expr(ExprKind::Comma, peek().loc);
    e->args.push_back(first);
    while (accept_punct(",")) e->args.push_back(assignment());
    return finish(e);
  }

  static bool assign_op(const std::string& s, BinaryOp& op) {
    static const std::pair<const char*, BinaryOp> ops[] = {
        {"*=", BinaryOp::Mul},   {"/=", BinaryOp::Div},    {"%=", BinaryOp::Rem},
        {"+=", BinaryOp::Add},   {"-=", BinaryOp::Sub},    {"<<=", BinaryOp::Shl},
        {">>=", BinaryOp::Shr},  {"&=", BinaryOp::BitAnd}, {"^=", BinaryOp::BitXor},
        {"|=", BinaryOp::BitOr},
    };
    for (auto& [text, o] : ops)
      if (s == text) {
        op = o;
        return true;
      }
    return false;
  }

  Expr* assignment() {
    DepthGuard guard(*this);
    if (!guard.ok) return error_expr(peek().loc);
    Expr* lhs = conditional();
    const Token& t = peek();
    if (t.kind != TokenKind::Punct) return lhs;
    BinaryOp op{};
    bool compound = false;
    if (t.text == "=") {
    } else if (assign_op(t.text, op)) {
      compound = true;
    } else {
      return lhs;
    }
    Expr* e = make_expr(ExprKind::Assign, t.loc);
    advance();
    e->binary = op;
    e->compound = compound;
    e->lhs = lhs;
    e->rhs = assignment();
    return finish(e);
  }

  Expr* conditional() {
    Expr* cond = binary(0);
    if (!punct("?")) return cond;
    DepthGuard guard(*this);
    if (!guard.ok) return cond;
    Expr* e = make_expr(ExprKind::Cond, peek().loc);
    advance();
    e->lhs = cond;
    e->rhs = expression();
    if (!expect_punct(":", "in conditional expression")) return error_expr(e->loc);
    e->third = assignment();
    return finish(e);
  }

  // Binary operator precedence (C11 6.5.5-6.5.14), higher binds tighter; -1 = not binary.
  static int precedence(const Token& t, BinaryOp& op) {
    if (t.kind != TokenKind::Punct) return -1;
    static const struct {
      const char* text;
      int prec;
      BinaryOp op;
    } table[] = {
        {"||", 1, BinaryOp::LogOr}, {"&&", 2, BinaryOp::LogAnd}, {"|", 3, BinaryOp::BitOr},
        {"^", 4, BinaryOp::BitXor}, {"&", 5, BinaryOp::BitAnd},  {"==", 6, BinaryOp::Eq},
        {"!=", 6, BinaryOp::Ne},    {"<", 7, BinaryOp::Lt},      {">", 7, BinaryOp::Gt},
        {"<=", 7, BinaryOp::Le},    {">=", 7, BinaryOp::Ge},     {"<<", 8, BinaryOp::Shl},
        {">>", 8, BinaryOp::Shr},   {"+", 9, BinaryOp::Add},     {"-", 9, BinaryOp::Sub},
        {"*", 10, BinaryOp::Mul},   {"/", 10, BinaryOp::Div},    {"%", 10, BinaryOp::Rem},
    };
    for (auto& row : table)
      if (t.text == row.text) {
        op = row.op;
        return row.prec;
      }
    return -1;
  }

  // Precedence climbing; left-associative operators loop instead of recursing.
  Expr* binary(int min_prec) {
    Expr* lhs = unary();
    while (true) {
      BinaryOp op{};
      int prec = precedence(peek(), op);
      if (prec < 0 || prec < min_prec) break;
      SourceLocation loc = advance().loc;
      Expr* rhs = binary(prec + 1);
      Expr* e = make_expr(ExprKind::Binary, loc);
      e->binary = op;
      e->lhs = lhs;
      e->rhs = rhs;
      lhs = finish(e);
      if (fatal_) break;
    }
    return lhs;
  }

  Expr* unary() {
    DepthGuard guard(*this);
    if (!guard.ok) return error_expr(peek().loc);
    const Token& t = peek();
    SourceLocation loc = t.loc;
    if (t.kind == TokenKind::Punct) {
      static const std::pair<const char*, UnaryOp> ops[] = {
          {"+", UnaryOp::Plus},    {"-", UnaryOp::Neg},     {"!", UnaryOp::Not},
          {"~", UnaryOp::BitNot},  {"*", UnaryOp::Deref},   {"&", UnaryOp::AddrOf},
          {"++", UnaryOp::PreInc}, {"--", UnaryOp::PreDec},
      };
      for (auto& [text, op] : ops) {
        if (t.text == text) {
          advance();
          Expr* e = make_expr(ExprKind::Unary, loc);
          e->unary = op;
          e->lhs = unary();
          return finish(e);
        }
      }
      if (t.text == "(" && is_type_start(1)) {
        // C cast `(T)expr`.
        advance();
        TypeName* tn = type_name();
        if (!tn) return error_expr(loc);
        expect_punct(")", "after the type in a cast");
        Expr* e = make_expr(ExprKind::Cast, loc);
        e->type = tn;
        e->lhs = unary();
        return finish(e);
      }
    }
    if (t.is_ident("sizeof")) {
      advance();
      if (punct("(") && is_type_start(1)) {
        advance();
        Expr* e = make_expr(ExprKind::SizeofType, loc);
        e->type = type_name();
        expect_punct(")", "after the type in 'sizeof'");
        return e;
      }
      Expr* e = make_expr(ExprKind::SizeofExpr, loc);
      e->lhs = unary();
      return finish(e);
    }
    return postfix(primary());
  }

  Expr* postfix(Expr* e) {
    while (!fatal_) {
      const Token& t = peek();
      if (t.kind != TokenKind::Punct) break;
      SourceLocation loc = t.loc;
      if (t.text == "[") {
        advance();
        Expr* idx = make_expr(ExprKind::Index, loc);
        idx->lhs = e;
        idx->rhs = expression();
        expect_punct("]", "after the array index");
        e = finish(idx);
      } else if (t.text == "(") {
        if (e->kind != ExprKind::Ident) {
          error(loc, "only named functions can be called (no function pointers)");
          skip_balanced();
          return error_expr(loc);
        }
        advance();
        Expr* call = make_expr(ExprKind::Call, e->loc);
        call->text = e->text;
        while (!at_eof() && !punct(")")) {
          call->args.push_back(assignment());
          if (!accept_punct(",")) break;
        }
        expect_punct(")", "to close the argument list");
        e = finish(call);
      } else if (t.text == "." || t.text == "->") {
        advance();
        Expr* m = make_expr(ExprKind::Member, peek().loc);
        m->arrow = t.text == "->";
        m->lhs = e;
        if (peek().kind != TokenKind::Identifier) {
          error(peek().loc,
                "expected a member name after '" + std::string(m->arrow ? "->" : ".") + "'");
          return error_expr(loc);
        }
        m->text = advance().text;
        e = finish(m);
      } else if (t.text == "++" || t.text == "--") {
        advance();
        Expr* u = make_expr(ExprKind::Unary, loc);
        u->unary = t.text == "++" ? UnaryOp::PostInc : UnaryOp::PostDec;
        u->lhs = e;
        e = finish(u);
      } else {
        break;
      }
    }
    return e;
  }

  Expr* primary() {
    const Token& t = peek();
    SourceLocation loc = t.loc;
    switch (t.kind) {
      case TokenKind::IntLiteral: {
        Expr* e = make_expr(ExprKind::IntLit, loc);
        e->text = advance().text;
        return e;
      }
      case TokenKind::FloatLiteral: {
        Expr* e = make_expr(ExprKind::FloatLit, loc);
        e->text = advance().text;
        return e;
      }
      case TokenKind::CharLiteral: {
        Expr* e = make_expr(ExprKind::IntLit, loc);
        e->text = char_value(t);
        e->bool_value = true;  // marks a character literal: type int, never unsigned
        advance();
        return e;
      }
      case TokenKind::StringLiteral:
        error(loc, "string literals are not supported in kernels (there is no printf yet)");
        advance();
        return error_expr(loc);
      case TokenKind::Punct:
        if (t.text == "(") {
          DepthGuard guard(*this);
          advance();
          if (!guard.ok) return error_expr(loc);
          Expr* e = expression();
          expect_punct(")", "to match this '('");
          return e;
        }
        break;
      case TokenKind::Identifier: {
        if (t.text == "true" || t.text == "false") {
          Expr* e = make_expr(ExprKind::BoolLit, loc);
          e->bool_value = t.text == "true";
          advance();
          return e;
        }
        if (const char* why = unsupported_keyword(t.text)) {
          error(loc, why);
          advance();
          return error_expr(loc);
        }
        if (is_type_name_token(t) && t.text != "struct") {
          // Functional cast `float(x)` / `uint32_t(x)`, or a dim3 constructor.
          if (punct("(", 1)) {
            Expr* e = make_expr(ExprKind::Cast, loc);
            e->functional = true;
            e->type = unit_.arena.make<TypeName>();
            e->type->loc = loc;
            e->type->base = t.text;
            advance();
            advance();
            while (!at_eof() && !punct(")")) {
              e->args.push_back(assignment());
              if (!accept_punct(",")) break;
            }
            expect_punct(")", "to close the functional cast");
            if (e->args.size() == 1) e->lhs = e->args[0];
            return finish(e);
          }
          error(loc, "unexpected type name '" + t.text + "': expected an expression");
          advance();
          return error_expr(loc);
        }
        Expr* e = make_expr(ExprKind::Ident, loc);
        e->text = advance().text;
        return e;
      }
      case TokenKind::PragmaUnroll:
        error(loc, "'#pragma unroll' must come right before a loop");
        advance();
        return error_expr(loc);
      case TokenKind::Eof:
        error(loc, "expected an expression, found end of file");
        return error_expr(loc);
    }
    error(loc, "expected an expression, found " + describe(t));
    if (!(t.is_punct(";") || t.is_punct("}") || t.is_punct(")"))) advance();
    return error_expr(loc);
  }

  // The value of a character literal as decimal text (C11 6.4.4.4; type int).
  std::string char_value(const Token& t) {
    const std::string& s = t.text;
    if (s.size() < 3 || s.front() != '\'' || s.back() != '\'') {
      error(t.loc, "malformed character literal");
      return "0";
    }
    std::string body = s.substr(1, s.size() - 2);
    int value = 0;
    if (body[0] != '\\') {
      if (body.size() != 1) error(t.loc, "multi-character literals are not supported");
      value = static_cast<signed char>(body[0]);
    } else if (body.size() >= 2) {
      char c = body[1];
      switch (c) {
        case 'n':
          value = '\n';
          break;
        case 't':
          value = '\t';
          break;
        case 'r':
          value = '\r';
          break;
        case '0':
          value = 0;
          break;
        case '\\':
          value = '\\';
          break;
        case '\'':
          value = '\'';
          break;
        case '"':
          value = '"';
          break;
        case 'a':
          value = '\a';
          break;
        case 'b':
          value = '\b';
          break;
        case 'f':
          value = '\f';
          break;
        case 'v':
          value = '\v';
          break;
        case 'x':
          try {
            value = static_cast<signed char>(std::stoi(body.substr(2), nullptr, 16));
          } catch (...) {
            error(t.loc, "malformed character literal");
          }
          break;
        default:
          error(t.loc, "unknown escape sequence in character literal");
      }
    }
    return std::to_string(value);
  }
};

}  // namespace

bool parse_translation_unit(const std::vector<Token>& tokens, TranslationUnit& unit,
                            DiagnosticEngine& diags) {
  Parser p(tokens, unit, diags);
  return p.run();
}

}  // namespace gpuc::frontend
