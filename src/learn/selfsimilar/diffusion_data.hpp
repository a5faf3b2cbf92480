#pragma once
// One dataset of the diffusion simulate stage, read on every rank: values(run, row, site) =
// density * sites (mean 1).
#include <mpi.h>

#include <string>

#include "nn/tensor.hpp"

namespace macrodyn::selfsimilar {

using FieldValues = Kokkos::View<double***, Kokkos::LayoutRight, nn::MemSpace>;

struct DiffusionField {
  std::string name;
  double dt = 0;  // simulation time step (0: exact limit)
  long runs = 0, rows = 0, sites = 0;
  FieldValues values;
  long n_train(double holdout) const;
};

DiffusionField load_diffusion_field(const std::string& path, MPI_Comm comm, const std::string& dataset);

// Decay rate of the longest Fourier mode (q = 2 pi / sites) of rows(run, row, site), runs
// [0, count): least-squares slope of log |mode| over rows [n_rows / 4, n_rows) (the first quarter is
// left out: there the shorter modes of the initial histogram, aliased by a coarse-graining, still
// matter), averaged over runs, turned into D = -slope / (2 (1 - cos q)) (per row, in sites^2).
double mode_decay_diffusion(const std::vector<double>& rows, long count, long n_rows, long sites);

}  // namespace macrodyn::selfsimilar
