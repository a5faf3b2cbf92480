#pragma once
// design stage, method = "macronet": design micro-parameters from example behaviours (MacroNet
// paper sec. 4 and Appendix A.3.1): for each example v_e, beta_e = phi_v(v_e); sample parameters
// u = phi_u^-1(beta_e, z), z ~ N(0, temperature^2); simulate them; encode the generated behaviours
// beta_g = phi_v(v_g); compare |beta_g - beta_e| with the same for random parameters.
//
// system = "linear_ode": u = M (2x2), v = the trajectory x_j = exp(M t_j) x0 (j = 0..points-1),
//   generated from the EXAMPLE's x0; random baseline M ~ N(0, 1) entries (the training prior).
//
// Deck keys (defaults):
//   system = "linear_ode", model = "macronet.h5", data = "heldout.h5" (the simulate stage's file:
//   /M, /x0, /trajectory, /t), examples = 20, samples_per_example = 64, temperature = 1.0,
//   seed = 1 (random baseline), output = "macronet_design.h5"
// Result lines "macronet <system> design_median_distance <d>", "... random_median_distance <r>",
// "... design_ratio <d/r>". Output: /example_beta (E, D), /sampled_u (E, S, du), /generated_beta
// (E, S, D), /random_beta (E, S, D), /distance (E, S), /random_distance (E, S).
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_design_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
