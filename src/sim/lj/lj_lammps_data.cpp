#include "sim/lj/lj_lammps_data.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/h5file.hpp"
#include "sim/lj/lj_initial_state.hpp"

namespace macrodyn::lj {

namespace {
std::string trim_comment(const std::string& line) {
  const auto hash = line.find('#');
  std::string s = hash == std::string::npos ? line : line.substr(0, hash);
  const auto b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
}  // namespace

LoadedConfiguration read_lammps_data(const std::string& path, MPI_Comm comm) {
  std::ifstream in(path);
  if (!in) fail("cannot open LAMMPS data file '", path, "'");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  LoadedConfiguration c;
  double lo[3] = {0, 0, 0};
  std::string line, section;
  long lineno = 0;
  std::pair<int64_t, int64_t> block{0, 0};
  std::vector<int> seen;
  std::vector<int64_t> vel_row;
  getline(in, line), ++lineno;  // title line
  while (getline(in, line)) {
    ++lineno;
    const std::string s = trim_comment(line);
    if (s.empty()) continue;
    std::istringstream ls(s);
    if (section.empty() || std::isalpha(static_cast<unsigned char>(s[0]))) {
      double a = 0, b = 0;
      std::string w1, w2;
      if (s.find("atoms") != std::string::npos && !std::isalpha(static_cast<unsigned char>(s[0]))) {
        ls >> c.n_atoms;
        block = id_block(c.n_atoms, rank, size);
        const size_t n = static_cast<size_t>(block.second - block.first);
        c.atoms.id.resize(n), c.atoms.x.assign(3 * n, 0), c.atoms.v.assign(3 * n, 0), c.atoms.image.assign(3 * n, 0);
        seen.assign(n, 0);
        continue;
      }
      std::istringstream hs(s);
      if (hs >> a >> b >> w1 >> w2) {
        const int d = w1 == "xlo" ? 0 : (w1 == "ylo" ? 1 : (w1 == "zlo" ? 2 : -1));
        if (d >= 0) {
          lo[d] = a, c.box[d] = b - a;
          continue;
        }
      }
      if (std::isalpha(static_cast<unsigned char>(s[0]))) {
        section = s.substr(0, s.find_first_of(" \t"));
        continue;
      }
    }
    if (section != "Atoms" && section != "Velocities") continue;
    int64_t id = 0;
    if (!(ls >> id) || id < 1 || id > c.n_atoms) fail(path, ":", lineno, ": bad atom id in section ", section);
    if (id - 1 < block.first || id - 1 >= block.second) continue;
    const size_t k = static_cast<size_t>(id - 1 - block.first);
    c.atoms.id[k] = id - 1;
    if (section == "Atoms") {
      int type = 0;
      double x[3];
      if (!(ls >> type >> x[0] >> x[1] >> x[2])) fail(path, ":", lineno, ": expected 'id type x y z [ix iy iz]' (atom_style atomic)");
      double img[3] = {0, 0, 0};
      ls >> img[0] >> img[1] >> img[2];
      for (int d = 0; d < 3; ++d) c.atoms.x[3 * k + d] = x[d] - lo[d] + img[d] * c.box[d];
      seen[k] |= 1;
    } else {
      double v[3];
      if (!(ls >> v[0] >> v[1] >> v[2])) fail(path, ":", lineno, ": expected 'id vx vy vz'");
      for (int d = 0; d < 3; ++d) c.atoms.v[3 * k + d] = v[d];
      seen[k] |= 2;
      c.has_velocities = true;
    }
  }
  if (c.n_atoms <= 0) fail(path, ": no 'N atoms' header");
  for (int d = 0; d < 3; ++d)
    if (!(c.box[d] > 0)) fail(path, ": missing or empty box bounds (xlo xhi / ylo yhi / zlo zhi)");
  int missing = 0;
  for (int s : seen) missing += (s & 1) == 0 || (c.has_velocities && (s & 2) == 0);
  MPI_Allreduce(MPI_IN_PLACE, &missing, 1, MPI_INT, MPI_SUM, comm);
  if (missing) fail(path, ": ", missing, " atoms lack an Atoms (or Velocities) line");
  c.atoms.image.clear();  // unwrapped positions: the system counts images from here
  return c;
}

void write_lammps_data(const std::string& path, const LjSystem& sys) {
  MPI_Comm comm = sys.comm();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const HostAtoms a = sys.owned_atoms();
  // id-ordered blocks gathered on rank 0 (positions wrapped, images recomputed on the way out)
  std::vector<double> x(3 * a.id.size()), img(3 * a.id.size());
  for (size_t k = 0; k < a.id.size(); ++k)
    for (int d = 0; d < 3; ++d) {
      const double L = sys.box()[d];
      const double u = a.x[3 * k + d] + a.image[3 * k + d] * L;
      img[3 * k + d] = std::floor(u / L);
      x[3 * k + d] = u - img[3 * k + d] * L;
    }
  const std::vector<double> bx = to_id_blocks(comm, sys.n_atoms(), a.id, x, 3);
  const std::vector<double> bi = to_id_blocks(comm, sys.n_atoms(), a.id, img, 3);
  const std::vector<double> bv = to_id_blocks(comm, sys.n_atoms(), a.id, a.v, 3);
  int n = static_cast<int>(bx.size());
  std::vector<int> counts(size), displs(size + 1, 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (int r = 0; r < size; ++r) displs[r + 1] = displs[r] + counts[r];
  std::vector<double> all_x(rank == 0 ? displs[size] : 0), all_i(all_x.size()), all_v(all_x.size());
  MPI_Gatherv(bx.data(), n, MPI_DOUBLE, all_x.data(), counts.data(), displs.data(), MPI_DOUBLE, 0, comm);
  MPI_Gatherv(bi.data(), n, MPI_DOUBLE, all_i.data(), counts.data(), displs.data(), MPI_DOUBLE, 0, comm);
  MPI_Gatherv(bv.data(), n, MPI_DOUBLE, all_v.data(), counts.data(), displs.data(), MPI_DOUBLE, 0, comm);
  int ok = 1;
  if (rank == 0) {
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) {
      ok = 0;
    } else {
      const int64_t N = sys.n_atoms();
      std::fprintf(f, "LAMMPS data file written by macrodyn (step %ld)\n\n%lld atoms\n1 atom types\n\n", sys.step_count(),
                   static_cast<long long>(N));
      const char* ax[3] = {"x", "y", "z"};
      for (int d = 0; d < 3; ++d) std::fprintf(f, "0 %.17g %slo %shi\n", sys.box()[d], ax[d], ax[d]);
      std::fprintf(f, "\nMasses\n\n1 1\n\nAtoms # atomic\n\n");
      for (int64_t i = 0; i < N; ++i)
        std::fprintf(f, "%lld 1 %.17g %.17g %.17g %d %d %d\n", static_cast<long long>(i + 1), all_x[3 * i],
                     all_x[3 * i + 1], all_x[3 * i + 2], static_cast<int>(all_i[3 * i]), static_cast<int>(all_i[3 * i + 1]),
                     static_cast<int>(all_i[3 * i + 2]));
      std::fprintf(f, "\nVelocities\n\n");
      for (int64_t i = 0; i < N; ++i)
        std::fprintf(f, "%lld %.17g %.17g %.17g\n", static_cast<long long>(i + 1), all_v[3 * i], all_v[3 * i + 1],
                     all_v[3 * i + 2]);
      ok = std::fclose(f) == 0 && std::rename(tmp.c_str(), path.c_str()) == 0;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  if (!ok) fail("cannot write LAMMPS data file '", path, "'");
}

LoadedConfiguration read_h5md_frame(const std::string& path, long frame, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  io::H5File file = io::H5File::open_read(path, comm);
  const io::Dims dims = file.dims("/particles/all/position/value");
  if (dims.size() != 3 || dims[2] != 3) fail(path, ": /particles/all/position/value is not (frames, N, 3)");
  const long frames = static_cast<long>(dims[0]);
  const long f = frame < 0 ? frames + frame : frame;
  if (f < 0 || f >= frames) fail(path, ": frame ", frame, " out of range (", frames, " frames)");
  LoadedConfiguration c;
  const std::vector<double> edges = file.read_all<double>("/particles/all/box/edges");
  for (int d = 0; d < 3; ++d) c.box[d] = edges.at(d);
  c.n_atoms = static_cast<int64_t>(dims[1]);
  auto [first, last] = id_block(c.n_atoms, rank, size);
  const hsize_t n = static_cast<hsize_t>(last - first);
  c.atoms.x.resize(3 * n), c.atoms.v.resize(3 * n);
  const io::Dims off{static_cast<hsize_t>(f), static_cast<hsize_t>(first), 0}, loc{1, n, 3};
  file.read("/particles/all/position/value", off, loc, c.atoms.x.data());
  c.has_velocities = file.exists("/particles/all/velocity/value");
  if (c.has_velocities) file.read("/particles/all/velocity/value", off, loc, c.atoms.v.data());
  for (int64_t i = first; i < last; ++i) c.atoms.id.push_back(i);
  return c;
}

}  // namespace macrodyn::lj
