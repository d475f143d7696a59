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
#include "runtime/support/BinaryFile.h"
#include "runtime/support/Md5.h"

#include <algorithm>
#include <cstring>
#include <locale>
#include <sstream>

using namespace cnnc;

namespace {

constexpr size_t kMagicBytes = 8;
constexpr size_t kCrcBytes = 4;
constexpr uint64_t kMaxDimension = uint64_t(1) << 40;

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

const ByteLimits kLimits{kCheckpointMaxString, kCheckpointMaxRank,
                         kMaxDimension, /*elementBytes=*/4, "a checkpoint"};

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
        !elementCount(tensor.shape, kMaxDimension, kCheckpointMaxBytes / 4,
                      count)) {
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
  ByteReader in(body, kLimits);
  auto malformed = [&] {
    reason = "malformed: " + in.problem();
    return false;
  };

  if (!in.str(out.signature, "the signature"))
    return malformed();
  uint32_t parameterCount;
  // A parameter's entry is at least a name length and a rank.
  if (!in.count(parameterCount, 8, "the number of parameters",
                kCheckpointMaxTensors))
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
  if (!in.count(stateCount, 8, "the number of optimizer state tensors",
                kCheckpointMaxTensors))
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
  if (!in.count(settingCount, 8, "the number of settings",
                kCheckpointMaxEntries))
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
    if (!in.count(n, 8, what + "'s length", kCheckpointMaxEpochs))
      return false;
    values.resize(n);
    for (double &value : values)
      if (!in.f64(value, what))
        return false;
    return true;
  };
  uint32_t seriesCount;
  if (!in.count(seriesCount, 8, "the number of history series",
                kCheckpointMaxEntries))
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
  uint32_t version = uint32_t(readLittleEndian(head.data() + kMagicBytes, 4));
  if (version != kCheckpointVersion)
    return "it is a checkpoint of format version " + std::to_string(version) +
           ", this cnnc reads version " + std::to_string(kCheckpointVersion);
  length = readLittleEndian(head.data() + kMagicBytes + 4, 8);
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
  ByteWriter write(out);
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
  write.patchU64(kMagicBytes + 4, length);
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
  uint32_t stored = uint32_t(readLittleEndian(bytes.data() + crcAt, 4));
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
  std::string bytes, reason;
  if (!readLengthCheckedFile(path, kCheckpointHeaderBytes, checkHeader, bytes,
                             reason))
    return fail(reason);
  return parseCheckpoint(bytes, path, expected, out, error);
}

bool cnnc::looksLikeCheckpoint(std::string_view firstBytes) {
  return startsWithMagic(firstBytes,
                         std::string_view(kCheckpointMagic, kMagicBytes));
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
