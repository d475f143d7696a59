//===- ModelWeights.h - Weights from any file cnnc reads --------*- C++ -*-===//
//
// `--weights W` takes a cnnc checkpoint, a Keras .h5 or a TF.js model.json,
// told apart by their first bytes; a model file that carries weights (a
// TF.js model.json with a manifest, a Keras `model.save` .h5) brings them
// itself. Here they are bound to the model's parameters, and a trained
// model's parameters become Keras layers again for export.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_WEIGHTS_MODELWEIGHTS_H
#define CNNC_FRONTENDS_WEIGHTS_MODELWEIGHTS_H

#include "frontends/common/WeightSet.h"
#include "runtime/model/ModelInfo.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace cnnc {

/// The parameters of `info`, laid end to end in its order: from
/// `weightsPath` when given, else from `modelPath` when that file carries
/// weights; none when neither has any (the initializers then apply).
llvm::Expected<std::optional<std::vector<float>>>
loadModelWeights(const ModelInfo &info, llvm::StringRef modelPath,
                 llvm::StringRef weightsPath);

/// loadModelWeights, or when there are none, the model's initializers
/// drawn with `seed` (`cnnc predict` and `cnnc export` without weights).
llvm::Expected<std::vector<float>>
weightsOrInitializers(const ModelInfo &info, llvm::StringRef modelPath,
                      llvm::StringRef weightsPath, uint64_t seed);

/// Binds a file's weights to the parameters of `info` (names
/// "<layer>/<weight>"): by layer name when every layer of the model is in
/// the file, else by the order of the layers that have weights. Errors
/// name the first weight that does not fit.
llvm::Expected<std::vector<float>> bindWeights(const ModelInfo &info,
                                               const WeightSet &weights,
                                               llvm::StringRef file);

/// `params` (end to end, in info's order) as Keras layers: one entry per
/// name in `layerNames` (every layer of the model, in order), with the
/// arrays named as Keras names them ("conv2d/kernel:0" when `kerasSuffix`,
/// TF.js's "conv2d/kernel" otherwise).
std::vector<LayerWeights>
layerWeights(const ModelInfo &info, const std::vector<float> &params,
             const std::vector<std::string> &layerNames, bool kerasSuffix);

} // namespace cnnc

#endif // CNNC_FRONTENDS_WEIGHTS_MODELWEIGHTS_H
