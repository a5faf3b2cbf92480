#include "core/log.hpp"

#include <fstream>
#include <iostream>

namespace macrodyn::log {
namespace {
int g_rank = 0;
std::ofstream g_file;
}  // namespace

void set_rank(int rank) { g_rank = rank; }

void open_file(const std::string& path) {
  if (g_rank != 0) return;
  if (g_file.is_open()) g_file.close();
  if (path.empty()) return;
  g_file.open(path, std::ios::app);
  if (!g_file) fail("cannot open log file '", path, "' for writing");
}

void write_line(const std::string& line) {
  if (g_rank != 0) return;
  std::cout << line << '\n' << std::flush;
  if (g_file.is_open()) g_file << line << '\n' << std::flush;
}

}  // namespace macrodyn::log
