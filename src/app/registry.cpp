#include "app/registry.hpp"

#include "decomp/register_stages.hpp"
#include "io/register_stages.hpp"
#include "nn/register_stages.hpp"
#include "sim/allen_cahn/register_stages.hpp"
#include "sim/gray_scott/register_stages.hpp"
#include "sim/predator_prey/register_stages.hpp"
#include "sim/diffusion/register_stages.hpp"
#include "sim/cellular_automata/register_stages.hpp"
#include "sim/linear_ode/register_stages.hpp"
#include "sim/lj/register_stages.hpp"
#include "sim/oscillator/register_stages.hpp"
#include "sim/vicsek/register_stages.hpp"

namespace macrodyn {

StageRegistry build_registry() {
  StageRegistry registry;
  register_decomp_stages(registry);
  register_io_stages(registry);
  register_nn_stages(registry);
  register_allen_cahn_stages(registry);
  register_gray_scott_stages(registry);
  register_predator_prey_stages(registry);
  register_diffusion_stages(registry);
  register_cellular_automata_stages(registry);
  register_linear_ode_stages(registry);
  register_lj_stages(registry);
  register_oscillator_stages(registry);
  register_vicsek_stages(registry);
  return registry;
}

}  // namespace macrodyn
