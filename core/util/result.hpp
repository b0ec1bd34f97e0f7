// Expected failures (bad input, wrong code, missing file) travel as values, not exceptions
// (STYLE.md, error policy tier 1). A tiny stand-in for C++23 std::expected.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace sekisho {

struct error {
  std::string message;
};

inline error make_error(std::string message) { return error{std::move(message)}; }

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& message() const { return std::get<1>(v_).message; }
  const sekisho::error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, sekisho::error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : failed_(true), e_(std::move(e)) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return e_.message; }
  const sekisho::error& err() const { return e_; }

 private:
  bool failed_ = false;
  sekisho::error e_;
};

}  // namespace sekisho
