//===- BuildTrainStep.cpp - Derive the training step from @forward --------===//
//
// This file implements --cnn-build-train-step. From the model's @forward
// and its compile() settings (`cnn.training`) it writes two functions in
// `cnn` ops:
//
//   @train_gradients(x, labels, params..., scale, seed, step, first_sample)
//       -> (loss_sum, correct, gradients...[, loss_sum_i, correct_i]...)
//     the forward pass in training mode (dropout masks drawn), the loss, the
//     accuracy count, and the backward pass of every op in reverse order.
//     A caller may split a batch in shards, one call per shard, with
//     `scale` = 1 / the whole batch's size: the shards' gradients then add
//     up to the gradient of Keras's mean loss.
//
//   @apply_gradients(params, state, gradients, iteration)
//     the optimizer's update of all parameters, laid end to end, in place:
//     it sums the shards' gradients and applies Keras's rule.
//
//   @evaluate(x, labels, params...) -> (loss_sum, correct[, loss_sum_i,
//                                        correct_i]...)
//     the loss and the accuracy count in inference mode (dropout off), for
//     validation and test sets.
//
// A model with several outputs trains every output against the same labels
// (cnnc's datasets have one label per image), each with its own loss
// (`cnn.output_losses`, compile()'s loss per output), and loss_sum is
// Keras's total Σ weight_i · loss_i. Each output's own loss sum and
// accuracy count follow, in output order, for History's `<output>_loss`
// and `<output>_accuracy`; `correct` is then the first output's count. The
// step function carries the outputs' names (`cnn.outputs`).
//
// Splitting the step in two is what lets the runtime run the shards of a
// batch on all cores with a gradient buffer each, reduced once per step.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "dialects/cnn/ModelContract.h"
#include "dialects/cnn/ShapeRules.h"
#include "dialects/cnn/Training.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace cnnc {
#define GEN_PASS_DEF_BUILDTRAINSTEP
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// One output's loss: compile()'s loss for it and its loss_weights entry.
struct OutputLoss {
  std::string name;
  Loss loss;
  bool fromLogits;
  double weight = 1.0;
};

/// compile()'s settings with Keras's defaults filled in.
struct TrainingConfig {
  /// Every setting of the kind present.
  OptimizerAttr optimizer;
  /// One per @forward result, in result order.
  SmallVector<OutputLoss> outputs;

  explicit TrainingConfig(TrainingAttr training)
      : optimizer(training.getOptimizerOrDefault()) {}

  double get(StringRef name) const { return *optimizer.getSetting(name); }
};

/// The Keras name of the layer computing `value` (History's `<name>_loss`).
static std::string outputName(Value value, unsigned index) {
  if (Operation *op = value.getDefiningOp())
    if (auto layer = op->getAttrOfType<LayerAttr>(CnnDialect::kLayerAttrName))
      return layer.getName().str();
  return "output_" + std::to_string(index);
}

/// Each output's loss: from `cnn.output_losses` when the module has it,
/// else cnn.training's loss with weight 1. Failure after an error on a
/// malformed attribute.
static LogicalResult readOutputLosses(ModuleOp module, func::FuncOp forward,
                                      TrainingAttr training,
                                      TrainingConfig &config) {
  Operation *ret = forward.getBody().front().getTerminator();
  auto attr =
      module->getAttrOfType<ArrayAttr>(CnnDialect::kOutputLossesAttrName);
  if (!attr) {
    for (auto [index, result] : llvm::enumerate(ret->getOperands()))
      config.outputs.push_back({outputName(result, index),
                                training.getLossOrDefault(),
                                training.getFromLogits(), 1.0});
    return success();
  }
  if (attr.size() != ret->getNumOperands())
    return module.emitError() << "'" << CnnDialect::kOutputLossesAttrName
                              << "' has " << attr.size() << " entries for "
                              << ret->getNumOperands() << " outputs";
  for (auto [entry, result] : llvm::zip_equal(attr, ret->getOperands())) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto name = dict ? dict.getAs<StringAttr>("output") : nullptr;
    auto lossName = dict ? dict.getAs<StringAttr>("loss") : nullptr;
    auto fromLogits = dict ? dict.getAs<BoolAttr>("from_logits") : nullptr;
    auto weight = dict ? dict.getAs<FloatAttr>("weight") : nullptr;
    // compile() gave this output no loss (None, or left out of a dict):
    // Keras trains it on nothing, which cnnc does not do.
    if (name && lossName && lossName.getValue() == "none") {
      Operation *op = result.getDefiningOp();
      return (op ? op : forward.getOperation())->emitError()
             << "compile() gives output '" << name.getValue()
             << "' no loss (None, or no entry in a dict), and cnnc trains "
                "every output: give it a loss (with loss_weights 0 to leave "
                "it out of the total)";
    }
    std::optional<Loss> loss =
        lossName ? lossFromKerasName(lossName.getValue()) : std::nullopt;
    if (!name || !loss || !fromLogits || !weight ||
        !std::isfinite(weight.getValueAsDouble()))
      return module.emitError()
             << "each entry of '" << CnnDialect::kOutputLossesAttrName
             << "' is {output = \"name\", loss = \"<Keras loss>\", "
                "from_logits = <bool>, weight = <finite f64>}, not "
             << entry;
    config.outputs.push_back(
        {name.str(), *loss, fromLogits.getValue(), weight.getValueAsDouble()});
  }
  return success();
}

/// Writes @train_gradients (training = true) or @evaluate (the loss and the
/// accuracy count in inference mode) from @forward.
class StepBuilder {
public:
  StepBuilder(func::FuncOp forward, const TrainingConfig &config, bool training)
      : forward(forward), config(config), training(training),
        b(forward.getContext()) {}

  LogicalResult build();

private:
  LogicalResult cloneForward();
  /// Add the regularizers' penalties to `lossSum` (and their gradients to
  /// the gradients), as Keras adds them to the batch's mean loss; return
  /// the new sum. Activity penalties go before the backward pass, which
  /// carries their gradients on; weight penalties after it, onto the
  /// weights' gradients.
  Value addActivityPenalties(Value lossSum);
  Value addWeightPenalties(Value lossSum);
  void cloneWithBatchStatistics(BatchNormOp bn);
  LogicalResult backward(Operation *op, Value outputGrad);
  void addGrad(Value value, Value grad);
  Value gradOf(Value value) const { return grads.lookup(value); }
  /// The parameters and activations that need a gradient: everything
  /// but the model's input.
  bool wantsGrad(Value value) const { return value != input; }

  func::FuncOp forward;
  const TrainingConfig &config;
  bool training;
  OpBuilder b;
  func::FuncOp function;
  IRMapping mapping;
  Value input, labels, scale, seed, step, firstSample;
  /// Per output: the value the loss is taken of, the model's output (what
  /// the accuracy reads), and whether the loss takes the first as logits.
  struct Prediction {
    Value prediction, modelOutput;
    bool fromLogits = false;
  };
  SmallVector<Prediction> predictions;
  /// The forward ops in order.
  SmallVector<Operation *> ops;
  /// Dropout's mask per training-mode multiply.
  DenseMap<Operation *, Value> dropoutMasks;
  /// The batch's mean and variance per batch_norm that normalizes with
  /// them (a trainable BatchNormalization in training).
  DenseMap<Operation *, std::pair<Value, Value>> batchStatistics;
  /// The next value of each moving statistic such a layer updates.
  DenseMap<Value, Value> nextValues;
  DenseMap<Value, Value> grads;
};

/// The loss op of `loss` on `prediction`: its sum over the samples, and the
/// gradient of `scale` times it.
static Operation *createLoss(OpBuilder &b, Location loc, Loss loss,
                             bool fromLogits, Value prediction, Value labels,
                             Value scale) {
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  Type type = prediction.getType();
  bool binary = loss == Loss::BinaryCrossentropy;
  if (loss == Loss::MeanSquaredError)
    return b.create<MeanSquaredErrorOp>(loc, scalar, type, prediction, labels,
                                        scale);
  if (binary && fromLogits)
    return b.create<SigmoidCrossEntropyOp>(loc, scalar, type, prediction,
                                           labels, scale);
  if (binary)
    return b.create<BinaryCrossEntropyOp>(loc, scalar, type, prediction, labels,
                                          scale);
  if (fromLogits)
    return b.create<SoftmaxCrossEntropyOp>(loc, scalar, type, prediction,
                                           labels, scale);
  return b.create<CrossEntropyOp>(loc, scalar, type, prediction, labels, scale);
}

/// Whether `loss` reads class indices rather than targets like the output.
static bool takesClassIndices(Loss loss) {
  return loss == Loss::SparseCategoricalCrossentropy ||
         loss == Loss::BinaryCrossentropy;
}

LogicalResult StepBuilder::build() {
  Location loc = forward.getLoc();
  FunctionType type = forward.getFunctionType();
  Operation *ret = forward.getBody().front().getTerminator();
  // Every output trains against the same labels: class indices, or
  // targets shaped like the outputs (which must then agree).
  Type labelType;
  for (auto [index, result] : llvm::enumerate(ret->getOperands())) {
    const OutputLoss &out = config.outputs[index];
    auto output = cast<RankedTensorType>(result.getType());
    // Reported at the output's layer: in a model file, the line to change.
    Operation *last = result.getDefiningOp();
    Operation *at = last ? last : forward.getOperation();
    if (output.getRank() != 2)
      return at->emitError()
             << "training needs a (batch, classes) output, and the model's "
                "output "
             << (ret->getNumOperands() > 1 ? "'" + out.name + "' " : "")
             << "is " << kerasShapeString(output.getShape())
             << ": end the model with Flatten/Dense or global pooling";
    // cnnc's datasets give class indices: binary_crossentropy reads them as
    // the targets 0 and 1 of one output, as Keras reads int labels against
    // a Dense(1, sigmoid).
    if (out.loss == Loss::BinaryCrossentropy && output.getDimSize(1) != 1)
      return at->emitError()
             << "binary_crossentropy trains on class labels 0 and 1, which "
                "need one output (Dense(1, activation='sigmoid')), and the "
                "model's output "
             << (ret->getNumOperands() > 1 ? "'" + out.name + "' " : "")
             << "is " << kerasShapeString(output.getShape());
    Type wanted = takesClassIndices(out.loss)
                      ? Type(RankedTensorType::get({ShapedType::kDynamic},
                                                   b.getI32Type()))
                      : Type(output);
    if (labelType && labelType != wanted)
      return at->emitError()
             << "every output trains against the same labels, and output '"
             << out.name << "' (" << stringifyLoss(out.loss) << ", "
             << kerasShapeString(output.getShape())
             << ") would need other labels than output '"
             << config.outputs.front().name << "' ("
             << stringifyLoss(config.outputs.front().loss)
             << "): give the outputs losses that read the same labels";
    labelType = wanted;
  }

  SmallVector<Type> inputs{type.getInput(0), labelType};
  llvm::append_range(inputs, type.getInputs().drop_front());
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  SmallVector<Type> results{scalar, scalar};
  if (training) {
    inputs.append(
        {b.getF32Type(), b.getI64Type(), b.getI64Type(), b.getI64Type()});
    llvm::append_range(results, type.getInputs().drop_front());
  }
  bool several = config.outputs.size() > 1;
  if (several)
    for (size_t i = 0; i < config.outputs.size(); ++i)
      results.append({scalar, scalar});

  b.setInsertionPointToEnd(forward->getParentOfType<ModuleOp>().getBody());
  function =
      b.create<func::FuncOp>(loc, training ? "train_gradients" : "evaluate",
                             b.getFunctionType(inputs, results));
  if (several) {
    SmallVector<Attribute> names;
    for (const OutputLoss &out : config.outputs)
      names.push_back(b.getStringAttr(out.name));
    function->setAttr(CnnDialect::kOutputsAttrName, b.getArrayAttr(names));
  }
  Block *body = function.addEntryBlock();
  unsigned paramCount = type.getNumInputs() - 1;
  input = body->getArgument(0);
  labels = body->getArgument(1);
  mapping.map(forward.getArgument(0), input);
  for (unsigned i = 0; i < paramCount; ++i) {
    mapping.map(forward.getArgument(i + 1), body->getArgument(i + 2));
    function.setArgAttrs(i + 2, forward.getArgAttrDict(i + 1));
  }
  b.setInsertionPointToStart(body);
  if (training) {
    scale = body->getArgument(paramCount + 2);
    seed = body->getArgument(paramCount + 3);
    step = body->getArgument(paramCount + 4);
    firstSample = body->getArgument(paramCount + 5);
  } else {
    scale = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(1.0f));
  }

  if (failed(cloneForward()))
    return failure();

  // Each output's loss, from logits when Keras takes it from them, and
  // its accuracy count, which reads the model's output (a sigmoid's, not
  // its logits: binary accuracy thresholds at 0.5). The gradient of
  // weight_i · loss_i is the loss's gradient with its scale times weight_i.
  SmallVector<Value> outputStats;
  Value total;
  bool weighted = several || config.outputs.front().weight != 1.0;
  for (auto [out, p] : llvm::zip_equal(config.outputs, predictions)) {
    Value outputScale = scale, weight;
    if (out.weight != 1.0) {
      weight = b.create<arith::ConstantOp>(
          loc, b.getF32FloatAttr(static_cast<float>(out.weight)));
      outputScale = b.create<arith::MulFOp>(loc, scale, weight);
    }
    Operation *lossOp = createLoss(b, loc, out.loss, p.fromLogits, p.prediction,
                                   labels, outputScale);
    Value correct = b.create<CountCorrectOp>(loc, scalar, p.modelOutput, labels)
                        .getResult();
    if (training)
      addGrad(p.prediction, lossOp->getResult(1));
    Value lossSum = lossOp->getResult(0);
    outputStats.append({lossSum, correct});
    if (!weighted)
      continue;
    // The total in f32, as Keras adds the weighted losses: weight_i ·
    // loss_i, summed in output order.
    Value term = b.create<tensor::ExtractOp>(loc, lossSum);
    if (weight)
      term = b.create<arith::MulFOp>(loc, term, weight);
    total =
        total ? b.create<arith::AddFOp>(loc, total, term).getResult() : term;
  }
  Value lossSum = outputStats.front();
  if (weighted)
    lossSum = b.create<tensor::FromElementsOp>(loc, scalar, total);
  Value correct = outputStats[1];
  if (!several)
    outputStats.clear();
  lossSum = addActivityPenalties(lossSum);
  if (!training) {
    SmallVector<Value> returned{addWeightPenalties(lossSum), correct};
    llvm::append_range(returned, outputStats);
    b.create<func::ReturnOp>(loc, returned);
    return success();
  }

  for (Operation *op : llvm::reverse(ops)) {
    Value outputGrad = gradOf(op->getResult(0));
    if (!outputGrad)
      continue; // nothing downstream of it reaches the loss
    if (failed(backward(op, outputGrad)))
      return failure();
  }
  SmallVector<Value> returned{addWeightPenalties(lossSum), correct};

  for (unsigned i = 0; i < paramCount; ++i) {
    Value param = body->getArgument(i + 2);
    // A moving statistic's slot carries its next value, marked so that the
    // runtime moves it into the parameter (and zeroes the slot the
    // optimizer reads).
    if (Value next = nextValues.lookup(param)) {
      function.setResultAttr(returned.size(), CnnDialect::kNextValueAttrName,
                             b.getUnitAttr());
      returned.push_back(next);
      continue;
    }
    Value grad = gradOf(param);
    // A weight Keras does not train (a frozen layer's, BN's moving
    // statistics) gets a zero gradient: with optimizer state that starts at
    // zero, Adam, SGD and RMSprop then leave it exactly as it is. The
    // backward ops that computed its gradient die with it.
    auto trainable = function.getArgAttrOfType<BoolAttr>(
        i + 2, CnnDialect::kTrainableAttrName);
    if (trainable && !trainable.getValue())
      grad = nullptr;
    if (!grad) // an unused parameter: its gradient is zero
      grad = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(cast<ShapedType>(param.getType()), 0.0f));
    returned.push_back(grad);
  }
  llvm::append_range(returned, outputStats);
  b.create<func::ReturnOp>(loc, returned);
  return success();
}

LogicalResult StepBuilder::cloneForward() {
  Operation *ret = forward.getBody().front().getTerminator();
  // With a softmax output and a crossentropy loss Keras computes the loss
  // from the softmax's input (logits); from_logits=True says the output
  // itself is the logits. Likewise any crossentropy on a sigmoid output:
  // Keras's sigmoid and softmax activations both keep their logits on the
  // output (`_keras_logits`), and tf.keras 2's and Keras 3's crossentropies
  // take whichever logits they find, with the loss's own logit form —
  // binary_crossentropy as sigmoid crossentropy, (sparse) categorical as
  // softmax crossentropy of the sigmoid's input. The sigmoid stays, for the
  // accuracy (and an activity penalty), but the loss skips it. The loss reads
  // the final op's input (the logits); the op itself is left out of the step
  // when nothing else reads it (a softmax: the accuracy's argmax is the
  // logits'), and kept for another layer or output that reads it, whose
  // gradient then flows through it. Keras does so with from_logits=True too (it
  // warns "received from_logits=True, but the output argument was produced by a
  // Softmax activation" and takes the logits the softmax or sigmoid keeps),
  // rather than apply a second softmax.
  SmallPtrSet<Operation *, 4> skippedSoftmaxes;
  SmallVector<Operation *> finalOps;
  for (auto [out, result] :
       llvm::zip_equal(config.outputs, ret->getOperands())) {
    Operation *finalOp = nullptr;
    bool binary = out.loss == Loss::BinaryCrossentropy;
    if (out.loss != Loss::MeanSquaredError) {
      // A softmax whose output is regularized stays: the penalty needs it.
      if (auto softmax = result.getDefiningOp<SoftmaxOp>();
          softmax && !binary && softmax.getPositiveAxis() == 1 &&
          !softmax->hasAttr(CnnDialect::kActivityRegularizerAttrName)) {
        finalOp = softmax;
        if (result.hasOneUse())
          skippedSoftmaxes.insert(softmax);
      }
      if (auto sigmoid = result.getDefiningOp<SigmoidOp>())
        finalOp = sigmoid;
    }
    finalOps.push_back(finalOp);
    Prediction p;
    p.fromLogits =
        out.loss != Loss::MeanSquaredError && (out.fromLogits || finalOp);
    predictions.push_back(p);
  }

  // Each dropout layer draws from its own stream, in the forward's order.
  int64_t dropoutStream = 0;
  auto drawMask = [&](Operation *op, Value x, FloatAttr rate,
                      UnitAttr spatial) {
    return b.create<DropoutMaskOp>(
        op->getLoc(), x.getType(), x, seed, step, firstSample, rate,
        b.getI64IntegerAttr(dropoutStream++), spatial);
  };
  for (Operation &op : forward.getBody().front().without_terminator()) {
    if (skippedSoftmaxes.contains(&op)) {
      mapping.map(op.getResult(0), mapping.lookup(op.getOperand(0)));
      continue;
    }
    if (isa<FusedConv2DOp>(op))
      return op.emitError("--cnn-build-train-step runs before fusion: "
                          "cnn.fused_conv2d has no backward op");
    // Identities outside training; in training Keras draws noise, which
    // cnnc does not (yet): refused at the layer rather than ignored.
    if (isa<GaussianNoiseOp, GaussianDropoutOp>(op)) {
      if (training)
        return op.emitError()
               << "'" << op.getName()
               << "' draws Gaussian noise in training, which cnnc does not "
                  "implement yet (such a model predicts and exports, but "
                  "cnnc neither trains nor evaluates it)";
      mapping.map(op.getResult(0), mapping.lookup(op.getOperand(0)));
      continue;
    }
    // Keras's augmentation layers: identities outside training; in
    // training Keras draws each image's transformation from TensorFlow's
    // generators, which cnnc does not reproduce, so it refuses rather than
    // train on something else (keras-semantics.md, "Augmentation layers").
    // `cnnc eval` compiles this pass whole, so it is refused too.
    if (auto augment = dyn_cast<RandomAugmentationOp>(op)) {
      if (training) {
        auto layer = op.getAttrOfType<LayerAttr>(CnnDialect::kLayerAttrName);
        return op.emitError()
               << (layer ? (layer.getClassName() + " '" + layer.getName() + "'")
                               .str()
                         : std::string("'cnn.random_augmentation'"))
               << " augments its images in training with TensorFlow's "
                  "random draws, which cnnc does not reproduce: cnnc "
                  "predicts with and exports this model, but neither "
                  "trains nor evaluates it (remove the layer to train "
                  "without augmentation)";
      }
      mapping.map(op.getResult(0), mapping.lookup(augment.getInput()));
      continue;
    }
    // A trainable BatchNormalization normalizes with the batch's
    // statistics in training; a frozen one (and every one in @evaluate)
    // with the moving statistics, which is the op as it is.
    if (auto bn = dyn_cast<BatchNormOp>(op);
        bn && training && !bn.getFrozen()) {
      // A shared layer's calls take one set of moving statistics, which
      // Keras moves once per call, each from the last; cnnc's step gives
      // each statistic one next value, so it refuses rather than drop one.
      if (nextValues.count(mapping.lookup(bn.getMovingMean()))) {
        auto layer = op.getAttrOfType<LayerAttr>(CnnDialect::kLayerAttrName);
        return op.emitError()
               << "BatchNormalization '"
               << (layer ? layer.getName() : StringRef("?"))
               << "' is called more than once (a shared layer): cnnc does "
                  "not train a shared BatchNormalization, whose moving "
                  "statistics each call moves (freeze it, trainable=False, "
                  "to train the rest)";
      }
      cloneWithBatchStatistics(bn);
      continue;
    }
    if (auto alpha = dyn_cast<AlphaDropoutOp>(op)) {
      Value x = mapping.lookup(alpha.getInput());
      if (!training) {
        mapping.map(op.getResult(0), x);
        continue;
      }
      // Training mode: Dropout's draw decides which elements Keras's
      // affine rescaling keeps and which it sets to alpha'.
      auto mask = drawMask(&op, x, alpha.getRateAttr(), UnitAttr());
      auto apply = b.create<AlphaDropoutApplyOp>(op.getLoc(), x.getType(), x,
                                                 mask, alpha.getRateAttr());
      mapping.map(op.getResult(0), apply.getResult());
      ops.push_back(apply);
      continue;
    }
    if (auto dropout = dyn_cast<DropoutOp>(op); dropout && !training) {
      mapping.map(op.getResult(0), mapping.lookup(dropout.getInput()));
      continue;
    }
    if (auto dropout = dyn_cast<DropoutOp>(op)) {
      // Training mode: a drawn mask, survivors scaled by 1 / (1 - rate).
      Value x = mapping.lookup(dropout.getInput());
      auto mask =
          drawMask(&op, x, dropout.getRateAttr(), dropout.getSpatialAttr());
      auto multiply = b.create<MultiplyOp>(op.getLoc(), x.getType(), x, mask);
      dropoutMasks[multiply] = mask;
      mapping.map(op.getResult(0), multiply.getResult());
      ops.push_back(multiply);
      continue;
    }
    ops.push_back(b.clone(op, mapping));
  }
  for (auto [p, result, finalOp] :
       llvm::zip_equal(predictions, ret->getOperands(), finalOps)) {
    p.modelOutput = mapping.lookup(result);
    p.prediction =
        finalOp ? mapping.lookup(finalOp->getOperand(0)) : p.modelOutput;
  }
  return success();
}

static FloatAttr factor(DictionaryAttr regularizer, StringRef key) {
  return regularizer.getAs<FloatAttr>(key);
}

Value StepBuilder::addWeightPenalties(Value lossSum) {
  Location loc = forward.getLoc();
  // The runtime divides the loss sum by the batch's size, and adds up the
  // gradients of the parts of a batch: a weight's penalty enters each part
  // in proportion to its samples, which adds up to once per batch.
  Value samples, share;
  Block &body = function.getBody().front();
  unsigned paramCount = forward.getNumArguments() - 1;
  for (unsigned i = 2; i < paramCount + 2; ++i) {
    auto regularizer = function.getArgAttrOfType<DictionaryAttr>(
        i, CnnDialect::kRegularizerAttrName);
    auto trainable =
        function.getArgAttrOfType<BoolAttr>(i, CnnDialect::kTrainableAttrName);
    // Keras 3 sums the penalties of the trainable weights only.
    if (!regularizer || (trainable && !trainable.getValue()))
      continue;
    if (!samples) {
      Value n = b.create<tensor::DimOp>(loc, input, 0);
      samples = b.create<arith::UIToFPOp>(
          loc, b.getF32Type(),
          b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), n));
      share = b.create<arith::MulFOp>(loc, samples, scale);
    }
    Value param = body.getArgument(i);
    auto penalty = b.create<PenaltyOp>(
        loc, lossSum.getType(), param.getType(), param, lossSum, samples, share,
        training ? gradOf(param) : Value(), factor(regularizer, "l1"),
        factor(regularizer, "l2"));
    lossSum = penalty.getLoss();
    if (training)
      grads[param] = penalty.getInputGrad();
  }
  return lossSum;
}

Value StepBuilder::addActivityPenalties(Value lossSum) {
  // An activity penalty is a sum over the samples, which tf.keras divides
  // by the batch's size: as the data loss, per sample.
  Value one;
  for (Operation *op : ops) {
    auto regularizer = op->getAttrOfType<DictionaryAttr>(
        CnnDialect::kActivityRegularizerAttrName);
    if (!regularizer)
      continue;
    if (!one)
      one = b.create<arith::ConstantOp>(forward.getLoc(),
                                        b.getF32FloatAttr(1.0f));
    Value output = op->getResult(0);
    auto penalty = b.create<PenaltyOp>(
        op->getLoc(), lossSum.getType(), output.getType(), output, lossSum, one,
        scale, Value(), factor(regularizer, "l1"), factor(regularizer, "l2"));
    lossSum = penalty.getLoss();
    if (training)
      addGrad(output, penalty.getInputGrad());
  }
  return lossSum;
}

void StepBuilder::cloneWithBatchStatistics(BatchNormOp bn) {
  // Keras normalizes with the mean and biased variance of the whole batch
  // this call sees, and moves the moving statistics towards them; the
  // runtime gives such a model's batch to one call (docs/compiler.md §5).
  Location loc = bn.getLoc();
  Value x = mapping.lookup(bn.getInput());
  Type channels = bn.getMovingMean().getType();
  auto moments = b.create<BatchMomentsOp>(loc, channels, channels, x);
  Value mean = moments.getMean(), variance = moments.getVariance();
  auto lookup = [&](Value v) { return v ? mapping.lookup(v) : Value(); };
  auto normalized = b.create<BatchNormOp>(
      loc, x, lookup(bn.getGamma()), lookup(bn.getBeta()), mean, variance,
      bn.getEpsilonAttr(), bn.getMomentumAttr(), UnitAttr());
  normalized->setAttrs(bn->getDiscardableAttrDictionary());
  mapping.map(bn.getResult(), normalized.getResult());
  ops.push_back(normalized);
  batchStatistics[normalized] = {mean, variance};
  for (auto [moving, batch] : {std::pair(bn.getMovingMean(), mean),
                               std::pair(bn.getMovingVariance(), variance)})
    nextValues[mapping.lookup(moving)] =
        b.create<MovingAverageOp>(loc, moving.getType(), mapping.lookup(moving),
                                  batch, bn.getMomentumAttr());
}

void StepBuilder::addGrad(Value value, Value grad) {
  // A value used by several layers (a graph's fan-out, a tensor merged with
  // itself) gets the sum of their gradients, in the order the backward pass
  // reaches them.
  Value &slot = grads[value];
  if (!slot) {
    slot = grad;
    return;
  }
  // cnn.merge adds activations, tensors of rank 2 or more; a parameter of
  // rank 1 (the biases of a shared layer, whose calls' gradients add up)
  // is added as a (1, n) tensor.
  Location loc = grad.getLoc();
  auto type = cast<RankedTensorType>(grad.getType());
  SmallVector<ReassociationIndices> rows = {{0, 1}};
  auto wide = [&](Value v) -> Value {
    if (type.getRank() != 1)
      return v;
    auto wideType =
        RankedTensorType::get({1, type.getDimSize(0)}, type.getElementType());
    return b.create<tensor::ExpandShapeOp>(loc, wideType, v, rows);
  };
  Value lhs = wide(slot), rhs = wide(grad);
  Value sum = b.create<MergeOp>(loc, lhs.getType(), MergeKind::add,
                                ValueRange{lhs, rhs})
                  .getResult();
  if (type.getRank() == 1)
    sum = b.create<tensor::CollapseShapeOp>(loc, type, sum, rows);
  slot = sum;
}

LogicalResult StepBuilder::backward(Operation *op, Value dy) {
  Location loc = op->getLoc();
  auto poolKindAttr = [&](PoolKind kind) {
    return PoolKindAttr::get(b.getContext(), kind);
  };
  auto activation = [&](ActivationKind kind) {
    Value y = op->getResult(0);
    addGrad(op->getOperand(0),
            b.create<ActivationGradOp>(
                loc, y.getType(), ActivationKindAttr::get(b.getContext(), kind),
                y, dy));
    return success();
  };
  auto pool = [&](auto poolOp, PoolKind kind) {
    Value x = poolOp.getInput();
    addGrad(x, b.create<Pool2DGradOp>(
                   loc, x.getType(), poolKindAttr(kind), x, dy,
                   poolOp.getPoolSizeAttr(),
                   b.getDenseI64ArrayAttr(poolOp.getEffectiveStrides()),
                   poolOp.getPaddingAttr()));
    return success();
  };
  auto globalPool = [&](auto poolOp, PoolKind kind) {
    Value x = poolOp.getInput();
    addGrad(x, b.create<GlobalPool2DGradOp>(loc, x.getType(),
                                            poolKindAttr(kind), x, dy));
    return success();
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp conv) {
        Value x = conv.getInput(), kernel = conv.getKernel();
        addGrad(kernel, b.create<Conv2DKernelGradOp>(
                            loc, kernel.getType(), x, dy, conv.getStridesAttr(),
                            conv.getDilationAttr(), conv.getPaddingAttr()));
        if (Value bias = conv.getBias())
          addGrad(bias, b.create<BiasGradOp>(loc, bias.getType(), dy));
        if (wantsGrad(x))
          addGrad(x, b.create<Conv2DInputGradOp>(
                         loc, x.getType(), dy, kernel, conv.getStridesAttr(),
                         conv.getDilationAttr(), conv.getPaddingAttr()));
        return success();
      })
      .Case([&](DenseOp dense) {
        Value x = dense.getInput(), kernel = dense.getKernel();
        addGrad(kernel,
                b.create<DenseKernelGradOp>(loc, kernel.getType(), x, dy));
        if (Value bias = dense.getBias())
          addGrad(bias, b.create<BiasGradOp>(loc, bias.getType(), dy));
        if (wantsGrad(x))
          addGrad(x, b.create<DenseInputGradOp>(loc, x.getType(), dy, kernel));
        return success();
      })
      .Case([&](MaxPool2DOp p) { return pool(p, PoolKind::max); })
      .Case([&](AvgPool2DOp p) { return pool(p, PoolKind::avg); })
      .Case([&](MinPool2DOp p) { return pool(p, PoolKind::min); })
      .Case([&](GlobalMaxPool2DOp p) { return globalPool(p, PoolKind::max); })
      .Case([&](GlobalAvgPool2DOp p) { return globalPool(p, PoolKind::avg); })
      .Case([&](GlobalMinPool2DOp p) { return globalPool(p, PoolKind::min); })
      .Case([&](Crop2DOp crop) {
        Value x = crop.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<Crop2DGradOp>(loc, x.getType(), dy));
        return success();
      })
      .Case([&](FlattenOp flatten) {
        Value x = flatten.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<ReshapeOp>(loc, x.getType(), dy));
        return success();
      })
      .Case([&](MultiplyOp multiply) {
        // A dropout: the gradient goes through the same mask.
        Value mask = dropoutMasks.lookup(multiply);
        assert(mask && "multiply ops here come from dropout");
        addGrad(multiply.getLhs(),
                b.create<MultiplyOp>(loc, dy.getType(), dy, mask));
        return success();
      })
      .Case([&](ReluOp) { return activation(ActivationKind::relu); })
      .Case([&](SigmoidOp) { return activation(ActivationKind::sigmoid); })
      .Case([&](TanhOp) { return activation(ActivationKind::tanh); })
      .Case([&](ApplyActivationOp act) {
        Value x = act.getInput();
        addGrad(x, b.create<ApplyActivationGradOp>(
                       loc, x.getType(), act.getFunctionAttr(), x, dy,
                       act.getAlphaAttr(), act.getMaxValueAttr(),
                       act.getThresholdAttr()));
        return success();
      })
      .Case([&](PReluOp prelu) {
        Value x = prelu.getInput(), alpha = prelu.getAlpha();
        addGrad(alpha, b.create<PReluAlphaGradOp>(loc, alpha.getType(), x, dy));
        if (wantsGrad(x))
          addGrad(x,
                  b.create<PReluInputGradOp>(loc, x.getType(), x, alpha, dy));
        return success();
      })
      .Case([&](ZeroPadding2DOp pad) {
        Value x = pad.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<Cropping2DOp>(loc, x.getType(), dy,
                                            pad.getPaddingAttr()));
        return success();
      })
      .Case([&](Cropping2DOp crop) {
        Value x = crop.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<ZeroPadding2DOp>(loc, x.getType(), dy,
                                               crop.getCroppingAttr()));
        return success();
      })
      .Case([&](ReshapeOp reshape) {
        Value x = reshape.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<ReshapeOp>(loc, x.getType(), dy));
        return success();
      })
      .Case([&](AlphaDropoutApplyOp apply) {
        Value x = apply.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<AlphaDropoutGradOp>(loc, x.getType(), dy,
                                                  apply.getMask(),
                                                  apply.getRateAttr()));
        return success();
      })
      .Case([&](PermuteOp permute) {
        // A transpose: dy goes back through the inverse permutation.
        Value x = permute.getInput();
        if (!wantsGrad(x))
          return success();
        ArrayRef<int64_t> dims = permute.getDims();
        SmallVector<int64_t> inverse(dims.size());
        for (auto [i, d] : llvm::enumerate(dims))
          inverse[d - 1] = static_cast<int64_t>(i) + 1;
        addGrad(x, b.create<PermuteOp>(loc, x.getType(), dy,
                                       b.getDenseI64ArrayAttr(inverse)));
        return success();
      })
      .Case([&](RescalingOp rescaling) {
        Value x = rescaling.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<RescalingOp>(loc, x.getType(), dy,
                                           rescaling.getScaleAttr(),
                                           b.getF64FloatAttr(0.0)));
        return success();
      })
      .Case([&](BatchNormOp bn) {
        auto statistics = batchStatistics.find(bn);
        if (statistics != batchStatistics.end()) {
          // Normalized with the batch's statistics, which depend on every
          // element of the channel: the gradient flows through them.
          Value x = bn.getInput();
          auto [mean, variance] = statistics->second;
          auto grads = b.create<BatchNormGradOp>(
              loc, TypeRange{mean.getType(), mean.getType(), x.getType()}, x,
              dy, bn.getGamma(), mean, variance, bn.getEpsilonAttr());
          if (Value gamma = bn.getGamma())
            addGrad(gamma, grads.getGammaGrad());
          if (Value beta = bn.getBeta())
            addGrad(beta, grads.getBetaGrad());
          if (wantsGrad(x))
            addGrad(x, grads.getInputGrad());
          return success();
        }
        // Inference mode (a frozen layer): y = (x - mean) * s + beta is
        // affine in x, so dx = dy * s, which is batch_norm of dy with a zero
        // mean and no beta. Its parameters are not trained.
        Value x = bn.getInput();
        if (!wantsGrad(x))
          return success();
        auto channels = cast<RankedTensorType>(bn.getMovingMean().getType());
        Value zeros = b.create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(channels, 0.0f));
        addGrad(x, b.create<BatchNormOp>(
                       loc, dy, bn.getGamma(), Value(), zeros,
                       bn.getMovingVariance(), bn.getEpsilonAttr(),
                       bn.getMomentumAttr(), bn.getFrozenAttr()));
        return success();
      })
      .Case([&](LayerNormOp ln) {
        // Each sample's own statistics, in training as in inference: the
        // gradient flows through them (CnnNormalizationTrainingOps.td).
        Value x = ln.getInput(), gamma = ln.getGamma(), beta = ln.getBeta();
        if (gamma || beta) {
          Type params = (gamma ? gamma : beta).getType();
          auto sums = b.create<LayerNormParamGradOp>(loc, params, params, x, dy,
                                                     ln.getAxisAttr(),
                                                     ln.getEpsilonAttr());
          if (gamma)
            addGrad(gamma, sums.getGammaGrad());
          if (beta)
            addGrad(beta, sums.getBetaGrad());
        }
        if (wantsGrad(x))
          addGrad(x, b.create<LayerNormInputGradOp>(loc, x.getType(), x, dy,
                                                    gamma, ln.getAxisAttr(),
                                                    ln.getEpsilonAttr()));
        return success();
      })
      .Case([&](MergeOp merge) {
        for (auto [index, x] : llvm::enumerate(merge.getInputs()))
          if (wantsGrad(x))
            addGrad(x, b.create<MergeGradOp>(
                           loc, x.getType(), merge.getKindAttr(),
                           b.getI64IntegerAttr(index), dy, merge.getInputs()));
        return success();
      })
      .Case([&](ConcatenateOp concatenate) {
        int64_t axis = concatenate.getPositiveAxis(), offset = 0;
        for (Value x : concatenate.getInputs()) {
          if (wantsGrad(x))
            addGrad(x, b.create<ConcatenateGradOp>(
                           loc, x.getType(), dy, b.getI64IntegerAttr(axis),
                           b.getI64IntegerAttr(offset)));
          offset += cast<RankedTensorType>(x.getType()).getDimSize(axis);
        }
        return success();
      })
      .Case([&](LinearOp linear) {
        addGrad(linear.getInput(), dy);
        return success();
      })
      .Case([&](SoftmaxOp softmax) {
        Value y = softmax.getOutput();
        addGrad(softmax.getInput(),
                b.create<SoftmaxGradOp>(
                    loc, y.getType(), y, dy,
                    b.getI64IntegerAttr(softmax.getPositiveAxis())));
        return success();
      })
      .Case([&](DepthwiseConv2DOp conv) {
        Value x = conv.getInput(), kernel = conv.getKernel();
        addGrad(kernel, b.create<DepthwiseConv2DKernelGradOp>(
                            loc, kernel.getType(), x, dy, conv.getStridesAttr(),
                            conv.getDilationAttr(), conv.getPaddingAttr()));
        if (Value bias = conv.getBias())
          addGrad(bias, b.create<BiasGradOp>(loc, bias.getType(), dy));
        if (wantsGrad(x))
          addGrad(x, b.create<DepthwiseConv2DInputGradOp>(
                         loc, x.getType(), dy, kernel, conv.getStridesAttr(),
                         conv.getDilationAttr(), conv.getPaddingAttr()));
        return success();
      })
      .Case([&](Conv2DTransposeOp conv) {
        // The transpose of conv2d(., K): its input gradient is conv2d(dy,
        // K), its kernel gradient conv2d's with input and output swapped.
        Value x = conv.getInput(), kernel = conv.getKernel();
        auto unit = b.getDenseI64ArrayAttr({1, 1});
        addGrad(kernel, b.create<Conv2DKernelGradOp>(
                            loc, kernel.getType(), dy, x, conv.getStridesAttr(),
                            unit, conv.getPaddingAttr()));
        if (Value bias = conv.getBias())
          addGrad(bias, b.create<BiasGradOp>(loc, bias.getType(), dy));
        if (wantsGrad(x))
          addGrad(x, b.create<Conv2DOp>(loc, x.getType(), dy, kernel, Value(),
                                        conv.getStridesAttr(), unit,
                                        conv.getPaddingAttr()));
        return success();
      })
      .Case([&](UpSampling2DOp up) -> LogicalResult {
        if (up.getBilinear())
          return up.emitError()
                 << "UpSampling2D with 'bilinear' interpolation has no "
                    "gradient in cnnc yet (it predicts and exports; train "
                    "with 'nearest')";
        Value x = up.getInput();
        if (wantsGrad(x))
          addGrad(x, b.create<UpSampling2DGradOp>(loc, x.getType(), dy,
                                                  up.getSizeAttr()));
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitError()
               << "'" << other->getName() << "' has no backward op";
      });
}

/// Writes @apply_gradients: the optimizer update on the parameters laid end
/// to end, or on a contiguous part of them. Its arguments are memrefs from
/// the start, updated in place.
void buildApplyGradients(func::FuncOp forward, const TrainingConfig &config) {
  OpBuilder b(forward.getContext());
  Location loc = forward.getLoc();
  int64_t count = 0;
  for (Type param : forward.getArgumentTypes().drop_front())
    count += cast<ShapedType>(param).getNumElements();
  int64_t slots = optimizerSlotCount(config.optimizer.getKind());
  Type f32 = b.getF32Type();
  // A part of the parameters, so that threads can update their parts at
  // once: `part` values from some offset (the caller points at it), whose
  // state and gradient rows keep the whole vector's stride.
  int64_t part = ShapedType::kDynamic;
  auto rows = StridedLayoutAttr::get(b.getContext(), 0, {count, 1});
  auto paramsType = MemRefType::get({part}, f32);
  auto stateType = MemRefType::get({slots, part}, f32, rows);
  auto gradsType = MemRefType::get({ShapedType::kDynamic, part}, f32, rows);

  b.setInsertionPointToEnd(forward->getParentOfType<ModuleOp>().getBody());
  auto function = b.create<func::FuncOp>(
      loc, "apply_gradients",
      b.getFunctionType({paramsType, stateType, gradsType, b.getI64Type()},
                        {}));
  Block *body = function.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto asTensor = [&](unsigned i, bool writable) -> Value {
    return b.create<bufferization::ToTensorOp>(loc, body->getArgument(i),
                                               /*restrict=*/true, writable);
  };
  Value params = asTensor(0, true), state = asTensor(1, true),
        grads = asTensor(2, false), iteration = body->getArgument(3);

  auto f64 = [&](StringRef name) {
    return b.getNamedAttr(name, b.getF64FloatAttr(config.get(name)));
  };
  SmallVector<NamedAttribute> attrs{f64("learning_rate")};
  OperationState update(loc, "");
  switch (config.optimizer.getKind()) {
  case OptimizerKind::Adam:
    update = OperationState(loc, AdamUpdateOp::getOperationName());
    attrs.append({f64("beta_1"), f64("beta_2"), f64("epsilon")});
    break;
  case OptimizerKind::SGD:
    update = OperationState(loc, SGDUpdateOp::getOperationName());
    attrs.append({f64("momentum"),
                  b.getNamedAttr("nesterov",
                                 b.getBoolAttr(config.get("nesterov") != 0))});
    break;
  case OptimizerKind::RMSprop:
    update = OperationState(loc, RMSpropUpdateOp::getOperationName());
    attrs.append({f64("rho"), f64("epsilon")});
    break;
  }
  update.addOperands({params, state, grads, iteration});
  update.addTypes({params.getType(), state.getType()});
  update.addAttributes(attrs);
  Operation *op = b.create(update);
  for (unsigned i = 0; i < 2; ++i)
    b.create<bufferization::MaterializeInDestinationOp>(
        loc, TypeRange{}, op->getResult(i), body->getArgument(i),
        /*restrict=*/true, /*writable=*/true);
  b.create<func::ReturnOp>(loc);
}

struct BuildTrainStep : cnnc::impl::BuildTrainStepBase<BuildTrainStep> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // A module marked as a model verified its contract.
    if (!isModel(module)) {
      module.emitError("--cnn-build-train-step needs a cnn model: a module "
                       "marked 'cnn.model'");
      return signalPassFailure();
    }
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    // Several outputs train on the same labels; several inputs would need
    // as many image sets, which cnnc's datasets do not have.
    if (unsigned inputs = numModelInputs(forward); inputs != 1) {
      forward.emitError() << "training takes models of one input so far; "
                             "this one has "
                          << inputs << " inputs";
      return signalPassFailure();
    }
    if (module.lookupSymbol("train_gradients") ||
        module.lookupSymbol("apply_gradients") ||
        module.lookupSymbol("evaluate")) {
      module.emitError("the module already has a training step");
      return signalPassFailure();
    }
    TrainingConfig config(getTraining(module));
    if (failed(readOutputLosses(module, forward, getTraining(module), config)))
      return signalPassFailure();
    if (failed(StepBuilder(forward, config, /*training=*/true).build()) ||
        failed(StepBuilder(forward, config, /*training=*/false).build()))
      return signalPassFailure();
    buildApplyGradients(forward, config);
  }
};

} // namespace
