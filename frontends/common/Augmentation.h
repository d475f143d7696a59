//===- Augmentation.h - Keras's checks of augmentation configs --*- C++ -*-===//
//
// The frontends read an augmentation layer's config each in their own way
// (JSON fields, Python arguments) and share Keras's checks of it, so that a
// file and a script with the same bad factor get the same message, at the
// value that breaks the rule.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_AUGMENTATION_H
#define CNNC_FRONTENDS_COMMON_AUGMENTATION_H

#include "frontends/common/ModelSpec.h"

#include <optional>
#include <string>

namespace cnnc {

/// A config value Keras refuses: the field (its Keras argument name) and
/// what is wrong, e.g. {"factor", "'factor' must be ..."}.
struct AugmentationProblem {
  std::string field;
  std::string message;
};

/// The first rule of Keras's constructor (tf.keras 2.15 and Keras 3) that
/// `config` breaks for an augmentation layer of `kind`; none if it is valid.
std::optional<AugmentationProblem>
checkAugmentation(LayerKind kind, const AugmentationConfig &config);

/// The Keras argument names of a kind's range fields: `factor` for
/// RandomRotation, RandomContrast and RandomBrightness, `height_factor` for
/// RandomZoom and RandomTranslation (which also have `width_factor`).
const char *augmentationFactorName(LayerKind kind);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_AUGMENTATION_H
