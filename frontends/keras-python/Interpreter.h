//===- Interpreter.h - Evaluates a script's constant part -------*- C++ -*-===//
//
// Runs a script's statements the way Python would, as far as they are
// constant: imports bind Keras paths, assignments bind constants, `if`s
// with a known condition take their branch, `for` loops over known lists
// run, functions the script calls run, and every Keras call is recorded.
// What depends on run-time values (data, arguments, files) becomes Unknown
// and is skipped; only where the model needs a constant does that become an
// error.
//
// Statements live in Interpreter.cpp, expressions and calls in
// EvalExpr.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_INTERPRETER_H
#define CNNC_FRONTENDS_KERASPYTHON_INTERPRETER_H

#include "frontends/keras-python/AST.h"
#include "frontends/keras-python/ModelBuilder.h"
#include "frontends/keras-python/Value.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

namespace cnnc {
namespace py {

/// Bounds that keep evaluation finite and the C++ stack shallow whatever
/// the script does.
constexpr unsigned kMaxCallDepth = 16;
constexpr unsigned kMaxEvalDepth = 1200;
constexpr uint64_t kMaxSteps = 300000;      // statements and loop iterations
constexpr uint64_t kMaxValueWork = 2000000; // see valueWork()

class Interpreter {
public:
  Interpreter(llvm::StringRef file, ModelBuilder &models);

  /// Runs the module. Errors are the model's (a bad layer argument, ...).
  llvm::Error run(const Module &module);

  /// What explains a file that builds no model.
  ModelHints hints() const;

  /// `--entry NAME` (Entry.cpp): calls the script's top-level function
  /// NAME with its defaults, once the module has run; the id of the model
  /// it returns. Errors name the functions the script defines.
  llvm::Expected<unsigned> callEntry(llvm::StringRef name);
  /// The script's top-level functions, in the order it defines them.
  std::vector<std::string> moduleFunctions() const;

private:
  enum class Flow { Normal, Break, Continue, Return, Raise };

  /// A function call's scope; frames[0] is the module's.
  struct Frame {
    llvm::StringMap<Value> locals;
    llvm::StringSet<> globalNames;
    std::vector<llvm::StringMap<Value>> comprehensionScopes;
    Value returnValue = Value::none();
  };

  std::string file;
  ModelBuilder &models;
  std::vector<Frame> frames;
  std::vector<std::string> starModules; // Keras modules star-imported
  bool unknownStarImport = false;       // e.g. `from numpy import *`
  std::vector<std::shared_ptr<UserFunction>> functions;
  llvm::SmallPtrSet<const FunctionDefStmt *, 8> calledFunctions;
  std::optional<Position> functionalModel;
  std::optional<std::pair<Position, std::string>> unreachedModel;
  uint64_t steps = 0;
  uint64_t workAtStart = valueWork();
  unsigned evalDepth = 0;

  //===--------------------------------------------------------------------===//
  // Statements (Interpreter.cpp)
  //===--------------------------------------------------------------------===//

  llvm::Expected<Flow> execBlock(const Block &block);
  llvm::Expected<Flow> exec(const Stmt &stmt);
  llvm::Expected<Flow> execIf(const IfStmt &stmt);
  llvm::Expected<Flow> execFor(const ForStmt &stmt);
  llvm::Expected<Flow> execTry(const TryStmt &stmt);
  llvm::Expected<Flow> execFunctionDef(const FunctionDefStmt &stmt);
  llvm::Error execAugAssign(const AugAssignStmt &stmt);
  void execImport(const ImportStmt &stmt);
  void execImportFrom(const ImportFromStmt &stmt);
  /// Code that does not run because cnnc cannot tell whether (or how often)
  /// it would: its names become unknown, and a model change in it is an
  /// error. `why` completes "... is called <why> that cnnc cannot evaluate".
  llvm::Error skipBlock(const Block &block, llvm::StringRef why);
  llvm::Error assign(const Expr &target, const Value &value,
                     bool inComprehension);
  /// `layer.trainable = False` / `model.trainable = False` (Keras's way to
  /// freeze layers).
  llvm::Error assignTrainable(const AttributeExpr &target, const Value &value);
  Value storable(const Value &container, const Value &value) {
    return storableIn(container, value);
  }
  /// Counts a step of evaluation; false once either budget is spent:
  /// statements run, or work building and comparing values (valueWork).
  bool step() {
    return ++steps <= kMaxSteps && valueWork() - workAtStart <= kMaxValueWork;
  }

  //===--------------------------------------------------------------------===//
  // Names
  //===--------------------------------------------------------------------===//

  Value lookup(llvm::StringRef name, Position pos) const;
  void bind(llvm::StringRef name, Value value, bool inComprehension = false);
  void unbind(llvm::StringRef name);
  /// A name or attribute chain's value, without evaluating anything.
  std::optional<Value> resolveStatically(const Expr &expr) const;

  //===--------------------------------------------------------------------===//
  // Expressions (EvalExpr.cpp)
  //===--------------------------------------------------------------------===//

  llvm::Expected<Value> eval(const Expr &expr);
  llvm::Expected<Value> evalExpr(const Expr &expr);
  llvm::Expected<Value> evalNumber(const NumberExpr &expr);
  llvm::Expected<Value> evalSequence(const SequenceExpr &expr);
  llvm::Expected<Value> evalDict(const DictExpr &expr);
  llvm::Expected<Value> evalAttribute(const AttributeExpr &expr);
  llvm::Expected<Value> evalSubscript(const SubscriptExpr &expr);
  llvm::Expected<Value> evalBoolOp(const BoolOpExpr &expr);
  llvm::Expected<Value> evalCompare(const CompareExpr &expr);
  llvm::Expected<Value> evalComprehension(const ComprehensionExpr &expr);
  llvm::Error evalGenerators(const ComprehensionExpr &expr, size_t index,
                             std::vector<Value> &out, bool &known);
  llvm::Expected<Value> evalCall(const CallExpr &call);
  llvm::Error evalArguments(const CallExpr &call, KerasCall &out);
  llvm::Expected<Value> callSymbol(const Value &callee, KerasCall &args);
  llvm::Expected<Value> callMethod(const Value &method, const KerasCall &args);
  llvm::Expected<Value> callFunction(const UserFunction &fn,
                                     const KerasCall &args);
};

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_INTERPRETER_H
