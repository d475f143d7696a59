//===- QuantizedModelWeights.cpp - A `cnnc quantize` file for a model -----===//

#include "frontends/weights/QuantizedModelWeights.h"

#include "runtime/npy/Npy.h"

#include <fstream>

using namespace cnnc;

static llvm::Error failure(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool cnnc::isQuantizedWeightsFile(llvm::StringRef path) {
  std::ifstream in(path.str(), std::ios::binary);
  if (!in)
    return false;
  std::string head(8, '\0');
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(in.gcount()));
  return looksLikeQuantizedWeights(head);
}

llvm::Expected<QuantizedWeights>
cnnc::readQuantizedWeightsFor(const ModelInfo &info, llvm::StringRef path) {
  QuantizedWeights weights;
  std::string error;
  if (!readQuantizedWeights(path.str(), weights, error))
    return failure(error);
  std::string prefix = "'" + path.str() +
                       "' was quantized from a different "
                       "model: ";
  size_t common = std::min(weights.parameters.size(), info.params.size());
  for (size_t i = 0; i < common; ++i) {
    const QuantizedTensor &have = weights.parameters[i];
    const ParamInfo &want = info.params[i];
    if (have.name != want.name || have.shape != want.shape)
      return failure(prefix + "parameter " + std::to_string(i + 1) + " is '" +
                     have.name + "' " + formatNpyShape(have.shape) +
                     ", the model's is '" + want.name + "' " +
                     formatNpyShape(want.shape));
  }
  if (weights.parameters.size() != info.params.size())
    return failure(
        prefix + "it has " + std::to_string(weights.parameters.size()) +
        " parameters, the model " + std::to_string(info.params.size()));
  return weights;
}

std::vector<float> cnnc::dequantizedParams(const QuantizedWeights &weights) {
  std::vector<float> params;
  for (const QuantizedTensor &tensor : weights.parameters) {
    std::vector<float> values = tensor.dequantized();
    params.insert(params.end(), values.begin(), values.end());
  }
  return params;
}
