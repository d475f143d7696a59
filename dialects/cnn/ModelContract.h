//===- ModelContract.h - What counts as a model -----------------*- C++ -*-===//

#ifndef CNNC_DIALECTS_CNN_MODELCONTRACT_H
#define CNNC_DIALECTS_CNN_MODELCONTRACT_H

#include "mlir/IR/BuiltinOps.h"

namespace mlir::cnn {

/// The contract of a module marked `cnn.model` (CnnDialect::kModelAttrName),
/// which the dialect's verifier checks while the mark is there: a
/// `func.func @forward` with a body, whose first argument is the input (an
/// f32 tensor whose only dynamic dimension is the batch), followed by any
/// further inputs of that kind (a graph model's), whose other arguments are
/// parameters (static f32 tensors, at most kMaxModelParams values in all),
/// with one or more results (f32 tensors whose only dynamic dimension is the
/// batch), and whose body holds only `cnn` ops and its
/// return. The first problem is reported at its location.
///
/// Frontends always build such modules; a hand-written `.mlir` may not be
/// one, and must get an error rather than code that reads or writes out of
/// bounds. Code that reads @forward as a model (the training step, the
/// model description, the JIT) asks isModel() and may then trust it.
LogicalResult verifyModelContract(ModuleOp module);

/// How many of `forward`'s arguments are inputs (the leading batched ones);
/// the rest are parameters. Trusts a model's contract.
unsigned numModelInputs(Operation *forward);

/// The training step takes one input and gives one output so far: reports
/// (at @forward) a model with several, for `what` (the pass or command that
/// cannot take it).
LogicalResult verifySingleInputOutput(ModuleOp module, StringRef what);

/// Compiled code and its C ABI take any number of inputs but give one
/// output (a model with several is compiled once per output): reports (at
/// @forward) a model with several, for `what`.
LogicalResult verifySingleOutput(ModuleOp module, StringRef what);

/// Whether `module` is marked as a cnn-level model.
bool isModel(ModuleOp module);

/// Marks `module` as a model; verifying it then checks the contract.
void markAsModel(ModuleOp module);

} // namespace mlir::cnn

#endif // CNNC_DIALECTS_CNN_MODELCONTRACT_H
