#!/usr/bin/env bash
# Builds Kokkos 4 (OpenMP + Serial backends) and Kokkos Kernels 4 (BLAS component only, no explicit
# instantiations: macrodyn calls gemm, which Kokkos Kernels then forwards to the system BLAS) into PREFIX.
# This is the threaded test configuration; users build macrodyn against their own site Kokkos instead.
#
#   cmake/build-kokkos4.sh PREFIX [KOKKOS_TARBALL KERNELS_TARBALL]
#
# The tarballs are upstream release archives (defaults: the ones next to this checkout in
# ../shared/third_party, or $KOKKOS4_SOURCES/). The build is skipped when PREFIX already holds the same
# two archives (their sha256 is recorded in PREFIX/macrodyn-kokkos4.stamp), so repeated CI runs are fast.
# Then configure macrodyn with -DKokkos_ROOT=PREFIX.
set -euo pipefail
prefix=${1:?usage: build-kokkos4.sh PREFIX [KOKKOS_TARBALL KERNELS_TARBALL]}
here=$(cd "$(dirname "$0")" && pwd)
sources=${KOKKOS4_SOURCES:-$here/../../shared/third_party}
kokkos_tar=${2:-$sources/kokkos-4.6.01.tar.gz}
kernels_tar=${3:-$sources/kokkos-kernels-4.6.02.tar.gz}
jobs=${JOBS:-$(nproc)}

for f in "$kokkos_tar" "$kernels_tar"; do
  [[ -f $f ]] || { echo "build-kokkos4.sh: source archive not found: $f" >&2; exit 2; }
done
stamp="$(sha256sum "$kokkos_tar" "$kernels_tar" | awk '{print $1}' | tr '\n' ' ')"
if [[ -f $prefix/macrodyn-kokkos4.stamp && "$(cat "$prefix/macrodyn-kokkos4.stamp")" == "$stamp" ]]; then
  echo "build-kokkos4.sh: $prefix already holds these Kokkos sources; nothing to do"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$kokkos_tar" -C "$work"
tar -xzf "$kernels_tar" -C "$work"
kokkos_src=$(find "$work" -maxdepth 1 -type d -name 'kokkos-[0-9]*' | head -1)
kernels_src=$(find "$work" -maxdepth 1 -type d -name 'kokkos-kernels-*' | head -1)

rm -rf "$prefix"
cmake -S "$kokkos_src" -B "$work/build-kokkos" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_STANDARD=17 \
  -DKokkos_ENABLE_OPENMP=ON -DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_TESTS=OFF -DKokkos_ENABLE_EXAMPLES=OFF
cmake --build "$work/build-kokkos" -j "$jobs"
cmake --install "$work/build-kokkos"

# Only the BLAS component, gemm forwarded to the system BLAS (OpenBLAS), and no pre-instantiated
# kernels (the full instantiation set takes ~25 minutes on 2 cores; macrodyn needs none of it).
cmake -S "$kernels_src" -B "$work/build-kernels" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DKokkos_ROOT="$prefix" -DCMAKE_CXX_STANDARD=17 \
  -DKokkosKernels_ENABLE_ALL_COMPONENTS=OFF -DKokkosKernels_ENABLE_COMPONENT_BLAS=ON \
  -DKokkosKernels_ENABLE_TPL_BLAS=ON -DKokkosKernels_ADD_DEFAULT_ETI=OFF \
  -DKokkosKernels_ENABLE_TESTS=OFF -DKokkosKernels_ENABLE_EXAMPLES=OFF -DKokkosKernels_ENABLE_PERFTESTS=OFF
cmake --build "$work/build-kernels" -j "$jobs"
cmake --install "$work/build-kernels"

echo "$stamp" > "$prefix/macrodyn-kokkos4.stamp"
echo "build-kokkos4.sh: Kokkos 4 (OpenMP + Serial) and Kokkos Kernels installed in $prefix"
