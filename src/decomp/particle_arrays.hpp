#pragma once
// Per-particle storage shared by the particle simulators (LJ, Vicsek) and ParticleExchange<D, Exec>.
//
// One set of arrays holds the owned particles followed by the ghosts:
//   index i in [0, n_local)                  owned particles (this rank integrates them)
//   index i in [n_local, n_local + n_ghost)  ghost copies of particles owned by a neighbour (or
//                                            periodic images of our own), refreshed by
//                                            ParticleExchange::update_ghosts / forward
// Arrays (all of length capacity() >= n_local + n_ghost):
//   x(i, d)     position, d < D (ghosts: shifted by +-L across a periodic edge)
//   id(i)       global particle id (0 .. N-1); ghosts carry their owner's id
//   cell(i, d)  global cell coordinate along d at the last migrate/build_ghosts (ghosts: shifted by
//               +-n_cells across a periodic edge, so a ghost's cell is -1 or n_cells there)
//   aux(i, k)   k < n_aux extra per-particle doubles that move with the particle on migration
//               (storage of the named fields below). The first n_ghost_aux columns are also
//               copied to ghosts (e.g. Vicsek's heading, which the neighbours need); the rest are
//               owned-only.
// Named fields: a simulator declares its per-particle fields once as ParticleField{first, width}
// constants (e.g. LJ's velocity, image counts, start and build positions) and its kernels use the
// named views field(velocity)(i, d) or column(heading)(i), never raw column numbers. The exchange
// moves the aux storage as one record, so a new field costs no communication code.
// Arrays that do NOT need to move with the particle (forces recomputed every step) live outside,
// sized with capacity().
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace macrodyn {

// A per-particle field stored in the aux columns [first, first + width); width 0: no field.
struct ParticleField {
  int first = 0;
  int width = 0;
  constexpr int end() const { return first + width; }
};

template <int D, class MemSpace>
struct ParticleArrays {
  using Positions = Kokkos::View<double* [D], Kokkos::LayoutRight, MemSpace>;
  using Ids = Kokkos::View<int64_t*, MemSpace>;
  using Cells = Kokkos::View<int* [D], Kokkos::LayoutRight, MemSpace>;
  using Aux = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>;

  Positions x;
  Ids id;
  Cells cell;
  Aux aux;
  int n_local = 0;
  int n_ghost = 0;
  int n_aux = 0;
  int n_ghost_aux = 0;

  ParticleArrays() = default;
  ParticleArrays(int aux_columns, int ghost_aux_columns, size_t capacity = 0)
      : x("particle_x", capacity),
        id("particle_id", capacity),
        cell("particle_cell", capacity),
        aux("particle_aux", capacity, aux_columns),
        n_aux(aux_columns),
        n_ghost_aux(ghost_aux_columns) {}

  using FieldView = Kokkos::View<double**, Kokkos::LayoutStride, MemSpace>;
  using ColumnView = Kokkos::View<double*, Kokkos::LayoutStride, MemSpace>;

  // Named views of a field (valid until the arrays are reallocated or swapped: fetch them again
  // after reserve / migrate / permute_owned).
  FieldView field(ParticleField f) const { return Kokkos::subview(aux, Kokkos::ALL, Kokkos::make_pair(f.first, f.end())); }
  ColumnView column(ParticleField f) const { return Kokkos::subview(aux, Kokkos::ALL, f.first); }

  size_t capacity() const { return x.extent(0); }
  int n_total() const { return n_local + n_ghost; }

  // Grows every array to at least n entries (keeps the contents; 25% headroom against repeated
  // reallocations while particles trickle in).
  void reserve(size_t n) {
    if (n <= capacity()) return;
    resize_exact(n + n / 4 + 16);
  }
  // Capacity exactly c (>= current contents; keeps them).
  void resize_exact(size_t c) {
    Kokkos::resize(x, c);
    Kokkos::resize(id, c);
    Kokkos::resize(cell, c);
    Kokkos::resize(aux, c, static_cast<size_t>(n_aux));
  }
};

}  // namespace macrodyn
