//===- LocatedError.h - A frontend error at a place in a model file -------===//
//
// Frontends report bad input as an llvm::Error carrying a SourceLoc, so the
// tools can print the contract's one-line `file:line:col: error: message`.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_LOCATEDERROR_H
#define CNNC_FRONTENDS_COMMON_LOCATEDERROR_H

#include "frontends/common/ModelSpec.h"

#include "llvm/Support/Error.h"

namespace cnnc {

class LocatedError : public llvm::ErrorInfo<LocatedError> {
public:
  static char ID;

  LocatedError(SourceLoc loc, std::string message)
      : loc(std::move(loc)), message(std::move(message)) {}

  const SourceLoc &getLoc() const { return loc; }
  const std::string &getMessage() const { return message; }

  /// Prints `file:line:col: error: message` (file alone, or `cnnc`, when the
  /// position is unknown), without a trailing newline.
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  SourceLoc loc;
  std::string message;
};

/// Shorthand: `return makeError(loc, "unknown layer '", name, "'");`
template <typename... Parts>
llvm::Error makeError(const SourceLoc &loc, const Parts &...parts) {
  std::string message;
  (message.append(std::string_view(parts)), ...);
  return llvm::make_error<LocatedError>(loc, std::move(message));
}

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_LOCATEDERROR_H
