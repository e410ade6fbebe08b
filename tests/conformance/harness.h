// The conformance suite's harness: one Case per corpus kernel (tests/kernels/*.gk) builds random
// inputs, launches on one backend, computes its CPU reference and checks every output.
//
// Checks record each output so that, when two backends run on one machine (CUDA and Vulkan on an
// NVIDIA GPU), their results are compared with each other too: exact outputs bit for bit, bounded
// outputs within the sum of both backends' bounds. Floating-point bounds and where they come from
// are in tolerances.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "gpuc/runtime/runtime.h"

namespace gpuc::conformance {

// A failed check or launch: the case fails on this backend with the message.
struct CaseFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The case does not apply to this backend or device (reason in the message).
struct CaseSkipped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One checked output, kept for the cross-backend comparison.
struct Output {
  std::string name;
  bool exact = true;          // compared bit for bit
  bool deterministic = true;  // false: depends on scheduling (atomic order): not cross-compared
  std::string bytes;          // exact outputs: the raw bytes
  std::vector<double> values, bounds;  // bounded outputs: values and their error bounds
};

class Ctx {
 public:
  Ctx(rt::Device& device, rt::Module& module, uint64_t seed);

  rt::Device& device() { return device_; }
  rt::Backend backend() const { return device_.backend(); }
  bool is_cuda() const { return backend() == rt::Backend::Cuda; }
  // CPU devices (llvmpipe) get small problems: CI runs this on 2 cores. GPUC_CONFORMANCE_SMALL=1
  // gives every device the small problems (compute-sanitizer runs: its tools slow kernels down by
  // orders of magnitude).
  bool small() const {
    static const bool forced = [] {
      const char* e = std::getenv("GPUC_CONFORMANCE_SMALL");
      return e && *e && std::string(e) != "0";
    }();
    return forced || device_.info().device_type == "cpu";
  }
  size_t size(size_t on_cpu, size_t on_gpu) const { return small() ? on_cpu : on_gpu; }
  uint32_t warp_size() const { return device_.info().subgroup_size; }

  // --- random inputs (the case's seed: the same on every backend) -------------------------------
  std::mt19937_64& rng() { return rng_; }
  std::vector<float> floats(size_t n, float lo, float hi);
  std::vector<double> doubles(size_t n, double lo, double hi);
  template <typename T>
  std::vector<T> ints(size_t n, T lo, T hi) {
    std::uniform_int_distribution<int64_t> d{int64_t(lo), int64_t(hi)};
    std::vector<T> v(n);
    for (T& x : v) x = T(d(rng_));
    return v;
  }

  // --- buffers and launches
  // -----------------------------------------------------------------------
  template <typename T>
  rt::TypedBuffer<T> buffer(const std::vector<T>& data) {
    return check(device_.upload_array(data), "upload");
  }
  template <typename T>
  rt::TypedBuffer<T> filled(size_t n, T value) {
    rt::TypedBuffer<T> b = check(device_.alloc_array<T>(n), "alloc");
    std::vector<T> v(n, value);
    check(b.upload(v), "upload");
    return b;
  }
  template <typename T>
  std::vector<T> read(const rt::TypedBuffer<T>& b) {
    return check(b.download(), "download");
  }
  // Launches `kernel` of the case's module and waits for it.
  void launch(const std::string& kernel, rt::Dim3 grid, rt::Dim3 block,
              std::initializer_list<rt::Arg> args);

  // --- checks
  // -----------------------------------------------------------------------------------------
  template <typename T>
  void exact(const std::string& what, const std::vector<T>& got, const std::vector<T>& want,
             bool deterministic = true) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (got.size() != want.size())
      throw CaseFailure(what + ": " + std::to_string(got.size()) + " values, expected " +
                        std::to_string(want.size()));
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < got.size(); ++i)
      if (std::memcmp(&got[i], &want[i], sizeof(T)) != 0 && bad++ == 0) first = i;
    Output o{what, true, deterministic};
    o.bytes.assign(reinterpret_cast<const char*>(got.data()), got.size() * sizeof(T));
    outputs_.push_back(std::move(o));
    if (bad)
      throw CaseFailure(what + ": " + std::to_string(bad) + " of " + std::to_string(got.size()) +
                        " differ; first [" + std::to_string(first) + "] = " + show(got[first]) +
                        ", expected " + show(want[first]));
  }
  // |got[i] - want[i]| <= bound[i] (want from a double-precision reference).
  void within(const std::string& what, const std::vector<float>& got,
              const std::vector<double>& want, const std::vector<double>& bound,
              bool deterministic = true);
  void within(const std::string& what, const std::vector<double>& got,
              const std::vector<double>& want, const std::vector<double>& bound,
              bool deterministic = true);
  // Notes shown in the report (e.g. "warpSize 8: block 64").
  void note(std::string text) { notes_.push_back(std::move(text)); }

  const std::vector<Output>& outputs() const { return outputs_; }
  // The largest |error| / bound over the bounded outputs checked so far (how tight the bounds
  // are: near 1 means close to failing), and the output it was seen in.
  double worst_ratio() const { return worst_ratio_; }
  const std::string& worst_output() const { return worst_output_; }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  rt::Device& device_;
  rt::Module& module_;
  std::mt19937_64 rng_;
  std::map<std::string, rt::Kernel> kernels_;
  std::vector<Output> outputs_;
  std::vector<std::string> notes_;
  double worst_ratio_ = -1;
  std::string worst_output_;

  template <typename T>
  T check(Result<T> r, const char* what) {
    if (!r) throw CaseFailure(std::string(what) + ": " + r.error().message);
    return std::move(r.value());
  }
  void check(Status s, const char* what) {
    if (!s) throw CaseFailure(std::string(what) + ": " + s.error().message);
  }
  template <typename T>
  static std::string show(const T& v) {
    if constexpr (std::is_arithmetic_v<T>) {
      if constexpr (std::is_floating_point_v<T>) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%.9g", double(v));
        return buf;
      } else {
        return std::to_string(v);
      }
    } else {
      return "(" + std::to_string(sizeof(T)) + "-byte value)";
    }
  }
  void within_impl(const std::string& what, const std::vector<double>& got,
                   const std::vector<double>& want, const std::vector<double>& bound,
                   bool deterministic);
};

// One corpus kernel: its file (tests/kernels/<file>) and the function that runs and checks it.
struct Case {
  std::string file;  // e.g. "saxpy.gk"
  std::function<void(Ctx&)> run;
};

// Every case, in the corpus's alphabetical order (cases.cpp).
const std::vector<Case>& all_cases();

}  // namespace gpuc::conformance
