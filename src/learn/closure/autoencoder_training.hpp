#pragma once
// Training the closure autoencoder with L_AE (closure_autoencoder.hpp) on the rows of a ClosureData,
// through the data-parallel trainer (global shuffles, gradient allreduce, rank-count independent),
// Adam with coupled weight decay as the reference (lr 1e-4, wd 1e-4, betas 0.9/0.95, batch 256).
// After training, latent_normalization() sets the statistics the latent models are trained with:
// z mean/std over all training configurations and dz/dt mean/std from forward differences of the
// encoded trajectories (no forces needed).
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "core/timers.hpp"
#include "io/h5file.hpp"
#include "learn/closure/closure_autoencoder.hpp"
#include "learn/closure/closure_data.hpp"

namespace macrodyn::closure {

struct AutoencoderTrainingOptions {
  long epochs = 10;
  long batch_size = 256;
  double learning_rate = 1e-4, weight_decay = 1e-4, beta1 = 0.9, beta2 = 0.95;
  double input_learning_rate = 0;  // the encoder's input-layer weights; 0: learning_rate
  double lambda_cond = 1e-6;
  uint64_t seed = 1;
  std::string checkpoint;  // "" : none
  double progress_interval_s = 10;
};

struct AutoencoderTrainingResult {
  std::vector<double> reconstruction, condition;  // per epoch (epoch means)
  std::vector<double> epoch_seconds;              // per epoch, where the trainer records it (pooled)
  double seconds = 0;
  bool stopped = false;
};

AutoencoderTrainingResult train_autoencoder(MPI_Comm comm, ClosureAutoencoder& ae, const ClosureData& data,
                                            const AutoencoderTrainingOptions& options, Timers* timers = nullptr);

// Encodes configurations [0, data.configs) in chunks: z (configs x d, row-major).
std::vector<float> encode_all(ClosureAutoencoder& ae, const ClosureData& data);

void set_latent_normalization(ClosureAutoencoder& ae, const ClosureData& data);
// The same statistics from encoded configurations z (configs x d, row-major) of any encoder.
void latent_normalization_of(const std::vector<float>& z, size_t d, const ClosureData& data, LatentNormalization& norm);

// The autoencoder phase's output file (dense and pooled encoders): the model written by save_model
// under /autoencoder, loss curves /loss/{reconstruction,condition}, /kappa, and the root attributes
// method, phase, encoder, data, configurations, lambda_cond, time_s. Returns the mean kappa.
double write_autoencoder_file(const std::string& path, const RunContext& ctx,
                              const std::function<void(io::H5File&, const std::string&)>& save_model,
                              const AutoencoderTrainingResult& r, const std::vector<double>& kappa,
                              const std::string& encoder, const ClosureData& data, double lambda_cond);

// kappa(J J^T) of the first `count` configurations (diagnostics), in passes of at most `chunk_cap`
// configurations (fewer where configurations_per_chunk says so).
std::vector<double> condition_numbers(ClosureAutoencoder& ae, const ClosureData& data, size_t count,
                                      size_t chunk_cap = 1024);

// Copies configurations ids (of data) into x (N, ids.size()).
void gather_states(const ClosureData& data, const std::vector<int64_t>& ids, Tensor& x);

// How many configurations one pass over the data may take at once when each needs `values_per_config`
// floats of working set (N for states, N x d for Jacobians): at most `cap`, at least 1, and within
// 2^26 values (256 MB), so a 51200-atom state (N = 307200) does not allocate tens of GB per chunk.
size_t configurations_per_chunk(size_t values_per_config, size_t cap);

}  // namespace macrodyn::closure
