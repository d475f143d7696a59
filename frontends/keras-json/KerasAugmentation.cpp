//===- KerasAugmentation.cpp - Augmentation layer configs -----------------===//
//
// RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast
// and RandomBrightness as Keras 2, Keras 3 and a TF.js converter write them.
// cnnc applies none of them (identities at inference, refused in training),
// but checks them as Keras's constructors do, so that a file Keras would
// not load is refused at its bad value, and keeps them for export.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/Augmentation.h"
#include "frontends/keras-json/KerasReaders.h"

using namespace cnnc;

/// A factor: one number, or a list of two (Keras 3 writes tuples as
/// lists). `optional`: null (or absent) leaves `out` empty.
static llvm::Error readFactor(const ConfigReader &config, llvm::StringRef key,
                              std::vector<double> &out, bool optional) {
  JsonNode node = config.field(key);
  if (node.isNullOrMissing()) {
    if (optional)
      return llvm::Error::success();
    return config.fail(node.exists() ? node : config.node(),
                       "missing '" + key + "'");
  }
  std::string what = ("'" + key + "'").str();
  out.clear();
  if (const llvm::json::Array *array = node.getArray()) {
    if (array->size() != 2)
      return config.fail(node, "expected a number or a list of 2 numbers for " +
                                   what + ", found a list of " +
                                   llvm::Twine(array->size()));
    for (size_t i = 0; i < 2; ++i) {
      double bound;
      if (llvm::Error err = config.toNumber(node.at(i), what, bound))
        return err;
      out.push_back(bound);
    }
    return llvm::Error::success();
  }
  double f;
  if (llvm::Error err = config.toNumber(node, what, f))
    return err;
  out.push_back(f);
  return llvm::Error::success();
}

static llvm::Error checkChannelsLast(const ConfigReader &config) {
  JsonNode node = config.field("data_format");
  if (node.isNullOrMissing())
    return llvm::Error::success();
  std::optional<llvm::StringRef> s = node.getString();
  if (s && s->lower() == "channels_last")
    return llvm::Error::success();
  return config.fail(node, "unsupported data_format " + node.describe() +
                               " (cnnc is channels_last only)");
}

llvm::Error cnnc::readAugmentation(const ConfigReader &config, Layer &layer) {
  AugmentationConfig &aug = layer.augmentation;
  if (llvm::Error err = checkChannelsLast(config))
    return err;
  if (llvm::Error err = config.readOptionalInt("seed", layer.seed))
    return err;
  switch (layer.kind) {
  case LayerKind::RandomFlip:
    if (llvm::Error err = config.readString("mode", aug.mode))
      return err;
    break;
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation: {
    if (llvm::Error err =
            readFactor(config, augmentationFactorName(layer.kind), aug.factor,
                       /*optional=*/false))
      return err;
    if (layer.kind != LayerKind::RandomRotation)
      if (llvm::Error err =
              readFactor(config, "width_factor", aug.widthFactor,
                         /*optional=*/layer.kind == LayerKind::RandomZoom))
        return err;
    if (llvm::Error err = config.readString("fill_mode", aug.fillMode))
      return err;
    if (llvm::Error err = config.readString("interpolation", aug.interpolation))
      return err;
    if (llvm::Error err = config.readNumber("fill_value", aug.fillValue))
      return err;
    break;
  }
  case LayerKind::RandomContrast:
    if (llvm::Error err =
            readFactor(config, "factor", aug.factor, /*optional=*/false))
      return err;
    break;
  case LayerKind::RandomBrightness: {
    if (llvm::Error err =
            readFactor(config, "factor", aug.factor, /*optional=*/false))
      return err;
    std::vector<double> range;
    if (llvm::Error err =
            readFactor(config, "value_range", range, /*optional=*/true))
      return err;
    if (range.size() == 1)
      return config.fail(config.field("value_range"),
                         "expected a list of 2 numbers for 'value_range'");
    // Keras sorts it.
    if (range.size() == 2)
      aug.valueRange = {std::min(range[0], range[1]),
                        std::max(range[0], range[1])};
    break;
  }
  default:
    break;
  }
  if (std::optional<AugmentationProblem> bad =
          checkAugmentation(layer.kind, aug))
    return config.fail(config.field(bad->field), bad->message);
  return llvm::Error::success();
}
