//===- QuantizeCommand.cpp - cnnc quantize: int8 post-training quantization
//===//
//
// Chooses the layers that run in int8 (every conv2d and dense whose kernel
// is a parameter, but the classifier: a dense whose result, or its
// softmax, is the model's output), calibrates the range of each one's
// input on the first N training images (the f32 model truncated at that
// input, compiled and run), quantizes each one's kernel per output channel,
// and writes the file (runtime/quant/QuantizedWeights.h) atomically. The
// scheme is in docs/compiler.md, "int8 inference".
//
//===----------------------------------------------------------------------===//

#include "compiler/commands/QuantizeCommand.h"
#include "compiler/backend/CompiledModel.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "dialects/cnn/CnnOps.h"
#include "frontends/LoadModel.h"
#include "frontends/weights/ModelWeights.h"
#include "frontends/weights/QuantizedModelWeights.h"
#include "runtime/data/Mnist.h"
#include "runtime/infer/ForwardRunner.h"
#include "runtime/quant/QuantizedWeights.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/support/WorkerPool.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace cnnc;

namespace {

/// An int8 layer: its Keras name and the value its input is.
struct Int8Layer {
  std::string name;
  Value input;
};

/// Whether `op`'s result is the model's output, directly or through a
/// softmax: the classifier, which stays f32.
bool isClassifier(Operation *op) {
  for (Operation *user : op->getResult(0).getUsers()) {
    if (isa<func::ReturnOp>(user))
      return true;
    if (isa<cnn::SoftmaxOp>(user) &&
        llvm::any_of(user->getResult(0).getUsers(),
                     [](Operation *u) { return isa<func::ReturnOp>(u); }))
      return true;
  }
  return false;
}

std::vector<Int8Layer> int8Layers(func::FuncOp forward) {
  std::vector<Int8Layer> layers;
  forward.walk([&](Operation *op) {
    if (!isa<cnn::Conv2DOp, cnn::DenseOp>(op) || isClassifier(op))
      return;
    auto layer =
        op->getAttrOfType<cnn::LayerAttr>(cnn::CnnDialect::kLayerAttrName);
    if (layer && isa<BlockArgument>(op->getOperand(1)))
      layers.push_back({layer.getName().str(), op->getOperand(0)});
  });
  return layers;
}

/// `module` with @forward returning `value` instead of its output, and
/// whatever that leaves unused erased: the f32 model up to a layer's input.
OwningOpRef<ModuleOp> truncatedAt(ModuleOp module, func::FuncOp forward,
                                  Value value) {
  // The value's position in the original, found again in the clone.
  Operation *definer = value.getDefiningOp();
  unsigned resultIndex = cast<OpResult>(value).getResultNumber();
  unsigned opIndex = 0;
  forward.walk([&](Operation *op) {
    if (op == definer)
      return WalkResult::interrupt();
    ++opIndex;
    return WalkResult::advance();
  });
  OwningOpRef<ModuleOp> clone = module.clone();
  auto copy = clone->lookupSymbol<func::FuncOp>("forward");
  Operation *copied = nullptr;
  unsigned index = 0;
  copy.walk([&](Operation *op) {
    if (index++ == opIndex) {
      copied = op;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  Value result = copied->getResult(resultIndex);
  Block &body = copy.getBody().front();
  Operation *terminator = body.getTerminator();
  terminator->setOperands(result);
  copy.setType(FunctionType::get(clone->getContext(),
                                 copy.getFunctionType().getInputs(),
                                 {result.getType()}));
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (&op != terminator && op.use_empty())
      op.erase();
  return clone;
}

/// Scale and zero point for inputs seen in [lo, hi]: the range stretched
/// to hold 0 (so that zero, the padding and relu's floor, is exact).
ActivationQuantization activationRange(const std::string &layer, float lo,
                                       float hi) {
  ActivationQuantization q;
  q.layer = layer;
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (!(hi > lo)) // all zero (or NaN): any scale codes them as 0
    return q;
  q.scale = (hi - lo) / 255.0f;
  q.zeroPoint =
      int32_t(std::clamp(std::nearbyint(-lo / q.scale), 0.0f, 255.0f));
  return q;
}

/// Per output channel (the last dimension): scale = max |w| / 127, code =
/// rint(w / scale); a channel of zeros gets scale 1.
QuantizedTensor quantizeKernel(const ParamInfo &param, const float *values) {
  QuantizedTensor tensor;
  tensor.name = param.name;
  tensor.shape = param.shape;
  tensor.int8 = true;
  int64_t channels = param.shape.back();
  int64_t count = param.elements();
  std::vector<float> largest(size_t(channels), 0.0f);
  for (int64_t i = 0; i < count; ++i)
    largest[size_t(i % channels)] =
        std::max(largest[size_t(i % channels)], std::fabs(values[i]));
  for (float m : largest)
    tensor.scales.push_back(m > 0.0f ? m / 127.0f : 1.0f);
  tensor.codes.resize(size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    float code =
        std::nearbyint(values[i] / tensor.scales[size_t(i % channels)]);
    tensor.codes[size_t(i)] = int8_t(std::clamp(code, -127.0f, 127.0f));
  }
  return tensor;
}

} // namespace

int cnnc::runQuantize(const QuantizeRequest &request, MLIRContext &context) {
  std::string error;
  if (!checkNotAnInput("-o", request.outputPath,
                       {{"the model file", request.modelPath},
                        {"the --weights file", request.weightsPath}},
                       error)) {
    reportError(error);
    return 1;
  }
  OwningOpRef<ModuleOp> module = loadModel(request.modelPath, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);
  if (info.inputShapes.size() != 1) {
    reportError("cnnc quantize calibrates on dataset images: it takes a "
                "model of one input, this one has " +
                std::to_string(info.inputShapes.size()));
    return 1;
  }
  if (!request.weightsPath.empty() &&
      isQuantizedWeightsFile(request.weightsPath)) {
    reportError("'" + request.weightsPath +
                "' is already quantized: give the f32 weights it was made "
                "from");
    return 1;
  }
  auto weights = loadModelWeights(info, request.modelPath, request.weightsPath);
  if (!weights) {
    reportModelError(weights.takeError(), context);
    return 1;
  }
  if (!*weights) {
    reportError("cnnc quantize needs trained weights: give --weights W (a "
                "checkpoint, .h5 or model.json)");
    return 1;
  }
  std::vector<float> &params = **weights;
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  std::vector<Int8Layer> layers = int8Layers(forward);
  if (layers.empty()) {
    reportError("the model has no Conv2D or Dense layer to run in int8 "
                "(the classifier, the Dense that gives the output, stays "
                "f32)");
    return 1;
  }

  // The calibration images: the first N of the training set, as `cnnc
  // train` scales them.
  DatasetRequest data;
  data.dataset = request.dataset.value_or("mnist");
  data.dataDir = request.dataDir;
  data.train = true;
  data.test = false;
  Dataset dataset;
  if (!loadDataset(data, dataset, error)) {
    reportError(error);
    return 1;
  }
  const IdxImages &images = dataset.trainImages;
  if (images.pixelsPerImage() != info.inputElements()) {
    reportError("the model's input does not match the training images (" +
                std::to_string(images.rows) + "x" +
                std::to_string(images.cols) + "x" +
                std::to_string(images.channels) + ")");
    return 1;
  }
  if (request.calibrate > images.count) {
    reportError("--calibrate " + std::to_string(request.calibrate) +
                ": the training set has " + std::to_string(images.count) +
                " images");
    return 1;
  }
  int64_t n = request.calibrate;
  std::vector<float> input(size_t(n * info.inputElements()));
  for (size_t i = 0; i < input.size(); ++i)
    input[i] = float(images.pixels[i]) / 255.0f;

  // Each int8 layer's input range, from the f32 model up to it.
  QuantizedWeights quantized;
  WorkerPool pool(request.threads);
  PipelineOptions pipeline = request.pipeline;
  pipeline.precision = Precision::FP32;
  for (const Int8Layer &layer : layers) {
    std::vector<float> seen;
    if (isa<BlockArgument>(layer.input)) {
      seen = input;
    } else {
      OwningOpRef<ModuleOp> prefix = truncatedAt(*module, forward, layer.input);
      ModelInfo prefixInfo = describeModel(*prefix);
      auto compiled = CompiledModel::compile(*prefix, pipeline);
      if (!compiled) {
        report(compiled.takeError());
        return 1;
      }
      seen.assign(size_t(n * prefixInfo.outputElements()), 0.0f);
      runForward((*compiled)->kernels(), pool, input.data(), n,
                 paramPointers(info, params.data()).data(), seen.data());
    }
    auto [lo, hi] = std::minmax_element(seen.begin(), seen.end());
    quantized.activations.push_back(activationRange(
        layer.name, seen.empty() ? 0.0f : *lo, seen.empty() ? 0.0f : *hi));
  }

  std::vector<const float *> pointers = paramPointers(info, params.data());
  for (size_t i = 0; i < info.params.size(); ++i) {
    const ParamInfo &param = info.params[i];
    bool int8 = llvm::any_of(layers, [&](const Int8Layer &layer) {
      return param.name == layer.name + "/kernel";
    });
    if (int8) {
      quantized.parameters.push_back(quantizeKernel(param, pointers[i]));
      continue;
    }
    QuantizedTensor tensor;
    tensor.name = param.name;
    tensor.shape = param.shape;
    tensor.values.assign(pointers[i], pointers[i] + param.elements());
    quantized.parameters.push_back(std::move(tensor));
  }
  if (!writeQuantizedWeights(request.outputPath, quantized, error)) {
    reportError(error);
    return 1;
  }
  std::string names;
  for (const Int8Layer &layer : layers)
    names += (names.empty() ? "" : ", ") + layer.name;
  std::printf("int8: %s (calibrated on %lld images); written to %s\n",
              names.c_str(), (long long)n, request.outputPath.c_str());
  return 0;
}
