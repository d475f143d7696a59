//===- ModelContract.cpp - What counts as a model -------------------------===//

#include "dialects/cnn/ModelContract.h"

#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::cnn;

/// An activation: f32, ranked, the batch dynamic (a caller splits batches
/// across threads, so the code must not assume one).
static bool isBatchedTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32() && tensor.getRank() >= 1 &&
         tensor.isDynamicDim(0) &&
         llvm::count_if(tensor.getShape(), ShapedType::isDynamic) == 1;
}

LogicalResult cnn::verifyModelContract(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal())
    return module.emitError(
        "the module has no model: expected a 'func.func @forward' with a body");
  FunctionType type = forward.getFunctionType();
  if (type.getNumInputs() < 1 || !isBatchedTensor(type.getInput(0)))
    return forward.emitError(
        "@forward's first argument must be the input: an f32 tensor whose "
        "only dynamic dimension is the batch (e.g. tensor<?x28x28x1xf32>)");
  // A graph model takes several inputs: the leading batched arguments.
  // Parameters are statically shaped, so the two cannot be confused.
  unsigned numInputs = 1;
  while (numInputs < type.getNumInputs() &&
         isBatchedTensor(type.getInput(numInputs)))
    ++numInputs;
  int64_t paramCount = 0;
  for (unsigned i = numInputs; i < type.getNumInputs(); ++i) {
    auto param = dyn_cast<RankedTensorType>(type.getInput(i));
    if (!param || !param.hasStaticShape() || !param.getElementType().isF32())
      return forward.emitError()
             << "@forward's argument " << i
             << " must be a parameter: a statically shaped f32 tensor, not "
             << type.getInput(i);
    // Bounded per tensor so that the sum cannot overflow.
    int64_t count = 1;
    for (int64_t dim : param.getShape()) {
      if (dim > kMaxDimSize)
        return forward.emitError() << "@forward's argument " << i << " "
                                   << param << " is too large";
      count *= dim;
      if (count > kMaxModelParams)
        break;
    }
    paramCount += std::min(count, kMaxModelParams + 1);
    if (paramCount > kMaxModelParams)
      return forward.emitError()
             << "the model has more than " << kMaxModelParams
             << " parameters, more than cnnc supports";
  }
  if (type.getNumResults() < 1 ||
      !llvm::all_of(type.getResults(), isBatchedTensor))
    return forward.emitError(
        "@forward must return one or more f32 tensors whose only dynamic "
        "dimension is the batch");
  for (Operation &op : forward.getBody().front()) {
    if (isa<CnnDialect>(op.getDialect()) || isa<func::ReturnOp>(op))
      continue;
    return op.emitError() << "'" << op.getName()
                          << "' is not a cnn op: @forward may hold only cnn "
                             "ops and its return";
  }
  return success();
}

unsigned cnn::numModelInputs(Operation *forward) {
  FunctionType type = cast<func::FuncOp>(forward).getFunctionType();
  unsigned count = 0;
  while (count < type.getNumInputs() && isBatchedTensor(type.getInput(count)))
    ++count;
  return count;
}

LogicalResult cnn::verifySingleInputOutput(ModuleOp module, StringRef what) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  unsigned inputs = numModelInputs(forward);
  unsigned outputs = forward.getFunctionType().getNumResults();
  if (inputs == 1 && outputs == 1)
    return success();
  return forward.emitError()
         << what << " takes models of one input and one output so far; this "
         << "one has " << inputs << " input(s) and " << outputs << " output(s)";
}

LogicalResult cnn::verifySingleOutput(ModuleOp module, StringRef what) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  unsigned outputs = forward.getFunctionType().getNumResults();
  if (outputs == 1)
    return success();
  return forward.emitError()
         << what << " takes models of one output so far; this "
         << "one has " << outputs << " outputs";
}

bool cnn::isModel(ModuleOp module) {
  return module->hasAttr(CnnDialect::kModelAttrName);
}

void cnn::markAsModel(ModuleOp module) {
  // The verifier asks a loaded dialect to check its attributes: a module
  // without any cnn op would otherwise go unchecked.
  module.getContext()->getOrLoadDialect<CnnDialect>();
  module->setAttr(CnnDialect::kModelAttrName,
                  UnitAttr::get(module.getContext()));
}
