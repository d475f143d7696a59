//===- EvalExpr.cpp - Expressions and calls of the constant evaluator -----===//
//
// Every subexpression is evaluated even when the result is unknown, so that
// calls with effects (`model.add(...)` inside a print, say) still happen;
// only code whose running is itself uncertain (one branch of a conditional
// expression with an unknown test) is not.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/Interpreter.h"

#include "frontends/keras-python/Builtins.h"
#include "frontends/keras-python/Diagnostics.h"
#include "frontends/keras-python/KerasSymbols.h"
#include "frontends/keras-python/Operators.h"

#include "llvm/ADT/StringExtras.h"

using namespace cnnc;
using namespace cnnc::py;
using llvm::cast;
using llvm::dyn_cast;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

Expected<Value> Interpreter::eval(const Expr &expr) {
  // Deep expressions inside deep user-function calls: bound the total.
  if (evalDepth >= kMaxEvalDepth)
    return errorAt(file, expr.getPos(),
                   "expression nests too deeply to evaluate");
  ++evalDepth;
  auto value = evalExpr(expr);
  --evalDepth;
  return value;
}

Expected<Value> Interpreter::evalExpr(const Expr &expr) {
  switch (expr.getKind()) {
  case Expr::Kind::Name:
    return lookup(cast<NameExpr>(expr).id, expr.getPos());
  case Expr::Kind::Int:
  case Expr::Kind::Float:
    return evalNumber(cast<NumberExpr>(expr));
  case Expr::Kind::Imaginary:
    return Value::unknown();
  case Expr::Kind::Str: {
    const auto &str = cast<StrExpr>(expr);
    if (str.isFString || str.isBytes)
      return Value::unknown();
    return Value::fromStr(str.value);
  }
  case Expr::Kind::Constant:
    switch (cast<ConstantExpr>(expr).value) {
    case ConstantExpr::Value::True:
      return Value::fromBool(true);
    case ConstantExpr::Value::False:
      return Value::fromBool(false);
    case ConstantExpr::Value::None:
      return Value::none();
    case ConstantExpr::Value::Ellipsis:
      return Value::unknown();
    }
    return Value::unknown();
  case Expr::Kind::Tuple:
  case Expr::Kind::List:
  case Expr::Kind::Set:
    return evalSequence(cast<SequenceExpr>(expr));
  case Expr::Kind::Dict:
    return evalDict(cast<DictExpr>(expr));
  case Expr::Kind::Starred: {
    auto value = eval(*cast<StarredExpr>(expr).value);
    if (!value)
      return value.takeError();
    return Value::unknown();
  }
  case Expr::Kind::Attribute:
    return evalAttribute(cast<AttributeExpr>(expr));
  case Expr::Kind::Subscript:
    return evalSubscript(cast<SubscriptExpr>(expr));
  case Expr::Kind::Slice:
    return Value::unknown(); // only meaningful inside a subscript
  case Expr::Kind::Call:
    return evalCall(cast<CallExpr>(expr));
  case Expr::Kind::Unary: {
    const auto &unary = cast<UnaryExpr>(expr);
    auto operand = eval(*unary.operand);
    if (!operand)
      return operand.takeError();
    return unaryOp(unary.op, *operand, expr.getPos());
  }
  case Expr::Kind::Binary: {
    const auto &binary = cast<BinaryExpr>(expr);
    auto lhs = eval(*binary.lhs);
    if (!lhs)
      return lhs.takeError();
    auto rhs = eval(*binary.rhs);
    if (!rhs)
      return rhs.takeError();
    return binaryOp(binary.op, *lhs, *rhs, binary.opPos);
  }
  case Expr::Kind::BoolOp:
    return evalBoolOp(cast<BoolOpExpr>(expr));
  case Expr::Kind::Compare:
    return evalCompare(cast<CompareExpr>(expr));
  case Expr::Kind::IfExp: {
    const auto &ifExp = cast<IfExpr>(expr);
    auto test = eval(*ifExp.test);
    if (!test)
      return test.takeError();
    std::optional<bool> truth = test->truth();
    if (!truth)
      return propagateUnknown({&*test});
    return eval(*truth ? *ifExp.body : *ifExp.orelse);
  }
  case Expr::Kind::Comprehension:
    return evalComprehension(cast<ComprehensionExpr>(expr));
  case Expr::Kind::NamedExpr: {
    const auto &named = cast<NamedExpr>(expr);
    auto value = eval(*named.value);
    if (!value)
      return value.takeError();
    bind(named.target, *value);
    return value;
  }
  case Expr::Kind::Lambda:
  case Expr::Kind::Await:
  case Expr::Kind::Yield:
    return Value::unknown();
  }
  return Value::unknown();
}

Expected<Value> Interpreter::evalNumber(const NumberExpr &expr) {
  StringRef text = expr.text;
  if (expr.getKind() == Expr::Kind::Float) {
    double d;
    if (text.getAsDouble(d, /*AllowInexact=*/true))
      return Value::unknown();
    return Value::fromFloat(d);
  }
  unsigned radix = 10;
  if (text.size() > 1 && text[0] == '0' && llvm::isAlpha(text[1])) {
    radix = text[1] == 'x' ? 16 : text[1] == 'o' ? 8 : 2;
    text = text.drop_front(2);
  }
  uint64_t n;
  if (text.getAsInteger(radix, n) || n > uint64_t(INT64_MAX))
    return Value::unknown("integer literal is too large", expr.getPos());
  return Value::fromInt(int64_t(n));
}

Expected<Value> Interpreter::evalSequence(const SequenceExpr &expr) {
  std::vector<Value> elts;
  bool known = expr.getKind() != Expr::Kind::Set;
  for (const ExprPtr &e : expr.elts) {
    if (const auto *star = dyn_cast<StarredExpr>(e.get())) {
      auto value = eval(*star->value);
      if (!value)
        return value.takeError();
      if (value->isSequence())
        elts.insert(elts.end(), value->elements->begin(),
                    value->elements->end());
      else
        known = false;
      continue;
    }
    auto value = eval(*e);
    if (!value)
      return value.takeError();
    elts.push_back(std::move(*value));
  }
  if (!known)
    return Value::unknown();
  return expr.getKind() == Expr::Kind::Tuple ? Value::tuple(std::move(elts))
                                             : Value::list(std::move(elts));
}

Expected<Value> Interpreter::evalDict(const DictExpr &expr) {
  std::vector<std::pair<std::string, Value>> entries;
  bool known = true;
  auto put = [&](const std::string &key, Value value) {
    for (auto &entry : entries)
      if (entry.first == key) {
        entry.second = std::move(value);
        return;
      }
    entries.emplace_back(key, std::move(value));
  };
  for (size_t i = 0; i < expr.keys.size(); ++i) {
    auto value = eval(*expr.values[i]);
    if (!value)
      return value.takeError();
    if (!expr.keys[i]) { // **mapping
      if (value->is(Value::Kind::Dict))
        for (const auto &entry : *value->entries)
          put(entry.first, entry.second);
      else
        known = false;
      continue;
    }
    auto key = eval(*expr.keys[i]);
    if (!key)
      return key.takeError();
    // Only string keys matter (for **kwargs); others make the dict unknown.
    if (!key->is(Value::Kind::Str))
      known = false;
    else
      put(key->text, std::move(*value));
  }
  if (!known)
    return Value::unknown();
  return Value::dict(std::move(entries));
}

Expected<Value> Interpreter::evalAttribute(const AttributeExpr &expr) {
  auto base = eval(*expr.value);
  if (!base)
    return base.takeError();
  switch (base->kind) {
  case Value::Kind::Symbol:
    return Value::symbol(base->text + "." + expr.attr);
  case Value::Kind::Model:
  case Value::Kind::List:
  case Value::Kind::Dict:
    return Value::method(*base, expr.attr);
  case Value::Kind::Unknown:
    return propagateUnknown({&*base});
  default:
    return Value::unknown();
  }
}

Expected<Value> Interpreter::evalSubscript(const SubscriptExpr &expr) {
  auto base = eval(*expr.value);
  if (!base)
    return base.takeError();
  if (const auto *slice = dyn_cast<SliceExpr>(expr.index.get())) {
    Value bounds[3] = {Value::none(), Value::none(), Value::none()};
    const ExprPtr *parts[3] = {&slice->lower, &slice->upper, &slice->step};
    for (int i = 0; i < 3; ++i) {
      if (!*parts[i])
        continue;
      auto v = eval(**parts[i]);
      if (!v)
        return v.takeError();
      bounds[i] = std::move(*v);
    }
    return sliceOf(*base, bounds[0], bounds[1], bounds[2]);
  }
  auto index = eval(*expr.index);
  if (!index)
    return index.takeError();
  return subscript(*base, *index);
}

Expected<Value> Interpreter::evalBoolOp(const BoolOpExpr &expr) {
  // Python returns the deciding operand; an operand with an unknown truth
  // leaves the rest unevaluated, as its running is uncertain.
  Value result;
  for (const ExprPtr &e : expr.values) {
    auto value = eval(*e);
    if (!value)
      return value.takeError();
    std::optional<bool> truth = value->truth();
    if (!truth)
      return propagateUnknown({&*value});
    result = std::move(*value);
    if (*truth != expr.isAnd)
      return result;
  }
  return result;
}

Expected<Value> Interpreter::evalCompare(const CompareExpr &expr) {
  auto left = eval(*expr.left);
  if (!left)
    return left.takeError();
  Value lhs = std::move(*left);
  Value result = Value::fromBool(true);
  for (size_t i = 0; i < expr.ops.size(); ++i) {
    auto right = eval(*expr.comparators[i]);
    if (!right)
      return right.takeError();
    Value cmp = compareOp(expr.ops[i], lhs, *right);
    if (!cmp.is(Value::Kind::Bool))
      return cmp;
    if (!cmp.boolean)
      return cmp; // a < b < c stops at the first false
    lhs = std::move(*right);
    result = cmp;
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Comprehensions
//===----------------------------------------------------------------------===//

Expected<Value> Interpreter::evalComprehension(const ComprehensionExpr &expr) {
  if (expr.form == ComprehensionExpr::Form::Set)
    return Value::unknown();
  std::vector<Value> out;
  bool known = true;
  frames.back().comprehensionScopes.emplace_back();
  Error err = evalGenerators(expr, 0, out, known);
  frames.back().comprehensionScopes.pop_back();
  if (err)
    return std::move(err);
  if (!known)
    return Value::unknown();
  if (expr.form == ComprehensionExpr::Form::Dict) {
    std::vector<std::pair<std::string, Value>> entries;
    for (size_t i = 0; i + 1 < out.size(); i += 2) {
      if (!out[i].is(Value::Kind::Str))
        return Value::unknown();
      entries.emplace_back(out[i].text, out[i + 1]);
    }
    return Value::dict(std::move(entries));
  }
  // A generator expression is iterated by whatever consumes it (tuple(),
  // Sequential(...)); as a list it serves them all.
  return Value::list(std::move(out));
}

Error Interpreter::evalGenerators(const ComprehensionExpr &expr, size_t index,
                                  std::vector<Value> &out, bool &known) {
  if (!known)
    return Error::success();
  if (index == expr.generators.size()) {
    if (out.size() >= kMaxSequenceLength) {
      known = false;
      return Error::success();
    }
    auto element = eval(*expr.element);
    if (!element)
      return element.takeError();
    out.push_back(std::move(*element));
    if (expr.value) {
      auto value = eval(*expr.value);
      if (!value)
        return value.takeError();
      out.push_back(std::move(*value));
    }
    return Error::success();
  }
  const ComprehensionFor &gen = expr.generators[index];
  auto iter = eval(*gen.iter);
  if (!iter)
    return iter.takeError();
  if (!iter->isSequence() || gen.isAsync) {
    known = false;
    return Error::success();
  }
  std::vector<Value> items = *iter->elements;
  for (const Value &item : items) {
    if (!step())
      return errorAt(file, expr.getPos(),
                     "the script runs too long for cnnc to evaluate");
    if (Error err = assign(*gen.target, item, /*inComprehension=*/true))
      return err;
    bool pass = true;
    for (const ExprPtr &cond : gen.ifs) {
      auto test = eval(*cond);
      if (!test)
        return test.takeError();
      std::optional<bool> truth = test->truth();
      if (!truth) {
        known = false;
        return Error::success();
      }
      if (!*truth) {
        pass = false;
        break;
      }
    }
    if (pass)
      if (Error err = evalGenerators(expr, index + 1, out, known))
        return err;
    if (!known)
      return Error::success();
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

Error Interpreter::evalArguments(const CallExpr &call, KerasCall &out) {
  auto unpackError = [&](const Value &v, Position pos) {
    if (out.argumentError)
      return;
    if (v.hasReason())
      out.argumentError.emplace(v.reasonPos, v.text);
    else
      out.argumentError.emplace(
          pos, "cnnc cannot evaluate the arguments unpacked here");
  };
  for (const CallArg &arg : call.args) {
    auto value = eval(*arg.value);
    if (!value)
      return value.takeError();
    Position pos = arg.value->getPos();
    switch (arg.kind) {
    case CallArg::Kind::Positional:
      out.args.push_back({"", std::move(*value), pos, {}});
      break;
    case CallArg::Kind::Keyword:
      out.args.push_back({arg.keyword, std::move(*value), pos, arg.keywordPos});
      break;
    case CallArg::Kind::Star:
      if (value->isSequence())
        for (const Value &e : *value->elements)
          out.args.push_back({"", e, pos, {}});
      else
        unpackError(*value, pos);
      break;
    case CallArg::Kind::DoubleStar:
      if (value->is(Value::Kind::Dict))
        for (const auto &entry : *value->entries)
          out.args.push_back({entry.first, entry.second, pos, pos});
      else
        unpackError(*value, pos);
      break;
    }
  }
  return Error::success();
}

Expected<Value> Interpreter::evalCall(const CallExpr &call) {
  auto callee = eval(*call.func);
  if (!callee)
    return callee.takeError();
  KerasCall args;
  args.pos = call.getPos();
  if (Error err = evalArguments(call, args))
    return std::move(err);

  switch (callee->kind) {
  case Value::Kind::Symbol:
    return callSymbol(*callee, args);
  case Value::Kind::Method:
    return callMethod(*callee, args);
  case Value::Kind::Builtin:
    if (args.argumentError)
      return Value::unknown();
    return callBuiltin(callee->text, args.args);
  case Value::Kind::Function:
    return callFunction(*callee->function, args);
  case Value::Kind::Unknown:
    return propagateUnknown({&*callee});
  case Value::Kind::Object:
    // Calling a layer on tensors (`Dense(10)(x)`, `Add()([x, y])`): the
    // functional API. Keyword arguments (`training=False`) change nothing
    // cnnc computes.
    if (callee->call->symbol.kind == SymbolKind::Layer && !args.argumentError &&
        !args.args.empty() && args.args[0].keyword.empty())
      if (auto inputs = models.tensorsOf(args.args[0].value))
        return models.applyLayer(callee->call, std::move(*inputs), args.pos);
    return Value::unknown();
  case Value::Kind::Model:
    // A model called on tensors: a nested model of the functional API.
    if (!args.argumentError && !args.args.empty() &&
        args.args[0].keyword.empty())
      if (auto inputs = models.tensorsOf(args.args[0].value))
        return models.applyModel(callee->modelId, std::move(*inputs), args.pos);
    return Value::unknown();
  default:
    return Value::unknown();
  }
}

Expected<Value> Interpreter::callSymbol(const Value &callee, KerasCall &args) {
  // Keras's configuration queries, at Keras's defaults: scripts branch on
  // them (`if K.image_data_format() == 'channels_first':`), and cnnc is
  // channels-last and float32 only.
  std::string canonical = canonicalKerasPath(callee.text);
  if (canonical == "keras.backend.image_data_format")
    return Value::fromStr("channels_last");
  if (canonical == "keras.backend.image_dim_ordering") // Keras 1
    return Value::fromStr("tf");
  if (canonical == "keras.backend.floatx")
    return Value::fromStr("float32");

  args.symbol = classifySymbol(callee.text);
  switch (args.symbol.kind) {
  case SymbolKind::Sequential: {
    auto id = models.create(args);
    if (!id)
      return id.takeError();
    return Value::model(*id);
  }
  case SymbolKind::FunctionalModel: {
    if (!functionalModel)
      functionalModel = args.pos;
    if (args.argumentError)
      return errorAt(file, args.argumentError->first,
                     args.argumentError->second);
    auto id = models.createFunctional(args);
    if (!id)
      return id.takeError();
    return Value::model(*id);
  }
  case SymbolKind::MergeFunction: {
    // layers.add([x, y], **kwargs) is Add(**kwargs)([x, y]).
    if (args.argumentError || args.args.empty())
      return Value::unknown();
    auto layer = std::make_shared<KerasCall>();
    layer->symbol = {SymbolKind::Layer, args.symbol.name};
    layer->pos = args.pos;
    const CallArgValue *inputs = nullptr;
    for (const CallArgValue &arg : args.args) {
      if (!inputs && (arg.keyword.empty() || arg.keyword == "inputs"))
        inputs = &arg;
      else
        layer->args.push_back(arg);
    }
    if (!inputs)
      return Value::unknown();
    models.nameLayer(*layer);
    auto ids = models.tensorsOf(inputs->value);
    if (!ids)
      return Value::unknown();
    return models.applyLayer(layer, std::move(*ids), args.pos);
  }
  case SymbolKind::Other:
  case SymbolKind::Activation: // activations.relu(x): a tensor
    return Value::unknown();
  default: {
    // Layers, optimizers, losses, ...: checked where the model uses them.
    Value object = Value::object(std::make_shared<KerasCall>(std::move(args)));
    // A keras.Input is a tensor from the moment it is made: tf.keras's
    // auto-names (input_1, input_2, ...) count inputs in that order.
    if (object.call->symbol.kind == SymbolKind::Input)
      models.tensorOf(object);
    if (object.call->symbol.kind == SymbolKind::Layer)
      models.nameLayer(*object.call);
    return object;
  }
  }
}

Expected<Value> Interpreter::callMethod(const Value &method,
                                        const KerasCall &args) {
  const Value &receiver = *method.receiver;
  StringRef name = method.text;
  if (receiver.is(Value::Kind::Model)) {
    KerasCall call = args;
    call.symbol.name = name.str();
    if (Error err = models.callMethod(receiver.modelId, name, call))
      return std::move(err);
    bool returnsNone = name == "add" || name == "compile" || name == "build";
    return returnsNone ? Value::none() : Value::unknown();
  }
  if (args.argumentError)
    return Value::unknown();
  std::vector<Value> positional;
  for (const CallArgValue &arg : args.args)
    positional.push_back(arg.value);

  if (receiver.is(Value::Kind::List)) {
    std::vector<Value> &elements = *receiver.elements;
    auto store = [&](const Value &v) { return storable(receiver, v); };
    if (name == "append" && positional.size() == 1) {
      if (elements.size() < kMaxSequenceLength)
        elements.push_back(store(positional[0]));
      return Value::none();
    }
    if (name == "extend" && positional.size() == 1 &&
        positional[0].isSequence()) {
      std::vector<Value> items = *positional[0].elements;
      for (const Value &v : items)
        if (elements.size() < kMaxSequenceLength)
          elements.push_back(store(v));
      return Value::none();
    }
    if (name == "insert" && positional.size() == 2 &&
        positional[0].is(Value::Kind::Int)) {
      int64_t size = elements.size();
      int64_t at = positional[0].integer < 0 ? positional[0].integer + size
                                             : positional[0].integer;
      at = std::clamp<int64_t>(at, 0, size);
      if (elements.size() < kMaxSequenceLength)
        elements.insert(elements.begin() + at, store(positional[1]));
      return Value::none();
    }
    if (name == "pop" && positional.empty() && !elements.empty()) {
      Value last = elements.back();
      elements.pop_back();
      return last;
    }
    if (name == "copy" && positional.empty())
      return Value::list(elements);
    return Value::unknown();
  }
  if (receiver.is(Value::Kind::Dict)) {
    auto &entries = *receiver.entries;
    if (name == "get" && !positional.empty() && positional.size() <= 2 &&
        positional[0].is(Value::Kind::Str)) {
      for (const auto &entry : entries)
        if (entry.first == positional[0].text)
          return entry.second;
      return positional.size() == 2 ? positional[1] : Value::none();
    }
    if (name == "copy" && positional.empty())
      return Value::dict(entries);
    if (name == "keys" || name == "values" || name == "items") {
      std::vector<Value> out;
      for (const auto &entry : entries) {
        Value key = Value::fromStr(entry.first);
        if (name == "keys")
          out.push_back(key);
        else if (name == "values")
          out.push_back(entry.second);
        else
          out.push_back(Value::tuple({key, entry.second}));
      }
      return Value::list(std::move(out));
    }
    if (name == "update") {
      std::vector<std::pair<std::string, Value>> updates;
      if (positional.size() == 1 && positional[0].is(Value::Kind::Dict))
        updates = *positional[0].entries;
      else if (!positional.empty())
        return Value::unknown();
      for (const CallArgValue &arg : args.args)
        if (!arg.keyword.empty())
          updates.emplace_back(arg.keyword, arg.value);
      for (auto &update : updates) {
        auto it = llvm::find_if(
            entries, [&](const auto &e) { return e.first == update.first; });
        Value value = storable(receiver, update.second);
        if (it != entries.end())
          it->second = value;
        else if (entries.size() < kMaxSequenceLength)
          entries.emplace_back(update.first, value);
      }
      return Value::none();
    }
  }
  return Value::unknown();
}

Expected<Value> Interpreter::callFunction(const UserFunction &fn,
                                          const KerasCall &args) {
  const FunctionDefStmt &def = *fn.def;
  calledFunctions.insert(&def);
  if (frames.size() > kMaxCallDepth || args.argumentError)
    return Value::unknown();

  // Bind parameters as Python does; what cannot be bound is unknown.
  Frame frame;
  std::vector<const CallArgValue *> positional, keywords;
  for (const CallArgValue &arg : args.args)
    (arg.keyword.empty() ? positional : keywords).push_back(&arg);
  llvm::SmallPtrSet<const CallArgValue *, 8> usedKeywords;
  auto keyword = [&](StringRef name) -> const CallArgValue * {
    for (const CallArgValue *arg : keywords)
      if (arg->keyword == name) {
        usedKeywords.insert(arg);
        return arg;
      }
    return nullptr;
  };
  size_t next = 0;
  for (size_t i = 0; i < def.params.size(); ++i) {
    const Param &param = def.params[i];
    Value value = Value::unknown();
    switch (param.kind) {
    case Param::Kind::Normal:
    case Param::Kind::KwOnly:
      if (param.kind == Param::Kind::Normal && next < positional.size())
        value = positional[next++]->value;
      else if (const CallArgValue *arg = keyword(param.name))
        value = arg->value;
      else if (fn.defaults[i])
        value = *fn.defaults[i];
      break;
    case Param::Kind::VarArgs: {
      std::vector<Value> rest;
      for (; next < positional.size(); ++next)
        rest.push_back(positional[next]->value);
      value = Value::tuple(std::move(rest));
      break;
    }
    case Param::Kind::VarKwargs:
      break; // filled below, once every named parameter took its keyword
    }
    frame.locals[param.name] = std::move(value);
  }
  for (const Param &param : def.params) {
    if (param.kind != Param::Kind::VarKwargs)
      continue;
    std::vector<std::pair<std::string, Value>> rest;
    for (const CallArgValue *arg : keywords)
      if (!usedKeywords.count(arg))
        rest.emplace_back(arg->keyword, arg->value);
    frame.locals[param.name] = Value::dict(std::move(rest));
  }

  frames.push_back(std::move(frame));
  auto flow = execBlock(def.body);
  Value result = frames.back().returnValue;
  frames.pop_back();
  if (!flow)
    return flow.takeError();
  if (*flow == Flow::Return)
    return result;
  return *flow == Flow::Raise ? Value::unknown() : Value::none();
}
