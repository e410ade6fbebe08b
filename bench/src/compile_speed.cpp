// Item A: compile speed on the CPU. Each benchmark kernel through gpuc (SPIR-V, NVVM IR, PTX;
// in-process through gpuc::Compilation and as CLI processes), nvcc -ptx (process), NVRTC
// (in-process, dlopen'ed) and glslc -O on the hand-written GLSL peers (process). Medians of
// repeated runs; peak memory from wait4's ru_maxrss of a child (forked for in-process compilers).
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <cstdio>
#include <map>

#include "compile_speed.h"
#include "gpuc/compiler.h"

namespace gpuc::bench {
namespace {

// NVRTC, loaded at run time (the signatures of /usr/local/cuda/include/nvrtc.h).
struct Nvrtc {
  using Prog = void*;
  int (*create)(Prog*, const char*, const char*, int, const char* const*,
                const char* const*) = nullptr;
  int (*compile)(Prog, int, const char* const*) = nullptr;
  int (*ptx_size)(Prog, size_t*) = nullptr;
  int (*ptx)(Prog, char*) = nullptr;
  int (*log_size)(Prog, size_t*) = nullptr;
  int (*log)(Prog, char*) = nullptr;
  int (*destroy)(Prog*) = nullptr;
  int (*version)(int*, int*) = nullptr;
  std::string path;

  bool load(std::string* why) {
    const char* names[] = {"libnvrtc.so",
                           "libnvrtc.so.13",
                           "libnvrtc.so.12",
                           "/usr/local/cuda/lib64/libnvrtc.so",
                           "/usr/local/cuda/lib/libnvrtc.so",
                           "/usr/local/cuda/targets/x86_64-linux/lib/libnvrtc.so"};
    void* h = nullptr;
    for (const char* n : names)
      if ((h = dlopen(n, RTLD_NOW | RTLD_LOCAL))) {
        path = n;
        break;
      }
    if (!h) {
      *why = "libnvrtc.so not found";
      return false;
    }
    auto sym = [&](const char* s) { return dlsym(h, s); };
    create = reinterpret_cast<decltype(create)>(sym("nvrtcCreateProgram"));
    compile = reinterpret_cast<decltype(compile)>(sym("nvrtcCompileProgram"));
    ptx_size = reinterpret_cast<decltype(ptx_size)>(sym("nvrtcGetPTXSize"));
    ptx = reinterpret_cast<decltype(ptx)>(sym("nvrtcGetPTX"));
    log_size = reinterpret_cast<decltype(log_size)>(sym("nvrtcGetProgramLogSize"));
    log = reinterpret_cast<decltype(log)>(sym("nvrtcGetProgramLog"));
    destroy = reinterpret_cast<decltype(destroy)>(sym("nvrtcDestroyProgram"));
    version = reinterpret_cast<decltype(version)>(sym("nvrtcVersion"));
    if (!create || !compile || !ptx_size || !ptx || !log_size || !log || !destroy || !version) {
      *why = "libnvrtc.so lacks an nvrtc* entry point";
      return false;
    }
    return true;
  }

  // Compiles to PTX for compute_90; returns "" or the error.
  std::string run(const std::string& name, const std::string& src) const {
    Prog p = nullptr;
    if (create(&p, src.c_str(), name.c_str(), 0, nullptr, nullptr) != 0)
      return "nvrtcCreateProgram failed";
    const char* opts[] = {"--gpu-architecture=compute_90"};
    int r = compile(p, 1, opts);
    std::string err;
    if (r != 0) {
      size_t n = 0;
      log_size(p, &n);
      std::string l(n, '\0');
      log(p, l.data());
      err = "nvrtcCompileProgram: " + l;
    } else {
      size_t n = 0;
      ptx_size(p, &n);
      std::string out(n, '\0');
      ptx(p, out.data());
      if (out.find(".entry") == std::string::npos) err = "NVRTC produced no .entry";
    }
    destroy(&p);
    return err;
  }
};

struct Tool {
  std::string name;
  bool in_process = false;
  // In-process: one compile of `stem`; "" on success, else the error.
  std::function<std::string(const std::string& stem)> run;
  std::string unavailable;  // non-empty: why this tool is not measured
  // Processes: the command line compiling `stem`.
  std::function<std::vector<std::string>(const std::string& stem)> argv;
};

std::string gpuc_in_process(const std::string& stem, Target target, Emit emit) {
  CompileOptions o;
  o.target = target;
  o.emit = emit;
  if (target == Target::Cuda) o.arch = "compute_90";
  Compilation c(o);
  std::optional<std::string_view> src = kernel_source(stem);
  CompileOutput out = c.compile_source(stem + ".gk", std::string(*src));
  if (!out.ok || out.data.empty()) return "gpuc failed on " + stem;
  return "";
}

std::string process_error(const ChildResult& r, const std::string& what) {
  if (r.exit_code == 0) return "";
  return what + " exited with " + std::to_string(r.exit_code) + ": " + r.err.substr(0, 400);
}

}  // namespace

int run_compile_speed(const Options& opt, std::string* markdown, std::string* csv) {
  const int runs = opt.runs > 0 ? opt.runs : (opt.quick ? 2 : 20);
  std::vector<std::string> stems = kernel_stems();
  if (!opt.only.empty())
    stems = {opt.only};
  else if (opt.quick)
    stems = {"saxpy", "sgemm_tiled"};
  const std::string work = opt.out_dir + "/compile-work";
  mkdir(opt.out_dir.c_str(), 0755);
  mkdir(work.c_str(), 0755);
  for (const std::string& s : stems) {
    if (!kernel_source(s)) {
      std::fprintf(stderr, "gpuc-bench: no benchmark kernel named '%s'\n", s.c_str());
      return 1;
    }
    write_file(work + "/" + s + ".gk", *kernel_source(s));
    if (glsl_source(s)) write_file(work + "/" + s + ".comp", *glsl_source(s));
  }

  const std::string gpuc_cli = self_dir() + "/gpuc";
  const std::string nvcc = find_tool("nvcc", {"/usr/local/cuda/bin"});
  const std::string glslc = find_tool("glslc", {});
  static Nvrtc nvrtc;
  std::string nvrtc_why;
  bool have_nvrtc = nvrtc.load(&nvrtc_why);

  std::vector<Tool> tools;
  tools.push_back(
      {"gpuc->SPIR-V", true,
       [](const std::string& s) { return gpuc_in_process(s, Target::Vulkan, Emit::Spirv); }, "",
       nullptr});
  tools.push_back(
      {"gpuc->NVVM IR", true,
       [](const std::string& s) { return gpuc_in_process(s, Target::Cuda, Emit::Nvvm); }, "",
       nullptr});
  tools.push_back({"gpuc->PTX", true,
                   [](const std::string& s) { return gpuc_in_process(s, Target::Cuda, Emit::Ptx); },
                   "", nullptr});
  tools.push_back(
      {"NVRTC->PTX", true,
       [](const std::string& s) { return nvrtc.run(s + ".cu", std::string(*kernel_source(s))); },
       have_nvrtc ? "" : nvrtc_why, nullptr});
  bool have_cli = access(gpuc_cli.c_str(), X_OK) == 0;
  auto process_tool = [&](std::string name, std::string unavailable,
                          std::function<std::vector<std::string>(const std::string&)> argv) {
    tools.push_back({std::move(name), false, nullptr, std::move(unavailable), std::move(argv)});
  };
  const std::string no_cli = have_cli ? "" : "gpuc CLI not built next to gpuc-bench";
  process_tool("gpuc CLI spv", no_cli, [&](const std::string& s) {
    return std::vector<std::string>{gpuc_cli, "--target=vulkan", work + "/" + s + ".gk", "-o",
                                    work + "/" + s + ".gpuc.spv"};
  });
  process_tool("gpuc CLI ptx", no_cli, [&](const std::string& s) {
    return std::vector<std::string>{gpuc_cli,
                                    "--target=cuda",
                                    "--arch=compute_90",
                                    work + "/" + s + ".gk",
                                    "-o",
                                    work + "/" + s + ".gpuc.ptx"};
  });
  process_tool("nvcc -ptx -O3", nvcc.empty() ? "nvcc not found" : "", [&](const std::string& s) {
    return std::vector<std::string>{nvcc,
                                    "-ptx",
                                    "-O3",
                                    "-arch=sm_90",
                                    "-x",
                                    "cu",
                                    work + "/" + s + ".gk",
                                    "-o",
                                    work + "/" + s + ".nvcc.ptx"};
  });
  process_tool("glslc -O", glslc.empty() ? "glslc not found" : "", [&](const std::string& s) {
    return std::vector<std::string>{glslc,
                                    "-O",
                                    "--target-env=vulkan1.2",
                                    work + "/" + s + ".comp",
                                    "-o",
                                    work + "/" + s + ".glslc.spv"};
  });

  // Peak memory first, while this process is still small (a forked child starts with its
  // parent's resident pages, so the baseline is a child that compiles nothing).
  ChildResult base = run_forked([] { return 0; });
  std::map<std::string, long> peak_kb;  // tool -> max over kernels
  std::map<std::string, std::string> failure;
  for (const Tool& t : tools) {
    if (!t.unavailable.empty() || !t.in_process) continue;
    for (const std::string& s : stems) {
      ChildResult r = run_forked([&] { return t.run(s).empty() ? 0 : 1; });
      if (r.exit_code != 0) failure[t.name] = t.run(s);
      if (failure[t.name].empty()) failure.erase(t.name);
      peak_kb[t.name] = std::max(peak_kb[t.name], r.maxrss_kb);
    }
  }

  // Timing: in-process after one warm-up; processes from fork to exit (their peak memory from
  // wait4, descendants included). `runs` runs per kernel; medians in milliseconds.
  std::map<std::string, std::map<std::string, double>> ms;  // tool -> stem -> median
  for (const Tool& t : tools) {
    if (!t.unavailable.empty() || failure.count(t.name)) continue;
    for (const std::string& s : stems) {
      if (!t.in_process && t.name == "glslc -O" && !glsl_source(s)) continue;
      std::vector<double> v;
      if (t.in_process) (void)t.run(s);
      for (int i = 0; i < runs && !failure.count(t.name); ++i) {
        if (t.in_process) {
          double t0 = now_seconds();
          std::string err = t.run(s);
          v.push_back((now_seconds() - t0) * 1e3);
          if (!err.empty()) failure[t.name] = err;
        } else {
          ChildResult r = run_process(t.argv(s));
          v.push_back(r.seconds * 1e3);
          peak_kb[t.name] = std::max(peak_kb[t.name], r.maxrss_kb);
          std::string err = process_error(r, t.argv(s)[0]);
          if (!err.empty()) failure[t.name] = err;
        }
      }
      ms[t.name][s] = median(v);
      std::fprintf(stderr, "compile %-14s %-16s %8.2f ms\n", t.name.c_str(), s.c_str(),
                   ms[t.name][s]);
    }
  }

  Table times;
  times.title = "Compile time per kernel (median of " + std::to_string(runs) + " runs, ms)";
  times.columns = {"kernel"};
  for (const Tool& t : tools) times.columns.push_back(t.name);
  auto cell = [&](const Tool& t, const std::string& s) -> std::string {
    if (!t.unavailable.empty()) return "n/a";
    if (failure.count(t.name)) return "failed";
    if (!ms[t.name].count(s)) return "n/a";
    return fmt(ms[t.name][s], 2);
  };
  std::map<std::string, double> total;
  for (const std::string& s : stems) {
    std::vector<std::string> row{s};
    for (const Tool& t : tools) {
      row.push_back(cell(t, s));
      if (ms[t.name].count(s)) total[t.name] += ms[t.name][s];
    }
    times.rows.push_back(row);
  }
  std::vector<std::string> trow{"**whole set** (sum)"};
  for (const Tool& t : tools)
    trow.push_back(total.count(t.name) && !failure.count(t.name) ? fmt(total[t.name], 1) : "n/a");
  times.rows.push_back(trow);
  std::vector<std::string> mrow{"peak RSS (MiB, max over kernels)"};
  for (const Tool& t : tools)
    mrow.push_back(peak_kb.count(t.name) ? fmt(double(peak_kb[t.name]) / 1024.0, 1) : "n/a");
  times.rows.push_back(mrow);
  times.notes.push_back(
      "In-process columns (gpuc->*, NVRTC) time one `gpuc::Compilation` / `nvrtcCompileProgram` "
      "call after one warm-up; process columns time fork+exec to exit. Peak RSS: wait4's "
      "ru_maxrss of the child (the largest process of its tree); in-process compilers run in a "
      "forked child of gpuc-bench, whose own resident set at fork was " +
      fmt(double(base.maxrss_kb) / 1024.0, 1) + " MiB (included in their numbers).");
  for (const Tool& t : tools) {
    if (!t.unavailable.empty())
      times.notes.push_back("- " + t.name + ": not measured (" + t.unavailable + ")");
    if (failure.count(t.name))
      times.notes.push_back("- " + t.name + ": FAILED: " + failure[t.name]);
  }

  Table ratios;
  ratios.title = "Compile-speed ratios, whole set (peer time / gpuc time; > 1: gpuc is faster)";
  ratios.columns = {"comparison", "peer ms", "gpuc ms", "ratio"};
  auto ratio = [&](const std::string& label, const std::string& peer, const std::string& mine) {
    if (!total.count(peer) || !total.count(mine) || failure.count(peer) || failure.count(mine)) {
      ratios.rows.push_back({label, "n/a", "n/a", "n/a"});
      return;
    }
    ratios.rows.push_back(
        {label, fmt(total[peer], 1), fmt(total[mine], 1), fmt(total[peer] / total[mine], 1) + "x"});
  };
  ratio("glslc -O vs gpuc->SPIR-V (in-process)", "glslc -O", "gpuc->SPIR-V");
  ratio("glslc -O vs gpuc CLI spv (both processes)", "glslc -O", "gpuc CLI spv");
  ratio("nvcc -ptx vs gpuc->PTX (in-process)", "nvcc -ptx -O3", "gpuc->PTX");
  ratio("nvcc -ptx vs gpuc CLI ptx (both processes)", "nvcc -ptx -O3", "gpuc CLI ptx");
  ratio("NVRTC vs gpuc->PTX (both in-process)", "NVRTC->PTX", "gpuc->PTX");
  ratio("gpuc->PTX time / gpuc->NVVM IR time (libNVVM is the rest)", "gpuc->PTX", "gpuc->NVVM IR");
  ratios.notes.push_back("Target (issue 8): gpuc->SPIR-V at least 20x faster than glslc.");

  std::string versions = "Tools: gpuc " GPUC_BENCH_VERSION;
  if (!nvcc.empty()) versions += "; " + shell_line(nvcc + " --version", "release");
  if (!glslc.empty()) versions += "; glslc " + shell_line(glslc + " --version");
  if (have_nvrtc) {
    int a = 0, b = 0;
    nvrtc.version(&a, &b);
    versions += "; NVRTC " + std::to_string(a) + "." + std::to_string(b) + " (" + nvrtc.path + ")";
  }
  *markdown += "## Compile speed (CPU)\n\nMachine: " + cpu_model() + ", " + shell_line("nproc") +
               " cores (" + shell_line("uname -srm") + ").\n" + versions + ".\n\n" +
               times.markdown() + ratios.markdown();
  *csv += times.csv() + "\n" + ratios.csv();
  return failure.empty() ? 0 : 1;
}

}  // namespace gpuc::bench
