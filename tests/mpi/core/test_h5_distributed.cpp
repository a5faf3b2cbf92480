// Distributed HDF5: a 3-D array written as 2-D-decomposed hyperslabs by every rank reads back exactly,
// both by a different decomposition and by one rank alone. Run by ctest on 1, 2 and 4 ranks.
#include <catch2/catch.hpp>
#include <cstdio>

#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "io/checkpoint.hpp"
#include "io/h5file.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::io;

namespace {
double value(hsize_t c, hsize_t y, hsize_t x) { return 1e6 * c + 1e3 * y + x + 0.5; }
}  // namespace

TEST_CASE("distributed write then read round-trips exactly", "[hdf5][mpi]") {
  const hsize_t nc = 3, ny = 29, nx = 41;
  const test::ScratchDir dir("h5_distributed");
  const std::string path = dir.path() + "/distributed.h5";
  CartDecomposition<2> decomp(MPI_COMM_WORLD, {static_cast<long>(nx), static_cast<long>(ny)}, {false, false});
  const Dims global{nc, ny, nx};
  const Dims offset{0, static_cast<hsize_t>(decomp.lo(1)), static_cast<hsize_t>(decomp.lo(0))};
  const Dims local{nc, static_cast<hsize_t>(decomp.local_cells(1)), static_cast<hsize_t>(decomp.local_cells(0))};
  for (bool compressed : {false, true}) {
    std::vector<double> mine(element_count(local));
    size_t k = 0;
    for (hsize_t c = 0; c < local[0]; ++c)
      for (hsize_t y = 0; y < local[1]; ++y)
        for (hsize_t x = 0; x < local[2]; ++x) mine[k++] = value(c, offset[1] + y, offset[2] + x);
    {
      auto f = H5File::create(path, MPI_COMM_WORLD);
      WriteOptions opts;
      if (compressed) opts = WriteOptions{{1, 8, 8}, 3};
      f.write("/field", global, offset, local, mine.data(), opts);
      f.commit();
    }
    // Read back with a row decomposition (different from the writer's).
    CartDecomposition<1> rows(MPI_COMM_WORLD, {static_cast<long>(ny)}, {false});
    const Dims roff{0, static_cast<hsize_t>(rows.lo(0)), 0}, rloc{nc, static_cast<hsize_t>(rows.local_cells(0)), nx};
    std::vector<double> back(element_count(rloc));
    {
      auto f = H5File::open_read(path, MPI_COMM_WORLD);
      CHECK(f.dims("/field") == global);
      f.read("/field", roff, rloc, back.data());
    }
    k = 0;
    long bad = 0;
    for (hsize_t c = 0; c < nc; ++c)
      for (hsize_t y = 0; y < rloc[1]; ++y)
        for (hsize_t x = 0; x < nx; ++x) bad += back[k++] != value(c, roff[1] + y, x);
    CHECK(bad == 0);
    // One rank alone reads the whole file.
    if (comm_rank(MPI_COMM_WORLD) == 0) {
      auto f = H5File::open_read(path, MPI_COMM_SELF);
      auto all = f.read_all<double>("/field");
      REQUIRE(all.size() == nc * ny * nx);
      long wrong = 0;
      for (hsize_t c = 0; c < nc; ++c)
        for (hsize_t y = 0; y < ny; ++y)
          for (hsize_t x = 0; x < nx; ++x) wrong += all[(c * ny + y) * nx + x] != value(c, y, x);
      CHECK(wrong == 0);
      std::remove(path.c_str());
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
}

TEST_CASE("a distributed checkpoint restores every rank's block", "[hdf5][checkpoint][mpi]") {
  const test::ScratchDir dir("h5_distributed");
  const std::string path = dir.path() + "/ckpt.h5";
  const int rank = comm_rank(MPI_COMM_WORLD), size = comm_size(MPI_COMM_WORLD);
  const hsize_t n = 10;
  std::vector<double> block(n);
  for (hsize_t i = 0; i < n; ++i) block[i] = rank * 100.0 + i;
  {
    CheckpointWriter w(path, MPI_COMM_WORLD, "test");
    w.array("x", {static_cast<hsize_t>(size) * n}, {static_cast<hsize_t>(rank) * n}, {n}, block.data());
    w.counter("step", 77);
    w.commit();
  }
  CheckpointReader r(path, MPI_COMM_WORLD, "test");
  std::vector<double> back(n);
  r.array("x", {static_cast<hsize_t>(rank) * n}, {n}, back.data());
  CHECK(back == block);
  CHECK(r.counter("step") == 77);
}
