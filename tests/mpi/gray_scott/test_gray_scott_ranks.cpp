// The Gray-Scott simulate stage gives the same samples (parameters, attempts, patterns) on 1, 2 and 4
// ranks: compared with a run of the same deck on MPI_COMM_SELF.
#include <catch2/catch.hpp>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "test_support.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages

using namespace macrodyn;

TEST_CASE("gray_scott samples do not depend on the rank count", "[gray_scott][mpi]") {
  StageRegistry registry;
  register_gray_scott_stages(registry);
  const char* text = "kind = 'simulate'\nsystem = 'gray_scott'\nn = 32\nsteps = 1500\nsamples = 5\nseed = 3\n"
                     "Db = [0.02, 0.08]\n";
  const auto scratch = test::run_on_world_and_self(registry, text, "gs");
  const std::string& dir = scratch.path();
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/gray_scott.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/gray_scott.h5", MPI_COMM_SELF);
    CHECK(a.read_all<double>("/patterns") == b.read_all<double>("/patterns"));
    CHECK(a.read_all<double>("/parameters") == b.read_all<double>("/parameters"));
    CHECK(a.read_all<int64_t>("/attempts") == b.read_all<int64_t>("/attempts"));
    CHECK(a.attr_int("/", "blank_rejected") == b.attr_int("/", "blank_rejected"));
    CHECK(a.attr_int("/", "blank_rejected") > 0);  // rejection happened and was consistent
  }
}
