#pragma once
// The one exception type of macrodyn. Its message names what was wrong and where
// (deck key and line, file, dataset, command-line option); main() prints it once and exits non-zero.
#include <sstream>
#include <stdexcept>
#include <string>

namespace macrodyn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Concatenates its arguments with operator<< (C++17 has no std::format).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(cat(parts...));
}

}  // namespace macrodyn
