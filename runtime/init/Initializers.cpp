//===- Initializers.cpp - Keras's weight initializers ---------------------===//

#include "runtime/init/Initializers.h"

#include <cmath>

using namespace cnnc;

namespace {

/// Keras's fans: for rank >= 3 the receptive field multiplies both.
struct Fans {
  double in = 1, out = 1;
};

Fans computeFans(const std::vector<int64_t> &shape) {
  Fans fans;
  if (shape.size() == 1) {
    fans.in = fans.out = double(shape[0]);
  } else if (shape.size() == 2) {
    fans.in = double(shape[0]);
    fans.out = double(shape[1]);
  } else if (shape.size() > 2) {
    double field = 1;
    for (size_t i = 0; i + 2 < shape.size(); ++i)
      field *= double(shape[i]);
    fans.in = double(shape[shape.size() - 2]) * field;
    fans.out = double(shape.back()) * field;
  }
  return fans;
}

/// A normal sample redrawn until it lies within two standard deviations, as
/// Keras's (and TensorFlow's) truncated normal does.
double truncatedNormal(std::mt19937_64 &rng, double mean, double stddev) {
  std::normal_distribution<double> normal(0.0, 1.0);
  for (;;) {
    double x = normal(rng);
    if (std::fabs(x) <= 2.0)
      return mean + stddev * x;
  }
}

} // namespace

bool cnnc::initialize(const InitializerSpec &spec,
                      const std::vector<int64_t> &shape, std::mt19937_64 &rng,
                      std::vector<float> &out, std::string &error) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  out.assign(size_t(count), 0.0f);

  if (spec.kind == "constant") {
    std::fill(out.begin(), out.end(), float(spec.value));
    return true;
  }
  if (spec.kind == "random_uniform") {
    std::uniform_real_distribution<double> uniform(spec.minval, spec.maxval);
    for (float &v : out)
      v = float(uniform(rng));
    return true;
  }
  if (spec.kind == "random_normal") {
    std::normal_distribution<double> normal(spec.mean, spec.stddev);
    for (float &v : out)
      v = float(normal(rng));
    return true;
  }
  if (spec.kind == "truncated_normal") {
    for (float &v : out)
      v = float(truncatedNormal(rng, spec.mean, spec.stddev));
    return true;
  }
  if (spec.kind != "variance_scaling") {
    error = "unknown initializer '" + spec.kind + "'";
    return false;
  }

  Fans fans = computeFans(shape);
  double n = spec.mode == "fan_in"    ? fans.in
             : spec.mode == "fan_out" ? fans.out
                                      : (fans.in + fans.out) / 2.0;
  double variance = spec.scale / std::max(1.0, n);
  if (spec.distribution == "uniform") {
    double limit = std::sqrt(3.0 * variance);
    std::uniform_real_distribution<double> uniform(-limit, limit);
    for (float &v : out)
      v = float(uniform(rng));
  } else if (spec.distribution == "truncated_normal" ||
             spec.distribution == "truncated_normal_uncorrected") {
    // Keras divides by the stddev of a unit normal truncated at 2.
    double stddev = std::sqrt(variance);
    if (spec.distribution == "truncated_normal")
      stddev /= 0.87962566103423978;
    for (float &v : out)
      v = float(truncatedNormal(rng, 0.0, stddev));
  } else if (spec.distribution == "untruncated_normal") {
    std::normal_distribution<double> normal(0.0, std::sqrt(variance));
    for (float &v : out)
      v = float(normal(rng));
  } else {
    error = "unknown variance_scaling distribution '" + spec.distribution + "'";
    return false;
  }
  return true;
}
