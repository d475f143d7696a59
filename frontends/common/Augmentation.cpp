//===- Augmentation.cpp - Keras's checks of augmentation configs ----------===//
//
// The rules are those of the constructors in tf.keras 2.15
// (keras/layers/preprocessing/image_preprocessing.py) and Keras 3
// (keras/src/layers/preprocessing/image_preprocessing/*.py), which agree on
// every rule below. A factor is one number f or a pair [lower, upper]; one
// number means [-f, f], except for RandomContrast, where it means [f, f]
// (contrast factors are drawn from [1 - lower, 1 + upper]).
//
//===----------------------------------------------------------------------===//

#include "frontends/common/Augmentation.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace cnnc;

const char *cnnc::augmentationFactorName(LayerKind kind) {
  return kind == LayerKind::RandomZoom || kind == LayerKind::RandomTranslation
             ? "height_factor"
             : "factor";
}

/// The range a factor stands for.
static std::pair<double, double> bounds(const std::vector<double> &factor,
                                        bool symmetric) {
  if (factor.size() == 2)
    return {factor[0], factor[1]};
  double f = factor.empty() ? 0.0 : factor[0];
  return symmetric ? std::pair{-f, f} : std::pair{f, f};
}

/// The shortest decimal that reads back as `value` (0.2, not
/// 0.20000000000000001).
static std::string shortest(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  return text;
}

static std::string spell(const std::vector<double> &factor) {
  if (factor.size() == 1)
    return shortest(factor[0]);
  return "[" + shortest(factor[0]) + ", " + shortest(factor[1]) + "]";
}

static std::optional<AugmentationProblem>
problem(const std::string &field, const std::vector<double> &factor,
        const char *rule) {
  return AugmentationProblem{field, "'" + field + "' " + rule + ", found " +
                                        spell(factor)};
}

/// RandomRotation and RandomTranslation: lower <= upper (so one number
/// may not be negative).
static std::optional<AugmentationProblem>
checkOrdered(const std::string &field, const std::vector<double> &factor) {
  auto [lower, upper] = bounds(factor, /*symmetric=*/true);
  if (upper < lower)
    return problem(field, factor,
                   factor.size() == 1
                       ? "must not be negative"
                       : "must have its lower bound no greater than its upper "
                         "bound");
  return std::nullopt;
}

/// RandomZoom, RandomTranslation and RandomBrightness: each bound in
/// [-1, 1].
static std::optional<AugmentationProblem>
checkUnit(const std::string &field, const std::vector<double> &factor) {
  auto [lower, upper] = bounds(factor, /*symmetric=*/true);
  if (std::abs(lower) > 1.0 || std::abs(upper) > 1.0)
    return problem(field, factor, "must have values in [-1, 1]");
  return std::nullopt;
}

static std::optional<AugmentationProblem>
checkFillAndInterpolation(const AugmentationConfig &config) {
  if (!llvm::is_contained({"reflect", "wrap", "constant", "nearest"},
                          config.fillMode))
    return AugmentationProblem{
        "fill_mode", "unknown fill_mode '" + config.fillMode +
                         "' (Keras has 'reflect', 'wrap', 'constant' and "
                         "'nearest')"};
  if (!llvm::is_contained({"nearest", "bilinear"}, config.interpolation))
    return AugmentationProblem{
        "interpolation", "unknown interpolation '" + config.interpolation +
                             "' (Keras has 'nearest' and 'bilinear')"};
  return std::nullopt;
}

std::optional<AugmentationProblem>
cnnc::checkAugmentation(LayerKind kind, const AugmentationConfig &config) {
  std::string factor = augmentationFactorName(kind);
  switch (kind) {
  case LayerKind::RandomFlip:
    if (!llvm::is_contained(
            {"horizontal", "vertical", "horizontal_and_vertical"}, config.mode))
      return AugmentationProblem{
          "mode", "unknown mode '" + config.mode +
                      "' (Keras has 'horizontal', 'vertical' and "
                      "'horizontal_and_vertical')"};
    return std::nullopt;
  case LayerKind::RandomRotation:
    if (auto bad = checkOrdered(factor, config.factor))
      return bad;
    return checkFillAndInterpolation(config);
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
    for (auto [field, values] :
         {std::pair{factor, &config.factor},
          std::pair{std::string("width_factor"), &config.widthFactor}}) {
      // RandomZoom's width_factor may be None (zoom keeps the aspect).
      if (values->empty())
        continue;
      if (kind == LayerKind::RandomTranslation)
        if (auto bad = checkOrdered(field, *values))
          return bad;
      if (auto bad = checkUnit(field, *values))
        return bad;
    }
    return checkFillAndInterpolation(config);
  case LayerKind::RandomContrast: {
    auto [lower, upper] = bounds(config.factor, /*symmetric=*/false);
    if (lower < 0.0 || upper < 0.0 || lower > 1.0)
      return problem(factor, config.factor,
                     "must be at least 0, with its lower bound at most 1");
    return std::nullopt;
  }
  case LayerKind::RandomBrightness:
    for (double bound : config.factor)
      if (bound < -1.0 || bound > 1.0)
        return problem(factor, config.factor, "must have values in [-1, 1]");
    return std::nullopt;
  default:
    return std::nullopt;
  }
}
