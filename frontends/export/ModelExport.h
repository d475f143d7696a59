//===- ModelExport.h - A model as TF.js or Keras load it --------*- C++ -*-===//

#ifndef CNNC_FRONTENDS_EXPORT_MODELEXPORT_H
#define CNNC_FRONTENDS_EXPORT_MODELEXPORT_H

#include "frontends/common/ModelSpec.h"
#include "runtime/model/ModelInfo.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace cnnc {

enum class ExportFormat {
  Tfjs,  // a TF.js layers model: DIR/model.json and its shard
  H5,    // a Keras model.save() file (legacy HDF5)
  Keras, // a Keras 3 model.save() archive (.keras)
};

/// Reads the Keras model at `path` for export, before anything long runs:
/// an .mlir model has no Keras layers, and a min-pooling model has none
/// that Keras or TF.js could load. Errors are LocatedError where the file
/// has positions.
llvm::Expected<ModelSpec> readExportableModel(llvm::StringRef path,
                                              ExportFormat format);

/// Writes `model` with `params` (end to end, in info's order) in `format`
/// to `path`: a directory for TF.js, a file for h5 and keras; atomically.
llvm::Error exportModel(const ModelSpec &model, const ModelInfo &info,
                        const std::vector<float> &params, ExportFormat format,
                        llvm::StringRef path);

/// The files an export in `format` to `path` writes: `path` for h5, keras,
/// `path`/model.json and its shard for TF.js.
std::vector<std::string> exportedFiles(ExportFormat format,
                                       llvm::StringRef path);

/// DIR/model.json and its shard.
llvm::Error exportTfjs(const ModelSpec &model, const ModelInfo &info,
                       const std::vector<float> &params,
                       llvm::StringRef directory);

/// A Keras `model.save()` .h5.
llvm::Error exportKerasH5(const ModelSpec &model, const ModelInfo &info,
                          const std::vector<float> &params,
                          llvm::StringRef path);

/// A Keras 3 `model.save()` .keras archive.
llvm::Error exportKerasArchive(const ModelSpec &model, const ModelInfo &info,
                               const std::vector<float> &params,
                               llvm::StringRef path);

} // namespace cnnc

#endif // CNNC_FRONTENDS_EXPORT_MODELEXPORT_H
