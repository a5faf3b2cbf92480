#pragma once
// design stage, method = "macronet": design micro-parameters from example behaviours (MacroNet
// paper sec. 4, Fig. 3, Appendix A.3.1/A.3.3): for each example v_e, beta_e = phi_v(v_e); sample
// parameters u = phi_u^-1(beta_e, z), z ~ N(0, temperature^2); simulate them; encode the generated
// behaviours beta_g = phi_v(v_g); compare |beta_g - beta_e| with the same for random parameters.
//
// system = "linear_ode": u = M (2x2), v = trajectory exp(M t_j) x0 from the EXAMPLE's x0 (data:
//   /M, /x0, /trajectory, /t); random baseline M ~ N(0, 1) entries (the training prior).
// system = "gray_scott": u = the u_features of (Da, Db, F, k) (the others keep the example's value),
//   clipped to the ranges below; v = channels (a, b, (a+b)/2) after the data set's n, steps, dt (file
//   attributes) from fresh U(0, 1) initial states (data: /parameters, /patterns); random baseline:
//   parameters uniform in the ranges.
//
// Deck keys (defaults):
//   system = "linear_ode", model = "macronet.h5", data = "heldout.h5", examples = 20,
//   samples_per_example = 64, temperature = 1.0, project_samples = true (as in evaluate), seed = 1 (random baseline and initial states),
//   u_features = [] and v_scale = "linear" (as in train), output = "macronet_design.h5", keep_patterns = 8 (gray_scott:
//   generated patterns stored per example), Da = [0.16, 0.16], Db = [0.02, 0.04], F = [0.01, 0.08],
//   k = [0.04, 0.07] (gray_scott ranges, the simulator's defaults)
// Result lines "macronet <system> design_median_distance <d>", "... random_median_distance <r>",
// "... design_ratio <d/r>". Output: /example_beta (E, D), /sampled_u (E, S, du), /generated_beta,
// /random_beta (E, S, D), /distance, /random_distance (E, S); gray_scott also /example_patterns
// (E, 3, n, n), /generated_patterns (E, keep, 3, n, n), /designed_parameters (E, S, 4).
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_design_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
