#pragma once
// Helpers shared by the test suites.
#include <functional>
#include <string>

#include "core/error.hpp"

namespace macrodyn::test {

// The message of the macrodyn::Error that f throws ("" if it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace macrodyn::test
