//===- WeightSet.h - A Keras model's weights, as a weight file holds them -===//
//
// The weight readers (TF.js shards, Keras HDF5) give, and the writers take,
// a WeightSet: the layers that have weights, in the file's order, each with
// its arrays under the file's own names. Binding them to a model's
// parameters (by layer name, else by position) is the compiler's business
// (compiler/ModelWeights), which knows the model.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_WEIGHTSET_H
#define CNNC_FRONTENDS_COMMON_WEIGHTSET_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

/// One array: a kernel or a bias.
struct WeightArray {
  std::string name; // as the file names it: "conv2d/kernel:0", "dense/bias"
  std::vector<int64_t> shape;
  std::vector<float> data; // row-major
};

/// The arrays of one layer, in the file's order (Keras: kernel, then bias).
struct LayerWeights {
  std::string layer;
  std::vector<WeightArray> weights;
};

struct WeightSet {
  std::vector<LayerWeights> layers; // only layers that have weights
};

/// The short name of a weight, as Keras's layers name their variables:
/// "kernel" for "conv2d/kernel:0", "sequential/dense/bias" or "bias".
std::string_view shortWeightName(std::string_view name);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_WEIGHTSET_H
