#pragma once
// Binarization with a straight-through gradient (Bengio, Leonard & Courville 2013): the last layer
// of the CA coarse-grainer, so that macrostates are cell states in {0, 1} like the micro ones.
//   forward   y = [x > 1/2]            (x in (0, 1): the coarse-grainer's sigmoid output)
//   backward  dx = dy                  (the threshold is treated as the identity)
// Without it the reconstruction loss rewards macrostates that carry more than one bit in their
// soft value, which the shared dynamics learner (trained on 0/1 cells only) then maps to values
// that are not macrostates: the learnt coarse-grainings stop being exact even for self-similar rules.
#include "nn/layer.hpp"

namespace macrodyn::selfsimilar {

template <class T>
class StraightThroughBinarize : public nn::Layer<T> {
 public:
  explicit StraightThroughBinarize(size_t features) : n_(features) {}
  std::string kind() const override { return "straight_through_binarize"; }
  size_t in_features() const override { return n_; }
  size_t out_features() const override { return n_; }
  void forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) override;
  void backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) override;
  std::vector<double> hyper_parameters() const override { return {double(n_)}; }

 private:
  size_t n_;
};

extern template class StraightThroughBinarize<double>;
extern template class StraightThroughBinarize<float>;

}  // namespace macrodyn::selfsimilar
