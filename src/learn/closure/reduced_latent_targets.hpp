#pragma once
// The quadratic forms of latent_targets.hpp built from d x d products of the Jacobian instead of its N columns,
// for encoders whose Jacobian is distributed and never gathered (pooled_encoder.hpp): with G = J J^T,
//   L_z   : needs J f               Q = I,                          b = J f,               c = |J f|^2,  scale 1/d
//   L_x   : needs J f, |f|^2, N     Q = G^-1,                       b = G^-1 J f,          c = |f|^2,    scale 1/N
//   L_x,p : needs J_I f_I, A = J_I J_I^T, |f_I|^2, m = |I|
//                                   Q = G^-1 A G^-1,                b = G^-1 J_I f_I,      c = |f_I|^2,  scale 1/m
// the same forms as add_sample() gives from the full J (tested against it).
#include "learn/closure/latent_targets.hpp"

namespace macrodyn::closure {

struct JacobianProducts {
  std::vector<double> gram;     // d x d: J J^T (L_x, L_x,p)
  std::vector<double> partial;  // d x d: J_I J_I^T (L_x,p)
  std::vector<double> jf;       // d: J f (L_z, L_x) or J_I f_I (L_x,p)
  double ff = 0;                // |f|^2 or |f_I|^2
  double count = 0;             // N (L_x) or |I| (L_x,p)
};

void add_sample_from_products(LatentTargets& t, LatentLoss loss, const float* z, const JacobianProducts& p);

}  // namespace macrodyn::closure
