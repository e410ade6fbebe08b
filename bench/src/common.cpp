// gpuc-bench's shared pieces (common.h).
#include "common.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "glsl_sources.h"
#include "glslc_spv.h"
#include "kernel_sources.h"
#include "nvcc_ptx.h"

namespace gpuc::bench {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double geomean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += std::log(x);
  return std::exp(s / double(v.size()));
}

std::string fmt(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

namespace {

// Waits for pid, collecting its rusage; reads its stderr from fd until EOF first.
ChildResult wait_child(pid_t pid, int err_fd, double start) {
  ChildResult r;
  if (err_fd >= 0) {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_fd, buf, sizeof buf)) > 0)
      if (r.err.size() < 8192) r.err.append(buf, size_t(n));
    close(err_fd);
  }
  int status = 0;
  struct rusage ru {};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  r.seconds = now_seconds() - start;
  r.maxrss_kb = ru.ru_maxrss;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

ChildResult run_process(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2];
  if (pipe(fds) != 0) return {};
  double start = now_seconds();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {};
  }
  if (pid == 0) {
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, 1);
    dup2(fds[1], 2);
    close(fds[0]);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  return wait_child(pid, fds[0], start);
}

ChildResult run_forked(const std::function<int()>& fn) {
  std::fflush(nullptr);
  double start = now_seconds();
  pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) _exit(fn());
  return wait_child(pid, -1, start);
}

std::vector<std::string> kernel_stems() {
  std::vector<std::string> out;
  for (const EmbeddedFile& f : data::kernel_sources) {
    std::string n = f.name;
    out.push_back(n.substr(0, n.rfind('.')));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string_view> embedded(const EmbeddedFile* group, size_t count,
                                         std::string_view name) {
  for (size_t i = 0; i < count; ++i)
    if (name == group[i].name && group[i].data)
      return std::string_view(reinterpret_cast<const char*>(group[i].data), group[i].size);
  return std::nullopt;
}

#define GPUC_BENCH_GROUP(group, stem, ext) \
  embedded(data::group, sizeof(data::group) / sizeof(data::group[0]), std::string(stem) + ext)
std::optional<std::string_view> kernel_source(std::string_view stem) {
  return GPUC_BENCH_GROUP(kernel_sources, stem, ".gk");
}
std::optional<std::string_view> glsl_source(std::string_view stem) {
  return GPUC_BENCH_GROUP(glsl_sources, stem, ".comp");
}
std::optional<std::string_view> nvcc_ptx(std::string_view stem) {
  return GPUC_BENCH_GROUP(nvcc_ptx, stem, ".ptx");
}
std::optional<std::string_view> glslc_spirv(std::string_view stem) {
  return GPUC_BENCH_GROUP(glslc_spv, stem, ".spv");
}
#undef GPUC_BENCH_GROUP

std::string self_dir() {
  std::array<char, 4096> buf{};
  ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return ".";
  std::string p(buf.data(), size_t(n));
  return p.substr(0, p.rfind('/'));
}

std::string find_tool(const std::string& name, const std::vector<std::string>& extra_dirs) {
  std::vector<std::string> dirs = extra_dirs;
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      dirs.push_back(p.substr(start, end - start));
      start = end + 1;
    }
  }
  for (const std::string& d : dirs) {
    std::string f = d + "/" + name;
    if (access(f.c_str(), X_OK) == 0) return f;
  }
  return "";
}

std::string shell_line(const std::string& cmd, const std::string& grep) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return "";
  char buf[1024];
  std::string found;
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line = buf;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (found.empty() && (grep.empty() || line.find(grep) != std::string::npos)) found = line;
  }
  pclose(p);
  return found;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

bool write_file(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), std::streamsize(data.size()));
  return bool(f);
}

std::string Table::markdown() const {
  std::string s = "### " + title + "\n\n|";
  for (const std::string& c : columns) s += " " + c + " |";
  s += "\n|";
  for (size_t i = 0; i < columns.size(); ++i) s += i == 0 ? "---|" : "---:|";
  s += "\n";
  // Cells hold error messages too: keep them on one line and out of the column syntax.
  auto clean = [](std::string c) {
    for (char& ch : c)
      if (ch == '\n' || ch == '\r')
        ch = ' ';
      else if (ch == '|')
        ch = '/';
    return c;
  };
  for (const auto& row : rows) {
    s += "|";
    for (const std::string& c : row) s += " " + clean(c) + " |";
    s += "\n";
  }
  if (!notes.empty()) s += "\n";
  for (const std::string& n : notes) s += n + "\n";
  return s + "\n";
}

std::string Table::csv() const {
  auto quote = [](const std::string& c) {
    if (c.find_first_of(",\"\n") == std::string::npos) return c;
    std::string q = "\"";
    for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  std::string s;
  for (size_t i = 0; i < columns.size(); ++i) s += (i ? "," : "") + quote(columns[i]);
  s += "\n";
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) s += (i ? "," : "") + quote(row[i]);
    s += "\n";
  }
  return s;
}

}  // namespace gpuc::bench
