//===- ModelParams.cpp - A model's parameters from its initializers -------===//
//
// The runtime's initializeParams on the model's description, so that the
// JIT's `cnnc predict`, `cnnc train` and an AOT-built trainer draw the same
// weights from one seed.
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelParams.h"
#include "compiler/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace cnnc;

LogicalResult cnnc::initializeParams(func::FuncOp forward, uint64_t seed,
                                     std::vector<std::vector<float>> &params) {
  ModelInfo info = describeModel(forward->getParentOfType<ModuleOp>());
  std::vector<float> flat;
  std::string error;
  if (!initializeParams(info, seed, flat, error))
    return emitError(forward.getLoc()) << error;
  params.clear();
  const float *p = flat.data();
  for (const ParamInfo &param : info.params) {
    params.emplace_back(p, p + param.elements());
    p += param.elements();
  }
  return success();
}
