// The lexer: line splicing (C99 §5.1.1.2 phase 2), comments, and pp-tokens (C99 §6.4).
#include <algorithm>
#include <array>
#include <cstring>

#include "preprocess/pp_internal.h"

namespace gpuc::frontend::pp {

namespace {

enum : uint8_t { kIdStart = 1, kIdCont = 2, kDigit = 4, kHSpace = 8 };

constexpr std::array<uint8_t, 256> make_char_classes() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kIdStart | kIdCont;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kIdStart | kIdCont;
  t['_'] = t['$'] = kIdStart | kIdCont;  // `$` in identifiers: a GNU/nvcc extension
  for (int c = '0'; c <= '9'; ++c) t[c] = kIdCont | kDigit;
  t[' '] = t['\t'] = t['\r'] = t['\v'] = t['\f'] = kHSpace;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_char_classes();

inline uint8_t cls(char c) {
  return kClass[static_cast<unsigned char>(c)];
}

}  // namespace

size_t SourceFile::original_offset(size_t offset) const {
  if (splices.empty()) return offset;
  auto it = std::upper_bound(splices.begin(), splices.end(), std::make_pair(uint32_t(offset), ~0u));
  if (it == splices.begin()) return offset;
  return offset + std::prev(it)->second;
}

void splice_lines(std::string_view original, SourceFile& f) {
  f.splices.clear();
  // Fast path: no backslash-newline anywhere.
  bool any = false;
  for (size_t p = original.find('\\'); p != std::string_view::npos;
       p = original.find('\\', p + 1)) {
    if (p + 1 < original.size() &&
        (original[p + 1] == '\n' ||
         (original[p + 1] == '\r' && p + 2 < original.size() && original[p + 2] == '\n'))) {
      any = true;
      break;
    }
  }
  if (!any) {
    f.text.assign(original);
    return;
  }
  f.text.clear();
  f.text.reserve(original.size());
  uint32_t removed = 0;
  size_t i = 0;
  while (i < original.size()) {
    char c = original[i];
    if (c == '\\' && i + 1 < original.size()) {
      size_t n = 0;
      if (original[i + 1] == '\n')
        n = 2;
      else if (original[i + 1] == '\r' && i + 2 < original.size() && original[i + 2] == '\n')
        n = 3;
      if (n) {
        removed += static_cast<uint32_t>(n);
        i += n;
        f.splices.emplace_back(static_cast<uint32_t>(f.text.size()), removed);
        continue;
      }
    }
    f.text.push_back(c);
    ++i;
  }
}

Lexer::Lexer(const SourceFile& file, const SourceManager* sources, DiagnosticEngine* diags,
             IdentTable& idents)
    : file_(file),
      s_(file.text.c_str()),
      size_(file.text.size()),
      sources_(sources),
      diags_(diags),
      idents_(idents) {}

SourceLocation Lexer::loc_at(size_t offset) const {
  if (!sources_) return fixed_loc;
  if (file_.splices.empty() && offset >= line_start_) {
    // The common case: a position on the current line.
    return {file_.id, line_, static_cast<uint32_t>(offset - line_start_ + 1)};
  }
  return sources_->location(file_.id, file_.original_offset(offset));
}

void Lexer::error(SourceLocation loc, std::string message) {
  if (!quiet && diags_) diags_->error(loc, std::move(message));
}

bool Lexer::skip_block_comment() {
  size_t start = pos_;
  pos_ += 2;
  for (;;) {
    const void* hit = std::memchr(s_ + pos_, '*', size_ - pos_);
    size_t stop = hit ? static_cast<const char*>(hit) - s_ : size_;
    // Account for the newlines the comment spans.
    for (const char* nl = static_cast<const char*>(std::memchr(s_ + pos_, '\n', stop - pos_)); nl;
         nl = static_cast<const char*>(std::memchr(nl + 1, '\n', s_ + stop - (nl + 1))))
      newline_at(nl - s_);
    if (!hit) {
      pos_ = size_;
      // An unterminated comment is an error even in a skipped group.
      if (diags_ && sources_) diags_->error(loc_at(start), "unterminated /* comment");
      return false;
    }
    pos_ = stop + 1;
    if (s_[pos_] == '/') {
      ++pos_;
      return true;
    }
  }
}

bool Lexer::at_eol() {
  for (;;) {
    char c = s_[pos_];
    if (cls(c) & kHSpace) {
      ++pos_;
      space_ = true;
    } else if (c == '/' && s_[pos_ + 1] == '*') {
      skip_block_comment();
      space_ = true;
    } else if (c == '/' && s_[pos_ + 1] == '/') {
      const void* nl = std::memchr(s_ + pos_, '\n', size_ - pos_);
      pos_ = nl ? static_cast<const char*>(nl) - s_ : size_;
      space_ = true;
    } else {
      return c == '\n' || pos_ >= size_;
    }
  }
}

void Lexer::skip_line() {
  while (pos_ < size_) {
    char c = s_[pos_];
    switch (c) {
      case '\n':
        newline_at(pos_);
        ++pos_;
        bol_ = true;
        space_ = false;
        return;
      case '/':
        if (s_[pos_ + 1] == '*') {
          skip_block_comment();
          continue;
        }
        if (s_[pos_ + 1] == '/') {
          const void* nl = std::memchr(s_ + pos_, '\n', size_ - pos_);
          pos_ = nl ? static_cast<const char*>(nl) - s_ : size_;
          continue;
        }
        ++pos_;
        break;
      case '"':
      case '\'': {
        // A literal, possibly unterminated (apostrophes in skipped text): up to its end or EOL.
        ++pos_;
        while (pos_ < size_ && s_[pos_] != c && s_[pos_] != '\n') {
          if (s_[pos_] == '\\' && pos_ + 1 < size_ && s_[pos_ + 1] != '\n') ++pos_;
          ++pos_;
        }
        if (pos_ < size_ && s_[pos_] == c) ++pos_;
        break;
      }
      default:
        ++pos_;
        break;
    }
  }
}

std::string_view Lexer::rest_of_line() {
  while (cls(s_[pos_]) & kHSpace) ++pos_;
  size_t start = pos_;
  const void* nl = std::memchr(s_ + pos_, '\n', size_ - pos_);
  size_t end = nl ? static_cast<const char*>(nl) - s_ : size_;
  // Comments inside are kept verbatim except a trailing // comment, as the text is the message.
  pos_ = end;
  while (end > start && (cls(s_[end - 1]) & kHSpace)) --end;
  return {s_ + start, end - start};
}

bool Lexer::lex_header_name(std::string_view& name, bool& angled, SourceLocation& loc) {
  at_eol();
  char open = s_[pos_];
  if (open != '"' && open != '<') return false;
  char close = open == '"' ? '"' : '>';
  size_t p = pos_ + 1;
  while (p < size_ && s_[p] != close && s_[p] != '\n') ++p;
  if (p >= size_ || s_[p] != close) return false;
  loc = loc_at(pos_);
  name = std::string_view(s_ + pos_ + 1, p - pos_ - 1);
  angled = open == '<';
  pos_ = p + 1;
  return true;
}

void Lexer::lex_quoted(PPTok& t, char quote, size_t start) {
  // pos_ is just past the opening quote. Escapes are kept verbatim (C99 §6.4.4.4, §6.4.5).
  const size_t content = pos_;
  size_t p = pos_;
  for (;;) {
    char c = s_[p];
    if (c == quote) {
      ++p;
      break;
    }
    if (c == '\n' || p >= size_) {
      // Unterminated: the token runs to the end of the line (as clang and gcc lex it).
      t.kind = PPKind::Other;
      t.ptr = s_ + start;
      t.len = static_cast<uint32_t>(p - start);
      pos_ = p;
      if (!quiet) {
        error(t.loc, quote == '"' ? "missing terminating '\"' character"
                                  : "missing terminating ' character");
        t.flags |= kReported;
      }
      return;
    }
    if (c == '\\' && p + 1 < size_ && s_[p + 1] != '\n') ++p;
    ++p;
  }
  t.kind = quote == '"' ? PPKind::String : PPKind::Char;
  t.ptr = s_ + start;
  t.len = static_cast<uint32_t>(p - start);
  pos_ = p;
  if (quote == '\'' && p - 1 == content) {
    error(t.loc, "empty character constant");
    t.flags |= kReported;
  }
}

void Lexer::lex(PPTok& t) {
  bool space = space_;
  space_ = false;
  for (;;) {
    char c = s_[pos_];
    if (cls(c) & kHSpace) {
      ++pos_;
      space = true;
    } else if (c == '\n') {
      newline_at(pos_);
      ++pos_;
      bol_ = true;
      space = false;
    } else if (c == '/' && s_[pos_ + 1] == '/') {
      const void* nl = std::memchr(s_ + pos_, '\n', size_ - pos_);
      pos_ = nl ? static_cast<const char*>(nl) - s_ : size_;
      space = true;
    } else if (c == '/' && s_[pos_ + 1] == '*') {
      skip_block_comment();
      space = true;
    } else {
      break;
    }
  }
  t.flags = static_cast<uint8_t>((bol_ ? kAtLineStart : 0) | (space ? kLeadingSpace : 0));
  bol_ = false;
  t.ident = 0;
  t.param = kNoParam;
  const size_t start = pos_;
  t.ptr = s_ + start;
  if (pos_ >= size_) {
    t.kind = PPKind::Eof;
    t.len = 0;
    t.loc = loc_at(size_);
    bol_ = true;
    return;
  }
  t.loc = loc_at(start);
  const char c = s_[pos_];
  const uint8_t k = cls(c);

  if (k & kIdStart) {
    size_t p = pos_ + 1;
    while (cls(s_[p]) & kIdCont) ++p;
    // Encoding prefixes of character and string literals: L u U u8.
    char q = s_[p];
    if ((q == '\'' || q == '"')) {
      std::string_view id(s_ + start, p - start);
      if (id == "L" || id == "u" || id == "U" || id == "u8") {
        pos_ = p + 1;
        lex_quoted(t, q, start);
        return;
      }
    }
    pos_ = p;
    t.kind = PPKind::Identifier;
    t.len = static_cast<uint32_t>(p - start);
    t.ident = intern_identifiers ? idents_.intern(t.text()) : 0;
    return;
  }
  if ((k & kDigit) || (c == '.' && (cls(s_[pos_ + 1]) & kDigit))) {
    // pp-number (C99 §6.4.8): digit or .digit, then identifier chars, digits, '.', e+ e- p+ p-
    // E+ E- P+ P-, and C++14 digit separators ('  followed by a digit or identifier char).
    size_t p = pos_ + 1;
    for (;;) {
      char d = s_[p];
      if ((d == '+' || d == '-') &&
          (s_[p - 1] == 'e' || s_[p - 1] == 'E' || s_[p - 1] == 'p' || s_[p - 1] == 'P')) {
        ++p;
      } else if ((cls(d) & kIdCont) || d == '.') {
        ++p;
      } else if (d == '\'' && (cls(s_[p + 1]) & kIdCont)) {
        p += 2;
      } else {
        break;
      }
    }
    pos_ = p;
    t.kind = PPKind::Number;
    t.len = static_cast<uint32_t>(p - start);
    return;
  }

  t.kind = PPKind::Punct;
  size_t n = 1;  // length of the punctuator
  const char c1 = s_[pos_ + 1];
  const char* canonical = nullptr;  // digraph spelling replacement
  switch (c) {
    case '"':
    case '\'':
      ++pos_;
      lex_quoted(t, c, start);
      return;
    case '[':
    case ']':
    case '(':
    case ')':
    case '{':
    case '}':
    case '~':
    case '?':
    case ';':
    case ',':
      break;
    case '.':
      if (c1 == '.' && s_[pos_ + 2] == '.')
        n = 3;
      else if (c1 == '*')
        n = 2;  // C++ .*
      break;
    case '-':
      if (c1 == '>')
        n = s_[pos_ + 2] == '*' ? 3 : 2;  // -> ->*
      else if (c1 == '-' || c1 == '=')
        n = 2;
      break;
    case '+':
      if (c1 == '+' || c1 == '=') n = 2;
      break;
    case '&':
      if (c1 == '&' || c1 == '=') n = 2;
      break;
    case '|':
      if (c1 == '|' || c1 == '=') n = 2;
      break;
    case '*':
    case '/':
    case '=':
    case '!':
    case '^':
      if (c1 == '=') n = 2;
      break;
    case '%':
      if (c1 == '=') {
        n = 2;
      } else if (c1 == '>') {
        n = 2, canonical = "}";
      } else if (c1 == ':') {
        if (s_[pos_ + 2] == '%' && s_[pos_ + 3] == ':')
          n = 4, canonical = "##";
        else
          n = 2, canonical = "#";
      }
      break;
    case '<':
      if (c1 == '<')
        n = s_[pos_ + 2] == '=' ? 3 : 2;
      else if (c1 == '=')
        n = 2;
      else if (c1 == '%')
        n = 2, canonical = "{";
      else if (c1 == ':') {
        // C++11 [lex.pptoken]p3: `<::` not followed by `:` or `>` is `<` `::`.
        if (s_[pos_ + 2] == ':' && s_[pos_ + 3] != ':' && s_[pos_ + 3] != '>')
          n = 1;
        else
          n = 2, canonical = "[";
      }
      break;
    case '>':
      if (c1 == '>')
        n = s_[pos_ + 2] == '=' ? 3 : 2;
      else if (c1 == '=')
        n = 2;
      break;
    case ':':
      if (c1 == ':')
        n = 2;
      else if (c1 == '>')
        n = 2, canonical = "]";
      break;
    case '#':
      if (c1 == '#') n = 2;
      break;
    default: {
      // Not a token of the language: one Other token per run of such bytes, so binary garbage
      // yields one diagnostic per run rather than one per byte.
      size_t p = pos_ + 1;
      auto is_other = [](unsigned char b) {
        return b >= 0x80 || (b < 0x20 && !(cls(static_cast<char>(b)) & kHSpace) && b != '\n') ||
               b == '@' || b == '`' || b == '\\' || b == 0x7f;
      };
      if (static_cast<unsigned char>(c) >= 0x80 || static_cast<unsigned char>(c) < 0x20 ||
          c == 0x7f)
        while (p < size_ && is_other(static_cast<unsigned char>(s_[p])) &&
               (static_cast<unsigned char>(s_[p]) >= 0x80 ||
                static_cast<unsigned char>(s_[p]) < 0x20 || s_[p] == 0x7f))
          ++p;
      pos_ = p;
      t.kind = PPKind::Other;
      t.len = static_cast<uint32_t>(p - start);
      return;
    }
  }
  pos_ += n;
  if (canonical) {
    t.ptr = canonical;
    t.len = static_cast<uint32_t>(std::strlen(canonical));
  } else {
    t.len = static_cast<uint32_t>(n);
  }
}

}  // namespace gpuc::frontend::pp
