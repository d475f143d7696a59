//===- EmitModelInfo.cpp - The model's description, as a global -----------===//
//
// This file implements --cnn-emit-model-info: adds the constant C string
// `cnnc_model_info` (runtime/model/ModelInfo.h) describing the module's
// shapes, parameters and training step, so that the runtime can drive the
// compiled code, JIT or object, from the code alone.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/reports/ModelDescription.h"
#include "dialects/cnn/ModelContract.h"

namespace cnnc {
#define GEN_PASS_DEF_EMITMODELINFO
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct EmitModelInfo : cnnc::impl::EmitModelInfoBase<EmitModelInfo> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // A module marked as a model verified its contract.
    if (!cnn::isModel(module)) {
      module.emitError("--cnn-emit-model-info needs a cnn model: a module "
                       "marked 'cnn.model'");
      return signalPassFailure();
    }
    // The description (and the runtime that reads it) has one output.
    if (failed(cnn::verifySingleOutput(module, "compiled code")))
      return signalPassFailure();
    if (module.lookupSymbol("cnnc_model_info")) {
      module.emitError("the module already has a 'cnnc_model_info'");
      return signalPassFailure();
    }
    std::string text = cnnc::formatModelInfo(cnnc::describeModel(module));
    text.push_back('\0');
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    b.create<LLVM::GlobalOp>(module.getLoc(), type, /*isConstant=*/true,
                             LLVM::Linkage::External, "cnnc_model_info",
                             b.getStringAttr(text));
  }
};

} // namespace
