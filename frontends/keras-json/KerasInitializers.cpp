//===- KerasInitializers.cpp - Keras initializers to Initializer ----------===//
//
// This file normalises every way a model file names an initializer into one
// Initializer (docs/keras-semantics.md §3): Keras 2 strings (`glorot_uniform`),
// class objects (`{"class_name": "GlorotUniform", "config": {"seed": null}}`),
// Keras 3's module-wrapped objects, TF.js's camelCase identifiers and its habit
// of writing every Glorot/He/LeCun initializer as VarianceScaling.
//
// One name means two things: VarianceScaling's `normal` distribution is a
// truncated normal with Keras's 0.8796 stddev correction when Keras reads it,
// and a truncated normal without the correction when TF.js does.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;

using Kind = Initializer::Kind;
using Mode = Initializer::Mode;
using Distribution = Initializer::Distribution;

/// What Keras's and TF.js's `normal`-flavoured VarianceScaling draws.
static Distribution normalDistribution(const KerasFileInfo &info) {
  return info.isTfjs ? Distribution::TruncatedNormalUncorrected
                     : Distribution::TruncatedNormal;
}

static Initializer varianceScaling(double scale, Mode mode,
                                   Distribution distribution) {
  Initializer init;
  init.kind = Kind::VarianceScaling;
  init.scale = scale;
  init.mode = mode;
  init.distribution = distribution;
  return init;
}

static Initializer constant(double value) {
  Initializer init;
  init.kind = Kind::Constant;
  init.value = value;
  return init;
}

/// VarianceScaling's own fields, as written in its config.
static llvm::Error readVarianceScaling(const ConfigReader &params,
                                       Initializer &init,
                                       const KerasFileInfo &info) {
  // The constructors' defaults: Keras (1.0, "fan_in", "truncated_normal"),
  // TF.js (1, "fanIn", "normal"). Writers spell all three out, though
  // TF.js 0.8 wrote null for the mode and the distribution: the default.
  init = varianceScaling(1.0, Mode::FanIn,
                         info.isTfjs ? normalDistribution(info)
                                     : Distribution::TruncatedNormal);
  if (llvm::Error err = params.readNumber("scale", init.scale))
    return err;
  if (init.scale <= 0.0)
    return params.fail(params.field("scale"),
                       "'scale' must be positive, found " +
                           params.field("scale").describe());

  std::string mode;
  if (!params.field("mode").isNullOrMissing())
    if (llvm::Error err = params.readString("mode", mode))
      return err;
  if (!mode.empty()) {
    std::optional<Mode> m =
        llvm::StringSwitch<std::optional<Mode>>(foldName(mode))
            .Case("fanin", Mode::FanIn)
            .Case("fanout", Mode::FanOut)
            .Case("fanavg", Mode::FanAvg)
            .Default(std::nullopt);
    if (!m)
      return params.fail(params.field("mode"),
                         "unsupported VarianceScaling mode " +
                             params.field("mode").describe());
    init.mode = *m;
  }

  std::string distribution;
  if (!params.field("distribution").isNullOrMissing())
    if (llvm::Error err = params.readString("distribution", distribution))
      return err;
  if (!distribution.empty()) {
    // TF.js draws a truncated normal only for `normal`; everything else,
    // its own `truncated_normal` included, falls through to a uniform
    // (tfjs-layers initializers.ts, VarianceScaling.apply).
    Distribution truncated =
        info.isTfjs ? Distribution::Uniform : Distribution::TruncatedNormal;
    std::optional<Distribution> d =
        llvm::StringSwitch<std::optional<Distribution>>(foldName(distribution))
            .Case("uniform", Distribution::Uniform)
            .Case("normal", normalDistribution(info))
            .Case("truncatednormal", truncated)
            .Case("untruncatednormal", Distribution::UntruncatedNormal)
            .Default(std::nullopt);
    if (!d)
      return params.fail(params.field("distribution"),
                         "unsupported VarianceScaling distribution " +
                             params.field("distribution").describe());
    init.distribution = *d;
  }
  return llvm::Error::success();
}

llvm::Error cnnc::readInitializer(const ConfigReader &config,
                                  llvm::StringRef key, Initializer &out,
                                  const KerasFileInfo &info) {
  JsonNode node = config.field(key);
  // null: the layer's default (glorot_uniform kernels, zero biases).
  if (node.isNullOrMissing())
    return llvm::Error::success();

  JsonNode nameNode = node;
  JsonNode params = node.get("config"); // missing for the string form
  if (node.getObject())
    nameNode = node.get("class_name");
  std::optional<llvm::StringRef> name = nameNode.getString();
  if (!name)
    return config.fail(nameNode, "expected an initializer for '" + key +
                                     "', found " + nameNode.describe());
  ConfigReader reader(params, config.getOwner());

  std::string folded = foldName(bareClassName(*name));
  Distribution normal = normalDistribution(info);
  std::optional<Initializer> named =
      llvm::StringSwitch<std::optional<Initializer>>(folded)
          .Case("glorotuniform",
                varianceScaling(1.0, Mode::FanAvg, Distribution::Uniform))
          .Case("glorotnormal", varianceScaling(1.0, Mode::FanAvg, normal))
          .Case("heuniform",
                varianceScaling(2.0, Mode::FanIn, Distribution::Uniform))
          .Case("henormal", varianceScaling(2.0, Mode::FanIn, normal))
          .Case("lecununiform",
                varianceScaling(1.0, Mode::FanIn, Distribution::Uniform))
          .Case("lecunnormal", varianceScaling(1.0, Mode::FanIn, normal))
          .Cases("zeros", "zero", constant(0.0))
          .Cases("ones", "one", constant(1.0))
          .Default(std::nullopt);

  Initializer init;
  if (named) {
    init = *named;
  } else if (folded == "variancescaling") {
    if (llvm::Error err = readVarianceScaling(reader, init, info))
      return err;
  } else if (folded == "randomnormal" || folded == "normal" ||
             folded == "truncatednormal") {
    init.kind = folded == "truncatednormal" ? Kind::TruncatedNormal
                                            : Kind::RandomNormal;
    init.mean = 0.0;
    init.stddev = 0.05;
    if (llvm::Error err = reader.readNumber("mean", init.mean))
      return err;
    if (llvm::Error err = reader.readNumber("stddev", init.stddev))
      return err;
  } else if (folded == "randomuniform" || folded == "uniform") {
    init.kind = Kind::RandomUniform;
    init.minval = -0.05;
    init.maxval = 0.05;
    if (llvm::Error err = reader.readNumber("minval", init.minval))
      return err;
    if (llvm::Error err = reader.readNumber("maxval", init.maxval))
      return err;
  } else if (folded == "constant") {
    init = constant(0.0);
    if (llvm::Error err = reader.readNumber("value", init.value))
      return err;
  } else {
    return config.fail(nameNode, "unsupported initializer " +
                                     nameNode.describe() + " for '" + key +
                                     "'");
  }

  if (llvm::Error err = reader.readOptionalInt("seed", init.seed))
    return err;
  out = init;
  return llvm::Error::success();
}
