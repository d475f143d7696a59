//===- Value.h - Values of the module-level evaluator -----------*- C++ -*-===//
//
// The evaluator computes the constant part of a script: numbers, strings,
// tuples, what imports bind, Keras calls and Sequential models. Everything
// else (arrays, data sets, run-time results) is Unknown, which propagates
// through arithmetic and calls and only becomes an error where a model needs
// a constant (a layer argument, say).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_VALUE_H
#define CNNC_FRONTENDS_KERASPYTHON_VALUE_H

#include "frontends/keras-python/AST.h"
#include "frontends/keras-python/KerasSymbols.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cnnc {
namespace py {

struct KerasCall;
struct UserFunction;

/// Limits that keep the evaluator's values small: the length of sequences
/// it builds (`[0] * n`, `range(n)`) and how deeply they nest. A deeper
/// tuple, list or dict is Unknown, so that no walk over a value recurses
/// far.
constexpr size_t kMaxSequenceLength = 10000;
constexpr unsigned kMaxValueNesting = 100;

class Value {
public:
  enum class Kind {
    Unknown, // not a constant; `text` may say why (an undefined name, ...)
    None,
    Bool,
    Int,
    Float,
    Str,
    Tuple,
    List,
    Dict,     // string keys only (what `**kwargs` needs)
    Symbol,   // a module or attribute reached through imports: `text` is
              // the dotted path as imported, e.g. "tensorflow.keras.layers"
    Object,   // the result of calling a Keras class: `call`
    Model,    // a Sequential model: `modelId`
    Method,   // `receiver.text`, e.g. model.add, list.append
    Function, // a `def` of the script
    Builtin,  // a Python builtin function: `text` is its name
    Tensor,   // a Keras tensor of the functional API: `tensorId`
  };

  Value() = default;
  Value(const Value &) = default;
  Value(Value &&) = default;
  Value &operator=(const Value &) = default;
  Value &operator=(Value &&) = default;
  /// Releases what the value owns without recursing, however deeply a
  /// script nested its lists (mutation can build chains of any depth).
  ~Value();

  Kind kind = Kind::Unknown;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0.0;
  std::string text;
  /// Unknown values with a reason: where the reason arises.
  Position reasonPos;
  /// Tuple and List elements. Shared so that lists alias as in Python.
  std::shared_ptr<std::vector<Value>> elements;
  std::shared_ptr<std::vector<std::pair<std::string, Value>>> entries;
  std::shared_ptr<KerasCall> call;
  std::shared_ptr<Value> receiver;
  std::shared_ptr<UserFunction> function;
  unsigned modelId = 0;
  /// Tensor values: the node in the ModelBuilder's graph.
  unsigned tensorId = 0;
  /// How deeply tuples, lists and dicts nest in this value (0 for scalars).
  unsigned nesting = 0;

  static Value unknown() { return Value(); }
  static Value unknown(std::string reason, Position pos);
  static Value none();
  static Value fromBool(bool b);
  static Value fromInt(int64_t i);
  static Value fromFloat(double d);
  static Value fromStr(std::string s);
  static Value tuple(std::vector<Value> elts);
  static Value list(std::vector<Value> elts);
  static Value dict(std::vector<std::pair<std::string, Value>> entries);
  static Value symbol(std::string path);
  static Value object(std::shared_ptr<KerasCall> call);
  static Value model(unsigned id);
  static Value tensor(unsigned id);
  static Value method(Value receiver, std::string name);
  static Value builtin(std::string name);

  bool is(Kind k) const { return kind == k; }
  bool isUnknown() const { return kind == Kind::Unknown; }
  bool hasReason() const { return kind == Kind::Unknown && !text.empty(); }
  bool isNumber() const { return kind == Kind::Int || kind == Kind::Float; }
  bool isSequence() const { return kind == Kind::Tuple || kind == Kind::List; }
  double asDouble() const { return kind == Kind::Int ? double(integer) : real; }

  /// Python truthiness, if known.
  std::optional<bool> truth() const;
};

/// One argument of a call, evaluated.
struct CallArgValue {
  std::string keyword; // empty for a positional argument
  Value value;
  Position pos;        // where the value is written
  Position keywordPos; // where the keyword is written (keyword arguments)
};

/// A call of a Keras class or function (`layers.Conv2D(32, 3)`,
/// `keras.optimizers.Adam(1e-3)`), kept with its arguments so that it can be
/// checked when the model uses it: a layer that is never added is never an
/// error.
struct KerasCall {
  KerasSymbol symbol;
  Position pos; // the callee's first token
  std::vector<CallArgValue> args;
  /// Set when a `*args`/`**kwargs` could not be expanded: the call's
  /// arguments are then not known.
  std::optional<std::pair<Position, std::string>> argumentError;
  /// A layer made without `name=`: the name Keras gave it when it was made
  /// (ModelBuilder::nameLayer).
  std::string autoName;
};

/// A `def` of the script, with its default values evaluated at definition.
struct UserFunction {
  const FunctionDefStmt *def = nullptr;
  std::vector<std::optional<Value>> defaults; // one per parameter
};

/// Work done building and comparing values (elements copied, string bytes
/// / 8, comparisons), counted per thread. The evaluator charges it to its
/// step budget, so that `x = list(range(10000))` in a loop counts for what
/// it costs.
uint64_t valueWork();
void chargeValueWork(uint64_t amount);

/// Python's repr() of a constant (for messages): 1e-07, (3, 3), 'same'.
std::string repr(const Value &value);

/// "an integer", "a string", "None", ...: what a value is, for messages.
std::string describe(const Value &value);

/// Python's repr() of a float: the shortest text that reads back exactly.
std::string formatFloat(double value);

/// What to store into the list or dict `container` for `value`: the value
/// itself, or Unknown if storing it would nest too deeply or make the
/// container hold itself (a cycle, which shared ownership would leak).
Value storableIn(const Value &container, const Value &value);

/// Python's == for constants; nullopt when it cannot be decided.
std::optional<bool> equals(const Value &a, const Value &b);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_VALUE_H
