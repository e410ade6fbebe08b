// libNVVM and nvJitLink loaded at run time (dlopen), so gpuc builds and starts without a CUDA
// toolkit. The C API subset gpuc calls is declared here from nvvm.h and nvJitLink.h (CUDA 13).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gpuc/support/result.h"

namespace gpuc::nvvm::detail {

// nvvm.h: nvvmResult is an enum (NVVM_SUCCESS = 0), nvvmProgram an opaque handle.
using nvvmResult = int;
using nvvmProgram = struct _nvvmProgram*;
// nvJitLink.h: nvJitLinkResult is an enum (NVJITLINK_SUCCESS = 0), the handle opaque.
using nvJitLinkResult = int;
using nvJitLinkHandle = struct nvJitLink*;
constexpr int kNvJitLinkInputPtx = 2;  // NVJITLINK_INPUT_PTX

// The single table of entry points: X(library, name, return type, parameter list).
#define GPUC_CUDA_LIB_FUNCTIONS(X)                                                                 \
  X(Nvvm, nvvmGetErrorString, const char*, (nvvmResult))                                           \
  X(Nvvm, nvvmVersion, nvvmResult, (int*, int*))                                                   \
  X(Nvvm, nvvmCreateProgram, nvvmResult, (nvvmProgram*))                                           \
  X(Nvvm, nvvmDestroyProgram, nvvmResult, (nvvmProgram*))                                          \
  X(Nvvm, nvvmAddModuleToProgram, nvvmResult, (nvvmProgram, const char*, size_t, const char*))     \
  X(Nvvm, nvvmLazyAddModuleToProgram, nvvmResult, (nvvmProgram, const char*, size_t, const char*)) \
  X(Nvvm, nvvmVerifyProgram, nvvmResult, (nvvmProgram, int, const char**))                         \
  X(Nvvm, nvvmCompileProgram, nvvmResult, (nvvmProgram, int, const char**))                        \
  X(Nvvm, nvvmGetCompiledResultSize, nvvmResult, (nvvmProgram, size_t*))                           \
  X(Nvvm, nvvmGetCompiledResult, nvvmResult, (nvvmProgram, char*))                                 \
  X(Nvvm, nvvmGetProgramLogSize, nvvmResult, (nvvmProgram, size_t*))                               \
  X(Nvvm, nvvmGetProgramLog, nvvmResult, (nvvmProgram, char*))                                     \
  X(JitLink, nvJitLinkCreate, nvJitLinkResult, (nvJitLinkHandle*, uint32_t, const char**))         \
  X(JitLink, nvJitLinkDestroy, nvJitLinkResult, (nvJitLinkHandle*))                                \
  X(JitLink, nvJitLinkAddData, nvJitLinkResult,                                                    \
    (nvJitLinkHandle, int, const void*, size_t, const char*))                                      \
  X(JitLink, nvJitLinkComplete, nvJitLinkResult, (nvJitLinkHandle))                                \
  X(JitLink, nvJitLinkGetLinkedCubinSize, nvJitLinkResult, (nvJitLinkHandle, size_t*))             \
  X(JitLink, nvJitLinkGetLinkedCubin, nvJitLinkResult, (nvJitLinkHandle, void*))                   \
  X(JitLink, nvJitLinkGetErrorLogSize, nvJitLinkResult, (nvJitLinkHandle, size_t*))                \
  X(JitLink, nvJitLinkGetErrorLog, nvJitLinkResult, (nvJitLinkHandle, char*))                      \
  X(JitLink, nvJitLinkGetInfoLogSize, nvJitLinkResult, (nvJitLinkHandle, size_t*))                 \
  X(JitLink, nvJitLinkGetInfoLog, nvJitLinkResult, (nvJitLinkHandle, char*))

enum class CudaLib { Nvvm, JitLink };

// Function pointers for every row of the table; a loaded library fills the rows of its own.
struct CudaLibApi {
#define GPUC_X(lib, name, ret, params) ret(*name) params = nullptr;
  GPUC_CUDA_LIB_FUNCTIONS(GPUC_X)
#undef GPUC_X
  std::string path;  // the shared object that was loaded
};

// Toolkit roots in search order: $CUDA_HOME, $CUDA_PATH, /usr/local/cuda.
std::vector<std::string> cuda_roots();

// Where a library is looked for: <root>/<dir>/<name> for each root, dir and name in order, then
// (use_loader_path) each name through the dynamic loader's own search path.
struct LibSpec {
  CudaLib lib;
  const char* display;  // as errors name it
  std::vector<std::string> roots;
  std::vector<std::string> dirs;
  std::vector<std::string> names;
  bool use_loader_path = true;
};
LibSpec libnvvm_spec();
LibSpec nvjitlink_spec();
// Opens the library and resolves its rows of GPUC_CUDA_LIB_FUNCTIONS; the handle stays open.
Result<CudaLibApi> open_library(const LibSpec& spec);
Result<std::string> find_libdevice_in(const std::vector<std::string>& roots);

// Loaded once per process (thread-safe); the error names the library and where it was looked for.
Result<const CudaLibApi*> load_libnvvm();
Result<const CudaLibApi*> load_nvjitlink();
// libdevice.10.bc's bytes, read once.
Result<const std::string*> load_libdevice();

}  // namespace gpuc::nvvm::detail
