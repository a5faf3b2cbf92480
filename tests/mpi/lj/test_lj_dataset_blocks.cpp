// The LJ dataset writer buffers frames and writes them in blocks: more frames than a block (a full
// block written from append, the rest by finish), every frame lands at its index with every rank's
// id block in place, on any rank count.
#include <catch2/catch.hpp>

#include "core/runtime.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/h5file.hpp"
#include "sim/lj/lj_dataset.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace {
double position_value(long frame, long atom, int d) { return 1000.0 * frame + 3.0 * atom + d; }
}  // namespace

TEST_CASE("LJ dataset frames written in blocks land in order", "[lj][io]") {
  const long frames = lj::DatasetWriter::kBlockFrames + 37;
  const int64_t N = 11, m = 2;
  RunContext ctx;
  ctx.comm = MPI_COMM_WORLD;
  ctx.run_dir = "";
  const test::ScratchDir dir("lj_blocks", ctx.comm);
  const std::string path = dir.path() + "/lj.h5";
  const auto [first, last] = particle_id_block(N, comm_rank(ctx.comm), comm_size(ctx.comm));
  {
    lj::DatasetWriter w(path, ctx, {N, 5.0, m, false}, {1.0});
    for (long k = 0; k < frames; ++k) {
      lj::Frame fr;
      for (int64_t i = first; i < last; ++i)
        for (int d = 0; d < 3; ++d) {
          fr.x.push_back(position_value(k, i, d));
          fr.v.push_back(-position_value(k, i, d));
        }
      fr.step = 10 * k;
      fr.time = 0.5 * k;
      fr.observables[0] = 2.0 * k;
      fr.pf_index = {k % N, (k + 1) % N};
      fr.pf_value = {1.0 * k, 0, 0, 0, 0, -1.0 * k};
      w.append(fr);
      CHECK(w.frames() == k + 1);
    }
    w.finish(true, frames);
  }
  if (comm_rank(ctx.comm) == 0) {
    const auto f = io::H5File::open_read(path, MPI_COMM_SELF);
    REQUIRE(f.dims("/particles/all/position/value") == io::Dims{static_cast<hsize_t>(frames), 11, 3});
    const auto x = f.read_all<double>("/particles/all/position/value");
    const auto v = f.read_all<double>("/particles/all/velocity/value");
    const auto step = f.read_all<int64_t>("/particles/all/step");
    const auto time = f.read_all<double>("/particles/all/time");
    const auto pf = f.read_all<int64_t>("/partial_forces/index");
    const auto pfv = f.read_all<double>("/partial_forces/value");
    for (long k = 0; k < frames; ++k) {
      for (long i = 0; i < N; ++i)
        for (int d = 0; d < 3; ++d) {
          REQUIRE(x[(k * N + i) * 3 + d] == position_value(k, i, d));
          REQUIRE(v[(k * N + i) * 3 + d] == -position_value(k, i, d));
        }
      REQUIRE(step[k] == 10 * k);
      REQUIRE(time[k] == 0.5 * k);
      REQUIRE(pf[2 * k + 1] == (k + 1) % N);
      REQUIRE(pfv[6 * k + 5] == -1.0 * k);
    }
    CHECK(f.read_all<double>("/observables/temperature/value")[frames - 1] == 2.0 * (frames - 1));
  }
}
