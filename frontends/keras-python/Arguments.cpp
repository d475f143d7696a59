//===- Arguments.cpp - Keras call arguments bound to a signature ----------===//

#include "frontends/keras-python/Arguments.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Expected;
using llvm::StringRef;

Expected<Arguments> Arguments::bind(const KerasCall &call, const Signature &sig,
                                    StringRef callee, StringRef file) {
  Arguments args;
  args.fileName = file.str();
  args.pos = call.pos;
  if (call.argumentError)
    return errorAt(file, call.argumentError->first, call.argumentError->second);

  size_t positionalIndex = 0;
  for (const CallArgValue &arg : call.args) {
    std::string name;
    Position at = arg.pos;
    if (arg.keyword.empty()) {
      if (positionalIndex >= sig.positional.size())
        return errorAt(
            file, arg.pos, "too many positional arguments to '", callee,
            "': expected at most ", std::to_string(sig.positional.size()),
            ", have ",
            std::to_string(llvm::count_if(call.args, [](const CallArgValue &a) {
              return a.keyword.empty();
            })));
      name = sig.positional[positionalIndex++].str();
    } else {
      name = arg.keyword;
      at = arg.keywordPos;
      if (!llvm::is_contained(sig.positional, StringRef(name)) &&
          !llvm::is_contained(sig.keywordOnly, StringRef(name)))
        return errorAt(file, at, "unknown keyword argument '", name, "' to '",
                       callee, "'");
    }
    if (!args.bound.emplace(name, &arg).second)
      return errorAt(file, at, "multiple values for argument '", name, "' to '",
                     callee, "'");
  }
  for (unsigned i = 0; i < sig.required && i < sig.positional.size(); ++i)
    if (!args.has(sig.positional[i]))
      return errorAt(file, call.pos, "missing argument '", sig.positional[i],
                     "' to '", callee, "'");
  return std::move(args);
}

const CallArgValue *Arguments::get(StringRef name) const {
  auto it = bound.find(name.str());
  return it == bound.end() ? nullptr : it->second;
}

bool Arguments::hasValue(StringRef name) const {
  const CallArgValue *arg = get(name);
  return arg && !arg->value.is(Value::Kind::None);
}

llvm::Error Arguments::typeError(StringRef name, const CallArgValue &arg,
                                 StringRef expected) const {
  if (arg.value.hasReason())
    return error(arg.value.reasonPos, arg.value.text);
  return error(arg.pos, "'", name, "' must be ", expected, ", not ",
               describe(arg.value));
}

Expected<int64_t> Arguments::getInt(StringRef name, int64_t def) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return def;
  if (!arg->value.is(Value::Kind::Int))
    return typeError(name, *arg, "an integer");
  return arg->value.integer;
}

Expected<int64_t> Arguments::getPositiveCount(StringRef name) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return error(pos, "missing argument '", name, "'");
  const Value &v = arg->value;
  int64_t n;
  if (v.is(Value::Kind::Int)) {
    n = v.integer;
  } else if (v.is(Value::Kind::Float) && std::isfinite(v.real) &&
             v.real == std::floor(v.real) && std::fabs(v.real) < 9.0e15) {
    n = int64_t(v.real); // Keras 2 takes int(units)
  } else {
    return typeError(name, *arg, "an integer");
  }
  if (n <= 0)
    return error(arg->pos, "'", name, "' must be a positive integer, not ",
                 repr(v));
  return n;
}

Expected<std::array<int64_t, 2>>
Arguments::getPositivePair(StringRef name, std::array<int64_t, 2> def) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return def;
  const Value &v = arg->value;
  std::array<int64_t, 2> pair;
  if (v.is(Value::Kind::Int)) {
    pair = {v.integer, v.integer};
  } else if (v.isSequence() && v.elements->size() == 2 &&
             (*v.elements)[0].is(Value::Kind::Int) &&
             (*v.elements)[1].is(Value::Kind::Int)) {
    pair = {(*v.elements)[0].integer, (*v.elements)[1].integer};
  } else {
    if (v.isSequence())
      for (const Value &e : *v.elements)
        if (e.hasReason())
          return error(e.reasonPos, e.text);
    return typeError(name, *arg, "an integer or a tuple of 2 integers");
  }
  if (pair[0] <= 0 || pair[1] <= 0)
    return error(arg->pos, "'", name, "' must hold positive integers, not ",
                 repr(v));
  return pair;
}

Expected<std::optional<std::array<int64_t, 2>>>
Arguments::getOptionalPositivePair(StringRef name) const {
  if (!hasValue(name))
    return std::nullopt;
  auto pair = getPositivePair(name, {1, 1});
  if (!pair)
    return pair.takeError();
  return std::optional<std::array<int64_t, 2>>(*pair);
}

Expected<double> Arguments::getNumber(StringRef name, double def) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return def;
  if (!arg->value.isNumber())
    return typeError(name, *arg, "a number");
  return arg->value.asDouble();
}

Expected<bool> Arguments::getBool(StringRef name, bool def) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return def;
  if (!arg->value.is(Value::Kind::Bool))
    return typeError(name, *arg, "True or False");
  return arg->value.boolean;
}

Expected<std::optional<int64_t>>
Arguments::getOptionalInt(StringRef name) const {
  if (!hasValue(name))
    return std::nullopt;
  auto value = getInt(name, 0);
  if (!value)
    return value.takeError();
  return std::optional<int64_t>(*value);
}

Expected<std::optional<std::string>>
Arguments::getOptionalString(StringRef name) const {
  const CallArgValue *arg = get(name);
  if (!arg || arg->value.is(Value::Kind::None))
    return std::nullopt;
  if (!arg->value.is(Value::Kind::Str))
    return typeError(name, *arg, "a string");
  return std::optional<std::string>(arg->value.text);
}

llvm::Error Arguments::requireDefault(StringRef name, const Value &def) const {
  const CallArgValue *arg = get(name);
  if (!arg)
    return llvm::Error::success();
  if (arg->value.hasReason())
    return error(arg->value.reasonPos, arg->value.text);
  std::optional<bool> same = equals(arg->value, def);
  if (same && *same)
    return llvm::Error::success();
  if (arg->value.isUnknown())
    return typeError(name, *arg, repr(def));
  return error(arg->pos, "unsupported '", name, "' value ", repr(arg->value),
               " (only ", repr(def), " is supported)");
}

llvm::Error Arguments::requireNone(StringRef name) const {
  const CallArgValue *arg = get(name);
  if (!arg || arg->value.is(Value::Kind::None))
    return llvm::Error::success();
  if (arg->value.hasReason())
    return error(arg->value.reasonPos, arg->value.text);
  return error(arg->pos, "unsupported '", name, "' (only None is supported)");
}
