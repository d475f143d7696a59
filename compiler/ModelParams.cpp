//===- ModelParams.cpp - A model's parameters from its initializers -------===//

#include "compiler/ModelParams.h"

#include "dialects/cnn/CnnDialect.h"
#include "runtime/init/Initializers.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <random>

using namespace mlir;
using namespace cnnc;

/// The `cnn.initializer` dictionary as the runtime's spec (the runtime
/// knows no MLIR, so the translation lives here).
static InitializerSpec initializerSpec(DictionaryAttr dict) {
  InitializerSpec spec;
  if (!dict)
    return spec;
  auto str = [&](StringRef key, std::string &field) {
    if (auto value = dict.getAs<StringAttr>(key))
      field = value.str();
  };
  auto num = [&](StringRef key, double &field) {
    if (auto value = dict.getAs<FloatAttr>(key))
      field = value.getValueAsDouble();
  };
  str("kind", spec.kind);
  str("mode", spec.mode);
  str("distribution", spec.distribution);
  num("scale", spec.scale);
  num("mean", spec.mean);
  num("stddev", spec.stddev);
  num("minval", spec.minval);
  num("maxval", spec.maxval);
  num("value", spec.value);
  return spec;
}

LogicalResult cnnc::initializeParams(func::FuncOp forward, uint64_t seed,
                                     std::vector<std::vector<float>> &params) {
  // One stream for all parameters, in order: the seed fixes every weight.
  std::mt19937_64 rng(seed);
  params.clear();
  for (unsigned i = 1; i < forward.getNumArguments(); ++i) {
    auto shape = cast<ShapedType>(forward.getArgument(i).getType()).getShape();
    InitializerSpec spec =
        initializerSpec(forward.getArgAttrOfType<DictionaryAttr>(
            i, cnn::CnnDialect::kInitializerAttrName));
    std::string error;
    params.emplace_back();
    if (!initialize(spec, std::vector<int64_t>(shape.begin(), shape.end()),
                    rng, params.back(), error))
      return emitError(forward.getArgument(i).getLoc()) << error;
  }
  return success();
}
