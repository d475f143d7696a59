//===- TrainingOverrides.h - compile() settings from flags ------*- C++ -*-===//
//
// `--optimizer`, `--lr` and `--loss` change what is compiled (the training
// step's optimizer and loss), so they are applied to the module's
// `cnn.training` before the pipeline runs, as if compile() had said them.
// The rules are the attribute's (dialects/cnn/Training.h).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_COMMANDS_TRAININGOVERRIDES_H
#define CNNC_COMPILER_COMMANDS_TRAININGOVERRIDES_H

#include "dialects/cnn/Training.h"

namespace cnnc {

using TrainingOverrides = mlir::cnn::TrainingOverrides;

/// Rewrites `module`'s `cnn.training` with `overrides`; an unknown name or
/// a value that cannot work is one error line.
mlir::LogicalResult applyTrainingOverrides(mlir::ModuleOp module,
                                           const TrainingOverrides &overrides);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_TRAININGOVERRIDES_H
