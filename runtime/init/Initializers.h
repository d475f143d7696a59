//===- Initializers.h - Keras's weight initializers -------------*- C++ -*-===//
//
// The distributions Keras initialises weights from (docs/keras-semantics.md
// §3), seeded. The random streams are cnnc's own (std::mt19937_64), not
// TensorFlow's: a seed reproduces cnnc's weights, not Keras's.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_INIT_INITIALIZERS_H
#define CNNC_RUNTIME_INIT_INITIALIZERS_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cnnc {

/// One initializer, as the `cnn.initializer` dictionary states it.
struct InitializerSpec {
  std::string kind = "constant"; // variance_scaling | random_normal |
                                 // truncated_normal | random_uniform | constant
  double scale = 1.0;
  std::string mode = "fan_avg";         // fan_in | fan_out | fan_avg
  std::string distribution = "uniform"; // uniform | truncated_normal |
                                        // untruncated_normal |
                                        // truncated_normal_uncorrected
  double mean = 0.0, stddev = 0.05;
  double minval = -0.05, maxval = 0.05;
  double value = 0.0;
};

/// Fills `out` (row-major, `shape`) from `spec`, drawing from `rng`.
/// Returns false with `error` set for a spec it does not know.
bool initialize(const InitializerSpec &spec, const std::vector<int64_t> &shape,
                std::mt19937_64 &rng, std::vector<float> &out,
                std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_INIT_INITIALIZERS_H
