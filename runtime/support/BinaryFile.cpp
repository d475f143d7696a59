//===- BinaryFile.cpp - Little-endian files cnnc writes and reads back ----===//

#include "runtime/support/BinaryFile.h"

#include "runtime/npy/Npy.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

uint32_t cnnc::crc32Of(std::string_view bytes) {
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

uint64_t cnnc::readLittleEndian(const char *bytes, int size) {
  uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = value << 8 | uint8_t(bytes[i]);
  return value;
}

bool cnnc::startsWithMagic(std::string_view firstBytes,
                           std::string_view magic) {
  if (firstBytes.size() >= magic.size())
    return firstBytes.substr(0, magic.size()) == magic;
  return !firstBytes.empty() &&
         magic.substr(0, firstBytes.size()) == firstBytes;
}

bool cnnc::elementCount(const std::vector<int64_t> &shape,
                        uint64_t maxDimension, uint64_t limit,
                        uint64_t &count) {
  count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || uint64_t(dim) > maxDimension)
      return false;
    if (dim != 0 && count > limit / uint64_t(dim))
      return false;
    count *= uint64_t(dim);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// ByteWriter
//===----------------------------------------------------------------------===//

void ByteWriter::put(uint64_t value, int size) {
  for (int i = 0; i < size; ++i)
    out += char((value >> (8 * i)) & 0xFF);
}

void ByteWriter::f32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  u32(bits);
}

void ByteWriter::f64(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  u64(bits);
}

void ByteWriter::str(std::string_view text) {
  u32(uint32_t(text.size()));
  out.append(text);
}

void ByteWriter::shape(const std::vector<int64_t> &dims) {
  u32(uint32_t(dims.size()));
  for (int64_t dim : dims)
    u64(uint64_t(dim));
}

void ByteWriter::floats(const std::vector<float> &values) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  out.append(reinterpret_cast<const char *>(values.data()), values.size() * 4);
#else
  for (float value : values)
    f32(value);
#endif
}

void ByteWriter::patchU64(size_t offset, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    out[offset + i] = char((value >> (8 * i)) & 0xFF);
}

//===----------------------------------------------------------------------===//
// ByteReader
//===----------------------------------------------------------------------===//

bool ByteReader::fail(const std::string &reason) {
  if (why.empty())
    why = reason;
  return false;
}

bool ByteReader::need(uint64_t size, const std::string &what) {
  if (why.empty() && size <= left())
    return true;
  return fail(what + " runs past the end of the data");
}

bool ByteReader::u8(uint8_t &value, const std::string &what) {
  if (!need(1, what))
    return false;
  value = uint8_t(bytes[pos++]);
  return true;
}

bool ByteReader::u32(uint32_t &value, const std::string &what) {
  if (!need(4, what))
    return false;
  value = uint32_t(readLittleEndian(bytes.data() + pos, 4));
  pos += 4;
  return true;
}

bool ByteReader::u64(uint64_t &value, const std::string &what) {
  if (!need(8, what))
    return false;
  value = readLittleEndian(bytes.data() + pos, 8);
  pos += 8;
  return true;
}

bool ByteReader::f32(float &value, const std::string &what) {
  uint32_t bits;
  if (!u32(bits, what))
    return false;
  std::memcpy(&value, &bits, 4);
  return true;
}

bool ByteReader::f64(double &value, const std::string &what) {
  uint64_t bits;
  if (!u64(bits, what))
    return false;
  std::memcpy(&value, &bits, 8);
  return true;
}

bool ByteReader::str(std::string &text, const std::string &what) {
  uint32_t size;
  if (!u32(size, what + "'s length"))
    return false;
  if (size > limits.maxString)
    return fail(what + " is " + std::to_string(size) +
                " bytes long, more than " + std::string(limits.holder) +
                " holds");
  if (!need(size, what))
    return false;
  text.assign(bytes.data() + pos, size);
  pos += size;
  return true;
}

bool ByteReader::count(uint32_t &value, size_t minimumBytes,
                       const std::string &what, uint32_t cap) {
  if (!u32(value, what))
    return false;
  if (value > cap || uint64_t(value) * minimumBytes > left())
    return fail(what + " (" + std::to_string(value) +
                ") is more than the file can hold");
  return true;
}

bool ByteReader::shape(std::vector<int64_t> &dims, uint64_t &elements,
                       const std::string &what) {
  uint32_t rank;
  if (!u32(rank, what + "'s rank"))
    return false;
  if (rank > limits.maxRank)
    return fail(what + " has rank " + std::to_string(rank) + ", more than " +
                std::to_string(limits.maxRank));
  dims.clear();
  for (uint32_t i = 0; i < rank; ++i) {
    uint64_t dim;
    if (!u64(dim, what + "'s shape"))
      return false;
    if (dim > limits.maxDimension)
      return fail(what + " has a dimension of " + std::to_string(dim));
    dims.push_back(int64_t(dim));
  }
  if (!elementCount(dims, limits.maxDimension, left() / limits.elementBytes,
                    elements))
    return fail(what + "'s shape " + formatNpyShape(dims) +
                " has more elements than the file holds");
  return true;
}

bool ByteReader::floats(std::vector<float> &values, uint64_t count,
                        const std::string &what) {
  if (count > left() / 4 || !need(count * 4, what))
    return fail(what + " runs past the end of the data");
  values.resize(size_t(count));
  if (count == 0) // memcpy from or to a null pointer is undefined, even empty
    return true;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(values.data(), bytes.data() + pos, size_t(count) * 4);
#else
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t bits = uint32_t(readLittleEndian(bytes.data() + pos + 4 * i, 4));
    std::memcpy(&values[i], &bits, 4);
  }
#endif
  pos += size_t(count) * 4;
  return true;
}

bool ByteReader::raw(void *into, uint64_t size, const std::string &what) {
  if (!need(size, what))
    return false;
  if (size)
    std::memcpy(into, bytes.data() + pos, size_t(size));
  pos += size_t(size);
  return true;
}

//===----------------------------------------------------------------------===//
// Reading a file
//===----------------------------------------------------------------------===//

bool cnnc::readLengthCheckedFile(const std::string &path, size_t headerBytes,
                                 const HeaderCheck &checkHeader,
                                 std::string &bytes, std::string &reason) {
  auto fail = [&](const std::string &why) {
    reason = why;
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

  // Reads up to `size` bytes from the start into `into`; false on an error.
  auto readStart = [&](char *into, uint64_t size, uint64_t &got) {
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
  std::string head(headerBytes, '\0');
  uint64_t got, length = 0;
  if (!readStart(head.data(), headerBytes, got))
    return fail(std::strerror(errno));
  std::string problem =
      checkHeader(std::string_view(head.data(), size_t(got)), fileSize, length);
  if (!problem.empty())
    return fail(problem);
  bytes.assign(size_t(length), '\0');
  if (!readStart(bytes.data(), length, got))
    return fail(std::strerror(errno));
  if (got != length)
    return fail("truncated: the file shrank to " + std::to_string(got) +
                " bytes while it was being read");
  return true;
}
