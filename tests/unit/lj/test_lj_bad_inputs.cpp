// Bad inputs are refused before use, with the file (and line) and the reason: LAMMPS data files
// (negative, non-integer, absurd, too high and too low atom counts, duplicate ids, bad box, bad
// numbers, wrong atom style), H5MD frames (wrong shapes, bad box, frame out of range) and LJ
// checkpoints (wrong shapes, impossible counts, another kind).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "io/checkpoint.hpp"
#include "sim/lj/lj_checkpoint.hpp"
#include "sim/lj/lj_lammps_data.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::lj;

namespace {

// A valid 4-atom file with `header` as the atoms line and `atoms` as the Atoms section body.
std::string data_file(const std::string& counts, const std::string& box, const std::string& atoms,
                      const std::string& velocities = "") {
  std::string s = "test file\n\n" + counts + "\n1 atom types\n\n" + box + "\n\nMasses\n\n1 1\n\nAtoms # atomic\n\n" + atoms;
  if (!velocities.empty()) s += "\nVelocities\n\n" + velocities;
  return s;
}
const std::string kBox = "0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi";
const std::string kAtoms = "1 1 0.5 0.5 0.5\n2 1 2.5 0.5 0.5\n3 1 0.5 2.5 0.5\n4 1 0.5 0.5 2.5\n";

std::string error_reading(const std::string& text) {
  const std::string path = "lj_bad_input_test.data";
  const bool root = comm_rank(MPI_COMM_WORLD) == 0;
  if (root) std::ofstream(path) << text;
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string message = test::error_of([&] { read_lammps_data(path, MPI_COMM_WORLD); });
  MPI_Barrier(MPI_COMM_WORLD);
  if (root) std::remove(path.c_str());
  return message;
}

}  // namespace

TEST_CASE("a valid LAMMPS data file is read", "[lj][io][validation]") {
  REQUIRE(error_reading(data_file("4 atoms", kBox, kAtoms)).empty());
}

TEST_CASE("bad LAMMPS data files are refused with file:line and the reason", "[lj][io][validation]") {
  struct Case {
    std::string text, expected;
  };
  const std::string f = "lj_bad_input_test.data:";
  const Case cases[] = {
      {data_file("-4 atoms", kBox, kAtoms), f + "3: atom count -4 must be positive"},
      {data_file("0 atoms", kBox, kAtoms), f + "3: atom count 0 must be positive"},
      {data_file("4x atoms", kBox, kAtoms), f + "3: atom count '4x' is not an integer"},
      {data_file("99999999999999999999 atoms", kBox, kAtoms), f + "3: atom count '99999999999999999999' is not an integer"},
      {data_file("10000000000000000 atoms", kBox, kAtoms), f + "3: atom count 10000000000000000 exceeds 2^53"},
      {data_file("1000000000000 atoms", kBox, kAtoms), f + "3: 1000000000000 atoms need about"},
      {data_file("6 atoms", kBox, kAtoms), f + "14: the Atoms section holds 4 lines, the header (line 3) says 6 atoms"},
      {data_file("3 atoms", kBox, kAtoms), f + "19: atom id 4 outside 1..3 (the 'atoms' count of line 3)"},
      {data_file("4 atoms", kBox, "1 1 0.5 0.5 0.5\n2 1 2.5 0.5 0.5\n2 1 0.5 2.5 0.5\n4 1 0.5 0.5 2.5\n"),
       f + "18: atom id 2 appears a second time"},
      {data_file("4 atoms", "0 5 xlo xhi\n5 0 ylo yhi\n0 5 zlo zhi", kAtoms), f + "7: ylo yhi must be two finite numbers"},
      {data_file("4 atoms", "0 5 xlo xhi\n0 5 ylo yhi", kAtoms), "lj_bad_input_test.data: no zlo zhi box bounds"},
      {data_file("4 atoms", kBox, "1 1 0.5 0.5 0.5\n2 1 nan 0.5 0.5\n3 1 0.5 2.5 0.5\n4 1 0.5 0.5 2.5\n"),
       f + "17: 'nan' is not a finite number"},
      {data_file("4 atoms", kBox, "1 1 0.5 0.5 0.5\n2 3 2.5 0.5 0.5\n3 1 0.5 2.5 0.5\n4 1 0.5 0.5 2.5\n"),
       f + "17: atom type '3' must be an integer in 1..1"},
      {data_file("4 atoms", kBox, "1 1 0.5 0.5\n"), f + "16: expected 'id type x y z [ix iy iz]'"},
      {data_file("4 atoms", kBox, kAtoms, "1 0 0 0\n2 0 0 0\n"), f + "21: the Velocities section holds 2 lines"},
      {data_file("4 atoms\n3 bonds", kBox, kAtoms), f + "4: 3 bonds: only atom_style atomic"},
      {data_file("4 atoms\nhello there", kBox, kAtoms), f + "4: unrecognised line 'hello there'"},
      {data_file("4 atoms\n4 5 6", kBox, kAtoms), f + "4: unrecognised header line '4 5 6'"},
      {"title\n\nAtoms\n\n1 1 0 0 0\n", f + "3: Atoms section before the 'N atoms' header"},
      {"title\n\n4 atoms\n" + kBox + "\n", "lj_bad_input_test.data: no Atoms section"},
  };
  for (const Case& c : cases) {
    const std::string message = error_reading(c.text);
    INFO("expected: " << c.expected << "\ngot:      " << message);
    CHECK(message.find(c.expected) != std::string::npos);
  }
  const std::string style = error_reading(
      "t\n\n1 atoms\n1 atom types\n" + kBox + "\n\nAtoms # full\n\n1 1 1 0 0.5 0.5 0.5\n");
  CHECK(style.find(f + "9: atom style 'full'") != std::string::npos);
}

TEST_CASE("bad H5MD frames are refused naming the file", "[lj][io][validation]") {
  const std::string path = "lj_bad_h5md_test.h5";
  auto write = [&](const io::Dims& frame, const std::vector<double>& edges, bool velocity_mismatch) {
    auto f = io::H5File::create(path, MPI_COMM_WORLD);
    f.create_series<double>("/particles/all/position/value", frame);
    std::vector<double> x(frame.empty() ? 1 : frame[0] * (frame.size() > 1 ? frame[1] : 1), 0.5);
    f.append_frame("/particles/all/position/value", io::Dims(frame.size(), 0), frame, x.data());
    if (velocity_mismatch) f.create_series<double>("/particles/all/velocity/value", {frame[0] + 1, 3});
    f.write_replicated("/particles/all/box/edges", {edges.size()}, edges.data());
    f.commit();
  };
  auto error = [&](long frame) { return test::error_of([&] { read_h5md_frame(path, frame, MPI_COMM_WORLD); }); };
  {
    write({4, 2}, {5, 5, 5}, false);
    CHECK(error(0).find(path + ": /particles/all/position/value is not (frames, N >= 1, 3)") != std::string::npos);
    write({4, 3}, {5, -5, 5}, false);
    CHECK(error(0).find(path + ": box edge 1 = -5 is not positive") != std::string::npos);
    write({4, 3}, {5, 5}, false);
    CHECK(error(0).find(path + ": /particles/all/box/edges must hold 3 values") != std::string::npos);
    write({4, 3}, {5, 5, 5}, false);
    CHECK(error(3).find(path + ": frame 3 out of range (1 frames)") != std::string::npos);
    CHECK(error(0).empty());
    write({4, 3}, {5, 5, 5}, true);
    CHECK(error(0).find(path + ": /particles/all/velocity/value does not have the shape") != std::string::npos);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (comm_rank(MPI_COMM_WORLD) == 0) std::remove(path.c_str());
}

TEST_CASE("bad LJ checkpoints are refused naming the file", "[lj][io][validation]") {
  const std::string path = "lj_bad_checkpoint_test.h5";
  auto write = [&](const std::string& kind, uint64_t n_atoms, hsize_t rows, hsize_t cols) {
    io::CheckpointWriter w(path, MPI_COMM_WORLD, kind);
    const std::vector<double> zeros(rows * cols, 0.0), box{5, 5, 5};
    for (const char* a : {"x", "v", "image", "x0", "xb"}) w.replicated_array<double>(a, {rows, cols}, zeros.data());
    w.replicated_array<double>("box", {3}, box.data());
    w.counter("step", 0);
    w.counter("n_atoms", n_atoms);
    w.counter("trajectory", 0);
    w.counter("frames", 1);
    w.scalar("dt", 0.001);
    w.scalar("rc", 2.5);
    w.scalar("skin", 0.3);
    w.text("fingerprint", "test");
    w.commit();
  };
  auto error = [&]() { return test::error_of([&] { load_checkpoint(path, MPI_COMM_WORLD); }); };
  write("lj", 4, 4, 3);
  CHECK(error().empty());
  write("lj", 4, 4, 2);
  CHECK(error().find(path + ": array x is not n_atoms x 3 = 4 x 3") != std::string::npos);
  write("lj", 0, 4, 3);
  CHECK(error().find(path + ": n_atoms = 0 is not an atom count") != std::string::npos);
  write("lj", uint64_t(1) << 60, 4, 3);
  CHECK(error().find(" is not an atom count (1 .. 2^53)") != std::string::npos);
  write("vicsek_simulate", 4, 4, 3);
  CHECK(error().find(path + ": checkpoint of kind 'vicsek_simulate', expected 'lj'") != std::string::npos);
  MPI_Barrier(MPI_COMM_WORLD);
  if (comm_rank(MPI_COMM_WORLD) == 0) std::remove(path.c_str());
}
