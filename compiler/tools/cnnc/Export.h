//===- Export.h - Write a model as TF.js or Keras load it -------*- C++ -*-===//

#ifndef CNNC_COMPILER_TOOLS_CNNC_EXPORT_H
#define CNNC_COMPILER_TOOLS_CNNC_EXPORT_H

#include "frontends/common/ModelSpec.h"
#include "runtime/model/ModelInfo.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <optional>

#include <vector>

namespace cnnc {

/// Reads the Keras model at `path` for export to TF.js (`tfjs`) or Keras,
/// before anything long runs: an .mlir model has no Keras layers, and a
/// min-pooling model has none that Keras or TF.js could load. Errors are
/// reported; none is returned then.
std::optional<ModelSpec> readExportableModel(llvm::StringRef path, bool tfjs,
                                             mlir::MLIRContext &context);

/// Writes DIR/model.json and its shard: `model` with `params` (end to end,
/// in info's order).
llvm::Error exportTfjs(const ModelSpec &model, const ModelInfo &info,
                       const std::vector<float> &params,
                       llvm::StringRef directory);

} // namespace cnnc

#endif // CNNC_COMPILER_TOOLS_CNNC_EXPORT_H
