#pragma once
// The three latent-dynamics losses of "Learning macroscopic dynamics from partial microscopic
// observations" (§3, eqs. 8-12) as exact per-sample quadratic forms in the latent velocity g = g(z).
//
// With J the d x N encoder Jacobian at x, f = dx/dt the microscopic force, G = J J^T and
// J^+ = J^T G^{-1}:
//   L_z    : (1/d)   |J f - g|^2                 Q = I,                 b = J f,              c = |J f|^2
//   L_x    : (1/N)   |f - J^+ g|^2               Q = G^{-1},            b = G^{-1} J f,       c = |f|^2
//   L_x,p  : (1/|I|) |f_I - (J^+)_I g|^2         Q = G^{-1} J_I J_I^T G^{-1}, b = G^{-1} J_I f_I, c = |f_I|^2
// each equal to scale * (c - 2 b.g + g^T Q g) with gradient scale * 2 (Q g - b). (J^+)_I = J_I^T G^{-1}
// uses only the columns I of J and the full Gram matrix. Once the autoencoder is frozen these (Q, b,
// c) are fixed, so they are computed once and a latent epoch costs O(d^2) per sample, whatever N and
// |I| are. The rows I may repeat (draws with replacement): each repeat counts once, as in the mean.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace macrodyn::closure {

enum class LatentLoss { Lz, Lx, Lxp };
LatentLoss parse_latent_loss(const std::string& name);  // "L_z" | "L_x" | "L_x,p"
std::string latent_loss_name(LatentLoss loss);

struct LatentTargets {
  size_t d = 0;
  std::vector<float> z;       // n x d: the (normalised) latent input of each sample
  std::vector<double> Q;      // n x d x d
  std::vector<double> b;      // n x d
  std::vector<double> c;      // n
  std::vector<double> scale;  // n

  size_t size() const { return c.size(); }
  // Loss of sample s at latent velocity g (d values); writes dloss/dg into grad (d values) if given.
  double loss(size_t s, const double* g, double* grad = nullptr) const;
  // Appends sample s of `other` (same d).
  void append(const LatentTargets& other, size_t s);
};

// Shifts each sample's constant c by its minimum over g, c - b^T Q^-1 b, so that the loss is the excess
// over the best latent velocity for that sample (>= 0 up to round-off): the gradient, hence training, is
// unchanged, but the loss values the plateau schedule compares are no longer dominated by the part of f
// no latent velocity can reach (|f_I|^2 minus its projection on the rows of J_I, for L_x,p). A sample
// whose Q is not positive definite (|I| < d) keeps its c. Returns the mean removed constant (x scale).
double shift_to_excess(LatentTargets& t);

// Inverse of a small symmetric positive definite matrix (row-major n x n) by Cholesky; fails if not SPD.
std::vector<double> spd_inverse(const std::vector<double>& a, size_t n);

// Appends one sample. J: d x N row-major; f: the N force values (L_z, L_x) or, for L_x,p, the |I|
// values f_I on the coordinates idx (|I| = m). z: the sample's d latent inputs.
void add_sample(LatentTargets& t, LatentLoss loss, const float* z, const double* J, size_t N, const double* f,
                const int64_t* idx = nullptr, size_t m = 0);

}  // namespace macrodyn::closure
