//===- ModelSignature.cpp - What the pipeline accepts as a model ----------===//

#include "compiler/ModelSignature.h"

#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

/// An activation: f32, ranked, the batch dynamic (a caller splits batches
/// across threads, so the code must not assume one).
static bool isBatchedTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32() && tensor.getRank() >= 1 &&
         tensor.isDynamicDim(0) &&
         llvm::count_if(tensor.getShape(), ShapedType::isDynamic) == 1;
}

LogicalResult cnnc::verifyModelSignature(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal())
    return module.emitError(
        "the module has no model: expected a 'func.func @forward' with a body");
  FunctionType type = forward.getFunctionType();
  if (type.getNumInputs() < 1 || !isBatchedTensor(type.getInput(0)))
    return forward.emitError(
        "@forward's first argument must be the input: an f32 tensor whose "
        "only dynamic dimension is the batch (e.g. tensor<?x28x28x1xf32>)");
  int64_t paramCount = 0;
  for (unsigned i = 1; i < type.getNumInputs(); ++i) {
    auto param = dyn_cast<RankedTensorType>(type.getInput(i));
    if (!param || !param.hasStaticShape() || !param.getElementType().isF32())
      return forward.emitError()
             << "@forward's argument " << i
             << " must be a parameter: a statically shaped f32 tensor, not "
             << type.getInput(i);
    // Bounded per tensor so that the sum cannot overflow.
    int64_t count = 1;
    for (int64_t dim : param.getShape()) {
      if (dim > cnn::kMaxDimSize)
        return forward.emitError() << "@forward's argument " << i << " "
                                   << param << " is too large";
      count *= dim;
      if (count > cnn::kMaxModelParams)
        break;
    }
    paramCount += std::min(count, cnn::kMaxModelParams + 1);
    if (paramCount > cnn::kMaxModelParams)
      return forward.emitError()
             << "the model has more than " << cnn::kMaxModelParams
             << " parameters, more than cnnc supports";
  }
  if (type.getNumResults() != 1 || !isBatchedTensor(type.getResult(0)))
    return forward.emitError(
        "@forward must return one f32 tensor whose only dynamic dimension "
        "is the batch");
  for (Operation &op : forward.getBody().front()) {
    if (isa<cnn::CnnDialect>(op.getDialect()) || isa<func::ReturnOp>(op))
      continue;
    return op.emitError() << "'" << op.getName()
                          << "' is not a cnn op: @forward may hold only cnn "
                             "ops and its return";
  }
  return success();
}
