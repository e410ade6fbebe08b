// Finding and loading libNVVM, nvJitLink and libdevice at run time (DESIGN.md "NVVM": the build
// machines have libnvvm.so in /usr/local/cuda/lib, standard toolkits in
// /usr/local/cuda/nvvm/lib64).
#include "cuda_libs.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

#include "gpuc/nvvm/nvvm_backend.h"
#include "gpuc/support/file_io.h"

namespace gpuc::nvvm {
namespace detail {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The first existing <root>/<dir>/<name> for the roots, dirs and names given; *looked lists the
// directories searched.
std::string search(const std::vector<std::string>& roots, const std::vector<std::string>& dirs,
                   const std::vector<std::string>& names, std::string* looked) {
  for (const std::string& root : roots)
    for (const std::string& dir : dirs)
      for (const std::string& name : names) {
        std::string p = root + "/" + dir + "/" + name;
        if (name == names.front()) *looked += (looked->empty() ? "" : ", ") + root + "/" + dir;
        if (is_file(p)) return p;
      }
  return {};
}

}  // namespace

std::vector<std::string> cuda_roots() {
  std::vector<std::string> roots;
  for (const char* env : {"CUDA_HOME", "CUDA_PATH"}) {
    const char* v = std::getenv(env);
    if (v && *v) roots.emplace_back(v);
  }
  roots.emplace_back("/usr/local/cuda");
  return roots;
}

LibSpec libnvvm_spec() {
  return {CudaLib::Nvvm,
          "libNVVM (libnvvm.so)",
          cuda_roots(),
          {"nvvm/lib64", "lib64", "lib"},
          {"libnvvm.so", "libnvvm.so.4"},
          true};
}

LibSpec nvjitlink_spec() {
  return {CudaLib::JitLink,
          "nvJitLink (libnvJitLink.so)",
          cuda_roots(),
          {"lib64", "lib"},
          {"libnvJitLink.so", "libnvJitLink.so.13", "libnvJitLink.so.12"},
          true};
}

Result<CudaLibApi> open_library(const LibSpec& spec) {
  std::string looked;
  std::string path = search(spec.roots, spec.dirs, spec.names, &looked);
  void* handle = nullptr;
  std::string dl_error;
  if (!path.empty()) {
    handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) dl_error = ::dlerror();
  }
  if (!handle && spec.use_loader_path) {
    // Last resort: the dynamic loader's own search path (LD_LIBRARY_PATH, ld.so.cache).
    for (const std::string& name : spec.names) {
      handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle) {
        path = name;
        break;
      }
    }
  }
  if (!handle) {
    std::string msg = std::string("cannot load ") + spec.display;
    if (!dl_error.empty()) msg += " (" + path + ": " + dl_error + ")";
    msg += "; looked in " + looked + (spec.use_loader_path ? " and the loader's path" : "") +
           ". Install the CUDA toolkit at " + "/usr/local/cuda or set CUDA_HOME to its root";
    return make_error(msg);
  }
  CudaLibApi api;
  api.path = path;
  std::string missing;
#define GPUC_X(which, name, ret, params)                                        \
  if (CudaLib::which == spec.lib) {                                             \
    api.name = reinterpret_cast<ret(*) params>(::dlsym(handle, #name));         \
    if (!api.name) missing += std::string(missing.empty() ? "" : ", ") + #name; \
  }
  GPUC_CUDA_LIB_FUNCTIONS(GPUC_X)
#undef GPUC_X
  if (!missing.empty()) {
    ::dlclose(handle);
    return make_error(std::string(spec.display) + " at " + path + " lacks " + missing +
                      " (a CUDA 12 or newer toolkit is needed)");
  }
  // The handle stays open for the life of the process.
  return api;
}

namespace {

template <typename Loader>
Result<const CudaLibApi*> load_once(std::once_flag& once, std::optional<Result<CudaLibApi>>& slot,
                                    Loader loader) {
  std::call_once(once, [&] { slot.emplace(loader()); });
  if (!slot->ok()) return slot->error();
  return &slot->value();
}

}  // namespace

Result<const CudaLibApi*> load_libnvvm() {
  static std::once_flag once;
  static std::optional<Result<CudaLibApi>> slot;
  return load_once(once, slot, [] { return open_library(libnvvm_spec()); });
}

Result<const CudaLibApi*> load_nvjitlink() {
  static std::once_flag once;
  static std::optional<Result<CudaLibApi>> slot;
  return load_once(once, slot, [] { return open_library(nvjitlink_spec()); });
}

Result<std::string> find_libdevice_in(const std::vector<std::string>& roots) {
  std::string looked;
  std::string p = search(roots, {"nvvm/libdevice"}, {"libdevice.10.bc"}, &looked);
  if (p.empty())
    return make_error("cannot find libdevice (libdevice.10.bc, the CUDA math library) in " +
                      looked +
                      ". Install the CUDA toolkit at /usr/local/cuda or set CUDA_HOME to its root");
  return p;
}

Result<const std::string*> load_libdevice() {
  static std::once_flag once;
  static std::optional<Result<std::string>> slot;
  std::call_once(once, [] {
    Result<std::string> path = find_libdevice();
    if (!path) {
      slot.emplace(path.error());
      return;
    }
    slot.emplace(read_file(path.value()));
  });
  if (!slot->ok()) return slot->error();
  return &slot->value();
}

}  // namespace detail

Result<std::string> find_libnvvm() {
  Result<const detail::CudaLibApi*> lib = detail::load_libnvvm();
  if (!lib) return lib.error();
  return lib.value()->path;
}

Result<std::string> find_nvjitlink() {
  Result<const detail::CudaLibApi*> lib = detail::load_nvjitlink();
  if (!lib) return lib.error();
  return lib.value()->path;
}

Result<std::string> find_libdevice() {
  return detail::find_libdevice_in(detail::cuda_roots());
}

Result<std::string> libnvvm_version() {
  Result<const detail::CudaLibApi*> lib = detail::load_libnvvm();
  if (!lib) return lib.error();
  int major = 0, minor = 0;
  if (lib.value()->nvvmVersion(&major, &minor) != 0) return make_error("nvvmVersion failed");
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace gpuc::nvvm
