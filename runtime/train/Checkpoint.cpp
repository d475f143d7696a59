//===- Checkpoint.cpp - Training checkpoints (--save, --resume) -----------===//
//
// Writing builds the whole file in memory and hands it to
// writeFileAtomically, so a crash mid-save leaves the previous checkpoint.
// Reading checks the fixed 20-byte header against the file's size before
// reading the rest (see Checkpoint.h for the order of checks), then parses
// the bytes with a cursor that refuses to step past their end.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/Checkpoint.h"

#include "runtime/npy/Npy.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/support/Md5.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <locale>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

namespace {

constexpr size_t kMagicBytes = 8;
constexpr size_t kCrcBytes = 4;
constexpr uint64_t kMaxDimension = uint64_t(1) << 40;

uint32_t crc32Of(std::string_view bytes) {
  // zlib's crc32 takes uInt lengths: feed it in pieces.
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

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

/// `bytes` with anything but printable ASCII as \xNN, for messages.
std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += char(c);
      continue;
    }
    char escape[8];
    std::snprintf(escape, sizeof escape, "\\x%02X", unsigned(c));
    out += escape;
  }
  return out;
}

std::string describeShape(const std::vector<int64_t> &shape) {
  return formatNpyShape(shape);
}

std::string describeParameter(const ParameterInfo &parameter) {
  return "'" + printable(parameter.name) + "' " +
         describeShape(parameter.shape);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

class Writer {
public:
  explicit Writer(std::string &out) : out(out) {}

  void u32(uint32_t value) { put(value, 4); }
  void u64(uint64_t value) { put(value, 8); }
  void f64(double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    u64(bits);
  }
  void str(std::string_view text) {
    u32(uint32_t(text.size()));
    out.append(text);
  }
  void shape(const std::vector<int64_t> &dims) {
    u32(uint32_t(dims.size()));
    for (int64_t dim : dims)
      u64(uint64_t(dim));
  }
  void floats(const std::vector<float> &values) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    out.append(reinterpret_cast<const char *>(values.data()),
               values.size() * 4);
#else
    for (float value : values) {
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      u32(bits);
    }
#endif
  }

private:
  void put(uint64_t value, int size) {
    for (int i = 0; i < size; ++i)
      out += char((value >> (8 * i)) & 0xFF);
  }
  std::string &out;
};

/// The number of elements `shape` describes, or false when a dimension is
/// negative or the count would pass `limit`.
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

/// Checks what the reader would refuse, so that every checkpoint written
/// can be read back.
bool checkSerializable(const Checkpoint &checkpoint, std::string &error) {
  auto tooLong = [&](const std::string &text, const std::string &what) {
    if (text.size() <= kCheckpointMaxString)
      return false;
    error = what + " is " + std::to_string(text.size()) +
            " bytes, more than a checkpoint holds (" +
            std::to_string(kCheckpointMaxString) + ")";
    return true;
  };
  auto badTensor = [&](const CheckpointTensor &tensor, const char *kind) {
    std::string what = std::string(kind) + " '" + tensor.name + "'";
    if (tooLong(tensor.name, std::string(kind) + " name"))
      return true;
    uint64_t count;
    if (tensor.shape.size() > kCheckpointMaxRank ||
        !elementCount(tensor.shape, kCheckpointMaxBytes / 4, count)) {
      error = what + " has an unsupported shape " + describeShape(tensor.shape);
      return true;
    }
    if (count != tensor.data.size()) {
      error = what + " of shape " + describeShape(tensor.shape) + " has " +
              std::to_string(tensor.data.size()) + " elements, not " +
              std::to_string(count);
      return true;
    }
    return false;
  };
  if (tooLong(checkpoint.signature, "the signature") ||
      tooLong(checkpoint.optimizer, "the optimizer name") ||
      tooLong(checkpoint.rngState, "the generator state"))
    return false;
  if (checkpoint.parameters.size() > kCheckpointMaxTensors ||
      checkpoint.optimizerState.size() > kCheckpointMaxTensors ||
      checkpoint.settings.size() > kCheckpointMaxEntries ||
      checkpoint.history.series.size() > kCheckpointMaxEntries) {
    error = "too many tensors, settings or history series";
    return false;
  }
  for (const CheckpointTensor &tensor : checkpoint.parameters)
    if (badTensor(tensor, "parameter"))
      return false;
  for (const CheckpointTensor &tensor : checkpoint.optimizerState)
    if (badTensor(tensor, "optimizer state"))
      return false;
  for (const auto &[key, value] : checkpoint.settings)
    if (tooLong(key, "a setting's name") ||
        tooLong(value, "setting '" + key + "'"))
      return false;
  for (const HistorySeries &series : checkpoint.history.series)
    if (tooLong(series.name, "a history series' name"))
      return false;
  for (const HistorySeries &series : checkpoint.history.series)
    if (series.values.size() > kCheckpointMaxEpochs) {
      error = "history series '" + series.name + "' is too long";
      return false;
    }
  if (checkpoint.history.epochSeconds.size() > kCheckpointMaxEpochs) {
    error = "the history's epoch times are too long";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// A cursor over the checkpoint's body that refuses to pass its end; the
/// first problem it meets is kept in `problem`.
class Reader {
public:
  explicit Reader(std::string_view bytes) : bytes(bytes) {}

  size_t left() const { return bytes.size() - pos; }
  size_t offset() const { return pos; }
  const std::string &problem() const { return why; }

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
  bool f64(double &value, const std::string &what) {
    uint64_t bits;
    if (!u64(bits, what))
      return false;
    std::memcpy(&value, &bits, 8);
    return true;
  }
  bool str(std::string &text, const std::string &what) {
    uint32_t size;
    if (!u32(size, what + "'s length"))
      return false;
    if (size > kCheckpointMaxString)
      return fail(what + " is " + std::to_string(size) +
                  " bytes long, more than a checkpoint holds");
    if (!need(size, what))
      return false;
    text.assign(bytes.data() + pos, size);
    pos += size;
    return true;
  }
  /// A count of records each at least `minimumBytes` long, at most `cap`.
  bool count(uint32_t &value, uint32_t cap, size_t minimumBytes,
             const std::string &what) {
    if (!u32(value, what))
      return false;
    if (value > cap || uint64_t(value) * minimumBytes > left())
      return fail(what + " (" + std::to_string(value) +
                  ") is more than the file can hold");
    return true;
  }
  /// A shape whose element count, as float32, fits in what is left.
  bool shape(std::vector<int64_t> &dims, uint64_t &elements,
             const std::string &what) {
    uint32_t rank;
    if (!u32(rank, what + "'s rank"))
      return false;
    if (rank > kCheckpointMaxRank)
      return fail(what + " has rank " + std::to_string(rank) + ", more than " +
                  std::to_string(kCheckpointMaxRank));
    dims.clear();
    for (uint32_t i = 0; i < rank; ++i) {
      uint64_t dim;
      if (!u64(dim, what + "'s shape"))
        return false;
      if (dim > kMaxDimension)
        return fail(what + " has a dimension of " + std::to_string(dim));
      dims.push_back(int64_t(dim));
    }
    if (!elementCount(dims, left() / 4, elements))
      return fail(what + "'s shape " + describeShape(dims) +
                  " has more elements than the file holds");
    return true;
  }
  bool floats(std::vector<float> &values, uint64_t count,
              const std::string &what) {
    if (!need(count * 4, what))
      return false;
    values.resize(size_t(count));
    if (count == 0) // memcpy from or to a null pointer is undefined, even empty
      return true;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(values.data(), bytes.data() + pos, size_t(count) * 4);
#else
    for (uint64_t i = 0; i < count; ++i) {
      uint32_t bits = uint32_t(littleEndian(bytes.data() + pos + 4 * i, 4));
      std::memcpy(&values[i], &bits, 4);
    }
#endif
    pos += size_t(count) * 4;
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

/// Why `checkpoint` (as listed in `actual`) does not fit `expected`, or "".
std::string identityMismatch(const ModelIdentity &actual,
                             const ModelIdentity &expected) {
  const auto &have = actual.parameters, &want = expected.parameters;
  std::string prefix = "it was saved from a different model: ";
  for (size_t i = 0; i < have.size() && i < want.size(); ++i)
    if (!(have[i] == want[i]))
      return prefix + "parameter " + std::to_string(i + 1) + " is " +
             describeParameter(have[i]) + " in the checkpoint but " +
             describeParameter(want[i]) + " in the model";
  if (have.size() != want.size()) {
    bool fewer = have.size() < want.size();
    const ParameterInfo &first = fewer ? want[have.size()] : have[want.size()];
    return prefix + "the checkpoint has " + std::to_string(have.size()) +
           " parameters, the model " + std::to_string(want.size()) + " (" +
           (fewer ? "the first missing is " : "the first extra is ") +
           describeParameter(first) + ")";
  }
  if (actual.signature != expected.signature)
    return prefix + "its signature is '" + printable(actual.signature) +
           "', the model's '" + printable(expected.signature) +
           "' (the parameters' names and shapes agree)";
  return "";
}

/// Parses the body (between the header and the CRC) into `out`.
bool parseBody(std::string_view body, const ModelIdentity *expected,
               Checkpoint &out, std::string &reason) {
  Reader in(body);
  auto malformed = [&] {
    reason = "malformed: " + in.problem();
    return false;
  };

  if (!in.str(out.signature, "the signature"))
    return malformed();
  uint32_t parameterCount;
  // A parameter's entry is at least a name length and a rank.
  if (!in.count(parameterCount, kCheckpointMaxTensors, 8,
                "the number of parameters"))
    return malformed();
  ModelIdentity identity{out.signature, {}};
  std::vector<uint64_t> parameterElements;
  for (uint32_t i = 0; i < parameterCount; ++i) {
    ParameterInfo info;
    uint64_t elements;
    std::string what = "parameter " + std::to_string(i + 1);
    if (!in.str(info.name, what + "'s name") ||
        !in.shape(info.shape, elements, what))
      return malformed();
    identity.parameters.push_back(std::move(info));
    parameterElements.push_back(elements);
  }
  // The model check comes before any tensor is allocated.
  if (expected) {
    std::string mismatch = identityMismatch(identity, *expected);
    if (!mismatch.empty()) {
      reason = mismatch;
      return false;
    }
  }

  if (!in.str(out.optimizer, "the optimizer name"))
    return malformed();
  uint32_t stateCount;
  if (!in.count(stateCount, kCheckpointMaxTensors, 8,
                "the number of optimizer state tensors"))
    return malformed();
  for (uint32_t i = 0; i < stateCount; ++i) {
    CheckpointTensor tensor;
    uint64_t elements;
    std::string what = "optimizer state tensor " + std::to_string(i + 1);
    if (!in.str(tensor.name, what + "'s name") ||
        !in.shape(tensor.shape, elements, what) ||
        !in.floats(tensor.data, elements, what + "'s data"))
      return malformed();
    out.optimizerState.push_back(std::move(tensor));
  }

  if (!in.u64(out.step, "the step counter") ||
      !in.u64(out.epoch, "the epoch counter") ||
      !in.u64(out.seed, "the seed") ||
      !in.str(out.rngState, "the generator state"))
    return malformed();
  std::mt19937_64 probe;
  if (!out.rngState.empty() && !parseRngState(out.rngState, probe)) {
    in.fail("the generator state is not a std::mt19937_64 state");
    return malformed();
  }

  uint32_t settingCount;
  if (!in.count(settingCount, kCheckpointMaxEntries, 8,
                "the number of settings"))
    return malformed();
  for (uint32_t i = 0; i < settingCount; ++i) {
    std::string key, value;
    std::string what = "setting " + std::to_string(i + 1);
    if (!in.str(key, what + "'s name") || !in.str(value, what + "'s value"))
      return malformed();
    out.settings.emplace_back(std::move(key), std::move(value));
  }

  auto readValues = [&](std::vector<double> &values, const std::string &what) {
    uint32_t n;
    if (!in.count(n, kCheckpointMaxEpochs, 8, what + "'s length"))
      return false;
    values.resize(n);
    for (double &value : values)
      if (!in.f64(value, what))
        return false;
    return true;
  };
  uint32_t seriesCount;
  if (!in.count(seriesCount, kCheckpointMaxEntries, 8,
                "the number of history series"))
    return malformed();
  for (uint32_t i = 0; i < seriesCount; ++i) {
    HistorySeries series;
    std::string what = "history series " + std::to_string(i + 1);
    if (!in.str(series.name, what + "'s name") ||
        !readValues(series.values, what))
      return malformed();
    out.history.series.push_back(std::move(series));
  }
  if (!readValues(out.history.epochSeconds, "the epoch times"))
    return malformed();

  for (uint32_t i = 0; i < parameterCount; ++i) {
    CheckpointTensor tensor;
    tensor.name = identity.parameters[i].name;
    tensor.shape = identity.parameters[i].shape;
    if (!in.floats(tensor.data, parameterElements[i],
                   "the data of parameter " + std::to_string(i + 1)))
      return malformed();
    out.parameters.push_back(std::move(tensor));
  }
  if (in.left() != 0) {
    in.fail(std::to_string(in.left()) +
            " unexpected bytes after the parameters' data");
    return malformed();
  }
  return true;
}

/// The header's verdict on a file that starts with `head` and is
/// `fileSize` bytes long: "" when it is a checkpoint of the right version
/// and length, else why not. `length` receives the stated length.
std::string checkHeader(std::string_view head, uint64_t fileSize,
                        uint64_t &length) {
  if (!looksLikeCheckpoint(head)) {
    std::string kind = describeFileFormat(head);
    if (head.empty())
      return "it is empty, not a cnnc checkpoint";
    if (head.substr(0, 7) == "CNNCKPT")
      return "it is a cnnc checkpoint of an unknown kind (it starts with \"" +
             printable(head.substr(0, kMagicBytes)) + "\", this cnnc reads \"" +
             kCheckpointMagic + "\")";
    if (!kind.empty())
      return "it is " + kind + ", not a cnnc checkpoint";
    std::string start;
    for (size_t i = 0; i < head.size() && i < kMagicBytes; ++i) {
      char byte[4];
      std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "",
                    unsigned(uint8_t(head[i])));
      start += byte;
    }
    return "it is not a cnnc checkpoint (it starts with bytes " + start +
           ", a checkpoint with \"" + std::string(kCheckpointMagic) + "\")";
  }
  if (head.size() < kCheckpointHeaderBytes)
    return "truncated: the file ends after " + std::to_string(head.size()) +
           " bytes, inside the " + std::to_string(kCheckpointHeaderBytes) +
           "-byte checkpoint header";
  uint32_t version = uint32_t(littleEndian(head.data() + kMagicBytes, 4));
  if (version != kCheckpointVersion)
    return "it is a checkpoint of format version " + std::to_string(version) +
           ", this cnnc reads version " + std::to_string(kCheckpointVersion);
  length = littleEndian(head.data() + kMagicBytes + 4, 8);
  std::string stated = "its header says " + std::to_string(length) +
                       " bytes, the file has " + std::to_string(fileSize);
  if (fileSize < length)
    return "truncated: " + stated;
  if (fileSize > length)
    return stated + " (trailing data, or a damaged header)";
  if (length > kCheckpointMaxBytes)
    return "it is " + std::to_string(length) +
           " bytes, more than cnnc reads (" +
           std::to_string(kCheckpointMaxBytes >> 30) + " GiB)";
  if (length < kCheckpointHeaderBytes + kCrcBytes)
    return "truncated: the file ends at byte " + std::to_string(length) +
           ", before its checksum";
  return "";
}

} // namespace

//===----------------------------------------------------------------------===//
// Public interface
//===----------------------------------------------------------------------===//

ModelIdentity Checkpoint::identity() const {
  ModelIdentity identity{signature, {}};
  for (const CheckpointTensor &tensor : parameters)
    identity.parameters.push_back({tensor.name, tensor.shape});
  return identity;
}

std::string
cnnc::parameterSignature(const std::vector<ParameterInfo> &parameters) {
  // One line per parameter, "name (d0, d1, ...)": names cannot hold a
  // newline in Keras, so the text is unambiguous.
  Md5 md5;
  for (const ParameterInfo &parameter : parameters) {
    std::string line =
        parameter.name + " " + describeShape(parameter.shape) + "\n";
    md5.update(line.data(), line.size());
  }
  return "md5:" + md5.hexDigest();
}

std::string cnnc::formatRngState(const std::mt19937_64 &rng) {
  std::ostringstream text;
  text.imbue(std::locale::classic());
  text << rng;
  return text.str();
}

bool cnnc::parseRngState(std::string_view text, std::mt19937_64 &rng) {
  std::istringstream in{std::string(text)};
  in.imbue(std::locale::classic());
  std::mt19937_64 parsed;
  in >> parsed;
  if (in.fail())
    return false;
  in >> std::ws;
  if (!in.eof())
    return false;
  rng = parsed;
  return true;
}

bool cnnc::serializeCheckpoint(const Checkpoint &checkpoint, std::string &bytes,
                               std::string &error) {
  if (!checkSerializable(checkpoint, error))
    return false;
  std::string out;
  Writer write(out);
  out.append(kCheckpointMagic, kMagicBytes);
  write.u32(kCheckpointVersion);
  write.u64(0); // the length, patched below
  write.str(checkpoint.signature);
  write.u32(uint32_t(checkpoint.parameters.size()));
  for (const CheckpointTensor &tensor : checkpoint.parameters) {
    write.str(tensor.name);
    write.shape(tensor.shape);
  }
  write.str(checkpoint.optimizer);
  write.u32(uint32_t(checkpoint.optimizerState.size()));
  for (const CheckpointTensor &tensor : checkpoint.optimizerState) {
    write.str(tensor.name);
    write.shape(tensor.shape);
    write.floats(tensor.data);
  }
  write.u64(checkpoint.step);
  write.u64(checkpoint.epoch);
  write.u64(checkpoint.seed);
  write.str(checkpoint.rngState);
  write.u32(uint32_t(checkpoint.settings.size()));
  for (const auto &[key, value] : checkpoint.settings) {
    write.str(key);
    write.str(value);
  }
  write.u32(uint32_t(checkpoint.history.series.size()));
  for (const HistorySeries &series : checkpoint.history.series) {
    write.str(series.name);
    write.u32(uint32_t(series.values.size()));
    for (double value : series.values)
      write.f64(value);
  }
  write.u32(uint32_t(checkpoint.history.epochSeconds.size()));
  for (double value : checkpoint.history.epochSeconds)
    write.f64(value);
  for (const CheckpointTensor &tensor : checkpoint.parameters)
    write.floats(tensor.data);

  uint64_t length = out.size() + kCrcBytes;
  if (length > kCheckpointMaxBytes) {
    error = "the checkpoint would be " + std::to_string(length) +
            " bytes, more than cnnc reads (" +
            std::to_string(kCheckpointMaxBytes >> 30) + " GiB)";
    return false;
  }
  for (int i = 0; i < 8; ++i)
    out[kMagicBytes + 4 + i] = char((length >> (8 * i)) & 0xFF);
  write.u32(crc32Of(out));
  bytes = std::move(out);
  return true;
}

bool cnnc::writeCheckpoint(const std::string &path,
                           const Checkpoint &checkpoint, std::string &error) {
  std::string bytes;
  if (!serializeCheckpoint(checkpoint, bytes, error)) {
    error = "cannot write '" + path + "': " + error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}

bool cnnc::parseCheckpoint(std::string_view bytes, const std::string &path,
                           const ModelIdentity *expected, Checkpoint &out,
                           std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  uint64_t length = 0;
  std::string headerProblem = checkHeader(
      bytes.substr(0, kCheckpointHeaderBytes), bytes.size(), length);
  if (!headerProblem.empty())
    return fail(headerProblem);

  size_t crcAt = bytes.size() - kCrcBytes;
  uint32_t stored = uint32_t(littleEndian(bytes.data() + crcAt, 4));
  uint32_t computed = crc32Of(bytes.substr(0, crcAt));
  if (stored != computed)
    return fail("damaged: its checksum does not match its contents (CRC-32 " +
                hex32(stored) + " stored, " + hex32(computed) + " computed)");

  Checkpoint parsed;
  std::string reason;
  if (!parseBody(
          bytes.substr(kCheckpointHeaderBytes, crcAt - kCheckpointHeaderBytes),
          expected, parsed, reason))
    return fail(reason);
  out = std::move(parsed);
  return true;
}

bool cnnc::readCheckpoint(const std::string &path,
                          const ModelIdentity *expected, Checkpoint &out,
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
  if (S_ISDIR(info.st_mode))
    return fail("it is a directory");
  if (!S_ISREG(info.st_mode))
    return fail("it is not a regular file");
  uint64_t fileSize = uint64_t(info.st_size);

  // Reads up to `size` bytes at `offset` into `into`; false on an error.
  auto readAt = [&](char *into, uint64_t size, uint64_t offset, uint64_t &got) {
    got = 0;
    while (got < size) {
      ssize_t n =
          pread(fd, into + got, size_t(size - got), off_t(offset + got));
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
  char head[kCheckpointHeaderBytes];
  uint64_t got;
  if (!readAt(head, sizeof head, 0, got))
    return fail(std::strerror(errno));
  uint64_t length = 0;
  std::string problem =
      checkHeader(std::string_view(head, size_t(got)), fileSize, length);
  if (!problem.empty())
    return fail(problem);

  std::string bytes(size_t(length), '\0');
  if (!readAt(bytes.data(), length, 0, got))
    return fail(std::strerror(errno));
  if (got != length)
    return fail("truncated: the file shrank to " + std::to_string(got) +
                " bytes while it was being read");
  return parseCheckpoint(bytes, path, expected, out, error);
}

bool cnnc::looksLikeCheckpoint(std::string_view firstBytes) {
  std::string_view magic(kCheckpointMagic, kMagicBytes);
  if (firstBytes.size() >= kMagicBytes)
    return firstBytes.substr(0, kMagicBytes) == magic;
  return !firstBytes.empty() &&
         magic.substr(0, firstBytes.size()) == firstBytes;
}

std::string cnnc::describeFileFormat(std::string_view bytes) {
  auto startsWith = [&](std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
  };
  if (bytes.empty())
    return "empty";
  if (looksLikeCheckpoint(bytes))
    return "a cnnc checkpoint";
  if (startsWith("CNNCKPT"))
    return "a cnnc checkpoint of an unknown kind";
  if (startsWith("\x93NUMPY"))
    return "a NumPy .npy file";
  if (startsWith(std::string_view("\x89HDF\r\n\x1a\n", 8)))
    return "an HDF5 file (a Keras .h5 model or weights)";
  if (startsWith(std::string_view("PK\x03\x04", 4)))
    return "a zip archive (a Keras 3 .keras model?)";
  if (startsWith("\x1f\x8b"))
    return "a gzip file";
  if (startsWith("\177ELF"))
    return "an ELF file (a program or an object)";
  if (startsWith(std::string_view("\0\0\x08\x03", 4)))
    return "an MNIST IDX images file";
  if (startsWith(std::string_view("\0\0\x08\x01", 4)))
    return "an MNIST IDX labels file";
  size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos &&
      (bytes[first] == '{' || bytes[first] == '['))
    return "JSON (a Keras or TF.js model?)";
  // Text: no control bytes but whitespace (UTF-8's bytes are >= 0x80).
  for (unsigned char c : bytes)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return "";
  return "a text file";
}
