// Which `__syncthreads()` barriers of a kernel must order global memory (UniformMemory semantics)
// and which may order workgroup memory only, as GLSL's barrier() does.
//
// Why it matters: OpControlBarrier with UniformMemory makes the driver fence buffer memory at every
// barrier (measured on an NVIDIA H100: prefix_scan 18% and sgemm_tiled 12% slower than glslc's
// barrier()); most shared-memory kernels need no global ordering at their barriers.
//
// The rule (docs/spirv-backend.md, "Barrier semantics", has the full argument): a barrier B keeps
// UniformMemory when some global access P that may execute after the previous barrier and before B
// (on any path, loop back edges included) conflicts with some global access Q that may execute
// after B (anywhere later, loops included). P and Q conflict when at least one writes (a store or
// an atomic) and their pointers may alias. Sound because all invocations of a workgroup execute
// the same dynamic barrier instances (SPIR-V §3.32.20 OpControlBarrier: dynamically uniform
// control flow): for any invocation A's access P ordered before another invocation's access Q by
// barriers, the first barrier after P in A's execution is such a B, and that B's release/acquire
// with UniformMemory makes P happen before Q (Vulkan memory model, "synchronizes-with" through a
// control barrier, which orders only the storage classes named in its semantics).
#pragma once

#include <cstdint>
#include <vector>

#include "gpuc/ir/module.h"

namespace gpuc::spirv {

// Per inst index of `f` (the vector has f.inst_capacity() entries): true for every `barrier` inst
// that must keep UniformMemory. Conservative where it cannot see: every barrier of a device
// function (its callers are not analysed) and of a kernel that is also called; any call is an
// unknown global read and write.
std::vector<bool> barriers_ordering_global_memory(const ir::Module& m, const ir::Function& f);

}  // namespace gpuc::spirv
