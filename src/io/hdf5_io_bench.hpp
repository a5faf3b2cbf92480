#pragma once
// bench hdf5_io: collective HDF5 write/read bandwidth.
#include "core/stage.hpp"

namespace macrodyn {

std::unique_ptr<Stage> make_hdf5_io_bench(const ConfigTable& table);

}  // namespace macrodyn
