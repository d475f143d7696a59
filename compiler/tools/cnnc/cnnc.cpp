//===- cnnc.cpp - The cnnc driver -----------------------------------------===//
//
//   cnnc MODEL --summary             Keras's model.summary() table
//   cnnc MODEL --emit=cnn [-o FILE]  the `cnn` IR the frontend builds
//
// MODEL is a Keras Python file (.py), Keras / TF.js JSON (.json) or MLIR
// (.mlir). Bad input is one located error line and exit code 1; outputs are
// written whole or not at all.
//
//===----------------------------------------------------------------------===//

#include "compiler/Diagnostics.h"
#include "compiler/ModelSummary.h"
#include "frontends/LoadModel.h"
#include "runtime/support/AtomicFile.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace cnnc;
namespace cl = llvm::cl;

namespace {
enum class Emit { Cnn };
} // namespace

static cl::OptionCategory cnncCategory("cnnc options");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory));

static cl::opt<bool> summary("summary",
                             cl::desc("Print Keras's model.summary() table"),
                             cl::cat(cnncCategory));

static cl::opt<Emit> emit(
    "emit", cl::desc("The pipeline stage to output"), cl::init(Emit::Cnn),
    cl::values(clEnumValN(Emit::Cnn, "cnn",
                          "the frontend's `cnn` IR, before any pass")),
    cl::cat(cnncCategory));

static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' = stdout)"),
                                       cl::value_desc("FILE"), cl::init("-"),
                                       cl::cat(cnncCategory));

/// Writes `text` to -o: stdout, or the file, atomically.
static bool writeOutput(const std::string &text) {
  if (outputPath == "-") {
    llvm::outs() << text;
    return true;
  }
  std::string error;
  if (!writeFileAtomically(outputPath, text, error)) {
    reportError(error);
    return false;
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  installFatalErrorHandler();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  cl::HideUnrelatedOptions({&cnncCategory});
  cl::ParseCommandLineOptions(argc, argv, "cnnc: Keras CNNs to native code\n");

  DialectRegistry registry;
  registerModelDialects(registry);
  MLIRContext context(registry);
  // The contract allows one line per error: no dump of the failing op.
  context.printOpOnDiagnostic(false);
  OneLineDiagnosticHandler diagnostics(&context);

  OwningOpRef<ModuleOp> module = loadModel(modelPath, context);
  if (!module)
    return 1;

  std::string text;
  llvm::raw_string_ostream os(text);
  if (summary) {
    if (failed(printModelSummary(*module, os)))
      return 1;
  } else {
    module->print(os);
    os << '\n';
  }
  return writeOutput(text) ? 0 : 1;
}
