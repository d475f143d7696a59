//===- Parser.h - Python parser ---------------------------------*- C++ -*-===//
//
// A recursive-descent parser for Python 3's statement and expression grammar
// (Grammar/python.gram; `match` patterns are skipped, not parsed, and
// Python 3.12's type-parameter syntax is not supported). It builds the AST of
// AST.h for any script, so that the evaluator can skip whatever it does not
// understand instead of failing to parse it.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_PARSER_H
#define CNNC_FRONTENDS_KERASPYTHON_PARSER_H

#include "frontends/keras-python/AST.h"
#include "frontends/keras-python/Lexer.h"

#include "llvm/Support/Error.h"

#include <memory>

namespace cnnc {
namespace py {

/// Bounds on nesting that CPython's own limits would not catch: recursion
/// of the parser (lambda in lambda, unary chains) and the height of an
/// expression tree (long operator chains), which the evaluator walks
/// recursively.
constexpr unsigned kMaxParserRecursion = 250;
constexpr unsigned kMaxExprDepth = 1000;

/// Parses a whole file. Errors are LocatedErrors in `fileName`.
llvm::Expected<std::unique_ptr<Module>> parseModule(llvm::StringRef source,
                                                    llvm::StringRef fileName);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_PARSER_H
