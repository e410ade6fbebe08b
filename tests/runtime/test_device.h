// Opening the device of a backend-parameterized runtime test: a missing device skips the test,
// or fails it when GPUC_TEST_REQUIRE_CUDA / GPUC_TEST_REQUIRE_VULKAN is set (the GPU machine sets
// both, so a device that does not open there is a failure, not a quiet skip).
#pragma once

#include <cstdlib>
#include <string>

#include "gpuc/runtime/runtime.h"

namespace gpuc::rt::testing {

struct TestDevice {
  Result<Device> device;
  bool required = false;  // the environment requires this backend's device
  std::string why;        // when !device: the message for GTEST_SKIP or FAIL
};

inline TestDevice open_test_device(Backend backend, DeviceOptions options) {
  TestDevice t{Device::open(backend_name(backend), std::move(options))};
  if (t.device) return t;
  const char* require =
      backend == Backend::Cuda ? "GPUC_TEST_REQUIRE_CUDA" : "GPUC_TEST_REQUIRE_VULKAN";
  t.required = std::getenv(require) != nullptr;
  t.why = t.required ? std::string(require) + " is set but no " + backend_name(backend) +
                           " device opens: " + t.device.error().message
                     : std::string(backend_name(backend)) + " tests skipped: no usable " +
                           backend_name(backend) + " device: " + t.device.error().message;
  return t;
}

}  // namespace gpuc::rt::testing

// In a fixture's SetUp: opens the device into `dev` or ends SetUp with FAIL / GTEST_SKIP.
#define GPUC_OPEN_TEST_DEVICE(dev, backend, options)                 \
  do {                                                               \
    ::gpuc::rt::testing::TestDevice opened_ =                        \
        ::gpuc::rt::testing::open_test_device((backend), (options)); \
    if (!opened_.device) {                                           \
      if (opened_.required) FAIL() << opened_.why;                   \
      GTEST_SKIP() << opened_.why;                                   \
    }                                                                \
    (dev) = std::move(*opened_.device);                              \
  } while (0)
