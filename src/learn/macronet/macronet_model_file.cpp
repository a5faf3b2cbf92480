// The trained MacroNet file. See the header.
#include "learn/macronet/macronet_model_file.hpp"

#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "nn/model_io.hpp"

namespace macrodyn::macronet {

template <class T>
void save_macronet(const std::string& path, const RunContext& ctx, MacroNet<T>& net, const ModelFileInfo& info) {
  auto f = io::H5File::create(path, ctx.comm);
  io::write_provenance(f, ctx);
  f.set_attr("/", "method", std::string("macronet"));
  f.set_attr("/", "shared_weights", int64_t(info.shared ? 1 : 0));
  f.set_attr("/", "gamma", info.gamma);
  f.set_attr("/", "final_loss", info.final_loss);
  f.set_attr("/", "precision", info.precision);
  f.set_attr("/", "steps", int64_t(info.steps));
  info.u.write_attrs(f, "/", "phi_u_");
  info.v.write_attrs(f, "/", "phi_v_");
  nn::save_model(f, "/model", net);
  f.commit();
}

ModelFileInfo read_macronet_info(const std::string& path, MPI_Comm comm) {
  auto f = io::H5File::open_read(path, comm);
  if (!f.has_attr("/", "method") || f.attr_string("/", "method") != "macronet")
    fail(path, ": not a MacroNet model file (no attribute method = \"macronet\")");
  ModelFileInfo info;
  info.shared = f.attr_int("/", "shared_weights") != 0;
  info.gamma = f.attr_double("/", "gamma");
  info.final_loss = f.attr_double("/", "final_loss");
  info.precision = f.attr_string("/", "precision");
  info.steps = f.attr_int("/", "steps");
  info.u = FlowSpec::read_attrs(f, "/", "phi_u_");
  info.v = FlowSpec::read_attrs(f, "/", "phi_v_");
  return info;
}

template <class T>
std::unique_ptr<MacroNet<T>> load_macronet(const std::string& path, MPI_Comm comm, ModelFileInfo* out) {
  const ModelFileInfo info = read_macronet_info(path, comm);
  auto net = std::make_unique<MacroNet<T>>(info.u, info.v, info.shared);
  auto f = io::H5File::open_read(path, comm);
  nn::load_model(f, "/model", *net);
  if (out) *out = info;
  return net;
}

template void save_macronet<double>(const std::string&, const RunContext&, MacroNet<double>&, const ModelFileInfo&);
template void save_macronet<float>(const std::string&, const RunContext&, MacroNet<float>&, const ModelFileInfo&);
template std::unique_ptr<MacroNet<double>> load_macronet<double>(const std::string&, MPI_Comm, ModelFileInfo*);
template std::unique_ptr<MacroNet<float>> load_macronet<float>(const std::string&, MPI_Comm, ModelFileInfo*);

}  // namespace macrodyn::macronet
