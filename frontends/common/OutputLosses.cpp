//===- OutputLosses.cpp - compile()'s loss and loss_weights per output ----===//
//
// Keras's rules (tf.keras 2 compile_utils.LossesContainer, Keras 3
// CompileLoss): a single loss applies to every output; a list must have
// one entry per output; a dict's keys must be output names. An output a
// dict leaves out, or whose entry is None, has no loss: Keras trains it on
// nothing. Its entry says loss = "none", which --cnn-build-train-step
// refuses (cnnc trains every output; a weight of 0 leaves one out of the
// total); predicting is not affected.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/OutputLosses.h"

#include "dialects/cnn/CnnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace cnnc;

cnn::Loss cnnc::toCnnLoss(KerasLoss loss) {
  switch (loss) {
  case KerasLoss::SparseCategoricalCrossentropy:
    return cnn::Loss::SparseCategoricalCrossentropy;
  case KerasLoss::CategoricalCrossentropy:
    return cnn::Loss::CategoricalCrossentropy;
  case KerasLoss::MSE:
    return cnn::Loss::MeanSquaredError;
  case KerasLoss::BinaryCrossentropy:
    return cnn::Loss::BinaryCrossentropy;
  }
  llvm_unreachable("unknown loss");
}

/// "'dense_1' and 'dense_2'", for messages.
static std::string nameList(const std::vector<std::string> &names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i)
      out += i + 1 == names.size() ? " and " : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

/// Whether entries were given as a list (no names) rather than a dict.
template <typename Entry>
static bool isList(const std::vector<Entry> &entries) {
  return llvm::all_of(entries, [](const Entry &e) { return e.output.empty(); });
}

/// The index of each entry's output, checked; failure after an error.
/// `what` names the argument ("loss", "loss_weights").
template <typename Entry>
static FailureOr<std::vector<size_t>>
matchOutputs(const std::vector<Entry> &entries, const SourceLoc &whole,
             const std::vector<std::string> &names, StringRef what,
             function_ref<Location(const SourceLoc &)> loc) {
  std::vector<size_t> indices;
  if (isList(entries)) {
    if (entries.size() != names.size()) {
      emitError(loc(whole))
          << "compile()'s " << what << " is a list of " << entries.size()
          << (entries.size() == 1 ? " entry" : " entries")
          << ", and the model has " << names.size() << " outputs ("
          << nameList(names) << "): give one per output, in that order";
      return failure();
    }
    for (size_t i = 0; i < entries.size(); ++i)
      indices.push_back(i);
    return indices;
  }
  for (const Entry &entry : entries) {
    auto it = llvm::find(names, entry.output);
    if (it == names.end()) {
      emitError(loc(entry.loc))
          << "compile()'s " << what << " names '" << entry.output
          << "', which is not an output of the model (its outputs are "
          << nameList(names) << ")";
      return failure();
    }
    indices.push_back(size_t(it - names.begin()));
  }
  return indices;
}

FailureOr<ArrayAttr> cnnc::buildOutputLosses(
    const TrainingSpec &training, const std::vector<std::string> &names,
    MLIRContext &context, function_ref<Location(const SourceLoc &)> loc) {
  bool perOutput = names.size() > 1 && !training.outputLosses.empty();
  if (names.size() < 2 && training.lossWeights.empty())
    return ArrayAttr();

  // Every output starts with the model's loss (or Keras's default).
  struct OutputLoss {
    cnn::Loss loss = cnn::Loss::SparseCategoricalCrossentropy;
    bool fromLogits = false;
    bool none = false;
    double weight = 1.0;
  };
  std::vector<OutputLoss> losses(names.size());
  for (OutputLoss &one : losses) {
    if (training.loss)
      one.loss = toCnnLoss(*training.loss);
    one.fromLogits = training.lossFromLogits;
  }
  if (perOutput) {
    FailureOr<std::vector<size_t>> indices = matchOutputs(
        training.outputLosses, training.lossLoc, names, "loss", loc);
    if (failed(indices))
      return failure();
    // An output the dict leaves out, or whose entry is None, has no loss
    // (Keras trains it on nothing); the training step refuses it, and the
    // model still predicts.
    for (OutputLoss &one : losses)
      one.none = true;
    for (auto [entry, index] : llvm::zip(training.outputLosses, *indices)) {
      losses[index].none = !entry.loss;
      if (entry.loss)
        losses[index].loss = toCnnLoss(*entry.loss);
      losses[index].fromLogits = entry.fromLogits;
    }
  }
  if (!training.lossWeights.empty()) {
    FailureOr<std::vector<size_t>> indices =
        matchOutputs(training.lossWeights, training.lossWeightsLoc, names,
                     "loss_weights", loc);
    if (failed(indices))
      return failure();
    for (auto [entry, index] : llvm::zip(training.lossWeights, *indices))
      losses[index].weight = entry.weight;
  }

  Builder b(&context);
  SmallVector<Attribute> entries;
  for (auto [name, one] : llvm::zip(names, losses))
    entries.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("output", b.getStringAttr(name)),
         b.getNamedAttr(
             "loss", b.getStringAttr(one.none ? StringRef("none")
                                              : cnn::stringifyLoss(one.loss))),
         b.getNamedAttr("from_logits", b.getBoolAttr(one.fromLogits)),
         b.getNamedAttr("weight", b.getF64FloatAttr(one.weight))}));
  return b.getArrayAttr(entries);
}
