// Pins the exact bits of LJ forces, trajectories and observables on one rank (500 atoms, L = 8.5,
// jittered simple-cubic start, T0 = 1.3, 150 steps at dt = 0.002, half and full lists), as 64-bit
// FNV-1a hashes of the IEEE bit patterns in global-id order. A change of the pair kernels, the
// neighbour loop, the particle fields or the integrator that alters a single bit fails here.
// Forces, positions, velocities and images are pinned to the code before the pair-kernel driver and
// the named particle fields were introduced (both pure refactors). The observables were re-pinned
// twice on purpose: the shift V(rc) of total_energy_shifted became the pair style's own energy (one
// definition), and every observable is now a sum of per-atom terms in global-id order (rank-count
// invariant), which moved their last bits. Half-list forces have two pinned sets: the serial backend's
// double sums, and the concurrent backends' fixed-point sums (lj_pair_driver.hpp), whose bits are the
// same for any thread count (CI runs this test in the threaded build with 2 threads). Only +, -, *, / enter the dynamics (no libm
// call: the velocity field's Gaussian directions are the only transcendental step, done once), and
// the build uses -ffp-contract=off, so the bits are fixed by IEEE 754 on any conforming machine.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>

#include "sim/lj/lj_pair_driver.hpp"
#include "support/lj_test_support.hpp"

using namespace lj_test;

namespace {

uint64_t fnv1a(const std::vector<double>& values) {
  uint64_t h = 1469598103934665603ull;
  for (double v : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int b = 0; b < 8; ++b) {
      h ^= (bits >> (8 * b)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  return h;
}

// Per-atom triples in global-id order (one rank owns every atom).
std::vector<double> by_id(const std::vector<int64_t>& id, const std::vector<double>& v) {
  std::vector<double> out(v.size());
  for (size_t k = 0; k < id.size(); ++k)
    for (int d = 0; d < 3; ++d) out[3 * static_cast<size_t>(id[k]) + d] = v[3 * k + d];
  return out;
}

struct Hashes {
  uint64_t force0, x, v, image, force, observables, total_shifted;
};

Hashes run(bool newton) {
  const double L = 8.5;
  const int64_t N = 500;
  Params prm;
  prm.newton = newton;
  prm.dt = 0.002;
  LjSystem sys(MPI_COMM_SELF, {L, L, L}, N, prm);
  sys.set_atoms(sc_atoms(MPI_COMM_SELF, L, N, 1.3, 0.2, 17));
  std::vector<double> f0, f;
  const HostAtoms a0 = sys.owned_atoms(&f0);
  sys.run(150);
  const HostAtoms a = sys.owned_atoms(&f);
  const Observables o = sys.observe();
  Hashes h;
  h.force0 = fnv1a(by_id(a0.id, f0));
  h.x = fnv1a(by_id(a.id, a.x));
  h.v = fnv1a(by_id(a.id, a.v));
  h.image = fnv1a(by_id(a.id, a.image));
  h.force = fnv1a(by_id(a.id, f));
  h.observables = fnv1a({o.temperature, o.kinetic, o.potential, o.total, o.pressure, o.msd});
  h.total_shifted = fnv1a({o.total_shifted});
  return h;
}

void check(const Hashes& h, const Hashes& pinned) {
  INFO(std::hex << "force0 " << h.force0 << " x " << h.x << " v " << h.v << " image " << h.image << " force "
                << h.force << " observables " << h.observables
                << " total_shifted " << h.total_shifted);
  CHECK(h.force0 == pinned.force0);
  CHECK(h.x == pinned.x);
  CHECK(h.v == pinned.v);
  CHECK(h.image == pinned.image);
  CHECK(h.force == pinned.force);
  CHECK(h.observables == pinned.observables);
  CHECK(h.total_shifted == pinned.total_shifted);
}

}  // namespace

TEST_CASE("LJ forces, trajectory and observables are bitwise those of the reference code", "[lj][regression]") {
  SECTION("half list (newton)") {
    if constexpr (OrderIndependentHalfList<Exec>::value)  // fixed-point sums: any thread count
      check(run(true), {0x87c7ba28b63e4920ull, 0xcaf91643e1cacff0ull, 0x6d09b750a0505123ull, 0xe5659f9f4af71ac3ull,
                        0xc18403ab5e913fa1ull, 0xcd84143a6b2b11d2ull, 0xc40881ac63e5233full});
    else  // serial backend: double sums in list order
      check(run(true), {0xb701ed41c83f0d9eull, 0xe3ede045dcaa2fbfull, 0x7359ed42d0fab155ull, 0xe5659f9f4af71ac3ull,
                        0x9a2a5ce1b621b782ull, 0x4e2df4f9f89812edull, 0xeac713d4b7694ec3ull});
  }
  SECTION("full list") {
    check(run(false), {0x7a70cd278a849581ull, 0x307c1ecc81bb3a21ull, 0x53c9ea4421f8242eull, 0xe5659f9f4af71ac3ull,
                       0xda4f58328cc5bcc0ull, 0xc0f09ca269e6fd11ull, 0x5d4047408179844full});
  }
}
