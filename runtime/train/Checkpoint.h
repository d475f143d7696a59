//===- Checkpoint.h - Training checkpoints (--save, --resume) ---*- C++ -*-===//
//
// Everything `cnnc train` needs to continue a run exactly where it stopped,
// and everything `cnnc eval` / `cnnc predict --weights` need to use the
// weights. The format, version 1; integers and floats little-endian, a
// "str" is a u32 byte count then the bytes, a "shape" is a u32 rank (at most
// 8) then that many u64 dimensions:
//
//   magic      8 bytes "CNNCKPT1"
//   version    u32 = 1
//   length     u64, the whole file's size in bytes
//   signature  str, the model's signature, as the caller computes it
//   parameters u32 count, then per parameter: name str, shape
//   optimizer  str ("adam", "sgd", "rmsprop", ...)
//   state      u32 count, then per tensor: name str, shape, f32 data
//   step       u64, optimizer steps taken (Adam's `iterations`)
//   epoch      u64, epochs completed
//   seed       u64, the run's seed
//   rng        str, a std::mt19937_64 state as its operator<< writes it
//   settings   u32 count, then per setting: key str, value str
//   history    u32 count, then per series: name str, u32 n, n f64;
//              then u32 n, n f64 epoch seconds
//   data       each parameter's f32 elements, in the order listed above
//   crc        u32, CRC-32 (zlib's) of every byte before it
//
// The parameter list (names and shapes) sits ahead of the data so that a
// checkpoint of another model is refused naming the first parameter that
// differs, not with an opaque hash mismatch.
//
// The reader trusts nothing: it checks the magic (and says what the file
// looks like when it is not a checkpoint: a .npy, an HDF5 file, JSON, ...),
// the version, and that the stated length is the file's length, all from
// the first 20 bytes; only then does it read the file, whose size is now
// known and capped, and check the CRC, which catches any truncation or any
// damage to a single byte. Every count, length and shape is then checked
// against what is left of the file, with caps, before it is used, so even a
// crafted file with a valid CRC cannot cause an overflow or a large
// allocation. Every refusal is one line: "cannot read '<path>': <reason>".
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_CHECKPOINT_H
#define CNNC_RUNTIME_TRAIN_CHECKPOINT_H

#include "runtime/train/History.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cnnc {

constexpr char kCheckpointMagic[] = "CNNCKPT1"; // 8 bytes, no terminator
constexpr uint32_t kCheckpointVersion = 1;
/// magic + version + length: what the reader checks before reading on.
constexpr size_t kCheckpointHeaderBytes = 20;

/// Caps: far beyond any model cnnc compiles, far below any overflow.
constexpr uint64_t kCheckpointMaxBytes = uint64_t(1) << 34; // 16 GiB
constexpr uint32_t kCheckpointMaxString = uint32_t(1) << 20;
constexpr uint32_t kCheckpointMaxRank = 8;
constexpr uint32_t kCheckpointMaxTensors = uint32_t(1) << 20;
/// Settings, and history series.
constexpr uint32_t kCheckpointMaxEntries = uint32_t(1) << 16;
constexpr uint32_t kCheckpointMaxEpochs = uint32_t(1) << 24;

/// A named float32 tensor, row-major.
struct CheckpointTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// A parameter's name and shape: what identifies a model's weights.
struct ParameterInfo {
  std::string name;
  std::vector<int64_t> shape;

  bool operator==(const ParameterInfo &other) const {
    return name == other.name && shape == other.shape;
  }
};

/// What a checkpoint must match to be loaded into a model.
struct ModelIdentity {
  std::string signature;
  std::vector<ParameterInfo> parameters; // Keras order
};

struct Checkpoint {
  std::string signature;
  std::vector<CheckpointTensor> parameters; // Keras order
  std::string optimizer;
  /// Any number of named tensors: Adam's m and v, momentum buffers, ...
  std::vector<CheckpointTensor> optimizerState;
  uint64_t step = 0;  // optimizer steps taken
  uint64_t epoch = 0; // epochs completed: a resumed run starts at this one
  uint64_t seed = 0;
  std::string rngState; // formatRngState(), or empty
  /// Anything else the caller wants to check on resume (batch size,
  /// validation split, dataset, ...), as key/value text.
  std::vector<std::pair<std::string, std::string>> settings;
  History history;

  /// The names and shapes of the parameters.
  ModelIdentity identity() const;
};

/// A signature for `parameters`: "md5:" and the MD5 of their names and
/// shapes. Callers may use any string; this one is a reasonable default.
std::string parameterSignature(const std::vector<ParameterInfo> &parameters);

/// A generator's state as text, and back. parseRngState fails (leaving
/// `rng` alone) unless `text` is exactly one state.
std::string formatRngState(const std::mt19937_64 &rng);
bool parseRngState(std::string_view text, std::mt19937_64 &rng);

/// The bytes of `checkpoint`. Fails, with `error` set, when the checkpoint
/// could not be read back: a tensor whose data does not match its shape, a
/// negative dimension, a string, rank or count over the caps.
bool serializeCheckpoint(const Checkpoint &checkpoint, std::string &bytes,
                         std::string &error);

/// Serializes `checkpoint` and writes it to `path` atomically.
bool writeCheckpoint(const std::string &path, const Checkpoint &checkpoint,
                     std::string &error);

/// Reads the checkpoint at `path`. With `expected`, refuses a checkpoint
/// whose parameters (names, shapes, order) or signature differ, naming the
/// first parameter that differs. On failure returns false, leaves `out`
/// alone and sets `error` to one line, "cannot read '<path>': <reason>".
bool readCheckpoint(const std::string &path, const ModelIdentity *expected,
                    Checkpoint &out, std::string &error);

/// readCheckpoint on bytes already in memory; `path` names them in errors.
bool parseCheckpoint(std::string_view bytes, const std::string &path,
                     const ModelIdentity *expected, Checkpoint &out,
                     std::string &error);

/// Format sniffing: true when `firstBytes` (a file's first 8 bytes or more)
/// start with the checkpoint magic, or are a shorter, non-empty prefix of it
/// (a truncated checkpoint is best reported by the checkpoint reader).
bool looksLikeCheckpoint(std::string_view firstBytes);

/// What a file that starts with `firstBytes` looks like, for messages: "a
/// NumPy .npy file", "an HDF5 file (a Keras .h5 model or weights)",
/// "JSON (a Keras or TF.js model)", "a cnnc checkpoint", "empty", ...
std::string describeFileFormat(std::string_view firstBytes);

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_CHECKPOINT_H
