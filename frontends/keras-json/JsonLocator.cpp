//===- JsonLocator.cpp - Source positions of parsed JSON values -----------===//
//
// This file implements the one-pass index of value offsets that maps a
// JsonPath back to a line and column.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/JsonLocator.h"

#include "llvm/Support/ConvertUTF.h"

#include <algorithm>

using namespace cnnc;

//===----------------------------------------------------------------------===//
// JsonPath
//===----------------------------------------------------------------------===//

JsonPath JsonPath::key(llvm::StringRef name) const {
  JsonPath result = *this;
  Segment seg;
  seg.key = name.str();
  seg.isKey = true;
  result.segs.push_back(std::move(seg));
  return result;
}

JsonPath JsonPath::index(size_t i) const {
  JsonPath result = *this;
  Segment seg;
  seg.index = i;
  result.segs.push_back(std::move(seg));
  return result;
}

std::string JsonPath::str() const {
  std::string out;
  for (const Segment &seg : segs) {
    if (seg.isKey) {
      if (!out.empty())
        out += '.';
      out += seg.key;
    } else {
      out += '[' + std::to_string(seg.index) + ']';
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// String decoding
//===----------------------------------------------------------------------===//

static void appendUtf8(uint32_t codePoint, std::string &out) {
  char buffer[UNI_MAX_UTF8_BYTES_PER_CODE_POINT];
  char *end = buffer;
  if (llvm::ConvertCodePointToUTF8(codePoint, end))
    out.append(buffer, end);
  else
    out.append("\xef\xbf\xbd"); // U+FFFD, as llvm::json does
}

static std::optional<uint16_t> parseHex4(llvm::StringRef raw, size_t pos) {
  if (pos + 4 > raw.size())
    return std::nullopt;
  uint16_t value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    char c = raw[i];
    unsigned digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return std::nullopt;
    value = (value << 4) | digit;
  }
  return value;
}

std::string cnnc::decodeJsonString(llvm::StringRef raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out.push_back(c);
      continue;
    }
    char esc = raw[++i];
    switch (esc) {
    case 'b':
      out.push_back('\b');
      break;
    case 'f':
      out.push_back('\f');
      break;
    case 'n':
      out.push_back('\n');
      break;
    case 'r':
      out.push_back('\r');
      break;
    case 't':
      out.push_back('\t');
      break;
    case 'u': {
      std::optional<uint16_t> first = parseHex4(raw, i + 1);
      if (!first) {
        out.push_back(esc);
        break;
      }
      i += 4;
      // A leading surrogate pairs with a directly following trailing one;
      // anything unpaired becomes U+FFFD, as in llvm::json.
      if (*first >= 0xD800 && *first < 0xDC00 && i + 2 < raw.size() &&
          raw[i + 1] == '\\' && raw[i + 2] == 'u') {
        std::optional<uint16_t> second = parseHex4(raw, i + 3);
        if (second && *second >= 0xDC00 && *second < 0xE000) {
          appendUtf8(0x10000 + ((*first - 0xD800) << 10) + (*second - 0xDC00),
                     out);
          i += 6;
          break;
        }
      }
      if (*first >= 0xD800 && *first < 0xE000)
        appendUtf8(0xFFFD, out);
      else
        appendUtf8(*first, out);
      break;
    }
    default:
      out.push_back(esc);
      break; // '"', '\\', '/'
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Index
//===----------------------------------------------------------------------===//

static bool isJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool endsScalar(char c) {
  return isJsonSpace(c) || c == ',' || c == ']' || c == '}' || c == ':';
}

JsonLocator::JsonLocator(llvm::StringRef text) : text(text) {
  lineStarts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      lineStarts.push_back(i + 1);
  buildIndex();
}

void JsonLocator::buildIndex() {
  const size_t n = text.size();
  size_t pos = 0;
  auto skipSpace = [&] {
    while (pos < n && isJsonSpace(text[pos]))
      ++pos;
  };
  // At an opening quote: moves past the closing one, giving the raw body.
  auto scanString = [&](llvm::StringRef &body) {
    size_t start = ++pos;
    while (pos < n && text[pos] != '"')
      pos += text[pos] == '\\' ? 2 : 1;
    if (pos >= n)
      return false;
    body = text.slice(start, pos);
    ++pos;
    return true;
  };
  // At a value: opens a container entry for an object or array (whose
  // children the main loop reads), or moves past a scalar.
  auto startValue = [&](int32_t &container) {
    container = -1;
    skipSpace();
    if (pos >= n)
      return false;
    char c = text[pos];
    if (c == '{' || c == '[') {
      container = static_cast<int32_t>(containers.size());
      containers.emplace_back();
      containers.back().isObject = c == '{';
      ++pos;
      return true;
    }
    if (c == '"') {
      llvm::StringRef body;
      return scanString(body);
    }
    size_t start = pos;
    while (pos < n && !endsScalar(text[pos]))
      ++pos;
    return pos > start;
  };

  skipSpace();
  rootOffset = pos;
  if (!startValue(rootContainer) || rootContainer < 0)
    return;

  // An explicit stack rather than recursion: the depth is the input's.
  std::vector<int32_t> open = {rootContainer};
  while (!open.empty()) {
    if (open.size() > kMaxDepth)
      return;
    int32_t top = open.back();
    bool isObject = containers[top].isObject;
    skipSpace();
    if (pos >= n)
      return;
    if (text[pos] == (isObject ? '}' : ']')) {
      ++pos;
      open.pop_back();
      continue;
    }
    if (!containers[top].children.empty()) {
      if (text[pos] != ',')
        return;
      ++pos;
      skipSpace();
    }
    Child child;
    if (isObject) {
      if (pos >= n || text[pos] != '"' || !scanString(child.rawKey))
        return;
      skipSpace();
      if (pos >= n || text[pos] != ':')
        return;
      ++pos;
      skipSpace();
    }
    child.offset = pos;
    if (!startValue(child.container))
      return;
    // `containers` may have grown: index it afresh.
    containers[top].children.push_back(child);
    if (child.container >= 0)
      open.push_back(child.container);
  }
}

std::pair<size_t, bool> JsonLocator::resolve(const JsonPath &path) const {
  size_t offset = rootOffset;
  int32_t container = rootContainer;
  for (const JsonPath::Segment &seg : path.segments()) {
    if (container < 0)
      return {offset, false};
    const Container &c = containers[container];
    const Child *found = nullptr;
    if (seg.isKey) {
      if (!c.isObject)
        return {offset, false};
      // llvm::json keeps the last of duplicate keys: search from the back.
      for (auto it = c.children.rbegin(); it != c.children.rend(); ++it) {
        bool same = it->rawKey.contains('\\')
                        ? decodeJsonString(it->rawKey) == seg.key
                        : it->rawKey == seg.key;
        if (same) {
          found = &*it;
          break;
        }
      }
    } else if (!c.isObject && seg.index < c.children.size()) {
      found = &c.children[seg.index];
    }
    if (!found)
      return {offset, false};
    offset = found->offset;
    container = found->container;
  }
  return {offset, true};
}

size_t JsonLocator::offsetOf(const JsonPath &path) const {
  return resolve(path).first;
}

bool JsonLocator::contains(const JsonPath &path) const {
  return resolve(path).second;
}

std::pair<unsigned, unsigned> JsonLocator::lineColumn(size_t offset) const {
  offset = std::min(offset, text.size());
  auto next = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  size_t line = next - lineStarts.begin(); // >= 1: lineStarts[0] == 0
  size_t column = offset - lineStarts[line - 1] + 1;
  return {static_cast<unsigned>(line), static_cast<unsigned>(column)};
}

std::pair<unsigned, unsigned> cnnc::lineColumnIn(llvm::StringRef text,
                                                 size_t offset) {
  offset = std::min(offset, text.size());
  unsigned line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  }
  return {line, static_cast<unsigned>(offset - lineStart + 1)};
}

std::string JsonLocator::tokenAt(size_t offset, size_t maxLength) const {
  const size_t n = text.size();
  if (offset >= n)
    return "";
  size_t end = offset;
  if (text[offset] == '"') {
    ++end;
    while (end < n && text[end] != '"')
      end += text[end] == '\\' ? 2 : 1;
    end = std::min(end + 1, n);
  } else {
    while (end < n && !endsScalar(text[end]))
      ++end;
  }
  if (end - offset <= maxLength)
    return text.slice(offset, end).str();
  return text.substr(offset, maxLength).str() + "...";
}

std::optional<JsonLocator::Excess> JsonLocator::findExcess(llvm::StringRef text,
                                                           unsigned maxDepth,
                                                           size_t maxObjects) {
  unsigned depth = 0;
  size_t objects = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return Excess{Excess::Depth, i};
      if (c == '{' && ++objects > maxObjects)
        return Excess{Excess::Objects, i};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}
