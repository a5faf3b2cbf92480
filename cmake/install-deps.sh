#!/usr/bin/env bash
# Installs macrodyn's Debian 12 dependencies (the list is cmake/debian-packages.txt).
# Run as root (or through sudo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=$(grep -v '^#' "$here/debian-packages.txt" | tr '\n' ' ')
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $packages
# Kokkos Kernels and PETSc call the system BLAS/LAPACK: make it OpenBLAS, not the reference BLAS.
for lib in libblas.so.3 liblapack.so.3; do
  alt=$(update-alternatives --list "$lib-x86_64-linux-gnu" 2>/dev/null | grep openblas | head -1 || true)
  if [[ -n $alt ]]; then update-alternatives --set "$lib-x86_64-linux-gnu" "$alt" >/dev/null; fi
done
