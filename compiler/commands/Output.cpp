//===- Output.cpp - Writing a command's result ----------------------------===//

#include "compiler/commands/Output.h"
#include "compiler/support/Diagnostics.h"
#include "runtime/support/AtomicFile.h"

#include "llvm/Support/raw_ostream.h"

using namespace cnnc;

bool cnnc::writeOutput(const std::string &path, const std::string &text) {
  if (path == "-") {
    llvm::outs() << text;
    return true;
  }
  std::string error;
  if (!writeFileAtomically(path, text, error)) {
    reportError(error);
    return false;
  }
  return true;
}
