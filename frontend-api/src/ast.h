// The kernel language's AST: declarations, statements and expressions, allocated in one Arena that
// owns them all (nodes refer to each other by raw pointer; the arena outlives every use).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gpuc/support/source_manager.h"

namespace gpuc::frontend {

// Owns every AST node of a translation unit.
class Arena {
 public:
  template <typename T, typename... Args>
  T* make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(Holder(raw, [](void* p) { delete static_cast<T*>(p); }));
    node.release();
    return raw;
  }

 private:
  using Holder = std::unique_ptr<void, void (*)(void*)>;
  std::vector<Holder> nodes_;
};

struct Expr;

// A type as written: declaration specifiers plus pointer and array declarators.
struct TypeName {
  SourceLocation loc;
  // Canonical base spelling: "void" "bool" "char" "signed char" "unsigned char" "short"
  // "unsigned short" "int" "unsigned int" "long" "unsigned long" "long long" "unsigned long long"
  // "float" "double", a built-in vector or alias ("float4", "dim3", "size_t", "uint32_t"), a struct
  // ("struct S") or a typedef name.
  std::string base;
  bool base_const = false;  // `const float` / `float const`
  struct PointerLevel {
    bool is_const = false;     // `* const`
    bool is_restrict = false;  // `* __restrict__`
  };
  std::vector<PointerLevel> pointers;  // outermost last: `const float* __restrict__` = 1 level
  std::vector<Expr*> array_dims;       // `[N][M]` in order; nullptr = `[]`
};

// --- expressions
// ----------------------------------------------------------------------------------

enum class ExprKind : uint8_t {
  IntLit,
  FloatLit,
  BoolLit,
  Ident,
  Unary,
  Binary,
  Assign,
  Cond,
  Call,
  Member,
  Index,
  Cast,
  SizeofType,
  SizeofExpr,
  Comma,
  InitList,
  Error,
};

enum class UnaryOp : uint8_t {
  Plus,
  Neg,
  Not,
  BitNot,
  Deref,
  AddrOf,
  PreInc,
  PreDec,
  PostInc,
  PostDec
};
enum class BinaryOp : uint8_t {
  Mul,
  Div,
  Rem,
  Add,
  Sub,
  Shl,
  Shr,
  Lt,
  Gt,
  Le,
  Ge,
  Eq,
  Ne,
  BitAnd,
  BitXor,
  BitOr,
  LogAnd,
  LogOr,
};

struct Expr {
  ExprKind kind = ExprKind::Error;
  SourceLocation loc;  // the operator (or the first token for primaries)
  uint32_t depth = 1;  // nesting depth of this subtree (bounded by the parser)

  // IntLit/FloatLit: the literal's text (suffixes included). Ident/Member/Call: the name.
  std::string text;
  bool bool_value = false;
  UnaryOp unary = UnaryOp::Plus;
  BinaryOp binary = BinaryOp::Add;
  // Assign: `op` is the compound operator; `compound` false for plain `=`.
  bool compound = false;
  bool arrow = false;        // Member: `->` instead of `.`
  bool functional = false;   // Cast: `T(x)` instead of `(T)x`
  Expr* lhs = nullptr;       // Unary operand, Binary/Assign lhs, Cond condition, Member/Index base
  Expr* rhs = nullptr;       // Binary/Assign rhs, Cond then, Index index
  Expr* third = nullptr;     // Cond else
  std::vector<Expr*> args;   // Call arguments, InitList elements, Comma operands
  TypeName* type = nullptr;  // Cast, SizeofType
};

// --- statements
// -----------------------------------------------------------------------------------

struct VarDecl {
  SourceLocation loc;  // the declarator's name
  std::string name;
  TypeName* type = nullptr;
  Expr* init = nullptr;
  bool is_shared = false;    // __shared__
  bool is_constant = false;  // __constant__
  bool is_extern = false;
  bool is_static = false;
};

enum class StmtKind : uint8_t {
  Compound,
  Decl,
  Expr,
  If,
  For,
  While,
  DoWhile,
  Break,
  Continue,
  Return,
  Empty,
};

struct Stmt {
  StmtKind kind = StmtKind::Empty;
  SourceLocation loc;
  SourceLocation end_loc;       // Compound: the closing brace
  std::vector<Stmt*> body;      // Compound statements
  std::vector<VarDecl*> decls;  // Decl
  Expr* expr = nullptr;         // Expr, Return value, If/While/DoWhile/For condition
  Expr* step = nullptr;         // For increment
  Stmt* init = nullptr;         // For init (Decl or Expr statement)
  Stmt* then_stmt = nullptr;    // If then; loop bodies
  Stmt* else_stmt = nullptr;    // If else
  // `#pragma unroll [N]` before a loop: 0 none, 1 full unroll, N > 1 a count.
  uint32_t unroll = 0;
};

// --- top-level declarations
// -----------------------------------------------------------------------

struct ParamDecl {
  SourceLocation loc;
  std::string name;  // may be empty in a prototype
  TypeName* type = nullptr;
};

struct FunctionDecl {
  SourceLocation loc;  // the name
  std::string name;
  TypeName* return_type = nullptr;
  std::vector<ParamDecl*> params;
  Stmt* body = nullptr;    // null: a declaration only
  bool is_global = false;  // __global__ (a kernel)
  bool is_device = false;  // __device__
  bool is_host = false;    // __host__ (accepted with __device__)
  bool force_inline = false;
  bool is_static = false;
  bool extern_c = false;
  Expr* launch_bounds[2] = {nullptr, nullptr};  // __launch_bounds__(max threads[, min blocks])
  SourceLocation launch_bounds_loc;
  Expr* block[3] = {nullptr, nullptr, nullptr};  // [[gpuc::block(x, y, z)]]
  SourceLocation block_loc;
};

struct StructDecl {
  SourceLocation loc;
  std::string name;
  struct Member {
    SourceLocation loc;
    std::string name;
    TypeName* type = nullptr;
  };
  std::vector<Member> members;
};

struct TypedefDecl {
  SourceLocation loc;
  std::string name;
  TypeName* type = nullptr;
};

// One top-level item, in source order.
struct TopLevel {
  FunctionDecl* function = nullptr;
  VarDecl* var = nullptr;
  StructDecl* struct_decl = nullptr;
  TypedefDecl* typedef_decl = nullptr;
};

struct TranslationUnit {
  Arena arena;
  std::vector<TopLevel> items;
};

}  // namespace gpuc::frontend
