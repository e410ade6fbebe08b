// gpuc-samples: runs every sample (the sample-* executables next to this one) with the given
// arguments, passes their one-line reports through, and exits 1 when any sample fails.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gpuc/runtime/runtime.h"

extern char** environ;

namespace {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (len <= 0) return ".";
  std::string path(buf, size_t(len));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Runs `path args...`; returns its exit code (128 + signal when killed, 127 when it cannot start).
int run(const std::string& path, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int err = posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv.data(), environ);
  if (err != 0) {
    std::cerr << "gpuc-samples: cannot run " << path << ": " << std::strerror(err) << "\n";
    return 127;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    std::cerr << "gpuc-samples: " << path << " killed by signal " << WTERMSIG(status) << "\n";
    return 128 + WTERMSIG(status);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> samples;
  std::stringstream list(GPUC_SAMPLE_LIST);
  for (std::string s; std::getline(list, s, ',');) samples.push_back(s);

  std::vector<std::string> args, only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout
          << "usage: gpuc-samples [--only=NAME[,NAME...]] [sample arguments...]\n"
          << "Runs every sample with the given arguments (e.g. --backend=vulkan, --runs=3) and\n"
          << "exits 1 when any fails. Samples:";
      for (const std::string& s : samples) std::cout << " " << s;
      std::cout << "\n";
      return 0;
    }
    if (a.rfind("--only=", 0) == 0) {
      std::stringstream o(a.substr(7));
      for (std::string s; std::getline(o, s, ',');) only.push_back(s);
      continue;
    }
    args.push_back(a);
  }

  // Say which device the samples will run on, and whether it is the CPU (llvmpipe).
  std::string backend = "auto";
  for (const std::string& a : args)
    if (a.rfind("--backend=", 0) == 0) backend = a.substr(10);
  gpuc::rt::DeviceOptions options;
  options.on_warning = [](const std::string&) {};
  gpuc::Result<gpuc::rt::Device> device = gpuc::rt::Device::open(backend, options);
  if (!device) {
    std::cout << "gpuc-samples: no device for --backend=" << backend << ": "
              << device.error().message << std::endl;
    return 1;
  }
  const gpuc::rt::DeviceInfo& info = device->info();
  std::cout << "gpuc-samples: running on " << gpuc::rt::backend_name(info.backend) << ": "
            << info.name << " (warpSize " << info.subgroup_size << ")";
  if (info.device_type == "cpu")
    std::cout << "\ngpuc-samples: this is Vulkan on the CPU (llvmpipe): no GPU is present, so the "
                 "samples run with smaller default sizes and their timings are CPU timings";
  std::cout << std::endl;
  device = gpuc::make_error("released");  // the samples open their own device

  const std::string dir = self_dir();
  int failed = 0, ran = 0;
  std::vector<std::string> failures;
  for (const std::string& s : samples) {
    if (!only.empty() && std::find(only.begin(), only.end(), s) == only.end()) continue;
    std::cout.flush();
    int rc = run(dir + "/sample-" + s, args);
    ++ran;
    if (rc != 0) {
      ++failed;
      failures.push_back(s);
    }
  }
  std::cout << "gpuc-samples: " << (ran - failed) << "/" << ran << " passed";
  if (failed) {
    std::cout << "; failed:";
    for (const std::string& f : failures) std::cout << " " << f;
  }
  std::cout << std::endl;
  return failed ? 1 : 0;
}
