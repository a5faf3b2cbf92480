// The stages of src/io/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "io/hdf5_io_bench.hpp"

namespace macrodyn {

void register_io_stages(StageRegistry& registry) {
  registry.add("bench", "hdf5_io", make_hdf5_io_bench,
               "collective HDF5 write/read bandwidth of an n x n array (--n side --file name)");
}

}  // namespace macrodyn
