//===- ModelInfo.h - What a compiled model says about itself ----*- C++ -*-===//
//
// Compiled code (JIT or object) exports, next to its entry points, the text
// `cnnc_model_info`: the shapes, the parameters with their initializers,
// and the training settings compiled in. The runtime reads it to allocate
// buffers, initialise weights and drive training without knowing MLIR, so
// the JIT and an AOT-built trainer run the same code. One line per fact,
// words separated by spaces (names never contain spaces):
//
//   cnnc-model-info 1
//   name sequential
//   input 28 28 1                                     (one line per input)
//   output 10
//   activations 97344                                 (bytes per image)
//   param conv2d/kernel 3 3 1 32
//   init conv2d/kernel kind=variance_scaling scale=1 mode=fan_avg ...
//   train sparse_categorical_crossentropy sparse      (absent: no train step)
//   optimizer adam 2                                  (name, state slots)
//   hyper learning_rate 0.001
//   batch-statistics bn/moving_mean                   (see ParamInfo)
//   train-outputs dense_1 dense_2                     (several outputs)
//   fit epochs 5                                      (compile()/fit() values)
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_MODEL_MODELINFO_H
#define CNNC_RUNTIME_MODEL_MODELINFO_H

#include "runtime/init/Initializers.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

/// The losses and optimizers a training step may be compiled with (the
/// compiler's #cnn.training, as the runtime knows it). The model-info text
/// names them as Keras does.
enum class LossKind {
  SparseCategoricalCrossentropy,
  CategoricalCrossentropy,
  MSE,
  BinaryCrossentropy // class indices 0 and 1 against one output
};
enum class OptimizerKind { Adam, SGD, RMSprop };

/// Keras's names: "sparse_categorical_crossentropy", ..., "mse"; "adam",
/// "sgd", "rmsprop".
const char *lossName(LossKind loss);
const char *optimizerName(OptimizerKind optimizer);
/// The kind a Keras name stands for, as lossName / optimizerName write it.
std::optional<LossKind> parseLossName(std::string_view name);
std::optional<OptimizerKind> parseOptimizerName(std::string_view name);

struct ParamInfo {
  std::string name; // "conv2d/kernel"
  std::vector<int64_t> shape;
  InitializerSpec initializer;
  /// The training step returns this parameter's next value in its gradient
  /// slot, computed from the batch's statistics (a trainable
  /// BatchNormalization's moving mean and variance): the trainer moves it
  /// into the parameter, and must give the step the whole batch at once.
  bool fromBatchStatistics = false;

  int64_t elements() const;
};

struct ModelInfo {
  std::string name;
  /// Without the batch: one shape per model input, in the model's input
  /// order (a graph model may have several), and the output's.
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<int64_t> outputShape;
  /// Bytes of the intermediate tensors of one image's forward pass: what a
  /// call allocates grows with its batch by this much.
  int64_t activationBytesPerImage = 0;
  std::vector<ParamInfo> params;

  // The training step, when the code has one.
  bool trainable = false;
  LossKind loss = LossKind::SparseCategoricalCrossentropy;
  bool sparseLabels = true; // class indices (i32) or targets like the output
  OptimizerKind optimizer = OptimizerKind::RMSprop;
  int64_t stateSlots = 0; // rows of optimizer state
  std::map<std::string, double> hyperParameters;
  /// A model of several outputs: their Keras names, in output order. The
  /// step then reports, after the total loss sum and a count, each
  /// output's loss sum and count (History's `<name>_loss`,
  /// `<name>_accuracy`). Empty for one output.
  std::vector<std::string> trainOutputs;
  /// compile()/fit() values the model file gave: epochs, batch_size,
  /// validation_split, shuffle (1/0).
  std::map<std::string, double> fit;

  /// Whether the training step normalizes with the batch's statistics, so
  /// that each batch must be one call of it (ParamInfo::fromBatchStatistics).
  bool needsWholeBatch() const;
  /// The elements of one image of input `index`.
  int64_t inputElements(size_t index = 0) const;
  int64_t outputElements() const;
  /// The floats one call of the training step or the evaluation writes to
  /// `stats`: the loss sum and the count, then a pair per output when the
  /// model has several (trainOutputs).
  int64_t statsPerCall() const;
  int64_t paramElements() const;
  /// The most images one call of the forward pass should take, so that its
  /// temporaries stay near 1 GiB whatever batch a caller asks for.
  int64_t imagesPerCall() const;
};

std::string formatModelInfo(const ModelInfo &info);

/// Parses what formatModelInfo wrote; false with `error` set otherwise.
bool parseModelInfo(std::string_view text, ModelInfo &info, std::string &error);

/// Each parameter's stretch of `flat` (all parameters end to end, in
/// info's order): the `params` argument of the compiled entry points.
std::vector<const float *> paramPointers(const ModelInfo &info,
                                         const float *flat);
std::vector<float *> writableParamPointers(const ModelInfo &info, float *flat);

/// Initialises every parameter from its initializer with one stream seeded
/// by `seed`, in order, into `params` (laid end to end, paramElements()).
bool initializeParams(const ModelInfo &info, uint64_t seed,
                      std::vector<float> &params, std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_MODEL_MODELINFO_H
