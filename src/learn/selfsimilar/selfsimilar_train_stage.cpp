#include "learn/selfsimilar/selfsimilar_train_stage.hpp"

#include "learn/selfsimilar/ca_pipeline.hpp"
#include "learn/selfsimilar/diffusion_pipeline.hpp"
#include "learn/selfsimilar/vicsek_pipeline.hpp"

namespace macrodyn::selfsimilar {
namespace {

class SelfSimilarTrainStage : public Stage {
 public:
  explicit SelfSimilarTrainStage(const ConfigTable& t)
      : system_(t.get_string("system", "cellular_automata", {"cellular_automata", "diffusion", "vicsek"})) {
    if (system_ == "vicsek")
      vicsek_ = parse_vicsek_train(t);
    else if (system_ == "diffusion")
      diffusion_ = parse_diffusion_train(t);
    else
      ca_ = parse_ca_train(t);
  }
  void run(RunContext& ctx) override {
    if (system_ == "vicsek")
      train_vicsek(vicsek_, ctx);
    else if (system_ == "diffusion")
      train_diffusion(diffusion_, ctx);
    else
      train_ca(ca_, ctx);
  }

 private:
  std::string system_;
  CaTrainConfig ca_;
  DiffusionTrainConfig diffusion_;
  VicsekTrainConfig vicsek_;
};

}  // namespace

std::unique_ptr<Stage> make_selfsimilar_train_stage(const ConfigTable& table) {
  return std::make_unique<SelfSimilarTrainStage>(table);
}

}  // namespace macrodyn::selfsimilar
