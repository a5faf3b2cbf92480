#pragma once
// In-memory cellular-automaton data for the self-similar tests (no HDF5 file needed).
#include "core/rng.hpp"
#include "learn/selfsimilar/ca_dataset.hpp"
#include "sim/cellular_automata/elementary_ca.hpp"

namespace macrodyn::selfsimilar::test {

// `samples` rows of width `width`, random with density 1/2, evolved `rows - 1` steps by `rule`.
inline CaRuleData make_ca_data(int rule, long samples, long rows, long width, uint64_t seed) {
  CaRuleData d;
  d.rule = rule;
  d.samples = samples;
  d.rows = rows;
  d.width = width;
  d.cells = CaCells("test_cells", samples, rows, width);
  Kokkos::View<int*, nn::MemSpace> rules("test_rules", samples);
  Kokkos::deep_copy(rules, rule);
  auto h = Kokkos::create_mirror_view(d.cells);
  const CounterRng rng(seed, 0xCA);
  for (long s = 0; s < samples; ++s)
    for (long x = 0; x < width; ++x)
      h(s, 0, x) = rng.uniform(static_cast<uint64_t>(s), 0, static_cast<uint32_t>(x)) < 0.5;
  Kokkos::deep_copy(d.cells, h);
  ca::evolve_spacetime<nn::ExecSpace>(d.cells, rules);
  return d;
}

}  // namespace macrodyn::selfsimilar::test
