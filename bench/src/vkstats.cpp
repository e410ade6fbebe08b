// gpuc-vkstats: what a Vulkan driver's compiler makes of a SPIR-V compute kernel, through
// VK_KHR_pipeline_executable_properties (statistics and internal representations per executable).
#define VK_NO_PROTOTYPES
#include <dlfcn.h>
#include <vulkan/vulkan.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vk_instance.h"

namespace {

// Instance-level entry points, one per line (loaded through vkGetInstanceProcAddr).
// clang-format off
#define VKSTATS_INSTANCE_FUNCS(X)                     \
  X(vkDestroyInstance)                                \
  X(vkEnumeratePhysicalDevices)                       \
  X(vkGetPhysicalDeviceProperties)                    \
  X(vkGetPhysicalDeviceProperties2)                   \
  X(vkGetPhysicalDeviceFeatures2)                     \
  X(vkGetPhysicalDeviceQueueFamilyProperties)         \
  X(vkEnumerateDeviceExtensionProperties)             \
  X(vkCreateDevice)                                   \
  X(vkGetDeviceProcAddr)
// Device-level entry points (loaded through vkGetDeviceProcAddr once the device exists).
#define VKSTATS_DEVICE_FUNCS_BASE(X)                  \
  X(vkDestroyDevice)                                  \
  X(vkCreateShaderModule)                             \
  X(vkDestroyShaderModule)                            \
  X(vkCreatePipelineLayout)                           \
  X(vkDestroyPipelineLayout)                          \
  X(vkCreateComputePipelines)                         \
  X(vkDestroyPipeline)
// VK_KHR_pipeline_executable_properties (not loaded with --compile-only).
#define VKSTATS_DEVICE_FUNCS_STATS(X)                 \
  X(vkGetPipelineExecutablePropertiesKHR)             \
  X(vkGetPipelineExecutableStatisticsKHR)             \
  X(vkGetPipelineExecutableInternalRepresentationsKHR)
// clang-format on

struct Vk {
  PFN_vkGetInstanceProcAddr gipa = nullptr;
#define DECL(f) PFN_##f f = nullptr;
  VKSTATS_INSTANCE_FUNCS(DECL)
  VKSTATS_DEVICE_FUNCS_BASE(DECL)
  VKSTATS_DEVICE_FUNCS_STATS(DECL)
#undef DECL
  VkInstance instance = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  ~Vk() {
    if (device) {
      if (layout) vkDestroyPipelineLayout(device, layout, nullptr);
      vkDestroyDevice(device, nullptr);
    }
    if (instance) vkDestroyInstance(instance, nullptr);
  }
};

// One kernel to inspect: FILE.spv[:ENTRY[:X,Y,Z]].
struct Input {
  std::string path;
  std::string entry = "main";
  uint32_t block[3] = {16, 16, 1};
};

struct Options {
  std::string device;         // substring of the device name; empty: the first device
  std::string out;            // directory for the representations' text and the statistics TSV
  int lines = 40;             // lines of each text representation printed
  bool compile_only = false;  // create the pipelines only, no extension (a test on any driver)
  std::vector<Input> inputs;
};

constexpr int kExitError = 1;
constexpr int kExitUnsupported = 2;  // no device, or no VK_KHR_pipeline_executable_properties

void usage(FILE* f) {
  std::fprintf(
      f,
      "usage: gpuc-vkstats [--device=SUBSTRING] [--out=DIR] [--block=X,Y,Z] [--lines=N]\n"
      "                    [--compile-only]\n"
      "                    FILE.spv[:ENTRY[:X,Y,Z]]...\n"
      "Creates a compute pipeline per SPIR-V file (entry point ENTRY, default main; workgroup\n"
      "size as specialization constants 0,1,2, default --block or 16,16,1; a 128-byte\n"
      "push-constant range) with VK_KHR_pipeline_executable_properties' capture flags and prints\n"
      "each executable's statistics and internal representations (the first N lines of each\n"
      "text, default 40). --out=DIR writes DIR/<basename>.<executable>.<name>.txt per text\n"
      "representation and DIR/<basename>.stats.tsv (executable, statistic, value).\n"
      "--compile-only creates the pipelines without the extension and prints nothing more (a\n"
      "check that the driver accepts the SPIR-V, entry point and features).\n"
      "Exit status: 0 ok, 1 error, 2 the device lacks the extension.\n");
}

bool parse_block(const std::string& s, uint32_t block[3]) {
  uint32_t v[3] = {1, 1, 1};
  std::stringstream ss(s);
  std::string part;
  int i = 0;
  while (std::getline(ss, part, ',')) {
    if (i == 3 || part.empty()) return false;
    char* end = nullptr;
    unsigned long x = std::strtoul(part.c_str(), &end, 10);
    if (*end != '\0' || x == 0 || x > 65535) return false;
    v[i++] = uint32_t(x);
  }
  if (i == 0) return false;
  for (int k = 0; k < 3; ++k) block[k] = v[k];
  return true;
}

// FILE.spv[:ENTRY[:X,Y,Z]]; a ':' is a separator only after the last '/'.
bool parse_input(const std::string& arg, const uint32_t default_block[3], Input& in) {
  for (int k = 0; k < 3; ++k) in.block[k] = default_block[k];
  size_t slash = arg.rfind('/');
  size_t colon = arg.find(':', slash == std::string::npos ? 0 : slash);
  in.path = arg.substr(0, colon);
  if (colon == std::string::npos) return !in.path.empty();
  std::string rest = arg.substr(colon + 1);
  size_t colon2 = rest.find(':');
  in.entry = rest.substr(0, colon2);
  if (in.entry.empty()) in.entry = "main";
  if (colon2 != std::string::npos && !parse_block(rest.substr(colon2 + 1), in.block)) return false;
  return !in.path.empty();
}

bool read_file(const std::string& path, std::vector<uint32_t>& words) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < 20 || bytes.size() % 4 != 0) return false;
  words.resize(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  return words[0] == 0x07230203u;  // SPIR-V §3.1 magic number
}

std::string basename_no_spv(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string b = slash == std::string::npos ? path : path.substr(slash + 1);
  if (b.size() > 4 && b.compare(b.size() - 4, 4, ".spv") == 0) b.resize(b.size() - 4);
  return b;
}

// A representation name as a file-name component: [A-Za-z0-9._-], others '_'.
std::string file_part(const char* name) {
  std::string s;
  for (const char* p = name; *p; ++p) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    s += ok ? c : '_';
  }
  return s.empty() ? "repr" : s;
}

// Tabs and newlines in driver-provided names would break the TSV.
std::string one_line(const char* s) {
  std::string r(s);
  for (char& c : r)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return r;
}

std::string stat_value(const VkPipelineExecutableStatisticKHR& s) {
  char buf[64];
  switch (s.format) {
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_BOOL32_KHR:
      return s.value.b32 ? "true" : "false";
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_INT64_KHR:
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.value.i64));
      return buf;
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_UINT64_KHR:
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(s.value.u64));
      return buf;
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_FLOAT64_KHR:
      std::snprintf(buf, sizeof buf, "%.6g", s.value.f64);
      return buf;
    default:
      return "?";
  }
}

std::string stage_names(VkShaderStageFlags stages) {
  std::string s;
  if (stages & VK_SHADER_STAGE_COMPUTE_BIT) s += "compute";
  if (stages & ~VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s0x%x", s.empty() ? "" : "|",
                  unsigned(stages & ~VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT)));
    s += buf;
  }
  return s;
}

bool has_extension(const std::vector<VkExtensionProperties>& exts, const char* name) {
  for (const VkExtensionProperties& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

// Creates the pipeline for one input and prints its executables; false on error.
bool inspect(Vk& vk, const Options& opt, const Input& in) {
  std::printf("=== %s  entry %s  block %u,%u,%u\n", in.path.c_str(), in.entry.c_str(), in.block[0],
              in.block[1], in.block[2]);
  std::vector<uint32_t> words;
  if (!read_file(in.path, words)) {
    std::fprintf(stderr, "gpuc-vkstats: %s: cannot read a SPIR-V module\n", in.path.c_str());
    return false;
  }
  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  smci.codeSize = words.size() * 4;
  smci.pCode = words.data();
  VkShaderModule shader = VK_NULL_HANDLE;
  VkResult r = vk.vkCreateShaderModule(vk.device, &smci, nullptr, &shader);
  if (r != VK_SUCCESS) {
    std::fprintf(stderr, "gpuc-vkstats: %s: vkCreateShaderModule failed: VkResult %d\n",
                 in.path.c_str(), r);
    return false;
  }
  // The launch ABI: SpecIds 0, 1, 2 are the block's x, y, z.
  VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
  VkSpecializationInfo spec{3, entries, sizeof in.block, in.block};
  VkComputePipelineCreateInfo cpci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  if (!opt.compile_only)
    cpci.flags = VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR |
                 VK_PIPELINE_CREATE_CAPTURE_INTERNAL_REPRESENTATIONS_BIT_KHR;
  cpci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = shader;
  cpci.stage.pName = in.entry.c_str();
  cpci.stage.pSpecializationInfo = &spec;
  cpci.layout = vk.layout;
  VkPipeline pipeline = VK_NULL_HANDLE;
  r = vk.vkCreateComputePipelines(vk.device, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline);
  vk.vkDestroyShaderModule(vk.device, shader, nullptr);
  if (r != VK_SUCCESS) {
    std::fprintf(stderr,
                 "gpuc-vkstats: %s: vkCreateComputePipelines (entry '%s') failed: VkResult %d\n",
                 in.path.c_str(), in.entry.c_str(), r);
    return false;
  }
  if (opt.compile_only) {
    std::printf("pipeline created (--compile-only: no statistics)\n\n");
    vk.vkDestroyPipeline(vk.device, pipeline, nullptr);
    return true;
  }

  bool ok = true;
  std::string base = basename_no_spv(in.path);
  std::ofstream tsv;
  if (!opt.out.empty()) {
    std::string tsv_path = opt.out + "/" + base + ".stats.tsv";
    tsv.open(tsv_path);
    if (!tsv) {
      std::fprintf(stderr, "gpuc-vkstats: cannot write %s\n", tsv_path.c_str());
      ok = false;
    }
  }
  VkPipelineInfoKHR pinfo{VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR};
  pinfo.pipeline = pipeline;
  uint32_t n = 0;
  vk.vkGetPipelineExecutablePropertiesKHR(vk.device, &pinfo, &n, nullptr);
  std::vector<VkPipelineExecutablePropertiesKHR> props(
      n, {VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_PROPERTIES_KHR});
  vk.vkGetPipelineExecutablePropertiesKHR(vk.device, &pinfo, &n, props.data());
  props.resize(n);
  if (n == 0) std::printf("(the driver reports no executables)\n");
  for (uint32_t e = 0; e < n; ++e) {
    std::printf("--- executable %u: %s (%s; stages %s; subgroup size %u)\n", e, props[e].name,
                props[e].description, stage_names(props[e].stages).c_str(), props[e].subgroupSize);
    VkPipelineExecutableInfoKHR einfo{VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR};
    einfo.pipeline = pipeline;
    einfo.executableIndex = e;

    uint32_t ns = 0;
    vk.vkGetPipelineExecutableStatisticsKHR(vk.device, &einfo, &ns, nullptr);
    std::vector<VkPipelineExecutableStatisticKHR> stats(
        ns, {VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR});
    vk.vkGetPipelineExecutableStatisticsKHR(vk.device, &einfo, &ns, stats.data());
    stats.resize(ns);
    std::printf("statistics (%u):\n", ns);
    for (const VkPipelineExecutableStatisticKHR& s : stats) {
      std::string v = stat_value(s);
      std::printf("  %-32s %14s   %s\n", one_line(s.name).c_str(), v.c_str(),
                  one_line(s.description).c_str());
      if (tsv) tsv << e << '\t' << one_line(s.name) << '\t' << v << '\n';
    }

    // Two-call idiom: the first call gives the count, the second each dataSize, the third the
    // data (VK_KHR_pipeline_executable_properties, vkGetPipelineExecutableInternal...).
    uint32_t nr = 0;
    vk.vkGetPipelineExecutableInternalRepresentationsKHR(vk.device, &einfo, &nr, nullptr);
    std::vector<VkPipelineExecutableInternalRepresentationKHR> reps(
        nr, {VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INTERNAL_REPRESENTATION_KHR});
    vk.vkGetPipelineExecutableInternalRepresentationsKHR(vk.device, &einfo, &nr, reps.data());
    reps.resize(nr);
    std::vector<std::vector<char>> data(nr);
    for (uint32_t i = 0; i < nr; ++i) {
      data[i].resize(reps[i].dataSize + 1, '\0');
      reps[i].pData = data[i].data();
    }
    if (nr)
      vk.vkGetPipelineExecutableInternalRepresentationsKHR(vk.device, &einfo, &nr, reps.data());
    std::printf("internal representations (%u):\n", nr);
    std::vector<std::string> used;
    for (uint32_t i = 0; i < nr; ++i) {
      const VkPipelineExecutableInternalRepresentationKHR& rep = reps[i];
      std::printf("  [%u] %s: %s (%s, %zu bytes)\n", i, rep.name, rep.description,
                  rep.isText ? "text" : "binary", size_t(rep.dataSize));
      if (!rep.isText) continue;
      // Text is null-terminated within dataSize; the extra byte above guards a driver that
      // leaves the terminator out.
      std::string text(data[i].data());
      if (!opt.out.empty()) {
        std::string part = file_part(rep.name);
        for (const std::string& u : used)
          if (u == part) part += "_" + std::to_string(i);
        used.push_back(part);
        std::string path = opt.out + "/" + base + "." + std::to_string(e) + "." + part + ".txt";
        std::ofstream f(path, std::ios::binary);
        f << text;
        if (!f) {
          std::fprintf(stderr, "gpuc-vkstats: cannot write %s\n", path.c_str());
          ok = false;
        } else {
          std::printf("      written to %s\n", path.c_str());
        }
      }
      std::istringstream lines(text);
      std::string line;
      int count = 0, total = 0;
      while (std::getline(lines, line)) {
        if (count < opt.lines) {
          std::printf("      %s\n", line.c_str());
          ++count;
        }
        ++total;
      }
      if (total > count) std::printf("      ... (%d more lines)\n", total - count);
    }
  }
  vk.vkDestroyPipeline(vk.device, pipeline, nullptr);
  std::printf("\n");
  return ok;
}

int run(const Options& opt) {
  gpuc::bench::LoadedVkInstance loaded =
      gpuc::bench::create_vk_instance("gpuc-vkstats", VK_API_VERSION_1_3);
  if (!loaded.error.empty()) {
    std::fprintf(stderr, "gpuc-vkstats: %s\n", loaded.error.c_str());
    return kExitError;
  }
  Vk vk;
  vk.gipa = loaded.gipa;
  vk.instance = loaded.instance;
#define LOAD(f)                                                       \
  vk.f = reinterpret_cast<PFN_##f>(vk.gipa(vk.instance, #f));         \
  if (!vk.f) {                                                        \
    std::fprintf(stderr, "gpuc-vkstats: the loader has no " #f "\n"); \
    return kExitError;                                                \
  }
  VKSTATS_INSTANCE_FUNCS(LOAD)
#undef LOAD

  uint32_t n = 0;
  vk.vkEnumeratePhysicalDevices(vk.instance, &n, nullptr);
  std::vector<VkPhysicalDevice> pds(n);
  vk.vkEnumeratePhysicalDevices(vk.instance, &n, pds.data());
  pds.resize(n);
  VkPhysicalDevice pd = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props{};
  for (VkPhysicalDevice p : pds) {
    VkPhysicalDeviceProperties pp;
    vk.vkGetPhysicalDeviceProperties(p, &pp);
    if (opt.device.empty() || std::strstr(pp.deviceName, opt.device.c_str())) {
      pd = p;
      props = pp;
      break;
    }
  }
  if (!pd) {
    std::fprintf(stderr, "gpuc-vkstats: no Vulkan device%s%s%s (the loader reports %u)\n",
                 opt.device.empty() ? "" : " whose name contains '", opt.device.c_str(),
                 opt.device.empty() ? "" : "'", n);
    return kExitUnsupported;
  }
  if (props.apiVersion < VK_API_VERSION_1_2) {
    std::fprintf(stderr, "gpuc-vkstats: device '%s' has Vulkan %u.%u; gpuc needs 1.2\n",
                 props.deviceName, VK_API_VERSION_MAJOR(props.apiVersion),
                 VK_API_VERSION_MINOR(props.apiVersion));
    return kExitUnsupported;
  }
  bool has_13 = props.apiVersion >= VK_API_VERSION_1_3;

  uint32_t ne = 0;
  vk.vkEnumerateDeviceExtensionProperties(pd, nullptr, &ne, nullptr);
  std::vector<VkExtensionProperties> exts(ne);
  vk.vkEnumerateDeviceExtensionProperties(pd, nullptr, &ne, exts.data());
  exts.resize(ne);

  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &driver;
  vk.vkGetPhysicalDeviceProperties2(pd, &props2);
  std::printf("device: %s (Vulkan %u.%u.%u, driver %s %s)\n", props.deviceName,
              VK_API_VERSION_MAJOR(props.apiVersion), VK_API_VERSION_MINOR(props.apiVersion),
              VK_API_VERSION_PATCH(props.apiVersion), driver.driverName, driver.driverInfo);

  bool stats = !opt.compile_only;
  if (stats && !has_extension(exts, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME)) {
    std::fprintf(stderr,
                 "gpuc-vkstats: device '%s' does not expose %s: its driver cannot report "
                 "pipeline statistics or internal representations\n",
                 props.deviceName, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
    return kExitUnsupported;
  }
  bool has_atomic_float = has_extension(exts, VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);

  // What the device has (the same chain as runtime/src/vulkan_device.cpp's query_physical).
  VkPhysicalDeviceFeatures2 have{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features h11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features h12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features h13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT haf{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR hpe{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR};
  have.pNext = &h11;
  h11.pNext = &h12;
  void** tail = &h12.pNext;
  if (stats) {
    *tail = &hpe;
    tail = &hpe.pNext;
  }
  if (has_13) {
    *tail = &h13;
    tail = &h13.pNext;
  }
  if (has_atomic_float) *tail = &haf;
  vk.vkGetPhysicalDeviceFeatures2(pd, &have);
  std::string missing;
  if (!have.features.shaderInt64) missing += " shaderInt64";
  if (!h12.bufferDeviceAddress) missing += " bufferDeviceAddress";
  if (!h12.scalarBlockLayout) missing += " scalarBlockLayout";
  if (!missing.empty()) {
    std::fprintf(stderr, "gpuc-vkstats: device '%s' lacks features gpuc needs:%s\n",
                 props.deviceName, missing.c_str());
    return kExitUnsupported;
  }
  if (stats && !hpe.pipelineExecutableInfo) {
    std::fprintf(stderr,
                 "gpuc-vkstats: device '%s' exposes %s but not its pipelineExecutableInfo "
                 "feature\n",
                 props.deviceName, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
    return kExitUnsupported;
  }

  // What is enabled: gpuc's required features plus the optional ones the runtime enables when
  // present (runtime/src/vulkan_device.cpp, device creation), so the SPIR-V's capabilities are
  // accepted and the driver compiles under the same features as in gpuc-bench. No
  // robustBufferAccess: it changes the generated code.
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT af{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR pe{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR};
  f.pNext = &f11;
  f11.pNext = &f12;
  tail = &f12.pNext;
  if (stats) {
    pe.pipelineExecutableInfo = VK_TRUE;
    *tail = &pe;
    tail = &pe.pNext;
  }
  f.features.shaderInt64 = VK_TRUE;
  f.features.shaderFloat64 = have.features.shaderFloat64;
  f.features.shaderInt16 = have.features.shaderInt16;
  f11.storageBuffer16BitAccess = h11.storageBuffer16BitAccess;
  f11.uniformAndStorageBuffer16BitAccess = h11.uniformAndStorageBuffer16BitAccess;
  f11.storagePushConstant16 = h11.storagePushConstant16;
  f12.bufferDeviceAddress = VK_TRUE;
  f12.scalarBlockLayout = VK_TRUE;
  f12.shaderInt8 = h12.shaderInt8;
  f12.shaderFloat16 = h12.shaderFloat16;
  f12.storageBuffer8BitAccess = h12.storageBuffer8BitAccess;
  f12.uniformAndStorageBuffer8BitAccess = h12.uniformAndStorageBuffer8BitAccess;
  f12.storagePushConstant8 = h12.storagePushConstant8;
  f12.shaderBufferInt64Atomics = h12.shaderBufferInt64Atomics;
  f12.shaderSharedInt64Atomics = h12.shaderSharedInt64Atomics;
  f12.vulkanMemoryModel = h12.vulkanMemoryModel;
  f12.vulkanMemoryModelDeviceScope = h12.vulkanMemoryModelDeviceScope;
  f12.shaderSubgroupExtendedTypes = h12.shaderSubgroupExtendedTypes;
  f12.hostQueryReset = h12.hostQueryReset;
  if (has_13) {
    f13.subgroupSizeControl = h13.subgroupSizeControl;
    f13.computeFullSubgroups = h13.computeFullSubgroups;
    f13.maintenance4 = h13.maintenance4;
    *tail = &f13;
    tail = &f13.pNext;
  }
  std::vector<const char*> extensions;
  if (stats) extensions.push_back(VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
  if (has_atomic_float) {
    af.shaderBufferFloat32Atomics = haf.shaderBufferFloat32Atomics;
    af.shaderBufferFloat32AtomicAdd = haf.shaderBufferFloat32AtomicAdd;
    af.shaderBufferFloat64Atomics = haf.shaderBufferFloat64Atomics;
    af.shaderBufferFloat64AtomicAdd = haf.shaderBufferFloat64AtomicAdd;
    af.shaderSharedFloat32Atomics = haf.shaderSharedFloat32Atomics;
    af.shaderSharedFloat32AtomicAdd = haf.shaderSharedFloat32AtomicAdd;
    af.shaderSharedFloat64Atomics = haf.shaderSharedFloat64Atomics;
    af.shaderSharedFloat64AtomicAdd = haf.shaderSharedFloat64AtomicAdd;
    *tail = &af;
    extensions.push_back(VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);
  }

  uint32_t family =
      gpuc::bench::compute_queue_family(vk.vkGetPhysicalDeviceQueueFamilyProperties, pd);
  if (family == UINT32_MAX) {
    std::fprintf(stderr, "gpuc-vkstats: device '%s' has no compute queue\n", props.deviceName);
    return kExitUnsupported;
  }
  float prio = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = family;
  qci.queueCount = 1;
  qci.pQueuePriorities = &prio;
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.pNext = &f;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.enabledExtensionCount = uint32_t(extensions.size());
  dci.ppEnabledExtensionNames = extensions.data();
  VkResult r = vk.vkCreateDevice(pd, &dci, nullptr, &vk.device);
  if (r != VK_SUCCESS) {
    std::fprintf(stderr, "gpuc-vkstats: vkCreateDevice failed: VkResult %d\n", r);
    return kExitError;
  }
  // vkDestroyDevice first: ~Vk needs it as soon as the device exists.
  vk.vkDestroyDevice =
      reinterpret_cast<PFN_vkDestroyDevice>(vk.vkGetDeviceProcAddr(vk.device, "vkDestroyDevice"));
#define LOAD(f)                                                            \
  vk.f = reinterpret_cast<PFN_##f>(vk.vkGetDeviceProcAddr(vk.device, #f)); \
  if (!vk.f) {                                                             \
    std::fprintf(stderr, "gpuc-vkstats: the device has no " #f "\n");      \
    return kExitError;                                                     \
  }
  VKSTATS_DEVICE_FUNCS_BASE(LOAD)
  if (stats) {
    VKSTATS_DEVICE_FUNCS_STATS(LOAD)
  }
#undef LOAD

  // The parameter block travels in push constants; 128 bytes is the guaranteed minimum
  // maxPushConstantsSize (Vulkan §46.1 "Limit Requirements").
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 128};
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  r = vk.vkCreatePipelineLayout(vk.device, &plci, nullptr, &vk.layout);
  if (r != VK_SUCCESS) {
    std::fprintf(stderr, "gpuc-vkstats: vkCreatePipelineLayout failed: VkResult %d\n", r);
    return kExitError;
  }
  std::printf("\n");
  bool ok = true;
  for (const Input& in : opt.inputs) ok = inspect(vk, opt, in) && ok;
  std::fflush(stdout);
  return ok ? 0 : kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  uint32_t block[3] = {16, 16, 1};
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (a.rfind("--device=", 0) == 0) {
      opt.device = a.substr(9);
    } else if (a.rfind("--out=", 0) == 0) {
      opt.out = a.substr(6);
    } else if (a == "--compile-only") {
      opt.compile_only = true;
    } else if (a.rfind("--lines=", 0) == 0) {
      opt.lines = std::atoi(a.c_str() + 8);
    } else if (a.rfind("--block=", 0) == 0) {
      if (!parse_block(a.substr(8), block)) {
        std::fprintf(stderr, "gpuc-vkstats: bad %s (want X[,Y[,Z]])\n", a.c_str());
        return kExitError;
      }
    } else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "gpuc-vkstats: unknown option %s\n", a.c_str());
      usage(stderr);
      return kExitError;
    } else {
      files.push_back(a);
    }
  }
  for (const std::string& a : files) {
    Input in;
    if (!parse_input(a, block, in)) {
      std::fprintf(stderr, "gpuc-vkstats: bad argument '%s' (want FILE.spv[:ENTRY[:X,Y,Z]])\n",
                   a.c_str());
      return kExitError;
    }
    opt.inputs.push_back(in);
  }
  if (opt.inputs.empty()) {
    usage(stderr);
    return kExitError;
  }
  if (!opt.out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opt.out, ec);
    if (ec) {
      std::fprintf(stderr, "gpuc-vkstats: cannot create directory %s\n", opt.out.c_str());
      return kExitError;
    }
  }
  return run(opt);
}
