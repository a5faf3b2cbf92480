#include "nn/conv_geometry.hpp"

#include "core/error.hpp"

namespace macrodyn::nn {

WindowGeometry make_window_geometry(const char* what, int dims, const int* in, const int* k, const int* s,
                                    const int* p, bool periodic) {
  if (dims < 1 || dims > 3) fail(what, ": ", dims, " spatial dimensions (1, 2 or 3 supported)");
  WindowGeometry g;
  g.periodic = periodic;
  for (int a = 0; a < dims; ++a) {
    const int d = 3 - dims + a;
    g.in[d] = in[a];
    g.k[d] = k[a];
    g.s[d] = s[a];
    g.p[d] = p[a];
    if (in[a] < 1 || k[a] < 1 || k[a] > kMaxWindow || s[a] < 1 || p[a] < 0)
      fail(what, ": invalid size ", in[a], ", window ", k[a], " (1..", kMaxWindow, "), stride ", s[a], " or padding ",
           p[a], " along dimension ", a);
    if (periodic && p[a] > in[a]) fail(what, ": periodic padding ", p[a], " larger than the size ", in[a]);
    const int span = in[a] + 2 * p[a] - k[a];
    if (span < 0) fail(what, ": window ", k[a], " larger than the padded size ", in[a] + 2 * p[a]);
    g.out[d] = span / s[a] + 1;
  }
  return g;
}

}  // namespace macrodyn::nn
