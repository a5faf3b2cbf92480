# Finds every third-party dependency and exposes them as a few INTERFACE targets.
# The Debian package list that provides them is cmake/debian-packages.txt.

find_package(MPI REQUIRED COMPONENTS C CXX)

# --- Kokkos / Kokkos Kernels (Debian Trilinos 13.2: Kokkos 3.4.01, Serial) -----------------
# Debian's Kokkos::kokkos target points at a non-existent include dir and the TriBITS targets have
# none at all (Debian 12's Trilinos 13.2 packaging), so we link the TriBITS targets and add the include dir ourselves.
# A site-built Kokkos 4.x provides Kokkos::kokkos / Kokkos::kokkoskernels, which we use when present.
set(CMAKE_CXX_EXTENSIONS OFF)
find_package(Kokkos REQUIRED)
# Kokkos Kernels from the same installation as Kokkos first (a site Kokkos 4 next to Debian's Trilinos).
find_package(KokkosKernels QUIET HINTS "${Kokkos_DIR}/../KokkosKernels" "${Kokkos_DIR}/../../../cmake/KokkosKernels")
message(STATUS "Kokkos ${Kokkos_VERSION} from ${Kokkos_DIR}; Kokkos Kernels from ${KokkosKernels_DIR}")
add_library(macrodyn_kokkos INTERFACE)
if(TARGET trilinos_kokkoscore)
  target_link_libraries(macrodyn_kokkos INTERFACE trilinos_kokkoscore trilinos_kokkoscontainers trilinos_kokkoskernels)
  target_include_directories(macrodyn_kokkos SYSTEM INTERFACE ${Kokkos_INCLUDE_DIRS})
else()
  target_link_libraries(macrodyn_kokkos INTERFACE Kokkos::kokkos)
  if(TARGET Kokkos::kokkoskernels)
    target_link_libraries(macrodyn_kokkos INTERFACE Kokkos::kokkoskernels)
  endif()
endif()

# --- HDF5 (must be the parallel build) ----------------------------------------------------
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "macrodyn needs a parallel (MPI) HDF5; found a serial one (${HDF5_C_LIBRARIES}). "
                      "On Debian install libhdf5-openmpi-dev.")
endif()
add_library(macrodyn_hdf5 INTERFACE)
target_include_directories(macrodyn_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_link_libraries(macrodyn_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
target_compile_definitions(macrodyn_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})

# --- PETSc (pkg-config) + LAPACK (PETSc's LAPACK macros need it linked: gotcha 6) ----------
find_package(PkgConfig REQUIRED)
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)
find_package(LAPACK REQUIRED)
add_library(macrodyn_petsc INTERFACE)
target_link_libraries(macrodyn_petsc INTERFACE PkgConfig::PETSC LAPACK::LAPACK MPI::MPI_C)

# --- TOML parser ---------------------------------------------------------------------------
find_package(tomlplusplus 3 REQUIRED)

# --- Catch2 v2 (tests only) ----------------------------------------------------------------
if(MACRODYN_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# --- BLAS: report which one the system BLAS resolves to (OpenBLAS is what we want) --------
execute_process(COMMAND readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3
                OUTPUT_VARIABLE MACRODYN_SYSTEM_BLAS OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(MACRODYN_SYSTEM_BLAS AND NOT MACRODYN_SYSTEM_BLAS MATCHES "openblas")
  message(WARNING "System BLAS is ${MACRODYN_SYSTEM_BLAS}, not OpenBLAS: GEMM will be slow. "
                  "Install libopenblas-dev (cmake/debian-packages.txt).")
endif()
