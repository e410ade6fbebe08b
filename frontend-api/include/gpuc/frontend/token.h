// Tokens of the kernel language, as produced by the preprocessor (after macro expansion).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpuc/support/source_manager.h"

namespace gpuc::frontend {

enum class TokenKind : uint8_t {
  Eof,
  Identifier,     // also keywords: the parser recognises them by text (`int`, `__global__`, ...)
  IntLiteral,     // text kept verbatim, suffixes included (`42u`, `0x10ULL`)
  FloatLiteral,   // text kept verbatim (`1.0f`, `2e-3`, `0x1p3`)
  CharLiteral,    // 'a'
  StringLiteral,  // "C" (only for extern "C")
  Punct,          // operators and punctuators, by text: `(` `->` `<<=` `[[` is two `[`
  PragmaUnroll,   // `#pragma unroll [N]`: text holds N or is empty (full unroll)
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string text;
  // Where the user wrote it: for tokens produced by a macro expansion, the location of the macro
  // use; for tokens from an #include, their location in the included file.
  SourceLocation loc;
  bool at_line_start = false;  // first token on its line (before expansion)
  bool leading_space = false;

  bool is(TokenKind k, std::string_view t) const { return kind == k && text == t; }
  bool is_punct(std::string_view t) const { return kind == TokenKind::Punct && text == t; }
  bool is_ident(std::string_view t) const { return kind == TokenKind::Identifier && text == t; }
};

}  // namespace gpuc::frontend
