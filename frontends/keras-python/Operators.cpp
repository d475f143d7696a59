//===- Operators.cpp - Python operators on constant values ----------------===//

#include "frontends/keras-python/Operators.h"

#include <cmath>
#include <limits>

using namespace cnnc;
using namespace cnnc::py;
using llvm::StringRef;

/// Strings longer than this are not needed for any model and are left
/// unknown, so that `s = s + s` in a loop cannot exhaust memory.
static constexpr size_t kMaxStringLength = 1 << 20;

Value py::propagateUnknown(std::initializer_list<const Value *> values) {
  for (const Value *v : values)
    if (v->hasReason())
      return *v;
  return Value::unknown();
}

/// Python's bool is an int in arithmetic.
static Value asArithmetic(const Value &v) {
  return v.is(Value::Kind::Bool) ? Value::fromInt(v.boolean ? 1 : 0) : v;
}

static Value overflow(Position pos) {
  return Value::unknown("integer result is too large", pos);
}

static Value intOp(StringRef op, int64_t a, int64_t b, Position pos) {
  int64_t r = 0;
  if (op == "+")
    return __builtin_add_overflow(a, b, &r) ? overflow(pos) : Value::fromInt(r);
  if (op == "-")
    return __builtin_sub_overflow(a, b, &r) ? overflow(pos) : Value::fromInt(r);
  if (op == "*")
    return __builtin_mul_overflow(a, b, &r) ? overflow(pos) : Value::fromInt(r);
  if (op == "/") {
    if (b == 0)
      return Value::unknown("division by zero", pos);
    return Value::fromFloat(double(a) / double(b));
  }
  if (op == "//" || op == "%") {
    if (b == 0)
      return Value::unknown("division by zero", pos);
    if (a == std::numeric_limits<int64_t>::min() && b == -1)
      return op == "%" ? Value::fromInt(0) : overflow(pos);
    // Python floors the quotient; the remainder takes the divisor's sign.
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
      --q;
      m += b;
    }
    return Value::fromInt(op == "//" ? q : m);
  }
  if (op == "**") {
    if (b < 0)
      return Value::fromFloat(std::pow(double(a), double(b)));
    if (a == 0 || a == 1)
      return Value::fromInt(b == 0 ? 1 : a);
    if (a == -1)
      return Value::fromInt(b % 2 ? -1 : 1);
    if (b > 64) // |a| >= 2: certainly beyond 64 bits
      return overflow(pos);
    int64_t result = 1;
    for (int64_t e = 0; e < b; ++e)
      if (__builtin_mul_overflow(result, a, &result))
        return overflow(pos);
    return Value::fromInt(result);
  }
  if (op == "<<") {
    if (b < 0)
      return Value::unknown("negative shift count", pos);
    if (a == 0)
      return Value::fromInt(0);
    if (b >= 63 || (a > 0 ? a > (std::numeric_limits<int64_t>::max() >> b)
                          : a < (std::numeric_limits<int64_t>::min() >> b)))
      return overflow(pos);
    return Value::fromInt(int64_t(uint64_t(a) << b));
  }
  if (op == ">>") {
    if (b < 0)
      return Value::unknown("negative shift count", pos);
    return Value::fromInt(b >= 63 ? (a < 0 ? -1 : 0) : a >> b);
  }
  if (op == "&")
    return Value::fromInt(a & b);
  if (op == "|")
    return Value::fromInt(a | b);
  if (op == "^")
    return Value::fromInt(a ^ b);
  return Value::unknown();
}

static Value floatOp(StringRef op, double a, double b, Position pos) {
  if (op == "+")
    return Value::fromFloat(a + b);
  if (op == "-")
    return Value::fromFloat(a - b);
  if (op == "*")
    return Value::fromFloat(a * b);
  if (op == "/" || op == "//" || op == "%") {
    if (b == 0)
      return Value::unknown("division by zero", pos);
    if (op == "/")
      return Value::fromFloat(a / b);
    if (op == "//")
      return Value::fromFloat(std::floor(a / b));
    double m = std::fmod(a, b);
    if (m != 0 && ((m < 0) != (b < 0)))
      m += b;
    return Value::fromFloat(m);
  }
  if (op == "**") {
    if (a < 0 && b != std::floor(b))
      return Value::unknown(); // a complex number
    if (a == 0 && b < 0)
      return Value::unknown("division by zero", pos);
    return Value::fromFloat(std::pow(a, b));
  }
  return Value::unknown();
}

/// seq * n for strings, tuples and lists. The length check divides rather
/// than multiplies (a huge n would wrap the product), and an empty sequence
/// is returned without looping n times (found by fuzz-keras-python:
/// `()*30**7` ran for minutes).
static Value repeat(const Value &seq, int64_t n) {
  if (n <= 0)
    n = 0;
  if (seq.is(Value::Kind::Str)) {
    size_t size = seq.text.size();
    if (size == 0 || n == 0)
      return Value::fromStr("");
    if (uint64_t(n) > kMaxStringLength / size)
      return Value::unknown();
    std::string out;
    for (int64_t i = 0; i < n; ++i)
      out += seq.text;
    return Value::fromStr(out);
  }
  size_t size = seq.elements->size();
  std::vector<Value> out;
  if (size != 0 && n != 0) {
    if (uint64_t(n) > kMaxSequenceLength / size)
      return Value::unknown();
    for (int64_t i = 0; i < n; ++i)
      out.insert(out.end(), seq.elements->begin(), seq.elements->end());
  }
  return seq.is(Value::Kind::Tuple) ? Value::tuple(std::move(out))
                                    : Value::list(std::move(out));
}

Value py::binaryOp(StringRef op, const Value &lhs, const Value &rhs,
                   Position pos) {
  if (lhs.isUnknown() || rhs.isUnknown())
    return propagateUnknown({&lhs, &rhs});
  Value a = asArithmetic(lhs), b = asArithmetic(rhs);
  if (a.is(Value::Kind::Int) && b.is(Value::Kind::Int))
    return intOp(op, a.integer, b.integer, pos);
  if (a.isNumber() && b.isNumber())
    return floatOp(op, a.asDouble(), b.asDouble(), pos);

  if (op == "+" && a.kind == b.kind) {
    if (a.is(Value::Kind::Str))
      return a.text.size() + b.text.size() > kMaxStringLength
                 ? Value::unknown()
                 : Value::fromStr(a.text + b.text);
    if (a.isSequence()) {
      std::vector<Value> out = *a.elements;
      out.insert(out.end(), b.elements->begin(), b.elements->end());
      return a.is(Value::Kind::Tuple) ? Value::tuple(std::move(out))
                                      : Value::list(std::move(out));
    }
  }
  if (op == "*") {
    if ((a.isSequence() || a.is(Value::Kind::Str)) && b.is(Value::Kind::Int))
      return repeat(a, b.integer);
    if (a.is(Value::Kind::Int) && (b.isSequence() || b.is(Value::Kind::Str)))
      return repeat(b, a.integer);
  }
  return Value::unknown();
}

Value py::unaryOp(StringRef op, const Value &operand, Position pos) {
  if (op == "not") {
    std::optional<bool> truth = operand.truth();
    return truth ? Value::fromBool(!*truth) : propagateUnknown({&operand});
  }
  if (operand.isUnknown())
    return propagateUnknown({&operand});
  Value v = asArithmetic(operand);
  if (op == "+" && v.isNumber())
    return v;
  if (op == "-" && v.is(Value::Kind::Int))
    return v.integer == std::numeric_limits<int64_t>::min()
               ? overflow(pos)
               : Value::fromInt(-v.integer);
  if (op == "-" && v.is(Value::Kind::Float))
    return Value::fromFloat(-v.real);
  if (op == "~" && v.is(Value::Kind::Int))
    return Value::fromInt(~v.integer);
  return Value::unknown();
}

Value py::compareOp(StringRef op, const Value &a, const Value &b) {
  if (op == "==" || op == "!=") {
    std::optional<bool> eq = equals(a, b);
    if (!eq)
      return propagateUnknown({&a, &b});
    return Value::fromBool(op == "==" ? *eq : !*eq);
  }
  if (op == "is" || op == "is not") {
    // Identity is only certain for the singletons None, True and False.
    bool singletons = (a.is(Value::Kind::None) || a.is(Value::Kind::Bool)) &&
                      (b.is(Value::Kind::None) || b.is(Value::Kind::Bool));
    bool oneNone = (a.is(Value::Kind::None) && !b.isUnknown()) ||
                   (b.is(Value::Kind::None) && !a.isUnknown());
    if (!singletons && !oneNone)
      return propagateUnknown({&a, &b});
    bool same = a.kind == b.kind &&
                (!a.is(Value::Kind::Bool) || a.boolean == b.boolean);
    return Value::fromBool(op == "is" ? same : !same);
  }
  if (op == "in" || op == "not in") {
    std::optional<bool> found;
    if (b.isSequence()) {
      found = false;
      for (const Value &e : *b.elements) {
        std::optional<bool> eq = equals(a, e);
        if (!eq) {
          found.reset();
          break;
        }
        if (*eq) {
          found = true;
          break;
        }
      }
    } else if (b.is(Value::Kind::Dict) && a.is(Value::Kind::Str)) {
      found = false;
      for (const auto &entry : *b.entries)
        if (entry.first == a.text)
          found = true;
    } else if (b.is(Value::Kind::Str) && a.is(Value::Kind::Str)) {
      found = b.text.find(a.text) != std::string::npos;
    }
    if (!found)
      return propagateUnknown({&a, &b});
    return Value::fromBool(op == "in" ? *found : !*found);
  }
  // Ordering: numbers and strings.
  Value x = asArithmetic(a), y = asArithmetic(b);
  int cmp;
  if (x.isNumber() && y.isNumber()) {
    double p = x.asDouble(), q = y.asDouble();
    if (x.is(Value::Kind::Int) && y.is(Value::Kind::Int))
      cmp = x.integer < y.integer ? -1 : x.integer > y.integer;
    else if (std::isnan(p) || std::isnan(q))
      return Value::fromBool(false);
    else
      cmp = p < q ? -1 : p > q;
  } else if (x.is(Value::Kind::Str) && y.is(Value::Kind::Str)) {
    cmp = x.text.compare(y.text);
    cmp = cmp < 0 ? -1 : cmp > 0;
  } else {
    return propagateUnknown({&a, &b});
  }
  if (op == "<")
    return Value::fromBool(cmp < 0);
  if (op == "<=")
    return Value::fromBool(cmp <= 0);
  if (op == ">")
    return Value::fromBool(cmp > 0);
  return Value::fromBool(cmp >= 0); // ">="
}

Value py::subscript(const Value &value, const Value &index) {
  if (value.isUnknown() || index.isUnknown())
    return propagateUnknown({&value, &index});
  if (value.is(Value::Kind::Dict) && index.is(Value::Kind::Str)) {
    for (const auto &entry : *value.entries)
      if (entry.first == index.text)
        return entry.second;
    return Value::unknown();
  }
  Value i = asArithmetic(index);
  if (!i.is(Value::Kind::Int))
    return Value::unknown();
  int64_t size;
  if (value.isSequence())
    size = value.elements->size();
  else if (value.is(Value::Kind::Str))
    size = value.text.size();
  else
    return Value::unknown();
  int64_t at = i.integer < 0 ? i.integer + size : i.integer;
  if (at < 0 || at >= size)
    return Value::unknown();
  if (value.is(Value::Kind::Str))
    return Value::fromStr(std::string(1, value.text[at]));
  return (*value.elements)[at];
}

Value py::sliceOf(const Value &value, const Value &lower, const Value &upper,
                  const Value &step) {
  for (const Value *v : {&value, &lower, &upper, &step})
    if (v->isUnknown())
      return propagateUnknown({&value, &lower, &upper, &step});
  if (!value.isSequence() && !value.is(Value::Kind::Str))
    return Value::unknown();
  auto bound = [](const Value &v) -> std::optional<int64_t> {
    Value a = asArithmetic(v);
    if (a.is(Value::Kind::Int))
      return a.integer;
    return std::nullopt;
  };
  int64_t size =
      value.isSequence() ? value.elements->size() : value.text.size();
  int64_t by = 1;
  if (!step.is(Value::Kind::None)) {
    auto s = bound(step);
    if (!s || *s == 0)
      return Value::unknown();
    by = *s;
  }
  // Python's slice.indices(): clamp, with defaults depending on the sign.
  auto clamp = [&](const Value &v, int64_t def) -> std::optional<int64_t> {
    if (v.is(Value::Kind::None))
      return def;
    auto b = bound(v);
    if (!b)
      return std::nullopt;
    int64_t x = *b < 0 ? *b + size : *b;
    if (by > 0)
      return std::clamp<int64_t>(x, 0, size);
    return std::clamp<int64_t>(x, -1, size - 1);
  };
  auto start = clamp(lower, by > 0 ? 0 : size - 1);
  auto stop = clamp(upper, by > 0 ? size : -1);
  if (!start || !stop)
    return Value::unknown();
  std::vector<Value> out;
  std::string text;
  for (int64_t i = *start; by > 0 ? i < *stop : i > *stop;) {
    if (value.isSequence())
      out.push_back((*value.elements)[i]);
    else
      text += value.text[i];
    if (__builtin_add_overflow(i, by, &i))
      break;
  }
  if (value.is(Value::Kind::Str))
    return Value::fromStr(text);
  return value.is(Value::Kind::Tuple) ? Value::tuple(std::move(out))
                                      : Value::list(std::move(out));
}
