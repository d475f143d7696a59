//===- cnnc-opt.cpp - mlir-opt with the cnn dialect and cnnc's passes -----===//
//
// Runs any upstream pass or cnnc pass on `.mlir` files, as mlir-opt does:
// the tool behind every pass test in test/. `--cnn-pipeline` runs what
// `cnnc --emit=STAGE` runs.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/backend/Pipeline.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  cnnc::registerCnncPasses();
  cnnc::registerPipeline();

  mlir::DialectRegistry registry;
  cnnc::registerPipelineDialects(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "cnnc optimizer driver\n", registry));
}
