#pragma once
// evaluate stage, method = "macronet": scores a trained MacroNet on held-out pairs and samples
// microstates conditioned on macrostates (MacroNet paper Fig. 4 / A7, Fig. A4).
//
// Deck keys (defaults):
//   model = "macronet.h5"      the train stage's model file
//   data = "heldout.h5", u = "/u", v = "/v", u_features = [], v_channels = "as_stored" (as in train),
//   samples = 0 (first n pairs; 0: all)
//   observable = ""            1-D dataset of a known invariant (e.g. "/energy"): Spearman correlation
//                              of macrostate dim 0 with it
//   system = "pairs"           label of the result lines; "oscillator" also scores samples by energy
//   output = "macronet_eval.h5"
//   targets = 5                macrostates to sample from: quantiles (k + 1/2)/targets of held-out
//                              phi_u(u) dim 0 when macro_dims = 1, else phi_v(v) of the first pairs
//   samples_per_target = 256, temperature = 1.0   u = phi_u^-1(beta, z), z ~ N(0, temperature^2)
//   project_samples = true     with a noisy kernel, move each sample onto {phi_u(u) = beta}
//                              (MacroNet::sample_u; false: the plain inverse, whose noise dims are dropped)
//   Macrostates are encoded with the noisy kernel's dims at their mean (MacroNet::macrostate_u).
//   grid = 0, grid_half_width = 1.5   (u of dim 2 only) macrostate field on a grid x grid lattice
// Result lines "macronet <system> <metric> <value>": spearman_<observable>, prediction_mse
// (|phi_u(u)-phi_v(v)|^2), r2_dim<k> (alpha vs beta), sample_macrostate_error (max |phi_u(u_s) - beta|
// over the samples), and for the oscillator sample_energy_rel_spread_max (max over targets of
// std/mean of the samples' energy). Output datasets: /alpha, /beta (n, D), /observable (n),
// /targets (K, D), /samples (K, S, du), /sample_macrostates (K, S, D), /sample_energy (K, S),
// /grid_macrostate (grid, grid) with /grid_axis; metrics also as root attributes.
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_evaluate_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
