// bench hdf5_io: collective write + read of an n x n distributed double array (row blocks).
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "io/hdf5_io_bench.hpp"

namespace macrodyn {
namespace {

class Hdf5IoBench : public Stage {
 public:
  explicit Hdf5IoBench(const ConfigTable& t)
      : n_(t.get_int("n", 4096, Range::at_least(1))), file_(t.get_string("file", "macrodyn_bench_io.h5")) {}

  void run(RunContext& ctx) override {
    CartDecomposition<1> rows(ctx.comm, {n_}, {false});
    const hsize_t n = static_cast<hsize_t>(n_);
    const io::Dims global{n, n}, offset{static_cast<hsize_t>(rows.lo(0)), 0},
        local{static_cast<hsize_t>(rows.local_cells(0)), n};
    std::vector<double> data(io::element_count(local));
    for (size_t k = 0; k < data.size(); ++k) data[k] = static_cast<double>(offset[0] * n + k);
    const std::string path = ctx.path(file_);
    double bytes = 8.0 * n * n;

    MPI_Barrier(ctx.comm);
    auto t0 = std::chrono::steady_clock::now();
    {
      auto file = io::H5File::create(path, ctx.comm);
      io::write_provenance(file, ctx);
      file.write("/field", global, offset, local, data.data());
      file.commit();
    }
    MPI_Barrier(ctx.comm);
    auto t1 = std::chrono::steady_clock::now();
    std::vector<double> back(data.size());
    {
      auto file = io::H5File::open_read(path, ctx.comm);
      file.read("/field", offset, local, back.data());
    }
    MPI_Barrier(ctx.comm);
    auto t2 = std::chrono::steady_clock::now();
    int bad = back != data ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, ctx.comm);
    if (bad) fail(path, ": read-back differs from what was written");
    if (comm_rank(ctx.comm) == 0) std::remove(path.c_str());
    print_bench("hdf5_io", "write_bytes_per_s", bytes / std::chrono::duration<double>(t1 - t0).count(), "B/s");
    print_bench("hdf5_io", "read_bytes_per_s", bytes / std::chrono::duration<double>(t2 - t1).count(), "B/s");
  }

 private:
  long n_;
  std::string file_;
};

}  // namespace

std::unique_ptr<Stage> make_hdf5_io_bench(const ConfigTable& table) { return std::make_unique<Hdf5IoBench>(table); }

}  // namespace macrodyn
