#pragma once
// simulate stage, system = "linear_ode": (M, trajectory) pairs of dx/dt = M x in 2-D ([Relational macrostates] §A.3.1).
//
// M has i.i.d. N(0, 1) entries, x0 ~ U(-1, 1)^2, and the trajectory is x_j = exp(M j dt) x0 for
// j = 0 .. points-1 through the exact matrix exponential (matrix_exponential_2x2.hpp). The seed gives
// n = 8 points but no spacing; dt is a deck key (default 0.2, so a trajectory spans t in [0, 1.4]).
//
// Deck keys (defaults): file = "linear_ode.h5", samples = 512, points = 8, dt = 0.2, seed = 1.
// Random numbers of sample g: M entries normal(g, 0, k), k = 0..3 (row-major); x0 uniform(g, 0, k), k = 0, 1.
//
// Output: /M (n, 2, 2), /x0 (n, 2), /trajectory (n, points, 2) (row j = x(j dt), row 0 = x0),
//         /t (points). Samples are split in contiguous blocks over the ranks (collective hyperslab
//         writes); the data do not depend on the rank count.
#include "core/stage.hpp"

namespace macrodyn::linear_ode {

std::unique_ptr<Stage> make_linear_ode_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::linear_ode
