//===- Value.cpp - Values of the module-level evaluator -------------------===//

#include "frontends/keras-python/Value.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace cnnc;
using namespace cnnc::py;

static thread_local uint64_t workDone = 0;

uint64_t py::valueWork() { return workDone; }
void py::chargeValueWork(uint64_t amount) { workDone += amount; }

Value Value::unknown(std::string reason, Position pos) {
  Value v;
  v.text = std::move(reason);
  v.reasonPos = pos;
  return v;
}

Value Value::none() {
  Value v;
  v.kind = Kind::None;
  return v;
}

Value Value::fromBool(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}

Value Value::fromInt(int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.integer = i;
  return v;
}

Value Value::fromFloat(double d) {
  Value v;
  v.kind = Kind::Float;
  v.real = d;
  return v;
}

Value Value::fromStr(std::string s) {
  workDone += s.size() / 8;
  Value v;
  v.kind = Kind::Str;
  v.text = std::move(s);
  return v;
}

Value Value::tuple(std::vector<Value> elts) {
  unsigned nesting = 0;
  for (const Value &e : elts)
    nesting = std::max(nesting, e.nesting);
  if (nesting + 1 > kMaxValueNesting || elts.size() > kMaxSequenceLength)
    return unknown();
  workDone += elts.size();
  Value v;
  v.kind = Kind::Tuple;
  v.nesting = nesting + 1;
  v.elements = std::make_shared<std::vector<Value>>(std::move(elts));
  return v;
}

Value Value::list(std::vector<Value> elts) {
  Value v = tuple(std::move(elts));
  if (v.is(Kind::Tuple))
    v.kind = Kind::List;
  return v;
}

Value Value::dict(std::vector<std::pair<std::string, Value>> entries) {
  unsigned nesting = 0;
  for (const auto &entry : entries)
    nesting = std::max(nesting, entry.second.nesting);
  if (nesting + 1 > kMaxValueNesting || entries.size() > kMaxSequenceLength)
    return unknown();
  workDone += entries.size();
  Value v;
  v.kind = Kind::Dict;
  v.nesting = nesting + 1;
  v.entries = std::make_shared<std::vector<std::pair<std::string, Value>>>(
      std::move(entries));
  return v;
}

Value Value::symbol(std::string path) {
  Value v;
  v.kind = Kind::Symbol;
  v.text = std::move(path);
  return v;
}

Value Value::object(std::shared_ptr<KerasCall> call) {
  Value v;
  v.kind = Kind::Object;
  v.call = std::move(call);
  return v;
}

Value Value::model(unsigned id) {
  Value v;
  v.kind = Kind::Model;
  v.modelId = id;
  return v;
}

Value Value::tensor(unsigned id) {
  Value v;
  v.kind = Kind::Tensor;
  v.tensorId = id;
  return v;
}

Value Value::method(Value receiver, std::string name) {
  Value v;
  v.kind = Kind::Method;
  v.text = std::move(name);
  v.receiver = std::make_shared<Value>(std::move(receiver));
  return v;
}

Value Value::builtin(std::string name) {
  Value v;
  v.kind = Kind::Builtin;
  v.text = std::move(name);
  return v;
}

std::optional<bool> Value::truth() const {
  switch (kind) {
  case Kind::Unknown:
    return std::nullopt;
  case Kind::None:
    return false;
  case Kind::Bool:
    return boolean;
  case Kind::Int:
    return integer != 0;
  case Kind::Float:
    return real != 0.0;
  case Kind::Str:
    return !text.empty();
  case Kind::Tuple:
  case Kind::List:
    return !elements->empty();
  case Kind::Dict:
    return !entries->empty();
  case Kind::Symbol:
    return std::nullopt; // `sys.argv`, `args.verbose`: run-time values
  default:
    return true; // objects, models, functions
  }
}

std::string py::formatFloat(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  // The shortest %e form that reads back exactly, as Python's repr.
  char buf[64];
  for (int precision = 0; precision < 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  std::string text(buf);
  size_t ePos = text.find('e');
  std::string mantissa = text.substr(0, ePos);
  int exponent = std::atoi(text.c_str() + ePos + 1);
  bool negative = mantissa[0] == '-';
  if (negative)
    mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.')
      digits += c;

  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(-exponent - 1, '0') + digits;
    } else if (size_t(exponent) + 1 >= digits.size()) {
      out += digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1)
    out += "." + digits.substr(1);
  char expBuf[16];
  std::snprintf(expBuf, sizeof(expBuf), "e%c%02d", exponent < 0 ? '-' : '+',
                std::abs(exponent));
  return out + expBuf;
}

static std::string reprAt(const Value &value, unsigned depth) {
  // Lists can contain themselves; messages need no more than a few levels.
  if (depth > 8)
    return "...";
  switch (value.kind) {
  case Value::Kind::None:
    return "None";
  case Value::Kind::Bool:
    return value.boolean ? "True" : "False";
  case Value::Kind::Int:
    return std::to_string(value.integer);
  case Value::Kind::Float:
    return formatFloat(value.real);
  case Value::Kind::Str: {
    std::string out = "'";
    for (char c : value.text) {
      if (c == '\'' || c == '\\')
        out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "'";
  }
  case Value::Kind::Tuple:
  case Value::Kind::List: {
    bool isTuple = value.kind == Value::Kind::Tuple;
    std::string out = isTuple ? "(" : "[";
    for (size_t i = 0; i < value.elements->size(); ++i) {
      if (i)
        out += ", ";
      out += reprAt((*value.elements)[i], depth + 1);
    }
    if (isTuple && value.elements->size() == 1)
      out += ",";
    return out + (isTuple ? ")" : "]");
  }
  case Value::Kind::Dict: {
    std::string out = "{";
    for (size_t i = 0; i < value.entries->size(); ++i) {
      if (i)
        out += ", ";
      out += "'" + (*value.entries)[i].first +
             "': " + reprAt((*value.entries)[i].second, depth + 1);
    }
    return out + "}";
  }
  case Value::Kind::Object:
    return value.call->symbol.name + "(...)";
  case Value::Kind::Symbol:
    return value.text;
  default:
    return describe(value);
  }
}

std::string py::repr(const Value &value) { return reprAt(value, 0); }

std::string py::describe(const Value &value) {
  switch (value.kind) {
  case Value::Kind::Unknown:
    return "a value cnnc cannot evaluate";
  case Value::Kind::None:
    return "None";
  case Value::Kind::Bool:
    return "a boolean";
  case Value::Kind::Int:
    return "an integer";
  case Value::Kind::Float:
    return "a float";
  case Value::Kind::Str:
    return "a string";
  case Value::Kind::Tuple:
    return "a tuple";
  case Value::Kind::List:
    return "a list";
  case Value::Kind::Dict:
    return "a dict";
  case Value::Kind::Symbol:
    return "'" + value.text + "'";
  case Value::Kind::Object:
    return "a '" + value.call->symbol.name + "' object";
  case Value::Kind::Model:
    return "a model";
  case Value::Kind::Tensor:
    return "a tensor";
  case Value::Kind::Method:
  case Value::Kind::Function:
  case Value::Kind::Builtin:
    return "a function";
  }
  return "a value";
}

/// Everything a value owns, type-erased: what destruction releases and
/// what cycle detection follows.
static llvm::SmallVector<std::shared_ptr<void>, 5> ownedBy(const Value &value) {
  llvm::SmallVector<std::shared_ptr<void>, 5> owned;
  if (value.elements)
    owned.push_back(value.elements);
  if (value.entries)
    owned.push_back(value.entries);
  if (value.call)
    owned.push_back(value.call);
  if (value.receiver)
    owned.push_back(value.receiver);
  if (value.function)
    owned.push_back(value.function);
  return owned;
}

/// While a value is being destroyed, the storage its parts release is
/// queued here instead of being destroyed recursively.
static thread_local llvm::SmallVectorImpl<std::shared_ptr<void>> *graveyard =
    nullptr;

Value::~Value() {
  if (!elements && !entries && !call && !receiver && !function)
    return;
  llvm::SmallVector<std::shared_ptr<void>, 8> queue;
  llvm::SmallVectorImpl<std::shared_ptr<void>> &into =
      graveyard ? *graveyard : queue;
  if (elements)
    into.push_back(std::move(elements));
  if (entries)
    into.push_back(std::move(entries));
  if (call)
    into.push_back(std::move(call));
  if (receiver)
    into.push_back(std::move(receiver));
  if (function)
    into.push_back(std::move(function));
  if (graveyard)
    return; // an outer destructor drains the queue
  graveyard = &queue;
  while (!queue.empty()) {
    std::shared_ptr<void> last = std::move(queue.back());
    queue.pop_back();
    last.reset(); // may queue more
  }
  graveyard = nullptr;
}

/// The values a value holds directly: elements, entries, a Keras call's
/// arguments, a method's receiver, a function's defaults.
static void childrenOf(const Value &value,
                       llvm::SmallVectorImpl<const Value *> &out) {
  if (value.elements)
    for (const Value &e : *value.elements)
      out.push_back(&e);
  if (value.entries)
    for (const auto &entry : *value.entries)
      out.push_back(&entry.second);
  if (value.call)
    for (const CallArgValue &arg : value.call->args)
      out.push_back(&arg.value);
  if (value.receiver)
    out.push_back(value.receiver.get());
  if (value.function)
    for (const auto &def : value.function->defaults)
      if (def)
        out.push_back(&*def);
}

Value py::storableIn(const Value &container, const Value &value) {
  if (value.nesting + 1 > kMaxValueNesting)
    return Value::unknown();
  const void *target = container.elements
                           ? static_cast<const void *>(container.elements.get())
                           : static_cast<const void *>(container.entries.get());
  // An iterative walk: the value may be nested arbitrarily deeply. A very
  // large value is not stored, which bounds the work of each store.
  llvm::SmallPtrSet<const void *, 16> visited;
  llvm::SmallVector<const Value *, 16> stack{&value};
  while (!stack.empty()) {
    if (visited.size() > kMaxSequenceLength)
      return Value::unknown();
    ++workDone;
    const Value *v = stack.pop_back_val();
    bool seen = false;
    for (const std::shared_ptr<void> &owned : ownedBy(*v)) {
      if (owned.get() == target)
        return Value::unknown();
      seen |= !visited.insert(owned.get()).second;
    }
    if (!seen)
      childrenOf(*v, stack);
  }
  return value;
}

static std::optional<bool> equalsAt(const Value &a, const Value &b,
                                    unsigned depth) {
  ++workDone;
  // A symbol may be a module or any run-time value (`tf.__version__`).
  if (a.isUnknown() || b.isUnknown() || a.is(Value::Kind::Symbol) ||
      b.is(Value::Kind::Symbol) || depth > 32)
    return std::nullopt;
  if (a.isNumber() || a.is(Value::Kind::Bool)) {
    auto num = [](const Value &v) -> std::optional<double> {
      if (v.is(Value::Kind::Bool))
        return v.boolean ? 1.0 : 0.0;
      if (v.isNumber())
        return v.asDouble();
      return std::nullopt;
    };
    auto x = num(a), y = num(b);
    if (!y)
      return false;
    if (a.is(Value::Kind::Int) && b.is(Value::Kind::Int))
      return a.integer == b.integer;
    return *x == *y;
  }
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case Value::Kind::None:
    return true;
  case Value::Kind::Str:
    return a.text == b.text;
  case Value::Kind::Tuple:
  case Value::Kind::List: {
    if (a.elements->size() != b.elements->size())
      return false;
    for (size_t i = 0; i < a.elements->size(); ++i) {
      auto eq = equalsAt((*a.elements)[i], (*b.elements)[i], depth + 1);
      if (!eq || !*eq)
        return eq;
    }
    return true;
  }
  case Value::Kind::Model:
    return a.modelId == b.modelId;
  default:
    return std::nullopt;
  }
}

std::optional<bool> py::equals(const Value &a, const Value &b) {
  return equalsAt(a, b, 0);
}
