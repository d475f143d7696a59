//===- KerasJson.h - Keras / TF.js JSON files to ModelSpec ------*- C++ -*-===//
//
// The JSON frontend: reads a Keras Sequential model as the Keras family
// writes it in JSON (docs/keras-semantics.md §5) into a ModelSpec.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASJSON_KERASJSON_H
#define CNNC_FRONTENDS_KERASJSON_KERASJSON_H

#include "frontends/common/ModelSpec.h"
#include "frontends/common/WeightSet.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace cnnc {

/// Reads a Keras Sequential model from JSON: tf.keras <=2.12 and 2.13-2.15
/// `model.to_json()`, Keras 3 `to_json()`/config.json, TF.js `model.json`
/// (modelTopology in both forms) and TF.js `model.toJSON()`. Errors are
/// LocatedError (file:line:col). `kerasVersion` is the writer's version
/// when the file keeps it elsewhere (a `.keras` archive's metadata.json);
/// a `keras_version` in the text takes precedence.
llvm::Expected<ModelSpec>
parseKerasJson(llvm::StringRef text, llvm::StringRef fileName,
               std::optional<std::string> kerasVersion = std::nullopt);

/// Reads a compile() configuration on its own: a Keras `training_config` or
/// `compile_config` object, or a TF.js `trainingConfig`, as JSON text (for
/// files that keep it apart from the model, such as a legacy .h5's root
/// attribute). `isTfjs` selects TF.js's spelling of optimizer settings.
/// Errors are LocatedError, positions within `text`.
llvm::Error parseKerasTrainingConfig(llvm::StringRef text,
                                     llvm::StringRef fileName, bool isTfjs,
                                     TrainingSpec &training);

/// Who will read a written model: TF.js or Keras differ on a few spellings.
enum class KerasTarget { Keras, Tfjs };

/// `model` as tf.keras 2.x `model.to_json()` writes it, which Keras (as an
/// .h5's `model_config`) and TF.js (as a model.json's `modelTopology`)
/// both load. A layer neither has (min pooling) is a LocatedError.
llvm::Expected<std::string> writeKerasModelConfig(const ModelSpec &model,
                                                  KerasTarget target);

/// compile()'s settings as Keras's `training_config` (an .h5's root
/// attribute) or TF.js's `trainingConfig`, which the readers above read
/// back; none when the model has no compile(), or for TF.js when the loss
/// is from logits (TF.js's losses take probabilities only).
std::optional<std::string>
writeKerasTrainingConfig(const TrainingSpec &training, KerasTarget target);

/// Reads the weights a TF.js model.json lists in its `weightsManifest`,
/// from the shard files beside it; none when the file has no manifest (a
/// topology alone). Errors are LocatedError at the manifest's values.
llvm::Expected<std::optional<WeightSet>>
readTfjsWeights(llvm::StringRef text, llvm::StringRef fileName);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASJSON_KERASJSON_H
