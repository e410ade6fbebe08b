// gpuc-bench: issue 8's benchmarks. --cpu: compile speed against nvcc, NVRTC and glslc (runs on
// any host). --gpu: kernel speed against nvcc -O3 (CUDA) and glslc -O (Vulkan) plus launch
// overhead, on every backend present (or --backend=cuda|vulkan). Results: Markdown and CSV in
// --out DIR (and the Markdown on standard output). bench/NOTES.md describes the method.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "common.h"
#include "compile_speed.h"
#include "gpu.h"

using namespace gpuc;
using namespace gpuc::bench;

namespace {

void usage() {
  std::puts(
      "usage: gpuc-bench [--cpu] [--gpu | --backend=cuda|vulkan] [--quick] [--runs=N]\n"
      "                  [--kernel=NAME] [--seed=N] [--out DIR]\n"
      "  --cpu      compile speed: gpuc (SPIR-V, NVVM IR, PTX; in-process and CLI) vs nvcc, NVRTC, "
      "glslc\n"
      "  --gpu      kernel speed (gpuc vs nvcc -O3 on CUDA, vs glslc -O on Vulkan) and launch\n"
      "             overhead, on every backend present\n"
      "  --backend  the GPU part on one backend only\n"
      "  --quick    tiny sizes and few runs (smoke tests; CPU devices such as llvmpipe)\n"
      "  --full     the full sizes even on a CPU device (slow; to test the harness)\n"
      "  --bounds-check  kernel speed of gpuc with --bounds-check against gpuc without (the\n"
      "             cost of the checks) instead of against nvcc/glslc\n"
      "  --launch-only  with --gpu or --backend: launch overhead only (to profile it)\n"
      "  --variant=FILE  with --kernel: also measure FILE (PTX for CUDA, .ptx; SPIR-V for\n"
      "             Vulkan, .spv) in place of gpuc's code, in a row of its own; repeatable\n"
      "             (compiler experiments; not counted in the geometric mean)\n"
      "  --out DIR  where the Markdown and CSV results go (default bench-out)");
}

std::string utc_now() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

int run_gpu(Options opt, std::string* md, std::string* csv, std::string* launch_csv) {
  std::vector<std::string> specs;
  if (opt.backend.empty()) {
    rt::DeviceList list = rt::enumerate_devices();
    bool have_cuda = false, have_vk = false;
    for (const rt::DeviceInfo& d : list.devices) {
      if (!d.usable) continue;
      if (d.backend == rt::Backend::Cuda)
        have_cuda = true;
      else
        have_vk = true;
    }
    if (have_cuda) specs.push_back("cuda");
    if (have_vk) specs.push_back("vulkan");
    for (const std::string& n : list.notes) *md += "Note: " + n + "\n\n";
  } else {
    specs.push_back(opt.backend);
  }
  if (specs.empty()) {
    std::fprintf(stderr, "gpuc-bench: no usable CUDA or Vulkan device\n");
    *md += "No usable CUDA or Vulkan device.\n";
    return 1;
  }
  int rc = 0;
  for (const std::string& spec : specs) {
    Result<rt::Device> dev = rt::Device::open(spec);
    if (!dev) {
      *md += "Cannot open " + spec + ": " + dev.error().message + "\n\n";
      rc = 1;
      continue;
    }
    Options o = opt;
    if (dev->info().device_type == "cpu" && !o.quick && !o.full) {
      *md += "The " + spec + " device is a CPU (" + dev->info().name + "): quick sizes.\n\n";
      o.quick = true;
    }
    *md += std::string("## ") + (spec == "cuda" ? "CUDA" : "Vulkan") + " on " + dev->info().name +
           "\n\n";
    Ceilings ceil;
    if (!o.launch_only) rc |= run_kernel_speed(o, *dev, &ceil, md, csv);
    rc |= run_launch_overhead(o, *dev, md, launch_csv);
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      std::string n = name;
      if (a.rfind(n + "=", 0) == 0) return a.substr(n.size() + 1);
      if (a == n && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (a == "--cpu")
      opt.cpu = true;
    else if (a == "--gpu")
      opt.gpu = true;
    else if (a == "--quick")
      opt.quick = true;
    else if (a == "--full")
      opt.full = true;
    else if (a == "--bounds-check")
      opt.bounds_check = true;
    else if (a == "--launch-only")
      opt.launch_only = true;
    else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (auto v = value("--backend")) {
      if (*v != "cuda" && *v != "vulkan" && v->rfind("cuda:", 0) && v->rfind("vulkan:", 0)) {
        std::fprintf(stderr, "gpuc-bench: --backend must be cuda or vulkan\n");
        return 2;
      }
      opt.backend = *v;
      opt.gpu = true;
    } else if (auto v2 = value("--out"))
      opt.out_dir = *v2;
    else if (auto v3 = value("--runs"))
      opt.runs = std::atoi(v3->c_str());
    else if (auto v4 = value("--kernel"))
      opt.only = *v4;
    else if (auto v6 = value("--variant"))
      opt.variants.push_back(*v6);
    else if (auto v5 = value("--seed"))
      opt.seed = std::strtoull(v5->c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "gpuc-bench: unknown argument '%s'\n", a.c_str());
      usage();
      return 2;
    }
  }
  if (!opt.cpu && !opt.gpu) {
    usage();
    return 2;
  }
  if (!opt.variants.empty() && opt.only.empty()) {
    std::fprintf(stderr, "gpuc-bench: --variant needs --kernel=NAME (the kernel it replaces)\n");
    return 2;
  }
  if (!opt.only.empty() && !kernel_source(opt.only)) {
    std::fprintf(stderr, "gpuc-bench: no benchmark kernel named '%s'\n", opt.only.c_str());
    return 2;
  }
  mkdir(opt.out_dir.c_str(), 0755);
  int rc = 0;
  std::string header = "gpuc-bench " GPUC_BENCH_VERSION ", " + utc_now() +
                       (opt.quick ? ", --quick (tiny sizes: not a measurement)" : "") + "\n\n";
  if (opt.cpu) {
    std::string md = "# gpuc compile speed\n\n" + header, csv;
    rc |= run_compile_speed(opt, &md, &csv);
    // The GPU part's peers, checked here so a GPU run does not find a mismatch first.
    std::string peers = check_peer_artifacts();
    md += peers.empty() ? "Peer code for the GPU part (nvcc PTX, glslc SPIR-V): entry names and "
                          "parameter counts match gpuc's reflection for every kernel.\n"
                        : "PEER CODE MISMATCH: " + peers + "\n";
    if (!peers.empty()) rc = 1;
    write_file(opt.out_dir + "/compile.md", md);
    write_file(opt.out_dir + "/compile.csv", csv);
    std::fputs(md.c_str(), stdout);
  }
  if (opt.gpu) {
    std::string md = "# gpuc kernel speed and launch overhead\n\n" + header;
    std::string csv = "backend,kernel,size,gpuc_ms,peer,peer_ms,speedup,gpuc_gbps,gpuc_gflops\n";
    std::string launch_csv = "what,backend,path,us_per_launch\n";
    rc |= run_gpu(opt, &md, &csv, &launch_csv);
    write_file(opt.out_dir + "/gpu.md", md);
    write_file(opt.out_dir + "/gpu.csv", csv);
    write_file(opt.out_dir + "/launch.csv", launch_csv);
    std::fputs(md.c_str(), stdout);
  }
  return rc;
}
