// The conformance harness: random inputs, launches and the checks that record each output.
#include "harness.h"

#include <cstdio>

namespace gpuc::conformance {

Ctx::Ctx(rt::Device& device, rt::Module& module, uint64_t seed)
    : device_(device), module_(module), rng_(seed) {}

std::vector<float> Ctx::floats(size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng_);
  return v;
}

std::vector<double> Ctx::doubles(size_t n, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng_);
  return v;
}

void Ctx::launch(const std::string& kernel, rt::Dim3 grid, rt::Dim3 block,
                 std::initializer_list<rt::Arg> args) {
  auto it = kernels_.find(kernel);
  if (it == kernels_.end())
    it = kernels_.emplace(kernel, check(module_.kernel(kernel), "kernel lookup")).first;
  check(device_.launch(it->second, grid, block, args), ("launch of " + kernel).c_str());
  check(device_.synchronize(), ("running " + kernel).c_str());
}

void Ctx::within(const std::string& what, const std::vector<float>& got,
                 const std::vector<double>& want, const std::vector<double>& bound,
                 bool deterministic) {
  within_impl(what, std::vector<double>(got.begin(), got.end()), want, bound, deterministic);
}

void Ctx::within(const std::string& what, const std::vector<double>& got,
                 const std::vector<double>& want, const std::vector<double>& bound,
                 bool deterministic) {
  within_impl(what, got, want, bound, deterministic);
}

void Ctx::within_impl(const std::string& what, const std::vector<double>& got,
                      const std::vector<double>& want, const std::vector<double>& bound,
                      bool deterministic) {
  if (got.size() != want.size() || bound.size() != want.size())
    throw CaseFailure(what + ": " + std::to_string(got.size()) + " values, expected " +
                      std::to_string(want.size()));
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    bool ok = std::fabs(got[i] - want[i]) <= bound[i] ||
              (std::isnan(want[i]) && std::isnan(got[i])) ||
              (std::isinf(want[i]) && got[i] == want[i]);
    if (!ok && bad++ == 0) first = i;
    double err = std::fabs(got[i] - want[i]);
    double ratio = bound[i] > 0 ? err / bound[i] : (err == 0 ? 0.0 : INFINITY);
    if (ok && !std::isnan(ratio) && ratio > worst_ratio_)
      worst_ratio_ = ratio, worst_output_ = what;
  }
  Output o{what, false, deterministic};
  o.values = got;
  o.bounds = bound;
  outputs_.push_back(std::move(o));
  if (bad) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  ": %zu of %zu out of bounds; first [%zu] = %.9g, expected %.9g +- %.3g", bad,
                  got.size(), first, got[first], want[first], bound[first]);
    throw CaseFailure(what + buf);
  }
}

}  // namespace gpuc::conformance
