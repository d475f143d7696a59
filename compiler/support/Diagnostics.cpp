//===- Diagnostics.cpp - cnnc's one-line error reporting ------------------===//

#include "compiler/support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace cnnc;

/// The most specific file position inside `loc`, if any.
static std::optional<FileLineColLoc> findFileLoc(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file;
  if (auto name = dyn_cast<NameLoc>(loc))
    return findFileLoc(name.getChildLoc());
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return findFileLoc(call.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto file = findFileLoc(inner))
        return file;
  return std::nullopt;
}

std::string cnnc::locationString(Location loc) {
  auto file = findFileLoc(loc);
  if (!file)
    return "cnnc";
  std::string text = file->getFilename().str();
  if (file->getLine() != 0) {
    text += ":" + std::to_string(file->getLine());
    if (file->getColumn() != 0)
      text += ":" + std::to_string(file->getColumn());
  }
  return text;
}

/// One line: newlines inside a message become spaces.
static std::string oneLine(std::string text) {
  for (char &c : text)
    if (c == '\n')
      c = ' ';
  return text;
}

OneLineDiagnosticHandler::OneLineDiagnosticHandler(MLIRContext *context)
    : ScopedDiagnosticHandler(context) {
  setHandler([this](Diagnostic &diag) {
    const char *severity = "error";
    switch (diag.getSeverity()) {
    case DiagnosticSeverity::Error:
      // Type inference reports the reason, then the verifier adds this line
      // at the same place: it says nothing more, and the contract is one line.
      if (lastErrorLoc == diag.getLocation() &&
          StringRef(diag.str()).ends_with("op failed to infer returned types"))
        return success();
      lastErrorLoc = diag.getLocation();
      ++errorCount;
      notesSinceError = 0;
      break;
    case DiagnosticSeverity::Warning:
      severity = "warning";
      break;
    case DiagnosticSeverity::Note:
      severity = "note";
      break;
    case DiagnosticSeverity::Remark:
      severity = "remark";
      break;
    }
    auto print = [](Location loc, const char *kind, const std::string &msg) {
      llvm::errs() << locationString(loc) << ": " << kind << ": "
                   << oneLine(msg) << "\n";
    };
    print(diag.getLocation(), severity, diag.str());
    // The contract allows at most two notes after an error.
    for (Diagnostic &note : diag.getNotes())
      if (notesSinceError++ < 2)
        print(note.getLocation(), "note", note.str());
    return success();
  });
}

void cnnc::reportError(llvm::StringRef message) {
  llvm::errs() << "cnnc: error: " << oneLine(message.str()) << "\n";
}

char AlreadyReported::ID = 0;

void cnnc::report(llvm::Error error) {
  llvm::handleAllErrors(
      std::move(error), [](const AlreadyReported &) {},
      [](const llvm::ErrorInfoBase &other) { reportError(other.message()); });
}

void cnnc::installFatalErrorHandler() {
  llvm::install_fatal_error_handler(
      [](void *, const char *reason, bool) {
        reportError(reason);
        llvm::errs().flush();
        llvm::sys::Process::Exit(1, /*NoCleanup=*/true);
      },
      nullptr);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *reason, bool) {
        reportError(std::string("out of memory: ") + reason);
        llvm::sys::Process::Exit(1, /*NoCleanup=*/true);
      },
      nullptr);
}
