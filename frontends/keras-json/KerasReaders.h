//===- KerasReaders.h - The Keras JSON frontend's readers -------*- C++ -*-===//
//
// Private to the Keras JSON frontend: the readers KerasJson.cpp composes,
// one file each (layers, initializers, training configuration).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASJSON_KERASREADERS_H
#define CNNC_FRONTENDS_KERASJSON_KERASREADERS_H

#include "frontends/common/ModelSpec.h"
#include "frontends/common/NestedModels.h"
#include "frontends/keras-json/JsonNode.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace cnnc {

/// What a reader needs to know about the file as a whole.
struct KerasFileInfo {
  /// Written by TF.js (`keras_version` "tfjs-layers ..."): TF.js reads a
  /// few things differently from Keras (VarianceScaling's `normal`, the
  /// optimizers' names and keys).
  bool isTfjs = false;
  /// Written by Keras 3 (`keras_version` "3.x"): `hard_sigmoid` is
  /// relu6(x + 3) / 6 there, 0.2 x + 0.5 clipped in Keras 2 and TF.js.
  bool isKeras3 = false;
};

/// Refuses, with a position, what is not a JSON document or would hurt
/// llvm::json's parser (too large, too deep, too many objects); then parses.
llvm::Expected<llvm::json::Value> parseKerasJsonText(llvm::StringRef text,
                                                     llvm::StringRef fileName);

/// Positions count from after a UTF-8 byte order mark, as editors show them.
llvm::StringRef dropByteOrderMark(llvm::StringRef text);

/// A Keras object's `class_name` without what some writers wrap around it
/// (`Custom>Adam`, `keras.layers.Conv2D`).
llvm::StringRef bareClassName(llvm::StringRef className);

/// Reads one layer's config into `layer` (kind, loc and name already set).
llvm::Error readLayerConfig(const ConfigReader &config, Layer &layer,
                            const KerasFileInfo &info);

/// Reads an augmentation layer's config (RandomFlip, ...;
/// KerasAugmentation.cpp) and checks it as Keras does.
llvm::Error readAugmentation(const ConfigReader &config, Layer &layer);

/// The checks every layer's config shares: `dtype` must be float32; with
/// `trainable` given, Keras's `trainable` is read into it, otherwise it must
/// be true (InputLayer and the model itself).
llvm::Error checkCommonLayerFields(const ConfigReader &config,
                                   bool *trainable = nullptr);

/// Reads initializer field `key` of `config` (string or object form).
llvm::Error readInitializer(const ConfigReader &config, llvm::StringRef key,
                            Initializer &out, const KerasFileInfo &info);

/// Reads regularizer field `key` (string or object form; null for none).
llvm::Error readRegularizer(const ConfigReader &config, llvm::StringRef key,
                            std::optional<Regularizer> &out,
                            const KerasFileInfo &info);

/// Reads activation field `key` (`"relu"`, null for linear).
llvm::Error readActivation(const ConfigReader &config, llvm::StringRef key,
                           Activation &out, bool required,
                           const KerasFileInfo &info);

/// Reads a Keras `training_config` / `compile_config` or a TF.js
/// `trainingConfig` into `out`.
llvm::Error readTrainingConfig(const JsonNode &config, TrainingSpec &out,
                               const KerasFileInfo &info);

/// Lower case with underscores dropped: `GlorotUniform`, `glorot_uniform`
/// and TF.js's `glorotUniform` all become `glorotuniform`.
std::string foldName(llvm::StringRef name);

/// A Functional model's config (`layers` with their `inbound_nodes`,
/// `input_layers`, `output_layers`) in any writer's form, into `model` as a
/// graph (KerasFunctional.cpp).
llvm::Error readFunctionalConfig(const JsonNode &config, ModelSpec &model,
                                 const KerasFileInfo &info);

/// A nested model (a model used as a layer) read from `entry`, its own
/// nested models already inlined; no compile() settings.
llvm::Expected<ModelSpec> readNestedModel(const JsonNode &entry,
                                          const KerasFileInfo &info);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASJSON_KERASREADERS_H
