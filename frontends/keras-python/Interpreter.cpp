//===- Interpreter.cpp - Statements of the constant evaluator -------------===//

#include "frontends/keras-python/Interpreter.h"

#include "frontends/keras-python/ASTWalk.h"
#include "frontends/keras-python/Builtins.h"
#include "frontends/keras-python/Diagnostics.h"
#include "frontends/keras-python/KerasSymbols.h"
#include "frontends/keras-python/Operators.h"

using namespace cnnc;
using namespace cnnc::py;
using llvm::cast;
using llvm::dyn_cast;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

Interpreter::Interpreter(StringRef file, ModelBuilder &models)
    : file(file.str()), models(models) {
  frames.emplace_back();
  frames[0].locals["__name__"] = Value::fromStr("__main__");
}

Error Interpreter::run(const Module &module) {
  auto flow = execBlock(module.body);
  if (!flow)
    return flow.takeError();
  return Error::success();
}

ModelHints Interpreter::hints() const {
  ModelHints hints;
  hints.functionalModel = functionalModel;
  hints.unreachedModel = unreachedModel;
  hints.functions = moduleFunctions();
  if (hints.unreachedModel)
    return hints;
  // A model built in a function the script defines but never calls.
  for (const auto &fn : functions) {
    if (calledFunctions.count(fn->def))
      continue;
    forEachExprInBlock(fn->def->body, [&](const Expr &e) {
      const auto *call = dyn_cast<CallExpr>(&e);
      if (!call || hints.unreachedModel)
        return;
      std::optional<Value> callee = resolveStatically(*call->func);
      if (!callee || !callee->is(Value::Kind::Symbol))
        return;
      SymbolKind kind = classifySymbol(callee->text).kind;
      if (kind == SymbolKind::Sequential || kind == SymbolKind::FunctionalModel)
        hints.unreachedModel.emplace(
            call->getPos(),
            std::string(kind == SymbolKind::Sequential ? "Sequential"
                                                       : "Functional") +
                " model defined in function '" + fn->def->name +
                "', which the script never calls (--entry " + fn->def->name +
                " calls it with its defaults)");
    });
  }
  return hints;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

Value Interpreter::lookup(StringRef name, Position pos) const {
  const Frame &current = frames.back();
  for (auto it = current.comprehensionScopes.rbegin();
       it != current.comprehensionScopes.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end())
      return found->second;
  }
  // Innermost frame outwards: enclosing functions' locals stand in for
  // closures, then the module's globals.
  if (!current.globalNames.contains(name)) {
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      auto found = it->locals.find(name);
      if (found != it->locals.end())
        return found->second;
    }
  } else {
    auto found = frames[0].locals.find(name);
    if (found != frames[0].locals.end())
      return found->second;
  }
  for (auto it = starModules.rbegin(); it != starModules.rend(); ++it)
    if (kerasStarExports(*it, name))
      return Value::symbol(*it + "." + name.str());
  if (isPythonBuiltin(name))
    return Value::builtin(name.str());
  if (unknownStarImport)
    return Value::unknown();
  return Value::unknown(("use of undefined name '" + name + "'").str(), pos);
}

void Interpreter::bind(StringRef name, Value value, bool inComprehension) {
  Frame &current = frames.back();
  if (inComprehension && !current.comprehensionScopes.empty()) {
    current.comprehensionScopes.back()[name] = std::move(value);
    return;
  }
  if (frames.size() > 1 && !current.globalNames.contains(name))
    current.locals[name] = std::move(value);
  else
    frames[0].locals[name] = std::move(value);
}

void Interpreter::unbind(StringRef name) {
  Frame &current = frames.back();
  if (frames.size() > 1 && !current.globalNames.contains(name))
    current.locals.erase(name);
  else
    frames[0].locals.erase(name);
}

std::optional<Value> Interpreter::resolveStatically(const Expr &expr) const {
  if (const auto *name = dyn_cast<NameExpr>(&expr))
    return lookup(name->id, name->getPos());
  if (const auto *attr = dyn_cast<AttributeExpr>(&expr)) {
    std::optional<Value> base = resolveStatically(*attr->value);
    if (base && base->is(Value::Kind::Symbol))
      return Value::symbol(base->text + "." + attr->attr);
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

Expected<Interpreter::Flow> Interpreter::execBlock(const Block &block) {
  for (const StmtPtr &stmt : block) {
    auto flow = exec(*stmt);
    if (!flow || *flow != Flow::Normal)
      return flow;
  }
  return Flow::Normal;
}

Expected<Interpreter::Flow> Interpreter::exec(const Stmt &stmt) {
  if (!step())
    return errorAt(file, stmt.getPos(),
                   "the script runs too long for cnnc to evaluate");
  switch (stmt.getKind()) {
  case Stmt::Kind::Expr: {
    auto value = eval(*cast<ExprStmt>(stmt).value);
    if (!value)
      return value.takeError();
    return Flow::Normal;
  }
  case Stmt::Kind::Assign: {
    const auto &assignStmt = cast<AssignStmt>(stmt);
    auto value = eval(*assignStmt.value);
    if (!value)
      return value.takeError();
    for (const ExprPtr &target : assignStmt.targets)
      if (Error err = assign(*target, *value, false))
        return std::move(err);
    return Flow::Normal;
  }
  case Stmt::Kind::AugAssign:
    if (Error err = execAugAssign(cast<AugAssignStmt>(stmt)))
      return std::move(err);
    return Flow::Normal;
  case Stmt::Kind::AnnAssign: {
    const auto &ann = cast<AnnAssignStmt>(stmt);
    if (!ann.value)
      return Flow::Normal;
    auto value = eval(*ann.value);
    if (!value)
      return value.takeError();
    if (Error err = assign(*ann.target, *value, false))
      return std::move(err);
    return Flow::Normal;
  }
  case Stmt::Kind::Import:
    execImport(cast<ImportStmt>(stmt));
    return Flow::Normal;
  case Stmt::Kind::ImportFrom:
    execImportFrom(cast<ImportFromStmt>(stmt));
    return Flow::Normal;
  case Stmt::Kind::If:
    return execIf(cast<IfStmt>(stmt));
  case Stmt::Kind::For:
    return execFor(cast<ForStmt>(stmt));
  case Stmt::Kind::While: {
    const auto &loop = cast<WhileStmt>(stmt);
    auto test = eval(*loop.test);
    if (!test)
      return test.takeError();
    std::optional<bool> truth = test->truth();
    if (truth && !*truth)
      return execBlock(loop.orelse);
    if (Error err = skipBlock(loop.body, "in a while loop"))
      return std::move(err);
    if (Error err = skipBlock(loop.orelse, "in a while loop"))
      return std::move(err);
    return Flow::Normal;
  }
  case Stmt::Kind::With: {
    const auto &with = cast<WithStmt>(stmt);
    for (const WithItem &item : with.items) {
      auto context = eval(*item.context);
      if (!context)
        return context.takeError();
      if (item.target)
        if (Error err = assign(*item.target, Value::unknown(), false))
          return std::move(err);
    }
    return execBlock(with.body);
  }
  case Stmt::Kind::Try:
    return execTry(cast<TryStmt>(stmt));
  case Stmt::Kind::Match:
    for (const Block &body : cast<MatchStmt>(stmt).cases)
      if (Error err = skipBlock(body, "in a match statement"))
        return std::move(err);
    return Flow::Normal;
  case Stmt::Kind::FunctionDef:
    return execFunctionDef(cast<FunctionDefStmt>(stmt));
  case Stmt::Kind::ClassDef:
    // Classes are not evaluated: a Keras subclass model is not Sequential.
    bind(cast<ClassDefStmt>(stmt).name, Value::unknown());
    return Flow::Normal;
  case Stmt::Kind::Return: {
    const auto &ret = cast<SimpleStmt>(stmt);
    Value value = Value::none();
    if (!ret.exprs.empty()) {
      auto v = eval(*ret.exprs.front());
      if (!v)
        return v.takeError();
      value = std::move(*v);
    }
    frames.back().returnValue = std::move(value);
    return Flow::Return;
  }
  case Stmt::Kind::Raise:
    return Flow::Raise;
  case Stmt::Kind::Break:
    return Flow::Break;
  case Stmt::Kind::Continue:
    return Flow::Continue;
  case Stmt::Kind::Global:
    if (frames.size() > 1)
      for (const std::string &name : cast<SimpleStmt>(stmt).names)
        frames.back().globalNames.insert(name);
    return Flow::Normal;
  case Stmt::Kind::Delete:
    for (const ExprPtr &target : cast<SimpleStmt>(stmt).exprs) {
      if (const auto *name = dyn_cast<NameExpr>(target.get()))
        unbind(name->id);
      else if (const auto *seq = dyn_cast<SequenceExpr>(target.get()))
        for (const ExprPtr &e : seq->elts)
          if (const auto *n = dyn_cast<NameExpr>(e.get()))
            unbind(n->id);
    }
    return Flow::Normal;
  case Stmt::Kind::Pass:
  case Stmt::Kind::Assert:
  case Stmt::Kind::Nonlocal:
    return Flow::Normal;
  }
  return Flow::Normal;
}

Expected<Interpreter::Flow> Interpreter::execIf(const IfStmt &stmt) {
  auto test = eval(*stmt.test);
  if (!test)
    return test.takeError();
  std::optional<bool> truth = test->truth();
  if (truth)
    return execBlock(*truth ? stmt.body : stmt.orelse);
  if (Error err = skipBlock(stmt.body, "under a condition"))
    return std::move(err);
  if (Error err = skipBlock(stmt.orelse, "under a condition"))
    return std::move(err);
  return Flow::Normal;
}

Expected<Interpreter::Flow> Interpreter::execFor(const ForStmt &stmt) {
  auto iter = eval(*stmt.iter);
  if (!iter)
    return iter.takeError();
  std::vector<Value> items;
  if (iter->isSequence()) {
    items = *iter->elements; // a snapshot: the body may change the list
  } else if (iter->is(Value::Kind::Dict)) {
    for (const auto &entry : *iter->entries)
      items.push_back(Value::fromStr(entry.first));
  } else {
    if (Error err = skipBlock(stmt.body, "in a loop"))
      return std::move(err);
    if (Error err = skipBlock(stmt.orelse, "in a loop"))
      return std::move(err);
    return Flow::Normal;
  }
  for (const Value &item : items) {
    if (Error err = assign(*stmt.target, item, false))
      return std::move(err);
    auto flow = execBlock(stmt.body);
    if (!flow)
      return flow.takeError();
    if (*flow == Flow::Break)
      return Flow::Normal;
    if (*flow == Flow::Return || *flow == Flow::Raise)
      return flow;
  }
  return execBlock(stmt.orelse);
}

Expected<Interpreter::Flow> Interpreter::execTry(const TryStmt &stmt) {
  auto flow = execBlock(stmt.body);
  if (!flow)
    return flow.takeError();
  // Handlers only run after an exception, which cnnc assumes does not
  // happen; an explicit `raise` ends the body as if a handler took it.
  if (*flow == Flow::Raise) {
    for (const ExceptHandler &handler : stmt.handlers) {
      std::vector<std::string> names;
      collectBoundNames(handler.body, names);
      for (const std::string &name : names)
        bind(name, Value::unknown());
    }
    flow = Flow::Normal;
  } else if (*flow == Flow::Normal) {
    flow = execBlock(stmt.orelse);
    if (!flow)
      return flow.takeError();
  }
  auto finalFlow = execBlock(stmt.finalbody);
  if (!finalFlow)
    return finalFlow.takeError();
  return *finalFlow != Flow::Normal ? *finalFlow : *flow;
}

Expected<Interpreter::Flow>
Interpreter::execFunctionDef(const FunctionDefStmt &stmt) {
  auto fn = std::make_shared<UserFunction>();
  fn->def = &stmt;
  for (const Param &param : stmt.params) {
    if (!param.defaultValue) {
      fn->defaults.emplace_back();
      continue;
    }
    auto value = eval(*param.defaultValue);
    if (!value)
      return value.takeError();
    fn->defaults.emplace_back(std::move(*value));
  }
  // Generators and coroutines do not run their body when called.
  if (stmt.isAsync || containsYield(stmt.body)) {
    bind(stmt.name, Value::unknown());
    return Flow::Normal;
  }
  Value value;
  value.kind = Value::Kind::Function;
  value.function = fn;
  bind(stmt.name, std::move(value));
  functions.push_back(std::move(fn));
  return Flow::Normal;
}

Error Interpreter::execAugAssign(const AugAssignStmt &stmt) {
  auto rhs = eval(*stmt.value);
  if (!rhs)
    return rhs.takeError();
  if (const auto *name = dyn_cast<NameExpr>(stmt.target.get())) {
    Value current = lookup(name->id, name->getPos());
    // `lst += other` extends the list in place, as Python does.
    if (current.is(Value::Kind::List) && stmt.op == "+" && rhs->isSequence()) {
      std::vector<Value> items = *rhs->elements; // may be the list itself
      for (const Value &v : items)
        if (current.elements->size() < kMaxSequenceLength)
          current.elements->push_back(storable(current, v));
      return Error::success();
    }
    bind(name->id, binaryOp(stmt.op, current, *rhs, stmt.target->getPos()));
    return Error::success();
  }
  if (const auto *sub = dyn_cast<SubscriptExpr>(stmt.target.get())) {
    auto current = eval(*sub);
    if (!current)
      return current.takeError();
    return assign(*sub, binaryOp(stmt.op, *current, *rhs, sub->getPos()),
                  false);
  }
  return Error::success(); // attributes of objects are not tracked
}

void Interpreter::execImport(const ImportStmt &stmt) {
  for (const ImportAlias &alias : stmt.names) {
    // `import a.b.c` binds `a`; `import a.b.c as d` binds d to a.b.c.
    if (alias.asName.empty()) {
      std::string top = StringRef(alias.name).split('.').first.str();
      bind(top, Value::symbol(top));
    } else {
      bind(alias.asName, Value::symbol(alias.name));
    }
  }
}

void Interpreter::execImportFrom(const ImportFromStmt &stmt) {
  if (stmt.isStar) {
    std::string module = canonicalKerasPath(stmt.module);
    if (stmt.level == 0 && isKerasModule(module))
      starModules.push_back(module);
    else
      unknownStarImport = true;
    return;
  }
  for (const ImportAlias &alias : stmt.names) {
    StringRef name = alias.asName.empty() ? alias.name : alias.asName;
    // A relative import is the script's own package: nothing cnnc knows.
    bind(name, stmt.level > 0 ? Value::unknown()
                              : Value::symbol(stmt.module + "." + alias.name));
  }
}

Error Interpreter::skipBlock(const Block &block, StringRef why) {
  Error err = Error::success();
  bool failed = false;
  forEachExprInBlock(block, [&](const Expr &e) {
    const auto *call = dyn_cast<CallExpr>(&e);
    if (!call || failed)
      return;
    if (const auto *attr = dyn_cast<AttributeExpr>(call->func.get())) {
      if (attr->attr == "add" || attr->attr == "pop") {
        std::optional<Value> receiver;
        std::string receiverName = "model";
        if (const auto *name = dyn_cast<NameExpr>(attr->value.get())) {
          receiver = lookup(name->id, name->getPos());
          receiverName = name->id;
        }
        if (receiver && receiver->is(Value::Kind::Model)) {
          failed = true;
          llvm::consumeError(std::move(err));
          err =
              errorAt(file, call->getPos(), "'", receiverName, ".", attr->attr,
                      "' is called ", why, " that cnnc cannot evaluate");
          return;
        }
      }
    }
    std::optional<Value> callee = resolveStatically(*call->func);
    if (!unreachedModel && callee && callee->is(Value::Kind::Symbol) &&
        classifySymbol(callee->text).kind == SymbolKind::Sequential)
      unreachedModel.emplace(
          call->getPos(),
          ("Sequential model defined " + why + " that cnnc cannot evaluate")
              .str());
  });
  if (failed)
    return err;
  std::vector<std::string> names;
  collectBoundNames(block, names);
  for (const std::string &name : names)
    bind(name, Value::unknown());
  return err;
}

Error Interpreter::assign(const Expr &target, const Value &value,
                          bool inComprehension) {
  if (const auto *name = dyn_cast<NameExpr>(&target)) {
    bind(name->id, value, inComprehension);
    return Error::success();
  }
  if (const auto *seq = dyn_cast<SequenceExpr>(&target)) {
    // Unpacking: `(a, b), (c, d) = ...`, with at most one starred target.
    const auto &targets = seq->elts;
    size_t star = targets.size();
    for (size_t i = 0; i < targets.size(); ++i)
      if (llvm::isa<StarredExpr>(targets[i].get()))
        star = i;
    std::optional<std::vector<Value>> items;
    if (value.isSequence())
      items = *value.elements;
    bool fits =
        items && (star == targets.size() ? items->size() == targets.size()
                                         : items->size() + 1 >= targets.size());
    if (!fits) {
      // Not a known sequence of the right length: every name is unknown,
      // keeping the value's reason if it has one.
      Value unknown = value.isUnknown() ? value : Value::unknown();
      for (const ExprPtr &t : targets)
        if (Error err = assign(*t, unknown, inComprehension))
          return err;
      return Error::success();
    }
    size_t after = targets.size() - star - 1;
    for (size_t i = 0; i < targets.size(); ++i) {
      if (i < star || star == targets.size()) {
        if (Error err = assign(*targets[i], (*items)[i], inComprehension))
          return err;
      } else if (i == star) {
        std::vector<Value> rest(items->begin() + star, items->end() - after);
        if (Error err = assign(*cast<StarredExpr>(*targets[i]).value,
                               Value::list(std::move(rest)), inComprehension))
          return err;
      } else {
        size_t fromEnd = targets.size() - i;
        if (Error err = assign(*targets[i], (*items)[items->size() - fromEnd],
                               inComprehension))
          return err;
      }
    }
    return Error::success();
  }
  if (const auto *star = dyn_cast<StarredExpr>(&target))
    return assign(*star->value, Value::unknown(), inComprehension);
  if (const auto *sub = dyn_cast<SubscriptExpr>(&target)) {
    // `config['units'] = 64` and `layers_list[0] = ...` change the
    // container in place.
    auto container = eval(*sub->value);
    if (!container)
      return container.takeError();
    if (llvm::isa<SliceExpr>(sub->index.get()))
      return Error::success();
    auto index = eval(*sub->index);
    if (!index)
      return index.takeError();
    if (container->is(Value::Kind::Dict) && index->is(Value::Kind::Str)) {
      Value stored = storable(*container, value);
      for (auto &entry : *container->entries) {
        if (entry.first == index->text) {
          entry.second = std::move(stored);
          return Error::success();
        }
      }
      if (container->entries->size() < kMaxSequenceLength)
        container->entries->emplace_back(index->text, std::move(stored));
    } else if (container->is(Value::Kind::List) &&
               index->is(Value::Kind::Int)) {
      int64_t size = container->elements->size();
      int64_t at = index->integer < 0 ? index->integer + size : index->integer;
      if (at >= 0 && at < size)
        (*container->elements)[at] = storable(*container, value);
    }
    return Error::success();
  }
  if (const auto *attr = dyn_cast<AttributeExpr>(&target);
      attr && attr->attr == "trainable")
    return assignTrainable(*attr, value);
  return Error::success(); // other attributes of objects are not tracked
}

Error Interpreter::assignTrainable(const AttributeExpr &target,
                                   const Value &value) {
  auto object = eval(*target.value);
  if (!object)
    return object.takeError();
  bool isLayer = object->is(Value::Kind::Object) &&
                 object->call->symbol.kind == SymbolKind::Layer;
  if (!isLayer && !object->is(Value::Kind::Model))
    return Error::success();
  if (!value.is(Value::Kind::Bool))
    return errorAt(file, target.getPos(),
                   "'trainable' must be set to True or False, not ",
                   describe(value));
  if (object->is(Value::Kind::Model)) {
    models.setModelTrainable(object->modelId, value.boolean);
    return Error::success();
  }
  // The call is shared by every value of this layer object: a later
  // model.add(layer) builds it with the keyword.
  KerasCall &call = *object->call;
  auto existing = llvm::find_if(call.args, [](const CallArgValue &arg) {
    return arg.keyword == "trainable";
  });
  if (existing != call.args.end()) {
    existing->value = value;
  } else {
    CallArgValue arg;
    arg.keyword = "trainable";
    arg.value = value;
    arg.pos = target.getPos();
    arg.keywordPos = target.getPos();
    call.args.push_back(std::move(arg));
  }
  models.setLayerTrainable(&call, value.boolean);
  return Error::success();
}
