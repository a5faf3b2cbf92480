#pragma once
// Spearman's rank correlation: the Pearson correlation of the ranks (ties get their mean rank).
// Used to score a learned macrostate against a known invariant (the oscillator's energy).
#include <vector>

namespace macrodyn::macronet {

std::vector<double> ranks(const std::vector<double>& x);
double pearson(const std::vector<double>& x, const std::vector<double>& y);
double spearman(const std::vector<double>& x, const std::vector<double>& y);
// Coefficient of determination of the least-squares line y ~ a + b x.
double r_squared_linear(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace macrodyn::macronet
