//===- Export.h - Write a model as TF.js or Keras load it -------*- C++ -*-===//

#ifndef CNNC_COMPILER_TOOLS_CNNC_EXPORT_H
#define CNNC_COMPILER_TOOLS_CNNC_EXPORT_H

#include "frontends/common/ModelSpec.h"
#include "runtime/model/ModelInfo.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace cnnc {

/// Whether `model` can be written for TF.js (`tfjs`) or Keras: checked
/// before anything long runs (a min-pooling model cannot).
llvm::Error checkExportable(const ModelSpec &model, bool tfjs);

/// Writes DIR/model.json and its shard: `model` with `params` (end to end,
/// in info's order).
llvm::Error exportTfjs(const ModelSpec &model, const ModelInfo &info,
                       const std::vector<float> &params,
                       llvm::StringRef directory);

} // namespace cnnc

#endif // CNNC_COMPILER_TOOLS_CNNC_EXPORT_H
