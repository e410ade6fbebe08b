// The preprocessor proper: directives (C99 §6.10), macro expansion (§6.10.3), source file
// inclusion (§6.10.2), conditional inclusion (§6.10.1), and the final pp-token -> token step.
//
// Expansion follows the classic "context stack" model (as clang and gcc do): each macro
// expansion pushes a context holding its replacement tokens and marks the macro disabled until
// that context is popped; an identifier naming a disabled macro is painted blue (kNoExpand) and
// never expanded again (§6.10.3.4p2). Macro arguments are fully expanded on their own, behind a
// Sentinel token, before substitution (§6.10.3.1), except operands of # and ##.
#include <sys/stat.h>

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <unordered_map>

#include "gpuc/frontend/preprocessor.h"
#include "gpuc/support/file_io.h"
#include "gpuc/support/ice.h"
#include "preprocess/pp_internal.h"

namespace gpuc::frontend {
namespace pp {
namespace {

enum class Builtin : uint8_t { None, File, Line, Counter, HasInclude };

struct Macro {
  uint32_t name = 0;
  SourceLocation loc;
  std::vector<PPTok> body;       // replacement list; parameters marked through PPTok::param
  std::vector<uint32_t> params;  // identifier ids; a variadic macro's last one is __VA_ARGS__
  bool function_like = false;
  bool plain = true;  // object-like without ## : its expansion is a copy of the body
  bool variadic = false;
  bool disabled = false;  // its expansion is on the context stack (C99 §6.10.3.4p2)
  Builtin builtin = Builtin::None;
};

// One entry of the input stack: a file being lexed or a list of tokens (a macro expansion, a
// macro argument being pre-expanded, a #if line, a pushed-back token).
struct Context {
  Lexer* lexer = nullptr;  // null for a token list
  SourceFile* file = nullptr;
  std::unique_ptr<Lexer> owned_lexer;
  size_t cond_base = 0;       // conditional stack depth when the file was entered
  bool counts_depth = false;  // an #include'd file (counts toward the include depth limit)
  bool has_pending = false;   // a token peeked from the file and given back
  PPTok pending;
  std::vector<PPTok> toks;
  size_t pos = 0;
  int32_t macro = -1;  // macro re-enabled when this context is popped
  // Include-guard detection for a file: nothing but an #ifndef may come first, and nothing but
  // white space may follow its #endif.
  enum class Guard : uint8_t { Start, Inside, After, None } guard = Guard::None;
  uint32_t guard_ident = 0;
  size_t guard_cond = 0;  // index in the conditional stack of the guarding #ifndef
};

struct Conditional {
  SourceLocation loc;          // of the '#' that opened it
  std::string_view directive;  // "if", "ifdef" or "ifndef"
  bool taken = false;          // one of its groups is (or was) being included
  bool seen_else = false;
  SourceLocation else_loc;
};

enum class Mode {
  Normal,   // plain reading: directives run, the end of an included file pops it
  Collect,  // collecting macro arguments: directives run, a file's end is returned as FileEnd
  Peek,     // looking for '(' after a function-like macro name: a directive's '#' is returned
};

std::string dirname_of(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string join_path(const std::string& dir, std::string_view name) {
  if (dir.empty() || (!name.empty() && name[0] == '/')) return std::string(name);
  std::string p = dir;
  if (p.back() != '/') p += '/';
  p += name;
  return p;
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string canonical_path(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return path;
  std::string r(real);
  std::free(real);
  return r;
}

// Only identifier characters (so that appending it to an identifier keeps one identifier).
bool is_word(std::string_view s) {
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '$'))
      return false;
  return true;
}

// Diagnostics and __FILE__ name the built-in headers "<built-in>/stdint.h" and so on.
constexpr std::string_view kBuiltinDir = "<built-in>/";

std::string quote_name(std::string_view s) {
  std::string out = "'";
  out += s;
  out += '\'';
  return out;
}

class Preprocessor {
 public:
  Preprocessor(const FrontendOptions& options, SourceManager& sources, DiagnosticEngine& diags,
               const PreprocessorLimits& limits)
      : options_(options), sources_(sources), diags_(diags), limits_(limits) {
    id_defined_ = intern_static("defined");
    id_va_args_ = intern_static("__VA_ARGS__");
    id_pragma_op_ = intern_static("_Pragma");
    id_true_ = intern_static("true");
    id_false_ = intern_static("false");
    define_builtin("__FILE__", Builtin::File);
    define_builtin("__LINE__", Builtin::Line);
    define_builtin("__COUNTER__", Builtin::Counter);
    define_builtin("__has_include", Builtin::HasInclude);
    id_has_include_ = intern_static("__has_include");
    id_va_opt_ = intern_static("__VA_OPT__");
  }

  std::vector<Token> run(uint32_t file);

 private:
  const FrontendOptions& options_;
  SourceManager& sources_;
  DiagnosticEngine& diags_;
  PreprocessorLimits limits_;

  IdentTable idents_;
  std::vector<Macro> macros_;
  std::vector<Context> ctx_;
  std::vector<Conditional> conds_;
  std::deque<SourceFile> files_;
  std::unordered_map<std::string, SourceFile*> file_cache_;  // canonical path -> file
  std::vector<std::vector<PPTok>> spare_;  // emptied token buffers of popped contexts
  std::deque<std::string> arena_;  // spellings made by the preprocessor (paste, #, __LINE__)
  bool last_from_file_ = false;    // the last lex_raw() token came from a file context
  bool fatal_ = false;             // stop: every read returns Eof
  bool in_if_line_ = false;        // expanding a #if / #elif line
  unsigned include_depth_ = 0;
  unsigned nesting_ = 0;  // nested macro-argument pre-expansions
  size_t expanded_tokens_ = 0;
  size_t argument_tokens_ = 0;  // tokens in the arguments of invocations being substituted
  unsigned counter_ = 0;
  uint32_t id_defined_ = 0, id_va_args_ = 0, id_pragma_op_ = 0, id_true_ = 0, id_false_ = 0;
  uint32_t id_has_include_ = 0, id_va_opt_ = 0;

  uint32_t intern_static(std::string_view s) { return idents_.intern(s); }
  const char* store(std::string s) {
    arena_.push_back(std::move(s));
    return arena_.back().c_str();
  }
  void define_builtin(std::string_view name, Builtin b) {
    Macro m;
    m.name = intern_static(name);
    m.builtin = b;
    m.plain = false;
    idents_[m.name].macro = static_cast<int32_t>(macros_.size());
    macros_.push_back(std::move(m));
  }
  void fatal(SourceLocation loc, std::string message) {
    diags_.report(Severity::Fatal, loc, std::move(message));
    fatal_ = true;
  }

  // --- input stack ---
  SourceFile& new_file(uint32_t id, std::string_view text, const std::string& path, bool synthetic);
  void push_file(SourceFile& f, bool counts_depth);
  void push_tokens(std::vector<PPTok> toks, int32_t macro);
  void pop_context();
  void pop_to(size_t size) {
    while (ctx_.size() > size) pop_context();
  }
  void finish_file();
  void lex_raw(PPTok& t, Mode mode);
  void unpeek(const PPTok& t);
  void next(PPTok& t);

  // --- macros ---
  bool collect_args(int32_t mi, const PPTok& name, std::vector<std::vector<PPTok>>& args);
  std::vector<PPTok> substitute(int32_t mi, const PPTok& name,
                                const std::vector<std::vector<PPTok>>& args);
  void push_expansion(int32_t mi, const PPTok& name, std::vector<PPTok> result);
  std::vector<PPTok> expand_tokens(std::vector<PPTok> toks, bool if_line = false);
  bool read_defined_operand(const PPTok& def, PPTok& out);
  PPTok stringize(const std::vector<PPTok>& arg, const PPTok& name);
  bool paste(PPTok& left, const PPTok& right, const PPTok& name);
  bool relex_single(std::string_view text, SourceLocation loc, PPTok& out);
  void expand_builtin(const Macro& m, PPTok& t);
  bool count_expansion(size_t n, SourceLocation loc);

  // --- directives ---
  bool handle_directive(PPTok& hash, Mode mode);
  void read_line(Lexer& lx, std::vector<PPTok>& out);
  void end_directive(Lexer& lx, const PPTok& name, bool warn_extra);
  bool check_macro_name(const PPTok& t);
  void do_define(Lexer& lx, const PPTok& hash);
  void do_undef(Lexer& lx, const PPTok& name);
  void do_include(Lexer& lx, const PPTok& name, Mode mode);
  SourceFile* find_include(std::string_view name, bool angled, SourceLocation loc);
  std::string resolve_include(std::string_view name, bool angled);
  SourceFile* current_file();
  bool read_has_include_operand(const PPTok& op, PPTok& out);
  void do_if(Lexer& lx, const PPTok& hash, const PPTok& name);
  bool eval_line(Lexer& lx, const PPTok& name);
  bool eval_ifdef(Lexer& lx, const PPTok& name, bool negate, uint32_t* macro = nullptr);
  void pop_conditional();
  void conditional_branch();
  void do_else_elif(Lexer& lx, const PPTok& hash, const PPTok& name);
  void do_endif(Lexer& lx, const PPTok& hash, const PPTok& name);
  void skip_group();
  bool do_pragma(std::vector<PPTok> toks, const PPTok& at, PPTok& out);
  bool handle_pragma_operator(PPTok& t);
  void do_line(Lexer& lx, const PPTok& name);

  std::string predefines();
  void emit(const PPTok& t, std::vector<Token>& out);
};

// ------------------------------------------------------------------------------------------
// Input stack

SourceFile& Preprocessor::new_file(uint32_t id, std::string_view text, const std::string& path,
                                   bool synthetic) {
  files_.emplace_back();
  SourceFile& f = files_.back();
  f.id = id;
  f.synthetic = synthetic;
  splice_lines(text, f);
  if (!synthetic) {
    f.dir = dirname_of(path);
    f.key = canonical_path(path);
  }
  return f;
}

void Preprocessor::push_file(SourceFile& f, bool counts_depth) {
  Context c;
  c.file = &f;
  c.owned_lexer = std::make_unique<Lexer>(f, &sources_, &diags_, idents_);
  c.lexer = c.owned_lexer.get();
  c.cond_base = conds_.size();
  c.counts_depth = counts_depth;
  if (!f.synthetic) c.guard = Context::Guard::Start;
  if (counts_depth) ++include_depth_;
  ctx_.push_back(std::move(c));
}

void Preprocessor::push_tokens(std::vector<PPTok> toks, int32_t macro) {
  Context c;
  c.toks = std::move(toks);
  c.macro = macro;
  if (macro >= 0) macros_[macro].disabled = true;
  ctx_.push_back(std::move(c));
}

void Preprocessor::pop_context() {
  Context& c = ctx_.back();
  if (c.macro >= 0) macros_[c.macro].disabled = false;
  if (c.counts_depth) --include_depth_;
  // Keep small token buffers for the next expansions (saves a malloc/free per expansion).
  if (!c.lexer && c.toks.capacity() <= 256 && spare_.size() < 64) {
    c.toks.clear();
    spare_.push_back(std::move(c.toks));
  }
  ctx_.pop_back();
}

// At the end of a file: every conditional it opened is unterminated (C99 §6.10.1: a group
// cannot span files).
void Preprocessor::finish_file() {
  Context& fc = ctx_.back();
  if (fc.guard == Context::Guard::After) fc.file->guard = fc.guard_ident;
  size_t base = fc.cond_base;
  for (size_t i = base; i < conds_.size(); ++i)
    diags_.error(conds_[i].loc, "unterminated #" + std::string(conds_[i].directive));
  conds_.resize(std::min(conds_.size(), base));
}

void Preprocessor::lex_raw(PPTok& t, Mode mode) {
  for (;;) {
    if (fatal_) {
      t = PPTok{};
      return;
    }
    Context& c = ctx_.back();
    if (!c.lexer) {
      if (c.pos < c.toks.size()) {
        t = c.toks[c.pos++];
        last_from_file_ = false;
        return;
      }
      pop_context();
      continue;
    }
    if (c.has_pending) {
      t = c.pending;
      c.has_pending = false;
    } else {
      c.lexer->lex(t);
    }
    last_from_file_ = true;
    if (t.kind == PPKind::Punct && (t.flags & kAtLineStart) && t.len == 1 && t.ptr[0] == '#') {
      if (mode == Mode::Peek) return;
      if (handle_directive(t, mode)) return;  // #pragma unroll produced a token
      continue;
    }
    if (t.kind == PPKind::Eof) {
      if (mode != Mode::Normal) {
        t.kind = PPKind::FileEnd;
        return;
      }
      finish_file();
      if (ctx_.size() == 1) return;  // end of the main file
      pop_context();
      continue;
    }
    if (c.guard != Context::Guard::Inside) c.guard = Context::Guard::None;  // not a guarded file
    return;
  }
}

// Gives back a token lex_raw() just returned (in Peek or Collect mode, so every context above
// the one it came from has already been popped: the source context is on top).
void Preprocessor::unpeek(const PPTok& t) {
  if (t.kind == PPKind::FileEnd || t.kind == PPKind::Eof || fatal_) return;
  Context& c = ctx_.back();
  if (last_from_file_) {
    c.pending = t;
    c.has_pending = true;
  } else {
    GPUC_ASSERT(c.pos > 0, "unpeek with nothing read");
    --c.pos;
  }
}

// The next fully macro-expanded token.
void Preprocessor::next(PPTok& t) {
  for (;;) {
    lex_raw(t, Mode::Normal);
    if (t.kind != PPKind::Identifier || (t.flags & kNoExpand)) return;
    if (t.ident == id_pragma_op_) {
      if (handle_pragma_operator(t)) return;
      continue;
    }
    const int32_t mi = idents_[t.ident].macro;
    if (mi < 0) return;
    if (macros_[mi].disabled) {
      t.flags |= kNoExpand;  // painted blue: C99 §6.10.3.4p2
      return;
    }
    if (macros_[mi].builtin == Builtin::HasInclude) {
      if (!in_if_line_) {
        diags_.error(t.loc, "__has_include can only be used in #if and #elif");
        continue;
      }
      return;  // evaluated by expand_tokens()
    }
    if (macros_[mi].builtin != Builtin::None) {
      expand_builtin(macros_[mi], t);
      return;
    }
    if (macros_[mi].plain) {
      std::vector<PPTok> result;
      if (!spare_.empty()) {
        result = std::move(spare_.back());
        spare_.pop_back();
      }
      result.assign(macros_[mi].body.begin(), macros_[mi].body.end());
      for (PPTok& r : result) r.loc = t.loc;
      push_expansion(mi, t, std::move(result));
      continue;
    }
    if (!macros_[mi].function_like) {
      std::vector<PPTok> result = substitute(mi, t, {});
      push_expansion(mi, t, std::move(result));
      continue;
    }
    // A function-like macro name is an invocation only when followed by '(' (§6.10.3p10).
    PPTok p;
    lex_raw(p, Mode::Peek);
    if (!p.is_punct('(')) {
      unpeek(p);
      return;
    }
    std::vector<std::vector<PPTok>> args;
    if (!collect_args(mi, t, args)) continue;
    if (nesting_ >= limits_.max_nesting) {
      fatal(t.loc, "macro invocations nested too deeply in macro arguments (limit is " +
                       std::to_string(limits_.max_nesting) + ")");
      continue;
    }
    size_t held = 0;
    for (const auto& a : args) held += a.size();
    if (argument_tokens_ + held > limits_.max_argument_tokens) {
      fatal(t.loc, "macro arguments too large: more than " +
                       std::to_string(limits_.max_argument_tokens) +
                       " tokens in the arguments of nested macro invocations");
      continue;
    }
    argument_tokens_ += held;
    ++nesting_;
    std::vector<PPTok> result = substitute(mi, t, args);
    --nesting_;
    argument_tokens_ -= held;
    push_expansion(mi, t, std::move(result));
  }
}

// ------------------------------------------------------------------------------------------
// Macro expansion

bool Preprocessor::collect_args(int32_t mi, const PPTok& name,
                                std::vector<std::vector<PPTok>>& args) {
  const size_t nparams = macros_[mi].params.size();
  const bool variadic = macros_[mi].variadic;
  args.clear();
  args.emplace_back();
  int depth = 0;
  for (;;) {
    PPTok t;
    lex_raw(t, Mode::Collect);
    if (t.kind == PPKind::FileEnd || t.kind == PPKind::Eof || t.kind == PPKind::Sentinel) {
      if (t.kind == PPKind::Sentinel) unpeek(t);
      if (!fatal_)
        diags_.error(name.loc,
                     "unterminated argument list invoking macro " + quote_name(name.text()));
      return false;
    }
    if (t.kind == PPKind::Punct && t.len == 1) {
      const char ch = t.ptr[0];
      if (ch == '(') {
        ++depth;
      } else if (ch == ')') {
        if (depth == 0) break;
        --depth;
      } else if (ch == ',' && depth == 0 && !(variadic && args.size() >= nparams)) {
        args.emplace_back();
        continue;
      }
    }
    args.back().push_back(t);
  }
  // F() passes one empty argument, which is no argument for a macro without parameters.
  if (nparams == 0 && args.size() == 1 && args[0].empty()) args.clear();
  // The variable arguments may be left out entirely (C++20, GNU): F(a) for F(x, ...).
  if (variadic && args.size() + 1 == nparams) args.emplace_back();
  if (args.size() < nparams) {
    diags_.error(name.loc, "macro " + quote_name(name.text()) + " requires " +
                               std::to_string(variadic ? nparams - 1 : nparams) +
                               (variadic ? " or more" : "") + " argument" +
                               (nparams == 1 ? "" : "s") + ", but only " +
                               std::to_string(args.size()) + " given");
    return false;
  }
  if (args.size() > nparams) {
    diags_.error(name.loc, "macro " + quote_name(name.text()) + " passed " +
                               std::to_string(args.size()) + " arguments, but takes just " +
                               std::to_string(nparams));
    return false;
  }
  return true;
}

bool Preprocessor::count_expansion(size_t n, SourceLocation loc) {
  expanded_tokens_ += n;
  if (expanded_tokens_ <= limits_.max_expanded_tokens) return true;
  if (!fatal_)
    fatal(loc, "macro expansion produced more than " + std::to_string(limits_.max_expanded_tokens) +
                   " tokens (runaway or exponential macro expansion?)");
  return false;
}

void Preprocessor::push_expansion(int32_t mi, const PPTok& name, std::vector<PPTok> result) {
  if (!count_expansion(result.size(), name.loc) || result.empty()) return;
  // The first token of the expansion stands where the macro name stood.
  PPTok& first = result.front();
  first.flags = static_cast<uint8_t>((first.flags & ~(kAtLineStart | kLeadingSpace)) |
                                     (name.flags & (kAtLineStart | kLeadingSpace)));
  push_tokens(std::move(result), mi);
}

// Expands a token list on its own (a macro argument, a #if line): as if it formed the rest of
// the input, stopping at its end (C99 §6.10.3.1p1).
std::vector<PPTok> Preprocessor::expand_tokens(std::vector<PPTok> toks, bool if_line) {
  struct Restore {
    bool& flag;
    bool saved;
    ~Restore() { flag = saved; }
  } restore{in_if_line_, in_if_line_};
  if (if_line) in_if_line_ = true;  // argument pre-expansions inside a #if line inherit it
  std::vector<PPTok> out;
  PPTok end;
  end.kind = PPKind::Sentinel;
  end.loc = toks.empty() ? SourceLocation{} : toks.back().loc;
  toks.push_back(end);
  const size_t base = ctx_.size();
  push_tokens(std::move(toks), -1);
  out.reserve(ctx_.back().toks.size());
  for (;;) {
    PPTok t;
    next(t);
    if (t.kind == PPKind::Sentinel || t.kind == PPKind::Eof) break;
    if (if_line && t.ident == id_has_include_) {
      if (!read_has_include_operand(t, t)) {
        pop_to(base);
        return {};
      }
    } else if (if_line && t.ident == id_defined_) {
      // `defined X` / `defined ( X )`: the operand is read unexpanded (C99 §6.10.1p1), also
      // when `defined` comes out of a macro expansion (undefined in C99; as clang and gcc).
      if (!read_defined_operand(t, t)) {
        pop_to(base);
        return {};
      }
    }
    out.push_back(t);
  }
  pop_to(base);
  return out;
}

// __has_include ( "name" ) / __has_include ( <name> ) (C++17 [cpp.cond], C23 §6.10.1): 1 if
// #include would find the file.
bool Preprocessor::read_has_include_operand(const PPTok& op, PPTok& out) {
  static const char* const kZeroOne[2] = {"0", "1"};
  auto bad = [&](const PPTok& at) {
    diags_.error(at.kind == PPKind::Sentinel ? op.loc : at.loc,
                 "__has_include expects \"FILENAME\" or <FILENAME> in parentheses");
    return false;
  };
  PPTok t;
  lex_raw(t, Mode::Collect);
  if (!t.is_punct('(')) return bad(t);
  lex_raw(t, Mode::Collect);
  std::string name;
  bool angled = false;
  if (t.kind == PPKind::String && t.ptr[0] == '"') {
    name.assign(t.ptr + 1, t.len - 2);
  } else if (t.is_punct('<')) {
    angled = true;
    for (;;) {
      lex_raw(t, Mode::Collect);
      if (t.is_punct('>')) break;
      if (t.kind == PPKind::Sentinel || t.kind == PPKind::FileEnd || t.kind == PPKind::Eof)
        return bad(t);
      if (!name.empty() && (t.flags & kLeadingSpace)) name += ' ';
      name.append(t.ptr, t.len);
    }
  } else {
    return bad(t);
  }
  lex_raw(t, Mode::Collect);
  if (!t.is_punct(')')) return bad(t);
  const bool found = !name.empty() && !resolve_include(name, angled).empty();
  PPTok v = op;
  v.kind = PPKind::Number;
  v.ident = 0;
  v.ptr = kZeroOne[found];
  v.len = 1;
  out = v;
  return true;
}

bool Preprocessor::read_defined_operand(const PPTok& def, PPTok& out) {
  static const char* const kZeroOne[2] = {"0", "1"};
  PPTok t;
  lex_raw(t, Mode::Collect);
  const bool paren = t.is_punct('(');
  if (paren) lex_raw(t, Mode::Collect);
  if (t.kind != PPKind::Identifier) {
    diags_.error(t.kind == PPKind::Sentinel || t.kind == PPKind::FileEnd ? def.loc : t.loc,
                 "macro name must be an identifier");
    return false;
  }
  const bool is_def = idents_[t.ident].macro >= 0;
  if (paren) {
    PPTok close;
    lex_raw(close, Mode::Collect);
    if (!close.is_punct(')')) {
      diags_.error(close.kind == PPKind::Sentinel ? t.loc : close.loc,
                   "missing ')' after 'defined'");
      return false;
    }
  }
  PPTok v = def;
  v.kind = PPKind::Number;
  v.ident = 0;
  v.ptr = kZeroOne[is_def];
  v.len = 1;
  out = v;
  return true;
}

PPTok Preprocessor::stringize(const std::vector<PPTok>& arg, const PPTok& name) {
  // C99 §6.10.3.2p2: white space between tokens becomes one space; " and \ inside string and
  // character literals are escaped.
  std::string s = "\"";
  for (size_t i = 0; i < arg.size(); ++i) {
    const PPTok& t = arg[i];
    if (i > 0 && (t.flags & (kLeadingSpace | kAtLineStart))) s += ' ';
    if (t.kind == PPKind::String || t.kind == PPKind::Char ||
        (t.kind == PPKind::Other && t.len && (t.ptr[0] == '"' || t.ptr[0] == '\''))) {
      for (char c : t.text()) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
    } else {
      s.append(t.ptr, t.len);
    }
  }
  s += '"';
  PPTok r;
  r.kind = PPKind::String;
  r.len = static_cast<uint32_t>(s.size());
  r.ptr = store(std::move(s));
  r.loc = name.loc;
  return r;
}

// Lexes `text` as exactly one pp-token (for ##); false if it is not one.
bool Preprocessor::relex_single(std::string_view text, SourceLocation loc, PPTok& out) {
  files_.emplace_back();
  SourceFile& f = files_.back();
  f.synthetic = true;
  f.text.assign(text);
  Lexer lx(f, nullptr, nullptr, idents_);
  lx.quiet = true;
  lx.intern_identifiers = false;  // f dies below; paste() interns the stored spelling
  lx.fixed_loc = loc;
  PPTok t;
  lx.lex(t);
  // The result must start at the first byte (no comment), and nothing may follow it.
  bool ok =
      t.kind != PPKind::Eof && t.kind != PPKind::Other && !(t.flags & kLeadingSpace) && lx.at_end();
  if (ok) out = t;
  files_.pop_back();
  return ok;
}

bool Preprocessor::paste(PPTok& left, const PPTok& right, const PPTok& name) {
  // C99 §6.10.3.3p3: the result must be a valid preprocessing token.
  std::string joined;
  joined.reserve(left.len + right.len);
  joined.append(left.ptr, left.len);
  joined.append(right.ptr, right.len);
  const char* stored = store(std::move(joined));
  std::string_view text(stored, left.len + right.len);
  PPTok r;
  if (!relex_single(text, name.loc, r)) {
    diags_.error(name.loc,
                 "pasting formed " + quote_name(text) + ", an invalid preprocessing token");
    return false;
  }
  // relex_single lexed a temporary copy: point the token at the stored spelling.
  r.ptr = stored;
  if (r.kind == PPKind::Identifier) r.ident = idents_.intern(text);
  r.loc = name.loc;
  r.flags = left.flags & (kAtLineStart | kLeadingSpace);
  r.param = kNoParam;
  left = r;
  return true;
}

// Builds the replacement of one invocation (C99 §6.10.3.1-3). Body tokens take the location of
// the macro use; argument tokens keep their own (they are where the user wrote them).
std::vector<PPTok> Preprocessor::substitute(int32_t mi, const PPTok& name,
                                            const std::vector<std::vector<PPTok>>& args) {
  const Macro& m = macros_[mi];
  const std::vector<PPTok>& body = m.body;
  const size_t n = body.size();
  const uint16_t va_index = m.variadic ? static_cast<uint16_t>(m.params.size() - 1) : kNoParam;
  std::vector<std::vector<PPTok>> expanded(args.size());
  std::vector<bool> have_expanded(args.size(), false);
  std::vector<PPTok> out;
  out.reserve(n);
  std::vector<PPTok> single(1);
  // A run of pastes building one identifier or pp-number: its spelling so far, and its index.
  std::string chain;
  size_t chain_at = SIZE_MAX;
  auto close_chain = [&] {
    if (chain_at == SIZE_MAX) return;
    PPTok& t = out[chain_at];
    t.len = static_cast<uint32_t>(chain.size());
    t.ptr = store(std::move(chain));
    chain = std::string();
    t.ident = t.kind == PPKind::Identifier ? idents_.intern(t.text()) : 0;
    chain_at = SIZE_MAX;
  };
  bool paste_pending = false;     // the previous body token was a ## operator
  bool left_placemarker = false;  // ...and its left operand was empty (C99 §6.10.3.3p2)
  bool last_empty = false;

  size_t va_opt_close = SIZE_MAX;  // the ')' of the __VA_OPT__ whose content is substituted
  const std::vector<PPTok> nothing;
  for (size_t i = 0; i < n;) {
    if (i == va_opt_close) {  // `__VA_OPT__()`: empty content
      va_opt_close = SIZE_MAX;
      ++i;
      continue;
    }
    const PPTok& bt = body[i];
    if (bt.ident == id_va_opt_ && m.variadic && bt.param == kNoParam) {
      // C++20 [cpp.subst]p3: the content if the variable arguments are not empty, else a
      // placemarker.
      size_t close = i + 2;
      for (int depth = 0; close < n; ++close) {
        if (body[close].is_punct('(')) ++depth;
        if (body[close].is_punct(')') && depth-- == 0) break;
      }
      // "No tokens" is decided after macro expansion (C23 §6.10.5.2, C++23 [cpp.subst]p3):
      // F(EMPTY) has no variable arguments.
      if (!args[va_index].empty() && !have_expanded[va_index]) {
        expanded[va_index] = expand_tokens(args[va_index]);
        have_expanded[va_index] = true;
        if (!count_expansion(expanded[va_index].size(), name.loc)) return {};
      }
      if (!args[va_index].empty() && !expanded[va_index].empty()) {
        va_opt_close = close;
        i += 2;
        continue;
      }
      i = close;  // now at the ')': handled below as the end of an empty operand
    }
    const std::vector<PPTok>* seq = &single;
    bool from_arg = false;
    uint16_t param = kNoParam;
    if (m.function_like && bt.param == kNoParam && bt.is_punct('#') && i + 1 < n &&
        body[i + 1].param != kNoParam) {
      single[0] = stringize(args[body[i + 1].param], name);
      single[0].flags = bt.flags & kLeadingSpace;
      i += 2;
    } else if (bt.param != kNoParam) {
      param = bt.param;
      const bool raw = paste_pending ||
                       (i + 1 < n && body[i + 1].is_punct("##") && body[i + 1].param == kNoParam);
      if (raw) {
        seq = &args[param];
      } else {
        if (!have_expanded[param]) {
          expanded[param] = expand_tokens(args[param]);
          have_expanded[param] = true;
          if (!count_expansion(expanded[param].size(), name.loc)) return {};
        }
        seq = &expanded[param];
      }
      from_arg = true;
      ++i;
    } else if (bt.ident == id_va_opt_ && m.variadic && bt.param == kNoParam) {
      seq = &nothing;  // __VA_OPT__ with empty variable arguments (i is at its ')')
      ++i;
    } else {
      single[0] = bt;
      single[0].loc = name.loc;
      ++i;
    }

    size_t first_new = out.size();
    if (paste_pending) {
      paste_pending = false;
      if (param != kNoParam && param == va_index && !left_placemarker && !out.empty() &&
          out.back().is_punct(',') && bt.param != kNoParam) {
        // GNU `, ## __VA_ARGS__`: the comma disappears when the variable arguments are empty.
        if (seq->empty())
          out.pop_back();
        else
          out.insert(out.end(), seq->begin(), seq->end());
        last_empty = false;
      } else if (seq->empty()) {
        last_empty = left_placemarker;
      } else if (left_placemarker || out.empty()) {
        out.insert(out.end(), seq->begin(), seq->end());
        last_empty = false;
      } else {
        PPTok right = (*seq)[0];
        PPTok& left = out.back();
        const bool right_word = right.kind == PPKind::Identifier ||
                                (right.kind == PPKind::Number && is_word(right.text()));
        if ((left.kind == PPKind::Identifier && right_word) ||
            (left.kind == PPKind::Number &&
             (right.kind == PPKind::Identifier || right.kind == PPKind::Number))) {
          // identifier ## word -> identifier, pp-number ## word or pp-number -> pp-number: valid
          // without relexing. The spelling grows in `chain` (amortised O(1) per paste).
          if (chain_at != out.size() - 1) {
            close_chain();
            chain.assign(left.ptr, left.len);
            chain_at = out.size() - 1;
          }
          chain.append(right.ptr, right.len);
          left.loc = name.loc;
          left.param = kNoParam;
        } else {
          close_chain();
          if (!paste(out.back(), right, name)) {
            right.loc = name.loc;
            out.push_back(right);
          }
        }
        if (seq->size() > 1) close_chain();
        out.insert(out.end(), seq->begin() + 1, seq->end());
        last_empty = false;
        first_new = out.size();  // the pasted token keeps the left operand's flags
      }
    } else {
      out.insert(out.end(), seq->begin(), seq->end());
      last_empty = seq->empty();
    }
    // Substituted argument tokens: the first takes the spacing of the parameter name; line
    // starts inside an invocation become plain spaces.
    if (from_arg && first_new < out.size()) {
      for (size_t k = first_new; k < out.size(); ++k)
        if (out[k].flags & kAtLineStart)
          out[k].flags = static_cast<uint8_t>((out[k].flags & ~kAtLineStart) | kLeadingSpace);
      out[first_new].flags = static_cast<uint8_t>((out[first_new].flags & ~kLeadingSpace) |
                                                  (bt.flags & kLeadingSpace));
    }
    if (i == va_opt_close) {  // the end of a __VA_OPT__ content
      va_opt_close = SIZE_MAX;
      ++i;
    }
    if (i < n && body[i].param == kNoParam && body[i].is_punct("##")) {
      paste_pending = true;
      left_placemarker = last_empty;
      ++i;
    } else {
      close_chain();
    }
  }
  close_chain();
  return out;
}

void Preprocessor::expand_builtin(const Macro& m, PPTok& t) {
  std::string s;
  switch (m.builtin) {
    case Builtin::Line:
      s = std::to_string(t.loc.line);
      t.kind = PPKind::Number;
      break;
    case Builtin::Counter:
      s = std::to_string(counter_++);
      t.kind = PPKind::Number;
      break;
    case Builtin::File: {
      s = "\"";
      for (char c : sources_.name(t.loc.file)) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
      s += '"';
      t.kind = PPKind::String;
      break;
    }
    case Builtin::None:
    case Builtin::HasInclude:
      return;
  }
  t.len = static_cast<uint32_t>(s.size());
  t.ptr = store(std::move(s));
  t.ident = 0;
}

// ------------------------------------------------------------------------------------------
// Directives (C99 §6.10)

void Preprocessor::read_line(Lexer& lx, std::vector<PPTok>& out) {
  while (!lx.at_eol()) {
    PPTok t;
    lx.lex(t);
    out.push_back(t);
  }
}

void Preprocessor::end_directive(Lexer& lx, const PPTok& name, bool warn_extra) {
  if (warn_extra && !lx.at_eol()) {
    PPTok t;
    lx.lex(t);
    diags_.warning(t.loc, "extra tokens at end of #" + std::string(name.text()) + " directive");
  }
  lx.skip_line();
}

bool Preprocessor::check_macro_name(const PPTok& t) {
  if (t.kind != PPKind::Identifier) {
    diags_.error(t.loc, "macro name must be an identifier");
    return false;
  }
  if (t.ident == id_defined_) {
    diags_.error(t.loc, "'defined' cannot be used as a macro name");
    return false;
  }
  if (t.ident == id_va_args_ || t.ident == id_va_opt_) {
    diags_.error(t.loc, std::string(t.text()) + " cannot be used as a macro name");
    return false;
  }
  return true;
}

// Returns true when it produced a token into `hash` (#pragma unroll).
bool Preprocessor::handle_directive(PPTok& hash, Mode mode) {
  Lexer& lx = *ctx_.back().lexer;
  if (lx.at_eol()) return false;  // the null directive (C99 §6.10.7)
  PPTok name;
  lx.lex(name);
  if (name.kind != PPKind::Identifier) {
    diags_.error(name.loc, "invalid preprocessing directive");
    lx.skip_line();
    return false;
  }
  const std::string_view d = name.text();
  // Include-guard detection: only `#ifndef X` may open the file, nothing may follow the #endif.
  Context& fc = ctx_.back();
  if ((fc.guard == Context::Guard::Start && d != "ifndef") || fc.guard == Context::Guard::After)
    fc.guard = Context::Guard::None;
  if (d == "define") {
    do_define(lx, hash);
  } else if (d == "undef") {
    do_undef(lx, name);
  } else if (d == "include") {
    do_include(lx, name, mode);
  } else if (d == "if" || d == "ifdef" || d == "ifndef") {
    do_if(lx, hash, name);
  } else if (d == "elif" || d == "else" || d == "elifdef" || d == "elifndef") {
    do_else_elif(lx, hash, name);
  } else if (d == "endif") {
    do_endif(lx, hash, name);
  } else if (d == "error" || d == "warning") {
    // GCC's form, "#error text": the message says where it came from, and no directive can pass
    // for one of gpuc's own messages (an "internal compiler error" the fuzzers abort on).
    std::string_view text = lx.rest_of_line();
    std::string msg = "#" + std::string(d) + (text.empty() ? "" : " " + std::string(text));
    if (d == "error")
      diags_.error(name.loc, std::move(msg));
    else
      diags_.warning(name.loc, std::move(msg));
    lx.skip_line();
  } else if (d == "pragma") {
    std::vector<PPTok> toks;
    read_line(lx, toks);
    lx.skip_line();
    return do_pragma(std::move(toks), hash, hash);
  } else if (d == "line") {
    do_line(lx, name);
  } else {
    diags_.error(name.loc, "invalid preprocessing directive #" + std::string(d));
    lx.skip_line();
  }
  return false;
}

void Preprocessor::do_define(Lexer& lx, const PPTok& hash) {
  if (lx.at_eol()) {
    diags_.error(hash.loc, "macro name missing");
    lx.skip_line();
    return;
  }
  PPTok nm;
  lx.lex(nm);
  if (!check_macro_name(nm)) {
    lx.skip_line();
    return;
  }
  std::vector<PPTok> line;
  read_line(lx, line);
  lx.skip_line();

  Macro m;
  m.name = nm.ident;
  m.loc = nm.loc;
  size_t i = 0;
  auto missing_paren = [&](SourceLocation loc) {
    diags_.error(loc, "missing ')' in macro parameter list");
  };
  // Function-like iff '(' follows the name with no white space (C99 §6.10.3p3, p10).
  if (!line.empty() && line[0].is_punct('(') && !(line[0].flags & kLeadingSpace)) {
    m.function_like = true;
    i = 1;
    for (;;) {
      if (i >= line.size()) return missing_paren(line.back().loc);
      const PPTok& t = line[i++];
      if (t.is_punct(')') && m.params.empty()) break;
      if (t.is_punct("...")) {
        m.variadic = true;
        m.params.push_back(id_va_args_);
        if (i >= line.size() || !line[i].is_punct(')'))
          return missing_paren(i < line.size() ? line[i].loc : t.loc);
        ++i;
        break;
      }
      if (t.kind != PPKind::Identifier) {
        diags_.error(t.loc, "invalid token in macro parameter list");
        return;
      }
      if (t.ident == id_va_args_) {
        diags_.error(t.loc, "__VA_ARGS__ can only appear in the expansion of a C99 variadic macro");
        return;
      }
      for (uint32_t p : m.params)
        if (p == t.ident) {
          diags_.error(t.loc, "duplicate macro parameter name " + quote_name(t.text()));
          return;
        }
      if (m.params.size() >= kNoParam - 1) {
        diags_.error(t.loc, "too many macro parameters");
        return;
      }
      m.params.push_back(t.ident);
      if (i >= line.size()) return missing_paren(t.loc);
      const PPTok& sep = line[i++];
      if (sep.is_punct("...")) {  // GNU named variable arguments: F(args...)
        m.variadic = true;
        if (i >= line.size() || !line[i].is_punct(')'))
          return missing_paren(i < line.size() ? line[i].loc : sep.loc);
        ++i;
        break;
      }
      if (sep.is_punct(')')) break;
      if (!sep.is_punct(',')) {
        diags_.error(sep.loc, "expected comma in macro parameter list");
        return;
      }
    }
  }
  // Parameter lookup: linear for the usual handful, a hash map for long lists.
  std::unordered_map<uint32_t, uint16_t> param_map;
  if (m.params.size() > 16)
    for (size_t p = 0; p < m.params.size(); ++p)
      param_map.emplace(m.params[p], static_cast<uint16_t>(p));
  const bool va_named_va_args = m.variadic && m.params.back() == id_va_args_;
  m.body.reserve(line.size() - i);
  for (; i < line.size(); ++i) {
    PPTok t = line[i];
    t.flags &= static_cast<uint8_t>(~kAtLineStart);
    if (t.ident) {
      if (t.ident == id_va_args_ && !va_named_va_args) {
        diags_.error(t.loc, "__VA_ARGS__ can only appear in the expansion of a C99 variadic macro");
        return;
      }
      if (m.function_like) {
        if (param_map.empty()) {
          for (size_t p = 0; p < m.params.size(); ++p)
            if (m.params[p] == t.ident) t.param = static_cast<uint16_t>(p);
        } else if (auto it = param_map.find(t.ident); it != param_map.end()) {
          t.param = it->second;
        }
      }
    }
    m.body.push_back(t);
  }
  if (!m.body.empty()) m.body[0].flags &= static_cast<uint8_t>(~kLeadingSpace);
  for (size_t j = 0; j < m.body.size(); ++j) {
    const PPTok& t = m.body[j];
    if (t.is_punct("##") && (j == 0 || j + 1 == m.body.size())) {
      diags_.error(t.loc, "'##' cannot appear at either end of a macro expansion");
      return;
    }
    if (m.function_like && t.is_punct('#') &&
        (j + 1 == m.body.size() || m.body[j + 1].param == kNoParam)) {
      diags_.error(t.loc, "'#' is not followed by a macro parameter");
      return;
    }
  }
  // C++20 __VA_OPT__ ( content ): only in variadic macros, not nested, parentheses balanced.
  for (size_t j = 0; j < m.body.size(); ++j) {
    const PPTok& t = m.body[j];
    if (t.ident != id_va_opt_) continue;
    if (!m.variadic) {
      diags_.error(t.loc, "__VA_OPT__ can only appear in the expansion of a variadic macro");
      return;
    }
    if (j + 1 >= m.body.size() || !m.body[j + 1].is_punct('(')) {
      diags_.error(t.loc, "missing '(' following __VA_OPT__");
      return;
    }
    size_t k = j + 2;
    for (int depth = 0; k < m.body.size(); ++k) {
      if (m.body[k].ident == id_va_opt_) {
        diags_.error(m.body[k].loc, "__VA_OPT__ cannot be nested");
        return;
      }
      if (m.body[k].is_punct('(')) ++depth;
      if (m.body[k].is_punct(')') && depth-- == 0) break;
    }
    if (k >= m.body.size()) {
      diags_.error(t.loc, "unterminated __VA_OPT__");
      return;
    }
    j = k;
  }
  m.plain = !m.function_like;
  for (const PPTok& t : m.body)
    if (t.is_punct("##")) m.plain = false;
  // Redefinition: allowed when identical (C99 §6.10.3p2); otherwise warn, as clang does.
  IdentInfo& info = idents_[m.name];
  if (info.macro >= 0) {
    const Macro& old = macros_[info.macro];
    bool same = old.builtin == Builtin::None && old.function_like == m.function_like &&
                old.variadic == m.variadic && old.params == m.params &&
                old.body.size() == m.body.size();
    for (size_t j = 0; same && j < m.body.size(); ++j)
      same = old.body[j].text() == m.body[j].text() &&
             (j == 0 || (old.body[j].flags & kLeadingSpace) == (m.body[j].flags & kLeadingSpace));
    if (same) return;  // keeps the first definition's location
    Diagnostic& d = diags_.warning(nm.loc, quote_name(nm.text()) + " macro redefined");
    if (old.loc.valid()) diags_.note(d, old.loc, "previous definition is here");
  }
  // A macro being expanded keeps its old table entry (contexts refer to it by index).
  if (info.macro >= 0 && !macros_[info.macro].disabled) {
    macros_[info.macro] = std::move(m);
  } else {
    info.macro = static_cast<int32_t>(macros_.size());
    macros_.push_back(std::move(m));
  }
}

void Preprocessor::do_undef(Lexer& lx, const PPTok& name) {
  if (lx.at_eol()) {
    diags_.error(name.loc, "macro name missing");
    lx.skip_line();
    return;
  }
  PPTok nm;
  lx.lex(nm);
  if (check_macro_name(nm)) idents_[nm.ident].macro = -1;
  end_directive(lx, name, true);
}

SourceFile* Preprocessor::current_file() {
  for (size_t i = ctx_.size(); i-- > 0;)
    if (ctx_[i].file && !ctx_[i].file->synthetic) return ctx_[i].file;
  return nullptr;
}

// C99 §6.10.2: "..." is searched for next to the including file, then like <...>; <...> in the
// -I directories, in order.
std::string Preprocessor::resolve_include(std::string_view name, bool angled) {
  if (!angled) {
    SourceFile* f = current_file();
    std::string path = join_path(f ? f->dir : std::string(), name);
    if (is_regular_file(path)) return path;
  }
  for (const std::string& d : options_.include_dirs) {
    std::string path = join_path(d, name);
    if (is_regular_file(path)) return path;
  }
  // Last, gpuc's own headers (standard and CUDA headers kernels include; builtin_headers.cpp).
  if (builtin_header(name)) return std::string(kBuiltinDir) + std::string(name);
  return {};
}

SourceFile* Preprocessor::find_include(std::string_view name, bool angled, SourceLocation loc) {
  std::string path = resolve_include(name, angled);
  if (path.empty()) {
    diags_.error(loc, quote_name(name) + " file not found");
    return nullptr;
  }
  if (path.rfind(kBuiltinDir, 0) == 0) {
    if (auto it = file_cache_.find(path); it != file_cache_.end()) return it->second;
    const char* text = builtin_header(std::string_view(path).substr(kBuiltinDir.size()));
    uint32_t id = sources_.add_buffer(path, text);
    SourceFile& f = new_file(id, text, "", false);
    f.key = path;
    file_cache_.emplace(f.key, &f);
    return &f;
  }
  std::string key = canonical_path(path);
  if (auto it = file_cache_.find(key); it != file_cache_.end()) return it->second;
  Result<std::string> text = read_file(path);
  if (!text.ok()) {
    diags_.error(loc, text.error().message);
    return nullptr;
  }
  uint32_t id = sources_.add_buffer(path, *text);
  SourceFile& f = new_file(id, *text, path, false);
  file_cache_.emplace(f.key, &f);
  return &f;
}

void Preprocessor::do_include(Lexer& lx, const PPTok& name, Mode mode) {
  if (mode == Mode::Collect) {
    diags_.error(name.loc, "#include inside the arguments of a macro invocation is not supported");
    lx.skip_line();
    return;
  }
  std::string_view file;
  bool angled = false;
  SourceLocation loc;
  std::string computed;
  if (lx.lex_header_name(file, angled, loc)) {
    end_directive(lx, name, true);
  } else {
    // A computed include (C99 §6.10.2p4): macro-expand the line, then expect "..." or <...>.
    std::vector<PPTok> line;
    read_line(lx, line);
    lx.skip_line();
    if (line.empty()) {
      diags_.error(name.loc, "#include expects \"FILENAME\" or <FILENAME>");
      return;
    }
    loc = line[0].loc;
    std::vector<PPTok> toks = expand_tokens(std::move(line));
    if (fatal_) return;
    if (toks.size() == 1 && toks[0].kind == PPKind::String && toks[0].ptr[0] == '"') {
      computed.assign(toks[0].ptr + 1, toks[0].len - 2);
    } else if (!toks.empty() && toks[0].is_punct('<') && toks.back().is_punct('>')) {
      for (size_t i = 1; i + 1 < toks.size(); ++i) {
        if (i > 1 && (toks[i].flags & kLeadingSpace)) computed += ' ';
        computed.append(toks[i].ptr, toks[i].len);
      }
      angled = true;
    } else {
      diags_.error(loc, "#include expects \"FILENAME\" or <FILENAME>");
      return;
    }
    file = computed;
  }
  if (file.empty()) {
    diags_.error(loc, "empty filename in #include");
    return;
  }
  if (include_depth_ >= limits_.max_include_depth) {
    fatal(loc, "#include nested too deeply (limit is " + std::to_string(limits_.max_include_depth) +
                   " levels; is there an include cycle without an include guard?)");
    return;
  }
  SourceFile* f = find_include(file, angled, loc);
  if (!f || f->pragma_once) return;
  if (f->guard && idents_[f->guard].macro >= 0) return;  // guarded and already included
  push_file(*f, true);
}

void Preprocessor::do_if(Lexer& lx, const PPTok& hash, const PPTok& name) {
  const std::string_view d = name.text();
  uint32_t macro = 0;
  bool value = d == "if" ? eval_line(lx, name) : eval_ifdef(lx, name, d == "ifndef", &macro);
  Context& fc = ctx_.back();
  if (fc.guard == Context::Guard::Start) {
    if (macro && conds_.size() == fc.cond_base) {
      fc.guard = Context::Guard::Inside;
      fc.guard_ident = macro;
      fc.guard_cond = conds_.size();
    } else {
      fc.guard = Context::Guard::None;
    }
  }
  Conditional c;
  c.loc = hash.loc;
  c.directive = d == "if" ? "if" : d == "ifdef" ? "ifdef" : "ifndef";
  c.taken = value;
  conds_.push_back(c);
  if (!value) skip_group();
}

bool Preprocessor::eval_ifdef(Lexer& lx, const PPTok& name, bool negate, uint32_t* macro) {
  if (lx.at_eol()) {
    diags_.error(name.loc, "macro name missing");
    return false;
  }
  PPTok nm;
  lx.lex(nm);
  if (!check_macro_name(nm)) {
    lx.skip_line();
    return false;
  }
  if (!lx.at_eol()) {
    PPTok t;
    lx.lex(t);
    diags_.warning(t.loc, "extra tokens at end of #" + std::string(name.text()) + " directive");
    lx.skip_line();
  }
  if (macro) *macro = nm.ident;
  return (idents_[nm.ident].macro >= 0) != negate;
}

// Evaluates the rest of a #if / #elif line.
bool Preprocessor::eval_line(Lexer& lx, const PPTok& name) {
  std::vector<PPTok> line;
  read_line(lx, line);
  SourceLocation end_loc = lx.loc_at(lx.offset());
  if (line.empty()) {
    diags_.error(name.loc, "#" + std::string(name.text()) + " with no expression");
    return false;
  }
  const size_t errors = diags_.error_count();
  std::vector<PPTok> toks = expand_tokens(std::move(line), true);
  if (fatal_ || diags_.error_count() != errors) return false;
  ExprEnv env{diags_, idents_, id_defined_, id_true_, id_false_, limits_.max_expression_depth,
              end_loc};
  bool value = false;
  if (!evaluate_condition(toks, env, value)) return false;
  return value;
}

void Preprocessor::do_else_elif(Lexer& lx, const PPTok& hash, const PPTok& name) {
  const std::string_view d = name.text();
  if (conds_.size() <= ctx_.back().cond_base) {
    diags_.error(hash.loc, "#" + std::string(d) + " without #if");
    lx.skip_line();
    return;
  }
  conditional_branch();
  Conditional& c = conds_.back();
  if (c.seen_else) {
    Diagnostic& diag = diags_.error(hash.loc, "#" + std::string(d) + " after #else");
    diags_.note(diag, c.else_loc, "previous #else is here");
  }
  if (d == "else") {
    c.seen_else = true;
    c.else_loc = hash.loc;
    end_directive(lx, name, true);
  } else {
    lx.skip_line();  // the group before was included: this condition is not evaluated
  }
  skip_group();
}

void Preprocessor::do_endif(Lexer& lx, const PPTok& hash, const PPTok& name) {
  if (conds_.size() <= ctx_.back().cond_base) {
    diags_.error(hash.loc, "#endif without #if");
  } else {
    pop_conditional();
  }
  end_directive(lx, name, true);
}

// The #endif of the innermost conditional (directives run with their file's context on top).
void Preprocessor::pop_conditional() {
  Context& fc = ctx_.back();
  if (fc.guard == Context::Guard::Inside && conds_.size() - 1 == fc.guard_cond)
    fc.guard = Context::Guard::After;
  conds_.pop_back();
}

// An #else / #elif of the innermost conditional: a guard has none.
void Preprocessor::conditional_branch() {
  Context& fc = ctx_.back();
  if (fc.guard == Context::Guard::Inside && conds_.size() - 1 == fc.guard_cond)
    fc.guard = Context::Guard::None;
}

// Skips an excluded group (C99 §6.10.1p6): only directive names are examined, nested
// conditionals are tracked by depth (no recursion: 10000-deep nesting is fine). Returns at the
// start of a group to include, after the #endif closing the conditional, or at the end of file.
void Preprocessor::skip_group() {
  Lexer& lx = *ctx_.back().lexer;
  if (!lx.at_bol()) lx.skip_line();  // the rest of the directive line that started it
  size_t depth = 0;
  PPTok t;
  for (;;) {
    lx.quiet = true;
    lx.lex(t);
    lx.quiet = false;
    if (t.kind == PPKind::Eof) {
      ctx_.back().pending = t;  // let lex_raw see the end of file
      ctx_.back().has_pending = true;
      return;
    }
    if (!(t.is_punct('#') && (t.flags & kAtLineStart)) || lx.at_eol()) {
      lx.skip_line();
      continue;
    }
    PPTok name;
    lx.lex(name);
    const std::string_view d = name.kind == PPKind::Identifier ? name.text() : "";
    if (d == "if" || d == "ifdef" || d == "ifndef") {
      ++depth;
      lx.skip_line();
      continue;
    }
    if (d == "endif") {
      if (depth == 0) {
        pop_conditional();
        end_directive(lx, name, true);
        return;
      }
      --depth;
      lx.skip_line();
      continue;
    }
    if (depth > 0 || (d != "else" && d != "elif" && d != "elifdef" && d != "elifndef")) {
      lx.skip_line();
      continue;
    }
    conditional_branch();
    Conditional& c = conds_.back();
    if (c.seen_else) {
      Diagnostic& diag = diags_.error(t.loc, "#" + std::string(d) + " after #else");
      diags_.note(diag, c.else_loc, "previous #else is here");
    }
    if (d == "else") {
      c.seen_else = true;
      c.else_loc = t.loc;
      if (!c.taken) {
        c.taken = true;
        end_directive(lx, name, true);
        return;
      }
      lx.skip_line();
      continue;
    }
    if (c.taken) {
      lx.skip_line();
      continue;
    }
    bool value = d == "elif" ? eval_line(lx, name) : eval_ifdef(lx, name, d == "elifndef");
    if (fatal_) return;
    if (value) {
      conds_.back().taken = true;
      return;
    }
    lx.skip_line();
  }
}

// #pragma: `unroll [N]` becomes a PragmaUnroll token, `once` marks the file; others are
// ignored (C99 §6.10.6p1: unrecognised pragmas are ignored). Returns true if `out` is a token.
bool Preprocessor::do_pragma(std::vector<PPTok> toks, const PPTok& at, PPTok& out) {
  if (toks.empty() || toks[0].kind != PPKind::Identifier) return false;
  const std::string_view p = toks[0].text();
  if (p == "once") {
    if (SourceFile* f = current_file()) f->pragma_once = true;
    return false;
  }
  if (p != "unroll") return false;
  toks.erase(toks.begin());
  std::vector<PPTok> arg = expand_tokens(std::move(toks));
  std::string text;
  // An integer constant expression of literals (`(N / 2)` after expansion) is folded to its
  // value, as nvcc accepts; anything else (a template parameter, a constexpr name) is passed on
  // as written.
  bool foldable = arg.size() > 1;
  for (const PPTok& t : arg)
    if (t.kind != PPKind::Number && t.kind != PPKind::Punct && t.kind != PPKind::Char)
      foldable = false;
  if (foldable) {
    DiagnosticEngine scratch;
    ExprEnv env{scratch, idents_, id_defined_, id_true_, id_false_, limits_.max_expression_depth,
                at.loc};
    uint64_t v = 0;
    bool uns = false;
    if (evaluate_integer(arg, env, v, uns))
      text = uns ? std::to_string(v) : std::to_string(static_cast<int64_t>(v));
  }
  const bool folded = !text.empty();
  for (size_t i = 0; !folded && i < arg.size(); ++i) {
    if (i > 0 && (arg[i].flags & kLeadingSpace)) text += ' ';
    text.append(arg[i].ptr, arg[i].len);
  }
  PPTok r;
  r.kind = PPKind::PragmaUnroll;
  r.loc = at.loc;
  r.flags = at.flags & (kAtLineStart | kLeadingSpace);
  r.len = static_cast<uint32_t>(text.size());
  r.ptr = text.empty() ? "" : store(std::move(text));
  out = r;
  return true;
}

// _Pragma("...") (C99 §6.10.9): destringize, lex, and handle as #pragma.
bool Preprocessor::handle_pragma_operator(PPTok& t) {
  const PPTok op = t;
  PPTok lp;
  lex_raw(lp, Mode::Peek);
  if (!lp.is_punct('(')) {
    unpeek(lp);
    diags_.error(op.loc, "_Pragma takes a parenthesized string literal");
    return false;
  }
  PPTok str, rp;
  lex_raw(str, Mode::Collect);
  if (str.kind != PPKind::String) {
    if (str.kind == PPKind::Sentinel) unpeek(str);
    diags_.error(op.loc, "_Pragma takes a parenthesized string literal");
    return false;
  }
  lex_raw(rp, Mode::Collect);
  if (!rp.is_punct(')')) {
    if (rp.kind == PPKind::Sentinel) unpeek(rp);
    diags_.error(op.loc, "_Pragma takes a parenthesized string literal");
    return false;
  }
  std::string_view s = str.text();
  size_t q = s.find('"');
  std::string text;
  for (size_t i = q + 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
    text += s[i];
  }
  files_.emplace_back();
  SourceFile& f = files_.back();
  f.synthetic = true;
  f.text = std::move(text);
  Lexer lx(f, nullptr, &diags_, idents_);
  lx.fixed_loc = op.loc;
  std::vector<PPTok> toks;
  for (;;) {
    PPTok pt;
    lx.lex(pt);
    if (pt.kind == PPKind::Eof) break;
    toks.push_back(pt);
  }
  return do_pragma(std::move(toks), op, t);
}

// #line: accepted and checked, but locations stay physical (SourceLocation has no presumed
// line), so it is reported as ignored.
void Preprocessor::do_line(Lexer& lx, const PPTok& name) {
  std::vector<PPTok> line;
  read_line(lx, line);
  lx.skip_line();
  std::vector<PPTok> toks = expand_tokens(std::move(line));
  bool ok = !toks.empty() && toks[0].kind == PPKind::Number &&
            toks[0].text().find_first_not_of("0123456789") == std::string_view::npos &&
            (toks.size() == 1 || (toks.size() == 2 && toks[1].kind == PPKind::String));
  if (!ok) {
    diags_.error(name.loc,
                 "#line directive requires a positive integer argument, optionally "
                 "followed by a file name");
    return;
  }
  diags_.warning(name.loc, "#line directive ignored: diagnostics report physical source locations");
}

// ------------------------------------------------------------------------------------------
// Driver

std::string Preprocessor::predefines() {
  std::string s = "#define __GPUC__ 1\n";
  if (options_.target == FrontendTarget::Cuda) {
    s += "#define __GPUC_TARGET_CUDA__ 1\n";
    s += "#define __CUDA_ARCH__ " + options_.cuda_arch + "\n";
  } else {
    s += "#define __GPUC_TARGET_VULKAN__ 1\n";
  }
  // Each option must stay on its own line of the buffer: no line break, no trailing backslash
  // (a line splice), no unterminated /* comment.
  auto ok = [&](const std::string& flag, const std::string& value) {
    const char* why = nullptr;
    if (value.find_first_of("\r\n") != std::string::npos)
      why = "it contains a line break";
    else if (!value.empty() && value.back() == '\\')
      why = "it ends with a backslash";
    else if (value.rfind("/*") != std::string::npos &&
             value.find("*/", value.rfind("/*") + 2) == std::string::npos)
      why = "it contains an unterminated comment";
    if (why) diags_.error("invalid macro option '" + flag + value + "': " + why);
    return why == nullptr;
  };
  for (const std::string& d : options_.defines) {
    if (!ok("-D", d)) continue;
    size_t eq = d.find('=');
    if (eq == std::string::npos)
      s += "#define " + d + " 1\n";
    else
      s += "#define " + d.substr(0, eq) + " " + d.substr(eq + 1) + "\n";
  }
  for (const std::string& u : options_.undefines) {
    if (!ok("-U", u)) continue;
    s += "#undef " + u + "\n";
  }
  return s;
}

std::vector<Token> Preprocessor::run(uint32_t file) {
  const std::string main_name = sources_.name(file);
  SourceFile& main = new_file(file, sources_.text(file), main_name, false);
  if (!main.key.empty()) file_cache_.emplace(main.key, &main);
  push_file(main, false);
  // The predefines and -D / -U options, as a buffer read before the main file.
  const std::string pre_text = predefines();
  uint32_t pre_id = sources_.add_buffer("<command line>", pre_text);
  SourceFile& pre = new_file(pre_id, pre_text, "", true);
  push_file(pre, false);

  // Tokens go straight into the result (no intermediate copy). Reserving generously costs only
  // address space: pages are touched as tokens are written.
  std::vector<Token> out;
  out.reserve(main.text.size() / 2 + 64);
  PPTok t;
  for (;;) {
    next(t);
    if (t.kind == PPKind::Eof) break;
    emit(t, out);
  }
  if (fatal_) out.clear();
  Token eof;
  eof.loc = t.loc;
  eof.at_line_start = true;
  out.push_back(std::move(eof));
  return out;
}

// One pp-token -> one parser token (C99 §5.1.1.2 phase 7): pp-numbers are classified and
// checked, Other tokens (stray characters) are errors and dropped.
void Preprocessor::emit(const PPTok& t, std::vector<Token>& out) {
  TokenKind kind;
  switch (t.kind) {
    case PPKind::Identifier:
      kind = TokenKind::Identifier;
      break;
    case PPKind::Number: {
      std::string error;
      kind = classify_number(t.text(), &error) == NumberClass::Float ? TokenKind::FloatLiteral
                                                                     : TokenKind::IntLiteral;
      if (!error.empty()) diags_.error(t.loc, std::move(error));
      break;
    }
    case PPKind::Char:
      kind = TokenKind::CharLiteral;
      break;
    case PPKind::String:
      kind = TokenKind::StringLiteral;
      break;
    case PPKind::Punct:
      kind = TokenKind::Punct;
      break;
    case PPKind::PragmaUnroll:
      kind = TokenKind::PragmaUnroll;
      break;
    case PPKind::Other: {
      if (t.flags & kReported) return;
      unsigned char c = static_cast<unsigned char>(t.ptr[0]);
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      if (c >= 0x80)
        diags_.error(t.loc,
                     "non-ASCII characters are not allowed outside of literals and comments");
      else if (c < 0x20 || c == 0x7f)
        diags_.error(t.loc, std::string("invalid control character ") + hex + " in source");
      else
        diags_.error(t.loc, std::string("stray '") + static_cast<char>(c) + "' in program");
      return;
    }
    default:
      return;  // FileEnd / Sentinel never get here
  }
  Token& r = out.emplace_back();
  r.kind = kind;
  r.text.assign(t.ptr, t.len);
  r.loc = t.loc;
  r.at_line_start = t.flags & kAtLineStart;
  r.leading_space = t.flags & kLeadingSpace;
}

}  // namespace
}  // namespace pp

std::vector<Token> preprocess(uint32_t file, const FrontendOptions& options, SourceManager& sources,
                              DiagnosticEngine& diags, const PreprocessorLimits& limits) {
  pp::Preprocessor p(options, sources, diags, limits);
  return p.run(file);
}

std::string spell_tokens(const std::vector<Token>& tokens) {
  std::string out;
  bool line_open = false;  // something has been written on the current output line
  auto is_word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c == '.' || c == '\'' || c == '"';
  };
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::Eof) break;
    if (t.kind == TokenKind::PragmaUnroll) {
      if (line_open) out += '\n';
      out += t.text.empty() ? "#pragma unroll\n" : "#pragma unroll " + t.text + "\n";
      line_open = false;
      continue;
    }
    if (line_open && t.at_line_start) {
      out += '\n';
      line_open = false;
    }
    // A space where the source had one, and between tokens that would otherwise lex as one
    // (`a` `b`, `+` `+`, `-` `>`, `1e` `+`): a space never changes the meaning of pp-tokens.
    if (line_open && !out.empty() && !t.text.empty()) {
      const char a = out.back(), b = t.text[0];
      const char pair[3] = {a, b, 0};
      static const std::string_view kJoining[] = {
          "++", "+=", "--", "-=", "->", ">>", ">=", "<<", "<=", "==", "!=", "&&", "&=", "||", "|=",
          "*=", "/=", "%=", "^=", "::", "..", ".*", "##", "//", "/*", "<:", ":>", "<%", "%>", "%:"};
      bool join = is_word(a) && is_word(b);
      for (std::string_view j : kJoining) join = join || j == pair;
      if ((a == 'e' || a == 'E' || a == 'p' || a == 'P') && (b == '+' || b == '-')) join = true;
      if (t.leading_space || join) out += ' ';
    }
    out += t.text;
    line_open = true;
  }
  if (line_open) out += '\n';
  return out;
}

std::vector<Token> preprocess(uint32_t file, const FrontendOptions& options, SourceManager& sources,
                              DiagnosticEngine& diags) {
  return preprocess(file, options, sources, diags, PreprocessorLimits{});
}

}  // namespace gpuc::frontend
