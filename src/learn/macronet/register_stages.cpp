// Stages of the MacroNet method (src/learn/macronet).
#include "core/stage.hpp"
#include "learn/macronet/macronet_bench_stage.hpp"
#include "learn/macronet/macronet_design_stage.hpp"
#include "learn/macronet/macronet_evaluate_stage.hpp"
#include "learn/macronet/macronet_train_stage.hpp"

namespace macrodyn {

void register_macronet_stages(StageRegistry& registry) {
  registry.add("train", "macronet", macronet::make_macronet_train_stage,
               "MacroNet: invertible phi_u, phi_v to one macrostate, loss |phi_u(u)-phi_v(v)|^2 + gamma NLL");
  registry.add("evaluate", "macronet", macronet::make_macronet_evaluate_stage,
               "MacroNet: held-out macrostates, Spearman vs an invariant, R^2 alpha vs beta, conditional samples");
  registry.add("design", "macronet", macronet::make_macronet_design_stage,
               "MacroNet: sample parameters from an example's macrostate, simulate, compare macrostates");
  registry.add("bench", "macronet", macronet::make_macronet_bench_stage,
               "training step of the MacroNet oscillator stack and Gray-Scott pair (--precision --steps --blocks --hidden --batch --systems --gs_batch)");
}

}  // namespace macrodyn
