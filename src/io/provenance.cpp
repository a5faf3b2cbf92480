#include "io/provenance.hpp"

#include <ctime>

#include "macrodyn_version.hpp"

namespace macrodyn::io {

std::string code_version() { return std::string(MACRODYN_VERSION) + " (git " + MACRODYN_GIT_COMMIT + ")"; }

void write_provenance(H5File& file, const RunContext& ctx) {
  int nranks = 1;
  MPI_Comm_size(ctx.comm, &nranks);
  // Every rank must pass identical attribute values: take rank 0's clock.
  long long now = static_cast<long long>(std::time(nullptr));
  MPI_Bcast(&now, 1, MPI_LONG_LONG, 0, ctx.comm);
  file.set_attr("/", "macrodyn_version", code_version());
  file.set_attr("/", "deck", ctx.deck_text);
  file.set_attr("/", "deck_source", ctx.deck_source);
  file.set_attr("/", "nranks", static_cast<int64_t>(nranks));
  file.set_attr("/", "created_unix_time", static_cast<int64_t>(now));
}

}  // namespace macrodyn::io
