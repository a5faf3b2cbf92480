// (Header-only generators; this file gives the folder its library.)
#include "sim/diffusion/diffusion_model.hpp"
