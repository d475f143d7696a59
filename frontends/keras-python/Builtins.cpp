//===- Builtins.cpp - Python builtin functions on constants ---------------===//

#include "frontends/keras-python/Builtins.h"

#include "frontends/keras-python/Operators.h"

#include "llvm/ADT/StringSwitch.h"

#include <cfenv>
#include <cmath>
#include <cstdlib>

using namespace cnnc;
using namespace cnnc::py;
using llvm::StringRef;

bool py::isPythonBuiltin(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("abs", "all", "any", "ascii", "bin", "bool", "breakpoint", true)
      .Cases("bytearray", "bytes", "callable", "chr", "classmethod", true)
      .Cases("compile", "complex", "delattr", "dict", "dir", "divmod", true)
      .Cases("enumerate", "eval", "exec", "filter", "float", "format", true)
      .Cases("frozenset", "getattr", "globals", "hasattr", "hash", "help", true)
      .Cases("hex", "id", "input", "int", "isinstance", "issubclass", true)
      .Cases("iter", "len", "list", "locals", "map", "max", "memoryview", true)
      .Cases("min", "next", "object", "oct", "open", "ord", "pow", true)
      .Cases("print", "property", "range", "repr", "reversed", "round", true)
      .Cases("set", "setattr", "slice", "sorted", "staticmethod", "str", true)
      .Cases("sum", "super", "tuple", "type", "vars", "zip", "exit", true)
      .Cases("quit", "copyright", "credits", "license", "__import__", true)
      .Cases("NotImplemented", "Ellipsis", "__debug__", "__doc__", true)
      .Cases("__file__", "__spec__", "__loader__", "__package__", true)
      .Cases("__builtins__", "get_ipython", "display", true) // notebooks
      .Default(name.ends_with("Error") || name.ends_with("Exception") ||
               name.ends_with("Warning") || name == "BaseException" ||
               name == "KeyboardInterrupt" || name == "SystemExit" ||
               name == "StopIteration" || name == "GeneratorExit" ||
               name == "StopAsyncIteration");
}

/// Elements of an iterable constant: a tuple, list, string or dict (keys).
static std::optional<std::vector<Value>> iterate(const Value &v) {
  chargeValueWork(v.isSequence() ? v.elements->size() : v.text.size());
  if (v.isSequence())
    return *v.elements;
  if (v.is(Value::Kind::Str)) {
    std::vector<Value> chars;
    for (char c : v.text)
      chars.push_back(Value::fromStr(std::string(1, c)));
    return chars;
  }
  if (v.is(Value::Kind::Dict)) {
    std::vector<Value> keys;
    for (const auto &entry : *v.entries)
      keys.push_back(Value::fromStr(entry.first));
    return keys;
  }
  return std::nullopt;
}

static Value toInt(const Value &v) {
  switch (v.kind) {
  case Value::Kind::Int:
    return v;
  case Value::Kind::Bool:
    return Value::fromInt(v.boolean);
  case Value::Kind::Float:
    if (!std::isfinite(v.real) || std::fabs(v.real) >= 9.2e18)
      return Value::unknown();
    return Value::fromInt(int64_t(std::trunc(v.real)));
  case Value::Kind::Str: {
    StringRef text = StringRef(v.text).trim();
    int64_t n;
    if (text.starts_with("+"))
      text = text.drop_front();
    if (text.getAsInteger(10, n))
      return Value::unknown();
    return Value::fromInt(n);
  }
  default:
    return propagateUnknown({&v});
  }
}

static Value toFloat(const Value &v) {
  if (v.isNumber() || v.is(Value::Kind::Bool))
    return Value::fromFloat(v.is(Value::Kind::Bool) ? double(v.boolean)
                                                    : v.asDouble());
  if (v.is(Value::Kind::Str)) {
    double d;
    if (StringRef(v.text).trim().getAsDouble(d))
      return Value::unknown();
    return Value::fromFloat(d);
  }
  return propagateUnknown({&v});
}

static Value toStr(const Value &v) {
  if (v.is(Value::Kind::Str))
    return v;
  if (v.isNumber() || v.is(Value::Kind::Bool) || v.is(Value::Kind::None) ||
      v.isSequence())
    return Value::fromStr(repr(v));
  return propagateUnknown({&v});
}

static Value range(llvm::ArrayRef<Value> args) {
  int64_t bounds[3] = {0, 0, 1};
  for (const Value &a : args)
    if (!a.is(Value::Kind::Int))
      return propagateUnknown({&a});
  if (args.size() == 1) {
    bounds[1] = args[0].integer;
  } else {
    bounds[0] = args[0].integer;
    bounds[1] = args[1].integer;
    if (args.size() == 3)
      bounds[2] = args[2].integer;
  }
  auto [start, stop, step] = bounds;
  if (step == 0)
    return Value::unknown();
  // Too long a range is left unknown (a loop over it is not evaluated).
  long double count = ((long double)stop - start) / step;
  if (count > kMaxSequenceLength)
    return Value::unknown();
  std::vector<Value> out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
    out.push_back(Value::fromInt(i));
    if (__builtin_add_overflow(i, step, &i))
      break;
  }
  return Value::list(std::move(out));
}

/// min() / max() over arguments or one iterable.
static Value extreme(llvm::ArrayRef<Value> args, bool wantMax) {
  std::vector<Value> items;
  if (args.size() == 1) {
    auto elts = iterate(args[0]);
    if (!elts)
      return propagateUnknown({&args[0]});
    items = std::move(*elts);
  } else {
    items = args.vec();
  }
  if (items.empty())
    return Value::unknown();
  Value best = items[0];
  for (const Value &item : llvm::ArrayRef(items).drop_front()) {
    Value less = compareOp("<", wantMax ? best : item, wantMax ? item : best);
    if (!less.is(Value::Kind::Bool))
      return propagateUnknown({&less});
    if (less.boolean)
      best = item;
  }
  return best;
}

Value py::callBuiltin(StringRef name, llvm::ArrayRef<CallArgValue> callArgs) {
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> keywords;
  for (const CallArgValue &arg : callArgs) {
    if (arg.keyword.empty())
      args.push_back(arg.value);
    else
      keywords.emplace_back(arg.keyword, arg.value);
  }
  if (name == "print")
    return Value::none();
  if (name == "dict") {
    std::vector<std::pair<std::string, Value>> entries;
    if (args.size() == 1 && args[0].is(Value::Kind::Dict))
      entries = *args[0].entries;
    else if (!args.empty())
      return Value::unknown();
    for (auto &kw : keywords) {
      auto it = llvm::find_if(
          entries, [&](const auto &e) { return e.first == kw.first; });
      if (it != entries.end())
        it->second = kw.second;
      else
        entries.push_back(kw);
    }
    return Value::dict(std::move(entries));
  }
  if (!keywords.empty())
    return Value::unknown();

  if (name == "range" && !args.empty() && args.size() <= 3)
    return range(args);
  if (name == "zip") {
    std::vector<std::vector<Value>> columns;
    for (const Value &arg : args) {
      auto elts = iterate(arg);
      if (!elts)
        return propagateUnknown({&arg});
      columns.push_back(std::move(*elts));
    }
    std::vector<Value> rows;
    for (size_t i = 0; !columns.empty(); ++i) {
      std::vector<Value> row;
      for (const auto &column : columns) {
        if (i >= column.size())
          return Value::list(std::move(rows));
        row.push_back(column[i]);
      }
      rows.push_back(Value::tuple(std::move(row)));
    }
    return Value::list(std::move(rows));
  }
  if ((name == "min" || name == "max") && !args.empty())
    return extreme(args, name == "max");
  if (args.size() > 2)
    return Value::unknown();
  if (name == "round" && !args.empty()) {
    Value x = args[0];
    if (!x.isNumber())
      return propagateUnknown({&x});
    if (args.size() == 1) {
      if (x.is(Value::Kind::Int))
        return x;
      // Python rounds half to even, as nearbyint does in the default mode.
      return toInt(Value::fromFloat(std::nearbyint(x.real)));
    }
    if (!args[1].is(Value::Kind::Int) || args[1].integer > 300 ||
        args[1].integer < -300)
      return Value::unknown();
    double scale = std::pow(10.0, double(args[1].integer));
    return Value::fromFloat(std::nearbyint(x.asDouble() * scale) / scale);
  }
  if (args.size() != 1) {
    if (args.empty() && (name == "tuple" || name == "list"))
      return name == "tuple" ? Value::tuple({}) : Value::list({});
    return Value::unknown();
  }
  const Value &x = args[0];
  if (name == "int")
    return toInt(x);
  if (name == "float")
    return toFloat(x);
  if (name == "str")
    return toStr(x);
  if (name == "bool") {
    std::optional<bool> truth = x.truth();
    return truth ? Value::fromBool(*truth) : propagateUnknown({&x});
  }
  if (name == "abs") {
    Value neg = unaryOp("-", x, Position());
    Value isNeg = compareOp("<", x, Value::fromInt(0));
    if (!isNeg.is(Value::Kind::Bool))
      return propagateUnknown({&x});
    return isNeg.boolean ? neg : x;
  }
  if (name == "len") {
    if (x.isSequence())
      return Value::fromInt(x.elements->size());
    if (x.is(Value::Kind::Str))
      return Value::fromInt(x.text.size());
    if (x.is(Value::Kind::Dict))
      return Value::fromInt(x.entries->size());
    return propagateUnknown({&x});
  }
  if (name == "enumerate" || name == "reversed") {
    auto elts = iterate(x);
    if (!elts)
      return propagateUnknown({&x});
    if (name == "reversed")
      return Value::list(std::vector<Value>(elts->rbegin(), elts->rend()));
    std::vector<Value> pairs;
    for (size_t i = 0; i < elts->size(); ++i)
      pairs.push_back(Value::tuple({Value::fromInt(int64_t(i)), (*elts)[i]}));
    return Value::list(std::move(pairs));
  }
  if (name == "tuple" || name == "list" || name == "sum") {
    auto elts = iterate(x);
    if (!elts)
      return propagateUnknown({&x});
    if (name == "tuple")
      return Value::tuple(std::move(*elts));
    if (name == "list")
      return Value::list(std::move(*elts));
    Value total = Value::fromInt(0);
    for (const Value &e : *elts)
      total = binaryOp("+", total, e, Position());
    return total;
  }
  return Value::unknown();
}
