// Elementary cellular automata: Wolfram numbering, known patterns of rules 90, 30, 110, 184 from a
// single seed, and the simulate stage's dataset.
#include <catch2/catch.hpp>

#include <Kokkos_Core.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "sim/cellular_automata/ca_simulate_stage.hpp"
#include "sim/cellular_automata/elementary_ca.hpp"

using namespace macrodyn;

namespace {

// Space-time pattern of one rule from an initial row, through the library kernel.
std::vector<std::vector<int>> evolve(int rule, const std::vector<int>& row0, int steps) {
  const long w = static_cast<long>(row0.size());
  Kokkos::View<uint8_t***, Kokkos::LayoutRight> st("st", 1, steps + 1, w);
  Kokkos::View<int*> rules("rules", 1);
  auto st_h = Kokkos::create_mirror_view(st);
  auto r_h = Kokkos::create_mirror_view(rules);
  r_h(0) = rule;
  for (long x = 0; x < w; ++x) st_h(0, 0, x) = static_cast<uint8_t>(row0[x]);
  Kokkos::deep_copy(st, st_h);
  Kokkos::deep_copy(rules, r_h);
  ca::evolve_spacetime<Kokkos::DefaultExecutionSpace>(st, rules);
  Kokkos::deep_copy(st_h, st);
  std::vector<std::vector<int>> out(steps + 1, std::vector<int>(w));
  for (int t = 0; t <= steps; ++t)
    for (long x = 0; x < w; ++x) out[t][x] = st_h(0, t, x);
  return out;
}

std::vector<int> single_seed(int w) {
  std::vector<int> row(w, 0);
  row[w / 2] = 1;
  return row;
}

// "1101" placed so that its first character sits at column x0.
void check_segment(const std::vector<int>& row, int x0, const std::string& bits) {
  for (int x = 0; x < static_cast<int>(row.size()); ++x) {
    const int inside = x >= x0 && x < x0 + static_cast<int>(bits.size());
    const int expect = inside ? bits[x - x0] - '0' : 0;
    INFO("column " << x);
    REQUIRE(row[x] == expect);
  }
}

}  // namespace

TEST_CASE("Wolfram numbering: bit (4l + 2c + r) of the rule is the new centre", "[ca]") {
  // Tables written out from Wolfram's rule icons (neighbourhoods 111, 110, ..., 000).
  const struct {
    int rule;
    const char* table;
  } cases[] = {{30, "00011110"}, {90, "01011010"}, {110, "01101110"}, {184, "10111000"}, {0, "00000000"},
               {255, "11111111"}, {204, "11001100"}};
  for (const auto& c : cases) {
    for (int n = 7; n >= 0; --n) {
      const int l = (n >> 2) & 1, m = (n >> 1) & 1, r = n & 1;
      INFO("rule " << c.rule << " neighbourhood " << l << m << r);
      REQUIRE(ca::eca_next(c.rule, l, m, r) == c.table[7 - n] - '0');
    }
  }
  // Boolean forms: rule 30 = l xor (c or r), rule 90 = l xor r, rule 110 = (c xor r) or (c and not l).
  for (int n = 0; n < 8; ++n) {
    const int l = (n >> 2) & 1, m = (n >> 1) & 1, r = n & 1;
    REQUIRE(ca::eca_next(30, l, m, r) == (l ^ (m | r)));
    REQUIRE(ca::eca_next(90, l, m, r) == (l ^ r));
    REQUIRE(ca::eca_next(110, l, m, r) == ((m ^ r) | (m & !l)));
  }
}

TEST_CASE("rule 90 from a single seed is Pascal's triangle mod 2 (Sierpinski)", "[ca]") {
  const int w = 81, steps = 32, c = w / 2;
  auto st = evolve(90, single_seed(w), steps);
  for (int t = 0; t <= steps; ++t) {
    // binomial(t, k) mod 2 = 1 iff (k & t) == k (Lucas)
    for (int x = 0; x < w; ++x) {
      const int d = x - c;
      int expect = 0;
      if (d >= -t && d <= t && ((t + d) % 2 == 0)) {
        const int k = (t + d) / 2;
        expect = (k & t) == k;
      }
      INFO("t " << t << " x " << x);
      REQUIRE(st[t][x] == expect);
    }
  }
}

TEST_CASE("rule 30 from a single seed: first rows and the centre column", "[ca]") {
  const int w = 65, steps = 31, c = w / 2;
  auto st = evolve(30, single_seed(w), steps);
  check_segment(st[1], c - 1, "111");
  check_segment(st[2], c - 2, "11001");
  check_segment(st[3], c - 3, "1101111");
  check_segment(st[4], c - 4, "110010001");
  // OEIS A051023 (centre column of rule 30; checked against the Boolean form l xor (c or r))
  const int centre[] = {1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0};
  for (int t = 0; t <= steps; ++t) {
    INFO("t " << t);
    REQUIRE(st[t][c] == centre[t]);
  }
}

TEST_CASE("rule 110 from a single seed grows to the left", "[ca]") {
  const int w = 64, steps = 6, c = 50;
  std::vector<int> row(w, 0);
  row[c] = 1;
  auto st = evolve(110, row, steps);
  check_segment(st[1], c - 1, "11");
  check_segment(st[2], c - 2, "111");
  check_segment(st[3], c - 3, "1101");
  check_segment(st[4], c - 4, "11111");
  check_segment(st[5], c - 5, "110001");
  check_segment(st[6], c - 6, "1110011");
}

TEST_CASE("rule 184 moves isolated cars right and conserves their number", "[ca]") {
  const int w = 16;
  std::vector<int> row(w, 0);
  row[3] = 1;
  row[15] = 1;  // wraps around the periodic row
  auto st = evolve(184, row, 4);
  for (int t = 0; t <= 4; ++t) {
    for (int x = 0; x < w; ++x) REQUIRE(st[t][x] == ((x == (3 + t) % w) || (x == (15 + t) % w)));
  }
  // A jam (11110000...) dissolves: the count is conserved every step.
  std::vector<int> jam(32, 0);
  for (int x = 0; x < 10; ++x) jam[x] = 1;
  auto stj = evolve(184, jam, 40);
  for (const auto& r : stj) {
    int n = 0;
    for (int v : r) n += v;
    REQUIRE(n == 10);
  }
  // After the jam dissolves (density < 1/2) every car moves freely: the row shifts right by one.
  for (int x = 0; x < 32; ++x) REQUIRE(stj[40][(x + 1) % 32] == stj[39][x]);
}

TEST_CASE("periodic rows: width 1 and 3 wrap around", "[ca]") {
  // Width 1: the neighbourhood is (s, s, s).
  auto one = evolve(1, {0}, 2);  // rule 1: 000 -> 1, 111 -> 0
  REQUIRE(one[1][0] == 1);
  REQUIRE(one[2][0] == 0);
  // Rule 90 on width 3 from 100: each cell becomes the xor of its two (wrapped) neighbours -> 011.
  auto three = evolve(90, {1, 0, 0}, 1);
  REQUIRE(three[1] == std::vector<int>{0, 1, 1});
}

TEST_CASE("simulate cellular_automata writes the space-time dataset of every rule", "[ca][stage]") {
  const std::string file = "test_ca_stage.h5";
  Deck deck = Deck::from_string("system = \"cellular_automata\"\nfile = \"" + file +
                                    "\"\nrules = [30, 90, 184]\nsamples_per_rule = 3\nwidth = 40\nsteps = 12\n"
                                    "burn_in = 2\nseed = 7\n",
                                "test");
  auto stage = ca::make_ca_simulate_stage(deck.root());
  RunContext ctx;
  stage->run(ctx);
  auto f = io::H5File::open_read(file, MPI_COMM_SELF);
  REQUIRE(f.dims("/spacetime") == io::Dims{9, 13, 40});
  auto st = f.read_all<uint8_t>("/spacetime");
  auto rules = f.read_all<int32_t>("/rule");
  REQUIRE(rules == std::vector<int32_t>{30, 30, 30, 90, 90, 90, 184, 184, 184});
  REQUIRE(f.attr_int("/", "burn_in") == 2);
  long ones = 0;
  for (int s = 0; s < 9; ++s) {
    for (int t = 0; t < 13; ++t)
      for (int x = 0; x < 40; ++x) {
        const auto at = [&](int tt, int xx) { return st[(s * 13 + tt) * 40 + ((xx + 40) % 40)]; };
        if (t == 0) {
          ones += at(0, x);
          continue;
        }
        REQUIRE(at(t, x) == ca::eca_next(rules[s], at(t - 1, x - 1), at(t - 1, x), at(t - 1, x + 1)));
      }
    // samples of one rule have different initial rows
    if (s % 3 != 0) {
      bool differ = false;
      for (int x = 0; x < 40; ++x) differ |= st[(s * 13) * 40 + x] != st[((s - 1) * 13) * 40 + x];
      REQUIRE(differ);
    }
  }
  // density 0.5 (after two burn-in steps the rows are still about half full for these rules)
  REQUIRE(ones > 9 * 40 * 0.3);
  REQUIRE(ones < 9 * 40 * 0.7);
  std::remove(file.c_str());
}

TEST_CASE("simulate cellular_automata rejects a rule outside 0..255", "[ca][stage]") {
  Deck deck = Deck::from_string("rules = [30, 256]\n", "test");
  REQUIRE_THROWS_WITH(ca::make_ca_simulate_stage(deck.root()), Catch::Contains("rules"));
}
