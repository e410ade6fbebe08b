// Internal types of the preprocessor: raw preprocessing tokens (C99 §6.4 pp-tokens), the
// identifier table, source files as the lexer sees them, and the lexer (translation phases 1-3).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gpuc/support/diagnostics.h"
#include "gpuc/support/source_manager.h"

namespace gpuc::frontend::pp {

enum class PPKind : uint8_t {
  Eof,  // end of the whole input (or preprocessing stopped after a fatal error)
  Identifier,
  Number,  // a pp-number (C99 §6.4.8); classified int / float on output
  Char,    // character constant, prefix included (L'a', u'a', U'a', u8'a')
  String,  // string literal, prefix included
  Punct,   // punctuator, canonical spelling (digraphs are spelled as what they stand for)
  Other,   // a character that is no other token (C99 §6.4p1 "each non-white-space character")
  PragmaUnroll,  // `#pragma unroll [N]` / `_Pragma("unroll N")`: text holds N (possibly empty)
  FileEnd,       // end of the current file, seen while peeking / collecting macro arguments
  Sentinel,      // end of a token list being expanded on its own (macro argument, #if line)
};

// Token flags.
enum : uint8_t {
  kAtLineStart = 1,   // first token on its source line
  kLeadingSpace = 2,  // white space (or a comment) before it
  kNoExpand = 4,      // "painted blue" (C99 §6.10.3.4p2): never macro-expanded again
  kReported = 8,      // an error about this token was already reported by the lexer
};

inline constexpr uint16_t kNoParam = 0xFFFF;

// A preprocessing token. Its text points into storage that lives as long as the preprocessor
// (a file's buffer, the arena of generated spellings, or a static string).
struct PPTok {
  const char* ptr = "";
  uint32_t len = 0;
  uint32_t ident = 0;  // identifier id (IdentTable), 0 when not an identifier
  SourceLocation loc;
  PPKind kind = PPKind::Eof;
  uint8_t flags = 0;
  uint16_t param = kNoParam;  // in a macro body: index of the parameter this token names

  std::string_view text() const { return {ptr, len}; }
  bool is_punct(char c) const { return kind == PPKind::Punct && len == 1 && ptr[0] == c; }
  bool is_punct(std::string_view s) const { return kind == PPKind::Punct && text() == s; }
};

// Per-identifier data, indexed by identifier id: the macro currently defined under this name.
struct IdentInfo {
  std::string_view name;
  int32_t macro = -1;  // index into the preprocessor's macro table, -1 if not a macro
};

// Interns identifier spellings. Spellings handed to intern() must outlive the table.
class IdentTable {
 public:
  IdentTable() { infos_.emplace_back(); }  // id 0: "not an identifier"
  uint32_t intern(std::string_view s) {
    auto [it, inserted] = map_.try_emplace(s, static_cast<uint32_t>(infos_.size()));
    if (inserted) infos_.push_back(IdentInfo{s, -1});
    return it->second;
  }
  IdentInfo& operator[](uint32_t id) { return infos_[id]; }
  const IdentInfo& operator[](uint32_t id) const { return infos_[id]; }

 private:
  std::unordered_map<std::string_view, uint32_t> map_;
  std::vector<IdentInfo> infos_;
};

// A file as the lexer sees it: its text after translation phase 2 (line splices removed), and
// where the splices were so that locations name the physical line and column.
struct SourceFile {
  uint32_t id = 0;   // SourceManager buffer
  std::string text;  // spliced text (std::string keeps a NUL after the last byte)
  // (offset in `text`, bytes removed before that offset) at each removed splice, ascending.
  std::vector<std::pair<uint32_t, uint32_t>> splices;
  std::string dir;  // directory of the file, for #include "..." ("" = current)
  std::string key;  // canonical path (identity for #pragma once / include cache)
  bool pragma_once = false;
  // Include guard (`#ifndef X` / `#define X` ... `#endif` around the whole file): once seen, the
  // file is not lexed again while X is defined (the multiple-include optimisation). 0 = none.
  uint32_t guard = 0;
  bool synthetic = false;  // <command line>, paste and _Pragma buffers
  // Byte offset in the original (unspliced) text.
  size_t original_offset(size_t offset) const;
};

// Fills `f.text` / `f.splices` from the original text (C99 §5.1.1.2 phase 2).
void splice_lines(std::string_view original, SourceFile& f);

// The lexer of one buffer (C99 §6.4). Produces raw pp-tokens; never interprets directives.
class Lexer {
 public:
  // `sources` may be null (paste / _Pragma buffers): locations are then `fixed_loc`.
  Lexer(const SourceFile& file, const SourceManager* sources, DiagnosticEngine* diags,
        IdentTable& idents);

  void lex(PPTok& t);
  // Skips horizontal white space and comments; true when at a newline or at the end of input
  // (the newline is not consumed). Used to find the end of a directive line.
  bool at_eol();
  // Consumes the rest of the current line, newline included, quietly (skipped groups).
  void skip_line();
  // The raw text from here to the end of the line, white space trimmed (for #error); consumed.
  std::string_view rest_of_line();
  // After #include: lexes "name" or <name> if the line has that form. Returns false (consuming
  // nothing) otherwise.
  bool lex_header_name(std::string_view& name, bool& angled, SourceLocation& loc);
  bool at_end() const { return pos_ >= size_; }
  // True at the start of a line (nothing of the current line consumed yet).
  bool at_bol() const { return bol_; }
  size_t offset() const { return pos_; }
  SourceLocation loc_at(size_t offset) const;

  bool quiet = false;  // no diagnostics for malformed literals (skipped groups, token pasting)
  // Identifiers get an id from the IdentTable, which keeps a view of their spelling: false for a
  // buffer that dies before the table (token pasting's temporary copy: ident stays 0 and the
  // caller interns the stored spelling).
  bool intern_identifiers = true;
  SourceLocation fixed_loc;  // location of every token when there are no sources

 private:
  const SourceFile& file_;
  const char* s_;
  size_t size_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  bool bol_ = true;
  bool space_ = false;  // at_eol() skipped white space: the next token has leading space
  const SourceManager* sources_;
  DiagnosticEngine* diags_;
  IdentTable& idents_;

  void newline_at(size_t newline_pos) {
    ++line_;
    line_start_ = newline_pos + 1;
  }
  bool skip_block_comment();  // at "/*"; false if unterminated (reported)
  void lex_quoted(PPTok& t, char quote, size_t start);
  void error(SourceLocation loc, std::string message);
};

}  // namespace gpuc::frontend::pp

namespace gpuc::frontend::pp {

// The text of built-in header `name` (<stdint.h>, <cuda_runtime.h>, ...; builtin_headers.cpp), or
// null when there is none.
const char* builtin_header(std::string_view name);

// --- literals and #if expressions (pp_expr.cpp) ---------------------------------------------

enum class NumberClass : uint8_t { Int, Float };
// Classifies a pp-number as an integer or a floating constant (C99 §6.4.4.1, §6.4.4.2; C++14
// binary literals and digit separators). Sets `error` (clang's wording) when it is neither.
NumberClass classify_number(std::string_view text, std::string* error);
// The value of an integer constant for #if (C99 §6.10.1p4: intmax_t / uintmax_t).
bool integer_value(std::string_view text, uint64_t& value, bool& is_unsigned, std::string& error);
// The value of a character constant for #if (as int, like gcc: plain char is signed).
bool char_value(std::string_view text, int64_t& value, std::string& error);

struct ExprEnv {
  DiagnosticEngine& diags;
  const IdentTable& idents;
  uint32_t id_defined = 0, id_true = 0, id_false = 0;
  unsigned max_depth = 1000;
  SourceLocation end_loc;  // where "expected value" points when the expression ends early
};
// Evaluates a macro-expanded #if / #elif expression (C99 §6.10.1). Returns false after reporting
// an error.
bool evaluate_condition(const std::vector<PPTok>& tokens, const ExprEnv& env, bool& value);
// The value of a macro-expanded integer constant expression (as in #if).
bool evaluate_integer(const std::vector<PPTok>& tokens, const ExprEnv& env, uint64_t& value,
                      bool& is_unsigned);

}  // namespace gpuc::frontend::pp
