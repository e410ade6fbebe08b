// gpuc-bench's shared pieces: options, timing and statistics, child processes with their peak
// memory, embedded files, and tables written as Markdown and CSV.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embedded.h"

namespace gpuc::bench {

struct Options {
  bool cpu = false;     // --cpu: compile speed
  bool gpu = false;     // --gpu: kernel speed and launch overhead on every backend present
  std::string backend;  // --backend=cuda|vulkan: GPU part on that backend only
  bool quick = false;   // --quick: tiny sizes, few runs (smoke tests, llvmpipe)
  bool full = false;    // --full: the full sizes even on a CPU device (tests the harness)
  int runs = 0;         // --runs=N (0: 20 compile runs, 50 kernel runs; quick: 2 and 3)
  std::string out_dir = "bench-out";  // --out=DIR: Markdown and CSV results
  std::string only;                   // --kernel=NAME: one benchmark kernel
  uint64_t seed = 1;
  bool bounds_check = false;  // --bounds-check: kernel speed of gpuc checked vs gpuc unchecked
  bool launch_only = false;   // --launch-only: the launch-overhead part of the GPU run alone
  // --variant=FILE (repeatable): PTX (.ptx, CUDA) or SPIR-V (.spv, Vulkan) measured in place of
  // gpuc's code for the --kernel, each in an extra row (compiler experiments).
  std::vector<std::string> variants;
};

double now_seconds();  // monotonic
double median(std::vector<double> v);
double geomean(const std::vector<double>& v);
std::string fmt(double v, int precision = 2);

// One finished child process: exit status, wall time, peak resident memory (wait4's ru_maxrss).
struct ChildResult {
  int exit_code = -1;  // -1: did not start or was killed
  double seconds = 0;
  long maxrss_kb = 0;
  std::string err;  // its standard error (truncated), for failure messages
};
ChildResult run_process(const std::vector<std::string>& argv);
// Runs fn in a forked child (nothing else done there) and returns its peak memory; fn's return
// value is the child's exit code.
ChildResult run_forked(const std::function<int()>& fn);

// Files embedded at build time, by group; the stem ("saxpy") names a kernel in every group.
std::vector<std::string> kernel_stems();  // bench/kernels/*.gk stems, sorted
std::optional<std::string_view> embedded(const EmbeddedFile* group, size_t count,
                                         std::string_view name);
std::optional<std::string_view> kernel_source(std::string_view stem);  // .gk text
std::optional<std::string_view> glsl_source(std::string_view stem);    // .comp text
std::optional<std::string_view> nvcc_ptx(std::string_view stem);       // nvcc -O3 PTX
std::optional<std::string_view> glslc_spirv(std::string_view stem);    // glslc -O SPIR-V

// The directory of this executable (gpuc lives next to it).
std::string self_dir();
std::string find_tool(const std::string& name, const std::vector<std::string>& extra_dirs);
// First line of `cmd` run through the shell (versions of tools), or "".
std::string shell_line(const std::string& cmd, const std::string& grep = "");
std::string cpu_model();
bool write_file(const std::string& path, std::string_view data);

// A result table, written as a Markdown table and as CSV rows.
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;  // printed under the Markdown table
  std::string markdown() const;
  std::string csv() const;
};

}  // namespace gpuc::bench
