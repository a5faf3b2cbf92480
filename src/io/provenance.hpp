#pragma once
// Provenance attributes on the root of every output file: the deck text, its source, the code
// version (with git commit), the rank count and the creation time.
#include "core/stage.hpp"
#include "io/h5file.hpp"

namespace macrodyn::io {

std::string code_version();  // "0.1.0 (git abc123)"
void write_provenance(H5File& file, const RunContext& ctx);

}  // namespace macrodyn::io
