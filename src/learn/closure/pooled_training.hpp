#pragma once
// Training and using the pooled closure autoencoder (pooled_autoencoder.hpp) on Lennard-Jones ClosureData.
//
// Unlike the dense autoencoder, whose minibatch is split over ranks by configuration, here every rank takes
// every configuration of the minibatch and its own slice of atoms (AtomSlice::of_rank): the per-atom work and
// the per-atom Jacobian are split over ranks, the sums over atoms are reduced. The data-parallel trainer still
// does the global shuffle (same permutation for any rank count), the gradient allreduce and the optimizer step.
// No checkpoint/resume here (the pooled runs are short); the dense autoencoder phase has them.
#include <mpi.h>

#include <functional>

#include "core/timers.hpp"
#include "learn/closure/autoencoder_training.hpp"
#include "learn/closure/latent_targets.hpp"
#include "learn/closure/pooled_autoencoder.hpp"
#include "learn/closure/reduced_latent_targets.hpp"

namespace macrodyn::closure {

// This rank's atoms of configurations ids of LJ data (state = (positions 3N, velocities 3N)).
std::vector<LocalConfiguration> local_configurations(const ClosureData& data, const AtomSlice& slice,
                                                     const std::vector<int64_t>& ids);

AutoencoderTrainingResult train_pooled_autoencoder(MPI_Comm comm, PooledAutoencoder& ae, const ClosureData& data,
                                                   const AutoencoderTrainingOptions& options, Timers* timers = nullptr);

// The same on any configurations: `configs` of them, this rank's atoms of configurations ids from `source`
// (the benchmark keeps only its atoms, never the whole state). Sets the moment scaling from all of them first.
using ConfigurationSource = std::function<std::vector<LocalConfiguration>(const std::vector<int64_t>& ids)>;
AutoencoderTrainingResult train_pooled_autoencoder(MPI_Comm comm, PooledAutoencoder& ae, size_t configs,
                                                   const ConfigurationSource& source,
                                                   const AutoencoderTrainingOptions& options, Timers* timers = nullptr);

// The L_x,p products of one configuration (reduced_latent_targets.hpp) with its Gram matrix `gram`, forces
// f_I (6 per atom: 3 position rows, 3 velocity rows) on the listed atoms.
JacobianProducts partial_force_products(PooledEncoderT<float>& encoder, const LocalConfiguration& config,
                                        const double* gram, const std::vector<int64_t>& atoms, const double* f);

// z of every configuration (configs x d, replicated).
std::vector<float> encode_all_pooled(PooledAutoencoder& ae, const ClosureData& data);

// kappa(J J^T) of the first `count` configurations.
std::vector<double> pooled_condition_numbers(PooledAutoencoder& ae, const ClosureData& data, size_t count);

// The latent quadratic forms (latent_targets.hpp) of every configuration, from the reduced Gram matrix, the
// Jacobian columns of the partial-force atoms (L_x,p) or J f (L_z, L_x); the same on every rank.
LatentTargets build_pooled_latent_targets(PooledAutoencoder& ae, const ClosureData& data, LatentLoss loss);

}  // namespace macrodyn::closure
