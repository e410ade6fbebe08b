// The samples' shared host code: options, device, run-time compilation, timing, checks, report.
#include "gpuc/samples/sample.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include "gpuc/artifact/artifact.h"
#include "gpuc/compiler.h"

namespace gpuc::samples {

void must(Status s, const std::string& what) {
  if (!s) throw SampleError(what + ": " + s.error().message);
}

namespace {

void print_usage(const SampleInfo& info) {
  std::cout << info.name << ": " << info.description << "\n\nusage: " << info.name
            << " [--backend=auto|cuda|vulkan|cuda:N|vulkan:N]";
  if (info.default_size) std::cout << " [--size=N]";
  if (info.has_files) std::cout << " [--input=FILE.png] [--output=FILE.png]";
  std::cout << " [--runs=N] [--seed=N] [--verbose]\n";
  if (info.default_size)
    std::cout << "  --size=N     " << info.size_meaning << " (default " << info.default_size
              << " on a GPU, " << info.default_size_cpu << " on a CPU device)\n";
  if (info.has_files)
    std::cout << "  --input=F    PNG to read (default: a generated test image)\n"
              << "  --output=F   PNG to write (default " << info.default_output << ")\n";
  std::cout
      << "  --runs=N     timed runs after one warm-up run; the median is reported (default 5)\n"
      << "  --seed=N     seed of the random inputs (default 1)\n"
      << "Prints one line: sample, backend and device, size, device time, PASS or FAIL.\n"
      << "Exit code 0 on PASS, 1 on FAIL or error, 2 on bad arguments.\n";
}

bool parse_uint(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(c - '0');
  }
  *out = v;
  return true;
}

// Parses argv into *out; returns 0 to go on, else the exit code (help: 0 after printing).
int parse_options(const SampleInfo& info, int argc, char** argv, Options* out, bool* exit_now) {
  *exit_now = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value_of = [&](std::string_view key, std::string_view* v) {
      if (a.substr(0, key.size()) != key) return false;
      *v = a.substr(key.size());
      return true;
    };
    std::string_view v;
    uint64_t n = 0;
    if (a == "--help" || a == "-h") {
      print_usage(info);
      *exit_now = true;
      return 0;
    } else if (value_of("--backend=", &v)) {
      out->backend = std::string(v);
    } else if (info.default_size && value_of("--size=", &v)) {
      if (!parse_uint(v, &n) || n == 0) {
        std::cerr << info.name << ": --size needs a positive integer, got '" << v << "'\n";
        *exit_now = true;
        return 2;
      }
      out->size = n;
    } else if (value_of("--runs=", &v)) {
      if (!parse_uint(v, &n) || n == 0 || n > 1000) {
        std::cerr << info.name << ": --runs needs an integer in 1..1000, got '" << v << "'\n";
        *exit_now = true;
        return 2;
      }
      out->runs = int(n);
    } else if (value_of("--seed=", &v)) {
      if (!parse_uint(v, &n)) {
        std::cerr << info.name << ": --seed needs an integer, got '" << v << "'\n";
        *exit_now = true;
        return 2;
      }
      out->seed = n;
    } else if (info.has_files && value_of("--input=", &v)) {
      out->input = std::string(v);
    } else if (info.has_files && value_of("--output=", &v)) {
      out->output = std::string(v);
    } else if (a == "--verbose" || a == "-v") {
      out->verbose = true;
    } else if (a == "--skip-without-device") {
      out->skip_without_device = true;
    } else {
      std::cerr << info.name << ": unknown argument '" << a << "' (see --help)\n";
      *exit_now = true;
      return 2;
    }
  }
  if (info.has_files && out->output.empty()) out->output = info.default_output;
  return 0;
}

std::string device_text(const rt::Device& d) {
  if (!d.valid()) return "-";
  const rt::DeviceInfo& i = d.info();
  std::string s = std::string(rt::backend_name(i.backend)) + ": " + i.name;
  if (i.device_type == "cpu") s += " [CPU]";
  return s;
}

// Wraps a compilation's output and reflection as an artifact; a failed compilation is an error
// carrying the compiler's diagnostics.
Artifact artifact_from(Compilation& c, const CompileOutput& out, ArtifactTarget target,
                       const std::string& what) {
  if (!out.ok) {
    std::string msg = c.diagnostics().format_all();
    if (msg.empty()) msg = "compilation failed without a diagnostic\n";
    throw SampleError("compiling " + what + " failed:\n" + msg);
  }
  Artifact a;
  a.target = target;
  a.code = out.data;
  a.reflection = out.reflection;
  return a;
}

}  // namespace

Context::Context(const SampleInfo& info, Options options)
    : info_(info),
      options_(std::move(options)),
      rng_state_(options_.seed * 0x9E3779B97F4A7C15ull + 1) {}

void Context::open_device() {
  device_ = must(rt::Device::open(options_.backend), "opening device '" + options_.backend + "'");
}

uint64_t Context::size() const {
  if (options_.size) return options_.size;
  return on_cpu() ? info_.default_size_cpu : info_.default_size;
}

rt::Module Context::compile(const std::string& file_name, const std::string& source,
                            const std::vector<std::string>& defines) {
  CompileOptions o;
  o.target = device_.backend() == rt::Backend::Cuda ? Target::Cuda : Target::Vulkan;
  o.defines = defines;
  Compilation c(o);
  CompileOutput out = c.compile_source(file_name, source);
  Artifact a = artifact_from(c, out, rt::backend_target(device_.backend()), file_name);
  if (options_.verbose)
    std::cerr << info_.name << ": compiled " << file_name << " for " << target_name(o.target)
              << " (" << a.code.size() << " bytes)\n";
  return must(device_.load(a), "loading " + file_name);
}

rt::Module Context::compile(std::unique_ptr<ir::Module> module) {
  CompileOptions o;
  o.target = device_.backend() == rt::Backend::Cuda ? Target::Cuda : Target::Vulkan;
  Compilation c(o);
  CompileOutput out = c.compile_module(std::move(module));
  Artifact a = artifact_from(c, out, rt::backend_target(device_.backend()), "the built module");
  return must(device_.load(a), "loading the built module");
}

rt::Kernel Context::kernel(const rt::Module& module, const std::string& name) {
  return must(module.kernel(name), "kernel " + name);
}

rt::Dim3 Context::grid_for(uint64_t n, uint32_t block, uint32_t max_blocks) const {
  uint64_t blocks = (n + block - 1) / block;
  uint64_t limit = device_info().max_grid_dims[0] ? device_info().max_grid_dims[0] : 65535;
  if (max_blocks) limit = std::min<uint64_t>(limit, max_blocks);
  return rt::Dim3(uint32_t(std::clamp<uint64_t>(blocks, 1, limit)));
}

float Context::time_ms(const std::function<void(rt::Stream&)>& enqueue) {
  rt::Stream s = device_.stream();
  enqueue(s);  // warm-up: pipeline creation, JIT, caches
  must(s.synchronize(), "warm-up run");
  rt::Event start = must(device_.create_event(), "creating an event");
  rt::Event end = must(device_.create_event(), "creating an event");
  std::vector<float> times;
  for (int r = 0; r < options_.runs; ++r) {
    must(s.record(start), "recording an event");
    enqueue(s);
    must(s.record(end), "recording an event");
    must(s.synchronize(), "timed run");
    times.push_back(must(rt::elapsed_ms(start, end), "reading event times"));
  }
  std::sort(times.begin(), times.end());
  size_t m = times.size() / 2;
  return times.size() % 2 ? times[m] : 0.5f * (times[m - 1] + times[m]);
}

uint64_t Context::next_random() {  // splitmix64
  uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float Context::random_float(float lo, float hi) {
  float u = float(next_random() >> 40) * (1.0f / 16777216.0f);  // [0, 1) with 24 bits
  return lo + (hi - lo) * u;
}

int run_sample(const SampleInfo& info, int argc, char** argv,
               const std::function<Check(Context&)>& body) {
  Options options;
  bool exit_now = false;
  int rc = parse_options(info, argc, argv, &options, &exit_now);
  if (exit_now) return rc;
  Context ctx(info, options);
  Check check;
  if (options.skip_without_device) {
    rt::DeviceOptions quiet;
    quiet.on_warning = [](const std::string&) {};
    Result<rt::Device> probe = rt::Device::open(options.backend, quiet);
    if (!probe) {
      std::cout << info.name << ": SKIPPED: no device: " << probe.error().message << std::endl;
      return 77;
    }
  }
  try {
    ctx.open_device();
    check = body(ctx);
  } catch (const std::exception& e) {
    check.pass = false;
    check.detail = std::string("error: ") + e.what();
  }
  // One line: name, backend: device, size, notes (time first), verdict.
  std::string line = info.name;
  line.resize(std::max<size_t>(line.size() + 1, 12), ' ');
  line += device_text(ctx.device());
  line += "  ";
  line += ctx.size_text().empty() ? std::string("-") : ctx.size_text();
  for (const std::string& n : ctx.notes()) line += "  " + n;
  line += check.pass ? "  PASS" : "  FAIL";
  std::string detail = check.detail;
  // Multi-line details (compiler diagnostics) go to stderr after the line, its first line on it.
  std::string first = detail.substr(0, detail.find('\n'));
  if (!first.empty()) line += " (" + first + ")";
  std::cout << line << std::endl;
  if (first.size() != detail.size()) std::cerr << detail << (detail.back() == '\n' ? "" : "\n");
  return check.pass ? 0 : 1;
}

Check compare_exact(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want) {
  if (got.size() != want.size())
    return {false, "size " + std::to_string(got.size()) + " != " + std::to_string(want.size())};
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i] && bad++ == 0) first = i;
  if (!bad) return {true, ""};
  return {false, std::to_string(bad) + " mismatches; first at " + std::to_string(first) + ": " +
                     std::to_string(got[first]) + " != " + std::to_string(want[first])};
}

Check compare_bounded(const std::vector<float>& got, const std::vector<double>& want,
                      const std::vector<double>& bound) {
  if (got.size() != want.size())
    return {false, "size " + std::to_string(got.size()) + " != " + std::to_string(want.size())};
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double err = std::fabs(double(got[i]) - want[i]);
    if (!(err <= bound[i]) && bad++ == 0) first = i;  // NaN fails
  }
  if (!bad) return {true, ""};
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%zu elements out of bounds; first at %zu: %.9g vs %.9g (bound %.3g)", bad, first,
                double(got[first]), want[first], bound[first]);
  return {false, buf};
}

void Context::add_time(float ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f ms", double(ms));
  add_note(buf);
}

std::string gbps(double bytes, float ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f GB/s", bytes / (double(ms) * 1e6));
  return buf;
}

}  // namespace gpuc::samples
