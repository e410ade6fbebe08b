// Tests of the preprocessor and lexer: tokens, directives, macro expansion, #include, locations,
// exact diagnostics, and pathological inputs that must finish quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gpuc/frontend/preprocessor.h"

namespace gpuc::frontend {
namespace {

const std::string kInputs = std::string(GPUC_SOURCE_DIR) + "/tests/frontend/pp";

// Runs the preprocessor over one buffer and keeps everything for inspection.
struct PP {
  SourceManager sm;
  DiagnosticEngine diags{&sm};
  FrontendOptions opts;
  PreprocessorLimits limits;
  std::vector<Token> toks;

  // The tokens spelled with single spaces (PragmaUnroll as `#pragma unroll(N)`).
  std::string run(const std::string& src, const std::string& name = "test.gk") {
    uint32_t id = sm.add_buffer(name, src);
    toks = preprocess(id, opts, sm, diags, limits);
    return spelled();
  }
  std::string spelled() const {
    std::string s;
    for (const Token& t : toks) {
      if (t.kind == TokenKind::Eof) break;
      if (!s.empty()) s += ' ';
      if (t.kind == TokenKind::PragmaUnroll)
        s += "#pragma unroll(" + t.text + ")";
      else
        s += t.text;
    }
    return s;
  }
  // Every diagnostic as `line:col: severity: message` (file name left out), one per line.
  std::string diag_lines() const {
    std::string s;
    for (const Diagnostic& d : diags.diagnostics()) {
      if (d.loc.valid()) s += std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": ";
      s += std::string(severity_name(d.severity)) + ": " + d.message + "\n";
    }
    return s;
  }
  const Token& tok(const std::string& text, int nth = 0) const {
    for (const Token& t : toks)
      if (t.text == text && nth-- == 0) return t;
    static Token none;
    ADD_FAILURE() << "no token '" << text << "'";
    return none;
  }
};

// These bounds catch hangs and quadratic blowups (minutes), not speed: speed is benchmarked in
// bench/. They are an order of magnitude above the normal run time so a loaded 2-core CI machine
// passes; sanitizer builds (GPUC_SANITIZE) run several times slower still.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSlack = 100;
#else
constexpr double kSlack = 15;
#endif

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---------------------------------------------------------------------------------------------
// Lexer

TEST(PreprocessorLexer, IdentifiersNumbersAndKinds) {
  PP p;
  EXPECT_EQ(p.run("int x_1 = 42u + 0x10ULL - 1.5f * 2e-3 / 0x1p3 + .5 + 1'000 + 0b101;"),
            "int x_1 = 42u + 0x10ULL - 1.5f * 2e-3 / 0x1p3 + .5 + 1'000 + 0b101 ;");
  EXPECT_EQ(p.diag_lines(), "");
  EXPECT_EQ(p.tok("42u").kind, TokenKind::IntLiteral);
  EXPECT_EQ(p.tok("0x10ULL").kind, TokenKind::IntLiteral);
  EXPECT_EQ(p.tok("1.5f").kind, TokenKind::FloatLiteral);
  EXPECT_EQ(p.tok("2e-3").kind, TokenKind::FloatLiteral);
  EXPECT_EQ(p.tok("0x1p3").kind, TokenKind::FloatLiteral);
  EXPECT_EQ(p.tok(".5").kind, TokenKind::FloatLiteral);
  EXPECT_EQ(p.tok("1'000").kind, TokenKind::IntLiteral);
  EXPECT_EQ(p.tok("0b101").kind, TokenKind::IntLiteral);
  EXPECT_EQ(p.tok("x_1").kind, TokenKind::Identifier);
  EXPECT_EQ(p.tok("=").kind, TokenKind::Punct);
  EXPECT_EQ(p.toks.back().kind, TokenKind::Eof);
}

TEST(PreprocessorLexer, AllNumberSuffixes) {
  PP p;
  p.run(
      "1u 1U 1l 1L 1ll 1LL 1ul 1uLL 1ULL 1llu 1LLU 0x1fu 017 1.0 1.0f 1.0F 1.0L 1e5 1E+5f "
      "0x1.8p-3f 1.");
  EXPECT_EQ(p.diag_lines(), "");
  for (const Token& t : p.toks) {
    if (t.kind == TokenKind::Eof) break;
    bool is_float =
        t.text.find_first_of(".eEpP") != std::string::npos && t.text.substr(0, 2) != "0x";
    if (t.text.rfind("0x1.", 0) == 0) is_float = true;
    EXPECT_EQ(t.kind, is_float ? TokenKind::FloatLiteral : TokenKind::IntLiteral) << t.text;
  }
}

TEST(PreprocessorLexer, InvalidNumbersAreDiagnosed) {
  PP p;
  p.run("1abc 09 0x 1.0q 1e+ 0x1.0 0b12");
  EXPECT_EQ(p.diag_lines(),
            "1:1: error: invalid suffix 'abc' on integer constant\n"
            "1:6: error: invalid digit '9' in octal constant\n"
            "1:9: error: invalid suffix 'x' on integer constant\n"
            "1:12: error: invalid suffix 'q' on floating constant\n"
            "1:17: error: exponent has no digits\n"
            "1:21: error: hexadecimal floating constant requires an exponent\n"
            "1:27: error: invalid digit '2' in binary constant\n");
}

TEST(PreprocessorLexer, CharAndStringLiteralsWithEscapes) {
  PP p;
  EXPECT_EQ(
      p.run(R"(char c = '\''; char d = '\\'; const char* s = "a\"b\\"; extern "C" L'x' u8"y")"),
      R"(char c = '\'' ; char d = '\\' ; const char * s = "a\"b\\" ; extern "C" L'x' u8"y")");
  EXPECT_EQ(p.tok(R"('\'')").kind, TokenKind::CharLiteral);
  EXPECT_EQ(p.tok(R"("C")").kind, TokenKind::StringLiteral);
  EXPECT_EQ(p.tok("L'x'").kind, TokenKind::CharLiteral);
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorLexer, AllPunctuators) {
  PP p;
  const std::string all =
      "[ ] ( ) { } . -> ++ -- & * + - ~ ! / % << >> < > <= >= == != ^ | && || ? : ; ... = *= "
      "/= %= += -= <<= >>= &= ^= |= , :: .* ->*";
  EXPECT_EQ(p.run(all), all);
  // Maximal munch without spaces.
  EXPECT_EQ(p.run("a<<=b->c...d::e"), "a <<= b -> c ... d :: e");
  EXPECT_EQ(p.run("x+++++y"), "x ++ ++ + y");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorLexer, DoubleBracketsAreTwoTokens) {
  PP p;
  EXPECT_EQ(p.run("[[gpuc::block(64,1,1)]] a[b[0]]"),
            "[ [ gpuc :: block ( 64 , 1 , 1 ) ] ] a [ b [ 0 ] ]");
}

TEST(PreprocessorLexer, Digraphs) {
  PP p;
  EXPECT_EQ(p.run("<: :> <% %>\n%:define X 1\nX %:%: %:"), "[ ] { } 1 ## #");
  // C++11 <:: rule: `<::x` is `<` `::`.
  EXPECT_EQ(p.run("a<::b"), "a < :: b");
}

TEST(PreprocessorLexer, CommentsAndLineSplices) {
  PP p;
  EXPECT_EQ(p.run("a // one\\\n still comment\nb /* two\n lines */ c\nd\\\ne #define\n"),
            "a b c de # define");  // not a directive: `#` is not first on its line
  EXPECT_EQ(p.diag_lines(), "");
  // Locations are physical: `de` starts on line 5, column 1; `c` on line 4.
  EXPECT_EQ(p.tok("c").loc.line, 4u);
  EXPECT_EQ(p.tok("c").loc.col, 11u);
  EXPECT_EQ(p.tok("de").loc.line, 5u);
  EXPECT_EQ(p.tok("de").loc.col, 1u);
  EXPECT_EQ(p.tok("#").loc.line, 6u);
  EXPECT_EQ(p.tok("#").loc.col, 3u);
}

TEST(PreprocessorLexer, SplicedMacroDefinition) {
  PP p;
  EXPECT_EQ(p.run("#define ADD(a, b) \\\n  ((a) + \\\n   (b))\nint x = ADD(1, 2);\r\nint y;\r\n"),
            "int x = ( ( 1 ) + ( 2 ) ) ; int y ;");
  EXPECT_EQ(p.tok("x").loc.line, 4u);
  EXPECT_EQ(p.tok("y").loc.line, 5u);
  EXPECT_EQ(p.tok("y").loc.col, 5u);
}

TEST(PreprocessorLexer, UnterminatedThingsAreErrors) {
  PP p;
  p.run("int a = 'x;\nchar* s = \"abc;\nint b; /* never closed\n");
  EXPECT_EQ(p.diag_lines(),
            "1:9: error: missing terminating ' character\n"
            "2:11: error: missing terminating '\"' character\n"
            "3:8: error: unterminated /* comment\n");
  EXPECT_EQ(p.spelled(), "int a = char * s = int b ;");  // the bad literals are dropped
}

TEST(PreprocessorLexer, StrayCharactersAndBinaryGarbage) {
  PP p;
  std::string src = "int a @ b;\nx \x01\x02 y\n\xff\xfe\x80 z \\ w";
  src.push_back('\0');
  src += "q";
  p.run(src);
  EXPECT_EQ(p.diag_lines(),
            "1:7: error: stray '@' in program\n"
            "2:3: error: invalid control character 0x01 in source\n"
            "3:1: error: non-ASCII characters are not allowed outside of literals and comments\n"
            "3:7: error: stray '\\' in program\n"
            "3:10: error: invalid control character 0x00 in source\n");
  EXPECT_EQ(p.spelled(), "int a b ; x y z w q");
}

TEST(PreprocessorLexer, TokenFlags) {
  PP p;
  p.run("a b\n  c(d)");
  EXPECT_TRUE(p.tok("a").at_line_start);
  EXPECT_FALSE(p.tok("a").leading_space);
  EXPECT_FALSE(p.tok("b").at_line_start);
  EXPECT_TRUE(p.tok("b").leading_space);
  EXPECT_TRUE(p.tok("c").at_line_start);
  EXPECT_FALSE(p.tok("(").leading_space);
}

// ---------------------------------------------------------------------------------------------
// Object-like and function-like macros

TEST(PreprocessorMacros, ObjectLike) {
  PP p;
  EXPECT_EQ(p.run("#define N 256\n#define TWO_N (2 * N)\nint a[TWO_N];\n#undef N\nN"),
            "int a [ ( 2 * 256 ) ] ; N");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, FunctionLike) {
  PP p;
  EXPECT_EQ(p.run("#define MAX(a, b) ((a) > (b) ? (a) : (b))\nMAX(x, MAX(y, z))"),
            "( ( x ) > ( ( ( y ) > ( z ) ? ( y ) : ( z ) ) ) ? ( x ) : ( ( ( y ) > ( z ) ? ( y ) "
            ": ( z ) ) ) )");
  // Not an invocation without '('; arguments with nested parentheses and commas.
  EXPECT_EQ(p.run("#define F(x) [x]\nF + F((a, b)) F(f(1, 2))"),
            "F + [ ( a , b ) ] [ f ( 1 , 2 ) ]");
  // An invocation may span lines.
  EXPECT_EQ(p.run("#define G(x, y) x y\nG(1,\n  2)"), "1 2");
  // Whitespace between name and '(' in the definition makes it object-like.
  EXPECT_EQ(p.run("#define H (x) x\nH(1)"), "( x ) x ( 1 )");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, EmptyArgumentsAndNoParameters) {
  PP p;
  EXPECT_EQ(p.run("#define E() e\n#define ID(x) <x>\nE() ID() ID( )"), "e < > < >");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, Stringize) {
  PP p;
  EXPECT_EQ(p.run("#define S(x) #x\nS(a  +   b) S( \"q\\n\" '\\'' ) S() S(a\n b)"),
            R"("a + b" "\"q\\n\" '\\''" "" "a b")");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, Paste) {
  PP p;
  EXPECT_EQ(p.run("#define CAT(a, b) a ## b\nCAT(x, y) CAT(1, 2) CAT(<, <=) CAT(, z) CAT(z, ) "
                  "CAT(,)"),
            "xy 12 <<= z z");
  EXPECT_EQ(p.tok("xy").kind, TokenKind::Identifier);
  EXPECT_EQ(p.tok("12").kind, TokenKind::IntLiteral);
  // Object-like paste, and paste before rescanning: the pasted name is expanded.
  EXPECT_EQ(p.run("#define AB done\n#define X A ## B\nX"), "done");
  // Arguments of ## are not expanded first.
  EXPECT_EQ(p.run("#define ONE 1\n#define C2(a, b) a ## b\nC2(ONE, ONE)"), "ONEONE");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, InvalidPaste) {
  PP p;
  EXPECT_EQ(p.run("#define CAT(a, b) a ## b\n\nint v = CAT(+, /);"), "int v = + / ;");
  EXPECT_EQ(p.diag_lines(), "3:9: error: pasting formed '+/', an invalid preprocessing token\n");
}

TEST(PreprocessorMacros, Variadic) {
  PP p;
  EXPECT_EQ(p.run("#define V(fmt, ...) f(fmt, __VA_ARGS__)\nV(a, b, c) V(a, (b, c))"),
            "f ( a , b , c ) f ( a , ( b , c ) )");
  EXPECT_EQ(p.run("#define ALL(...) [__VA_ARGS__]\nALL() ALL(1) ALL(1, 2, 3)"),
            "[ ] [ 1 ] [ 1 , 2 , 3 ]");
  // GNU comma swallowing and named variable arguments.
  EXPECT_EQ(p.run("#define P(fmt, ...) printf(fmt, ## __VA_ARGS__)\nP(\"a\") P(\"b\", 1)"),
            "printf ( \"a\" ) printf ( \"b\" , 1 )");
  EXPECT_EQ(p.run("#define N(args...) g(args)\nN(1, 2)"), "g ( 1 , 2 )");
  EXPECT_EQ(p.run("#define S(...) #__VA_ARGS__\nS(a, b ,c)"), "\"a, b ,c\"");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, RecursionIsBlocked) {
  PP p;
  // C99 §6.10.3.4 EXAMPLE-style: self-reference and mutual recursion stop.
  EXPECT_EQ(p.run("#define foo foo + 1\nfoo"), "foo + 1");
  EXPECT_EQ(p.run("#define a b\n#define b a\na b"), "a b");
  EXPECT_EQ(p.run("#define f(x) x + f(x)\nf(f(1))"), "1 + f ( 1 ) + f ( 1 + f ( 1 ) )");
  // A painted name stays unexpanded even when later followed by '('.
  EXPECT_EQ(p.run("#define g(x) x g\ng(1)(2)"), "1 g ( 2 )");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorMacros, C99StandardExamples) {
  PP p;
  // C99 §6.10.3.5 EXAMPLE 3 (subset).
  const char* src =
      "#define x 3\n"
      "#define f(a) f(x * (a))\n"
      "#undef x\n"
      "#define x 2\n"
      "#define g f\n"
      "#define z z[0]\n"
      "#define h g(~\n"
      "#define m(a) a(w)\n"
      "#define w 0,1\n"
      "#define t(a) a\n"
      "#define p() int\n"
      "#define q(x) x\n"
      "#define r(x,y) x ## y\n"
      "f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);\n"
      "g(x+(3,4)-w) | h 5) & m\n"
      "(f)^m(m);\n"
      "p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };\n";
  EXPECT_EQ(p.run(src),
            "f ( 2 * ( y + 1 ) ) + f ( 2 * ( f ( 2 * ( z [ 0 ] ) ) ) ) % f ( 2 * ( 0 ) ) + t "
            "( 1 ) ; f ( 2 * ( 2 + ( 3 , 4 ) - 0 , 1 ) ) | f ( 2 * ( ~ 5 ) ) & f ( 2 * ( 0 , "
            "1 ) ) ^ m ( 0 , 1 ) ; int i [ ] = { 1 , 23 , 4 , 5 , } ;");
  EXPECT_EQ(p.diag_lines(), "");
  // EXAMPLE 4: stringizing and pasting.
  const char* src4 =
      "#define str(s) # s\n"
      "#define xstr(s) str(s)\n"
      "#define INCFILE(n) vers ## n\n"
      "#define glue(a, b) a ## b\n"
      "#define xglue(a, b) glue(a, b)\n"
      "#define HIGHLOW \"hello\"\n"
      "#define LOW LOW \", world\"\n"
      "glue(HIGH, LOW); xglue(HIGH, LOW) xstr(INCFILE(2).h) str(: @\\n)\n";
  EXPECT_EQ(p.run(src4), "\"hello\" ; \"hello\" \", world\" \"vers2.h\" \": @\\n\"");
  EXPECT_EQ(p.diag_lines(), "");
}

// Expected outputs are what gcc -E -undef produces for the same input (token by token).
TEST(PreprocessorMacros, AgreesWithGccOnTrickyExpansions) {
  struct Case {
    const char* src;
    const char* expected;
  };
  const Case cases[] = {
      {R"gk(#define hash_hash # ## #
#define mkstr(a) # a
#define in_between(a) mkstr(a)
#define join(c, d) in_between(c hash_hash d)
char p[] = join(x, y);
)gk",
       R"gk(char p [ ] = "x ## y" ;)gk"},
      {R"gk(#define t(x,y,z) x ## y ## z
int j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),
t(10,,), t(,11,), t(,,12), t(,,) };
)gk",
       R"gk(int j [ ] = { 123 , 45 , 67 , 89 , 10 , 11 , 12 , } ;)gk"},
      {R"gk(#define EMPTY
#define f(x) (x)
#define g f EMPTY (1)
g
#define h(x) x(2)
h(f)
#define STR(x) #x
#define XSTR(x) STR(x)
XSTR(__LINE__) STR(  a   "b\n"   'c'  ) XSTR(f(1) EMPTY g)
)gk",
       R"gk(f ( 1 ) ( 2 ) "9" "a \"b\\n\" 'c'" "(1) f (1)")gk"},
      {R"gk(#define NIL(x) x
#define G_0(arg) NIL(G_1)(arg)
#define G_1(arg) NIL(arg)
G_0(42)
#define x 3
#define f2(a) f2(x * (a))
#undef x
#define x 2
#define g2 f2
#define z z[0]
f2(f2(z)) g2(x+(3,4))
)gk",
       R"gk(42 f2 ( 2 * ( f2 ( 2 * ( z [ 0 ] ) ) ) ) f2 ( 2 * ( 2 + ( 3 , 4 ) ) ))gk"},
      {R"gk(#define e1 (
#define e2 )
#define ID(x) x
ID(e1) 1 e2
#define ap(f, x) f x
ap(ID, (7))
#define rec(x) x rec
rec(1)(2)(3)
#define paren (
ID paren 5 )
)gk",
       R"gk(( 1 ) 7 1 rec ( 2 ) ( 3 ) ID ( 5 ))gk"},
      {R"gk(#define F(...) f(0 __VA_OPT__(,) __VA_ARGS__)
#define G(X, ...) f(0, X __VA_OPT__(,) __VA_ARGS__)
#define SDEF(sname, ...) S sname __VA_OPT__(= { __VA_ARGS__ })
#define EMP
F(a,b,c) F() F(EMP) G(a,b,c) G(a,) G(a) SDEF(foo); SDEF(bar, 1, 2);
)gk",
       R"gk(f ( 0 , a , b , c ) f ( 0 ) f ( 0 ) f ( 0 , a , b , c ) f ( 0 , a ) f ( 0 , a ) S foo ; S bar = { 1 , 2 } ;)gk"},
      {R"gk(#define f(a) a*g
#define g(a) f(a)
f(2)(9)
)gk",
       R"gk(2 * 9 * g)gk"},
  };
  for (const Case& c : cases) {
    PP p;
    EXPECT_EQ(p.run(c.src), c.expected) << c.src;
    EXPECT_EQ(p.diag_lines(), "") << c.src;
  }
}

TEST(PreprocessorMacros, ArgumentCountErrors) {
  PP p;
  p.run(
      "#define F(a, b) a b\n#define G(x) x\nF(1)\nF(1, 2, 3)\nG(1, 2)\n#define V(a, b, ...) "
      "a\nV(1)\n");
  EXPECT_EQ(p.diag_lines(),
            "3:1: error: macro 'F' requires 2 arguments, but only 1 given\n"
            "4:1: error: macro 'F' passed 3 arguments, but takes just 2\n"
            "5:1: error: macro 'G' passed 2 arguments, but takes just 1\n"
            "7:1: error: macro 'V' requires 2 or more arguments, but only 1 given\n");
}

TEST(PreprocessorMacros, UnterminatedInvocation) {
  PP p;
  p.run("#define F(a) a\nint x;\nF(1, (2\n");
  EXPECT_EQ(p.diag_lines(), "3:1: error: unterminated argument list invoking macro 'F'\n");
  EXPECT_EQ(p.spelled(), "int x ;");
}

TEST(PreprocessorMacros, DefinitionErrors) {
  PP p;
  p.run(
      "#define\n#define 3\n#define defined\n#define F(a, a) a\n#define G(a b\n"
      "#define H(a) #b\n#define I ## x\n#define J x ##\n#define K __VA_ARGS__\n#define L(a,\n"
      "#define M(1) x\n#define __VA_ARGS__ 1\n#undef __VA_OPT__\n");
  EXPECT_EQ(p.diag_lines(),
            "1:1: error: macro name missing\n"
            "2:9: error: macro name must be an identifier\n"
            "3:9: error: 'defined' cannot be used as a macro name\n"
            "4:14: error: duplicate macro parameter name 'a'\n"
            "5:13: error: expected comma in macro parameter list\n"
            "6:14: error: '#' is not followed by a macro parameter\n"
            "7:11: error: '##' cannot appear at either end of a macro expansion\n"
            "8:13: error: '##' cannot appear at either end of a macro expansion\n"
            "9:11: error: __VA_ARGS__ can only appear in the expansion of a C99 variadic macro\n"
            "10:12: error: missing ')' in macro parameter list\n"
            "11:11: error: invalid token in macro parameter list\n"
            "12:9: error: __VA_ARGS__ cannot be used as a macro name\n"
            "13:8: error: __VA_OPT__ cannot be used as a macro name\n");
}

TEST(PreprocessorMacros, Redefinition) {
  PP p;
  p.run("#define A 1\n#define A 1\n#define A  1 \n#define A 2\n");
  EXPECT_EQ(p.diag_lines(), "4:9: warning: 'A' macro redefined\n");
  ASSERT_EQ(p.diags.diagnostics().size(), 1u);
  ASSERT_EQ(p.diags.diagnostics()[0].notes.size(), 1u);
  EXPECT_EQ(p.diags.diagnostics()[0].notes[0].message, "previous definition is here");
  EXPECT_EQ(p.diags.diagnostics()[0].notes[0].loc.line, 1u);
}

// ---------------------------------------------------------------------------------------------
// Locations

TEST(PreprocessorLocations, ExpansionTokensPointAtTheUse) {
  PP p;
  p.run("#define ZERO 0.0\n#define SQR(x) ((x) * (x))\n\nfloat a = ZERO;\n  float b = SQR(v);\n");
  const Token& zero = p.tok("0.0");
  EXPECT_EQ(zero.loc.line, 4u);
  EXPECT_EQ(zero.loc.col, 11u);  // where `ZERO` is written
  const Token& star = p.tok("*");
  EXPECT_EQ(star.loc.line, 5u);
  EXPECT_EQ(star.loc.col, 13u);  // where `SQR` is written
  const Token& v = p.tok("v");
  EXPECT_EQ(v.loc.line, 5u);
  EXPECT_EQ(v.loc.col, 17u);  // an argument token stays where it was written
}

TEST(PreprocessorLocations, NestedExpansionUsesOutermostUse) {
  PP p;
  p.run("#define INNER oops\n#define OUTER(x) x + INNER\n\n\n  y = OUTER(1);\n");
  EXPECT_EQ(p.tok("oops").loc.line, 5u);
  EXPECT_EQ(p.tok("oops").loc.col, 7u);
}

TEST(PreprocessorLocations, BuiltinLineAndFile) {
  PP p;
  EXPECT_EQ(
      p.run("#define L __LINE__\na\nL __LINE__ __FILE__\n#define F(x) x\nF(\n__LINE__)", "k.gk"),
      "a 3 3 \"k.gk\" 6");
  EXPECT_EQ(p.tok("\"k.gk\"").kind, TokenKind::StringLiteral);
  EXPECT_EQ(p.run("__COUNTER__ __COUNTER__ __COUNTER__"), "0 1 2");
}

// ---------------------------------------------------------------------------------------------
// Conditionals

TEST(PreprocessorConditionals, IfdefIfndefElseElif) {
  PP p;
  EXPECT_EQ(p.run("#define A\n#ifdef A\na\n#else\nnot_a\n#endif\n#ifndef B\nb\n#endif\n"
                  "#if 0\nzero\n#elif 1\none\n#elif 1\nagain\n#else\nelse\n#endif\n"),
            "a b one");
  EXPECT_EQ(p.run("#if 0\n#if 1\nx\n#else\ny\n#endif\n#elif defined A\nz\n#endif\n#define A\n"
                  "#if 0\n#elifdef A\nw\n#endif"),
            "w");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorConditionals, ExpressionArithmetic) {
  PP p;
  auto eval = [&](const std::string& e) {
    PP q;
    q.run("#if " + e + "\nT\n#else\nF\n#endif\n");
    EXPECT_EQ(q.diag_lines(), "") << e;
    return q.spelled();
  };
  EXPECT_EQ(eval("1 + 2 * 3 == 7"), "T");
  EXPECT_EQ(eval("(1 + 2) * 3 == 9"), "T");
  EXPECT_EQ(eval("-1 < 0"), "T");
  EXPECT_EQ(eval("-1 < 0u"), "F");  // usual arithmetic conversions: unsigned compare
  EXPECT_EQ(eval("0xFFFFFFFFFFFFFFFF == -1"), "T");
  EXPECT_EQ(eval("18446744073709551615u / 2 == 9223372036854775807"), "T");
  EXPECT_EQ(eval("-7 / 2 == -3 && -7 % 2 == -1"), "T");
  EXPECT_EQ(eval("1 << 62 > 0 && (1 << 63) < 0"), "T");
  EXPECT_EQ(eval("-16 >> 2 == -4"), "T");
  EXPECT_EQ(eval("(5 & 3) == 1 && (5 | 3) == 7 && (5 ^ 3) == 6 && ~0 == -1"), "T");
  EXPECT_EQ(eval("!0 && !!5 == 1"), "T");
  EXPECT_EQ(eval("1 ? 2 : 3 == 2"), "T");
  EXPECT_EQ(eval("(0 ? 2 : 3) == 3"), "T");
  EXPECT_EQ(eval("'a' == 97 && '\\n' == 10 && '\\x41' == 65 && '\\377' < 0"), "T");
  EXPECT_EQ(eval("UNDEFINED_NAME == 0 && true && !false"), "T");
  EXPECT_EQ(eval("(-9223372036854775807 - 1) / -1 < 0"), "T");  // wraps, no trap
  EXPECT_EQ(eval("1 >= 1 && 2 <= 1"), "F");
  EXPECT_EQ(eval("(2, 3) == 3"), "T");
}

TEST(PreprocessorConditionals, DefinedAndShortCircuit) {
  PP p;
  EXPECT_EQ(p.run("#define X 0\n#if defined X && defined(X) && !defined Y\nok\n#endif\n"
                  "#if 0 && (1 / 0)\nbad\n#endif\n#if 1 || 1 % 0\nok2\n#endif\n"
                  "#if 0 ? 1 / 0 : 2\nok3\n#endif\n"),
            "ok ok2 ok3");
  // `defined` produced by a macro expansion is honoured.
  EXPECT_EQ(p.run("#define X 0\n#define HAS_X defined(X)\n#define HAS_Z defined Z\n"
                  "#if HAS_X && !HAS_Z\nyes\n#endif\n"),
            "yes");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorConditionals, ExpressionErrors) {
  PP p;
  p.run(
      "#if 1 / 0\n#endif\n#if 1 %\n#endif\n#if (1\n#endif\n#if 1.0\n#endif\n#if\n#endif\n"
      "#if 1 2\n#endif\n#if defined\n#endif\n#if \"s\"\n#endif\n#if 99999999999999999999\n"
      "#endif\n#if 1 ? 2\n#endif\n");
  EXPECT_EQ(p.diag_lines(),
            "1:7: error: division by zero in preprocessor expression\n"
            "3:8: error: expected value in expression\n"
            "5:7: error: expected ')' in preprocessor expression\n"
            "7:5: error: floating point literal in preprocessor expression\n"
            "9:2: error: #if with no expression\n"
            "11:7: error: token is not a valid binary operator in a preprocessor subexpression\n"
            "13:5: error: macro name must be an identifier\n"
            "15:5: error: invalid token at start of a preprocessor expression\n"
            "17:5: error: integer literal is too large to be represented in any integer type\n"
            "19:10: error: expected ':' in preprocessor expression\n");
}

TEST(PreprocessorConditionals, StructureErrors) {
  PP p;
  p.run("#endif\n#else\n#elif 1\n#if 1\n#else\n#else\n#endif\n#ifdef\n#endif\n#if 1\n#if 0\n");
  EXPECT_EQ(p.diag_lines(),
            "1:1: error: #endif without #if\n"
            "2:1: error: #else without #if\n"
            "3:1: error: #elif without #if\n"
            "6:1: error: #else after #else\n"
            "8:2: error: macro name missing\n"
            "10:1: error: unterminated #if\n"
            "11:1: error: unterminated #if\n");
}

TEST(PreprocessorConditionals, SkippedGroupsAreNotInterpreted) {
  PP p;
  EXPECT_EQ(
      p.run("#if 0\n#error not this\n#bogus\ndon't \"open\n#include \"nope.h\"\n/* #endif */\n"
            "#endif\nok\n"),
      "ok");
  EXPECT_EQ(p.diag_lines(), "");
}

// ---------------------------------------------------------------------------------------------
// Other directives

TEST(PreprocessorDirectives, ErrorWarningNullAndUnknown) {
  PP p;
  EXPECT_EQ(p.run("#\n# /* null */\n#error stop here  \n#warning careful now\n#frobnicate x\na\n"),
            "a");
  EXPECT_EQ(p.diag_lines(),
            "3:2: error: #error stop here\n"
            "4:2: warning: #warning careful now\n"
            "5:2: error: invalid preprocessing directive #frobnicate\n");
}

TEST(PreprocessorDirectives, PragmaUnrollOnceAndOthers) {
  PP p;
  EXPECT_EQ(
      p.run("#define N 4\n#pragma unroll\nfor\n#pragma unroll N\nfor\n#pragma unroll (N/2)\n"
            "#pragma GCC diagnostic push\n#pragma nv_diag_suppress 177\n"
            "_Pragma(\"unroll 8\") for\n"
            "#define DO_PRAGMA(x) _Pragma(#x)\n#define UNROLL(n) DO_PRAGMA(unroll n)\nUNROLL(2)"),
      "#pragma unroll() for #pragma unroll(4) for #pragma unroll(2) #pragma unroll(8) "
      "for #pragma unroll(2)");
  EXPECT_EQ(p.toks[0].kind, TokenKind::PragmaUnroll);
  EXPECT_EQ(p.toks[0].loc.line, 2u);
  EXPECT_EQ(p.diag_lines(), "");
  // Names that are not macros (a template parameter) and non-constant text stay as written.
  EXPECT_EQ(p.run("#pragma unroll UNROLL_T\n#pragma unroll 2 * K\n#pragma unroll 1.5\n"
                  "#pragma unroll (1/0)"),
            "#pragma unroll(UNROLL_T) #pragma unroll(2 * K) #pragma unroll(1.5) #pragma "
            "unroll((1/0))");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorDirectives, Predefined) {
  PP p;
  EXPECT_EQ(p.run("__GPUC__ __CUDA_ARCH__ __GPUC_TARGET_CUDA__ __GPUC_TARGET_VULKAN__ __CUDACC__"),
            "1 750 1 __GPUC_TARGET_VULKAN__ __CUDACC__");
  PP v;
  v.opts.target = FrontendTarget::Vulkan;
  EXPECT_EQ(v.run("__GPUC__ __CUDA_ARCH__ __GPUC_TARGET_CUDA__ __GPUC_TARGET_VULKAN__"),
            "1 __CUDA_ARCH__ __GPUC_TARGET_CUDA__ 1");
  PP a;
  a.opts.cuda_arch = "900";
  EXPECT_EQ(a.run("#if __CUDA_ARCH__ >= 800\nnew\n#endif"), "new");
}

TEST(PreprocessorDirectives, CommandLineDefines) {
  PP p;
  p.opts.defines = {"A", "B=2", "F(x)=x*x", "EMPTY=", "__GPUC__=7"};
  p.opts.undefines = {"A"};
  EXPECT_EQ(p.run("A B F(3) [EMPTY] __GPUC__"), "A 2 3 * 3 [ ] 7");
  EXPECT_EQ(p.diag_lines(), "8:9: warning: '__GPUC__' macro redefined\n");
  PP q;
  q.opts.defines = {"1X=2"};
  q.run("x");
  EXPECT_EQ(q.diag_lines(), "4:9: error: macro name must be an identifier\n");
  EXPECT_EQ(q.sm.name(q.diags.diagnostics()[0].loc.file), "<command line>");
}

TEST(PreprocessorDirectives, LineIsCheckedAndIgnored) {
  PP p;
  EXPECT_EQ(p.run("#line 10 \"x.gk\"\na\n#line x\n"), "a");
  EXPECT_EQ(p.diag_lines(),
            "1:2: warning: #line directive ignored: diagnostics report physical source locations\n"
            "3:2: error: #line directive requires a positive integer argument, optionally "
            "followed by a file name\n");
}

// ---------------------------------------------------------------------------------------------
// #include

TEST(PreprocessorInclude, RelativeAndIncludeDirs) {
  PP p;
  p.opts.include_dirs = {kInputs + "/incdir"};
  const std::string main = kInputs + "/main.gk";
  EXPECT_EQ(
      p.run("#include \"pp/inc_a.h\"\n#include <inc_b.h>\n#include \"inc_b.h\"\nA_VALUE B_VALUE",
            GPUC_SOURCE_DIR "/tests/frontend/main.gk"),
      "int from_a ; int from_b ; A_VALUE 2");
  EXPECT_EQ(p.diag_lines(), "");
  // Tokens from the included file carry its buffer and their line there.
  const Token& fa = p.tok("from_a");
  EXPECT_EQ(p.sm.name(fa.loc.file), GPUC_SOURCE_DIR "/tests/frontend/pp/inc_a.h");
  EXPECT_EQ(fa.loc.line, 3u);
}

TEST(PreprocessorInclude, NotFoundAndMalformed) {
  PP p;
  p.run(
      "#include \"missing.h\"\n#include <also_missing.h>\n#include\n#include foo\n#include \"\"\n");
  EXPECT_EQ(p.diag_lines(),
            "1:10: error: 'missing.h' file not found\n"
            "2:10: error: 'also_missing.h' file not found\n"
            "3:2: error: #include expects \"FILENAME\" or <FILENAME>\n"
            "4:10: error: #include expects \"FILENAME\" or <FILENAME>\n"
            "5:10: error: empty filename in #include\n");
}

TEST(PreprocessorInclude, GuardsPragmaOnceAndComputedInclude) {
  PP p;
  const std::string main = kInputs + "/main.gk";
  EXPECT_EQ(p.run("#include \"guarded.h\"\n#include \"guarded.h\"\n#include \"once.h\"\n"
                  "#include \"once.h\"\n#define HDR \"guarded.h\"\n#include HDR\n",
                  main),
            "int guarded ; int once ;");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorInclude, ErrorsInIncludedFileNameIt) {
  PP p;
  p.run("#include \"bad.h\"\n", kInputs + "/main.gk");
  ASSERT_EQ(p.diags.diagnostics().size(), 2u);
  EXPECT_EQ(p.diags.format_all(),
            kInputs + "/bad.h:2:2: error: #error in bad.h\n#error in bad.h\n ^\n" + kInputs +
                "/bad.h:4:1: error: unterminated #ifdef\n#ifdef NEVER_CLOSED\n^\n");
}

TEST(PreprocessorInclude, DepthLimit) {
  PP p;
  p.run("#include \"self.h\"\n", kInputs + "/main.gk");
  EXPECT_EQ(p.diags.error_count(), 1u);
  ASSERT_EQ(p.diags.diagnostics().size(), 1u);
  EXPECT_EQ(p.diags.diagnostics()[0].message,
            "#include nested too deeply (limit is 200 levels; is there an include cycle without an "
            "include guard?)");
  EXPECT_EQ(p.diags.diagnostics()[0].severity, Severity::Fatal);
}

TEST(PreprocessorMacros, VaOpt) {
  PP p;
  EXPECT_EQ(p.run("#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)\n#define E\nF(1) F(1, 2, 3) "
                  "F(1,) F(1, E)"),
            "f ( 1 ) f ( 1 , 2 , 3 ) f ( 1 ) f ( 1 )");
  EXPECT_EQ(p.run("#define G(x, ...) a ## __VA_OPT__(x) ## b\nG(1) G(1, 2)"), "ab a1b");
  EXPECT_EQ(p.diag_lines(), "");
  p.run(
      "#define H(x) __VA_OPT__(x)\n#define I(...) __VA_OPT__ x\n#define J(...) __VA_OPT__(a\n"
      "#define K(...) __VA_OPT__(__VA_OPT__())\n");
  EXPECT_EQ(p.diag_lines(),
            "1:14: error: __VA_OPT__ can only appear in the expansion of a variadic macro\n"
            "2:16: error: missing '(' following __VA_OPT__\n"
            "3:16: error: unterminated __VA_OPT__\n"
            "4:27: error: __VA_OPT__ cannot be nested\n");
}

TEST(PreprocessorMacros, PasteChains) {
  PP p;
  EXPECT_EQ(
      p.run("#define C3(a, b, c) a ## b ## c\nC3(x, 1, y) C3(<, <, =) C3(1, e, -) C3(0x, 1f, u) "
            "C3(_, , 9)"),
      "x1y <<= 1e- 0x1fu _9");
  EXPECT_EQ(p.diag_lines(), "2:25: error: exponent has no digits\n");  // 1e- is a pp-number
  p.diags.clear();
  EXPECT_EQ(p.tok("x1y").kind, TokenKind::Identifier);
  EXPECT_EQ(p.tok("<<=").kind, TokenKind::Punct);
  EXPECT_EQ(p.tok("0x1fu").kind, TokenKind::IntLiteral);
  // Multi-token arguments paste only at their edges.
  EXPECT_EQ(p.run("#define P(a, b) a ## b\nP(x y, z w)"), "x yz w");
  // An identifier chain that ends in an invalid paste.
  EXPECT_EQ(p.run("#define Q(a, b, c) a ## b ## c\nQ(ab, cd, .)"), "abcd .");
  EXPECT_EQ(p.diag_lines(), "2:1: error: pasting formed 'abcd.', an invalid preprocessing token\n");
}

TEST(PreprocessorMacros, DirectivesInsideMacroArguments) {
  PP p;
  EXPECT_EQ(p.run("#define F(a, b) a + b\n#define X\nF(1,\n#ifdef X\n2\n#else\n3\n#endif\n)"),
            "1 + 2");
  EXPECT_EQ(p.diag_lines(), "");
  EXPECT_EQ(p.run("#define F(a) a\nF(1\n#include \"x.h\"\n)"), "1");
  EXPECT_EQ(p.diag_lines(),
            "3:2: error: #include inside the arguments of a macro invocation is not supported\n");
}

TEST(PreprocessorMacros, FunctionLikeNameAtEndAndAcrossDirective) {
  PP p;
  // The '(' is looked for across lines, but a directive line ends the search.
  EXPECT_EQ(p.run("#define F(x) [x]\nF\n#define Y 1\n(Y) F"), "F ( 1 ) F");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorDirectives, HasInclude) {
  PP p;
  EXPECT_EQ(p.run("#ifdef __has_include\n#if __has_include(\"guarded.h\") && "
                  "!__has_include(<nope.h>) && __has_include(<inc_b.h>)\nyes\n#endif\n#endif\n",
                  kInputs + "/main.gk"),
            "");
  p.opts.include_dirs = {kInputs + "/incdir"};
  EXPECT_EQ(p.run("#if __has_include(\"guarded.h\") && !__has_include(<nope.h>) && "
                  "__has_include(<inc_b.h>)\nyes\n#endif\n",
                  kInputs + "/main.gk"),
            "yes");
  EXPECT_EQ(p.diag_lines(), "");
  p.run("__has_include(\"x\")\n#if __has_include(x)\n#endif\n");
  EXPECT_EQ(p.diag_lines(),
            "1:1: error: __has_include can only be used in #if and #elif\n"
            "2:19: error: __has_include expects \"FILENAME\" or <FILENAME> in parentheses\n");
}

TEST(PreprocessorDirectives, ExtraTokensWarn) {
  PP p;
  EXPECT_EQ(p.run("#define A\n#ifdef A B\n#endif C\n#undef A D\n#include \"once.h\" E\nx",
                  kInputs + "/main.gk"),
            "int once ; x");
  EXPECT_EQ(p.diag_lines(),
            "2:10: warning: extra tokens at end of #ifdef directive\n"
            "3:8: warning: extra tokens at end of #endif directive\n"
            "4:10: warning: extra tokens at end of #undef directive\n"
            "5:19: warning: extra tokens at end of #include directive\n");
}

TEST(PreprocessorDirectives, BadCommandLineOptions) {
  PP p;
  p.opts.defines = {"A=1\n#define B 2", "X=a\\", "Y=/* open", "Z=/* closed */ 3"};
  p.opts.undefines = {"C\nD"};
  EXPECT_EQ(p.run("A B X Y Z"), "A B X Y 3");
  EXPECT_EQ(p.diag_lines(),
            "error: invalid macro option '-DA=1\n#define B 2': it contains a line break\n"
            "error: invalid macro option '-DX=a\\': it ends with a backslash\n"
            "error: invalid macro option '-DY=/* open': it contains an unterminated comment\n"
            "error: invalid macro option '-UC\nD': it contains a line break\n");
}

TEST(PreprocessorInclude, MoreForms) {
  PP p;
  p.opts.include_dirs = {kInputs + "/incdir"};
  // A macro expanding to <...>; __FILE__ inside an included file; the same file through another
  // path is still the same file for #pragma once.
  EXPECT_EQ(p.run("#define HDR <inc_b.h>\n#include HDR\nB_VALUE\n#include \"once.h\"\n"
                  "#include \"../pp/once.h\"\n#include \"file_name.h\"\n",
                  kInputs + "/main.gk"),
            "int from_b ; 2 int once ; \"" + kInputs + "/file_name.h\" 2");
  EXPECT_EQ(p.diag_lines(), "");
}

TEST(PreprocessorInclude, BuiltinHeaders) {
  PP p;
  EXPECT_EQ(p.run("#include <cuda_runtime.h>\n#include <stdint.h>\n#include <cstdint>\n"
                  "#include <climits>\n#include \"float.h\"\n#include <cmath>\n"
                  "#include <device_launch_parameters.h>\n"
                  "INT_MAX UINT8_MAX FLT_MAX M_PI INFINITY\n"
                  "#if INT_MAX == 2147483647 && INT64_MIN < 0 && CHAR_BIT == 8 && "
                  "UINT64_MAX == 18446744073709551615u && INT32_MIN == -2147483648 && "
                  "__has_include(<cuda.h>) && !__has_include(<cuda_fp16.h>)\nok\n#endif\n"),
            "2147483647 255 3.40282347e+38F 3.14159265358979323846 __int_as_float ( 0x7f800000 ) "
            "ok");
  EXPECT_EQ(p.diag_lines(), "");
  EXPECT_EQ(p.sm.name(p.tok("2147483647").loc.file), "test.gk");  // the use, not the header
  // -I directories come first; a missing header is still an error.
  PP q;
  q.opts.include_dirs = {kInputs + "/incdir"};
  EXPECT_EQ(q.run("#include <limits.h>\nFROM_I_DIR INT_MAX\n#include <cuda_fp16.h>\n"),
            "1 INT_MAX");
  EXPECT_EQ(q.diag_lines(), "3:10: error: 'cuda_fp16.h' file not found\n");
}

TEST(PreprocessorInclude, IncludeGuardsAreNotLexedAgain) {
  // A guarded header of 20000 lines included 2000 times: with the multiple-include optimisation
  // only the first inclusion is scanned. An unguarded look-alike is scanned every time.
  std::string body;
  for (int i = 0; i < 20000; ++i)
    body += "int v" + std::to_string(i) + " = /* c */ " + std::to_string(i) + ";\n";
  const std::string dir = std::string(GPUC_BINARY_DIR) + "/pp_guard_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
  };
  write("big.h", "// comment first\n#ifndef BIG_H\n#define BIG_H\n" + body + "#endif // BIG_H\n\n");
  write("late.h", "#ifndef LATE_H\n#define LATE_H\nint late;\n#endif\nint after;\n");
  write("else.h", "#ifndef ELSE_H\n#define ELSE_H\nint e1;\n#else\nint e2;\n#endif\n");
  std::string src;
  for (int i = 0; i < 2000; ++i) src += "#include \"big.h\"\n";
  src +=
      "#include \"late.h\"\n#include \"late.h\"\n#include \"else.h\"\n#include \"else.h\"\n"
      "#undef BIG_H\n#include \"big.h\"\n";
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src, dir + "/main.gk");
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(p.diag_lines(), "");
  // big.h twice (the second time after #undef BIG_H), late.h's tail twice, else.h both ways.
  EXPECT_EQ(p.toks.size(), 2 * 20000 * 5 + 3 + 3 + 3 + 3 + 3 + 1);
  EXPECT_EQ(p.tok("e2").kind, TokenKind::Identifier);
  EXPECT_EQ(p.tok("after", 1).kind, TokenKind::Identifier);
}

TEST(PreprocessorInclude, MacroInvocationDoesNotCrossFileEnd) {
  PP p;
  EXPECT_EQ(p.run("#define F(x) x\n#include \"open_call.h\"\n1) after\n", kInputs + "/main.gk"),
            "1 ) after");
  ASSERT_EQ(p.diags.diagnostics().size(), 1u);
  EXPECT_EQ(p.diags.format_all(), kInputs +
                                      "/open_call.h:2:1: error: unterminated argument list "
                                      "invoking macro 'F'\nF(\n^\n");
}

TEST(PreprocessorInclude, CustomDepthLimitAndDirectory) {
  PP p;
  p.limits.max_include_depth = 5;
  p.run("#include \"self.h\"\n", kInputs + "/main.gk");
  ASSERT_EQ(p.diags.diagnostics().size(), 1u);
  EXPECT_EQ(p.diags.diagnostics()[0].message,
            "#include nested too deeply (limit is 5 levels; is there an include cycle without an "
            "include guard?)");
  EXPECT_EQ(p.sm.name(p.diags.diagnostics()[0].loc.file), kInputs + "/self.h");
  PP d;
  d.run("#include \"incdir\"\n", kInputs + "/main.gk");
  EXPECT_EQ(d.diag_lines(), "1:10: error: 'incdir' file not found\n");
}

TEST(PreprocessorLexer, EmptyAndTinyInputs) {
  for (const char* src : {"", "\n", "#", "#define X 1", "X", "\\", "/**/", "//"}) {
    PP p;
    p.run(src);
    ASSERT_FALSE(p.toks.empty());
    EXPECT_EQ(p.toks.back().kind, TokenKind::Eof) << src;
  }
  PP p;
  EXPECT_EQ(p.run("#define X 1"), "");
  EXPECT_EQ(p.toks.size(), 1u);
  EXPECT_EQ(p.run("a"), "a");
  EXPECT_EQ(p.toks.back().loc.line, 1u);
}

TEST(PreprocessorLocations, LineAfterSplicesAndInIncludes) {
  PP p;
  p.run("a \\\n b \\\n c __LINE__\nd\n", "t.gk");
  EXPECT_EQ(p.spelled(), "a b c 3 d");
  EXPECT_EQ(p.tok("c").loc.line, 3u);
  EXPECT_EQ(p.tok("c").loc.col, 2u);
  EXPECT_EQ(p.tok("d").loc.line, 4u);
  // A diagnostic from an expansion is printed at the use, with that line and caret.
  PP q;
  q.run("#define BAD 1abc\n\nint x = BAD;\n", "t.gk");
  EXPECT_EQ(q.diags.format_all(),
            "t.gk:3:9: error: invalid suffix 'abc' on integer constant\nint x = BAD;\n        ^\n");
}

TEST(PreprocessorDirectives, SpellTokens) {
  PP p;
  p.run(
      "#define INC(x) x++ + +x\n#define N 4\n  int a=INC(b);\n#pragma unroll N\nfor(;;)\n"
      "#define CAT(a, b) a ## b\nCAT(1e, +) - -1 CAT(a, b)c .5 x . y\n");
  const std::string text = spell_tokens(p.toks);
  EXPECT_EQ(text, "int a=b++ + +b;\n#pragma unroll 4\nfor(;;)\n1e+ - -1 ab c .5 x . y\n");
  // Spelling and lexing again gives the same tokens.
  PP q;
  q.run(text);
  ASSERT_EQ(q.toks.size(), p.toks.size());
  for (size_t i = 0; i < p.toks.size(); ++i) {
    EXPECT_EQ(q.toks[i].text, p.toks[i].text);
    EXPECT_EQ(q.toks[i].kind, p.toks[i].kind);
  }
  // Tokens that would join without a space get one.
  std::vector<Token> joined(3);
  joined[0].kind = joined[1].kind = TokenKind::Punct;
  joined[0].text = "-";
  joined[1].text = ">";
  EXPECT_EQ(spell_tokens(joined), "- >\n");
}

// ---------------------------------------------------------------------------------------------
// Pathological inputs: errors or results, never a crash, a hang or a quadratic blowup.

TEST(PreprocessorRobustness, RandomBinaryGarbage) {
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 20; ++round) {
    std::string src;
    for (int i = 0; i < 20000; ++i) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      src.push_back(static_cast<char>(seed >> 56));
      // Sprinkle the characters that drive the preprocessor.
      if ((seed >> 20) % 7 == 0) src += "\n#if (\\\n\"'/*#define F(x) #x##";
    }
    PP p;
    p.diags.set_error_limit(0);
    auto t0 = std::chrono::steady_clock::now();
    p.run(src);
    EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
    EXPECT_EQ(p.toks.back().kind, TokenKind::Eof);
    EXPECT_TRUE(p.diags.has_errors());
  }
}

TEST(PreprocessorRobustness, OneMegabyteLine) {
  std::string src = "int a = 0";
  while (src.size() < (1u << 20)) src += " + x1 * 2.5f - (y >> 3)";
  src += ";";
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src);
  double t = seconds_since(t0);
  EXPECT_EQ(p.diag_lines(), "");
  EXPECT_GT(p.toks.size(), 300000u);
  EXPECT_LT(t, 1.0 * kSlack) << "1 MB line took " << t << " s";
  // A 1 MB macro definition and argument list, and a 1 MB string literal.
  std::string big = "#define BIG(x) x";
  for (int i = 0; i < 100000; ++i) big += " + x";
  big += "\nBIG(";
  for (int i = 0; i < 100000; ++i) big += "a,b)(";
  big += "0)\n\"" + std::string(1 << 20, 'z') + "\"\n";
  PP q;
  t0 = std::chrono::steady_clock::now();
  q.run(big);
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(q.diag_lines(), "2:1: error: macro 'BIG' passed 2 arguments, but takes just 1\n");
}

TEST(PreprocessorRobustness, DeepConditionalNesting) {
  std::string src;
  for (int i = 0; i < 10000; ++i) src += "#if " + std::to_string(i % 3 != 2) + "\n";
  src += "inner\n";
  for (int i = 0; i < 10000; ++i) src += "#else\nelse\n#endif\n";
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src);
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(p.diag_lines(), "");
  // Outermost #if 1, #if 1, #if 0 -> the innermost groups are skipped; `else` appears once for
  // the first false level (the 3rd), every enclosing true level takes its own #if branch.
  EXPECT_EQ(p.spelled(), "else");
  // Unterminated at depth 10000: one error per open conditional, capped by the error limit.
  PP q;
  std::string open;
  for (int i = 0; i < 10000; ++i) open += "#ifdef X\n";
  q.run(open);
  EXPECT_TRUE(q.diags.has_errors());
}

TEST(PreprocessorRobustness, MacroBombsStop) {
  // 2^40 tokens if expanded: stops at the expansion limit with a clear fatal error.
  std::string src = "#define A0 x\n";
  for (int i = 1; i <= 40; ++i)
    src += "#define A" + std::to_string(i) + " A" + std::to_string(i - 1) + " A" +
           std::to_string(i - 1) + "\n";
  src += "A40\n";
  PP p;
  p.limits.max_expanded_tokens = 200000;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src);
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(p.diag_lines(),
            "42:1: fatal error: macro expansion produced more than 200000 tokens (runaway or "
            "exponential macro expansion?)\n");
  ASSERT_EQ(p.toks.size(), 1u);
  EXPECT_EQ(p.toks[0].kind, TokenKind::Eof);
  // The default limit (10 million tokens) stops it too, in well under a second per million.
  PP d;
  t0 = std::chrono::steady_clock::now();
  d.run(src);
  EXPECT_LT(seconds_since(t0), 10.0 * kSlack);
  EXPECT_EQ(d.diag_lines(),
            "42:1: fatal error: macro expansion produced more than 10000000 tokens (runaway or "
            "exponential macro expansion?)\n");
  // The same through argument pre-expansion (2^40 tokens again).
  std::string args = "#define D(x) x x\n";
  std::string call = "1";
  for (int i = 0; i < 40; ++i) call = "D(" + call + ")";
  PP q;
  q.limits.max_expanded_tokens = 200000;
  t0 = std::chrono::steady_clock::now();
  q.run(args + call + "\n");
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(q.diag_lines(),
            "2:47: fatal error: macro expansion produced more than 200000 tokens (runaway or "
            "exponential macro expansion?)\n");
}

TEST(PreprocessorRobustness, DeepNestingInArgumentsAndExpressions) {
  auto nested = [](int depth) {
    std::string src = "#define F(x) x\n";
    for (int i = 0; i < depth; ++i) src += "F(";
    src += "1";
    for (int i = 0; i < depth; ++i) src += ")";
    return src + "\n";
  };
  // 100000 levels over a 200000-token argument: stops on the memory bound of nested arguments.
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(nested(100000));
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(p.diag_lines(),
            "2:13: fatal error: macro arguments too large: more than 2000000 tokens in the "
            "arguments of nested macro invocations\n");
  // The nesting limit (the C++ stack): 300 levels allowed, 301 not.
  PP ok;
  ok.limits.max_nesting = 300;
  EXPECT_EQ(ok.run(nested(300)), "1");
  EXPECT_EQ(ok.diag_lines(), "");
  PP deep;
  deep.limits.max_nesting = 300;
  deep.run(nested(1000));
  EXPECT_EQ(deep.diag_lines(),
            "2:601: fatal error: macro invocations nested too deeply in macro arguments (limit "
            "is 300)\n");
  // The default nesting limit, 256 levels.
  PP dflt;
  EXPECT_EQ(dflt.run(nested(256)), "1");
  EXPECT_EQ(dflt.diag_lines(), "");
  PP over;
  over.run(nested(257));
  EXPECT_EQ(over.diag_lines(),
            "2:513: fatal error: macro invocations nested too deeply in macro arguments (limit "
            "is 256)\n");
  // Parentheses and unary operators in #if.
  PP e;
  e.run("#if " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n#endif\n#if " +
        std::string(100000, '!') + "1\n#endif\n");
  EXPECT_EQ(e.diag_lines(),
            "1:505: error: preprocessor expression nested too deeply\n"
            "3:1004: error: preprocessor expression nested too deeply\n");
  // A long flat expression is evaluated iteratively, whatever its length.
  std::string flat = "#if 0";
  for (int i = 0; i < 200000; ++i) flat += " + 1 * 2";
  PP f;
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(f.run(flat + " == 400000\nyes\n#endif\n"), "yes");
  EXPECT_LT(seconds_since(t0), 1.0 * kSlack);
  EXPECT_EQ(f.diag_lines(), "");
}

TEST(PreprocessorRobustness, LongPasteChainAndManyMacros) {
  std::string src = "#define CAT(a, b) a ## b\n#define X a";
  for (int i = 0; i < 200000; ++i) src += "##b";
  src += "\nX\n";
  for (int i = 0; i < 50000; ++i)
    src += "#define M" + std::to_string(i) + " " + std::to_string(i) + "\n";
  for (int i = 0; i < 50000; ++i) src += "M" + std::to_string(i) + " ";
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src);
  EXPECT_LT(seconds_since(t0), 2.0 * kSlack);
  EXPECT_EQ(p.diag_lines(), "");
  ASSERT_GT(p.toks.size(), 50000u);
  EXPECT_EQ(p.toks[0].text.size(), 200001u);
  EXPECT_EQ(p.toks[50000].text, "49999");
}

TEST(PreprocessorRobustness, UnterminatedEverything) {
  for (const char* src : {"#if 1",
                          "#define F(x",
                          "#define F(x) x\nF(",
                          "/*",
                          "'",
                          "\"",
                          "#include \"",
                          "#include <",
                          "#if defined(",
                          "#pragma unroll (",
                          "_Pragma(",
                          "#define S(x) #x\nS(\"",
                          "F(\\",
                          "#",
                          "#if 1 ?",
                          "#elif",
                          "#else",
                          "#endif",
                          "#undef",
                          "#ifdef",
                          "\\",
                          "a\\"}) {
    PP p;
    p.run(src);
    EXPECT_EQ(p.toks.back().kind, TokenKind::Eof) << src;
  }
}

TEST(PreprocessorRobustness, LexingSpeed) {
  // A 1 MB kernel-like file: lexing and preprocessing it should take milliseconds.
  std::string unit =
      "__global__ void saxpy(int n, float a, const float* __restrict__ x, float* y) {\n"
      "  int i = blockIdx.x * blockDim.x + threadIdx.x; // index\n"
      "  if (i < n) y[i] = a * x[i] + y[i]; /* fma */\n"
      "}\n";
  std::string src;
  while (src.size() < (1u << 20)) src += unit;
  PP p;
  auto t0 = std::chrono::steady_clock::now();
  p.run(src);
  double t = seconds_since(t0);
  EXPECT_EQ(p.diag_lines(), "");
  EXPECT_LT(t, 0.5 * kSlack) << "1 MB took " << t << " s";
  std::printf("[ perf     ] preprocessed 1 MB (%zu tokens) in %.1f ms\n", p.toks.size(), t * 1e3);
}

}  // namespace
}  // namespace gpuc::frontend
