//===- AugmentationBuilder.cpp - Augmentation layer calls -----------------===//
//
// Keras 2's signatures (tf.keras 2.15): RandomFlip(mode, seed),
// RandomRotation(factor, fill_mode, interpolation, seed, fill_value),
// RandomZoom(height_factor, width_factor, fill_mode, interpolation, seed,
// fill_value), RandomTranslation(height_factor, width_factor, ...),
// RandomContrast(factor, seed), RandomBrightness(factor, value_range, seed);
// LayerBuilder.cpp binds them. The rules are shared with the JSON reader
// (common/Augmentation.cpp).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/AugmentationBuilder.h"

#include "frontends/common/Augmentation.h"
#include "frontends/keras-python/Attributes.h"

#include <cmath>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::StringRef;

/// A factor: a number, or a tuple or list of two. Absent or None leaves
/// `out` empty unless the argument is required.
static Error readFactor(const Arguments &args, StringRef name,
                        std::vector<double> &out, bool required) {
  const CallArgValue *arg = args.get(name);
  if (!arg || arg->value.is(Value::Kind::None)) {
    if (required)
      return args.error(arg ? arg->pos : args.callPos(), "missing argument '",
                        name, "'");
    return Error::success();
  }
  const Value &v = arg->value;
  out.clear();
  if (v.isNumber()) {
    out.push_back(v.asDouble());
  } else if (v.isSequence() && v.elements->size() == 2 &&
             (*v.elements)[0].isNumber() && (*v.elements)[1].isNumber()) {
    out = {(*v.elements)[0].asDouble(), (*v.elements)[1].asDouble()};
  } else {
    return args.typeError(name, *arg, "a number or a tuple of 2 numbers");
  }
  for (double f : out)
    if (!std::isfinite(f))
      return args.error(arg->pos, "'", name, "' must be finite, not ", repr(v));
  return Error::success();
}

static Error readString(const Arguments &args, StringRef name,
                        std::string &out) {
  auto value = args.getOptionalString(name);
  if (!value)
    return value.takeError();
  if (*value)
    out = **value;
  return Error::success();
}

Error py::buildAugmentation(const Arguments &args, Layer &layer) {
  AugmentationConfig &aug = layer.augmentation;
  if (Error err = checkDataFormat(args))
    return err;
  auto seed = args.getOptionalInt("seed");
  if (!seed)
    return seed.takeError();
  layer.seed = *seed;
  switch (layer.kind) {
  case LayerKind::RandomFlip:
    if (Error err = readString(args, "mode", aug.mode))
      return err;
    break;
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation: {
    if (Error err = readFactor(args, augmentationFactorName(layer.kind),
                               aug.factor, /*required=*/true))
      return err;
    if (layer.kind != LayerKind::RandomRotation)
      if (Error err = readFactor(args, "width_factor", aug.widthFactor,
                                 layer.kind == LayerKind::RandomTranslation))
        return err;
    if (Error err = readString(args, "fill_mode", aug.fillMode))
      return err;
    if (Error err = readString(args, "interpolation", aug.interpolation))
      return err;
    auto fillValue = args.getNumber("fill_value", 0.0);
    if (!fillValue)
      return fillValue.takeError();
    aug.fillValue = *fillValue;
    break;
  }
  case LayerKind::RandomContrast:
  case LayerKind::RandomBrightness: {
    if (Error err = readFactor(args, "factor", aug.factor, /*required=*/true))
      return err;
    if (layer.kind == LayerKind::RandomContrast)
      break;
    std::vector<double> range;
    if (Error err = readFactor(args, "value_range", range, false))
      return err;
    if (range.size() == 1)
      return args.typeError("value_range", *args.get("value_range"),
                            "a tuple of 2 numbers");
    if (range.size() == 2) // Keras sorts it
      aug.valueRange = {std::min(range[0], range[1]),
                        std::max(range[0], range[1])};
    break;
  }
  default:
    break;
  }
  if (std::optional<AugmentationProblem> bad =
          checkAugmentation(layer.kind, aug)) {
    const CallArgValue *arg = args.get(bad->field);
    return args.error(arg ? arg->pos : args.callPos(), bad->message);
  }
  return Error::success();
}
