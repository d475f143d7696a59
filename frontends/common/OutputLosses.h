//===- OutputLosses.h - compile()'s losses per output -----------*- C++ -*-===//
//
// A model with several outputs trains on Σ loss_weights[i] · loss_i
// (keras-semantics.md §8). compile() gives the losses as one loss for every
// output, a list in output order or a dict by output name, and the weights
// as a list or a dict (missing names weigh 1). This checks them against
// the model's outputs and writes the module attribute cnn.output_losses,
// one entry per @forward result.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_OUTPUTLOSSES_H
#define CNNC_FRONTENDS_COMMON_OUTPUTLOSSES_H

#include "frontends/common/ModelSpec.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::cnn {
enum class Loss : uint32_t;
} // namespace mlir::cnn

namespace cnnc {

/// The cnn dialect's name for a Keras loss.
mlir::cnn::Loss toCnnLoss(KerasLoss loss);

/// cnn.output_losses for `training` on a model whose outputs are
/// `outputNames` (in @forward's result order); null when the model needs
/// none (one output without loss_weights: cnn.training says it all).
/// Failure after one located error (an unknown output name, a list of the
/// wrong length). An output without a loss gets loss = "none".
mlir::FailureOr<mlir::ArrayAttr>
buildOutputLosses(const TrainingSpec &training,
                  const std::vector<std::string> &outputNames,
                  mlir::MLIRContext &context,
                  llvm::function_ref<mlir::Location(const SourceLoc &)> loc);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_OUTPUTLOSSES_H
