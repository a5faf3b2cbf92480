// The stages of src/decomp/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "decomp/halo_exchange_bench.hpp"

namespace macrodyn {

void register_decomp_stages(StageRegistry& registry) {
  registry.add("bench", "halo_exchange", make_halo_exchange_bench,
               "2-D ghost exchange rate (--n side --ghost g --ncomp c --repeats r)");
}

}  // namespace macrodyn
