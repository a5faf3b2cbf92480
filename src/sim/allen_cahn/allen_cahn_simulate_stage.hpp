#pragma once
// `simulate` stage for system = "allen_cahn": K torus trajectories with sampled (r1, r2), each on the
// whole process grid, blocked explicit Euler or RK4 (deck key integrator; allen_cahn_model.hpp), a
// snapshot every save_every steps with free energy and partial forces, written to the dataset file of
// allen_cahn_dataset.hpp. With stop_energy > 0 a trajectory ends at the first snapshot whose free
// energy is <= stop_energy (the rest of its slots are marked unkept).
//
// Checkpoint/restart: every checkpoint_every steps, and whenever SIGTERM/SIGUSR1 arrived (polled
// every stop_check_every steps), the field, the snapshots of the running trajectory and the counters
// go to <output stem>.checkpoint.h5 (atomic). On a stop signal the run also commits the dataset with the
// finished trajectories and returns. A later run of the same deck (restart = true) resumes from the
// checkpoint; the continuation is bit-identical to an uninterrupted run (both integrators are deterministic, all
// randomness is counter-based). The checkpoint is removed when the stage completes.
#include "core/stage.hpp"
#include "sim/allen_cahn/allen_cahn_config.hpp"

namespace macrodyn::allen_cahn {

class AllenCahnSimulate : public Stage {
 public:
  explicit AllenCahnSimulate(const ConfigTable& table) : config_(SimulateConfig::parse(table)) {}
  explicit AllenCahnSimulate(SimulateConfig config) : config_(std::move(config)) {}
  void run(RunContext& ctx) override;
  const SimulateConfig& config() const { return config_; }

 private:
  SimulateConfig config_;
};

std::unique_ptr<Stage> make_allen_cahn_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::allen_cahn
