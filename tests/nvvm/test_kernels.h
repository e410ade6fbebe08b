// Representative kernels built with the IR builder, shared by the NVVM backend's tests: each one
// exercises a group of ops (memory, control flow, atomics, warp ops, math, aggregates, calls).
#pragma once

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "gpuc/ir/builder.h"

namespace gpuc::nvvm::testing {

using namespace gpuc::ir;

inline TypeId gptr(TypeTable& t, TypeId pointee) {
  return t.pointer_type(pointee, AddressSpace::Global);
}

// The global thread id: blockIdx.x * blockDim.x + threadIdx.x (u32).
inline ValueId global_id(Builder& b) {
  ValueId base =
      b.create_binary(Op::Mul, b.create_gpu_id(Op::BlockIdX), b.create_gpu_id(Op::BlockDimX));
  return b.create_binary(Op::Add, base, b.create_gpu_id(Op::ThreadIdX));
}

// saxpy as the frontend writes `y[i] = a * x[i] + y[i]` (mul + add; libNVVM contracts to fma).
inline void build_saxpy(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  b.create_kernel("saxpy");
  ValueId n = b.add_param("n", t.i32());
  ValueId a = b.add_param("a", t.f32());
  ValueId x = b.add_param("x", gptr(t, t.f32()), true, true);
  ValueId y = b.add_param("y", gptr(t, t.f32()), false, true);
  ValueId i = b.create_convert(t.i32(), global_id(b));
  b.create_if(b.create_compare(Op::Lt, i, n), [&] {
    ValueId xi = b.create_load(b.create_index(x, i));
    ValueId yp = b.create_index(y, i);
    ValueId yi = b.create_load(yp);
    b.create_store(yp, b.create_binary(Op::Add, b.create_binary(Op::Mul, a, xi), yi));
  });
}

// Tree reduction in shared memory with a loop, break, barrier and a var; block size fixed.
inline void build_reduce(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  uint32_t s = b.create_shared("partial", t.array_type(t.f32(), 256));
  Function& k = b.create_kernel("reduce");
  k.fixed_block = {256, 1, 1};
  ValueId in = b.add_param("in", gptr(t, t.f32()), true, true);
  ValueId out = b.add_param("out", gptr(t, t.f32()), false, true);
  ValueId tid = b.create_gpu_id(Op::ThreadIdX);
  ValueId gid = global_id(b);
  ValueId sp = b.create_global_addr(s);
  b.create_store(b.create_elem(sp, tid), b.create_load(b.create_index(in, gid)));
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
          b.create_store(mine, b.create_binary(Op::Add, b.create_load(mine), b.create_load(other)));
        });
        b.create_barrier();
      },
      [&] {
        ValueId st = b.create_load(stride);
        b.create_store(stride, b.create_binary(Op::Shr, st, b.create_const_int(t.u32(), 1)));
      });
  b.create_if(b.create_compare(Op::Eq, tid, b.create_const_int(t.u32(), 0)), [&] {
    b.create_store(b.create_index(out, b.create_gpu_id(Op::BlockIdX)),
                   b.create_load(b.create_elem(sp, b.create_const_int(t.u32(), 0))));
  });
}

// Every atomic on global and shared memory, int, unsigned, 64-bit and float; fences.
inline void build_atomics(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  uint32_t counter = b.create_shared("counter", t.u32());
  Function& k = b.create_kernel("atomics");
  k.max_block_threads = 128;
  ValueId ip = b.add_param("ints", gptr(t, t.i32()));
  ValueId up = b.add_param("uints", gptr(t, t.u32()));
  ValueId lp = b.add_param("longs", gptr(t, t.u64()));
  ValueId fp = b.add_param("floats", gptr(t, t.f32()));
  ValueId dp = b.add_param("doubles", gptr(t, t.f64()));
  ValueId one = b.create_const_int(t.i32(), 1);
  ValueId uone = b.create_const_int(t.u32(), 1);
  ValueId acc = b.create_atomic(Op::AtomicAdd, ip, one);
  for (Op op : {Op::AtomicSub, Op::AtomicMin, Op::AtomicMax, Op::AtomicAnd, Op::AtomicOr,
                Op::AtomicXor, Op::AtomicExch})
    acc = b.create_binary(Op::Add, acc, b.create_atomic(op, ip, acc));
  ValueId u = b.create_atomic(Op::AtomicMin, up, uone);
  u = b.create_atomic(Op::AtomicMax, up, u);
  u = b.create_atomic(Op::AtomicInc, up, u);
  u = b.create_atomic_cas(up, u, uone);
  ValueId shared = b.create_global_addr(counter);
  ValueId su = b.create_atomic(Op::AtomicAdd, shared, u);
  b.create_store(up, su);
  ValueId l = b.create_atomic(Op::AtomicAdd, lp, b.create_const_int(t.u64(), 5));
  l = b.create_atomic_cas(lp, l, b.create_const_int(t.u64(), 7));
  b.create_store(lp, l);
  ValueId f = b.create_atomic(Op::AtomicAdd, fp, b.create_const_float(t.f32(), 1.5));
  f = b.create_atomic(Op::AtomicExch, fp, f);
  ValueId d = b.create_atomic(Op::AtomicAdd, dp, b.create_const_float(t.f64(), 2.0));
  b.create(Op::FenceBlock, t.void_type());
  b.create(Op::FenceDevice, t.void_type());
  b.create_store(b.create_index(fp, one), f);
  b.create_store(b.create_index(dp, one), d);
  b.create_store(b.create_index(ip, one), acc);
}

// Warp ops: shuffles of i32, f32, f64 and bool-derived values, ballot, votes, lane id.
inline void build_warp(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  b.create_kernel("warp_ops");
  ValueId fp = b.add_param("f", gptr(t, t.f32()));
  ValueId dp = b.add_param("d", gptr(t, t.f64()));
  ValueId ip = b.add_param("i", gptr(t, t.u32()));
  ValueId lane = b.create_gpu_id(Op::LaneId);
  ValueId ws = b.create_gpu_id(Op::WarpSize);
  ValueId x = b.create_load(b.create_index(fp, lane));
  ValueId sum = x;
  for (uint32_t off : {16u, 8u, 4u, 2u, 1u})
    sum = b.create_binary(Op::Add, sum,
                          b.create_shuffle(Op::ShflXor, sum, b.create_const_int(t.u32(), off)));
  ValueId down = b.create_shuffle(Op::ShflDown, sum, b.create_const_int(t.u32(), 1));
  ValueId up = b.create_shuffle(Op::ShflUp, down, b.create_const_int(t.u32(), 1));
  ValueId idx = b.create_shuffle(Op::ShflIdx, up, b.create_const_int(t.u32(), 0));
  b.create_store(b.create_index(fp, lane), idx);
  ValueId dv = b.create_load(b.create_index(dp, lane));
  b.create_store(b.create_index(dp, lane),
                 b.create_shuffle(Op::ShflXor, dv, b.create_const_int(t.u32(), 1)));
  ValueId pred = b.create_compare(Op::Gt, x, b.create_const_float(t.f32(), 0.0));
  ValueId ballot = b.create(Op::Ballot, t.u32(), {pred});
  ValueId all = b.create(Op::VoteAll, t.bool_type(), {pred});
  ValueId any = b.create(Op::VoteAny, t.bool_type(), {pred});
  ValueId mask = b.create(Op::ActiveMask, t.u32());
  ValueId r = b.create_binary(Op::Add, ballot, mask);
  r = b.create_binary(Op::Add, r, b.create_convert(t.u32(), all));
  r = b.create_binary(Op::Add, r, b.create_convert(t.u32(), any));
  r = b.create_binary(Op::Add, r, ws);
  b.create(Op::SyncWarp, t.void_type());
  b.create_store(b.create_index(ip, lane), r);
}

// Math through libdevice (float and double), fast intrinsics, bit ops, conversions.
inline void build_math(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  b.create_kernel("math");
  ValueId fp = b.add_param("f", gptr(t, t.f32()));
  ValueId dp = b.add_param("d", gptr(t, t.f64()));
  ValueId ip = b.add_param("i", gptr(t, t.i32()));
  ValueId i = b.create_gpu_id(Op::ThreadIdX);
  ValueId x = b.create_load(b.create_index(fp, i));
  ValueId r = x;
  for (Op op : {Op::Sqrt, Op::Rsqrt, Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tanh, Op::Floor,
                Op::Round, Op::Abs, Op::FastExp, Op::FastSin})
    r = b.create_binary(Op::Add, r, b.create_unary(op, x));
  r = b.create_binary(Op::Add, r, b.create(Op::Pow, t.f32(), {x, r}));
  r = b.create_binary(Op::Add, r, b.create(Op::FastDiv, t.f32(), {x, r}));
  r = b.create_binary(Op::Max, r, b.create_binary(Op::Min, x, r));
  r = b.create_fma(r, x, b.create_unary(Op::Neg, x));
  ValueId nan = b.create_unary(Op::IsNan, r);
  r = b.create_select(nan, b.create_const_float(t.f32(), 0.0), r);
  b.create_store(b.create_index(fp, i), r);
  ValueId d = b.create_load(b.create_index(dp, i));
  ValueId dr = b.create_binary(Op::Add, b.create_unary(Op::Sin, d), b.create_unary(Op::Exp2, d));
  dr = b.create_binary(Op::Div, dr, b.create_convert(t.f64(), x));
  b.create_store(b.create_index(dp, i), dr);
  ValueId n = b.create_load(b.create_index(ip, i));
  ValueId bits =
      b.create_binary(Op::Add, b.create_unary(Op::Popcount, n), b.create_unary(Op::Clz, n));
  bits = b.create_binary(Op::Add, bits, b.create_unary(Op::Ffs, n));
  bits = b.create_binary(Op::Xor, bits, b.create_unary(Op::Brev, n));
  bits = b.create_binary(Op::Add, bits, b.create_binary(Op::MulHi, n, bits));
  bits = b.create_binary(Op::Add, bits, b.create_unary(Op::Abs, n));
  bits =
      b.create_binary(Op::Div, bits, b.create_binary(Op::Rem, n, b.create_const_int(t.i32(), 7)));
  bits = b.create_binary(Op::Add, bits, b.create_convert(t.i32(), dr));
  bits = b.create_binary(Op::Add, bits, b.create_bitcast(t.i32(), x));
  // for (k = 0; k < 4; ++k) bits += k * n;  with a full-unroll hint
  ValueId kv = b.create_var(t.i32());
  ValueId acc = b.create_var(t.i32());
  b.create_store(kv, b.create_const_int(t.i32(), 0));
  b.create_store(acc, bits);
  b.create_loop(
      [&] {
        ValueId k = b.create_load(kv);
        b.create_store(
            acc, b.create_binary(Op::Add, b.create_load(acc), b.create_binary(Op::Mul, k, n)));
      },
      [&] {
        ValueId k1 = b.create_binary(Op::Add, b.create_load(kv), b.create_const_int(t.i32(), 1));
        b.create_store(kv, k1);
        b.create_break_if(b.create_compare(Op::Ge, k1, b.create_const_int(t.i32(), 4)));
      },
      1);
  ValueId sh = b.create_binary(Op::Shr, b.create_load(acc), b.create_const_int(t.i32(), 3));
  b.create_store(b.create_index(ip, i), b.create_unary(Op::Not, sh));
}

// Aggregates: a struct with a vec3 and a bool, vec4 loads/stores, swizzles, construct/extract,
// a __constant__ table and a device function call.
inline void build_aggregates(Module& m) {
  Builder b(m);
  TypeTable& t = m.types;
  TypeId f3 = t.vector_type(t.f32(), 3);
  TypeId f4 = t.vector_type(t.f32(), 4);
  TypeId particle = t.struct_type(
      "Particle", {{"pos", f3, 0}, {"alive", t.bool_type(), 0}, {"mass", t.f64(), 0}});
  TypeId wide = t.struct_type("Wide", {{"a", t.f32(), 0}, {"v", t.vector_type(t.f64(), 4), 0}});
  std::vector<uint8_t> table(16);
  for (int k = 0; k < 4; ++k) {
    float v = 0.5f * static_cast<float>(k + 1);
    std::memcpy(table.data() + 4 * k, &v, 4);
  }
  uint32_t coeffs = b.create_constant("coeffs", t.array_type(t.f32(), 4), table);

  // __device__ float dot3(float3 a, float3 b)
  uint32_t dot_index = static_cast<uint32_t>(m.functions.size());
  b.create_function("dot3", t.f32());
  m.functions.back()->force_inline = true;
  ValueId a = b.add_param("a", f3);
  ValueId c = b.add_param("b", f3);
  ValueId s = b.create_const_float(t.f32(), 0.0);
  for (uint32_t k = 0; k < 3; ++k)
    s = b.create_fma(b.create_extract(a, k), b.create_extract(c, k), s);
  b.create_return(s);

  b.create_kernel("aggregates");
  ValueId ps = b.add_param("particles", gptr(t, particle), false, true);
  ValueId v4 = b.add_param("v4", gptr(t, f4), false, true);
  ValueId scale = b.add_param("scale", f3);
  ValueId wides = b.add_param("wides", gptr(t, wide));
  ValueId i = b.create_gpu_id(Op::ThreadIdX);
  ValueId p = b.create_index(ps, i);
  ValueId pos_ptr = b.create_member(p, 0);
  ValueId pos = b.create_load(pos_ptr);
  ValueId alive = b.create_load(b.create_member(p, 1));
  ValueId dot = b.create_call(dot_index, std::vector<ValueId>{pos, scale});
  ValueId cp = b.create_global_addr(coeffs);
  ValueId k0 =
      b.create_load(b.create_elem(cp, b.create_binary(Op::And, i, b.create_const_int(t.u32(), 3))));
  ValueId dot2 = b.create_binary(Op::Mul, dot, k0);
  b.create_if(
      alive,
      [&] {
        ValueId parts[] = {dot2, dot2, dot2};
        ValueId grown = b.create_binary(Op::Add, pos, b.create_construct(f3, parts));
        b.create_store(pos_ptr, grown);
        ValueId mp = b.create_member(p, 2);
        b.create_store(
            mp, b.create_binary(Op::Add, b.create_load(mp), b.create_convert(t.f64(), dot2)));
      },
      [&] { b.create_store(b.create_member(p, 1), b.create_const_bool(true)); });
  ValueId q = b.create_index(v4, i);
  ValueId vec = b.create_load(q);
  ValueId rev = b.create(Op::Shuffle, f4, {vec}, 0x0123);
  ValueId w = b.create_insert(rev, dot, 3);
  b.create_store(q, w);
  ValueId whole = b.create_load(p);
  ValueId copy = b.create_insert(whole, b.create_const_bool(false), 1);
  b.create_store(b.create_index(ps, b.create_binary(Op::Add, i, b.create_const_int(t.u32(), 64))),
                 copy);
  // A struct whose C layout LLVM would not reproduce (vec<4, f64> is 16-aligned in C): packed.
  ValueId wp = b.create_index(wides, i);
  ValueId wv = b.create_load(b.create_member(wp, 1));
  b.create_store(b.create_member(wp, 0), b.create_convert(t.f32(), b.create_extract(wv, 2)));
  ValueId ep = b.create_elem(q, b.create_const_int(t.u32(), 2));
  b.create_store(ep, b.create_extract(b.create_load(pos_ptr), 1));
}

struct TestKernel {
  std::string name;
  std::function<void(Module&)> build;
};

inline std::vector<TestKernel> representative_kernels() {
  return {{"saxpy", build_saxpy},   {"reduce", build_reduce}, {"atomics", build_atomics},
          {"warp_ops", build_warp}, {"math", build_math},     {"aggregates", build_aggregates}};
}

}  // namespace gpuc::nvvm::testing
