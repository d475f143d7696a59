//===- BinaryFile.h - Little-endian files cnnc writes and reads back ------===//
//
// The pieces cnnc's own binary formats share (checkpoints,
// runtime/train/Checkpoint.h; int8 weights, runtime/quant/QuantizedWeights.h):
// a header with magic, version and the file's length, a little-endian
// body, a CRC-32 at the end. Such files come from anywhere, so reading is
// built to refuse: the header is checked against the file's size before
// anything large is allocated, and the body is read by a cursor that never
// steps past its end and checks every count and shape against what is
// left.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_BINARYFILE_H
#define CNNC_RUNTIME_SUPPORT_BINARYFILE_H

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

/// zlib's CRC-32 of `bytes`, of any length.
uint32_t crc32Of(std::string_view bytes);

/// The unsigned little-endian integer in the `size` bytes at `bytes`.
uint64_t readLittleEndian(const char *bytes, int size);

/// Whether a file that starts with `firstBytes` may be of the format whose
/// magic is `magic`: the magic itself, or a nonempty piece of its start (a
/// truncated file, which the reader then calls truncated).
bool startsWithMagic(std::string_view firstBytes, std::string_view magic);

/// The number of elements of `shape` into `count`; false for a negative
/// dimension, one above `maxDimension`, or a count above `limit`.
bool elementCount(const std::vector<int64_t> &shape, uint64_t maxDimension,
                  uint64_t limit, uint64_t &count);

/// Appends little-endian values to a string.
class ByteWriter {
public:
  explicit ByteWriter(std::string &out) : out(out) {}

  void u8(uint8_t value) { out += char(value); }
  void u32(uint32_t value) { put(value, 4); }
  void u64(uint64_t value) { put(value, 8); }
  void f32(float value);
  void f64(double value);
  /// A u32 length, then the bytes.
  void str(std::string_view text);
  /// A u32 rank, then a u64 per dimension.
  void shape(const std::vector<int64_t> &dims);
  void floats(const std::vector<float> &values);
  /// Overwrites the u64 at `offset` (a length known only at the end).
  void patchU64(size_t offset, uint64_t value);

private:
  void put(uint64_t value, int size);
  std::string &out;
};

/// What a format accepts, so that a reader refuses absurd sizes before it
/// allocates them.
struct ByteLimits {
  uint32_t maxString;
  uint32_t maxRank;
  uint64_t maxDimension;
  /// The fewest bytes an element of a shape read takes in the file: a
  /// shape must describe no more elements than what is left could hold.
  uint64_t elementBytes;
  /// The format in messages: "is N bytes long, more than <holder> holds".
  std::string_view holder;
};

/// A cursor over bytes that refuses to pass their end. Each read names
/// what it reads; the first problem met is kept in `problem()`, and every
/// read after a failure fails too.
class ByteReader {
public:
  ByteReader(std::string_view bytes, const ByteLimits &limits)
      : bytes(bytes), limits(limits) {}

  size_t left() const { return bytes.size() - pos; }
  const std::string &problem() const { return why; }

  bool u8(uint8_t &value, const std::string &what);
  bool u32(uint32_t &value, const std::string &what);
  bool u64(uint64_t &value, const std::string &what);
  bool f32(float &value, const std::string &what);
  bool f64(double &value, const std::string &what);
  bool str(std::string &text, const std::string &what);
  /// A u32 count of records each at least `minimumBytes` long, at most
  /// `cap`.
  bool count(uint32_t &value, size_t minimumBytes, const std::string &what,
             uint32_t cap = UINT32_MAX);
  /// A shape as ByteWriter::shape writes it, and its element count.
  bool shape(std::vector<int64_t> &dims, uint64_t &elements,
             const std::string &what);
  bool floats(std::vector<float> &values, uint64_t count,
              const std::string &what);
  bool raw(void *into, uint64_t size, const std::string &what);
  /// Records `reason` (unless a problem came first); returns false.
  bool fail(const std::string &reason);

private:
  bool need(uint64_t size, const std::string &what);

  std::string_view bytes;
  ByteLimits limits;
  size_t pos = 0;
  std::string why;
};

/// Why a file of `fileSize` bytes that starts with `head` is not one to
/// read, or "" with the whole file's `length` as its header states it.
using HeaderCheck = std::function<std::string(
    std::string_view head, uint64_t fileSize, uint64_t &length)>;

/// Reads a regular file whose first `headerBytes` bytes say how long it is:
/// the header first (`checkHeader` may refuse the file before anything
/// large is allocated), then the whole of it into `bytes`. On failure
/// `reason` says why, without the path.
bool readLengthCheckedFile(const std::string &path, size_t headerBytes,
                           const HeaderCheck &checkHeader, std::string &bytes,
                           std::string &reason);

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_BINARYFILE_H
