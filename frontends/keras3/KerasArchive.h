//===- KerasArchive.h - Keras 3's `.keras` files ----------------*- C++ -*-===//
//
// `model.save('m.keras')` (Keras 3, and tf.keras >= 2.13) writes a zip:
// `metadata.json` (keras_version, date_saved), `config.json` (the model, as
// to_json() writes it) and `model.weights.h5` (Keras3H5.h's layout). What
// is read from the config here is only what the weights need (the layers'
// names and classes, in order); the topology is the JSON frontend's.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERAS3_KERASARCHIVE_H
#define CNNC_FRONTENDS_KERAS3_KERASARCHIVE_H

#include "frontends/common/ModelSpec.h"
#include "frontends/common/WeightSet.h"
#include "frontends/keras3/Keras3Layout.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace cnnc {

/// The members of a `.keras` archive cnnc reads.
struct KerasArchive {
  std::string kerasVersion; // metadata.json's keras_version: "3.1.1", "2.15.0"
  std::string config;       // config.json, as text
  std::string weights;      // model.weights.h5, an HDF5 file image
};

/// True if `head` starts like a zip archive (a local file header, or the
/// end record of an empty archive).
bool isZipSignature(llvm::StringRef head);

/// Reads the archive at `path`. Errors are one line naming the file (and,
/// for a fault in metadata.json, its position there).
llvm::Expected<KerasArchive> readKerasArchive(llvm::StringRef path);

/// The model of a `.keras` archive (its config.json through the JSON
/// frontend). Errors in config.json are located in it:
/// `m.keras: config.json:3:17: error: ...`.
llvm::Expected<ModelSpec> readKerasArchiveModel(llvm::StringRef path);

/// The weights of a `.keras` archive, named by the layers of its own
/// config.json.
llvm::Expected<WeightSet> readKerasArchiveWeights(llvm::StringRef path);

/// The layers (`config.layers`, any model class) of a config.json, in
/// order, a nested model's in its place, each under its path; errors
/// located as readKerasArchiveModel's.
llvm::Expected<std::vector<KerasLayerRef>>
kerasConfigLayers(llvm::StringRef configText, llvm::StringRef fileName);

/// The bytes of a `.keras` archive holding `model` and its weights
/// `layers` (every layer of the model, in order, weightless ones empty),
/// as Keras 3 writes it.
llvm::Expected<std::string>
writeKerasArchive(const ModelSpec &model, llvm::ArrayRef<LayerWeights> layers);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERAS3_KERASARCHIVE_H
