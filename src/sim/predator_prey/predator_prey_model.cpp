// (The model is header-only; this file gives the folder its library.)
#include "sim/predator_prey/predator_prey_model.hpp"
