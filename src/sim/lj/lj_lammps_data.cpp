#include "sim/lj/lj_lammps_data.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

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

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Whole-token numbers ("12x", "1e3" as a count, "nan" are refused).
bool parse_count(const std::string& t, int64_t& v) {
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long r = std::strtoll(t.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  v = r;
  return true;
}
bool parse_real(const std::string& t, double& v) {
  if (t.empty()) return false;
  char* end = nullptr;
  v = std::strtod(t.c_str(), &end);
  return *end == '\0' && std::isfinite(v);
}

// Rough bytes per atom of an LJ run on one rank (arrays, ghosts, neighbour list, I/O buffers).
constexpr double kBytesPerAtom = 2048;
constexpr int64_t kMaxAtoms = int64_t(1) << 53;  // ids travel as doubles

// Memory available to this node's ranks (bytes) and how many ranks share it.
std::pair<double, int> node_memory(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int ranks = 1;
  MPI_Comm_size(node, &ranks);
  MPI_Comm_free(&node);
  double available = 0;
  std::ifstream info("/proc/meminfo");
  for (std::string key, unit; info >> key;) {
    double kib = 0;
    info >> kib >> unit;
    if (key == "MemAvailable:") available = kib * 1024.0;
  }
  if (available <= 0)
    available = static_cast<double>(sysconf(_SC_AVPHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  return {available, ranks};
}

// Every rank parses the whole file, so header and line checks fail on every rank alike; checks that
// only the rank keeping an id block can make (duplicates) are agreed on collectively.
void fail_at_first_line(MPI_Comm comm, const std::string& path, long line, int64_t id) {
  long first = line > 0 ? line : std::numeric_limits<long>::max(), global = 0;
  MPI_Allreduce(&first, &global, 1, MPI_LONG, MPI_MIN, comm);
  if (global == std::numeric_limits<long>::max()) return;
  int64_t mine = first == global ? id : -1, which = 0;
  MPI_Allreduce(&mine, &which, 1, MPI_INT64_T, MPI_MAX, comm);
  fail(path, ":", global, ": atom id ", which, " appears a second time");
}
}  // namespace

LoadedConfiguration read_lammps_data(const std::string& path, MPI_Comm comm) {
  std::ifstream in(path);
  if (!in) fail("cannot open LAMMPS data file '", path, "'");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  LoadedConfiguration c;
  c.n_atoms = -1;
  double lo[3] = {0, 0, 0};
  bool have_box[3] = {false, false, false};
  int64_t types = -1;
  std::string line, section;
  long lineno = 0, atoms_header_line = 0, section_line = 0, duplicate_line = 0;
  int64_t duplicate_id = 0, section_rows = 0, atom_rows = -1, velocity_rows = -1;
  std::pair<int64_t, int64_t> block{0, 0};
  std::vector<int> seen;
  auto where = [&]() { return cat(path, ":", lineno, ": "); };
  auto end_section = [&]() {
    if (section == "Atoms") atom_rows = section_rows;
    if (section == "Velocities") velocity_rows = section_rows;
    if ((section == "Atoms" || section == "Velocities") && section_rows != c.n_atoms)
      fail(path, ":", section_line, ": the ", section, " section holds ", section_rows, " lines, the header (line ",
           atoms_header_line, ") says ", c.n_atoms, " atoms");
  };
  getline(in, line), ++lineno;  // title line
  while (getline(in, line)) {
    ++lineno;
    const std::string s = trim_comment(line);
    if (s.empty()) continue;
    const std::vector<std::string> w = split(s);
    if (std::isalpha(static_cast<unsigned char>(s[0]))) {  // a section keyword
      if (w[0] != "Atoms" && w[0] != "Velocities" && w[0] != "Masses" && w[0] != "Pair" && w[0] != "PairIJ")
        fail(where(), "unrecognised line '", s, "' (not a header line; sections read: Atoms, Velocities, Masses, "
                      "Pair Coeffs)");
      end_section();
      section = w[0];
      section_line = lineno, section_rows = 0;
      if (section == "Atoms" || section == "Velocities") {
        if (c.n_atoms < 0) fail(where(), section, " section before the 'N atoms' header");
        const auto hash = line.find('#');
        const std::string style = hash == std::string::npos ? "" : trim_comment(line.substr(hash + 1));
        if (section == "Atoms" && !style.empty() && style != "atomic")
          fail(where(), "atom style '", style, "': only atom_style atomic (id type x y z [ix iy iz]) is read");
      }
      continue;
    }
    if (section.empty()) {  // header
      int64_t count = 0;
      if (w.size() == 2 && w[1] == "atoms") {
        if (!parse_count(w[0], count)) fail(where(), "atom count '", w[0], "' is not an integer");
        if (count < 1) fail(where(), "atom count ", count, " must be positive");
        if (count >= kMaxAtoms) fail(where(), "atom count ", count, " exceeds 2^53");
        const auto [available, local_ranks] = node_memory(comm);
        const double need = kBytesPerAtom * std::ceil(static_cast<double>(count) / size) * local_ranks;
        if (need > available)
          fail(where(), count, " atoms need about ", need / (1u << 30), " GiB on this node (", local_ranks,
               " ranks, ~", kBytesPerAtom, " bytes per atom), ", available / (1u << 30), " GiB are available");
        c.n_atoms = count, atoms_header_line = lineno;
        block = id_block(c.n_atoms, rank, size);
        const size_t n = static_cast<size_t>(block.second - block.first);
        c.atoms.id.resize(n), c.atoms.x.assign(3 * n, 0), c.atoms.v.assign(3 * n, 0), c.atoms.image.assign(3 * n, 0);
        seen.assign(n, 0);
      } else if (w.size() == 3 && w[1] == "atom" && w[2] == "types") {
        if (!parse_count(w[0], types) || types < 1) fail(where(), "atom types '", w[0], "' must be a positive integer");
      } else if (w.size() == 4 && w[2].size() == 3 && w[3].size() == 3 && w[2].substr(1) == "lo" &&
                 w[3].substr(1) == "hi" && w[2][0] == w[3][0] && (w[2][0] == 'x' || w[2][0] == 'y' || w[2][0] == 'z')) {
        const int d = w[2][0] - 'x';
        double a = 0, b = 0;
        if (!parse_real(w[0], a) || !parse_real(w[1], b) || !(b > a))
          fail(where(), w[2], " ", w[3], " must be two finite numbers with ", w[2], " < ", w[3]);
        lo[d] = a, c.box[d] = b - a, have_box[d] = true;
      } else if (w.size() == 5 && w[2] == "xy") {
        fail(where(), "triclinic boxes (xy xz yz) are not supported");
      } else if (w.size() >= 2 && parse_count(w[0], count) && std::isalpha(static_cast<unsigned char>(w[1][0]))) {
        if (count != 0 && (w[1] == "bonds" || w[1] == "angles" || w[1] == "dihedrals" || w[1] == "impropers"))
          fail(where(), count, " ", w[1], ": only atom_style atomic (no topology) is read");
      } else {
        fail(where(), "unrecognised header line '", s, "'");
      }
      continue;
    }
    if (section != "Atoms" && section != "Velocities") continue;
    ++section_rows;
    int64_t id = 0;
    if (!parse_count(w[0], id)) fail(where(), "atom id '", w[0], "' is not an integer");
    if (id < 1 || id > c.n_atoms)
      fail(where(), "atom id ", id, " outside 1..", c.n_atoms, " (the 'atoms' count of line ", atoms_header_line, ")");
    double v[6] = {0, 0, 0, 0, 0, 0};
    if (section == "Atoms") {
      int64_t type = 0;
      if (w.size() != 5 && w.size() != 8) fail(where(), "expected 'id type x y z [ix iy iz]' (atom_style atomic)");
      if (!parse_count(w[1], type) || type < 1 || (types > 0 && type > types))
        fail(where(), "atom type '", w[1], "' must be an integer in 1..", types > 0 ? types : 1);
      for (size_t k = 2; k < w.size(); ++k)
        if (!parse_real(w[k], v[k - 2])) fail(where(), "'", w[k], "' is not a finite number");
    } else {
      if (w.size() != 4) fail(where(), "expected 'id vx vy vz'");
      for (size_t k = 1; k < 4; ++k)
        if (!parse_real(w[k], v[k - 1])) fail(where(), "'", w[k], "' is not a finite number");
    }
    if (id - 1 < block.first || id - 1 >= block.second) continue;
    const size_t k = static_cast<size_t>(id - 1 - block.first);
    const int bit = section == "Atoms" ? 1 : 2;
    if ((seen[k] & bit) && duplicate_line == 0) duplicate_line = lineno, duplicate_id = id;
    seen[k] |= bit;
    c.atoms.id[k] = id - 1;
    if (section == "Atoms") {
      for (int d = 0; d < 3; ++d) c.atoms.x[3 * k + d] = v[d] - lo[d] + v[3 + d] * c.box[d];
    } else {
      for (int d = 0; d < 3; ++d) c.atoms.v[3 * k + d] = v[d];
      c.has_velocities = true;
    }
  }
  end_section();
  fail_at_first_line(comm, path, duplicate_line, duplicate_id);
  if (c.n_atoms < 0) fail(path, ": no 'N atoms' header");
  for (int d = 0; d < 3; ++d)
    if (!have_box[d]) fail(path, ": no ", "xyz"[d], "lo ", "xyz"[d], "hi box bounds in the header");
  if (atom_rows < 0) fail(path, ": no Atoms section");
  c.has_velocities = velocity_rows >= 0;
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
  for (const char* name : {"/particles/all/position/value", "/particles/all/box/edges"})
    if (!file.exists(name)) fail(path, ": no ", name, " (not an H5MD file of simulate lj?)");
  const io::Dims dims = file.dims("/particles/all/position/value");
  if (dims.size() != 3 || dims[2] != 3 || dims[1] < 1)
    fail(path, ": /particles/all/position/value is not (frames, N >= 1, 3)");
  if (dims[1] >= static_cast<hsize_t>(kMaxAtoms)) fail(path, ": ", dims[1], " atoms exceed 2^53");
  const long frames = static_cast<long>(dims[0]);
  const long f = frame < 0 ? frames + frame : frame;
  if (f < 0 || f >= frames) fail(path, ": frame ", frame, " out of range (", frames, " frames)");
  if (file.dims("/particles/all/box/edges") != io::Dims{3}) fail(path, ": /particles/all/box/edges must hold 3 values");
  LoadedConfiguration c;
  const std::vector<double> edges = file.read_all<double>("/particles/all/box/edges");
  for (int d = 0; d < 3; ++d) {
    if (!(edges[d] > 0) || !std::isfinite(edges[d])) fail(path, ": box edge ", d, " = ", edges[d], " is not positive");
    c.box[d] = edges[d];
  }
  c.n_atoms = static_cast<int64_t>(dims[1]);
  const auto [available, local_ranks] = node_memory(comm);
  const double need = kBytesPerAtom * std::ceil(static_cast<double>(c.n_atoms) / size) * local_ranks;
  if (need > available)
    fail(path, ": ", c.n_atoms, " atoms need about ", need / (1u << 30), " GiB on this node, ", available / (1u << 30),
         " GiB are available");
  c.has_velocities = file.exists("/particles/all/velocity/value");
  if (c.has_velocities && file.dims("/particles/all/velocity/value") != dims)
    fail(path, ": /particles/all/velocity/value does not have the shape of the positions");
  auto [first, last] = id_block(c.n_atoms, rank, size);
  const hsize_t n = static_cast<hsize_t>(last - first);
  c.atoms.x.resize(3 * n), c.atoms.v.resize(3 * n);
  const io::Dims off{static_cast<hsize_t>(f), static_cast<hsize_t>(first), 0}, loc{1, n, 3};
  file.read("/particles/all/position/value", off, loc, c.atoms.x.data());
  if (c.has_velocities) file.read("/particles/all/velocity/value", off, loc, c.atoms.v.data());
  int bad = 0;
  for (double v : c.atoms.x) bad += std::isfinite(v) ? 0 : 1;
  for (double v : c.atoms.v) bad += std::isfinite(v) ? 0 : 1;
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_SUM, comm);
  if (bad > 0) fail(path, ": frame ", f, " holds ", bad, " non-finite positions or velocities");
  for (int64_t i = first; i < last; ++i) c.atoms.id.push_back(i);
  return c;
}

}  // namespace macrodyn::lj
