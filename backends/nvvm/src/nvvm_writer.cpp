// The NVVM IR writer: verified gpuc IR -> NVVM IR text (LLVM 7 typed-pointer or LLVM 20
// opaque-pointer dialect). The op-by-op mapping is tabulated in docs/nvvm-backend.md.
//
// Invariants of the output:
//  - Regions are flattened to basic blocks: `if` -> then/else/merge blocks, `loop` -> header
//    (body), continue and exit blocks; the only back edges leave the continue block and carry the
//    loop's unroll metadata.
//  - Every `var` is an alloca in the entry block (generic address space: NVVM IR spec, "Address
//    Space": alloca returns a generic pointer); libNVVM's mem2reg promotes them.
//  - Memory types follow the C layout of gpuc's TypeTable exactly: bool is i8, vec3 is [3 x T],
//    vec2/vec4 are LLVM vectors, structs are packed (`<{ }>`) with explicit padding fields, and a
//    shared-memory pointer is an i64 (TypeTable: every pointer is 8 bytes) holding its
//    zero-extended 32-bit address. SSA values use i1 for bool, <N x T> for every vector and
//    32-bit `T addrspace(3)*` for shared-memory pointers. vec3 values are loaded and stored lane
//    by lane; vec2/vec4 values that are only copied move as CUDA's structs (struct_copies.h).
//  - Shared memory is addressed with 32 bits, as nvcc does: the data layout declares address
//    space 3 pointers 32-bit (`p3:32:32:32`), and every getelementptr on one takes i32 indices,
//    so shared-address arithmetic is 32-bit and PTX addresses shared memory with %r registers.
#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <unordered_set>

#include "gpuc/ir/printer.h"
#include "gpuc/nvvm/nvvm_backend.h"
#include "gpuc/support/ice.h"
#include "struct_copies.h"

namespace gpuc::nvvm {
namespace {

using ir::AddressSpace;
using ir::Function;
using ir::Inst;
using ir::InstId;
using ir::Op;
using ir::RegionId;
using ir::TypeId;
using ir::TypeInfo;
using ir::TypeKind;
using ir::ValueId;

// The NVVM IR spec's ("Data Layout") 64-bit layout plus 32-bit shared-memory pointers
// (`p3:32:32:32`): the string CUDA 13's cicc carries for nvcc's 64-bit compiles, and one libNVVM
// accepts in both dialects. A shared-memory window is a few hundred KB at most (228 KB per SM on
// sm_90; PTX ISA "State Spaces"), so no shared address needs more than 32 bits, and shared loads,
// stores and atomics take 32-bit address registers (PTX `ld.shared.f32 [%r1]`).
constexpr const char* kDataLayout =
    "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-"
    "f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64";

// The largest grid (PTX ISA "Special Registers": %nctaid.x < 2^31, %nctaid.y/z < 2^16); %ctaid.d
// is below it.
constexpr uint32_t kMaxGrid[3] = {0x7FFFFFFF, 0xFFFF, 0xFFFF};

// NVVM IR spec "Address Space": generic 0, global 1, shared 3, constant 4 (local 5 is never
// named: allocas are generic).
int nvvm_address_space(AddressSpace as) {
  switch (as) {
    case AddressSpace::Global:
      return 1;
    case AddressSpace::Shared:
      return 3;
    case AddressSpace::Constant:
      return 4;
    case AddressSpace::Private:
      return 0;
  }
  return 0;
}

// The libdevice base name of a float math op ("sin" -> __nv_sinf / __nv_sin); null if the op is
// not a libdevice call.
const char* libdevice_name(Op op) {
  switch (op) {
    case Op::Sqrt:
      return "sqrt";
    case Op::Rsqrt:
      return "rsqrt";
    case Op::Cbrt:
      return "cbrt";
    case Op::Exp:
      return "exp";
    case Op::Exp2:
      return "exp2";
    case Op::Exp10:
      return "exp10";
    case Op::Expm1:
      return "expm1";
    case Op::Log:
      return "log";
    case Op::Log2:
      return "log2";
    case Op::Log10:
      return "log10";
    case Op::Log1p:
      return "log1p";
    case Op::Sin:
      return "sin";
    case Op::Cos:
      return "cos";
    case Op::Tan:
      return "tan";
    case Op::Asin:
      return "asin";
    case Op::Acos:
      return "acos";
    case Op::Atan:
      return "atan";
    case Op::Sinh:
      return "sinh";
    case Op::Cosh:
      return "cosh";
    case Op::Tanh:
      return "tanh";
    case Op::Asinh:
      return "asinh";
    case Op::Acosh:
      return "acosh";
    case Op::Atanh:
      return "atanh";
    case Op::Erf:
      return "erf";
    case Op::Erfc:
      return "erfc";
    case Op::Floor:
      return "floor";
    case Op::Ceil:
      return "ceil";
    case Op::Round:
      return "round";
    case Op::Trunc:
      return "trunc";
    case Op::Rint:
      return "rint";
    case Op::Pow:
      return "pow";
    case Op::Atan2:
      return "atan2";
    case Op::Copysign:
      return "copysign";
    case Op::Fmod:
      return "fmod";
    case Op::Hypot:
      return "hypot";
    case Op::Fma:
      return "fma";
    default:
      return nullptr;
  }
}

bool is_llvm_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$' ||
          c == '-'))
      return false;
  return true;
}

std::string quote_name(const std::string& s) {
  if (is_llvm_identifier(s)) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "\\%02X", static_cast<unsigned char>(c));
      q += buf;
    } else {
      q += c;
    }
  }
  return q + "\"";
}

class Writer {
 public:
  Writer(const ir::Module& m, Dialect dialect, DiagnosticEngine& diags)
      : m_(m), t_(m.types), modern_(dialect == Dialect::Modern), diags_(diags) {}

  bool run(NvvmModule& result) {
    name_symbols();
    std::string body;
    for (const auto& f : m_.functions) {
      function(*f);
      body += fn_out_;
    }
    if (failed_) return false;
    std::string& o = result.text;
    o += "; NVVM IR written by gpuc (";
    o += modern_ ? "LLVM 20 opaque-pointer dialect, compute_100+" : "LLVM 7 typed-pointer dialect";
    o += ")\n";
    o += std::string("target datalayout = \"") + kDataLayout + "\"\n";
    o += "target triple = \"nvptx64-nvidia-cuda\"\n\n";
    for (TypeId s : t_.structs()) {
      o += struct_name(s) + " = type " + struct_body(s) + "\n";
    }
    if (!t_.structs().empty()) o += "\n";
    for (size_t i = 0; i < m_.globals.size(); ++i) global(i, o);
    if (!m_.globals.empty()) o += "\n";
    for (const auto& [name, decl] : decls_) o += decl + "\n";
    if (!decls_.empty()) o += "\n";
    o += body;
    // NVVM IR spec "Kernel": kernels are listed in !nvvm.annotations; version 2.0 of the IR.
    o += "\n!nvvm.annotations = !{";
    for (size_t i = 0; i < annotations_.size(); ++i) o += (i ? ", !" : "!") + annotations_[i];
    o += "}\n!nvvmir.version = !{!" + metadata("!{i32 2, i32 0}") + "}\n\n";
    o += metadata_text_;
    result.uses_libdevice = uses_libdevice_;
    result.dialect = modern_ ? Dialect::Modern : Dialect::Typed;
    return true;
  }

 private:
  const ir::Module& m_;
  const ir::TypeTable& t_;
  bool modern_;
  DiagnosticEngine& diags_;
  bool failed_ = false;
  bool uses_libdevice_ = false;

  std::vector<std::string> fn_names_;      // LLVM names (with @) of functions
  std::vector<std::string> global_names_;  // LLVM names (with @) of module variables
  std::map<std::string, std::string> decls_;
  std::vector<std::string> annotations_;       // metadata ids listed in !nvvm.annotations
  std::map<std::string, std::string> ranges_;  // "lo,hi" -> id of its !range node
  std::string metadata_text_;
  unsigned next_metadata_ = 0;

  // Per function.
  const Function* f_ = nullptr;
  std::string fn_out_;
  std::string allocas_;
  std::string code_;
  std::vector<std::string> val_;  // ValueId index -> operand text
  unsigned next_tmp_ = 0;
  unsigned next_block_ = 0;
  bool terminated_ = false;
  struct LoopTargets {
    std::string header, cont, exit, loop_md;  // loop_md: "" or ", !llvm.loop !N"
  };
  std::vector<LoopTargets> loops_;
  SourceLocation loc_;
  RegionId region_;                   // the region of the instruction being lowered
  size_t position_ = 0;               // and its index there
  std::set<uint32_t> lowered_early_;  // InstId indices lowered ahead of their turn
  StructCopies copies_;               // vec2/vec4 values copied as structs (struct_copies.h)

  // --- names and metadata ----------------------------------------------------------------------

  void name_symbols() {
    std::unordered_set<std::string> fn_set;
    for (const auto& f : m_.functions) {
      std::string n = f->name;
      // Device functions are internal; keep them clear of LLVM intrinsics and libdevice.
      if (!f->is_kernel() && (n.rfind("llvm.", 0) == 0 || n.rfind("__nv_", 0) == 0))
        n = "gpuc." + n;
      fn_set.insert(n);
      fn_names_.push_back("@" + quote_name(n));
    }
    for (const ir::GlobalVar& g : m_.globals) {
      std::string n = g.name;
      if (fn_set.count(n) || n.rfind("llvm.", 0) == 0 || n.rfind("__nv_", 0) == 0) n += ".var";
      global_names_.push_back("@" + quote_name(n));
    }
  }

  std::string metadata(const std::string& body) {
    std::string id = std::to_string(next_metadata_++);
    metadata_text_ += "!" + id + " = " + body + "\n";
    return id;
  }

  void fail(const std::string& message) {
    if (!failed_) diags_.error(loc_, message);
    failed_ = true;
  }

  // --- types ------------------------------------------------------------------------------------

  const TypeInfo& info(TypeId t) const { return t_.info(t); }

  std::string scalar_type(TypeId t) const {
    const TypeInfo& i = info(t);
    switch (i.kind) {
      case TypeKind::Bool:
        return "i1";
      case TypeKind::Int:
        return "i" + std::to_string(i.width);
      case TypeKind::Float:
        return i.width == 16 ? "half" : i.width == 32 ? "float" : "double";
      default:
        GPUC_UNREACHABLE("scalar_type of a non-scalar " + t_.to_string(t));
    }
  }
  std::string mem_scalar(TypeId t) const { return t_.is_bool(t) ? "i8" : scalar_type(t); }

  std::string struct_name(TypeId s) const { return "%" + quote_name("struct." + info(s).name); }

  // The ABI alignment LLVM gives mem_type(t) under kDataLayout (vectors up to 128 bits are
  // aligned to their size; wider ones to the next power of two; packed structs to 1).
  uint32_t llvm_align(TypeId t) const {
    const TypeInfo& i = info(t);
    switch (i.kind) {
      case TypeKind::Vector:
        if (i.count == 3) return llvm_align(i.element);
        return i.size <= 16 ? i.size : std::bit_ceil(i.size);
      case TypeKind::Array:
        return llvm_align(i.element);
      case TypeKind::Struct:
        return is_natural_struct(t) ? i.align : 1;
      default:
        return i.align;
    }
  }
  // True when LLVM's own struct layout reproduces the C layout: every member's LLVM alignment
  // equals its C alignment (both then place members identically). Such structs are written as
  // plain `{ }` types, so parameters and loads keep their alignment; others are packed.
  bool is_natural_struct(TypeId s) const {
    for (const ir::StructMember& mem : info(s).members)
      if (llvm_align(mem.type) != info(mem.type).align) return false;
    return true;
  }

  // A natural struct lists its members; any other is packed with explicit padding, so every
  // member sits at its C offset and the size is the C size.
  std::string struct_body(TypeId s) const {
    const TypeInfo& i = info(s);
    bool natural = is_natural_struct(s);
    std::string b = natural ? "{ " : "<{ ";
    uint32_t at = 0;
    bool first = true;
    auto field = [&](const std::string& f) {
      b += first ? "" : ", ";
      b += f;
      first = false;
    };
    for (const ir::StructMember& mem : i.members) {
      if (!natural && mem.offset > at) field("[" + std::to_string(mem.offset - at) + " x i8]");
      field(mem_type(mem.type));
      at = mem.offset + info(mem.type).size;
    }
    if (!natural && i.size > at) field("[" + std::to_string(i.size - at) + " x i8]");
    return b + (natural ? " }" : " }>");
  }

  // The LLVM field index of struct member `k` (padding fields of packed structs shift it).
  unsigned struct_field(TypeId s, uint32_t k) const {
    if (is_natural_struct(s)) return k;
    const TypeInfo& i = info(s);
    unsigned index = 0;
    uint32_t at = 0;
    for (uint32_t j = 0; j < i.members.size(); ++j) {
      if (i.members[j].offset > at) ++index;
      if (j == k) return index;
      ++index;
      at = i.members[j].offset + info(i.members[j].type).size;
    }
    GPUC_UNREACHABLE("struct_field: no member " + std::to_string(k));
  }

  // Type of a value of type t in memory.
  std::string mem_type(TypeId t) const {
    const TypeInfo& i = info(t);
    switch (i.kind) {
      case TypeKind::Void:
        return "void";
      case TypeKind::Bool:
      case TypeKind::Int:
      case TypeKind::Float:
        return mem_scalar(t);
      case TypeKind::Vector:
        if (i.count == 3) return "[3 x " + mem_scalar(i.element) + "]";
        return "<" + std::to_string(i.count) + " x " + mem_scalar(i.element) + ">";
      case TypeKind::Array:
        return "[" + std::to_string(i.count) + " x " + mem_type(i.element) + "]";
      case TypeKind::Struct:
        return struct_name(t);
      case TypeKind::Pointer:
        // A shared pointer in memory keeps the C layout's 8 bytes (see needs_repr_change).
        if (i.space == AddressSpace::Shared) return "i64";
        return pointer_type(i.element, i.space);
    }
    return "void";
  }
  // Type of an SSA value of type t.
  std::string val_type(TypeId t) const {
    const TypeInfo& i = info(t);
    if (i.kind == TypeKind::Bool) return "i1";
    if (i.kind == TypeKind::Vector)
      return "<" + std::to_string(i.count) + " x " + scalar_type(i.element) + ">";
    if (i.kind == TypeKind::Pointer) return pointer_type(i.element, i.space);
    return mem_type(t);
  }
  // True when the memory and value forms differ (bool, vec3, bool vectors, shared pointers).
  // A shared pointer is a 32-bit `T addrspace(3)*` value (kDataLayout) but 8 bytes in memory,
  // as every pointer in gpuc's TypeTable, so structs and arrays holding one keep the C layout
  // the host and the SPIR-V backend see; it is stored as the zero-extended address (`ptrtoint
  // ... to i64`) and loaded back with `inttoptr`, which libNVVM's instcombine folds away for
  // promoted locals (a pointer local stays one 32-bit register).
  bool needs_repr_change(TypeId t) const {
    const TypeInfo& i = info(t);
    if (i.kind == TypeKind::Bool) return true;
    if (i.kind == TypeKind::Pointer) return i.space == AddressSpace::Shared;
    if (i.kind == TypeKind::Vector) return i.count == 3 || t_.is_bool(i.element);
    return false;
  }
  std::string ptr_of(const std::string& pointee_mem, int as) const {
    if (modern_) return as ? "ptr addrspace(" + std::to_string(as) + ")" : "ptr";
    return as ? pointee_mem + " addrspace(" + std::to_string(as) + ")*" : pointee_mem + "*";
  }
  std::string pointer_type(TypeId pointee, AddressSpace as) const {
    return ptr_of(t_.is_void(pointee) ? "i8" : mem_type(pointee), nvvm_address_space(as));
  }

  // --- literals
  // -----------------------------------------------------------------------------------

  std::string scalar_literal(TypeId t, uint64_t bits) const {
    const TypeInfo& i = info(t);
    char buf[40];
    switch (i.kind) {
      case TypeKind::Bool:
        return bits ? "true" : "false";
      case TypeKind::Int: {
        int64_t v = static_cast<int64_t>(bits);
        if (i.width < 64) {
          uint64_t mask = (uint64_t{1} << i.width) - 1;
          bits &= mask;
          v = (bits >> (i.width - 1)) & 1 ? static_cast<int64_t>(bits | ~mask)
                                          : static_cast<int64_t>(bits);
        }
        return std::to_string(v);
      }
      case TypeKind::Float:
        // LLVM IR LangRef "Simple Constants": float and double as the hex bits of a double,
        // half as 0xH + its 16 bits.
        if (i.width == 16) {
          std::snprintf(buf, sizeof buf, "0xH%04X", static_cast<unsigned>(bits & 0xFFFF));
        } else {
          double d = i.width == 32
                         ? static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(bits)))
                         : std::bit_cast<double>(bits);
          std::snprintf(buf, sizeof buf, "0x%016" PRIX64, std::bit_cast<uint64_t>(d));
        }
        return buf;
      default:
        GPUC_UNREACHABLE("scalar_literal of " + t_.to_string(t));
    }
  }
  // A scalar literal splatted to the shape of t (scalar or vector value type).
  std::string splat(TypeId t, const std::string& scalar_text) const {
    if (!t_.is_vector(t)) return scalar_text;
    std::string s = "<";
    std::string et = scalar_type(info(t).element);
    for (uint32_t k = 0; k < info(t).count; ++k) s += (k ? ", " : "") + et + " " + scalar_text;
    return s + ">";
  }
  std::string zero_literal(TypeId scalar) const {
    if (t_.is_float(scalar)) return scalar_literal(scalar, 0);
    if (t_.is_bool(scalar)) return "false";
    return "0";
  }

  // --- emission helpers -----------------------------------------------------------------------

  std::string tmp() { return "%t" + std::to_string(next_tmp_++); }
  std::string new_block(const char* what) {
    return std::string(what) + "." + std::to_string(next_block_++);
  }
  void line(const std::string& s) { code_ += "  " + s + "\n"; }
  // Emits `%t = <rhs>` and returns %t.
  std::string def(const std::string& rhs) {
    std::string r = tmp();
    line(r + " = " + rhs);
    return r;
  }
  void start_block(const std::string& label) {
    code_ += label + ":\n";
    terminated_ = false;
  }
  void terminate(const std::string& s) {
    line(s);
    terminated_ = true;
  }
  void declare(const std::string& name, const std::string& text) { decls_.emplace(name, text); }

  // Calls an intrinsic or libdevice function, declaring it.
  std::string call(const std::string& ret, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& args,
                   const std::string& attrs = "") {
    std::string params, actual;
    for (size_t k = 0; k < args.size(); ++k) {
      params += (k ? ", " : "") + args[k].first;
      actual += (k ? ", " : "") + args[k].first + " " + args[k].second;
    }
    declare(name, "declare " + ret + " @" + name + "(" + params + ")" + attrs);
    if (name.rfind("__nv_", 0) == 0) uses_libdevice_ = true;
    std::string c = "call " + ret + " @" + name + "(" + actual + ")";
    if (ret == "void") {
      line(c);
      return "";
    }
    return def(c);
  }

  const std::string& v(ValueId id) const {
    GPUC_ASSERT(id.index < val_.size() && !val_[id.index].empty(),
                "NVVM writer: value %" + std::to_string(id.index) + " used before definition");
    return val_[id.index];
  }
  TypeId type_of(ValueId id) const { return f_->type_of(id); }
  std::string typed(ValueId id) const { return val_type(type_of(id)) + " " + v(id); }

  // Device functions take and return a shared pointer as its 32-bit address (an i32), not as an
  // addrspace(3) pointer: libNVVM (CUDA 13.0) declares a .func's pointer parameters and return
  // value .b64 but passes 32-bit shared pointers as .b32 at the call, which ptxas rejects ("Type
  // of argument does not match formal parameter") whenever the call is not inlined (-O0, large
  // functions). nvcc never meets this: its device functions take generic pointers. Inlining
  // folds the ptrtoint/inttoptr pair.
  bool is_shared_pointer(TypeId t) const {
    return t_.is_pointer(t) && t_.space(t) == AddressSpace::Shared;
  }
  std::string abi_type(TypeId t) const { return is_shared_pointer(t) ? "i32" : val_type(t); }
  std::string to_abi(const std::string& x, TypeId t) {
    if (!is_shared_pointer(t)) return x;
    return def("ptrtoint " + val_type(t) + " " + x + " to i32");
  }
  std::string from_abi(const std::string& x, TypeId t) {
    if (!is_shared_pointer(t)) return x;
    return def("inttoptr i32 " + x + " to " + val_type(t));
  }

  // Converts between the value and memory forms of t (see needs_repr_change).
  std::string to_mem(const std::string& x, TypeId t) {
    if (!needs_repr_change(t)) return x;
    const TypeInfo& i = info(t);
    if (i.kind == TypeKind::Bool) return def("zext i1 " + x + " to i8");
    if (i.kind == TypeKind::Pointer) return def("ptrtoint " + val_type(t) + " " + x + " to i64");
    std::string lanes = x;
    std::string ms = mem_scalar(i.element);
    std::string n = std::to_string(i.count);
    if (t_.is_bool(i.element)) lanes = def("zext <" + n + " x i1> " + x + " to <" + n + " x i8>");
    if (i.count != 3) return lanes;
    return aggregate_of_lanes("<3 x " + ms + "> " + lanes, 3, "[3 x " + ms + "]", ms);
  }
  // An aggregate (`[3 x T]`, `{ T, T, ... }`) holding the n lanes of the typed vector operand.
  std::string aggregate_of_lanes(const std::string& vector, uint32_t n, const std::string& agg_type,
                                 const std::string& lane_type) {
    std::string agg = "undef";
    for (uint32_t k = 0; k < n; ++k) {
      std::string lane = def("extractelement " + vector + ", i32 " + std::to_string(k));
      agg = def("insertvalue " + agg_type + " " + agg + ", " + lane_type + " " + lane + ", " +
                std::to_string(k));
    }
    return agg;
  }
  std::string to_val(const std::string& x, TypeId t) {
    if (!needs_repr_change(t)) return x;
    const TypeInfo& i = info(t);
    if (i.kind == TypeKind::Bool) return def("trunc i8 " + x + " to i1");
    if (i.kind == TypeKind::Pointer) return def("inttoptr i64 " + x + " to " + val_type(t));
    std::string ms = mem_scalar(i.element);
    std::string n = std::to_string(i.count);
    std::string lanes = x;
    if (i.count == 3) {
      lanes = "undef";
      for (uint32_t k = 0; k < 3; ++k) {
        std::string e = def("extractvalue [3 x " + ms + "] " + x + ", " + std::to_string(k));
        lanes = def("insertelement <3 x " + ms + "> " + lanes + ", " + ms + " " + e + ", i32 " +
                    std::to_string(k));
      }
    }
    if (t_.is_bool(i.element))
      return def("trunc <" + n + " x i8> " + lanes + " to <" + n + " x i1>");
    return lanes;
  }

  // Applies a scalar operation lane by lane to vector operands (or once to scalars).
  // `scalar_op(lane_texts)` returns the result lane; `result` is the result value type.
  std::string lanewise(TypeId result, const std::vector<ValueId>& ops,
                       const std::function<std::string(const std::vector<std::string>&)>& op) {
    if (!t_.is_vector(result)) {
      std::vector<std::string> xs;
      for (ValueId o : ops) xs.push_back(v(o));
      return op(xs);
    }
    uint32_t n = info(result).count;
    std::string acc = "undef";
    std::string rt = val_type(result);
    std::string rs = scalar_type(info(result).element);
    for (uint32_t k = 0; k < n; ++k) {
      std::vector<std::string> xs;
      for (ValueId o : ops) {
        if (t_.is_vector(type_of(o)))
          xs.push_back(def("extractelement " + typed(o) + ", i32 " + std::to_string(k)));
        else
          xs.push_back(v(o));
      }
      std::string lane = op(xs);
      acc = def("insertelement " + rt + " " + acc + ", " + rs + " " + lane + ", i32 " +
                std::to_string(k));
    }
    return acc;
  }

  // --- module variables ------------------------------------------------------------------------

  void global(size_t index, std::string& o) {
    const ir::GlobalVar& g = m_.globals[index];
    const TypeInfo& i = info(g.type);
    int as = nvvm_address_space(g.space);
    std::string align = ", align " + std::to_string(std::max<uint32_t>(i.align, 1));
    if (g.space == AddressSpace::Constant) {
      // The initializer as bytes in the C layout; uses see it through a pointer cast.
      std::string bytes = "c\"";
      for (uint8_t b : g.init) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "\\%02X", b);
        bytes += buf;
      }
      bytes += "\"";
      o += global_names_[index] + " = internal addrspace(" + std::to_string(as) + ") constant [" +
           std::to_string(g.init.size()) + " x i8] " + bytes + align + "\n";
    } else {
      o += global_names_[index] + " = internal addrspace(" + std::to_string(as) + ") global " +
           mem_type(g.type) + " undef" + align + "\n";
    }
  }

  // The operand text of `global @g` (a constant expression in the typed dialect).
  std::string global_ref(uint32_t index) const {
    const ir::GlobalVar& g = m_.globals[index];
    if (modern_ || g.space != AddressSpace::Constant) return global_names_[index];
    int as = nvvm_address_space(g.space);
    std::string bytes = "[" + std::to_string(g.init.size()) + " x i8]";
    return "bitcast (" + ptr_of(bytes, as) + " " + global_names_[index] + " to " +
           ptr_of(mem_type(g.type), as) + ")";
  }

  // --- functions ---------------------------------------------------------------------------------

  void function(const Function& f) {
    f_ = &f;
    fn_out_.clear();
    allocas_.clear();
    code_.clear();
    val_.assign(f.value_capacity(), std::string());
    next_tmp_ = 0;
    next_block_ = 0;
    terminated_ = false;
    loops_.clear();
    lowered_early_.clear();
    copies_ = find_struct_copies(t_, f);
    loc_ = f.loc;

    std::string sig_types, params;
    for (size_t k = 0; k < f.params.size(); ++k) {
      const ir::Param& p = f.params[k];
      // Kernel parameters take their memory form, so the PTX .param has the C size and alignment
      // of the launch ABI (float3: .align 4 .b8 [12]; bool: one byte).
      std::string pt = f.is_kernel() ? mem_type(p.type) : abi_type(p.type);
      std::string name = "%p" + std::to_string(k);
      val_[p.value.index] = f.is_kernel() ? to_val(name, p.type) : from_abi(name, p.type);
      std::string attrs;
      // (A device function's shared pointer is an i32: no pointer attributes; see abi_type.)
      if (t_.is_pointer(p.type) && (f.is_kernel() || !is_shared_pointer(p.type))) {
        if (p.restrict) attrs += " noalias";
        if (p.readonly) attrs += " readonly";
      }
      sig_types += (k ? ", " : "") + pt;
      params += (k ? ", " : "") + pt + attrs + " " + name;
    }
    std::string ret = f.is_kernel() ? "void" : abi_type(f.return_type);
    const std::string& fname = fn_names_[m_.index_of(f)];

    if (f.is_kernel()) hoist_launch_ids(f.body);
    region(f.body);
    if (!terminated_) {
      if (t_.is_void(f.return_type) || f.is_kernel())
        terminate("ret void");
      else
        terminate("unreachable");
    }

    fn_out_ += "define ";
    if (!f.is_kernel()) fn_out_ += "internal ";
    fn_out_ += ret + " " + fname + "(" + params + ")";
    if (f.force_inline) fn_out_ += " alwaysinline";
    fn_out_ += " {\nentry:\n" + allocas_ + code_ + "}\n\n";

    if (f.is_kernel()) kernel_annotations(f, ret + " (" + sig_types + ")", fname);
  }

  void kernel_annotations(const Function& f, const std::string& fn_type, const std::string& name) {
    std::string ref = modern_ ? "ptr " + name : fn_type + "* " + name;
    annotations_.push_back(metadata("!{" + ref + ", !\"kernel\", i32 1}"));
    if (f.has_fixed_block()) {
      // [[gpuc::block(X,Y,Z)]]: the exact block shape (PTX .reqntid); the runtime rejects others.
      const char* dims[] = {"reqntidx", "reqntidy", "reqntidz"};
      for (int d = 0; d < 3; ++d)
        annotations_.push_back(metadata("!{" + ref + ", !\"" + dims[d] + "\", i32 " +
                                        std::to_string(f.fixed_block[d]) + "}"));
    } else if (f.max_block_threads) {
      // __launch_bounds__(N): PTX .maxntid N, 1, 1 bounds the product of the block's dimensions.
      annotations_.push_back(metadata("!{" + ref + ", !\"maxntidx\", i32 " +
                                      std::to_string(f.max_block_threads) + "}"));
    }
  }

  void region(RegionId r) {
    const std::vector<InstId>& insts = f_->region(r).insts;
    for (size_t k = 0; k < insts.size(); ++k) {
      if (terminated_) {
        // Code after a terminator is dead (V12 forbids it in verified IR); keep LLVM well formed.
        start_block(new_block("dead"));
      }
      region_ = r;
      position_ = k;
      inst(insts[k]);
      if (failed_) return;
    }
  }

  // Reads a kernel's block and thread ids at its start so that the PTX reads them in nvcc's
  // order. The PTX order steers ptxas's schedule of the S2R/ULDC reads that start every thread:
  // with gpuc's source order (e.g. `tid = threadIdx.x; gid = blockIdx.x * N + tid`) ptxas made
  // different SASS from nvcc's and the kernel ran slower (H100, same run: stencil_5pt 0.990 ->
  // 1.000 and prefix_scan 0.994 -> 1.000 of nvcc's speed with the PTX reads reordered). Taken:
  // each dimension whose %ctaid the straight-line code before the first if/loop reads, in the
  // order of those reads, with that code's %ntid, %ctaid and %tid reads of the dimension. The IR
  // order is x: ntid, ctaid, tid; y and z: ctaid, ntid, tid, which libNVVM (CUDA 13.0) schedules
  // as nvcc's PTX has them, %ntid before %ctaid in every dimension (stencil_5pt and
  // reduce_shared then assemble to nvcc's SASS; NvvmBackend.LaunchIdsAreReadInNvccsOrder checks
  // the PTX). The reads are pure: moving them to the kernel's start changes no result.
  void hoist_launch_ids(RegionId body) {
    InstId found[3][3];  // [ntid, ctaid, tid][dimension]
    std::vector<int> dims;
    for (InstId id : f_->region(body).insts) {
      const Inst& in = f_->inst(id);
      if (in.regions[0].valid() || ir::is_terminator(in.op)) break;
      int kind = -1, d = 0;
      auto within = [&](Op first, int k) {
        int i = static_cast<int>(in.op) - static_cast<int>(first);
        if (i >= 0 && i < 3) kind = k, d = i;
      };
      within(Op::BlockDimX, 0);
      within(Op::BlockIdX, 1);
      within(Op::ThreadIdX, 2);
      if (kind < 0 || found[kind][d].valid()) continue;
      found[kind][d] = id;
      if (kind == 1) dims.push_back(d);
    }
    region_ = body;
    position_ = 0;
    for (int d : dims)
      for (int kind : {d == 0 ? 0 : 1, d == 0 ? 1 : 0, 2}) {  // ntid/ctaid as above, then tid
        if (!found[kind][d].valid()) continue;
        const Inst& in = f_->inst(found[kind][d]);
        val_[in.result.index] = lower(in);
        lowered_early_.insert(found[kind][d].index);
      }
  }

  // --- instructions -----------------------------------------------------------------------------

  void inst(InstId id) {
    // Already lowered with an earlier instruction (sincos): its value is set.
    if (lowered_early_.count(id.index)) return;
    const Inst& in = f_->inst(id);
    if (in.loc.valid()) loc_ = in.loc;
    std::string r = lower(in);
    if (in.result.valid()) {
      GPUC_ASSERT(!r.empty() || failed_,
                  "NVVM writer: no value for " + ir::print_inst(m_, *f_, id));
      val_[in.result.index] = r.empty() ? "undef" : r;
    }
  }

  std::string lower(const Inst& in) {
    const auto& ops = in.operands;
    TypeId rt = in.type;
    switch (in.op) {
      case Op::Const:
        return scalar_literal(rt, in.imm);

      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
      case Op::Rem:
      case Op::Min:
      case Op::Max:
        return arith(in);
      case Op::Neg: {
        TypeId s = t_.scalar_of(rt);
        if (t_.is_float(s)) {
          if (modern_) return def("fneg " + typed(ops[0]));
          return def("fsub " + val_type(rt) + " " + splat(rt, scalar_literal(s, sign_bit(s))) +
                     ", " + v(ops[0]));
        }
        return def("sub " + val_type(rt) + " " + splat(rt, "0") + ", " + v(ops[0]));
      }
      case Op::And:
        return def("and " + typed(ops[0]) + ", " + v(ops[1]));
      case Op::Or:
        return def("or " + typed(ops[0]) + ", " + v(ops[1]));
      case Op::Xor:
        return def("xor " + typed(ops[0]) + ", " + v(ops[1]));
      case Op::Not: {
        TypeId s = t_.scalar_of(rt);
        return def("xor " + typed(ops[0]) + ", " + splat(rt, t_.is_bool(s) ? "true" : "-1"));
      }
      case Op::Shl:
        return def("shl " + typed(ops[0]) + ", " + v(ops[1]));
      case Op::Shr:
        return def((t_.is_signed_int_like(rt) ? "ashr " : "lshr ") + typed(ops[0]) + ", " +
                   v(ops[1]));

      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        return compare(in.op, ops[0], ops[1]);
      case Op::Select:
        return def("select " + typed(ops[0]) + ", " + typed(ops[1]) + ", " + typed(ops[2]));

      case Op::Convert:
        return convert(ops[0], rt);
      case Op::Bitcast:
        return bitcast(ops[0], rt);

      case Op::Abs: {
        TypeId s = t_.scalar_of(rt);
        if (t_.is_float(s)) return libdevice(in, "fabs");
        if (!info(s).is_signed) return v(ops[0]);
        std::string t = val_type(rt);
        std::string neg = def("sub " + t + " " + splat(rt, "0") + ", " + v(ops[0]));
        std::string lt = def("icmp slt " + t + " " + v(ops[0]) + ", " + splat(rt, "0"));
        return def("select " + with_scalar_i1(rt) + " " + lt + ", " + t + " " + neg + ", " + t +
                   " " + v(ops[0]));
      }
      case Op::Popcount:
      case Op::Clz:
      case Op::Ffs:
      case Op::Brev:
        return bit_op(in);
      case Op::MulHi:
        return mulhi(in);

      case Op::IsNan: {
        return def("fcmp uno " + typed(ops[0]) + ", " + v(ops[0]));
      }
      case Op::IsInf: {
        TypeId s = t_.scalar_of(type_of(ops[0]));
        std::string inf = scalar_literal(s, info(s).width == 16   ? 0x7C00
                                            : info(s).width == 32 ? 0x7F800000
                                                                  : 0x7FF0000000000000);
        // x == +inf || x == -inf (libNVVM has no llvm.fabs).
        std::string ninf = scalar_literal(s, (info(s).width == 16   ? 0xFC00
                                              : info(s).width == 32 ? 0xFF800000
                                                                    : 0xFFF0000000000000));
        std::string t = val_type(type_of(ops[0]));
        std::string pos =
            def("fcmp oeq " + t + " " + v(ops[0]) + ", " + splat(type_of(ops[0]), inf));
        std::string neg =
            def("fcmp oeq " + t + " " + v(ops[0]) + ", " + splat(type_of(ops[0]), ninf));
        return def("or " + with_scalar_i1(rt) + " " + pos + ", " + neg);
      }
      case Op::FastExp:
      case Op::FastLog:
      case Op::FastSin:
      case Op::FastCos:
      case Op::FastDiv:
        return fast_math(in);

      case Op::ThreadIdX:
        return sreg("tid.x", 0, block_bound(0));
      case Op::ThreadIdY:
        return sreg("tid.y", 0, block_bound(1));
      case Op::ThreadIdZ:
        return sreg("tid.z", 0, block_bound(2));
      case Op::BlockIdX:
        return sreg("ctaid.x", 0, kMaxGrid[0]);
      case Op::BlockIdY:
        return sreg("ctaid.y", 0, kMaxGrid[1]);
      case Op::BlockIdZ:
        return sreg("ctaid.z", 0, kMaxGrid[2]);
      case Op::BlockDimX:
        return block_dim(0, "ntid.x");
      case Op::BlockDimY:
        return block_dim(1, "ntid.y");
      case Op::BlockDimZ:
        return block_dim(2, "ntid.z");
      case Op::GridDimX:
        return sreg("nctaid.x", 1, uint64_t{kMaxGrid[0]} + 1);
      case Op::GridDimY:
        return sreg("nctaid.y", 1, uint64_t{kMaxGrid[1]} + 1);
      case Op::GridDimZ:
        return sreg("nctaid.z", 1, uint64_t{kMaxGrid[2]} + 1);
      case Op::LaneId:
        return sreg("laneid", 0, 32);
      case Op::WarpSize:
        // 32 on every architecture libNVVM targets (PTX's WARP_SZ); a constant lets libNVVM
        // unroll warp loops and turn `% warpSize` into a mask.
        return "32";

      case Op::Var: {
        TypeId pointee = t_.pointee(rt);
        std::string r = tmp();
        // A copy variable is a struct, so mem2reg makes struct phis of it (struct_copies.h).
        std::string type = copies_.is_copy_var(in.result) ? struct_of(pointee) : mem_type(pointee);
        allocas_ += "  " + r + " = alloca " + type + ", align " +
                    std::to_string(info(pointee).align) + "\n";
        return r;
      }
      case Op::Global:
        return global_ref(in.symbol);
      case Op::Load:
        if (copies_.is_copy_load(in.result)) return struct_load(ops[0], rt, in.align);
        return load(ops[0], rt, in.align);
      case Op::Store:
        if (copies_.is_copy_load(ops[1]) || copies_.is_copy_var(ops[0]))
          struct_store(ops[0], ops[1], in.align);
        else
          store(ops[0], ops[1], in.align);
        return "";
      case Op::Index: {
        TypeId pt = type_of(ops[0]);
        return def("getelementptr inbounds " + mem_type(t_.pointee(pt)) + ", " + typed(ops[0]) +
                   ", " + gep_index(ops[1], pt));
      }
      case Op::Elem:
        return elem(ops[0], ops[1], rt);
      case Op::Member: {
        TypeId pt = type_of(ops[0]);
        TypeId s = t_.pointee(pt);
        // Struct field indices are i32 constants (LLVM IR LangRef "getelementptr"); the leading
        // 0 is i32 too, which suits 32-bit shared pointers.
        return def("getelementptr inbounds " + mem_type(s) + ", " + typed(ops[0]) +
                   ", i32 0, i32 " +
                   std::to_string(struct_field(s, static_cast<uint32_t>(in.imm))));
      }
      case Op::PtrToInt:
        return def("ptrtoint " + typed(ops[0]) + " to i64");
      case Op::Extract:
        return extract(ops[0], static_cast<uint32_t>(in.imm), rt);
      case Op::Insert:
        return insert(ops[0], ops[1], static_cast<uint32_t>(in.imm));
      case Op::Construct:
        return construct(rt, ops);
      case Op::Shuffle:
        return swizzle(ops[0], in.imm, rt);

      case Op::Barrier:
        call("void", "llvm.nvvm.barrier0", {});
        return "";
      case Op::FenceBlock:
        call("void", "llvm.nvvm.membar.cta", {});
        return "";
      case Op::FenceDevice:
        call("void", "llvm.nvvm.membar.gl", {});
        return "";
      case Op::SyncWarp:
        call("void", "llvm.nvvm.bar.warp.sync", {{"i32", "-1"}});
        return "";

      case Op::AtomicAdd:
      case Op::AtomicSub:
      case Op::AtomicMin:
      case Op::AtomicMax:
      case Op::AtomicAnd:
      case Op::AtomicOr:
      case Op::AtomicXor:
      case Op::AtomicExch:
      case Op::AtomicInc:
        return atomic(in);
      case Op::AtomicCas:
        return atomic_cas(in);

      case Op::ShflIdx:
      case Op::ShflUp:
      case Op::ShflDown:
      case Op::ShflXor:
        return shuffle(in);
      case Op::Ballot:
        return call("i32", "llvm.nvvm.vote.ballot.sync",
                    {{"i32", active_mask()}, {"i1", v(ops[0])}});
      case Op::VoteAll:
        return call("i1", "llvm.nvvm.vote.all.sync", {{"i32", active_mask()}, {"i1", v(ops[0])}});
      case Op::VoteAny:
        return call("i1", "llvm.nvvm.vote.any.sync", {{"i32", active_mask()}, {"i1", v(ops[0])}});
      case Op::ActiveMask:
        return active_mask();

      case Op::Call: {
        const Function& callee = *m_.functions[in.symbol];
        std::string args;
        for (size_t k = 0; k < ops.size(); ++k) {
          TypeId at = type_of(ops[k]);
          args += (k ? ", " : "") + abi_type(at) + " " + to_abi(v(ops[k]), at);
        }
        std::string c =
            "call " + abi_type(callee.return_type) + " " + fn_names_[in.symbol] + "(" + args + ")";
        if (t_.is_void(callee.return_type)) {
          line(c);
          return "";
        }
        return from_abi(def(c), callee.return_type);
      }
      case Op::Sin:
      case Op::Cos:
        return sin_cos(in);
      case Op::If:
        lower_if(in);
        return "";
      case Op::Loop:
        lower_loop(in);
        return "";
      case Op::Break:
        GPUC_ASSERT(!loops_.empty(), "break outside a loop");
        terminate("br label %" + loops_.back().exit);
        return "";
      case Op::Continue:
        GPUC_ASSERT(!loops_.empty(), "continue outside a loop");
        terminate("br label %" + loops_.back().cont);
        return "";
      case Op::BreakIf:
        GPUC_ASSERT(!loops_.empty(), "break_if outside a loop");
        terminate("br i1 " + v(ops[0]) + ", label %" + loops_.back().exit + ", label %" +
                  loops_.back().header + loops_.back().loop_md);
        return "";
      case Op::Return:
        if (f_->is_kernel() || ops.empty())
          terminate("ret void");
        else
          terminate("ret " + abi_type(type_of(ops[0])) + " " + to_abi(v(ops[0]), type_of(ops[0])));
        return "";
      case Op::Unreachable:
        terminate("unreachable");
        return "";
      default:
        if (const char* base = libdevice_name(in.op)) return libdevice(in, base);
        fail("the NVVM backend does not support the op '" + std::string(ir::op_name(in.op)) +
             "' yet");
        return "";
    }
  }

  static uint64_t sign_bit_of_width(uint32_t w) { return uint64_t{1} << (w - 1); }
  uint64_t sign_bit(TypeId s) const { return sign_bit_of_width(info(s).width); }

  std::string llvm_suffix(TypeId s) const {
    const TypeInfo& i = info(s);
    return (i.kind == TypeKind::Float ? "f" : "i") + std::to_string(i.width);
  }
  std::string with_scalar_i1(TypeId t) const {
    return t_.is_vector(t) ? "<" + std::to_string(info(t).count) + " x i1>" : "i1";
  }

  // The typed getelementptr index for `index` into memory behind a pointer of type `ptr_type`:
  // the pointer's index width, i64, or i32 for shared memory (kDataLayout's p3:32). A narrower
  // index is sign- or zero-extended by its type; a 64-bit index into shared memory is truncated,
  // which is exact for every in-bounds index (a shared array is smaller than 4 GiB) and is what
  // LLVM does with a wider index anyway (LangRef "getelementptr": indices are converted to the
  // pointer's index width). An unsigned 32-bit index taken as signed gives the same address: the
  // offset arithmetic of a 32-bit pointer is modulo 2^32.
  std::string gep_index(ValueId index, TypeId ptr_type) {
    TypeId t = type_of(index);
    uint32_t w = info(t).width;
    if (t_.space(ptr_type) == AddressSpace::Shared) {
      if (w == 32) return "i32 " + v(index);
      if (w > 32) return "i32 " + def("trunc " + typed(index) + " to i32");
      return "i32 " + def((info(t).is_signed ? "sext " : "zext ") + typed(index) + " to i32");
    }
    if (w == 64) return "i64 " + v(index);
    return "i64 " + def((info(t).is_signed ? "sext " : "zext ") + typed(index) + " to i64");
  }
  // The leading zero index of a getelementptr into an aggregate, in the same width.
  std::string gep_zero(TypeId ptr_type) const {
    return t_.space(ptr_type) == AddressSpace::Shared ? "i32 0" : "i64 0";
  }

  std::string arith(const Inst& in) {
    TypeId t = in.type;
    TypeId s = t_.scalar_of(t);
    const auto& ops = in.operands;
    std::string a = typed(ops[0]) + ", " + v(ops[1]);
    if (t_.is_float(s)) {
      switch (in.op) {
        case Op::Add:
          return def("fadd " + a);
        case Op::Sub:
          return def("fsub " + a);
        case Op::Mul:
          return def("fmul " + a);
        case Op::Div:
          return def("fdiv " + a);
        case Op::Rem:
          return libdevice(in, "fmod");
        case Op::Min:
        case Op::Max: {
          // fminf/fmaxf: the non-NaN operand wins (llvm.minnum/maxnum; PTX min.f32/max.f32).
          std::string name = (in.op == Op::Min ? "llvm.minnum." : "llvm.maxnum.") + llvm_suffix(s);
          return lanewise(t, ops, [&](const std::vector<std::string>& x) {
            std::string ft = scalar_type(s);
            return call(ft, name, {{ft, x[0]}, {ft, x[1]}});
          });
        }
        default:
          break;
      }
    } else {
      bool is_signed = info(s).is_signed;
      // C: signed overflow is undefined (nsw) for int and long long; narrower types wrap after
      // the promotions the frontend already applied.
      std::string nsw = is_signed && info(s).width >= 32 ? " nsw " : " ";
      switch (in.op) {
        case Op::Add:
          return def("add" + nsw + a);
        case Op::Sub:
          return def("sub" + nsw + a);
        case Op::Mul:
          return def("mul" + nsw + a);
        case Op::Div:
          return def((is_signed ? "sdiv " : "udiv ") + a);
        case Op::Rem:
          return def((is_signed ? "srem " : "urem ") + a);
        case Op::Min:
        case Op::Max: {
          std::string pred = std::string(in.op == Op::Min ? (is_signed ? "slt" : "ult")
                                                          : (is_signed ? "sgt" : "ugt"));
          std::string c = def("icmp " + pred + " " + a);
          return def("select " + with_scalar_i1(t) + " " + c + ", " + typed(ops[0]) + ", " +
                     typed(ops[1]));
        }
        default:
          break;
      }
    }
    GPUC_UNREACHABLE("arith");
  }

  std::string compare(Op op, ValueId a, ValueId b) {
    TypeId s = t_.scalar_of(type_of(a));
    std::string pred;
    if (t_.is_float(s)) {
      // C comparisons: ordered, except != which is true for NaN operands.
      switch (op) {
        case Op::Eq:
          pred = "oeq";
          break;
        case Op::Ne:
          pred = "une";
          break;
        case Op::Lt:
          pred = "olt";
          break;
        case Op::Le:
          pred = "ole";
          break;
        case Op::Gt:
          pred = "ogt";
          break;
        default:
          pred = "oge";
          break;
      }
      return def("fcmp " + pred + " " + typed(a) + ", " + v(b));
    }
    bool sg = t_.is_int(s) && info(s).is_signed;
    switch (op) {
      case Op::Eq:
        pred = "eq";
        break;
      case Op::Ne:
        pred = "ne";
        break;
      case Op::Lt:
        pred = sg ? "slt" : "ult";
        break;
      case Op::Le:
        pred = sg ? "sle" : "ule";
        break;
      case Op::Gt:
        pred = sg ? "sgt" : "ugt";
        break;
      default:
        pred = sg ? "sge" : "uge";
        break;
    }
    return def("icmp " + pred + " " + typed(a) + ", " + v(b));
  }

  std::string convert(ValueId x, TypeId to) {
    TypeId from = type_of(x);
    TypeId fs = t_.scalar_of(from), ts = t_.scalar_of(to);
    const TypeInfo& fi = info(fs);
    const TypeInfo& ti = info(ts);
    std::string tt = val_type(to);
    if (val_type(from) == tt) return v(x);  // i32 <-> u32, same float width: no instruction
    std::string src = typed(x);
    if (fi.kind == TypeKind::Bool) {
      if (ti.kind == TypeKind::Int) return def("zext " + src + " to " + tt);
      return def("uitofp " + src + " to " + tt);
    }
    if (ti.kind == TypeKind::Bool) {
      if (fi.kind == TypeKind::Float)
        return def("fcmp une " + src + ", " + splat(from, zero_literal(fs)));
      return def("icmp ne " + src + ", " + splat(from, "0"));
    }
    if (fi.kind == TypeKind::Int && ti.kind == TypeKind::Int) {
      if (ti.width < fi.width) return def("trunc " + src + " to " + tt);
      return def((fi.is_signed ? "sext " : "zext ") + src + " to " + tt);
    }
    if (fi.kind == TypeKind::Int)
      return def((fi.is_signed ? "sitofp " : "uitofp ") + src + " to " + tt);
    if (ti.kind == TypeKind::Int)
      return def((ti.is_signed ? "fptosi " : "fptoui ") + src + " to " + tt);
    return def((ti.width > fi.width ? "fpext " : "fptrunc ") + src + " to " + tt);
  }

  std::string bitcast(ValueId x, TypeId to) {
    TypeId from = type_of(x);
    if (val_type(from) == val_type(to)) return v(x);
    std::string src = v(x);
    // Bools have no bit-level form of their own: go through their i8 memory form.
    if (t_.is_bool_like(from)) src = to_mem(src, from);
    std::string from_t = t_.is_bool_like(from) ? mem_type_of_value(from) : val_type(from);
    std::string to_t = t_.is_bool_like(to) ? mem_type_of_value(to) : val_type(to);
    std::string r = from_t == to_t ? src : def("bitcast " + from_t + " " + src + " to " + to_t);
    if (t_.is_bool_like(to)) {
      if (t_.is_vector(to)) {
        std::string n = std::to_string(info(to).count);
        return def("trunc <" + n + " x i8> " + r + " to <" + n + " x i1>");
      }
      return def("trunc i8 " + r + " to i1");
    }
    return r;
  }
  // The <N x i8> / i8 form of a bool-like value (vec3 kept as a vector here).
  std::string mem_type_of_value(TypeId t) const {
    if (t_.is_vector(t)) return "<" + std::to_string(info(t).count) + " x i8>";
    return "i8";
  }

  std::string bit_op(const Inst& in) {
    TypeId src_t = type_of(in.operands[0]);
    TypeId s = t_.scalar_of(src_t);
    uint32_t w = info(s).width;
    return lanewise(in.type, in.operands, [&](const std::vector<std::string>& x) -> std::string {
      std::string it = "i" + std::to_string(w);
      // Narrow types go through i32 (zero-extended).
      std::string x32 = w < 32 ? def("zext " + it + " " + x[0] + " to i32") : x[0];
      uint32_t ww = std::max<uint32_t>(w, 32);
      std::string wt = "i" + std::to_string(ww);
      auto to_i32 = [&](const std::string& r) {
        return ww == 64 ? def("trunc i64 " + r + " to i32") : r;
      };
      switch (in.op) {
        case Op::Popcount:
          return to_i32(call(wt, "llvm.ctpop." + wt, {{wt, x32}}));
        case Op::Clz: {
          std::string c = to_i32(call(wt, "llvm.ctlz." + wt, {{wt, x32}, {"i1", "false"}}));
          if (w < 32) return def("sub i32 " + c + ", " + std::to_string(32 - w));
          return c;
        }
        case Op::Ffs: {
          // 1-based index of the lowest set bit; 0 for 0.
          std::string tz = to_i32(call(wt, "llvm.cttz." + wt, {{wt, x32}, {"i1", "true"}}));
          std::string one = def("add i32 " + tz + ", 1");
          std::string z = def("icmp eq " + wt + " " + x32 + ", 0");
          return def("select i1 " + z + ", i32 0, i32 " + one);
        }
        case Op::Brev: {
          std::string r = call(wt, "llvm.bitreverse." + wt, {{wt, x32}});
          if (w < 32) {
            std::string sh = def("lshr i32 " + r + ", " + std::to_string(32 - w));
            return def("trunc i32 " + sh + " to " + it);
          }
          return r;
        }
        default:
          GPUC_UNREACHABLE("bit_op");
      }
    });
  }

  std::string mulhi(const Inst& in) {
    TypeId s = t_.scalar_of(in.type);
    uint32_t w = info(s).width;
    bool sg = info(s).is_signed;
    return lanewise(in.type, in.operands, [&](const std::vector<std::string>& x) -> std::string {
      if (w == 32)
        return call("i32", sg ? "llvm.nvvm.mulhi.i" : "llvm.nvvm.mulhi.ui",
                    {{"i32", x[0]}, {"i32", x[1]}});
      if (w == 64)
        return call("i64", sg ? "llvm.nvvm.mulhi.ll" : "llvm.nvvm.mulhi.ull",
                    {{"i64", x[0]}, {"i64", x[1]}});
      std::string it = "i" + std::to_string(w);
      std::string ext = sg ? "sext " : "zext ";
      std::string a = def(ext + it + " " + x[0] + " to i32");
      std::string b = def(ext + it + " " + x[1] + " to i32");
      std::string p = def("mul i32 " + a + ", " + b);
      std::string h = def("lshr i32 " + p + ", " + std::to_string(w));
      return def("trunc i32 " + h + " to " + it);
    });
  }

  // A libdevice call: __nv_<base>f for f32, __nv_<base> for f64; f16 computes in f32.
  std::string libdevice(const Inst& in, const std::string& base) {
    TypeId s = t_.scalar_of(in.type);
    uint32_t w = info(s).width;
    std::string name = "__nv_" + base + (w == 64 ? "" : "f");
    std::string ct = w == 64 ? "double" : "float";
    return lanewise(in.type, in.operands, [&](const std::vector<std::string>& x) {
      std::vector<std::pair<std::string, std::string>> args;
      for (const std::string& a : x)
        args.push_back({ct, w == 16 ? def("fpext half " + a + " to float") : a});
      std::string r = call(ct, name, args);
      return w == 16 ? def("fptrunc float " + r + " to half") : r;
    });
  }

  // sin and cos of one scalar value in one region (what the frontend makes of sincosf(x, &s, &c),
  // or of sinf(x) next to cosf(x)) become one libdevice __nv_sincosf / __nv_sincos call, as nvcc
  // does for sincosf: one argument reduction instead of two (sincos_polar: 263 -> 169 PTX lines,
  // nvcc's 171).
  // The later instruction of the pair takes its value here and is skipped when reached (the
  // call sits at the earlier one, which dominates it). Otherwise a plain __nv_sinf / __nv_cosf.
  std::string sin_cos(const Inst& in) {
    const char* base = in.op == Op::Sin ? "sin" : "cos";
    TypeId t = in.type;
    if (!t_.is_float(t) || info(t).width == 16) return libdevice(in, base);
    Op partner_op = in.op == Op::Sin ? Op::Cos : Op::Sin;
    const std::vector<InstId>& insts = f_->region(region_).insts;
    for (size_t k = position_ + 1; k < insts.size(); ++k) {
      const Inst& partner = f_->inst(insts[k]);
      if (partner.op != partner_op || partner.type != t || partner.operands[0] != in.operands[0])
        continue;
      bool f64 = info(t).width == 64;
      std::string ft = f64 ? "double" : "float";
      std::string align = f64 ? "8" : "4";
      std::string sp = tmp(), cp = tmp();
      allocas_ += "  " + sp + " = alloca " + ft + ", align " + align + "\n";
      allocas_ += "  " + cp + " = alloca " + ft + ", align " + align + "\n";
      std::string pt = ptr_of(ft, 0);
      call("void", f64 ? "__nv_sincos" : "__nv_sincosf",
           {{ft, v(in.operands[0])}, {pt, sp}, {pt, cp}});
      std::string sv = def("load " + ft + ", " + pt + " " + sp + ", align " + align);
      std::string cv = def("load " + ft + ", " + pt + " " + cp + ", align " + align);
      val_[partner.result.index] = in.op == Op::Sin ? cv : sv;
      lowered_early_.insert(insts[k].index);
      return in.op == Op::Sin ? sv : cv;
    }
    return libdevice(in, base);
  }

  // CUDA's fast intrinsics (__expf ...): libdevice's __nv_fast_* for f32; double has none, so
  // the accurate function (or a plain fdiv) is used.
  std::string fast_math(const Inst& in) {
    TypeId s = t_.scalar_of(in.type);
    if (info(s).width != 32) {
      switch (in.op) {
        case Op::FastExp:
          return libdevice(in, "exp");
        case Op::FastLog:
          return libdevice(in, "log");
        case Op::FastSin:
          return libdevice(in, "sin");
        case Op::FastCos:
          return libdevice(in, "cos");
        default:
          return def("fdiv " + typed(in.operands[0]) + ", " + v(in.operands[1]));
      }
    }
    const char* base = in.op == Op::FastExp   ? "fast_exp"
                       : in.op == Op::FastLog ? "fast_log"
                       : in.op == Op::FastSin ? "fast_sin"
                       : in.op == Op::FastCos ? "fast_cos"
                                              : "fast_fdivide";
    return libdevice(in, base);
  }

  // Reads a PTX special register whose value lies in [lo, hi), telling libNVVM so with `!range`
  // metadata (LLVM LangRef "'range' Metadata"; the bounds are the PTX ISA's, or the kernel's
  // block shape). With %tid bounded, libNVVM computes the block-reduction predicates
  // (`tid.x < s`) once and keeps them across barriers instead of reading %tid.x again and
  // recomputing them: softmax_row's PTX becomes nvcc's (394 instructions, was 419).
  std::string sreg(const std::string& name, uint64_t lo, uint64_t hi) {
    std::string fn = "llvm.nvvm.read.ptx.sreg." + name;
    declare(fn, "declare i32 @" + fn + "()");
    return def("call i32 @" + fn + "(), !range !" + range_metadata(lo, hi));
  }
  // One metadata node per distinct range. A bound of 2^31 is written as the i32 it wraps to
  // (LangRef: the pair is read as a half-open range of i32 values that may wrap).
  std::string range_metadata(uint64_t lo, uint64_t hi) {
    std::string key = std::to_string(lo) + "," + std::to_string(hi);
    auto it = ranges_.find(key);
    if (it != ranges_.end()) return it->second;
    std::string body = "!{i32 " + std::to_string(static_cast<int32_t>(static_cast<uint32_t>(lo))) +
                       ", i32 " + std::to_string(static_cast<int32_t>(static_cast<uint32_t>(hi))) +
                       "}";
    return ranges_[key] = metadata(body);
  }
  // Exclusive bound of %tid.d in this function (%tid.d < %ntid.d): the fixed block's extent, or
  // else __launch_bounds__'s N (PTX ISA ".maxntid": the product of the extents is at most N), or
  // else the hardware's (PTX ISA "Special Registers": %ntid.x/y <= 1024, %ntid.z <= 64). Device
  // functions take the hardware's: they may be called from any kernel.
  uint64_t block_bound(int d) const {
    uint64_t hw = d == 2 ? 64 : 1024;
    if (!f_->is_kernel()) return hw;
    if (f_->has_fixed_block()) return f_->fixed_block[d];
    if (f_->max_block_threads) return std::min<uint64_t>(hw, f_->max_block_threads);
    return hw;
  }
  std::string block_dim(int d, const std::string& name) {
    // A kernel with a fixed block shape knows blockDim at compile time. Otherwise %ntid is read
    // without a range: with one, libNVVM can count the trips of `i += blockDim.x` loops and
    // unrolls them four times with a remainder loop, which nvcc does not do (histogram: 51 -> 144
    // PTX instructions, 14 -> 22 registers, for loops that run once or twice per thread).
    if (f_->is_kernel() && f_->has_fixed_block()) return std::to_string(f_->fixed_block[d]);
    std::string fn = "llvm.nvvm.read.ptx.sreg." + name;
    return call("i32", fn, {});
  }

  // p as a pointer to the <N x T> memory form of a vector (bool vectors: <N x i8>; vec3 goes
  // lane by lane, vec3_lane_pointers).
  std::string vector_pointer(ValueId p, TypeId pointee) {
    const TypeInfo& i = info(pointee);
    int as = nvvm_address_space(t_.space(type_of(p)));
    std::string vt = "<" + std::to_string(i.count) + " x " + mem_scalar(i.element) + ">";
    if (modern_) return v(p);
    return def("bitcast " + typed(p) + " to " + ptr_of(vt, as));
  }

  // Pointers to the three lanes of a vec3 in memory ([3 x T]; p's pointee may be any type).
  std::array<std::string, 3> vec3_lane_pointers(ValueId p, TypeId vec3) {
    int as = nvvm_address_space(t_.space(type_of(p)));
    std::string et = mem_scalar(info(vec3).element);
    std::string ep = modern_ ? v(p) : def("bitcast " + typed(p) + " to " + ptr_of(et, as));
    std::string width = t_.space(type_of(p)) == AddressSpace::Shared ? "i32 " : "i64 ";
    std::array<std::string, 3> lanes{ep, "", ""};
    for (uint32_t k = 1; k < 3; ++k)
      lanes[k] = def("getelementptr inbounds " + et + ", " + ptr_of(et, as) + " " + ep + ", " +
                     width + std::to_string(k));
    return lanes;
  }
  // Alignment of lane k of a vec3 whose first lane is `align`-aligned.
  uint32_t vec3_lane_align(TypeId vec3, uint32_t align, uint32_t k) const {
    return k == 0 ? align : std::gcd(align, k * info(info(vec3).element).size);
  }

  // --- vec2/vec4 copies as structs (struct_copies.h) ---

  // CUDA's struct for a vec2/vec4: float4 is `{ float, float, float, float }`.
  std::string struct_of(TypeId vec) const {
    const TypeInfo& i = info(vec);
    std::string lanes;
    for (uint32_t k = 0; k < i.count; ++k) lanes += (k ? ", " : "") + mem_scalar(i.element);
    return "{ " + lanes + " }";
  }
  // p as a pointer to that struct: a copy variable's alloca is one already.
  std::string struct_pointer(ValueId p, TypeId vec) {
    if (modern_ || copies_.is_copy_var(p)) return v(p);
    int as = nvvm_address_space(t_.space(type_of(p)));
    return def("bitcast " + typed(p) + " to " + ptr_of(struct_of(vec), as));
  }
  std::string struct_load(ValueId p, TypeId t, uint32_t align) {
    std::string st = struct_of(t);
    std::string sp = struct_pointer(p, t);
    int as = nvvm_address_space(t_.space(type_of(p)));
    return def("load " + st + ", " + ptr_of(st, as) + " " + sp + ", align " +
               std::to_string(align ? align : info(t).align));
  }
  // Stores a copy load's struct as it is, any other value lane by lane into a struct value.
  void struct_store(ValueId p, ValueId value, uint32_t align) {
    TypeId t = type_of(value);
    std::string st = struct_of(t);
    std::string x = v(value);
    if (!copies_.is_copy_load(value))
      x = aggregate_of_lanes(typed(value), info(t).count, st, mem_scalar(info(t).element));
    std::string sp = struct_pointer(p, t);
    int as = nvvm_address_space(t_.space(type_of(p)));
    line("store " + st + " " + x + ", " + ptr_of(st, as) + " " + sp + ", align " +
         std::to_string(align ? align : info(t).align));
  }

  std::string load(ValueId p, TypeId t, uint32_t align) {
    std::string a = ", align " + std::to_string(align ? align : info(t).align);
    if (t_.is_vector(t) && info(t).count == 3) {
      // A vec3 is loaded lane by lane, as nvcc copies a float3: a whole `<3 x T>` access lets
      // libNVVM's SROA keep a vec3 local as one <3 x T> value, and its loop strength reduction
      // then picks other induction variables (nbody_step's tile loop: a pointer IV where nvcc
      // keeps the index, 2% slower; docs/nvvm-backend.md).
      const TypeInfo& i = info(t);
      uint32_t base = align ? align : i.align;
      std::string ms = mem_scalar(i.element);
      std::string vs = scalar_type(i.element);
      std::string pt = ptr_of(ms, nvvm_address_space(t_.space(type_of(p))));
      std::array<std::string, 3> lanes = vec3_lane_pointers(p, t);
      std::string x = "undef";
      for (uint32_t k = 0; k < 3; ++k) {
        std::string e = def("load " + ms + ", " + pt + " " + lanes[k] + ", align " +
                            std::to_string(vec3_lane_align(t, base, k)));
        if (t_.is_bool(i.element)) e = def("trunc i8 " + e + " to i1");
        x = def("insertelement <3 x " + vs + "> " + x + ", " + vs + " " + e + ", i32 " +
                std::to_string(k));
      }
      return x;
    }
    if (t_.is_vector(t) && needs_repr_change(t)) {
      const TypeInfo& i = info(t);
      int as = nvvm_address_space(t_.space(type_of(p)));
      std::string vt = "<" + std::to_string(i.count) + " x " + mem_scalar(i.element) + ">";
      std::string vp = vector_pointer(p, t);
      std::string x = def("load " + vt + ", " + ptr_of(vt, as) + " " + vp + a);
      if (t_.is_bool(i.element)) {
        std::string n = std::to_string(i.count);
        return def("trunc <" + n + " x i8> " + x + " to <" + n + " x i1>");
      }
      return x;
    }
    std::string x = def("load " + mem_type(t) + ", " + typed(p) + a);
    return to_val(x, t);
  }

  void store(ValueId p, ValueId value, uint32_t align) {
    TypeId t = type_of(value);
    std::string a = ", align " + std::to_string(align ? align : info(t).align);
    if (t_.is_vector(t) && info(t).count == 3) {
      // Lane by lane, as load() reads a vec3.
      const TypeInfo& i = info(t);
      uint32_t base = align ? align : i.align;
      std::string ms = mem_scalar(i.element);
      std::string pt = ptr_of(ms, nvvm_address_space(t_.space(type_of(p))));
      std::array<std::string, 3> lanes = vec3_lane_pointers(p, t);
      for (uint32_t k = 0; k < 3; ++k) {
        std::string e = def("extractelement " + typed(value) + ", i32 " + std::to_string(k));
        if (t_.is_bool(i.element)) e = def("zext i1 " + e + " to i8");
        line("store " + ms + " " + e + ", " + pt + " " + lanes[k] + ", align " +
             std::to_string(vec3_lane_align(t, base, k)));
      }
      return;
    }
    if (t_.is_vector(t) && needs_repr_change(t)) {
      const TypeInfo& i = info(t);
      int as = nvvm_address_space(t_.space(type_of(p)));
      std::string n = std::to_string(i.count);
      std::string vt = "<" + n + " x " + mem_scalar(i.element) + ">";
      std::string x = v(value);
      if (t_.is_bool(i.element)) x = def("zext <" + n + " x i1> " + x + " to " + vt);
      std::string vp = vector_pointer(p, t);
      line("store " + vt + " " + x + ", " + ptr_of(vt, as) + " " + vp + a);
      return;
    }
    line("store " + mem_type(t) + " " + to_mem(v(value), t) + ", " + typed(p) + a);
  }

  std::string elem(ValueId p, ValueId index, TypeId result) {
    TypeId pt = type_of(p);
    TypeId agg = t_.pointee(pt);
    const TypeInfo& ai = info(agg);
    std::string idx = gep_index(index, pt);
    if (ai.kind == TypeKind::Vector && ai.count != 3) {
      // <N x T> in memory: index its elements through a pointer to the element type.
      int as = nvvm_address_space(t_.space(pt));
      std::string et = mem_scalar(ai.element);
      std::string ep = modern_ ? v(p) : def("bitcast " + typed(p) + " to " + ptr_of(et, as));
      return def("getelementptr inbounds " + et + ", " + ptr_of(et, as) + " " + ep + ", " + idx);
    }
    return def("getelementptr inbounds " + mem_type(agg) + ", " + typed(p) + ", " + gep_zero(pt) +
               ", " + idx);
  }

  std::string extract(ValueId agg, uint32_t k, TypeId rt) {
    TypeId at = type_of(agg);
    const TypeInfo& ai = info(at);
    if (ai.kind == TypeKind::Vector)
      return def("extractelement " + typed(agg) + ", i32 " + std::to_string(k));
    unsigned field = ai.kind == TypeKind::Struct ? struct_field(at, k) : k;
    std::string x = def("extractvalue " + typed(agg) + ", " + std::to_string(field));
    return to_val(x, rt);
  }

  std::string insert(ValueId agg, ValueId part, uint32_t k) {
    TypeId at = type_of(agg);
    const TypeInfo& ai = info(at);
    if (ai.kind == TypeKind::Vector)
      return def("insertelement " + typed(agg) + ", " + typed(part) + ", i32 " + std::to_string(k));
    TypeId pt = type_of(part);
    unsigned field = ai.kind == TypeKind::Struct ? struct_field(at, k) : k;
    std::string x = to_mem(v(part), pt);
    return def("insertvalue " + typed(agg) + ", " + mem_type(pt) + " " + x + ", " +
               std::to_string(field));
  }

  std::string construct(TypeId t, const std::vector<ValueId>& parts) {
    const TypeInfo& i = info(t);
    std::string tt = val_type(t);
    std::string acc = "undef";
    if (i.kind == TypeKind::Vector) {
      // Parts are scalars or smaller vectors, their lanes taken in order.
      std::string es = scalar_type(i.element);
      uint32_t lane = 0;
      for (ValueId p : parts) {
        TypeId pt = type_of(p);
        uint32_t n = t_.lanes(pt);
        for (uint32_t k = 0; k < n && lane < i.count; ++k, ++lane) {
          std::string x = t_.is_vector(pt)
                              ? def("extractelement " + typed(p) + ", i32 " + std::to_string(k))
                              : v(p);
          acc = def("insertelement " + tt + " " + acc + ", " + es + " " + x + ", i32 " +
                    std::to_string(lane));
        }
      }
      return acc;
    }
    for (uint32_t k = 0; k < parts.size(); ++k) {
      TypeId pt = type_of(parts[k]);
      unsigned field = i.kind == TypeKind::Struct ? struct_field(t, k) : k;
      acc = def("insertvalue " + tt + " " + acc + ", " + mem_type(pt) + " " +
                to_mem(v(parts[k]), pt) + ", " + std::to_string(field));
    }
    return acc;
  }

  std::string swizzle(ValueId x, uint64_t pattern, TypeId rt) {
    uint32_t n = t_.lanes(rt);
    if (!t_.is_vector(rt))
      return def("extractelement " + typed(x) + ", i32 " + std::to_string(pattern & 0xF));
    std::string mask = "<";
    for (uint32_t k = 0; k < n; ++k)
      mask += (k ? ", i32 " : "i32 ") + std::to_string((pattern >> (4 * k)) & 0xF);
    mask += ">";
    std::string xt = val_type(type_of(x));
    return def("shufflevector " + xt + " " + v(x) + ", " + xt + " undef, <" + std::to_string(n) +
               " x i32> " + mask);
  }

  // --- atomics ----------------------------------------------------------------------------------

  std::string atomic(const Inst& in) {
    ValueId p = in.operands[0], x = in.operands[1];
    TypeId t = type_of(x);
    const TypeInfo& ti = info(t);
    int as = nvvm_address_space(t_.space(type_of(p)));
    std::string ty = val_type(t);
    bool sg = ti.kind == TypeKind::Int && ti.is_signed;
    // CUDA's atomic* functions are relaxed device-scope atomics: `monotonic`.
    auto rmw = [&](const std::string& op) {
      return def("atomicrmw " + op + " " + typed(p) + ", " + typed(x) + " monotonic");
    };
    switch (in.op) {
      case Op::AtomicAdd:
        if (ti.kind == TypeKind::Float) {
          // LLVM 7 has no `atomicrmw fadd`; libNVVM's typed dialect reads the NVVM intrinsic.
          if (modern_) return rmw("fadd");
          std::string sfx = llvm_suffix(t);
          return call(ty, "llvm.nvvm.atomic.load.add." + sfx + ".p" + std::to_string(as) + sfx,
                      {{typed_ptr(p), v(p)}, {ty, v(x)}});
        }
        return rmw("add");
      case Op::AtomicSub:
        return rmw("sub");
      case Op::AtomicMin:
        return rmw(sg ? "min" : "umin");
      case Op::AtomicMax:
        return rmw(sg ? "max" : "umax");
      case Op::AtomicAnd:
        return rmw("and");
      case Op::AtomicOr:
        return rmw("or");
      case Op::AtomicXor:
        return rmw("xor");
      case Op::AtomicExch:
        if (ti.kind == TypeKind::Float) {
          // atomicrmw xchg takes integers only in LLVM 7: exchange the bits.
          std::string it = "i" + std::to_string(ti.width);
          std::string ip = modern_ ? v(p) : def("bitcast " + typed(p) + " to " + ptr_of(it, as));
          std::string bits = def("bitcast " + typed(x) + " to " + it);
          std::string old = def("atomicrmw xchg " + ptr_of(it, as) + " " + ip + ", " + it + " " +
                                bits + " monotonic");
          return def("bitcast " + it + " " + old + " to " + ty);
        }
        return rmw("xchg");
      case Op::AtomicInc: {
        std::string name =
            "llvm.nvvm.atomic.load.inc.32.p" + std::to_string(as) + (modern_ ? "" : "i32");
        return call("i32", name, {{typed_ptr(p), v(p)}, {"i32", v(x)}});
      }
      default:
        GPUC_UNREACHABLE("atomic");
    }
  }
  std::string typed_ptr(ValueId p) const { return val_type(type_of(p)); }

  std::string atomic_cas(const Inst& in) {
    ValueId p = in.operands[0], cmp = in.operands[1], x = in.operands[2];
    TypeId t = type_of(x);
    const TypeInfo& ti = info(t);
    int as = nvvm_address_space(t_.space(type_of(p)));
    if (ti.kind == TypeKind::Float) {
      std::string it = "i" + std::to_string(ti.width);
      std::string ip = modern_ ? v(p) : def("bitcast " + typed(p) + " to " + ptr_of(it, as));
      std::string c = def("bitcast " + typed(cmp) + " to " + it);
      std::string n = def("bitcast " + typed(x) + " to " + it);
      std::string pair = def("cmpxchg " + ptr_of(it, as) + " " + ip + ", " + it + " " + c + ", " +
                             it + " " + n + " monotonic monotonic");
      std::string old = def("extractvalue { " + it + ", i1 } " + pair + ", 0");
      return def("bitcast " + it + " " + old + " to " + val_type(t));
    }
    std::string pair =
        def("cmpxchg " + typed(p) + ", " + typed(cmp) + ", " + typed(x) + " monotonic monotonic");
    return def("extractvalue { " + val_type(t) + ", i1 } " + pair + ", 0");
  }

  // --- warp ops ----------------------------------------------------------------------------------

  // The lanes taking part: the threads active here (as SPIR-V's non-uniform group ops do).
  std::string active_mask() {
    return def("call i32 asm sideeffect \"activemask.b32 $0;\", \"=r\"()");
  }

  std::string shuffle(const Inst& in) {
    const char* mode = in.op == Op::ShflIdx    ? "idx"
                       : in.op == Op::ShflUp   ? "up"
                       : in.op == Op::ShflDown ? "down"
                                               : "bfly";
    // PTX shfl.sync's c operand: clamp 31 (whole warp) for idx/down/bfly, 0 for up.
    std::string c = in.op == Op::ShflUp ? "0" : "31";
    ValueId lane = in.operands[1];
    std::string mask = active_mask();
    std::string name = std::string("llvm.nvvm.shfl.sync.") + mode + ".i32";
    auto shfl32 = [&](const std::string& x) {
      return call("i32", name, {{"i32", mask}, {"i32", x}, {"i32", v(lane)}, {"i32", c}});
    };
    TypeId s = t_.scalar_of(in.type);
    const TypeInfo& si = info(s);
    return lanewise(in.type, {in.operands[0]}, [&](const std::vector<std::string>& x) {
      std::string st = scalar_type(s);
      uint32_t w = si.kind == TypeKind::Bool ? 1 : si.width;
      if (w == 64) {
        // 64-bit values move as two 32-bit halves.
        std::string bits =
            si.kind == TypeKind::Float ? def("bitcast double " + x[0] + " to i64") : x[0];
        std::string lo = def("trunc i64 " + bits + " to i32");
        std::string hi64 = def("lshr i64 " + bits + ", 32");
        std::string hi = def("trunc i64 " + hi64 + " to i32");
        std::string lo2 = def("zext i32 " + shfl32(lo) + " to i64");
        std::string hi2 = def("zext i32 " + shfl32(hi) + " to i64");
        std::string hs = def("shl i64 " + hi2 + ", 32");
        std::string r = def("or i64 " + hs + ", " + lo2);
        return si.kind == TypeKind::Float ? def("bitcast i64 " + r + " to double") : r;
      }
      if (w == 32) {
        std::string bits =
            si.kind == TypeKind::Float ? def("bitcast float " + x[0] + " to i32") : x[0];
        std::string r = shfl32(bits);
        return si.kind == TypeKind::Float ? def("bitcast i32 " + r + " to float") : r;
      }
      // bool, 8- and 16-bit values: widen to 32 bits and back.
      std::string it = si.kind == TypeKind::Float ? "i16" : st;
      std::string bits =
          si.kind == TypeKind::Float ? def("bitcast half " + x[0] + " to i16") : x[0];
      std::string wide = def("zext " + it + " " + bits + " to i32");
      std::string r = def("trunc i32 " + shfl32(wide) + " to " + it);
      return si.kind == TypeKind::Float ? def("bitcast i16 " + r + " to half") : r;
    });
  }

  // --- control flow ---------------------------------------------------------------------------

  void lower_if(const Inst& in) {
    RegionId then_r = in.regions[0], else_r = in.regions[1];
    bool has_else = else_r.valid() && !f_->region(else_r).insts.empty();
    std::string then_b = new_block("then");
    std::string else_b = has_else ? new_block("else") : "";
    std::string merge_b = new_block("endif");
    terminate("br i1 " + v(in.operands[0]) + ", label %" + then_b + ", label %" +
              (has_else ? else_b : merge_b));
    start_block(then_b);
    region(then_r);
    if (!terminated_) terminate("br label %" + merge_b);
    if (has_else) {
      start_block(else_b);
      region(else_r);
      if (!terminated_) terminate("br label %" + merge_b);
    }
    start_block(merge_b);
  }

  void lower_loop(const Inst& in) {
    LoopTargets t;
    t.header = new_block("loop");
    t.cont = new_block("cont");
    t.exit = new_block("endloop");
    // Unroll hints on the back edge (LLVM loop metadata: llvm.loop.unroll.full / .count).
    if (in.imm == 1 || in.imm > 1) {
      std::string hint =
          in.imm == 1
              ? metadata("!{!\"llvm.loop.unroll.full\"}")
              : metadata("!{!\"llvm.loop.unroll.count\", i32 " + std::to_string(in.imm) + "}");
      std::string self = std::to_string(next_metadata_++);
      metadata_text_ += "!" + self + " = distinct !{!" + self + ", !" + hint + "}\n";
      t.loop_md = ", !llvm.loop !" + self;
    }
    terminate("br label %" + t.header);
    start_block(t.header);
    loops_.push_back(t);
    region(in.regions[0]);
    if (!terminated_) terminate("br label %" + t.cont);
    start_block(t.cont);
    if (in.regions[1].valid()) region(in.regions[1]);
    if (!terminated_) terminate("br label %" + t.header + t.loop_md);
    loops_.pop_back();
    start_block(t.exit);
  }
};

}  // namespace

Result<NvvmModule> write_nvvm_module(const ir::Module& module, const NvvmOptions& options,
                                     DiagnosticEngine& diags) {
  Result<Dialect> dialect = resolve_dialect(options);
  if (!dialect) {
    diags.error(dialect.error().message);
    return dialect.error();
  }
  NvvmModule out;
  try {
    Writer w(module, dialect.value(), diags);
    if (!w.run(out)) return make_error("the module cannot be written as NVVM IR (see above)");
  } catch (const InternalCompilerError& e) {
    diags.error(e.what());
    return make_error(e.what());
  }
  return out;
}

Result<std::string> emit_nvvm_ir(const ir::Module& module, const NvvmOptions& options,
                                 DiagnosticEngine& diags) {
  Result<NvvmModule> m = write_nvvm_module(module, options, diags);
  if (!m) return m.error();
  return std::move(m.value().text);
}

}  // namespace gpuc::nvvm
