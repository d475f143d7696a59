//===- QuantizedWeights.cpp - `cnnc quantize`'s weight file ---------------===//
//
// Written whole in memory and renamed into place (writeFileAtomically);
// read with a size check before anything large is allocated, then a CRC,
// then a cursor that refuses to step past the end. See the header for the
// layout.
//
//===----------------------------------------------------------------------===//

#include "runtime/quant/QuantizedWeights.h"

#include "runtime/npy/Npy.h"
#include "runtime/support/AtomicFile.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

namespace {

constexpr size_t kMagicBytes = 8;
constexpr size_t kHeaderBytes = 20; // magic, version, length
constexpr size_t kCrcBytes = 4;
constexpr uint64_t kMaxBytes = uint64_t(1) << 34;
constexpr uint32_t kMaxString = uint32_t(1) << 16;
constexpr uint32_t kMaxRank = 8;
constexpr uint64_t kMaxDimension = uint64_t(1) << 40;

uint32_t crc32Of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    size_t piece = std::min<size_t>(bytes.size(), size_t(1) << 30);
    crc =
        crc32(crc, reinterpret_cast<const Bytef *>(bytes.data()), uInt(piece));
    bytes.remove_prefix(piece);
  }
  return uint32_t(crc);
}

uint64_t littleEndian(const char *bytes, int size) {
  uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = value << 8 | uint8_t(bytes[i]);
  return value;
}

bool validScale(float scale) { return std::isfinite(scale) && scale > 0.0f; }

/// The element count of `shape`, or false past `limit` or for a negative
/// or absurd dimension.
bool elementCount(const std::vector<int64_t> &shape, uint64_t limit,
                  uint64_t &count) {
  count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || uint64_t(dim) > kMaxDimension)
      return false;
    if (dim != 0 && count > limit / uint64_t(dim))
      return false;
    count *= uint64_t(dim);
  }
  return true;
}

class Writer {
public:
  explicit Writer(std::string &out) : out(out) {}
  void u8(uint8_t value) { out += char(value); }
  void u32(uint32_t value) { put(value, 4); }
  void u64(uint64_t value) { put(value, 8); }
  void f32(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    u32(bits);
  }
  void str(std::string_view text) {
    u32(uint32_t(text.size()));
    out.append(text);
  }

private:
  void put(uint64_t value, int size) {
    for (int i = 0; i < size; ++i)
      out += char((value >> (8 * i)) & 0xFF);
  }
  std::string &out;
};

/// A cursor that refuses to pass the end; keeps the first problem.
class Reader {
public:
  explicit Reader(std::string_view bytes) : bytes(bytes) {}
  size_t left() const { return bytes.size() - pos; }
  const std::string &problem() const { return why; }

  bool u8(uint8_t &value, const std::string &what) {
    if (!need(1, what))
      return false;
    value = uint8_t(bytes[pos++]);
    return true;
  }
  bool u32(uint32_t &value, const std::string &what) {
    if (!need(4, what))
      return false;
    value = uint32_t(littleEndian(bytes.data() + pos, 4));
    pos += 4;
    return true;
  }
  bool u64(uint64_t &value, const std::string &what) {
    if (!need(8, what))
      return false;
    value = littleEndian(bytes.data() + pos, 8);
    pos += 8;
    return true;
  }
  bool f32(float &value, const std::string &what) {
    uint32_t bits;
    if (!u32(bits, what))
      return false;
    std::memcpy(&value, &bits, 4);
    return true;
  }
  bool str(std::string &text, const std::string &what) {
    uint32_t size;
    if (!u32(size, what + "'s length"))
      return false;
    if (size > kMaxString)
      return fail(what + " is " + std::to_string(size) + " bytes long");
    if (!need(size, what))
      return false;
    text.assign(bytes.data() + pos, size);
    pos += size;
    return true;
  }
  /// A count of records of at least `minimumBytes` each.
  bool count(uint32_t &value, size_t minimumBytes, const std::string &what) {
    if (!u32(value, what))
      return false;
    if (uint64_t(value) * minimumBytes > left())
      return fail(what + " (" + std::to_string(value) +
                  ") is more than the file can hold");
    return true;
  }
  bool shape(std::vector<int64_t> &dims, uint64_t &elements,
             const std::string &what) {
    uint32_t rank;
    if (!u32(rank, what + "'s rank"))
      return false;
    if (rank > kMaxRank)
      return fail(what + " has rank " + std::to_string(rank) + ", more than " +
                  std::to_string(kMaxRank));
    dims.clear();
    for (uint32_t i = 0; i < rank; ++i) {
      uint64_t dim;
      if (!u64(dim, what + "'s shape"))
        return false;
      if (dim > kMaxDimension)
        return fail(what + " has a dimension of " + std::to_string(dim));
      dims.push_back(int64_t(dim));
    }
    // Every element takes at least one byte (an int8 code).
    if (!elementCount(dims, left(), elements))
      return fail(what + "'s shape " + formatNpyShape(dims) +
                  " has more elements than the file holds");
    return true;
  }
  bool raw(void *into, uint64_t size, const std::string &what) {
    if (!need(size, what))
      return false;
    if (size)
      std::memcpy(into, bytes.data() + pos, size_t(size));
    pos += size_t(size);
    return true;
  }
  bool fail(const std::string &reason) {
    if (why.empty())
      why = reason;
    return false;
  }

private:
  bool need(uint64_t size, const std::string &what) {
    if (size <= left())
      return true;
    return fail(what + " runs past the end of the data");
  }
  std::string_view bytes;
  size_t pos = 0;
  std::string why;
};

bool readFloats(Reader &in, std::vector<float> &values, uint64_t count,
                const std::string &what) {
  if (count * 4 > in.left())
    return in.fail(what + " runs past the end of the data");
  values.resize(size_t(count));
  for (float &value : values)
    if (!in.f32(value, what))
      return false;
  return true;
}

/// Why `tensor` cannot be written (and so could not be read back), or "".
std::string tensorProblem(const QuantizedTensor &tensor) {
  std::string what = "parameter '" + tensor.name + "'";
  uint64_t count;
  if (tensor.name.size() > kMaxString || tensor.shape.size() > kMaxRank ||
      !elementCount(tensor.shape, kMaxBytes, count))
    return what + " has an unsupported name or shape";
  if (!tensor.int8)
    return tensor.values.size() == count
               ? ""
               : what + " has " + std::to_string(tensor.values.size()) +
                     " values for shape " + formatNpyShape(tensor.shape);
  if (tensor.shape.empty())
    return what + " is int8 but has no channel dimension";
  if (tensor.codes.size() != count ||
      tensor.scales.size() != uint64_t(tensor.shape.back()))
    return what + " has " + std::to_string(tensor.codes.size()) +
           " codes and " + std::to_string(tensor.scales.size()) +
           " scales for shape " + formatNpyShape(tensor.shape);
  for (float scale : tensor.scales)
    if (!validScale(scale))
      return what + " has a scale that is not finite and positive";
  for (int8_t code : tensor.codes)
    if (code == -128)
      return what + " has a code of -128 (symmetric int8 is -127..127)";
  return "";
}

} // namespace

std::vector<float> QuantizedTensor::dequantized() const {
  if (!int8)
    return values;
  std::vector<float> out(codes.size());
  size_t channels = scales.size();
  for (size_t i = 0; i < codes.size(); ++i)
    out[i] = float(codes[i]) * scales[i % channels];
  return out;
}

bool cnnc::serializeQuantizedWeights(const QuantizedWeights &weights,
                                     std::string &bytes, std::string &error) {
  for (const QuantizedTensor &tensor : weights.parameters) {
    error = tensorProblem(tensor);
    if (!error.empty())
      return false;
  }
  for (const ActivationQuantization &activation : weights.activations)
    if (activation.layer.size() > kMaxString || !validScale(activation.scale) ||
        activation.zeroPoint < 0 || activation.zeroPoint > 255) {
      error = "layer '" + activation.layer +
              "' has an input scale or zero point that cannot be stored";
      return false;
    }
  bytes.clear();
  Writer out(bytes);
  bytes.append(kQuantizedMagic, kMagicBytes);
  out.u32(kQuantizedVersion);
  out.u64(0); // the length, patched below
  out.u32(uint32_t(weights.parameters.size()));
  for (const QuantizedTensor &tensor : weights.parameters) {
    out.str(tensor.name);
    out.u32(uint32_t(tensor.shape.size()));
    for (int64_t dim : tensor.shape)
      out.u64(uint64_t(dim));
    out.u8(tensor.int8 ? 1 : 0);
    if (!tensor.int8) {
      for (float value : tensor.values)
        out.f32(value);
      continue;
    }
    out.u32(uint32_t(tensor.scales.size()));
    for (float scale : tensor.scales)
      out.f32(scale);
    bytes.append(reinterpret_cast<const char *>(tensor.codes.data()),
                 tensor.codes.size());
  }
  out.u32(uint32_t(weights.activations.size()));
  for (const ActivationQuantization &activation : weights.activations) {
    out.str(activation.layer);
    out.f32(activation.scale);
    out.u32(uint32_t(activation.zeroPoint));
  }
  uint64_t length = bytes.size() + kCrcBytes;
  for (int i = 0; i < 8; ++i)
    bytes[12 + i] = char((length >> (8 * i)) & 0xFF);
  out.u32(crc32Of(bytes));
  return true;
}

bool cnnc::writeQuantizedWeights(const std::string &path,
                                 const QuantizedWeights &weights,
                                 std::string &error) {
  std::string bytes;
  if (!serializeQuantizedWeights(weights, bytes, error)) {
    error = "cannot write '" + path + "': " + error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}

/// The header's problem for a file of `fileSize` bytes, or "".
static std::string headerProblem(std::string_view head, uint64_t fileSize,
                                 uint64_t &length) {
  if (head.size() < kMagicBytes ||
      head.substr(0, kMagicBytes) !=
          std::string_view(kQuantizedMagic, kMagicBytes))
    return looksLikeQuantizedWeights(head)
               ? "truncated: " + std::to_string(fileSize) +
                     " bytes, shorter than the header"
               : "not a cnnc quantized weight file (bad magic)";
  if (head.size() < kHeaderBytes)
    return "truncated: " + std::to_string(fileSize) +
           " bytes, shorter than the header";
  uint32_t version = uint32_t(littleEndian(head.data() + 8, 4));
  if (version != kQuantizedVersion)
    return "quantized weight file version " + std::to_string(version) +
           ", this cnnc reads version " + std::to_string(kQuantizedVersion);
  length = littleEndian(head.data() + 12, 8);
  if (length != fileSize)
    return "truncated or damaged: the header says " + std::to_string(length) +
           " bytes, the file has " + std::to_string(fileSize);
  if (length < kHeaderBytes + kCrcBytes || length > kMaxBytes)
    return "damaged: a stated length of " + std::to_string(length) + " bytes";
  return "";
}

bool cnnc::parseQuantizedWeights(std::string_view bytes,
                                 const std::string &path, QuantizedWeights &out,
                                 std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  uint64_t length = 0;
  std::string problem =
      headerProblem(bytes.substr(0, kHeaderBytes), bytes.size(), length);
  if (!problem.empty())
    return fail(problem);
  std::string_view body = bytes.substr(0, bytes.size() - kCrcBytes);
  uint32_t stored =
      uint32_t(littleEndian(bytes.data() + bytes.size() - kCrcBytes, 4));
  if (crc32Of(body) != stored)
    return fail("damaged: its CRC does not match its contents");

  Reader in(body.substr(kHeaderBytes));
  QuantizedWeights result;
  uint32_t parameters;
  if (!in.count(parameters, 14, "the parameter count"))
    return fail(in.problem());
  for (uint32_t p = 0; p < parameters; ++p) {
    QuantizedTensor tensor;
    std::string what = "parameter " + std::to_string(p + 1);
    uint64_t elements;
    uint8_t kind;
    if (!in.str(tensor.name, what + "'s name") ||
        !in.shape(tensor.shape, elements, "parameter '" + tensor.name + "'") ||
        !in.u8(kind, "parameter '" + tensor.name + "'s kind"))
      return fail(in.problem());
    what = "parameter '" + tensor.name + "'";
    if (kind > 1)
      return fail(what + " has an unknown kind " + std::to_string(kind));
    tensor.int8 = kind == 1;
    if (!tensor.int8) {
      if (!readFloats(in, tensor.values, elements, what + "'s values"))
        return fail(in.problem());
    } else {
      uint32_t channels;
      if (!in.u32(channels, what + "'s channel count"))
        return fail(in.problem());
      if (tensor.shape.empty() || channels != uint64_t(tensor.shape.back()))
        return fail(what + " has " + std::to_string(channels) +
                    " scales for shape " + formatNpyShape(tensor.shape) +
                    " (one per element of the last dimension)");
      if (!readFloats(in, tensor.scales, channels, what + "'s scales"))
        return fail(in.problem());
      if (elements > in.left())
        return fail(what + "'s codes run past the end of the data");
      tensor.codes.resize(size_t(elements));
      if (!in.raw(tensor.codes.data(), elements, what + "'s codes"))
        return fail(in.problem());
      std::string bad = tensorProblem(tensor);
      if (!bad.empty())
        return fail(bad);
    }
    result.parameters.push_back(std::move(tensor));
  }
  uint32_t activations;
  if (!in.count(activations, 12, "the int8 layer count"))
    return fail(in.problem());
  for (uint32_t a = 0; a < activations; ++a) {
    ActivationQuantization activation;
    uint32_t zeroPoint;
    if (!in.str(activation.layer, "int8 layer " + std::to_string(a + 1)) ||
        !in.f32(activation.scale, "layer '" + activation.layer + "'s scale") ||
        !in.u32(zeroPoint, "layer '" + activation.layer + "'s zero point"))
      return fail(in.problem());
    if (!validScale(activation.scale))
      return fail("layer '" + activation.layer +
                  "' has an input scale that is not finite and positive");
    if (zeroPoint > 255)
      return fail("layer '" + activation.layer +
                  "' has an input zero point of " + std::to_string(zeroPoint) +
                  ", outside 0..255");
    activation.zeroPoint = int32_t(zeroPoint);
    result.activations.push_back(std::move(activation));
  }
  if (in.left() != 0)
    return fail(std::to_string(in.left()) +
                " bytes follow the last int8 layer");
  out = std::move(result);
  return true;
}

bool cnnc::readQuantizedWeights(const std::string &path, QuantizedWeights &out,
                                std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat info;
  if (fstat(fd, &info) != 0)
    return fail(std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return fail("it is not a regular file");
  uint64_t fileSize = uint64_t(info.st_size);
  auto readAt = [&](char *into, uint64_t size, uint64_t &got) {
    got = 0;
    while (got < size) {
      ssize_t n = pread(fd, into + got, size_t(size - got), off_t(got));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return false;
      if (n == 0)
        break;
      got += uint64_t(n);
    }
    return true;
  };
  // The header first: nothing large is allocated before it checks out.
  char head[kHeaderBytes];
  uint64_t got, length = 0;
  if (!readAt(head, sizeof head, got))
    return fail(std::strerror(errno));
  std::string problem =
      headerProblem(std::string_view(head, size_t(got)), fileSize, length);
  if (!problem.empty())
    return fail(problem);
  std::string bytes(size_t(length), '\0');
  if (!readAt(bytes.data(), length, got))
    return fail(std::strerror(errno));
  if (got != length)
    return fail("truncated: the file shrank while it was being read");
  return parseQuantizedWeights(bytes, path, out, error);
}

bool cnnc::looksLikeQuantizedWeights(std::string_view firstBytes) {
  std::string_view magic(kQuantizedMagic, kMagicBytes);
  if (firstBytes.size() >= kMagicBytes)
    return firstBytes.substr(0, kMagicBytes) == magic;
  return !firstBytes.empty() &&
         magic.substr(0, firstBytes.size()) == firstBytes;
}
