//===- Training.h - The module's training settings --------------*- C++ -*-===//
//
// `cnn.training = #cnn.training<...>` (CnnAttrs.td): Keras names to the
// dialect's enums, the module's settings, and a tool's overrides of them.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECTS_CNN_TRAINING_H
#define CNNC_DIALECTS_CNN_TRAINING_H

#include "dialects/cnn/CnnOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace mlir::cnn {

/// A Keras loss name (`mse`, or its alias `mean_squared_error`, ...).
std::optional<Loss> lossFromKerasName(llvm::StringRef name);

/// A Keras optimizer name, in any case (`adam`, `SGD`, `RMSprop`).
std::optional<OptimizerKind> optimizerFromKerasName(llvm::StringRef name);

/// The rows of optimizer state the training step keeps per parameter:
/// Adam's m and v, SGD's momentum (kept even at momentum 0), RMSprop's
/// velocity.
int64_t optimizerSlotCount(OptimizerKind kind);

/// The module's `cnn.training`, or an empty one (every default) when it has
/// none.
TrainingAttr getTraining(ModuleOp module);

/// Settings given on a command line, as the flags give them.
struct TrainingOverrides {
  std::optional<std::string> loss;      // --loss: replaces the loss
  std::optional<std::string> optimizer; // --optimizer: replaces the kind
  std::optional<double> learningRate;   // --lr
};

/// `training` with `overrides` applied: a new loss drops from_logits (it
/// belonged to the model's loss); a new optimizer kind drops the model's
/// settings of another kind; --lr sets the learning rate of the optimizer
/// that trains (the model's or the default). An unknown name or a bad rate
/// is an error whose message names the flag.
llvm::Expected<TrainingAttr> withOverrides(TrainingAttr training,
                                           const TrainingOverrides &overrides);

} // namespace mlir::cnn

#endif // CNNC_DIALECTS_CNN_TRAINING_H
