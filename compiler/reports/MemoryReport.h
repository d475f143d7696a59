//===- MemoryReport.h - cnnc MODEL --memory ---------------------*- C++ -*-===//

#ifndef CNNC_COMPILER_REPORTS_MEMORYREPORT_H
#define CNNC_COMPILER_REPORTS_MEMORYREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace cnnc {

/// Prints the memory plan of a model: its weights, parameter by parameter,
/// and the workspace of its forward pass, buffer by buffer, with the
/// workspace's size, the sum of the buffers and the peak of live bytes.
/// `model` is the `cnn` IR (for the names of layers and parameters),
/// `lowered` the same module after --cnn-plan-memory (the plan). Fails
/// with an error when `lowered` has no plan.
mlir::LogicalResult printMemoryPlan(mlir::ModuleOp model,
                                    mlir::ModuleOp lowered,
                                    llvm::raw_ostream &os);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_MEMORYREPORT_H
