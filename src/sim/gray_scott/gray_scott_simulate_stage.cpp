// `simulate` stage for system = "gray_scott": K non-blank (pattern, parameter) pairs ([Relational macrostates] A.3.3).
//
// Keys [defaults]: n = 64, steps = 5000, dt = 0.1, samples = 64 (K), seed = 1,
//   Da = [0.16, 0.16], Db = [0.02, 0.04], F = [0.01, 0.08], k = [0.04, 0.07] (uniform ranges),
//   Decision: from the paper's U(0,1) initial state, diffusion first flattens the field, so only
//   Turing-unstable regimes (Da/Db >~ 4) form patterns; with Db = 0.08 (Pearson's Da/Db = 2) every
//   (F, k) in the ranges decays to the blank state a = 1, b = 0 within 4000 steps (scan 2026-11-23).
//   blank_threshold = 1e-3 (a pattern is blank when the spatial std of a and of b are both below it),
//   max_attempts = 20 * samples, output = "gray_scott.h5".
// Attempts are numbered 0, 1, 2...; attempt q draws its parameters and initial state from CounterRng
// keyed by q. The accepted samples are the first K non-blank attempts in attempt order, so the dataset
// is the same for any rank count. Attempts are dealt round-robin to the ranks in rounds; rank 0
// gathers the accepted patterns and writes
//   /patterns (K, 2, n, n) = (a, b)   [learning channels (a, b, (a+b)/2) are derived from it]
//   /parameters (K, 4) = (Da, Db, F, k),  /attempts (K),  attributes (n, steps, dt, blank counts)
// plus an XDMF companion (one frame per sample).
#include <algorithm>
#include <cstdio>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "io/xdmf.hpp"
#include "sim/gray_scott/gray_scott_model.hpp"
#include "sim/gray_scott/gray_scott_simulate_stage.hpp"

namespace macrodyn::gray_scott {
namespace {

struct Config {
  long n = 64, steps = 5000, samples = 64, max_attempts = 0;
  double dt = 0.1, blank = 1e-3;
  uint64_t seed = 1;
  double lo[4] = {0.16, 0.02, 0.01, 0.04}, hi[4] = {0.16, 0.04, 0.08, 0.07};
  std::string output = "gray_scott.h5";
};

Params sample_params(const Config& c, uint64_t attempt) {
  const CounterRng rng(c.seed, kStreamParams);
  double v[4];
  for (int q = 0; q < 4; ++q) v[q] = c.lo[q] + (c.hi[q] - c.lo[q]) * rng.uniform(attempt, 0, q);
  return {v[0], v[1], v[2], v[3]};
}

class GrayScottSimulate : public Stage {
 public:
  explicit GrayScottSimulate(const ConfigTable& t) {
    c_.n = t.get_int("n", 64, Range::at_least(4));
    c_.steps = t.get_int("steps", 5000, Range::at_least(0));
    c_.dt = t.get_double("dt", 0.1, Range::positive());
    c_.samples = t.get_int("samples", 64, Range::at_least(1));
    c_.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    const char* keys[4] = {"Da", "Db", "F", "k"};
    for (int q = 0; q < 4; ++q) {
      auto r = t.get_doubles(keys[q], {c_.lo[q], c_.hi[q]}, Range::non_negative());
      if (r.size() != 2 || r[0] > r[1]) t.fail_at(keys[q], "must be [lo, hi] with lo <= hi");
      c_.lo[q] = r[0];
      c_.hi[q] = r[1];
    }
    if (c_.dt * 4.0 * std::max(c_.hi[0], c_.hi[1]) > 1.0)
      t.fail_at("dt", "explicit Euler is unstable: dt * 4 max(Da, Db) must be <= 1 (h = 1)");
    c_.blank = t.get_double("blank_threshold", 1e-3, Range::non_negative());
    c_.max_attempts = t.get_int("max_attempts", 20 * c_.samples, Range::at_least(c_.samples));
    c_.output = t.get_string("output", "gray_scott.h5");
  }

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm), rank = comm_rank(ctx.comm);
    const long n = c_.n, cells = 2 * n * n;
    std::vector<int64_t> mine_attempts;
    std::vector<double> mine_patterns;
    long accepted = 0, base = 0, blanks = 0;
    while (accepted < c_.samples) {
      if (base >= c_.max_attempts)
        fail("gray_scott: only ", accepted, " non-blank patterns in ", base,
             " attempts (raise max_attempts or change the parameter ranges)");
      const long round = std::min<long>(c_.max_attempts - base, P * ((c_.samples - accepted + P - 1) / P));
      std::vector<int> pass(round, 0);
      for (long q = rank; q < round; q += P) {
        const uint64_t attempt = static_cast<uint64_t>(base + q);
        auto pattern = run_sample(sample_params(c_, attempt), n, c_.steps, c_.dt, c_.seed, attempt);
        const bool ok = std::max(channel_std(pattern, n, 0), channel_std(pattern, n, 1)) >= c_.blank;
        pass[q] = ok ? 1 : 0;
        if (ok) {
          mine_attempts.push_back(static_cast<int64_t>(attempt));
          mine_patterns.insert(mine_patterns.end(), pattern.begin(), pattern.end());
        }
      }
      MPI_Allreduce(MPI_IN_PLACE, pass.data(), static_cast<int>(round), MPI_INT, MPI_MAX, ctx.comm);
      for (long q = 0; q < round; ++q) (pass[q] ? accepted : blanks) += 1;
      base += round;
      log::info("gray_scott: ", base, " attempts, ", accepted, " non-blank");
    }
    // The first K non-blank attempts (in attempt order) are the samples.
    int count = static_cast<int>(mine_attempts.size());
    std::vector<int> counts(P), displs(P);
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, ctx.comm);
    int total = 0;
    for (int r = 0; r < P; ++r) displs[r] = (total += counts[r]) - counts[r];
    std::vector<int64_t> all_attempts(total);
    MPI_Allgatherv(mine_attempts.data(), count, MPI_INT64_T, all_attempts.data(), counts.data(), displs.data(),
                   MPI_INT64_T, ctx.comm);
    std::vector<double> all_patterns(rank == 0 ? static_cast<size_t>(total) * cells : 0);
    std::vector<int> pcounts(P), pdispls(P);
    for (int r = 0; r < P; ++r) {
      pcounts[r] = counts[r] * static_cast<int>(cells);
      pdispls[r] = displs[r] * static_cast<int>(cells);
    }
    MPI_Gatherv(mine_patterns.data(), count * static_cast<int>(cells), MPI_DOUBLE, all_patterns.data(),
                pcounts.data(), pdispls.data(), MPI_DOUBLE, 0, ctx.comm);
    std::vector<int> order(total);
    for (int q = 0; q < total; ++q) order[q] = q;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return all_attempts[a] < all_attempts[b]; });
    const long K = c_.samples;
    std::vector<double> patterns(rank == 0 ? K * cells : 0), params(K * 4);
    std::vector<int64_t> attempts(K);
    for (long s = 0; s < K; ++s) {
      attempts[s] = all_attempts[order[s]];
      const Params p = sample_params(c_, static_cast<uint64_t>(attempts[s]));
      const double v[4] = {p.Da, p.Db, p.F, p.k};
      std::copy(v, v + 4, params.begin() + 4 * s);
      if (rank == 0)
        std::copy(all_patterns.begin() + order[s] * cells, all_patterns.begin() + (order[s] + 1) * cells,
                  patterns.begin() + s * cells);
    }
    // Attempts after the K-th accepted one (overshoot of the last round) are not part of the result.
    const long used = static_cast<long>(attempts[K - 1]) + 1;
    blanks = used - K;
    const std::string path = ctx.path(c_.output);
    auto file = io::H5File::create(path, ctx.comm);
    io::write_provenance(file, ctx);
    const hsize_t Kh = K, nh = n;
    file.write_replicated("/patterns", {Kh, 2, nh, nh}, patterns.data());
    file.write_replicated("/parameters", {Kh, 4}, params.data());
    file.write_replicated("/attempts", {Kh}, attempts.data());
    file.set_attr("/", "system", std::string("gray_scott"));
    file.set_attr("/", "n", static_cast<int64_t>(n));
    file.set_attr("/", "steps", static_cast<int64_t>(c_.steps));
    file.set_attr("/", "dt", c_.dt);
    file.set_attr("/", "seed", static_cast<int64_t>(c_.seed));
    file.set_attr("/", "blank_threshold", c_.blank);
    file.set_attr("/", "attempts_total", static_cast<int64_t>(used));
    file.set_attr("/", "blank_rejected", static_cast<int64_t>(blanks));
    file.set_attr("/parameters", "names", std::string("Da Db F k"));
    file.set_attr("/patterns", "channels", std::string("a b"));
    file.commit();
    if (rank == 0) {
      io::XdmfCollection col{"samples", {}};
      for (hsize_t s = 0; s < Kh; ++s) col.frames.push_back({static_cast<double>(s), {s}});
      const size_t dot = path.rfind('.');
      io::write_xdmf_2d(path.substr(0, dot) + ".xdmf", io::path_basename(path), {n, n, 0.0, 0.0, 1.0, 1.0},
                        {{"a", "/patterns", {Kh, 2, nh, nh}, {0}}, {"b", "/patterns", {Kh, 2, nh, nh}, {1}}}, {col});
    }
    log::info("gray_scott: wrote ", K, " patterns (", blanks, " blank attempts rejected) to ", path);
  }

 private:
  Config c_;
};

}  // namespace

std::unique_ptr<Stage> make_gray_scott_simulate_stage(const ConfigTable& table) {
  return std::make_unique<GrayScottSimulate>(table);
}

}  // namespace macrodyn::gray_scott
