#pragma once
// bench closure: one training step of each closure network, float32, this process's BLAS threads
// (run with OPENBLAS_NUM_THREADS=1 for one-thread figures).
//
//   macrodyn bench closure [--steps 20] [--latent_state_dims [1000, 1000000]]
// Prints
//   bench closure ae_predator_prey_ms_per_step <ms> ms   L_AE step (mse + condition-number loss with
//        its exact gradient + Adam), encoder 100-32-32-2 softplus (+ 2 fixed means: d = 4), batch 256
//   bench closure ae_allen_cahn_ms_per_step <ms> ms      the same at N = 40000, encoder 40000-64-64-15
//        (+ 1 fixed observable: d = 16), batch 32. The fixed observable here is the state mean (its
//        Jacobian is one O(N) row, the cost of the free energy's gradient row).
//   bench closure latent_ms_per_step <ms> ms             one L_x,p step (MLP 4-32-32-4, batch 256, |I| = 20,
//        quadratic forms precomputed) + AdamW
//   bench closure latent_onsager_ms_per_step <ms> ms     the same step with the OnsagerNet latent model
//        (the reference implementation's latent model; onsager_net.hpp)
//   bench closure latent_ms_per_step_N<N> <ms> ms        the same with forms built from d x N Jacobians,
//        for each N of latent_state_dims (the step cost does not depend on N)
// Medians over `steps` timed steps after 2 warm-up steps; the log adds process CPU time per step.
#include "core/stage.hpp"

namespace macrodyn::closure {

std::unique_ptr<Stage> make_closure_bench(const ConfigTable& table);

}  // namespace macrodyn::closure
