//===- Int8Weights.cpp - What --weights Q means for compiling -------------===//

#include "compiler/commands/Int8Weights.h"
#include "compiler/Transforms/QuantizeInt8.h"
#include "frontends/weights/QuantizedModelWeights.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace cnnc;

static llvm::Error int8Error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

DictionaryAttr cnnc::int8Table(MLIRContext *context,
                               const QuantizedWeights &weights) {
  Builder b(context);
  SmallVector<NamedAttribute> entries;
  for (const ActivationQuantization &layer : weights.activations) {
    ArrayRef<float> scales;
    for (const QuantizedTensor &tensor : weights.parameters)
      if (tensor.int8 && tensor.name == layer.layer + "/kernel")
        scales = tensor.scales;
    entries.push_back(b.getNamedAttr(
        layer.layer,
        b.getDictionaryAttr(
            {b.getNamedAttr("input_scale", b.getF32FloatAttr(layer.scale)),
             b.getNamedAttr("input_zero_point",
                            b.getI64IntegerAttr(layer.zeroPoint)),
             b.getNamedAttr("kernel_scales",
                            b.getDenseF32ArrayAttr(scales))})));
  }
  return b.getDictionaryAttr(entries);
}

llvm::Error cnnc::prepareInt8(ModuleOp module, const ModelInfo &info,
                              llvm::StringRef weightsPath,
                              PipelineOptions &pipeline) {
  bool quantized = !weightsPath.empty() && isQuantizedWeightsFile(weightsPath);
  if (!quantized) {
    if (pipeline.precision == Precision::Int8)
      return int8Error("--precision int8 needs quantized weights: give "
                       "--weights Q, written by 'cnnc quantize MODEL --weights "
                       "W -o Q'");
    return llvm::Error::success();
  }
  if (pipeline.precisionGiven && pipeline.precision == Precision::FP32)
    return llvm::Error::success(); // the dequantized weights, in f32
  if (pipeline.precision == Precision::BF16)
    return int8Error("'" + weightsPath +
                     "' holds int8 weights (cnnc quantize): run it with "
                     "--precision int8 (the default for it) or fp32, not bf16");
  if (pipeline.train)
    return int8Error("'" + weightsPath +
                     "' holds int8 weights (cnnc quantize), which are for "
                     "inference: train from the f32 weights it was made from");
  llvm::Expected<QuantizedWeights> weights =
      readQuantizedWeightsFor(info, weightsPath);
  if (!weights)
    return weights.takeError();
  // Every int8 layer's kernel scales are in the file: its reader checked
  // the codes, the table only needs each layer to have them.
  for (const ActivationQuantization &layer : weights->activations) {
    bool found = false;
    for (const QuantizedTensor &tensor : weights->parameters)
      found = found || (tensor.int8 && tensor.name == layer.layer + "/kernel");
    if (!found)
      return int8Error("cannot read '" + weightsPath + "': int8 layer '" +
                       layer.layer + "' has no int8 parameter '" + layer.layer +
                       "/kernel'");
  }
  module->setAttr(kInt8AttrName, int8Table(module.getContext(), *weights));
  pipeline.precision = Precision::Int8;
  return llvm::Error::success();
}

llvm::Error cnnc::checkQuantizedForTraining(llvm::StringRef weightsPath,
                                            bool evaluateOnly,
                                            const PipelineOptions &pipeline) {
  bool quantized = !weightsPath.empty() && isQuantizedWeightsFile(weightsPath);
  if (!quantized && pipeline.precision == Precision::Int8)
    return int8Error(evaluateOnly
                         ? "cnnc eval does not run int8 yet: use cnnc predict "
                           "--weights Q"
                         : "--precision int8 is for inference: train in fp32 "
                           "or bf16, then cnnc quantize");
  if (!quantized)
    return llvm::Error::success();
  if (!evaluateOnly)
    return int8Error("'" + weightsPath +
                     "' holds int8 weights (cnnc quantize), which are for "
                     "inference: train from the f32 weights it was made from");
  if (pipeline.precisionGiven && pipeline.precision == Precision::FP32)
    return llvm::Error::success();
  return int8Error("cnnc eval does not run int8 yet: use cnnc predict "
                   "--weights '" +
                   weightsPath +
                   "' on the test images, or eval --precision fp32 for its "
                   "dequantized weights");
}
