// Verifier tests: one module per invariant of verifier.h that breaks exactly it, with the exact
// diagnostic; the builder's saxpy and shared-memory reduction, which must verify; and random
// corruption of parsed modules, which the verifier must report without crashing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "gpuc/ir/builder.h"
#include "gpuc/ir/parser.h"
#include "gpuc/ir/pass.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"

namespace gpuc::ir {
namespace {

std::vector<std::string> errors(const Module& m) {
  DiagnosticEngine d;
  bool ok = verify(m, d);
  std::vector<std::string> out;
  for (const Diagnostic& diag : d.diagnostics()) out.push_back(diag.message);
  EXPECT_EQ(ok, out.empty());
  return out;
}

// Expects exactly one diagnostic with this text.
void expect_error(const Module& m, const std::string& text) {
  std::vector<std::string> e = errors(m);
  ASSERT_EQ(e.size(), 1u) << print_module(m) << (e.empty() ? "" : e[0]);
  EXPECT_EQ(e[0], text) << print_module(m);
}

TEST(Verifier, V1_OperandIsAValidValue) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId a = b.add_param("a", m.types.i32());
  b.create(Op::Add, m.types.i32(), {a, ValueId{99}});
  expect_error(m,
               "invalid IR: in function '@k': operand 1 of 'add' is not a valid value id\n"
               "  %0 = add %a, %<invalid:99> : i32");
}

TEST(Verifier, V2_Dominance) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId c = b.add_param("c", m.types.bool_type());
  ValueId p = b.add_param("p", m.types.pointer_type(m.types.i32(), AddressSpace::Global));
  ValueId x;
  b.create_if(c, [&] { x = b.create_const_int(m.types.i32(), 1); });
  b.create_store(p, x);
  expect_error(m,
               "invalid IR: in function '@k': operand 1 of 'store' does not dominate its use\n"
               "  store %p, %0 align 4");
}

TEST(Verifier, V2_ContinueRegionDoesNotSeeTheBody) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId x;
  b.create_loop([&] { x = b.create_const_bool(true); }, [&] { b.create_break_if(x); });
  expect_error(m,
               "invalid IR: in function '@k': operand 0 of 'break_if' does not dominate its "
               "use\n  break_if %0");
}

TEST(Verifier, V3_OperandCount) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId a = b.add_param("a", m.types.i32());
  b.create(Op::Add, m.types.i32(), {a});
  expect_error(m,
               "invalid IR: in function '@k': 'add' takes 2 operands, found 1\n"
               "  %0 = add %a : i32");
}

TEST(Verifier, V4_ResultPresence) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId a = b.add_param("a", m.types.i32());
  b.create(Op::Add, m.types.void_type(), {a, a});
  expect_error(m, "invalid IR: in function '@k': 'add' must produce a result\n  add %a, %a");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  b2.create(Op::Barrier, m2.types.i32());
  expect_error(m2,
               "invalid IR: in function '@k': 'barrier' must not produce a result\n"
               "  %0 = barrier : i32");
}

TEST(Verifier, V5_ArithmeticBitwiseCompare) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId a = b.add_param("a", m.types.i32());
  ValueId x = b.add_param("x", m.types.f32());
  b.create(Op::Add, m.types.i32(), {a, x});
  expect_error(m,
               "invalid IR: in function '@k': operands of 'add' have different types (i32 and "
               "f32)\n  %0 = add %a, %x : i32");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId c = b2.add_param("c", m2.types.bool_type());
  b2.create_binary(Op::Shl, c, c);
  expect_error(m2,
               "invalid IR: in function '@k': 'shl' needs int operands, found bool\n"
               "  %0 = shl %c, %c : bool");

  Module m3;
  Builder b3(m3);
  b3.create_kernel("k");
  ValueId i = b3.add_param("i", m3.types.i32());
  b3.create(Op::Lt, m3.types.i32(), {i, i});
  expect_error(m3,
               "invalid IR: in function '@k': result of 'lt' must be bool-shaped with the "
               "lanes of i32, found i32\n  %0 = lt %i, %i : i32");
}

TEST(Verifier, V6_FloatMathAndSelect) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId a = b.add_param("a", m.types.i32());
  b.create_unary(Op::Sqrt, a);
  expect_error(m,
               "invalid IR: in function '@k': 'sqrt' needs float operands, found i32\n"
               "  %0 = sqrt %a : i32");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId i = b2.add_param("i", m2.types.i32());
  b2.create_select(i, i, i);
  expect_error(m2,
               "invalid IR: in function '@k': condition of 'select' must be bool or a vector "
               "of bool with the lanes of the values, found i32\n"
               "  %0 = select %i, %i, %i : i32");
}

TEST(Verifier, V7_ConvertAndBitcast) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId x = b.add_param("x", m.types.f32());
  b.create_bitcast(m.types.i64(), x);
  expect_error(m,
               "invalid IR: in function '@k': 'bitcast' needs types of one size, found f32 (4 "
               "bytes) -> i64 (8 bytes)\n  %0 = bitcast %x : i64");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId v = b2.add_param("v", m2.types.vector_type(m2.types.f32(), 2));
  b2.create_convert(m2.types.i32(), v);
  expect_error(m2,
               "invalid IR: in function '@k': 'convert' needs numeric or bool scalars or "
               "vectors of one lane count, found vec<2, f32> -> i32\n"
               "  %0 = convert %v : i32");
}

TEST(Verifier, V8_Memory) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId p = b.add_param("p", m.types.pointer_type(m.types.f32(), AddressSpace::Global));
  b.create(Op::Load, m.types.i32(), {p});
  b.function()->inst(b.last_inst()).align = 4;
  expect_error(m,
               "invalid IR: in function '@k': result of 'load' has type i32, the pointee type "
               "is f32\n  %0 = load %p align 4 : i32");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId q = b2.add_param("q", m2.types.pointer_type(m2.types.f32(), AddressSpace::Global));
  ValueId x = b2.add_param("x", m2.types.f32());
  b2.create_store(q, x, 3);
  expect_error(m2,
               "invalid IR: in function '@k': alignment 3 of 'store' is not a nonzero power "
               "of two\n  store %q, %x align 3");

  Module m3;
  Builder b3(m3);
  b3.create_kernel("k");
  ValueId c = b3.add_param("c", m3.types.pointer_type(m3.types.f32(), AddressSpace::Constant));
  ValueId y = b3.add_param("y", m3.types.f32());
  b3.create_store(c, y);
  expect_error(m3,
               "invalid IR: in function '@k': 'store' through a pointer to constant memory\n"
               "  store %c, %y align 4");
}

TEST(Verifier, V9_Atomics) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId v = b.create_var(m.types.i32());
  ValueId one = b.create_const_int(m.types.i32(), 1);
  b.create_atomic(Op::AtomicAdd, v, one);
  expect_error(m,
               "invalid IR: in function '@k': 'atomic.add' needs a pointer to global or shared "
               "memory, found ptr<private, i32>\n  %2 = atomic.add %0, %1 : i32");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId p = b2.add_param("p", m2.types.pointer_type(m2.types.f32(), AddressSpace::Global));
  ValueId x = b2.add_param("x", m2.types.f32());
  b2.create_atomic(Op::AtomicAnd, p, x);
  expect_error(m2,
               "invalid IR: in function '@k': 'atomic.and' does not operate on f32\n"
               "  %0 = atomic.and %p, %x : f32");
}

TEST(Verifier, V10_Subgroups) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId x = b.add_param("x", m.types.f32());
  ValueId lane = b.add_param("lane", m.types.i32());
  b.create_shuffle(Op::ShflXor, x, lane);
  expect_error(m,
               "invalid IR: in function '@k': lane operand of 'shfl.xor' must be u32, found "
               "i32\n  %0 = shfl.xor %x, %lane : f32");
}

TEST(Verifier, V11_IfCondition) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId i = b.add_param("i", m.types.i32());
  b.create_if(i, [&] { b.create_barrier(); });
  expect_error(m,
               "invalid IR: in function '@k': condition of 'if' must be bool, found i32\n"
               "  if %i { ... }");
}

TEST(Verifier, V12_Terminators) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  b.create_break();
  expect_error(m, "invalid IR: in function '@k': 'break' outside a loop\n  break");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  b2.create_loop([&] {
    b2.create_break();
    b2.create_barrier();
  });
  expect_error(m2,
               "invalid IR: in function '@k': 'break' must be the last inst of its region\n"
               "  break");

  Module m3;
  Builder b3(m3);
  b3.create_kernel("k");
  b3.create_loop([&] { b3.create_break_if(b3.create_const_bool(true)); });
  expect_error(m3,
               "invalid IR: in function '@k': 'break_if' must be the last inst of a loop's "
               "continue region\n  break_if %0");

  Module m4;
  Builder b4(m4);
  b4.create_kernel("k");
  b4.create_loop([&] { b4.create_barrier(); }, [&] { b4.create_continue(); });
  expect_error(m4,
               "invalid IR: in function '@k': 'continue' inside a loop's continue region (use "
               "break_if)\n  continue");

  // A return cannot leave a continue region, even from a loop nested in it.
  Module m5;
  Builder b5(m5);
  b5.create_kernel("k");
  b5.create_loop([&] { b5.create_barrier(); },
                 [&] { b5.create_loop([&] { b5.create_return(); }); });
  expect_error(m5,
               "invalid IR: in function '@k': 'return' inside a loop's continue region\n"
               "  return");
}

TEST(Verifier, V13_Return) {
  Module m;
  Builder b(m);
  b.create_function("f", m.types.f32());
  ValueId i = b.add_param("i", m.types.i32());
  b.create_return(i);
  expect_error(m,
               "invalid IR: in function '@f': returned value has type i32, the function "
               "returns f32\n  return %i");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  b2.create_return(b2.create_const_int(m2.types.i32(), 0));
  expect_error(m2,
               "invalid IR: in function '@k': 'return' with a value in a void function\n"
               "  return %0");
}

TEST(Verifier, V14_Calls) {
  Module m;
  Builder b(m);
  b.create_kernel("callee");
  b.create_kernel("k");
  b.create_call(0, {});
  expect_error(m,
               "invalid IR: in function '@k': 'call' of kernel '@callee'; only device functions "
               "are callable\n  call @callee()");

  Module m2;
  Builder b2(m2);
  Function& f = b2.create_function("f", m2.types.void_type());
  b2.create_function("g", m2.types.void_type());
  b2.create_call(0, {});
  b2.set_insertion_point(f, f.body);
  b2.create_call(1, {});
  expect_error(m2,
               "invalid IR: in function '@g': recursion is not allowed (SPIR-V §2.16.1): @f -> "
               "@g -> @f\n  call @f()");

  Module m3;
  Builder b3(m3);
  b3.create_function("f", m3.types.void_type());
  b3.add_param("x", m3.types.f32());
  b3.create_kernel("k");
  ValueId i = b3.add_param("i", m3.types.i32());
  b3.create_call(0, std::vector<ValueId>{i});
  expect_error(m3,
               "invalid IR: in function '@k': argument 0 of 'call' of '@f' has type i32, the "
               "parameter has type f32\n  call @f(%i)");
}

TEST(Verifier, V14_CallOfAMissingFunction) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  b.create(Op::Call, m.types.void_type());
  b.function()->inst(b.last_inst()).symbol = 9;
  expect_error(m,
               "invalid IR: in function '@k': 'call' names function #9, which does not exist\n"
               "  call @<bad function>()");
}

TEST(Verifier, V15_Global) {
  Module m;
  Builder b(m);
  uint32_t s = b.create_shared("s", m.types.array_type(m.types.f32(), 256));
  b.create_kernel("k");
  b.create_global_addr(s);
  b.function()->inst(b.last_inst()).symbol = 7;
  expect_error(m,
               "invalid IR: in function '@k': 'global' names module variable #7, which does not "
               "exist\n  %0 = global @<bad global> : ptr<shared, [256 x f32]>");

  Module m2;
  Builder b2(m2);
  uint32_t s2 = b2.create_shared("s", m2.types.array_type(m2.types.f32(), 256));
  b2.create_kernel("k");
  b2.create(Op::Global, m2.types.pointer_type(m2.types.f32(), AddressSpace::Shared));
  b2.function()->inst(b2.last_inst()).symbol = s2;
  expect_error(m2,
               "invalid IR: in function '@k': result of 'global' has type ptr<shared, f32>, "
               "expected ptr<shared, [256 x f32]>\n  %0 = global @s : ptr<shared, f32>");
}

TEST(Verifier, V16_Ownership) {
  Module m;
  Builder b(m);
  Function& f = b.create_kernel("k");
  b.create_barrier();
  f.region(f.body).insts.push_back(b.last_inst());
  expect_error(m,
               "invalid IR: in function '@k': inst 1 ('barrier') is listed in more than one "
               "region");

  Module m2;
  Builder b2(m2);
  Function& f2 = b2.create_kernel("k");
  ValueId c = b2.create_const_bool(true);
  InstId if1 = b2.create_if(c, [] {});
  InstId if2 = b2.create_if(c, [] {});
  f2.inst(if2).regions = f2.inst(if1).regions;
  expect_error(m2,
               "invalid IR: in function '@k': region 2 of inst 3 ('if') has a parent link to "
               "another inst");

  Module m3;
  Builder b3(m3);
  Function& f3 = b3.create_kernel("k");
  f3.region(f3.body).insts.push_back(InstId{42});
  expect_error(m3, "invalid IR: in function '@k': region 1 lists inst id 42, which does not exist");
}

TEST(Verifier, V17_KernelAttributes) {
  Module m;
  Builder b(m);
  Function& k = b.create_kernel("k");
  k.fixed_block = {8, 0, 1};
  expect_error(m,
               "invalid IR: in function '@k': block size (8, 0, 1) must be all zero or all "
               "nonzero");

  Module m2;
  m2.add_function("k", FunctionKind::Kernel, m2.types.i32());
  expect_error(m2, "invalid IR: in function '@k': kernel returns i32; kernels return void");

  Module m3;
  Builder b3(m3);
  Function& k3 = b3.create_kernel("k");
  k3.fixed_block = {16, 16, 1};
  k3.max_block_threads = 128;
  expect_error(m3,
               "invalid IR: in function '@k': block size (16, 16, 1) has 256 threads, more "
               "than max_threads(128)");
}

TEST(Verifier, V18_ModuleVariables) {
  Module m;
  Builder b(m);
  b.create_shared("x", m.types.f32());
  b.create_kernel("x");
  expect_error(m,
               "invalid IR: duplicate name '@x' (module variables and functions share one "
               "namespace)");

  Module m2;
  Builder b2(m2);
  b2.create_constant("c", m2.types.array_type(m2.types.f32(), 2), {0, 0, 0, 0});
  expect_error(m2,
               "invalid IR: constant module variable '@c' has an initializer of 4 bytes, its "
               "type [2 x f32] takes 8");

  Module m3;
  Builder b3(m3);
  b3.create_kernel("not a name");
  expect_error(m3, "invalid IR: '@not a name' is not a valid name");

  Module m4;
  m4.types.struct_type("i32", {{"x", m4.types.f32(), 0}});
  expect_error(m4, "invalid IR: struct name 'i32' is not a valid name");

  Module m5;
  Builder b5(m5);
  TypeId s = m5.types.struct_type(
      "S", {{"p", m5.types.pointer_type(m5.types.f32(), AddressSpace::Global), 0}});
  b5.create_constant("c", s, std::vector<uint8_t>(8, 0));
  expect_error(m5,
               "invalid IR: constant module variable '@c' of type S holds a pointer, which has "
               "no value at compile time");
}

TEST(Verifier, V19_Aggregates) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  ValueId v = b.add_param("v", m.types.vector_type(m.types.f32(), 2));
  b.create(Op::Extract, m.types.f32(), {v}, 2);
  expect_error(m,
               "invalid IR: in function '@k': index 2 of 'extract' is not an element or member "
               "of vec<2, f32>\n  %0 = extract %v, 2 : f32");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  ValueId x = b2.add_param("x", m2.types.f32());
  b2.create_construct(m2.types.vector_type(m2.types.f32(), 3), std::vector<ValueId>{x, x});
  expect_error(m2,
               "invalid IR: in function '@k': 'construct' of vec<3, f32> needs 3 operands, "
               "found 2\n  %0 = construct %x, %x : vec<3, f32>");
}

TEST(Verifier, V20_ConstantsAndBuiltins) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  b.create_const_bits(m.types.int_type(8, true), 0x100);
  expect_error(m,
               "invalid IR: in function '@k': constant bits 0x100 do not fit in i8\n"
               "  %0 = const 256 : i8");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  b2.create(Op::ThreadIdX, m2.types.i32());
  expect_error(m2,
               "invalid IR: in function '@k': result of 'thread_id.x' has type i32, expected "
               "u32\n  %0 = thread_id.x : i32");
}

TEST(Verifier, V21_TypesAndParameters) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  b.add_param("v", m.types.void_type());
  expect_error(m, "invalid IR: in function '@k': parameter 0 ('v') has type void");

  Module m2;
  Builder b2(m2);
  b2.create_kernel("k");
  b2.create(Op::Barrier, TypeId{});
  b2.function()->inst(b2.last_inst()).type = TypeId{1000};
  expect_error(m2,
               "invalid IR: in function '@k': inst 1 ('barrier') has type id 1000, which is not "
               "a valid type");

  Module m3;
  Builder b3(m3);
  b3.create_kernel("k");
  b3.add_param("a", m3.types.f32());
  b3.add_param("a", m3.types.f32());
  expect_error(m3, "invalid IR: in function '@k': parameters 0 and 1 are both named '%a'");
}

// The location of a diagnostic is the inst's when it has one.
TEST(Verifier, ReportsTheInstLocation) {
  Module m;
  Builder b(m);
  b.create_kernel("k");
  b.set_location(SourceLocation{1, 7, 3});
  b.create_break();
  DiagnosticEngine d;
  EXPECT_FALSE(verify(m, d));
  ASSERT_EQ(d.diagnostics().size(), 1u);
  EXPECT_EQ(d.diagnostics()[0].loc, (SourceLocation{1, 7, 3}));
}

// --- the builder expresses real kernels, and the verifier accepts them
// -----------------------------

// saxpy: y[i] = a * x[i] + y[i] for i < n.
void build_saxpy(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  b.create_kernel("saxpy");
  ValueId n = b.add_param("n", t.u32());
  ValueId a = b.add_param("a", t.f32());
  ValueId x = b.add_param("x", t.pointer_type(t.f32(), AddressSpace::Global), true, true);
  ValueId y = b.add_param("y", t.pointer_type(t.f32(), AddressSpace::Global), false, true);
  ValueId bid = b.create_gpu_id(Op::BlockIdX);
  ValueId bdim = b.create_gpu_id(Op::BlockDimX);
  ValueId base = b.create_binary(Op::Mul, bid, bdim);
  ValueId i = b.create_binary(Op::Add, base, b.create_gpu_id(Op::ThreadIdX));
  b.create_if(b.create_compare(Op::Lt, i, n), [&] {
    ValueId xi = b.create_load(b.create_index(x, i));
    ValueId yp = b.create_index(y, i);
    ValueId yi = b.create_load(yp);
    b.create_store(yp, b.create_fma(a, xi, yi));
  });
}

// Tree reduction of 256 floats per block in shared memory; thread 0 writes the block's sum.
void build_reduction(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  uint32_t s = b.create_shared("s", t.array_type(t.f32(), 256));
  b.create_kernel("reduce");
  ValueId in = b.add_param("in", t.pointer_type(t.f32(), AddressSpace::Global), true, true);
  ValueId out = b.add_param("out", t.pointer_type(t.f32(), AddressSpace::Global), false, true);
  ValueId tid = b.create_gpu_id(Op::ThreadIdX);
  ValueId bid = b.create_gpu_id(Op::BlockIdX);
  ValueId bdim = b.create_gpu_id(Op::BlockDimX);
  ValueId gid = b.create_binary(Op::Add, b.create_binary(Op::Mul, bid, bdim), tid);
  ValueId sp = b.create_global_addr(s);
  ValueId v = b.create_load(b.create_index(in, gid));
  b.create_store(b.create_elem(sp, tid), v);
  b.create_barrier();
  ValueId stride = b.create_var(t.u32());
  b.create_store(stride, b.create_const_int(t.u32(), 128));
  b.create_loop(
      [&] {
        ValueId st = b.create_load(stride);
        b.create_if(b.create_compare(Op::Eq, st, b.create_const_int(t.u32(), 0)),
                    [&] { b.create_break(); });
        b.create_if(b.create_compare(Op::Lt, tid, st), [&] {
          ValueId mine = b.create_elem(sp, tid);
          ValueId other = b.create_elem(sp, b.create_binary(Op::Add, tid, st));
          ValueId a = b.create_load(mine);
          ValueId c = b.create_load(other);
          b.create_store(mine, b.create_binary(Op::Add, a, c));
        });
        b.create_barrier();
      },
      [&] {
        ValueId st = b.create_load(stride);
        b.create_store(stride, b.create_binary(Op::Shr, st, b.create_const_int(t.u32(), 1)));
      });
  b.create_if(b.create_compare(Op::Eq, tid, b.create_const_int(t.u32(), 0)), [&] {
    ValueId sum = b.create_load(b.create_elem(sp, b.create_const_int(t.u32(), 0)));
    ValueId dst = b.create_index(out, b.create_gpu_id(Op::BlockIdX));
    b.create_store(dst, sum);
  });
}

TEST(Verifier, AcceptsSaxpy) {
  Module m;
  build_saxpy(m);
  EXPECT_TRUE(errors(m).empty());
  EXPECT_EQ(print_module(m),
            "kernel @saxpy(%n: u32, %a: f32, %x: ptr<global, f32> readonly restrict, %y: "
            "ptr<global, f32> restrict) {\n"
            "  %0 = block_id.x : u32\n"
            "  %1 = block_dim.x : u32\n"
            "  %2 = mul %0, %1 : u32\n"
            "  %3 = thread_id.x : u32\n"
            "  %4 = add %2, %3 : u32\n"
            "  %5 = lt %4, %n : bool\n"
            "  if %5 {\n"
            "    %6 = index %x, %4 : ptr<global, f32>\n"
            "    %7 = load %6 align 4 : f32\n"
            "    %8 = index %y, %4 : ptr<global, f32>\n"
            "    %9 = load %8 align 4 : f32\n"
            "    %10 = fma %a, %7, %9 : f32\n"
            "    store %8, %10 align 4\n"
            "  }\n"
            "}\n");
}

TEST(Verifier, AcceptsSharedMemoryReduction) {
  Module m;
  build_reduction(m);
  std::vector<std::string> e = errors(m);
  EXPECT_TRUE(e.empty()) << (e.empty() ? "" : e[0]) << print_module(m);
  std::string text = print_module(m);
  EXPECT_NE(text.find("shared @s : [256 x f32]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  barrier\n"), std::string::npos) << text;
  EXPECT_NE(text.find("} continue {\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace gpuc::ir

// --- robustness: random arena corruption never crashes, throws or slips through
// ---------------------

namespace gpuc::ir {
namespace {

void corrupt(Module& m, std::mt19937& rng) {
  auto pick = [&](size_t n) { return n ? static_cast<uint32_t>(rng() % n) : 0u; };
  uint32_t type_limit = static_cast<uint32_t>(m.types.count()) + 3;
  if (m.functions.empty()) return;
  Function& f = *m.functions[pick(m.functions.size())];
  size_t ninst = f.inst_capacity(), nreg = f.region_capacity(), nval = f.value_capacity();
  InstId some{ninst > 1 ? 1 + pick(ninst - 1) : 0};
  RegionId region{nreg > 1 ? 1 + pick(nreg - 1) : 0};
  if (!some.valid() || !region.valid()) return;
  Inst& in = f.inst(some);
  switch (rng() % 16) {
    case 0:
      if (!in.operands.empty()) in.operands[pick(in.operands.size())] = ValueId{pick(nval + 3)};
      break;
    case 1:
      in.type = TypeId{pick(type_limit)};
      break;
    case 2:
      in.symbol = pick(5);
      break;
    case 3:
      in.op = static_cast<Op>(pick(kOpCount + 2));
      break;
    case 4:
      in.regions[pick(2)] = RegionId{pick(nreg + 2)};
      break;
    case 5:
      f.region(region).insts.push_back(some);
      break;
    case 6:
      if (!f.region(region).insts.empty())
        f.region(region).insts.erase(f.region(region).insts.begin() +
                                     pick(f.region(region).insts.size()));
      break;
    case 7: {
      auto& v = f.region(region).insts;
      if (v.size() > 1) std::swap(v[pick(v.size())], v[pick(v.size())]);
      break;
    }
    case 8:
      in.imm = rng();
      break;
    case 9:
      in.align = pick(40);
      break;
    case 10:
      if (!f.params.empty()) f.params[pick(f.params.size())].type = TypeId{pick(type_limit)};
      break;
    case 11:
      if (!f.params.empty()) f.params[pick(f.params.size())].value = ValueId{pick(nval + 2)};
      break;
    case 12:
      if (!m.globals.empty()) {
        GlobalVar& g = m.globals[pick(m.globals.size())];
        g.type = TypeId{pick(type_limit)};
        g.space = static_cast<AddressSpace>(pick(4));
        g.init.resize(pick(16));
      }
      break;
    case 13:
      f.return_type = TypeId{pick(type_limit)};
      break;
    case 14:
      f.kind = f.is_kernel() ? FunctionKind::Device : FunctionKind::Kernel;
      break;
    default:
      in.operands.push_back(ValueId{pick(nval + 1)});
      break;
  }
}

TEST(Verifier, RandomCorruptionIsReportedNeverCrashes) {
  namespace fs = std::filesystem;
  std::mt19937 rng(99);
  size_t caught = 0, runs = 0;
  for (const auto& e : fs::directory_iterator(fs::path(GPUC_SOURCE_DIR) / "tests/ir/inputs")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    for (int i = 0; i < 150; ++i) {
      SourceManager sm;
      DiagnosticEngine d(&sm);
      std::unique_ptr<Module> m = parse_module(sm.add_buffer("x.gir", ss.str()), d);
      ASSERT_TRUE(m) << d.format_all();
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) corrupt(*m, rng);
      ++runs;
      bool ok = verify(*m, d);
      for (const Diagnostic& diag : d.diagnostics())
        ASSERT_EQ(diag.message.find("internal compiler error"), std::string::npos) << diag.message;
      if (!ok) {
        ++caught;
        continue;
      }
      // What still verifies must print, re-parse and survive the pipeline.
      std::string text = print_module(*m);
      SourceManager sm2;
      DiagnosticEngine d2(&sm2);
      EXPECT_TRUE(parse_module(sm2.add_buffer("p.gir", text), d2)) << d2.format_all() << text;
      PipelineOptions o;
      o.verify_each = true;
      EXPECT_TRUE(run_pipeline(*m, o, d)) << d.format_all() << text;
    }
  }
  EXPECT_GT(caught, runs / 2);  // most corruptions break an invariant
}

}  // namespace
}  // namespace gpuc::ir
