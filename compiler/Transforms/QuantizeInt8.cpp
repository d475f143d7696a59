//===- QuantizeInt8.cpp - int8 convolutions and dense layers --------------===//
//
// This file implements --cnn-quantize-int8. The module's `cnn.int8`
// dictionary (the command puts it there from a `cnnc quantize` file; see
// docs/compiler.md, "int8 inference") names the layers that run in int8,
// each with its input's uint8 scale and zero point and its kernel's scale
// per output channel. Each such cnn.conv2d or cnn.dense becomes
//
//   x' = clamp(rint(x * (1/s_x)) + z_x, 0, 255) - z_x      (uint8 input)
//   K' = clamp(rint(K * (1/s_k[c])), -127, 127)           (int8 kernel)
//   a  = conv2d(x', K') or dense(x', K'), without bias     (int32 sums)
//   y  = a * (s_x * s_k[c]) + bias[c]                      (f32 again)
//
// x' and K' hold integers, so their products and sums are exact in f32 as
// long as every partial sum stays below 2^24: a is the int32 accumulator
// of the int8 scheme, bit for bit (a reduction of up to 518 terms can never
// reach 2^24: 518 * 255 * 127 < 2^24; a longer one would need most inputs
// and weights at their extremes with one sign). The relu and pooling after
// y are monotone, so quantizing their result for the next layer (its x')
// gives the codes requantizing y first would: the requantization happens
// once per layer, fused into the next layer's input. The kernel arrives as
// f32 (the codes times their scales, which recovers each code exactly) so
// that the parameters keep their layout and the runtime needs nothing new.
//
// Layers the dictionary does not name (the classifier's last Dense) stay
// f32. An entry that names no conv2d or dense with a parameter kernel of
// that many channels fails the pass with a located error.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/QuantizeInt8.h"
#include "compiler/Passes.h"

#include "llvm/ADT/StringSet.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace cnnc {
#define GEN_PASS_DEF_QUANTIZEINT8
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// One layer's entry of `cnn.int8`.
struct LayerQuantization {
  float inputScale = 1.0f;
  float inputZeroPoint = 0.0f;
  SmallVector<float> kernelScales;
};

/// Reads one entry; a located error and failure when it is malformed.
LogicalResult readEntry(Operation *anchor, StringRef layer, Attribute value,
                        LayerQuantization &out) {
  auto dict = dyn_cast<DictionaryAttr>(value);
  auto scale = dict ? dict.getAs<FloatAttr>("input_scale") : nullptr;
  auto zero = dict ? dict.getAs<IntegerAttr>("input_zero_point") : nullptr;
  auto kernel = dict ? dict.getAs<DenseF32ArrayAttr>("kernel_scales") : nullptr;
  if (!scale || !zero || !kernel)
    return anchor->emitError()
           << "cnn.int8 entry '" << layer
           << "' needs input_scale (f32), input_zero_point (i64) and "
              "kernel_scales (array<f32>)";
  out.inputScale = float(scale.getValueAsDouble());
  out.inputZeroPoint = float(zero.getInt());
  out.kernelScales.assign(kernel.asArrayRef().begin(),
                          kernel.asArrayRef().end());
  bool valid = std::isfinite(out.inputScale) && out.inputScale > 0 &&
               zero.getInt() >= 0 && zero.getInt() <= 255;
  for (float s : out.kernelScales)
    valid = valid && std::isfinite(s) && s > 0;
  if (!valid)
    return anchor->emitError()
           << "cnn.int8 entry '" << layer
           << "': scales must be finite and positive, the zero point 0..255";
  return success();
}

struct QuantizeInt8 : public cnnc::impl::QuantizeInt8Base<QuantizeInt8> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto table = module->getAttrOfType<DictionaryAttr>(cnnc::kInt8AttrName);
    if (!table)
      return;
    llvm::StringMap<LayerQuantization> layers;
    for (NamedAttribute entry : table) {
      LayerQuantization q;
      if (failed(readEntry(module, entry.getName(), entry.getValue(), q)))
        return signalPassFailure();
      layers[entry.getName()] = std::move(q);
    }
    llvm::StringSet<> done;
    WalkResult walk = module.walk([&](Operation *op) {
      if (!isa<Conv2DOp, DenseOp>(op))
        return WalkResult::advance();
      auto layer = op->getAttrOfType<LayerAttr>(CnnDialect::kLayerAttrName);
      if (!layer || !layers.count(layer.getName()))
        return WalkResult::advance();
      const LayerQuantization &q = layers[layer.getName()];
      Value kernel = op->getOperand(1);
      auto kernelType = cast<RankedTensorType>(kernel.getType());
      if (!isa<BlockArgument>(kernel) ||
          kernelType.getShape().back() != int64_t(q.kernelScales.size())) {
        op->emitError() << "cnn.int8 entry '" << layer.getName()
                        << "' needs a parameter kernel of "
                        << q.kernelScales.size() << " output channels";
        return WalkResult::interrupt();
      }
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value input = b.create<QuantizeInputOp>(
          loc, op->getOperand(0), b.getF32FloatAttr(q.inputScale),
          b.getI64IntegerAttr(int64_t(q.inputZeroPoint)));
      Value codes = b.create<QuantizeKernelOp>(
          loc, kernel, b.getDenseF32ArrayAttr(q.kernelScales));
      Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
      Operation *integer;
      if (auto conv = dyn_cast<Conv2DOp>(op))
        integer = b.create<Conv2DOp>(
            loc, input, codes, Value(), conv.getStridesAttr(),
            conv.getDilationAttr(), conv.getPaddingAttr());
      else
        integer = b.create<DenseOp>(loc, input, codes, Value());
      integer->setAttr(CnnDialect::kLayerAttrName, layer);
      SmallVector<float> multipliers;
      for (float scale : q.kernelScales)
        multipliers.push_back(q.inputScale * scale);
      Value result =
          b.create<DequantizeOp>(loc, integer->getResult(0), bias,
                                 b.getDenseF32ArrayAttr(multipliers));
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
      done.insert(layer.getName());
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    for (NamedAttribute entry : table)
      if (!done.contains(entry.getName().getValue())) {
        module.emitError() << "cnn.int8 entry '" << entry.getName().getValue()
                           << "' names no conv2d or dense layer of the model";
        return signalPassFailure();
      }
  }
};

} // namespace
