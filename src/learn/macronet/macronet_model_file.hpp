#pragma once
// The trained MacroNet file: root attributes describe the architecture (FlowSpec of each side with
// prefixes "phi_u_" / "phi_v_", shared_weights, gamma, precision) and training summary (final_loss,
// steps); parameters and buffers are under /model (nn/model_io.hpp). Written atomically.
#include <memory>
#include <string>

#include "core/stage.hpp"
#include "learn/macronet/macronet_model.hpp"

namespace macrodyn::macronet {

struct ModelFileInfo {
  bool shared = false;
  FlowSpec u, v;
  double gamma = 0;
  double final_loss = 0;
  std::string precision = "double";
  long steps = 0;
};

template <class T>
void save_macronet(const std::string& path, const RunContext& ctx, MacroNet<T>& net, const ModelFileInfo& info);

ModelFileInfo read_macronet_info(const std::string& path, MPI_Comm comm);

// Builds the network described by the file and loads its parameters and buffers.
template <class T>
std::unique_ptr<MacroNet<T>> load_macronet(const std::string& path, MPI_Comm comm, ModelFileInfo* info = nullptr);

}  // namespace macrodyn::macronet
