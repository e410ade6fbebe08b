// Helpers for the NVVM backend's tests: locating ptxas and FileCheck, running commands, and
// assembling many PTX files with ptxas in parallel.
#pragma once

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "gpuc/support/file_io.h"

namespace gpuc::nvvm::testing {

inline bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// ptxas from $CUDA_HOME, $CUDA_PATH or /usr/local/cuda; empty when absent.
inline std::string find_ptxas() {
  for (const char* env : {"CUDA_HOME", "CUDA_PATH"}) {
    const char* v = std::getenv(env);
    if (v && *v && file_exists(std::string(v) + "/bin/ptxas")) return std::string(v) + "/bin/ptxas";
  }
  if (file_exists("/usr/local/cuda/bin/ptxas")) return "/usr/local/cuda/bin/ptxas";
  return {};
}

inline std::string filecheck_path() {
  return "/usr/lib/llvm-14/bin/FileCheck";
}

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string scratch_dir(const std::string& name) {
  std::string dir = std::string(GPUC_BINARY_DIR) + "/tests/nvvm/scratch/" + name;
  run_command("mkdir -p '" + dir + "'");
  return dir;
}

struct PtxasJob {
  std::string label;  // for messages
  std::string ptx_path;
  std::string sm;  // sm_75 ...
};

// Runs ptxas on every job, a few at a time; returns the failures as "label: output".
inline std::vector<std::string> run_ptxas(const std::string& ptxas,
                                          const std::vector<PtxasJob>& jobs, size_t parallel = 8) {
  std::vector<std::string> failures;
  for (size_t start = 0; start < jobs.size(); start += parallel) {
    std::vector<std::future<CommandResult>> running;
    size_t end = std::min(jobs.size(), start + parallel);
    for (size_t k = start; k < end; ++k)
      running.push_back(std::async(std::launch::async, [&, k] {
        return run_command(ptxas + " -arch=" + jobs[k].sm + " '" + jobs[k].ptx_path +
                           "' -o /dev/null");
      }));
    for (size_t k = start; k < end; ++k) {
      CommandResult r = running[k - start].get();
      if (r.status != 0) failures.push_back(jobs[k].label + " (" + jobs[k].sm + "): " + r.output);
    }
  }
  return failures;
}

}  // namespace gpuc::nvvm::testing
