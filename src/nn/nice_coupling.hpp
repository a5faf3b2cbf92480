#pragma once
// NICE additive coupling layer (Dinh, Krueger, Bengio 2014; MacroNet seed Table A1).
//
//   x = (x1, x2) by a CouplingMask,  t = NN(x1) (conditioner: d1 -> d2 features)
//   y1 = x1,  y2 = x2 + t(x1),   log|det J| = 0 (volume preserving)
//   inverse: x1 = y1, x2 = y2 - t(y1)
//   backward: dx2 = dy2,  dx1 = dy1 + NN^T(dy2)
// Shapes: x, y (d, B); log_det (1, B) of zeros. A flow of NICE blocks usually ends with an ActNorm
// (the diagonal scaling layer of the NICE paper).
#include <memory>

#include "nn/coupling_mask.hpp"
#include "nn/invertible.hpp"
#include "nn/realnvp_coupling.hpp"

namespace macrodyn::nn {

template <class T>
class NICECoupling : public InvertibleLayer<T> {
 public:
  NICECoupling(CouplingMask mask, std::shared_ptr<Layer<T>> conditioner);

  std::string kind() const override { return "nice_coupling"; }
  size_t in_features() const override { return mask_.dim(); }
  size_t out_features() const override { return mask_.dim(); }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  std::vector<Parameter<T>> parameters() override { return prefixed(net_->parameters(), "conditioner."); }
  std::vector<Parameter<T>> buffers() override { return prefixed(net_->buffers(), "conditioner."); }
  std::vector<double> hyper_parameters() const override;

 private:
  CouplingMask mask_;
  std::shared_ptr<Layer<T>> net_;
  Tensor<T> x1_, t_, dy2_, dx1_, log_det_;
};

extern template class NICECoupling<double>;
extern template class NICECoupling<float>;

}  // namespace macrodyn::nn
