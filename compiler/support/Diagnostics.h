//===- Diagnostics.h - cnnc's one-line error reporting ----------*- C++ -*-===//
//
// The command-line contract: every bad input is one line
// `file:line:col: error: message` (at most two notes), exit code 1, and never
// a crash. This installs that for MLIR diagnostics and LLVM fatal errors.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_SUPPORT_DIAGNOSTICS_H
#define CNNC_COMPILER_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Error.h"

namespace cnnc {

/// Prints each MLIR diagnostic as one line on stderr; counts errors.
class OneLineDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  explicit OneLineDiagnosticHandler(mlir::MLIRContext *context);
  unsigned getErrorCount() const { return errorCount; }

private:
  unsigned errorCount = 0;
  std::optional<mlir::Location> lastErrorLoc;
  unsigned notesSinceError = 0;
};

/// Renders a location as `file:line:col` ("cnnc" when it has none).
std::string locationString(mlir::Location loc);

/// Reports an error without a location: `cnnc: error: message`.
void reportError(llvm::StringRef message);

/// An error already reported as a located diagnostic: carrying it on keeps
/// callers from printing a second, vaguer line.
class AlreadyReported : public llvm::ErrorInfo<AlreadyReported> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override { os << "(reported)"; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
};

inline llvm::Error alreadyReported() {
  return llvm::make_error<AlreadyReported>();
}

/// Reports `error` with reportError(), unless it was AlreadyReported.
void report(llvm::Error error);

/// Makes LLVM fatal errors (report_fatal_error, bad_alloc) print one
/// `cnnc: error:` line and exit 1 instead of aborting.
void installFatalErrorHandler();

} // namespace cnnc

#endif // CNNC_COMPILER_SUPPORT_DIAGNOSTICS_H
