//===- ASTWalk.h - Walks over Python ASTs -----------------------*- C++ -*-===//
//
// What the evaluator needs to know about code it does not run: which names
// a block may bind (they become unknown), which calls it makes (a
// `model.add` there would change the model), and whether a function is a
// generator.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_ASTWALK_H
#define CNNC_FRONTENDS_KERASPYTHON_ASTWALK_H

#include "frontends/keras-python/AST.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace cnnc {
namespace py {

/// Calls `fn` on `expr` and every expression inside it, except lambda
/// bodies (which do not run where they are written).
void forEachExpr(const Expr &expr, llvm::function_ref<void(const Expr &)> fn);

/// Calls `fn` on every expression of `block`'s statements, nested blocks
/// included, but not the bodies of nested functions and classes.
void forEachExprInBlock(const Block &block,
                        llvm::function_ref<void(const Expr &)> fn);

/// Appends the names `block` may bind: assignment, loop and `with`
/// targets, imports, defs and classes, except inside nested functions and
/// classes.
void collectBoundNames(const Block &block, std::vector<std::string> &names);

/// Whether a function body contains `yield` (making it a generator).
bool containsYield(const Block &body);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_ASTWALK_H
