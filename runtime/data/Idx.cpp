//===- Idx.cpp - MNIST's IDX files, plain or gzipped ----------------------===//
//
// zlib's gz* interface reads a gzipped file and, transparently, a plain one,
// so both forms go through the same code. The data section is read in
// chunks and the buffer only grows as bytes actually arrive: a 100-byte
// .gz whose header claims 4 GiB fails as truncated without allocating it.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Idx.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

namespace {

/// What one IDX kind looks like.
struct IdxKind {
  uint32_t magic;
  unsigned rank;
  const char *name;  // "images" / "labels", for messages
  const char *shape; // what the magic means, for messages
};

constexpr IdxKind kImages{kIdxImagesMagic, 3, "images",
                          "unsigned bytes, 3 dimensions"};
constexpr IdxKind kLabels{kIdxLabelsMagic, 1, "labels",
                          "unsigned bytes, 1 dimension"};

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

uint32_t bigEndian32(const uint8_t *bytes) {
  return uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 |
         uint32_t(bytes[2]) << 8 | uint32_t(bytes[3]);
}

/// An open IDX file, plain or gzipped, that remembers why reading stopped.
class IdxStream {
public:
  IdxStream(const std::string &path, std::string &error)
      : path(path), error(error) {}
  ~IdxStream() {
    if (file)
      gzclose(file);
    else if (fd >= 0)
      close(fd);
  }

  bool open() {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(std::strerror(errno));
    struct stat info;
    if (fstat(fd, &info) != 0)
      return fail(std::strerror(errno));
    if (S_ISDIR(info.st_mode))
      return fail("it is a directory");
    regular = S_ISREG(info.st_mode);
    fileSize = uint64_t(info.st_size);
    file = gzdopen(fd, "rb"); // owns fd from here on, even on failure
    if (!file)
      return fail("cannot open it for reading");
    gzbuffer(file, 1 << 17);
    return true;
  }

  /// Reads up to `n` bytes into `dst`; returns how many arrived. A short
  /// count is the end of the data or an error: failed() tells which.
  uint64_t read(uint8_t *dst, uint64_t n) {
    uint64_t got = 0;
    while (got < n && !streamFailed) {
      // gzread takes and returns int-sized counts.
      unsigned piece = unsigned(std::min<uint64_t>(n - got, 1u << 30));
      int count = gzread(file, dst + got, piece);
      bool streamError = checkStream();
      if (streamError || count < 0) {
        if (!streamError)
          fail("read error");
        streamFailed = true;
        break;
      }
      got += uint64_t(count);
      if (unsigned(count) < piece)
        break;
    }
    return got;
  }

  /// True when reading stopped on an error (error() is then set), not at
  /// the end of the data.
  bool failed() const { return streamFailed; }

  bool isPlain() { return gzdirect(file) == 1; }
  bool isRegular() const { return regular; }
  uint64_t size() const { return fileSize; }

  bool fail(const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  }

private:
  /// Sets the error from zlib's state; true if there was one. zlib keeps
  /// Z_BUF_ERROR for a gzip stream that ends early, which is the case a
  /// partly downloaded file hits.
  bool checkStream() {
    int code = Z_OK;
    const char *message = gzerror(file, &code);
    if (code == Z_OK)
      return false;
    if (code == Z_BUF_ERROR)
      fail("truncated gzip data (the compressed stream ends early)");
    else if (code == Z_ERRNO)
      fail(std::strerror(errno));
    else {
      // zlib prefixes its message with the file's name, "<fd:N>: " here.
      std::string text = message && *message ? message : "zlib error";
      size_t colon = text.find(">: ");
      if (text.rfind("<fd:", 0) == 0 && colon != std::string::npos)
        text.erase(0, colon + 3);
      fail("corrupt gzip data: " + text);
    }
    return true;
  }

  const std::string &path;
  std::string &error;
  int fd = -1;
  gzFile file = nullptr;
  bool regular = false, streamFailed = false;
  uint64_t fileSize = 0;
};

/// Reads the header and data of an IDX file of `kind`. `dims` receives the
/// dimensions, `data` the bytes.
bool readIdx(const std::string &path, const IdxKind &kind,
             std::vector<uint32_t> &dims, std::vector<uint8_t> &data,
             std::string &error) {
  IdxStream stream(path, error);
  if (!stream.open())
    return false;

  // The header: magic, then one 32-bit size per dimension.
  uint64_t headerBytes = 4 + 4 * uint64_t(kind.rank);
  uint8_t header[16];
  uint64_t got = stream.read(header, 4);
  if (stream.failed())
    return false;
  auto truncatedHeader = [&](uint64_t have) {
    return stream.fail("truncated: the file ends after " +
                       std::to_string(have) + " bytes, inside the " +
                       std::to_string(headerBytes) + "-byte IDX " + kind.name +
                       " header");
  };
  if (got < 4)
    return truncatedHeader(got);
  uint32_t magic = bigEndian32(header);
  if (magic != kind.magic) {
    const IdxKind &other = &kind == &kImages ? kLabels : kImages;
    if (magic == other.magic)
      return stream.fail(std::string("it is an IDX ") + other.name +
                         " file (magic " + hex32(magic) + "), not " +
                         kind.name + " (" + hex32(kind.magic) + ")");
    return stream.fail("bad magic " + hex32(magic) + ": IDX " + kind.name +
                       " files start with " + hex32(kind.magic) + " (" +
                       kind.shape + ")");
  }
  got += stream.read(header + 4, headerBytes - 4);
  if (stream.failed())
    return false;
  if (got < headerBytes)
    return truncatedHeader(got);
  dims.clear();
  for (unsigned i = 0; i < kind.rank; ++i)
    dims.push_back(bigEndian32(header + 4 + 4 * i));

  // Sizes, bounded before they are multiplied: count < 2^32 and each side
  // <= 2^15, so the product stays below 2^62.
  std::string what;
  uint64_t dataBytes = dims[0];
  if (dims[0] == 0)
    return stream.fail(std::string("its header says it holds no ") + kind.name);
  if (kind.rank == 3) {
    std::string size = std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
    if (dims[1] == 0 || dims[2] == 0)
      return stream.fail("its header says the images are " + size + " pixels");
    if (dims[1] > kIdxMaxImageSide || dims[2] > kIdxMaxImageSide)
      return stream.fail("images of " + size + " pixels are larger than " +
                         "cnnc reads (" + std::to_string(kIdxMaxImageSide) +
                         " a side)");
    dataBytes *= uint64_t(dims[1]) * dims[2];
    what = std::to_string(dims[0]) + " images of " + size;
  } else {
    what = std::to_string(dims[0]) + " labels";
  }
  if (dataBytes > kIdxMaxDataBytes)
    return stream.fail(what + " are " + std::to_string(dataBytes) +
                       " bytes, more than cnnc reads (" +
                       std::to_string(kIdxMaxDataBytes >> 30) + " GiB)");

  // The length must be exactly header + data.
  uint64_t total = headerBytes + dataBytes;
  bool plain = stream.isPlain();
  // `actual` is the length found, or empty for "more than promised".
  auto badLength = [&](std::optional<uint64_t> actual) {
    bool shorter = actual && *actual < total;
    std::string found = actual ? std::to_string(*actual) : "more";
    return stream.fail(std::string(shorter ? "truncated" : "too long") +
                       ": the header promises " + what + ", " +
                       std::to_string(total) + " bytes in all, but the file " +
                       (plain ? "has " : "decompresses to ") + found);
  };
  // A plain file's length is known up front: check it before allocating.
  if (plain && stream.isRegular() && stream.size() != total)
    return badLength(stream.size());

  // Grow the buffer only as data arrives (see the file comment), unless
  // the length is already known to be right.
  constexpr uint64_t kChunk = uint64_t(16) << 20;
  bool lengthChecked = plain && stream.isRegular();
  data.clear();
  uint64_t have = 0;
  while (have < dataBytes) {
    uint64_t want =
        lengthChecked ? dataBytes - have : std::min(kChunk, dataBytes - have);
    data.resize(size_t(have + want));
    uint64_t arrived = stream.read(data.data() + have, want);
    have += arrived;
    if (stream.failed())
      return false;
    if (arrived < want)
      return badLength(headerBytes + have);
  }
  uint8_t extra;
  if (stream.read(&extra, 1) != 0)
    return badLength(lengthChecked ? std::optional<uint64_t>(stream.size())
                                   : std::nullopt);
  if (stream.failed())
    return false;
  return true;
}

} // namespace

bool cnnc::readIdxImages(const std::string &path, IdxImages &out,
                         std::string &error) {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> pixels;
  if (!readIdx(path, kImages, dims, pixels, error))
    return false;
  out.count = dims[0];
  out.rows = dims[1];
  out.cols = dims[2];
  out.pixels = std::move(pixels);
  return true;
}

bool cnnc::readIdxLabels(const std::string &path, std::vector<uint8_t> &out,
                         std::string &error) {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> labels;
  if (!readIdx(path, kLabels, dims, labels, error))
    return false;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= kIdxClasses) {
      error = "cannot read '" + path + "': label " + std::to_string(labels[i]) +
              " at index " + std::to_string(i) + " is not a class 0-" +
              std::to_string(kIdxClasses - 1);
      return false;
    }
  }
  out = std::move(labels);
  return true;
}
