// The quick Vicsek deck (inputs/selfsimilar/vicsek_quick.toml) end to end: simulate -> train ->
// evaluate. The learnt dynamics must predict the next lattice frame at least twice as well as "no
// change", less well in the noisier run (Fig. 6b: the micro prediction error rises with eta); the
// coarse-graining pipeline (the authors' P and P' with one hidden layer, coarse_hidden = 16) must
// reconstruct the next block better than the data's mean does; on the leading min(T) = 2 frames the
// (2, 2) pair's error is its whole error.
#include <catch2/catch.hpp>
#include <string>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

TEST_CASE("Quick Vicsek deck: micro prediction beats persistence and rises with eta", "[selfsimilar][slow]") {
  const test::ScratchDir dir("selfsimilar_vicsek_quick");
  auto deck = Deck::from_file(std::string(MACRODYN_SOURCE_DIR) + "/inputs/selfsimilar/vicsek_quick.toml");
  RunContext ctx;
  ctx.comm = MPI_COMM_WORLD;
  ctx.run_dir = dir.path();
  ctx.progress_interval_s = 1e9;
  for (const auto& table : deck.root().tables("stage")) {
    const std::string kind = table.get_string("kind", "");
    if (kind == "simulate") {
      table.get_string("system", "");
      vicsek::make_vicsek_simulate_stage(table)->run(ctx);
    } else {
      table.get_string("method", "");
      (kind == "train" ? selfsimilar::make_selfsimilar_train_stage(table)
                       : selfsimilar::make_selfsimilar_evaluate_stage(table))
          ->run(ctx);
    }
  }
  const auto f = io::H5File::open_read(ctx.path("results.h5"), MPI_COMM_WORLD);
  const auto eta = f.read_all<double>("/eta"), phi = f.read_all<double>("/phi_mean");
  const auto micro = f.read_all<double>("/micro_mse"), persistence = f.read_all<double>("/persistence_mse");
  const auto variance = f.read_all<double>("/variance"), recon = f.read_all<double>("/reconstruction");
  REQUIRE(eta == std::vector<double>{1.0, 2.0});
  REQUIRE(recon.size() == 4u);  // 2 runs x (T, S) = (4, 2), (2, 2)
  CHECK(phi[0] > phi[1]);
  for (size_t r = 0; r < 2; ++r) {
    CHECK(micro[r] < 0.5 * persistence[r]);
    for (size_t g = 0; g < 2; ++g) CHECK(recon[2 * r + g] < variance[r]);
  }
  CHECK(micro[1] > micro[0]);
  const auto leading = f.read_all<double>("/reconstruction_leading");
  CHECK(f.attr_int("/", "leading_frames") == 2);
  CHECK(io::H5File::open_read(ctx.path("models.h5"), MPI_COMM_WORLD).attr_int("/", "coarse_hidden") == 16);
  for (size_t r = 0; r < 2; ++r) {
    CHECK(leading[2 * r + 1] == Approx(recon[2 * r + 1]).epsilon(1e-12));  // (2, 2): both frames
    CHECK(leading[2 * r] != recon[2 * r]);                                  // (4, 2): 2 of its 4 frames
  }
}
