#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"

#include "learn/selfsimilar/ca_pipeline.hpp"
#include "learn/selfsimilar/diffusion_pipeline.hpp"
#include "learn/selfsimilar/vicsek_pipeline.hpp"

namespace macrodyn::selfsimilar {
namespace {

class SelfSimilarEvaluateStage : public Stage {
 public:
  explicit SelfSimilarEvaluateStage(const ConfigTable& t)
      : system_(t.get_string("system", "cellular_automata", {"cellular_automata", "diffusion", "vicsek"})) {
    if (system_ == "vicsek")
      vicsek_ = parse_vicsek_evaluate(t);
    else if (system_ == "diffusion")
      diffusion_ = parse_diffusion_evaluate(t);
    else
      ca_ = parse_ca_evaluate(t);
  }
  void run(RunContext& ctx) override {
    if (system_ == "vicsek")
      evaluate_vicsek(vicsek_, ctx);
    else if (system_ == "diffusion")
      evaluate_diffusion(diffusion_, ctx);
    else
      evaluate_ca(ca_, ctx);
  }

 private:
  std::string system_;
  CaEvaluateConfig ca_;
  DiffusionEvaluateConfig diffusion_;
  VicsekEvaluateConfig vicsek_;
};

}  // namespace

std::unique_ptr<Stage> make_selfsimilar_evaluate_stage(const ConfigTable& table) {
  return std::make_unique<SelfSimilarEvaluateStage>(table);
}

}  // namespace macrodyn::selfsimilar
