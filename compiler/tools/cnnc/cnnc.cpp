//===- cnnc.cpp - The cnnc driver: parse the command line, dispatch -------===//
//
//   cnnc MODEL [--summary | --emit=STAGE] [-o FILE]   compile (CompileFlags)
//   cnnc predict MODEL --input X.npy -o Y.npy          (PredictFlags)
//   cnnc train MODEL [options] / cnnc eval MODEL        (TrainFlags)
//   cnnc export MODEL --format tfjs|h5 -o PATH          (ExportFlags)
//
// MODEL is a Keras Python file (.py), Keras / TF.js JSON (.json), a Keras
// .h5 or MLIR (.mlir). The work is done by compiler/commands; bad input is
// one located error line and exit code 1, and outputs are written whole or
// not at all (docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Flags.h"

#include "compiler/backend/Pipeline.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "runtime/support/AtomicFile.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/InitLLVM.h"

using namespace mlir;
using namespace cnnc;

/// Runs `run` on the request `request` holds, if the flags made one.
template <typename Request, typename Run>
static int dispatch(std::optional<Request> request, Run run,
                    MLIRContext &context) {
  return request ? run(std::move(*request), context) : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  installFatalErrorHandler();
  failWritesBeyondFileSizeLimit();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "cnnc: Keras CNNs to native code\n");

  DialectRegistry registry;
  registerModelDialects(registry);
  registerPipelineDialects(registry);
  MLIRContext context(registry);
  // The contract allows one line per error: no dump of the failing op.
  context.printOpOnDiagnostic(false);
  OneLineDiagnosticHandler diagnostics(&context);

  if (predictCommand)
    return dispatch(predictRequestFromFlags(), runPredict, context);
  if (trainCommand)
    return dispatch(trainRequestFromFlags(/*evaluateOnly=*/false), runTrain,
                    context);
  if (evalCommand)
    return dispatch(trainRequestFromFlags(/*evaluateOnly=*/true), runTrain,
                    context);
  if (exportCommand)
    return dispatch(exportRequestFromFlags(), runExport, context);
  return dispatch(compileRequestFromFlags(), runCompile, context);
}
