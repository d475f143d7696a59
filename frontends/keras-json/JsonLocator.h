//===- JsonLocator.h - Source positions of parsed JSON values ---*- C++ -*-===//
//
// llvm::json::Value forgets where a value came from, yet every frontend error
// must point at the offending value (`file:line:col`). JsonLocator recovers
// positions by scanning the raw text once: it records the byte offset of every
// value, so a JsonPath (the keys and indices that lead from the root to a
// value) maps back to the value's line and column.
//
// The scanner runs on text that llvm::json::parse has accepted, but it does
// not trust that: it is iterative where the input can make it deep, bounded
// by the text's length, and it gives up quietly on anything malformed, so a
// lookup then yields the deepest position it did reach.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASJSON_JSONLOCATOR_H
#define CNNC_FRONTENDS_KERASJSON_JSONLOCATOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cnnc {

/// The way from a JSON document's root to one value: object keys and array
/// indices, outermost first.
class JsonPath {
public:
  struct Segment {
    std::string key;  // when isKey
    size_t index = 0; // otherwise
    bool isKey = false;
  };

  JsonPath() = default;

  JsonPath key(llvm::StringRef name) const;
  JsonPath index(size_t i) const;

  llvm::ArrayRef<Segment> segments() const { return segs; }
  bool empty() const { return segs.empty(); }

  /// `config.layers[3].class_name`, for debugging and tests.
  std::string str() const;

private:
  std::vector<Segment> segs;
};

/// Maps JsonPaths in one JSON text to byte offsets and 1-based positions.
class JsonLocator {
public:
  explicit JsonLocator(llvm::StringRef text);

  /// The byte offset of the value at `path`. When the path leads nowhere
  /// (a missing key, an index past the end) this is the offset of the
  /// deepest value on the path that exists, so an error about a missing
  /// field points at the object that lacks it.
  size_t offsetOf(const JsonPath &path) const;

  /// Whether `path` names a value that is in the text.
  bool contains(const JsonPath &path) const;

  /// 1-based line and column (in bytes, as clang counts) of a byte offset.
  /// Offsets past the end give the position just after the last byte.
  std::pair<unsigned, unsigned> lineColumn(size_t offset) const;

  /// The raw text of the scalar (number, literal or string) that starts at
  /// `offset`, cut to `maxLength` bytes (marked by `...`); used to quote a
  /// value in an error as the file spells it (`1e400`, not `inf`).
  std::string tokenAt(size_t offset, size_t maxLength = 40) const;

  /// What would make a text costly for llvm::json::parse: nesting deeper
  /// than `maxDepth` (it recurses once per level, with no limit of its own)
  /// or more than `maxObjects` objects (each costs it a hash table of a few
  /// kilobytes, so a file of small objects takes hundreds of times its size).
  struct Excess {
    enum Kind { Depth, Objects };
    Kind kind;
    size_t offset; // the bracket that goes over the limit
  };
  /// The first Excess in `text`, if any. Cheap and safe on any text
  /// (strings are skipped, nothing else is checked): run it before parsing.
  static std::optional<Excess> findExcess(llvm::StringRef text,
                                          unsigned maxDepth, size_t maxObjects);

  /// Containers nested deeper than this are not indexed.
  static constexpr unsigned kMaxDepth = 256;

private:
  /// One child of a container: its key (raw, as written between the quotes;
  /// empty in arrays), where its value starts, and its own container entry
  /// if it is an object or array.
  struct Child {
    llvm::StringRef rawKey;
    size_t offset = 0;
    int32_t container = -1;
  };
  struct Container {
    bool isObject = false;
    std::vector<Child> children;
  };

  void buildIndex();
  /// Resolves as much of `path` as exists: the offset reached and whether
  /// every segment resolved.
  std::pair<size_t, bool> resolve(const JsonPath &path) const;

  llvm::StringRef text;
  size_t rootOffset = 0;
  int32_t rootContainer = -1;
  std::vector<Container> containers;
  std::vector<size_t> lineStarts;
};

/// 1-based line and column of a byte offset in `text`, without an index
/// (for syntax errors, where there is nothing to index).
std::pair<unsigned, unsigned> lineColumnIn(llvm::StringRef text, size_t offset);

/// Decodes the body of a JSON string (without its quotes) as llvm::json
/// does, so keys written with escapes compare equal to the parsed ones.
std::string decodeJsonString(llvm::StringRef raw);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASJSON_JSONLOCATOR_H
