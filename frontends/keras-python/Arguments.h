//===- Arguments.h - Keras call arguments bound to a signature --*- C++ -*-===//
//
// Binds the arguments of a Keras call to the parameter list of the Keras 2
// signature, as Python would (positional order, keywords, duplicates,
// missing required arguments), then reads them with Keras's types and
// defaults. Every error points at the offending argument.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_ARGUMENTS_H
#define CNNC_FRONTENDS_KERASPYTHON_ARGUMENTS_H

#include "frontends/keras-python/Diagnostics.h"
#include "frontends/keras-python/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <map>
#include <optional>

namespace cnnc {
namespace py {

/// A Python signature: parameters that may be given by position (in order),
/// then keyword-only ones. The first `required` positional parameters have
/// no default.
struct Signature {
  llvm::ArrayRef<llvm::StringRef> positional;
  llvm::ArrayRef<llvm::StringRef> keywordOnly = {};
  unsigned required = 0;
};

/// The bound arguments point into the KerasCall, which must outlive them.
class Arguments {
public:
  /// Binds `call`'s arguments to `sig`; `callee` names the call in messages.
  static llvm::Expected<Arguments> bind(const KerasCall &call,
                                        const Signature &sig,
                                        llvm::StringRef callee,
                                        llvm::StringRef file);

  /// The argument bound to `name`, or null when it was not given.
  const CallArgValue *get(llvm::StringRef name) const;
  bool has(llvm::StringRef name) const { return get(name) != nullptr; }
  /// Given, and not None.
  bool hasValue(llvm::StringRef name) const;
  Position callPos() const { return pos; }
  llvm::StringRef file() const { return fileName; }

  //===--------------------------------------------------------------------===//
  // Typed reads: each returns `def` when the argument is absent.
  //===--------------------------------------------------------------------===//

  llvm::Expected<int64_t> getInt(llvm::StringRef name, int64_t def) const;
  /// filters, units: a positive integer (Keras 2 also takes a whole float).
  llvm::Expected<int64_t> getPositiveCount(llvm::StringRef name) const;
  /// kernel_size, strides, ...: an integer n (meaning (n, n)) or a pair;
  /// every value must be positive.
  llvm::Expected<std::array<int64_t, 2>>
  getPositivePair(llvm::StringRef name, std::array<int64_t, 2> def) const;
  /// As getPositivePair, but None (or absent) gives nullopt.
  llvm::Expected<std::optional<std::array<int64_t, 2>>>
  getOptionalPositivePair(llvm::StringRef name) const;
  llvm::Expected<double> getNumber(llvm::StringRef name, double def) const;
  llvm::Expected<bool> getBool(llvm::StringRef name, bool def) const;
  llvm::Expected<std::optional<int64_t>>
  getOptionalInt(llvm::StringRef name) const;
  llvm::Expected<std::optional<std::string>>
  getOptionalString(llvm::StringRef name) const;

  /// An error unless the argument is absent or equals `def`: for Keras
  /// features cnnc does not implement (`groups=2`, `max_value=6`).
  llvm::Error requireDefault(llvm::StringRef name, const Value &def) const;
  /// An error unless the argument is absent or None (regularizers, ...).
  llvm::Error requireNone(llvm::StringRef name) const;

  /// "'<name>' must be <expected>, not <what it is>"; or, for a value that
  /// could not be evaluated for a known reason, that reason where it arises.
  llvm::Error typeError(llvm::StringRef name, const CallArgValue &arg,
                        llvm::StringRef expected) const;

  template <typename... Parts>
  llvm::Error error(Position at, const Parts &...parts) const {
    return errorAt(fileName, at, parts...);
  }

private:
  std::map<std::string, const CallArgValue *> bound;
  std::string fileName;
  Position pos;
};

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_ARGUMENTS_H
