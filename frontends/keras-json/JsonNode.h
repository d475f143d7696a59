//===- JsonNode.h - Located, typed access to parsed JSON --------*- C++ -*-===//
//
// The Keras JSON readers never touch llvm::json::Value directly: they walk
// JsonNodes, which pair a value with its JsonPath, so that any value can turn
// into a `file:line:col` error, and read fields through ConfigReader, which
// checks JSON types and ranges and says what it found when they are wrong.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASJSON_JSONNODE_H
#define CNNC_FRONTENDS_KERASJSON_JSONNODE_H

#include "frontends/common/LocatedError.h"
#include "frontends/common/ModelSpec.h"
#include "frontends/keras-json/JsonLocator.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace cnnc {

/// A model file's name and text, and the index that locates its values.
class JsonDocument {
public:
  JsonDocument(llvm::StringRef fileName, llvm::StringRef text)
      : fileName(fileName.str()), locator(text) {}

  SourceLoc loc(const JsonPath &path) const;
  SourceLoc locAtOffset(size_t offset) const;
  /// The value at `path` as the file spells it (scalars only).
  std::string spelling(const JsonPath &path) const;

  const std::string &getFileName() const { return fileName; }

private:
  std::string fileName;
  JsonLocator locator;
};

/// One value of the document (or the absence of one) and where it is.
class JsonNode {
public:
  JsonNode(const JsonDocument &doc, const llvm::json::Value *value,
           JsonPath path)
      : doc(&doc), value(value), path(std::move(path)) {}

  /// Member `key` of an object; a missing node if this is no object or it
  /// has no such member. The path still grows, so errors about a missing
  /// member point at the object.
  JsonNode get(llvm::StringRef key) const;
  /// Element `i` of an array, or a missing node.
  JsonNode at(size_t i) const;

  bool exists() const { return value != nullptr; }
  /// Absent or JSON null: Keras writes null for "the default".
  bool isNullOrMissing() const;

  const llvm::json::Value *getValue() const { return value; }
  const llvm::json::Object *getObject() const;
  const llvm::json::Array *getArray() const;
  std::optional<llvm::StringRef> getString() const;

  const JsonPath &getPath() const { return path; }
  const JsonDocument &getDocument() const { return *doc; }
  SourceLoc loc() const { return doc->loc(path); }

  /// What the value is, for "found ..." in messages: `"same"`, `3.5`,
  /// `1e400`, `null`, `true`, `an array`, `an object`, `nothing`.
  std::string describe() const;

  /// A LocatedError at this value.
  llvm::Error error(const llvm::Twine &message) const;

private:
  const JsonDocument *doc;
  const llvm::json::Value *value;
  JsonPath path;
};

/// The largest size (filters, units, kernel, stride, pool, dilation, input
/// dimension) cnnc accepts. TensorFlow's shapes are int32 too; the cap keeps
/// the shape arithmetic downstream far from 64-bit overflow.
constexpr int64_t kMaxSize = 2147483647;

/// Reads the fields of one Keras object's config (a layer, an initializer,
/// an optimizer). Errors name the object (`Conv2D 'conv2d': ...`) and point
/// at the offending value, or at the config when a required field is
/// missing. Optional fields that are absent leave `out` untouched, so the
/// caller's Keras default stands.
class ConfigReader {
public:
  ConfigReader(JsonNode config, std::string owner)
      : config(std::move(config)), owner(std::move(owner)) {}

  const JsonNode &node() const { return config; }
  JsonNode field(llvm::StringRef key) const { return config.get(key); }
  const std::string &getOwner() const { return owner; }

  /// A located error at `at`, prefixed with the owner.
  llvm::Error fail(const JsonNode &at, const llvm::Twine &message) const;

  /// An integer (an integral JSON number).
  llvm::Error readInt(llvm::StringRef key, int64_t &out,
                      bool required = false) const;
  /// An integer or null (null and absent give nullopt), e.g. a seed.
  llvm::Error readOptionalInt(llvm::StringRef key,
                              std::optional<int64_t> &out) const;
  /// A positive integer no larger than kMaxSize.
  llvm::Error readSize(llvm::StringRef key, int64_t &out,
                       bool required = false) const;
  /// A positive size given as one integer (both dimensions) or a list of
  /// two, as Keras accepts `kernel_size=3` and `kernel_size=(3, 3)`.
  llvm::Error readSizePair(llvm::StringRef key, std::array<int64_t, 2> &out,
                           bool required = false) const;
  /// As readSizePair, where null means "not given" (pooling strides).
  llvm::Error
  readOptionalSizePair(llvm::StringRef key,
                       std::optional<std::array<int64_t, 2>> &out) const;
  /// A finite number.
  llvm::Error readNumber(llvm::StringRef key, double &out,
                         bool required = false) const;
  llvm::Error readBool(llvm::StringRef key, bool &out) const;
  llvm::Error readString(llvm::StringRef key, std::string &out,
                         bool required = false) const;
  /// A field cnnc cannot honour unless it is null or absent
  /// (regularizers, constraints, noise_shape).
  llvm::Error requireNull(llvm::StringRef key) const;

  /// The checks behind the readers, for values that are not a direct field
  /// (list elements); `what` names the value in messages.
  llvm::Error toInt(const JsonNode &node, llvm::StringRef what,
                    int64_t &out) const;
  llvm::Error toSize(const JsonNode &node, llvm::StringRef what,
                     int64_t &out) const;
  llvm::Error toNumber(const JsonNode &node, llvm::StringRef what,
                       double &out) const;

private:
  llvm::Error missing(llvm::StringRef key) const;

  JsonNode config;
  std::string owner;
};

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASJSON_JSONNODE_H
