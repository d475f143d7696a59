//===- ModelOutputs.h - A graph model's outputs, one module each -*- C++
//-*-===//
//
// Compiled code has one output so far (cnn::verifySingleInputOutput); a
// model with several is predicted one output at a time, each from a copy of
// the model that returns that output alone and keeps only the ops it needs.
// The shared part of the graph is computed once per output: simple, and
// exact.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_COMMANDS_MODELOUTPUTS_H
#define CNNC_COMPILER_COMMANDS_MODELOUTPUTS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace cnnc {

struct ModelOutput {
  /// The output layer's Keras name (the input's, for an input returned
  /// as it is).
  std::string name;
  /// `module` returning this output alone, with the same parameters.
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

/// One module per result of `module`'s @forward, in the model's output
/// order. `module` must be a model (cnn::isModel).
std::vector<ModelOutput> splitModelOutputs(mlir::ModuleOp module);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_MODELOUTPUTS_H
