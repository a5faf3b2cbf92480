#pragma once
// Input decks (TOML) with typed getters, documented defaults and strict validation.
//
//   Deck deck = Deck::from_file("inputs/quickstart.toml");
//   ConfigTable sim = deck.root().table("simulate");
//   double dt = sim.get_double("dt", 1e-3, Range::positive());
//   ...
//   deck.reject_unknown_keys();   // every key nobody read is an error naming its line
//
// Every error names the source (file or "command line"), the line and the full key path.
#include <toml++/toml.h>

#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace macrodyn {

struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
  static Range closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, false}; }
  bool contains(double v) const;
  std::string describe() const;
};

// Shared state of one parsed deck: the TOML tree, its source name and the set of keys read so far.
struct DeckState {
  toml::table root;
  std::string source;  // file path or "command line"
  std::string text;    // the deck text as given (copied into run directories and HDF5 attributes)
  std::set<std::string> used;
};

class ConfigTable {
 public:
  ConfigTable(std::shared_ptr<DeckState> deck, const toml::table* table, std::string path);

  bool has(const std::string& key) const;
  double get_double(const std::string& key, double fallback, Range range = {}) const;
  double require_double(const std::string& key, Range range = {}) const;
  long long get_int(const std::string& key, long long fallback, Range range = {}) const;
  long long require_int(const std::string& key, Range range = {}) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // `choices` empty: any string.
  std::string get_string(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& choices = {}) const;
  std::string require_string(const std::string& key, const std::vector<std::string>& choices = {}) const;
  std::vector<double> get_doubles(const std::string& key, const std::vector<double>& fallback,
                                  Range range = {}) const;
  std::vector<long long> get_ints(const std::string& key, const std::vector<long long>& fallback,
                                  Range range = {}) const;
  std::vector<std::string> get_strings(const std::string& key, const std::vector<std::string>& fallback) const;

  // Sub-table (empty when absent, so that all its keys take their defaults).
  ConfigTable table(const std::string& key) const;
  // Array of tables ([[key]]); empty when absent.
  std::vector<ConfigTable> tables(const std::string& key) const;

  // "file:line: key 'a.b'" prefix for error messages about `key` (line of the key if present,
  // else of this table).
  std::string where(const std::string& key) const;
  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const;
  const std::string& path() const { return path_; }

 private:
  const toml::node* lookup(const std::string& key) const;  // marks the key as read
  std::string full(const std::string& key) const;
  double to_double(const std::string& key, const toml::node& node, Range range) const;
  long long to_int(const std::string& key, const toml::node& node, Range range) const;

  std::shared_ptr<DeckState> deck_;
  const toml::table* table_;  // nullptr for an absent (empty) table
  std::string path_;
};

class Deck {
 public:
  static Deck from_file(const std::string& path);
  static Deck from_string(const std::string& text, const std::string& source_name);
  // Command-line options "--key value" (value parsed as a TOML value, bare words as strings).
  static Deck from_options(const std::vector<std::string>& args, const std::string& source_name);

  ConfigTable root() const;
  const std::string& source() const { return state_->source; }
  const std::string& text() const { return state_->text; }
  // Throws naming every key (with its line) that no getter has read.
  void reject_unknown_keys() const;

 private:
  explicit Deck(std::shared_ptr<DeckState> state) : state_(std::move(state)) {}
  std::shared_ptr<DeckState> state_;
};

}  // namespace macrodyn
