#include "learn/closure/pooled_autoencoder_phase.hpp"

#include <numeric>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "learn/closure/pooled_training.hpp"

namespace macrodyn::closure {

void run_pooled_autoencoder_phase(RunContext& ctx, const ClosureData& data, const AutoencoderSpec& spec,
                                  const AutoencoderTrainingOptions& options, size_t chunk_atoms, const std::string& out) {
  if (data.system != "lj") fail(data.path, ": encoder = \"pooled\" takes Lennard-Jones data, not ", data.system);
  PooledAutoencoderSpec ps;
  ps.atoms = data.state_dim / 6;
  ps.latent_dim = spec.latent_dim;
  ps.hidden = spec.hidden;
  ps.activation = spec.activation;
  ps.seed = spec.seed;
  ps.chunk_atoms = chunk_atoms;
  ps.representation = spec.representation;
  PooledAutoencoder ae(ps, ctx.comm);
  log::info("closure autoencoder (pooled): ", data.configs, " configurations of ", ps.atoms, " atoms, d = ",
            ps.latent_dim, ", per-atom network 6-", ps.hidden.empty() ? 0 : ps.hidden[0], "...-", ps.latent_dim - 1,
            ", ", ae.parameter_bytes(), " bytes of parameters");
  const auto r = train_pooled_autoencoder(ctx.comm, ae, data, options, ctx.timers);
  latent_normalization_of(encode_all_pooled(ae, data), ae.latent_dim(), data, ae.normalization());
  const auto kappa = pooled_condition_numbers(ae, data, 1024);
  const double kmean = write_autoencoder_file(
      out, ctx, [&](io::H5File& f, const std::string& g) { ae.save(f, g); }, r, kappa, "pooled", data,
      options.lambda_cond);
  log::info("closure autoencoder (pooled): ", r.seconds, " s, final mse ",
            r.reconstruction.empty() ? 0.0 : r.reconstruction.back(), ", mean kappa(J J^T) ", kmean, " -> ", out);
}

}  // namespace macrodyn::closure
