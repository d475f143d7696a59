//===- JsonNode.cpp - Located, typed access to a parsed JSON model --------===//
//
// This file implements JsonNode and the field checks of ConfigReader.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/JsonNode.h"

#include <cmath>

using namespace cnnc;
using llvm::json::Value;

//===----------------------------------------------------------------------===//
// JsonDocument
//===----------------------------------------------------------------------===//

SourceLoc JsonDocument::locAtOffset(size_t offset) const {
  auto [line, column] = locator.lineColumn(offset);
  return SourceLoc{fileName, line, column};
}

SourceLoc JsonDocument::loc(const JsonPath &path) const {
  return locAtOffset(locator.offsetOf(path));
}

std::string JsonDocument::spelling(const JsonPath &path) const {
  return locator.tokenAt(locator.offsetOf(path));
}

//===----------------------------------------------------------------------===//
// JsonNode
//===----------------------------------------------------------------------===//

JsonNode JsonNode::get(llvm::StringRef key) const {
  const Value *member = nullptr;
  if (const llvm::json::Object *object = getObject())
    member = object->get(key);
  return JsonNode(*doc, member, path.key(key));
}

JsonNode JsonNode::at(size_t i) const {
  const Value *element = nullptr;
  if (const llvm::json::Array *array = getArray())
    if (i < array->size())
      element = &(*array)[i];
  return JsonNode(*doc, element, path.index(i));
}

bool JsonNode::isNullOrMissing() const {
  return !value || value->kind() == Value::Null;
}

const llvm::json::Object *JsonNode::getObject() const {
  return value ? value->getAsObject() : nullptr;
}

const llvm::json::Array *JsonNode::getArray() const {
  return value ? value->getAsArray() : nullptr;
}

std::optional<llvm::StringRef> JsonNode::getString() const {
  return value ? value->getAsString() : std::nullopt;
}

std::string JsonNode::describe() const {
  if (!value)
    return "nothing";
  switch (value->kind()) {
  case Value::Null:
    return "null";
  case Value::Boolean:
    return *value->getAsBoolean() ? "true" : "false";
  case Value::Array:
    return "an array";
  case Value::Object:
    return "an object";
  case Value::Number:
  case Value::String:
    return doc->spelling(path);
  }
  return "a value";
}

llvm::Error JsonNode::error(const llvm::Twine &message) const {
  return llvm::make_error<LocatedError>(loc(), message.str());
}

//===----------------------------------------------------------------------===//
// ConfigReader
//===----------------------------------------------------------------------===//

llvm::Error ConfigReader::fail(const JsonNode &at,
                               const llvm::Twine &message) const {
  if (owner.empty())
    return at.error(message);
  return at.error(owner + ": " + message);
}

llvm::Error ConfigReader::missing(llvm::StringRef key) const {
  return fail(config, "missing '" + key + "'");
}

llvm::Error ConfigReader::toInt(const JsonNode &node, llvm::StringRef what,
                                int64_t &out) const {
  const Value *value = node.getValue();
  if (value && value->kind() == Value::Number) {
    if (std::optional<int64_t> i = value->getAsInteger()) {
      out = *i;
      return llvm::Error::success();
    }
    // Integral but beyond int64 (18446744073709551615, 1e30): say so,
    // rather than that it is not an integer.
    double d = *value->getAsNumber();
    if (value->getAsUINT64() || (std::isfinite(d) && d == std::trunc(d)))
      return fail(node, what + " is too large, found " + node.describe());
  }
  return fail(node,
              "expected an integer for " + what + ", found " + node.describe());
}

llvm::Error ConfigReader::toSize(const JsonNode &node, llvm::StringRef what,
                                 int64_t &out) const {
  int64_t value;
  if (llvm::Error err = toInt(node, what, value))
    return err;
  if (value <= 0)
    return fail(node, what + " must be positive, found " + node.describe());
  if (value > kMaxSize)
    return fail(node, what + " is too large, found " + node.describe() +
                          " (the limit is " + llvm::Twine(kMaxSize) + ")");
  out = value;
  return llvm::Error::success();
}

llvm::Error ConfigReader::toNumber(const JsonNode &node, llvm::StringRef what,
                                   double &out) const {
  const Value *value = node.getValue();
  if (value && value->kind() == Value::Number) {
    double d = *value->getAsNumber();
    if (std::isfinite(d)) {
      out = d;
      return llvm::Error::success();
    }
  }
  return fail(node, "expected a finite number for " + what + ", found " +
                        node.describe());
}

static std::string quoted(llvm::StringRef key) {
  return ("'" + key + "'").str();
}

llvm::Error ConfigReader::readInt(llvm::StringRef key, int64_t &out,
                                  bool required) const {
  JsonNode node = field(key);
  if (!node.exists())
    return required ? missing(key) : llvm::Error::success();
  return toInt(node, quoted(key), out);
}

llvm::Error ConfigReader::readOptionalInt(llvm::StringRef key,
                                          std::optional<int64_t> &out) const {
  JsonNode node = field(key);
  if (node.isNullOrMissing()) {
    out = std::nullopt;
    return llvm::Error::success();
  }
  int64_t value;
  if (llvm::Error err = toInt(node, quoted(key), value))
    return err;
  out = value;
  return llvm::Error::success();
}

llvm::Error ConfigReader::readSize(llvm::StringRef key, int64_t &out,
                                   bool required) const {
  JsonNode node = field(key);
  if (!node.exists())
    return required ? missing(key) : llvm::Error::success();
  return toSize(node, quoted(key), out);
}

llvm::Error ConfigReader::readSizePair(llvm::StringRef key,
                                       std::array<int64_t, 2> &out,
                                       bool required) const {
  JsonNode node = field(key);
  if (!node.exists())
    return required ? missing(key) : llvm::Error::success();
  std::string what = quoted(key);
  if (const llvm::json::Array *array = node.getArray()) {
    if (array->size() != 2)
      return fail(node, "expected 2 integers for " + what + ", found " +
                            llvm::Twine(array->size()));
    std::array<int64_t, 2> pair;
    for (size_t i = 0; i < 2; ++i)
      if (llvm::Error err = toSize(node.at(i), what, pair[i]))
        return err;
    out = pair;
    return llvm::Error::success();
  }
  const Value *value = node.getValue();
  if (!value || value->kind() != Value::Number)
    return fail(node, "expected an integer or a list of 2 integers for " +
                          what + ", found " + node.describe());
  int64_t size;
  if (llvm::Error err = toSize(node, what, size))
    return err;
  out = {size, size};
  return llvm::Error::success();
}

llvm::Error ConfigReader::readOptionalSizePair(
    llvm::StringRef key, std::optional<std::array<int64_t, 2>> &out) const {
  if (field(key).isNullOrMissing()) {
    out = std::nullopt;
    return llvm::Error::success();
  }
  std::array<int64_t, 2> pair;
  if (llvm::Error err = readSizePair(key, pair))
    return err;
  out = pair;
  return llvm::Error::success();
}

llvm::Error ConfigReader::readNumber(llvm::StringRef key, double &out,
                                     bool required) const {
  JsonNode node = field(key);
  if (!node.exists())
    return required ? missing(key) : llvm::Error::success();
  return toNumber(node, quoted(key), out);
}

llvm::Error ConfigReader::readBool(llvm::StringRef key, bool &out) const {
  JsonNode node = field(key);
  if (!node.exists())
    return llvm::Error::success();
  if (std::optional<bool> b = node.getValue()->getAsBoolean()) {
    out = *b;
    return llvm::Error::success();
  }
  return fail(node, "expected true or false for " + quoted(key) + ", found " +
                        node.describe());
}

llvm::Error ConfigReader::readString(llvm::StringRef key, std::string &out,
                                     bool required) const {
  JsonNode node = field(key);
  if (!node.exists())
    return required ? missing(key) : llvm::Error::success();
  if (std::optional<llvm::StringRef> s = node.getString()) {
    out = s->str();
    return llvm::Error::success();
  }
  return fail(node, "expected a string for " + quoted(key) + ", found " +
                        node.describe());
}

llvm::Error ConfigReader::requireNull(llvm::StringRef key) const {
  JsonNode node = field(key);
  if (node.isNullOrMissing())
    return llvm::Error::success();
  return fail(node, quoted(key) + " is not supported (cnnc needs null here)");
}
