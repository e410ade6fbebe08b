// Host boilerplate shared by every gpuc sample: argument parsing, device opening, compiling kernels
// at run time for the opened device, device-time measurement, result checks and the one-line
// report.
//
// A sample's main() is `return gpuc::samples::run_sample(info, argc, argv, body);`. The body
// throws SampleError (or calls must() on a failing Result) for errors; run_sample turns every error
// into a FAIL line and exit code 1, so a sample never aborts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpuc/ir/module.h"
#include "gpuc/runtime/runtime.h"

namespace gpuc::samples {

// An error inside a sample body: reported as FAIL with its message.
class SampleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Unwraps a Result, throwing SampleError with `what` and the error's message on failure.
template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r) throw SampleError(what + ": " + r.error().message);
  return std::move(r.value());
}
void must(Status s, const std::string& what);

// What a sample declares about itself.
struct SampleInfo {
  std::string name;         // printed first on the report line, and the executable's name
  std::string description;  // --help text
  // The problem size: its meaning ("elements", "pixels (width)", ...), the default on a GPU and the
  // default on a CPU device (llvmpipe), where samples run smaller. 0 = the sample has no size.
  std::string size_meaning;
  uint64_t default_size = 0;
  uint64_t default_size_cpu = 0;
  bool has_files = false;  // accepts --input=PNG and --output=PNG
  std::string default_output;
};

struct Options {
  std::string backend = "auto";      // --backend=cuda|vulkan|auto (also cuda:N, vulkan:N)
  uint64_t size = 0;                 // --size= (0: the default for the device)
  int runs = 5;                      // --runs= timed runs after one warm-up run
  uint64_t seed = 1;                 // --seed= for the random inputs
  std::string input;                 // --input= (samples with files)
  std::string output;                // --output= (samples with files)
  bool verbose = false;              // --verbose: print details (kernel compile, errors) to stderr
  bool skip_without_device = false;  // --skip-without-device: exit 77 (CTest's skip) when no
                                     // device opens, instead of failing
};

// Everything a sample body uses.
class Context {
 public:
  Context(const SampleInfo& info, Options options);

  const SampleInfo& info() const { return info_; }
  const Options& options() const { return options_; }
  rt::Device& device() { return device_; }
  const rt::DeviceInfo& device_info() const { return device_.info(); }
  bool on_cpu() const { return device_info().device_type == "cpu"; }
  // --size=, or the sample's default for this device.
  uint64_t size() const;

  // Compiles kernel source text for the device's backend (gpuc::Compilation) and loads it.
  // `file_name` names the source in diagnostics (and picks .gk vs .gir).
  rt::Module compile(const std::string& file_name, const std::string& source,
                     const std::vector<std::string>& defines = {});
  // Compiles a module built with the C++ IR builder (ir/include/gpuc/ir/builder.h) and loads it.
  rt::Module compile(std::unique_ptr<ir::Module> module);
  rt::Kernel kernel(const rt::Module& module, const std::string& name);

  // A 1-D launch shape for n work items in blocks of `block` threads, capped at `max_blocks`
  // (when non-zero) and at the device's grid limit: kernels use grid-stride loops.
  rt::Dim3 grid_for(uint64_t n, uint32_t block, uint32_t max_blocks = 0) const;

  // Runs `enqueue` (which queues the work of one run on the stream) once to warm up, then
  // options().runs times between recorded events; returns the median device time in ms.
  float time_ms(const std::function<void(rt::Stream&)>& enqueue);

  // Sets the size text of the report line ("n=16777216", "1024x1024").
  void set_size_text(std::string text) { size_text_ = std::move(text); }
  const std::string& size_text() const { return size_text_; }
  // Appends to the report line (a throughput, an error figure, a file written).
  void add_note(std::string note) { notes_.push_back(std::move(note)); }
  const std::vector<std::string>& notes() const { return notes_; }
  // Adds the device time note ("0.123 ms"), the first note of every sample.
  void add_time(float ms);
  // Uniform random numbers from the --seed generator.
  uint64_t next_random();
  float random_float(float lo, float hi);

  void open_device();  // called by run_sample

 private:
  SampleInfo info_;
  Options options_;
  rt::Device device_;
  std::string size_text_;
  std::vector<std::string> notes_;
  uint64_t rng_state_;
};

// The outcome of a sample's check against its CPU reference.
struct Check {
  bool pass = false;
  std::string detail;  // e.g. "max error 1.2e-07 (bound 4.8e-07)" or "element 17: 3 != 4"
};

// Parses argv, opens the device, runs body, prints the one-line report and returns the exit code
// (0 PASS, 1 FAIL or error, 2 bad arguments, 77 no device with --skip-without-device).
int run_sample(const SampleInfo& info, int argc, char** argv,
               const std::function<Check(Context&)>& body);

// --- checks --------------------------------------------------------------------------------------
// Exact comparison of integer arrays: reports the first mismatch and the mismatch count.
Check compare_exact(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want);
// |got[i] - want[i]| <= bound[i] for every i (bound per element); reports the worst element.
Check compare_bounded(const std::vector<float>& got, const std::vector<double>& want,
                      const std::vector<double>& bound);

// Formats a byte throughput for `bytes` moved in `ms`.
std::string gbps(double bytes, float ms);

}  // namespace gpuc::samples
