// Sample ir_builder: an engine's path with no kernel source. The kernel is built with the C++ IR
// builder (gpuc/ir/builder.h), verified, compiled for the device's backend and launched:
//   y[i] = c[0] + c[1] x[i] + ... + c[d] x[i]^d   (Horner's rule with fma, for i < n)
#include <cmath>
#include <iostream>
#include <memory>
#include <vector>

#include "gpuc/ir/builder.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"
#include "gpuc/samples/sample.h"

using namespace gpuc;
using namespace gpuc::samples;

namespace {

// kernel @poly(%x: ptr<global, f32> readonly, %c: ptr<global, f32> readonly,
//              %y: ptr<global, f32>, %n: u32, %degree: i32)
std::unique_ptr<ir::Module> build_poly_kernel() {
  auto m = std::make_unique<ir::Module>();
  ir::Builder b(*m);
  ir::TypeTable& t = m->types;
  const ir::TypeId f32 = t.f32(), u32 = t.u32(), i32 = t.i32();
  const ir::TypeId gptr = t.pointer_type(f32, ir::AddressSpace::Global);
  b.create_kernel("poly");
  ir::ValueId x = b.add_param("x", gptr, /*readonly=*/true, /*restrict=*/true);
  ir::ValueId c = b.add_param("c", gptr, true, true);
  ir::ValueId y = b.add_param("y", gptr, false, true);
  ir::ValueId n = b.add_param("n", u32);
  ir::ValueId degree = b.add_param("degree", i32);

  // i = blockIdx.x * blockDim.x + threadIdx.x
  ir::ValueId i = b.create_binary(ir::Op::Add,
                                  b.create_binary(ir::Op::Mul, b.create_gpu_id(ir::Op::BlockIdX),
                                                  b.create_gpu_id(ir::Op::BlockDimX)),
                                  b.create_gpu_id(ir::Op::ThreadIdX));
  b.create_if(b.create_compare(ir::Op::Lt, i, n), [&] {
    ir::ValueId xi = b.create_load(b.create_index(x, i));
    // Values crossing loop iterations live in vars (the IR has no phi).
    ir::ValueId acc = b.create_var(f32);
    b.create_store(acc, b.create_load(b.create_index(c, degree)));
    ir::ValueId k = b.create_var(i32);
    b.create_store(k, b.create_binary(ir::Op::Sub, degree, b.create_const_int(i32, 1)));
    b.create_loop(
        [&] {  // body: if (k < 0) break; acc = fma(acc, xi, c[k]);
          ir::ValueId kv = b.create_load(k);
          b.create_if(b.create_compare(ir::Op::Lt, kv, b.create_const_int(i32, 0)),
                      [&] { b.create_break(); });
          ir::ValueId ck = b.create_load(b.create_index(c, kv));
          b.create_store(acc, b.create_fma(b.create_load(acc), xi, ck));
        },
        [&] {  // continue: --k
          b.create_store(
              k, b.create_binary(ir::Op::Sub, b.create_load(k), b.create_const_int(i32, 1)));
        });
    b.create_store(b.create_index(y, i), b.create_load(acc));
  });
  b.create_return();
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  SampleInfo info{"ir_builder", "a kernel built with the C++ IR builder: polynomial evaluation",
                  "elements", 1u << 24, 1u << 18};
  return run_sample(info, argc, argv, [](Context& ctx) {
    std::unique_ptr<ir::Module> module = build_poly_kernel();
    // The builder computes types but does not check them: verify before compiling.
    DiagnosticEngine diags;
    if (!ir::verify(*module, diags))
      throw SampleError("the built kernel does not verify:\n" + diags.format_all() +
                        ir::print_module(*module));
    if (ctx.options().verbose) std::cerr << ir::print_module(*module);
    rt::Module m = ctx.compile(std::move(module));
    rt::Kernel k = ctx.kernel(m, "poly");

    const int degree = 7;
    uint64_t limit =
        uint64_t(ctx.device_info().max_grid_dims[0] ? ctx.device_info().max_grid_dims[0] : 65535) *
        256;
    uint32_t n = uint32_t(std::min<uint64_t>({ctx.size(), limit, UINT32_MAX}));
    ctx.set_size_text("n=" + std::to_string(n) + " degree=" + std::to_string(degree));
    std::vector<float> x(n), coeffs(degree + 1);
    for (float& v : x) v = ctx.random_float(-1.0f, 1.0f);
    for (float& v : coeffs) v = ctx.random_float(-1.0f, 1.0f);
    auto dx = must(ctx.device().upload_array(x), "uploading x");
    auto dc = must(ctx.device().upload_array(coeffs), "uploading c");
    auto dy = must(ctx.device().alloc_array<float>(n), "allocating y");
    const uint32_t block = 256;
    rt::Dim3 grid((n + block - 1) / block);
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {dx, dc, dy, n, degree}), "launching poly");
    });
    std::vector<float> got = must(dy.download(), "downloading y");
    ctx.add_time(ms);
    ctx.add_note(gbps(8.0 * n, ms));
    // Horner's rule in floating point: |err| <= gamma_2d sum |c_k||x|^k (Higham eq. 5.3); the
    // fma may be split into a multiply and an add on Vulkan, hence 2d roundings.
    std::vector<double> want(n), bound(n);
    for (uint32_t i = 0; i < n; ++i) {
      double acc = coeffs[degree], abs_acc = std::fabs(coeffs[degree]);
      for (int kk = degree - 1; kk >= 0; --kk) {
        acc = acc * x[i] + coeffs[kk];
        abs_acc = abs_acc * std::fabs(x[i]) + std::fabs(coeffs[kk]);
      }
      want[i] = acc;
      bound[i] = std::ldexp(abs_acc, -24) * (2 * degree + 2) * 1.01;
    }
    return compare_bounded(got, want, bound);
  });
}
