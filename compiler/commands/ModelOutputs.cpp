//===- ModelOutputs.cpp - A graph model's outputs, one module each --------===//

#include "compiler/commands/ModelOutputs.h"

#include "dialects/cnn/CnnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace cnnc;

/// The Keras name of the layer or input that computes `value`.
static std::string outputName(func::FuncOp forward, Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto name = forward.getArgAttrOfType<StringAttr>(
        arg.getArgNumber(), cnn::CnnDialect::kInputAttrName);
    return name ? name.str() : "input";
  }
  auto layer = value.getDefiningOp()->getAttrOfType<cnn::LayerAttr>(
      cnn::CnnDialect::kLayerAttrName);
  return layer ? layer.getName().str() : "output";
}

std::vector<ModelOutput> cnnc::splitModelOutputs(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  unsigned count = forward.getFunctionType().getNumResults();
  std::vector<ModelOutput> outputs;
  for (unsigned i = 0; i < count; ++i) {
    ModelOutput output;
    output.module = module.clone();
    auto copy = output.module->lookupSymbol<func::FuncOp>("forward");
    Operation *ret = copy.getBody().front().getTerminator();
    Value result = ret->getOperand(i);
    output.name = outputName(copy, result);
    ret->setOperands(result);
    copy.setType(FunctionType::get(module.getContext(), copy.getArgumentTypes(),
                                   {result.getType()}));
    // The ops no longer used, last first (cnn ops are pure). Parameters
    // stay: the weights bind to the same arguments in every copy.
    SmallVector<Operation *> ops;
    for (Operation &op : copy.getBody().front().without_terminator())
      ops.push_back(&op);
    for (Operation *op : llvm::reverse(ops))
      if (op->use_empty())
        op->erase();
    outputs.push_back(std::move(output));
  }
  return outputs;
}
