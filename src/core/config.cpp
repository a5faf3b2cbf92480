#include "core/config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace macrodyn {

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string Range::describe() const {
  std::ostringstream out;
  out << (lo_open ? "(" : "[") << lo << ", " << hi << (hi_open ? ")" : "]");
  return out.str();
}

namespace {

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + ("'" + s + "'");
  return out;
}

}  // namespace

ConfigTable::ConfigTable(std::shared_ptr<DeckState> deck, const toml::table* table, std::string path)
    : deck_(std::move(deck)), table_(table), path_(std::move(path)) {}

std::string ConfigTable::full(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

std::string ConfigTable::where(const std::string& key) const {
  long line = 0;
  if (table_) {
    if (const toml::node* node = table_->get(key)) line = static_cast<long>(node->source().begin.line);
    if (line == 0) line = static_cast<long>(table_->source().begin.line);
  }
  std::string place = deck_->source;
  if (line > 0) place += cat(":", line);
  return cat(place, ": key '", full(key), "'");
}

void ConfigTable::fail_at(const std::string& key, const std::string& message) const {
  fail(where(key), ": ", message);
}

const toml::node* ConfigTable::lookup(const std::string& key) const {
  if (!table_) return nullptr;
  const toml::node* node = table_->get(key);
  if (node) deck_->used.insert(full(key));
  return node;
}

bool ConfigTable::has(const std::string& key) const { return table_ && table_->contains(key); }

double ConfigTable::to_double(const std::string& key, const toml::node& node, Range range) const {
  double v = 0;
  if (auto f = node.as_floating_point()) {
    v = f->get();
  } else if (auto i = node.as_integer()) {
    v = static_cast<double>(i->get());
  } else {
    fail_at(key, cat("expected a number, got ", type_name(node)));
  }
  if (!range.contains(v)) fail_at(key, cat("value ", v, " is outside the allowed range ", range.describe()));
  return v;
}

long long ConfigTable::to_int(const std::string& key, const toml::node& node, Range range) const {
  auto i = node.as_integer();
  if (!i) fail_at(key, cat("expected an integer, got ", type_name(node)));
  long long v = i->get();
  if (!range.contains(static_cast<double>(v)))
    fail_at(key, cat("value ", v, " is outside the allowed range ", range.describe()));
  return v;
}

double ConfigTable::get_double(const std::string& key, double fallback, Range range) const {
  const toml::node* node = lookup(key);
  return node ? to_double(key, *node, range) : fallback;
}

double ConfigTable::require_double(const std::string& key, Range range) const {
  const toml::node* node = lookup(key);
  if (!node) fail_at(key, "is required but missing");
  return to_double(key, *node, range);
}

long long ConfigTable::get_int(const std::string& key, long long fallback, Range range) const {
  const toml::node* node = lookup(key);
  return node ? to_int(key, *node, range) : fallback;
}

long long ConfigTable::require_int(const std::string& key, Range range) const {
  const toml::node* node = lookup(key);
  if (!node) fail_at(key, "is required but missing");
  return to_int(key, *node, range);
}

bool ConfigTable::get_bool(const std::string& key, bool fallback) const {
  const toml::node* node = lookup(key);
  if (!node) return fallback;
  auto b = node->as_boolean();
  if (!b) fail_at(key, cat("expected a boolean (true/false), got ", type_name(*node)));
  return b->get();
}

std::string ConfigTable::require_string(const std::string& key, const std::vector<std::string>& choices) const {
  const toml::node* node = lookup(key);
  if (!node) fail_at(key, "is required but missing");
  auto s = node->as_string();
  if (!s) fail_at(key, cat("expected a string, got ", type_name(*node)));
  std::string v = s->get();
  if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end())
    fail_at(key, cat("value '", v, "' is not one of ", join(choices)));
  return v;
}

std::string ConfigTable::get_string(const std::string& key, const std::string& fallback,
                                    const std::vector<std::string>& choices) const {
  if (!has(key)) return fallback;
  return require_string(key, choices);
}

std::vector<double> ConfigTable::get_doubles(const std::string& key, const std::vector<double>& fallback,
                                             Range range) const {
  const toml::node* node = lookup(key);
  if (!node) return fallback;
  auto arr = node->as_array();
  if (!arr) fail_at(key, cat("expected an array of numbers, got ", type_name(*node)));
  std::vector<double> out;
  for (const auto& item : *arr) out.push_back(to_double(key, item, range));
  return out;
}

std::vector<long long> ConfigTable::get_ints(const std::string& key, const std::vector<long long>& fallback,
                                             Range range) const {
  const toml::node* node = lookup(key);
  if (!node) return fallback;
  auto arr = node->as_array();
  if (!arr) fail_at(key, cat("expected an array of integers, got ", type_name(*node)));
  std::vector<long long> out;
  for (const auto& item : *arr) out.push_back(to_int(key, item, range));
  return out;
}

std::vector<std::string> ConfigTable::get_strings(const std::string& key,
                                                  const std::vector<std::string>& fallback) const {
  const toml::node* node = lookup(key);
  if (!node) return fallback;
  auto arr = node->as_array();
  if (!arr) fail_at(key, cat("expected an array of strings, got ", type_name(*node)));
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    auto s = item.as_string();
    if (!s) fail_at(key, cat("expected an array of strings, found ", type_name(item)));
    out.push_back(s->get());
  }
  return out;
}

ConfigTable ConfigTable::table(const std::string& key) const {
  const toml::node* node = lookup(key);
  if (!node) return ConfigTable(deck_, nullptr, full(key));
  auto t = node->as_table();
  if (!t) fail_at(key, cat("expected a table, got ", type_name(*node)));
  return ConfigTable(deck_, t, full(key));
}

std::vector<ConfigTable> ConfigTable::tables(const std::string& key) const {
  const toml::node* node = lookup(key);
  std::vector<ConfigTable> out;
  if (!node) return out;
  auto arr = node->as_array();
  if (!arr) fail_at(key, cat("expected an array of tables ([[", key, "]]), got ", type_name(*node)));
  for (size_t i = 0; i < arr->size(); ++i) {
    auto t = arr->get(i)->as_table();
    if (!t) fail_at(key, cat("element ", i, " is ", type_name(*arr->get(i)), ", expected a table"));
    std::string path = cat(full(key), "[", i, "]");
    deck_->used.insert(path);
    out.emplace_back(deck_, t, path);
  }
  return out;
}

// ------------------------------------------------------------------------------------------

Deck Deck::from_string(const std::string& text, const std::string& source_name) {
  auto state = std::make_shared<DeckState>();
  state->source = source_name;
  state->text = text;
  try {
    state->root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    fail(source_name, ":", e.source().begin.line, ":", e.source().begin.column, ": TOML syntax error: ",
         e.description());
  }
  return Deck(state);
}

Deck Deck::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open deck file (does it exist and is it readable?)");
  std::ostringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path);
}

Deck Deck::from_options(const std::vector<std::string>& args, const std::string& source_name) {
  std::string text;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& opt = args[i];
    if (opt.size() < 3 || opt.compare(0, 2, "--") != 0)
      fail(source_name, ": expected an option '--key value', got '", opt, "'");
    if (i + 1 >= args.size()) fail(source_name, ": option '", opt, "' needs a value");
    std::string key = opt.substr(2);
    for (char& c : key)
      if (c == '-') c = '_';
    std::string value = args[++i];
    // Numbers, booleans and arrays are TOML values; anything else is taken as a string.
    bool is_toml_value = true;
    try {
      (void)toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      is_toml_value = false;
    }
    std::string quoted;
    if (!is_toml_value) {
      quoted = "\"";
      for (char c : value) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      quoted += "\"";
    }
    text += key + " = " + (is_toml_value ? value : quoted) + "\n";
  }
  return from_string(text, source_name);
}

ConfigTable Deck::root() const { return ConfigTable(state_, &state_->root, ""); }

namespace {
void collect_unknown(const toml::table& table, const std::string& prefix, const std::set<std::string>& used,
                     std::vector<std::string>& unknown, const std::string& source) {
  for (const auto& [k, node] : table) {
    std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (!used.count(path)) {
      if (source == "command line")
        unknown.push_back(cat("command line: unknown option '--", path, "'"));
      else
        unknown.push_back(cat(source, ":", node.source().begin.line, ": unknown key '", path, "'"));
      continue;
    }
    if (auto t = node.as_table()) collect_unknown(*t, path, used, unknown, source);
    if (auto arr = node.as_array()) {
      for (size_t i = 0; i < arr->size(); ++i)
        if (auto t = arr->get(i)->as_table()) collect_unknown(*t, cat(path, "[", i, "]"), used, unknown, source);
    }
  }
}
}  // namespace

void Deck::reject_unknown_keys() const {
  std::vector<std::string> unknown;
  collect_unknown(state_->root, "", state_->used, unknown, state_->source);
  if (unknown.empty()) return;
  std::string msg = unknown.front();
  for (size_t i = 1; i < unknown.size(); ++i) msg += "\n" + unknown[i];
  throw Error(msg + (unknown.size() == 1 ? " (misspelt, or not used by this stage)"
                                         : "\n(misspelt, or not used by these stages)"));
}

}  // namespace macrodyn
