// LAMMPS data files and H5MD frames: a configuration written and read back gives the same unwrapped
// positions and velocities, and a system set up from it has the same energy.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "support/lj_test_support.hpp"
#include "sim/lj/lj_lammps_data.hpp"

using namespace lj_test;

TEST_CASE("LAMMPS data file round trip", "[lj][io]") {
  const double L = 8.0;
  const int64_t N = 400;
  Params prm;
  LjSystem sys(MPI_COMM_WORLD, {L, L, L}, N, prm);
  sys.set_atoms(sc_atoms(MPI_COMM_WORLD, L, N, 1.0, 0.0, 2));
  sys.run(60);  // atoms have crossed the periodic boundaries
  const std::string path = "lj_io_test.data";
  write_lammps_data(path, sys);
  const LoadedConfiguration c = read_lammps_data(path, MPI_COMM_WORLD);
  REQUIRE(c.n_atoms == N);
  REQUIRE(c.has_velocities);
  for (int d = 0; d < 3; ++d) CHECK(c.box[d] == L);
  HostAtoms a = sys.owned_atoms();
  for (size_t k = 0; k < a.id.size(); ++k)
    for (int d = 0; d < 3; ++d) a.x[3 * k + d] += a.image[3 * k + d] * L;
  auto xs = gather_by_id(MPI_COMM_WORLD, a.id, a.x), vs = gather_by_id(MPI_COMM_WORLD, a.id, a.v);
  auto xr = gather_by_id(MPI_COMM_WORLD, c.atoms.id, c.atoms.x), vr = gather_by_id(MPI_COMM_WORLD, c.atoms.id, c.atoms.v);
  double dx = 0, dv = 0;
  for (auto& [id, x] : xs)
    for (int d = 0; d < 3; ++d) {
      dx = std::max(dx, std::abs(xr[id][d] - x[d]));
      dv = std::max(dv, std::abs(vr[id][d] - vs[id][d]));
    }
  CHECK(dx < 1e-13);
  CHECK(dv == 0.0);
  LjSystem again(MPI_COMM_WORLD, c.box, c.n_atoms, prm);
  again.set_atoms(c.atoms);
  CHECK(again.observe().potential == Approx(sys.observe().potential).epsilon(1e-12));
  CHECK(again.observe().kinetic == Approx(sys.observe().kinetic).epsilon(1e-14));
  std::remove(path.c_str());
}
