//===- Operators.h - Python operators on constant values --------*- C++ -*-===//
//
// Python's arithmetic, comparison and subscript semantics for the constants
// a script computes (`28 * 28`, `input_shape[:2]`, `2 ** -3`). Overflow and
// division by zero give an Unknown that says so; anything else not constant
// gives a plain Unknown.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_OPERATORS_H
#define CNNC_FRONTENDS_KERASPYTHON_OPERATORS_H

#include "frontends/keras-python/Value.h"

#include "llvm/ADT/StringRef.h"

namespace cnnc {
namespace py {

/// `a <op> b` for op in + - * / // % ** << >> & | ^ @; `pos` is where the
/// operator is written, for overflow reasons.
Value binaryOp(llvm::StringRef op, const Value &a, const Value &b,
               Position pos);

/// `-a`, `+a`, `~a`, `not a`.
Value unaryOp(llvm::StringRef op, const Value &a, Position pos);

/// One comparison: < <= > >= == != in, not in, is, is not.
Value compareOp(llvm::StringRef op, const Value &a, const Value &b);

/// `value[index]`.
Value subscript(const Value &value, const Value &index);

/// `value[lower:upper:step]`; unset bounds are None.
Value sliceOf(const Value &value, const Value &lower, const Value &upper,
              const Value &step);

/// The first Unknown with a reason among `values`, else a plain Unknown: how
/// an operation on unknown operands reports.
Value propagateUnknown(std::initializer_list<const Value *> values);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_OPERATORS_H
