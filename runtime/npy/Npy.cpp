//===- Npy.cpp - NumPy .npy files of float32 ------------------------------===//
//
// The reader trusts nothing in the file: every length is checked against
// what is left of the file before it is used, every product of dimensions is
// bounded before it is formed, and the header is parsed by a small
// recursive-descent parser for the Python literals numpy writes (with a
// depth limit), not by pattern matching.
//
//===----------------------------------------------------------------------===//

#include "runtime/npy/Npy.h"

#include "runtime/support/AtomicFile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

using namespace cnnc;

namespace {

//===----------------------------------------------------------------------===//
// The header: a Python dict literal
//===----------------------------------------------------------------------===//

/// One Python literal of the kinds a .npy header can hold. Integers keep
/// their text too, so that a dimension too large for int64 can still be
/// shown as the file wrote it.
struct PyValue {
  enum Kind { String, Bool, None, Int, Tuple, List, Dict } kind = None;
  std::string text; // String: the contents; Int: the digits as written
  bool boolean = false;
  int64_t integer = 0;
  bool intOverflows = false;                            // beyond int64
  std::vector<PyValue> items;                           // Tuple, List
  std::vector<std::pair<std::string, PyValue>> entries; // Dict
};

/// Parses the literal grammar numpy's header uses (ast.literal_eval on
/// strings, ints, bools, None, tuples, lists and dicts), which also covers
/// headers written by other libraries: either quote style, any spacing,
/// trailing commas, and Python 2's `3L` integers.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  bool parse(PyValue &out, std::string &error) {
    if (!parseValue(out, 0))
      return fail(error);
    skipSpace();
    if (pos != text.size()) {
      problem = "unexpected text after the dict";
      return fail(error);
    }
    return true;
  }

private:
  // Deep enough for any real header (a structured dtype nests a few
  // levels), shallow enough that "((((..." cannot exhaust the stack.
  static constexpr int kMaxDepth = 32;

  const std::string &text;
  size_t pos = 0;
  std::string problem;

  bool fail(std::string &error) {
    error = "malformed header (" + problem + " at offset " +
            std::to_string(pos) + ")";
    return false;
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool expected(const char *what) {
    problem = std::string("expected ") + what;
    return false;
  }

  bool parseValue(PyValue &out, int depth) {
    if (depth > kMaxDepth) {
      problem = "nesting deeper than " + std::to_string(kMaxDepth);
      return false;
    }
    skipSpace();
    char c = peek();
    if (c == '\'' || c == '"')
      return parseString(out);
    if (c == '(')
      return parseSequence(out, PyValue::Tuple, ')', depth);
    if (c == '[')
      return parseSequence(out, PyValue::List, ']', depth);
    if (c == '{')
      return parseDict(out, depth);
    if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
      return parseInt(out);
    if (std::isalpha(static_cast<unsigned char>(c)))
      return parseName(out);
    return expected("a value");
  }

  bool parseString(PyValue &out) {
    char quote = text[pos++];
    out.kind = PyValue::String;
    while (!atEnd() && text[pos] != quote) {
      if (text[pos] == '\n')
        return expected("a closing quote");
      // An escaped character stands for itself: enough for the plain
      // names a header holds, and never reads past the end.
      if (text[pos] == '\\' && pos + 1 < text.size())
        ++pos;
      out.text += text[pos++];
    }
    if (atEnd())
      return expected("a closing quote");
    ++pos;
    return true;
  }

  bool parseInt(PyValue &out) {
    out.kind = PyValue::Int;
    bool negative = false;
    if (peek() == '-' || peek() == '+') {
      negative = peek() == '-';
      out.text += text[pos++];
    }
    if (!(peek() >= '0' && peek() <= '9'))
      return expected("a digit");
    uint64_t magnitude = 0;
    while (peek() >= '0' && peek() <= '9') {
      unsigned digit = unsigned(text[pos] - '0');
      if (magnitude > (uint64_t(INT64_MAX) - digit) / 10)
        out.intOverflows = true;
      else
        magnitude = magnitude * 10 + digit;
      out.text += text[pos++];
    }
    if (peek() == 'L' || peek() == 'l') // Python 2's long suffix
      ++pos;
    out.integer = negative ? -int64_t(magnitude) : int64_t(magnitude);
    return true;
  }

  bool parseName(PyValue &out) {
    size_t start = pos;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')
      ++pos;
    std::string name = text.substr(start, pos - start);
    if (name == "True" || name == "False") {
      out.kind = PyValue::Bool;
      out.boolean = name == "True";
      return true;
    }
    if (name == "None") {
      out.kind = PyValue::None;
      return true;
    }
    pos = start;
    problem = "unknown name '" + name + "'";
    return false;
  }

  /// `(a, b)`, `(a,)`, `()` and lists alike; a trailing comma is allowed.
  bool parseSequence(PyValue &out, PyValue::Kind kind, char close, int depth) {
    out.kind = kind;
    ++pos;
    skipSpace();
    while (peek() != close) {
      out.items.emplace_back();
      if (!parseValue(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        skipSpace();
      } else if (peek() != close) {
        return expected(close == ')' ? "',' or ')'" : "',' or ']'");
      }
    }
    ++pos;
    return true;
  }

  bool parseDict(PyValue &out, int depth) {
    out.kind = PyValue::Dict;
    ++pos;
    skipSpace();
    while (peek() != '}') {
      PyValue key;
      if (peek() != '\'' && peek() != '"')
        return expected("a quoted key");
      if (!parseString(key))
        return false;
      skipSpace();
      if (peek() != ':')
        return expected("':' after a key");
      ++pos;
      out.entries.emplace_back(key.text, PyValue());
      if (!parseValue(out.entries.back().second, depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        skipSpace();
      } else if (peek() != '}') {
        return expected("',' or '}'");
      }
    }
    ++pos;
    return true;
  }
};

//===----------------------------------------------------------------------===//
// Dtypes, for messages
//===----------------------------------------------------------------------===//

/// "float64", "big-endian float32", "uint8" for a numpy type string such as
/// '<f8', or "" when it is not one.
std::string describeDtype(const std::string &descr) {
  if (descr.size() < 2)
    return "";
  size_t at = 0;
  std::string order, noOrder;
  if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' ||
      descr[0] == '=') {
    if (descr[0] == '>')
      order = "big-endian ";
    else if (descr[0] == '=')
      order = "native-order ";
    else if (descr[0] == '|')
      noOrder = " with no byte order";
    ++at;
  }
  if (at >= descr.size())
    return "";
  char kind = descr[at++];
  // Kinds whose size is not a number's width.
  switch (kind) {
  case 'U':
    return "unicode string";
  case 'S':
    return "byte string";
  case 'O':
    return "Python object";
  case 'V':
    return "raw bytes";
  case 'M':
    return "datetime64";
  case 'm':
    return "timedelta64";
  default:
    break;
  }
  std::string digits = descr.substr(at);
  if (digits.empty() || digits.size() > 3 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return "";
  int bytes = std::stoi(digits);
  const char *name = nullptr;
  switch (kind) {
  case 'f':
    name = "float";
    break;
  case 'i':
    name = "int";
    break;
  case 'u':
    name = "uint";
    break;
  case 'c':
    name = "complex";
    break;
  case 'b':
    return bytes == 1 ? "bool" : "";
  default:
    return "";
  }
  // Byte order only matters for multi-byte numbers.
  if (bytes == 1)
    order.clear(), noOrder.clear();
  return order + name + std::to_string(bytes * 8) + noOrder;
}

//===----------------------------------------------------------------------===//
// Reading a file descriptor
//===----------------------------------------------------------------------===//

/// Closes the descriptor on every path out of readNpy.
struct FileCloser {
  int fd;
  ~FileCloser() {
    if (fd >= 0)
      close(fd);
  }
};

/// Reads up to `size` bytes; `got` is how many arrived before end of file.
/// Returns false on a read error (errno set).
bool readFully(int fd, char *buffer, size_t size, size_t &got) {
  got = 0;
  while (got < size) {
    ssize_t n = read(fd, buffer + got, size - got);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    if (n == 0)
      return true;
    got += size_t(n);
  }
  return true;
}

uint32_t littleEndian(const unsigned char *bytes, int count) {
  uint32_t value = 0;
  for (int i = count - 1; i >= 0; --i)
    value = value << 8 | bytes[i];
  return value;
}

bool hostIsLittleEndian() {
  uint32_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// numpy refuses headers over 10000 bytes unless told otherwise; allow more
// (other writers pad generously) but not so much that a hostile length
// makes us allocate gigabytes for it.
constexpr uint32_t kMaxHeaderSize = 1 << 20;

} // namespace

//===----------------------------------------------------------------------===//
// readNpy
//===----------------------------------------------------------------------===//

std::string cnnc::formatNpyShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// The shape as written in the header, for messages about shapes that do
/// not fit an int64.
static std::string formatShapeText(const PyValue &tuple) {
  std::string text = "(";
  for (size_t i = 0; i < tuple.items.size(); ++i)
    text += (i ? ", " : "") + tuple.items[i].text;
  return text + (tuple.items.size() == 1 ? ",)" : ")");
}

static std::string bytesOf(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

bool cnnc::readNpy(const std::string &path, NpyArray &out, std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  auto failErrno = [&]() { return fail(std::strerror(errno)); };

  FileCloser file{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0)
    return failErrno();
  struct stat status;
  if (fstat(file.fd, &status) != 0)
    return failErrno();
  if (S_ISDIR(status.st_mode))
    return fail("is a directory");
  // A regular file's size lets every length be checked before anything is
  // allocated; pipes and the like are read and checked as they come.
  bool sized = S_ISREG(status.st_mode);
  uint64_t fileSize = sized ? uint64_t(status.st_size) : 0;

  // The preamble: magic, version, header length.
  unsigned char preamble[12];
  size_t got;
  if (!readFully(file.fd, reinterpret_cast<char *>(preamble), 8, got))
    return failErrno();
  if (got == 0)
    return fail("the file is empty (expected a .npy file)");
  if (std::memcmp(preamble, kMagic, std::min(got, kMagicSize)) != 0) {
    if (got >= 2 && preamble[0] == 'P' && preamble[1] == 'K')
      return fail("not a .npy file (bad magic; it looks like a .npz or "
                  "other zip archive, and cnnc reads single .npy arrays)");
    return fail("not a .npy file (bad magic)");
  }
  if (got < 8)
    return fail("the file is truncated: " + bytesOf(got) +
                ", shorter than a .npy preamble");
  int major = preamble[6], minor = preamble[7];
  if (!((major == 1 || major == 2 || major == 3) && minor == 0))
    return fail("unsupported .npy version " + std::to_string(major) + "." +
                std::to_string(minor) + "; cnnc reads 1.0, 2.0 and 3.0");
  // 1.0 has a 2-byte header length; 2.0 and 3.0 (3.0: a UTF-8 header) 4.
  int lengthBytes = major == 1 ? 2 : 4;
  if (!readFully(file.fd, reinterpret_cast<char *>(preamble + 8),
                 size_t(lengthBytes), got))
    return failErrno();
  if (got < size_t(lengthBytes))
    return fail("the file is truncated: it ends inside the header length");
  uint64_t preambleSize = 8 + uint64_t(lengthBytes);
  uint32_t headerSize = littleEndian(preamble + 8, lengthBytes);
  if (sized && headerSize > fileSize - preambleSize)
    return fail("the file is truncated: the header length says " +
                bytesOf(headerSize) + ", the file has " +
                bytesOf(fileSize - preambleSize) + " after the preamble");
  if (headerSize > kMaxHeaderSize)
    return fail("the header is " + bytesOf(headerSize) +
                " long; cnnc reads headers of at most " +
                bytesOf(kMaxHeaderSize));

  std::string headerText(headerSize, '\0');
  if (!readFully(file.fd, headerText.data(), headerSize, got))
    return failErrno();
  if (got < headerSize)
    return fail("the file is truncated: the header length says " +
                bytesOf(headerSize) + ", the file has " + bytesOf(got) +
                " after the preamble");

  // The header's meaning.
  PyValue header;
  std::string parseError;
  if (!HeaderParser(headerText).parse(header, parseError))
    return fail(parseError);
  if (header.kind != PyValue::Dict)
    return fail("malformed header (not a dict)");
  const PyValue *descr = nullptr, *fortranOrder = nullptr, *shape = nullptr;
  for (const auto &[key, value] : header.entries) {
    const PyValue **slot = key == "descr"           ? &descr
                           : key == "fortran_order" ? &fortranOrder
                           : key == "shape"         ? &shape
                                                    : nullptr;
    if (!slot)
      return fail("malformed header (unexpected key '" + key +
                  "'; a .npy header holds 'descr', 'fortran_order' and "
                  "'shape')");
    if (*slot)
      return fail("malformed header (key '" + key + "' appears twice)");
    *slot = &value;
  }
  for (auto [value, name] : {std::pair{descr, "descr"},
                             {fortranOrder, "fortran_order"},
                             {shape, "shape"}})
    if (!value)
      return fail(std::string("malformed header (no '") + name + "' key)");

  const char *expectedDtype = "; cnnc reads little-endian float32 ('<f4')";
  if (descr->kind != PyValue::String)
    return fail(std::string(descr->kind == PyValue::List
                                ? "dtype is a structured (record) type"
                                : "dtype is not a type string") +
                expectedDtype);
  if (descr->text != "<f4") {
    std::string name = describeDtype(descr->text);
    return fail("dtype '" + descr->text + "'" +
                (name.empty() ? "" : " (" + name + ")") + expectedDtype);
  }

  if (shape->kind != PyValue::Tuple)
    return fail("malformed header ('shape' is not a tuple)");
  // Each dimension, then the running product, is bounded, so the product
  // can never overflow: both factors are at most 2^31.
  std::vector<int64_t> dims;
  int64_t elements = 1;
  bool tooLarge = false;
  for (const PyValue &dim : shape->items) {
    if (dim.kind != PyValue::Int)
      return fail("malformed header ('shape' holds something other than "
                  "integers)");
    if (dim.text[0] == '-' && (dim.integer != 0 || dim.intOverflows))
      return fail("shape " + formatShapeText(*shape) +
                  " has a negative dimension");
    if (dim.intOverflows || dim.integer > kNpyMaxElements) {
      tooLarge = true;
      continue;
    }
    dims.push_back(dim.integer);
    elements *= dim.integer;
    if (elements > kNpyMaxElements)
      tooLarge = true, elements = kNpyMaxElements + 1;
  }
  // A zero dimension makes the array empty whatever the others say, but
  // an absurd dimension is still refused: no real file has one.
  if (tooLarge)
    return fail("shape " + formatShapeText(*shape) + " has more than " +
                std::to_string(kNpyMaxElements) +
                " elements, the most cnnc reads");

  if (fortranOrder->kind != PyValue::Bool)
    return fail("malformed header ('fortran_order' is not True or False)");
  // With at most one dimension above 1, Fortran and C order are the same
  // bytes (numpy itself marks such arrays both C- and F-contiguous).
  size_t nonTrivial = 0;
  for (int64_t d : dims)
    nonTrivial += d > 1;
  if (fortranOrder->boolean && nonTrivial > 1)
    return fail("fortran_order is True; cnnc reads C-order arrays "
                "(save np.ascontiguousarray(a))");

  // The data: exactly prod(shape) float32s, nothing after them.
  uint64_t dataBytes = uint64_t(elements) * 4;
  auto sizeMismatch = [&](const char *what, uint64_t have) {
    return fail(std::string(what) + ": header says " + formatNpyShape(dims) +
                " = " + bytesOf(dataBytes) + " of data, file has " +
                std::to_string(have));
  };
  if (sized) {
    uint64_t have = fileSize - preambleSize - headerSize;
    if (have < dataBytes)
      return sizeMismatch("the file is truncated", have);
    if (have > dataBytes)
      return sizeMismatch("the file has bytes after the data", have);
  }
  std::vector<float> data;
  // Grow chunk by chunk rather than trusting the header with one huge
  // allocation when the size could not be checked up front (a pipe).
  constexpr uint64_t kChunk = uint64_t(64) << 20;
  uint64_t have = 0;
  while (have < dataBytes) {
    uint64_t want = std::min(kChunk, dataBytes - have);
    data.resize(size_t((have + want) / 4));
    if (!readFully(file.fd, reinterpret_cast<char *>(data.data()) + have,
                   size_t(want), got))
      return failErrno();
    have += got;
    if (got < want)
      return sizeMismatch("the file is truncated", have);
  }
  char extra;
  if (!readFully(file.fd, &extra, 1, got))
    return failErrno();
  if (got != 0)
    return sizeMismatch("the file has bytes after the data", have + 1);

  if (!hostIsLittleEndian())
    for (float &value : data) {
      unsigned char bytes[4];
      std::memcpy(bytes, &value, 4);
      std::swap(bytes[0], bytes[3]);
      std::swap(bytes[1], bytes[2]);
      std::memcpy(&value, bytes, 4);
    }
  out.shape = std::move(dims);
  out.data = std::move(data);
  return true;
}

//===----------------------------------------------------------------------===//
// writeNpy
//===----------------------------------------------------------------------===//

bool cnnc::writeNpy(const std::string &path, const NpyArray &array,
                    std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot write '" + path + "': " + reason;
    return false;
  };
  uint64_t elements = 1;
  for (int64_t d : array.shape) {
    if (d < 0)
      return fail("shape " + formatNpyShape(array.shape) +
                  " has a negative dimension");
    if (d != 0 && elements > uint64_t(INT64_MAX) / uint64_t(d))
      return fail("shape " + formatNpyShape(array.shape) + " is too large");
    elements *= uint64_t(d);
  }
  if (elements != array.data.size())
    return fail("shape " + formatNpyShape(array.shape) + " holds " +
                std::to_string(elements) + " elements, the data " +
                std::to_string(array.data.size()));

  // Byte for byte what numpy.save writes (numpy/lib/format.py,
  // _write_array_header): the dict, spare room after it so that the first
  // dimension can grow in place, then spaces and a newline up to a 64-byte
  // boundary.
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
                     formatNpyShape(array.shape) + ", }";
  constexpr size_t kGrowthAxisMaxDigits = 21;
  if (!array.shape.empty())
    dict.append(kGrowthAxisMaxDigits -
                    std::min(kGrowthAxisMaxDigits,
                             std::to_string(array.shape[0]).size()),
                ' ');
  // Version 1.0 unless the header does not fit its 2-byte length, as numpy.
  int version = 1;
  size_t lengthBytes = 2;
  auto padding = [&] {
    return 64 - (kMagicSize + 2 + lengthBytes + dict.size() + 1) % 64;
  };
  if (dict.size() + padding() + 1 > 0xFFFF) {
    version = 2;
    lengthBytes = 4;
  }
  dict.append(padding(), ' ');
  dict += '\n';

  std::string bytes(kMagic, kMagicSize);
  bytes += char(version);
  bytes += char(0);
  for (size_t i = 0; i < lengthBytes; ++i)
    bytes += char((dict.size() >> (8 * i)) & 0xFF);
  bytes += dict;
  size_t dataStart = bytes.size();
  bytes.resize(dataStart + array.data.size() * 4);
  if (!array.data.empty())
    std::memcpy(bytes.data() + dataStart, array.data.data(),
                array.data.size() * 4);
  if (!hostIsLittleEndian())
    for (size_t at = dataStart; at < bytes.size(); at += 4) {
      std::swap(bytes[at], bytes[at + 3]);
      std::swap(bytes[at + 1], bytes[at + 2]);
    }
  // "-": standard output, as everywhere else in cnnc.
  if (path == "-") {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() ||
        std::fflush(stdout) != 0) {
      error = std::string("cannot write the output to stdout: ") +
              std::strerror(errno);
      return false;
    }
    return true;
  }
  return writeFileAtomically(path, bytes, error);
}
