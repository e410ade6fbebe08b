// Builds saxpy with the installed gpuc IR builder, verifies it and prints its IR.
#include <gpuc/ir/builder.h>
#include <gpuc/ir/printer.h>
#include <gpuc/ir/verifier.h>

#include <iostream>

int main() {
  using namespace gpuc::ir;
  Module m;
  Builder b(m);
  TypeTable& t = m.types;
  TypeId fptr = t.pointer_type(t.f32(), AddressSpace::Global);
  b.create_kernel("saxpy");
  ValueId a = b.add_param("a", t.f32());
  ValueId x = b.add_param("x", fptr, /*readonly=*/true);
  ValueId y = b.add_param("y", fptr);
  ValueId n = b.add_param("n", t.u32());
  ValueId i = b.create_binary(
      Op::Add,
      b.create_binary(Op::Mul, b.create_gpu_id(Op::BlockIdX), b.create_gpu_id(Op::BlockDimX)),
      b.create_gpu_id(Op::ThreadIdX));
  b.create_if(b.create_compare(Op::Lt, i, n), [&] {
    ValueId xi = b.create_load(b.create_index(x, i));
    ValueId py = b.create_index(y, i);
    b.create_store(py, b.create_fma(a, xi, b.create_load(py)));
  });
  b.create_return();
  gpuc::DiagnosticEngine diags;
  if (!verify(m, diags)) {
    std::cerr << diags.format_all();
    return 1;
  }
  std::cout << print_module(m);
  return 0;
}
