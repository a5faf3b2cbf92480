#include "core/stage.hpp"

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"
#include "core/log.hpp"

namespace macrodyn {

const std::vector<std::string>& StageRegistry::kinds() {
  static const std::vector<std::string> k{"simulate", "train", "evaluate", "design", "bench"};
  return k;
}

std::string StageRegistry::name_key(const std::string& kind) {
  if (kind == "simulate") return "system";
  if (kind == "bench") return "case";
  return "method";
}

void StageRegistry::add(const std::string& kind, const std::string& name, StageFactory factory,
                        const std::string& summary) {
  if (std::find(kinds().begin(), kinds().end(), kind) == kinds().end()) fail("unknown stage kind '", kind, "'");
  if (!entries_.emplace(std::make_pair(kind, name), Entry{std::move(factory), summary}).second)
    fail("stage ", kind, " '", name, "' registered twice");
}

bool StageRegistry::has(const std::string& kind, const std::string& name) const {
  return entries_.count({kind, name}) != 0;
}

std::unique_ptr<Stage> StageRegistry::create(const std::string& kind, const std::string& name,
                                             const ConfigTable& table) const {
  auto it = entries_.find({kind, name});
  if (it == entries_.end()) {
    std::vector<std::string> names;
    for (const auto& [key, entry] : entries_)
      if (key.first == kind) names.push_back("'" + key.second + "'");
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    table.fail_at(name_key(kind), cat("no ", kind, " stage named '", name, "' (available: ", list, ")"));
  }
  return it->second.factory(table);
}

std::unique_ptr<Stage> StageRegistry::create(const ConfigTable& table) const {
  std::string kind = table.require_string("kind", kinds());
  std::string name = table.require_string(name_key(kind));
  return create(kind, name, table);
}

std::vector<std::string> StageRegistry::describe() const {
  std::vector<std::string> lines;
  for (const auto& [key, entry] : entries_) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-9s %-8s %-16s %s", key.first.c_str(), name_key(key.first).c_str(),
                  key.second.c_str(), entry.summary.c_str());
    lines.push_back(buf);
  }
  return lines;
}

void print_bench(const std::string& bench_case, const std::string& metric, double value, const std::string& unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  log::info("bench ", bench_case, " ", metric, " ", buf, " ", unit);
}

}  // namespace macrodyn
