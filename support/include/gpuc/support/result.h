// Errors as values at the public boundary: Result<T> holds a T or an error message.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "gpuc/support/ice.h"

namespace gpuc {

struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    GPUC_ASSERT(ok(), "Result::value() on an error: " + error().message);
    return std::get<0>(v_);
  }
  T&& value() && {
    GPUC_ASSERT(ok(), "Result::value() on an error: " + error().message);
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

}  // namespace gpuc
