// The complete example of docs/api.md (kept identical to it by the api_doc_example test): compile
// a kernel in-process, open a device, upload, launch, download, check.
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "gpuc/compiler.h"
#include "gpuc/runtime/runtime.h"

static const char* kSaxpy = R"(
__global__ void saxpy(int n, float a, const float* x, float* y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
)";

// Prints an error value and exits: every runtime call returns gpuc::Status or gpuc::Result<T>.
static void check(const gpuc::Status& s) {
  if (!s) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    std::exit(1);
  }
}
template <typename T>
static T take(gpuc::Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

int main() {
  // 1. Open a device: CUDA on an NVIDIA GPU, else the best Vulkan device (llvmpipe on a CPU-only
  //    host). GPUC_DEVICE=cuda:0 / vulkan:1 ... overrides the choice.
  gpuc::rt::Device device = take(gpuc::rt::Device::open("auto"));
  std::printf("device: %s (%s)\n", device.info().name.c_str(),
              gpuc::rt::backend_name(device.backend()));

  // 2. Compile the kernel for that device's backend: PTX for CUDA, SPIR-V for Vulkan.
  gpuc::CompileOptions options;
  options.target =
      device.backend() == gpuc::rt::Backend::Cuda ? gpuc::Target::Cuda : gpuc::Target::Vulkan;
  gpuc::Compilation compilation(options);
  gpuc::CompileOutput out = compilation.compile_source("saxpy.gk", kSaxpy);
  if (!out.ok) {
    std::fprintf(stderr, "%s", compilation.diagnostics().format_all().c_str());
    return 1;
  }

  // 3. Load the code with its reflection and look the kernel up by name.
  gpuc::Artifact artifact{gpuc::rt::backend_target(device.backend()), out.data, out.reflection};
  gpuc::rt::Module module = take(device.load(artifact));
  gpuc::rt::Kernel saxpy = take(module.kernel("saxpy"));

  // 4. Upload, launch (arguments are checked against the kernel's parameters), download.
  const int n = 1 << 20;
  std::vector<float> x(n, 1.0f), y(n, 2.0f);
  gpuc::rt::TypedBuffer<float> dx = take(device.upload_array(x));
  gpuc::rt::TypedBuffer<float> dy = take(device.upload_array(y));
  const uint32_t block = 256;
  check(device.launch(saxpy, (n + block - 1) / block, block, {n, 3.0f, dx, dy}));
  std::vector<float> result = take(dy.download());  // waits for the launch

  for (int i = 0; i < n; ++i) {
    if (result[i] != 5.0f) {
      std::fprintf(stderr, "error: y[%d] = %g, expected 5\n", i, result[i]);
      return 1;
    }
  }
  std::printf("saxpy: %d elements ok\n", n);
  return 0;
}
