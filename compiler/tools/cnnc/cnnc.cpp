//===- cnnc.cpp - The cnnc driver: parse the command line, dispatch -------===//
//
//   cnnc MODEL [--summary | --emit=STAGE] [-o FILE]   compile (CompileFlags)
//   cnnc predict MODEL --input X.npy -o Y.npy          (PredictFlags)
//   cnnc train MODEL [options] / cnnc eval MODEL        (TrainFlags)
//   cnnc export MODEL --format tfjs|h5 -o PATH          (ExportFlags)
//   cnnc show pooling|features|history|confusion ...    (ShowFlags)
//   cnnc quantize MODEL --weights W -o Q                (QuantizeFlags)
//   cnnc --bash-completion                              (BashCompletion)
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
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace cnnc;

/// --help lists cnnc's own options; LLVM's and MLIR's (hundreds: AMDGPU,
/// Polly, x86, the pass manager's) stay accepted, and --help-hidden lists
/// them.
static void hideForeignOptions() {
  std::vector<llvm::cl::SubCommand *> commands = {
      &llvm::cl::SubCommand::getTopLevel()};
  for (llvm::cl::SubCommand *command : llvm::cl::getRegisteredSubcommands())
    commands.push_back(command);
  for (llvm::cl::SubCommand *command : commands)
    for (auto &entry : llvm::cl::getRegisteredOptions(*command)) {
      llvm::cl::Option *option = entry.second;
      llvm::StringRef name = entry.first();
      if (llvm::is_contained(option->Categories, &cnncCategory) ||
          name == "help" || name == "version")
        continue;
      if (option->getOptionHiddenFlag() == llvm::cl::NotHidden)
        option->setHiddenFlag(llvm::cl::Hidden);
    }
}

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
  // One line, as LLVM's tools print theirs: cnnc's version, then what it
  // was built with.
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "cnnc " CNNC_VERSION " (LLVM " LLVM_VERSION_STRING ", MLIR)\n";
  });
  hideForeignOptions();
  // Like --version, a request about cnnc itself: no MODEL is needed.
  if (argc == 2 && llvm::StringRef(argv[1]) == "--bash-completion") {
    printBashCompletion(llvm::outs());
    return 0;
  }
  if (!parseCommandLine(
          argc, argv,
          "cnnc: Keras CNNs to native code\n\n"
          "  cnnc MODEL --summary              Keras's model.summary()\n"
          "  cnnc MODEL --memory               the memory plan (weights, "
          "workspace)\n"
          "  cnnc MODEL --emit=STAGE [-o F]    one stage of the pipeline\n"
          "  cnnc MODEL -o model.o             an object and model.h\n"
          "  cnnc predict MODEL --input X.npy -o Y.npy  (or --image A.png)\n"
          "  cnnc train MODEL [options]        (cnnc train --help)\n"
          "  cnnc eval MODEL --weights CKPT\n"
          "  cnnc export MODEL --format tfjs|h5 -o PATH\n"
          "  cnnc quantize MODEL --weights W [--calibrate N] -o Q\n"
          "  cnnc show pooling|features|history|confusion ... -o F.png\n\n"
          "MODEL: a Keras .py, a Keras or TF.js .json, a Keras .h5, or .mlir.\n"
          "Example: cnnc examples/mnist_cnn.py --summary\n"))
    return 1;
  applyFrontendFlags();

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
  if (showCommand)
    return dispatch(showRequestFromFlags(), runShow, context);
  if (quantizeCommand)
    return dispatch(quantizeRequestFromFlags(), runQuantize, context);
  return dispatch(compileRequestFromFlags(), runCompile, context);
}
