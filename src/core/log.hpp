#pragma once
// Rank-0 logging: messages go to stdout and, once a run directory is open, to its log file.
// Other ranks stay silent (errors are printed by main()).
#include <string>

#include "core/error.hpp"

namespace macrodyn::log {

// Called once by Runtime users: which rank prints.
void set_rank(int rank);
// Tee every later message into this file (rank 0 only); empty path closes it.
void open_file(const std::string& path);
void write_line(const std::string& line);

template <class... Parts>
void info(const Parts&... parts) {
  write_line(cat(parts...));
}

template <class... Parts>
void warn(const Parts&... parts) {
  write_line(cat("warning: ", parts...));
}

}  // namespace macrodyn::log
