//===- IdxTest.cpp - The IDX reader (MNIST's files) -----------------------===//
//
// Fixtures are built byte by byte from the format (LeCun's page: a
// big-endian magic 0x000008NN, NN big-endian sizes, the bytes), and gzipped
// here with zlib's deflate, not through the reader's own code. Every refusal
// is checked with its exact message: users see these lines.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Idx.h"

#include "ScratchDirTest.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

namespace {

//===----------------------------------------------------------------------===//
// Building IDX bytes by hand
//===----------------------------------------------------------------------===//

std::string bigEndian(uint32_t value) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes += char((value >> shift) & 0xFF);
  return bytes;
}

/// A header (`magic`, `dims`) followed by `data`.
std::string idx(uint32_t magic, const std::vector<uint32_t> &dims,
                const std::string &data) {
  std::string bytes = bigEndian(magic);
  for (uint32_t dim : dims)
    bytes += bigEndian(dim);
  return bytes + data;
}

/// `count` images of rows x cols whose pixel k of image i is (i * 7 + k)
/// mod 256, so that any misplaced byte shows.
std::string imagesFile(uint32_t count, uint32_t rows, uint32_t cols) {
  std::string data;
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t k = 0; k < rows * cols; ++k)
      data += char((i * 7 + k) & 0xFF);
  return idx(kIdxImagesMagic, {count, rows, cols}, data);
}

std::string labelsFile(const std::string &labels) {
  return idx(kIdxLabelsMagic, {uint32_t(labels.size())}, labels);
}

/// `bytes` as one gzip member (deflate with a gzip wrapper), as gzip(1)
/// writes it.
std::string gzip(const std::string &bytes) {
  z_stream stream{};
  EXPECT_EQ(
      deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&stream, bytes.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  stream.avail_in = uInt(bytes.size());
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

//===----------------------------------------------------------------------===//
// A scratch directory per test
//===----------------------------------------------------------------------===//

class IdxTest : public cnnc::test::ScratchDirTest {
protected:
  using ScratchDirTest::put;
  std::string put(const std::string &bytes) { return put(bytes, "x"); }

  /// The reason readIdxImages gives for `bytes` after "cannot read
  /// '<path>': " ("" if it reads them).
  std::string imagesReason(const std::string &bytes) {
    std::string path = put(bytes);
    IdxImages images;
    std::string error;
    if (readIdxImages(path, images, error))
      return "";
    return stripPrefix(error, path);
  }

  std::string labelsReason(const std::string &bytes) {
    std::string path = put(bytes);
    std::vector<uint8_t> labels;
    std::string error;
    if (readIdxLabels(path, labels, error))
      return "";
    return stripPrefix(error, path);
  }

  static std::string stripPrefix(const std::string &error,
                                 const std::string &path) {
    std::string prefix = "cannot read '" + path + "': ";
    if (error.compare(0, prefix.size(), prefix) != 0)
      return "<no prefix> " + error;
    return error.substr(prefix.size());
  }
};

//===----------------------------------------------------------------------===//
// Good files
//===----------------------------------------------------------------------===//

TEST_F(IdxTest, ReadsImagesPlainAndGzipped) {
  std::string file = imagesFile(3, 4, 5);
  for (const std::string &bytes : {file, gzip(file)}) {
    IdxImages images;
    std::string error;
    ASSERT_TRUE(readIdxImages(put(bytes), images, error)) << error;
    EXPECT_EQ(images.count, 3);
    EXPECT_EQ(images.rows, 4);
    EXPECT_EQ(images.cols, 5);
    EXPECT_EQ(images.pixelsPerImage(), 20);
    ASSERT_EQ(images.pixels.size(), 60u);
    EXPECT_EQ(std::string(images.pixels.begin(), images.pixels.end()),
              file.substr(16));
    EXPECT_EQ(images.image(2)[1], uint8_t(2 * 7 + 1));
  }
}

TEST_F(IdxTest, ReadsLabelsPlainAndGzipped) {
  std::string file = labelsFile(std::string("\x00\x09\x05\x03", 4));
  for (const std::string &bytes : {file, gzip(file)}) {
    std::vector<uint8_t> labels;
    std::string error;
    ASSERT_TRUE(readIdxLabels(put(bytes), labels, error)) << error;
    EXPECT_EQ(labels, (std::vector<uint8_t>{0, 9, 5, 3}));
  }
}

TEST_F(IdxTest, ReadsAFileLargerThanOneReadChunk) {
  // 17 MiB of pixels: more than the reader's 16 MiB chunk, so the gzip path
  // grows its buffer at least twice.
  std::string file = imagesFile(17 * 1024, 32, 32);
  IdxImages images;
  std::string error;
  ASSERT_TRUE(readIdxImages(put(gzip(file)), images, error)) << error;
  EXPECT_EQ(images.count, 17 * 1024);
  EXPECT_TRUE(std::string(images.pixels.begin(), images.pixels.end()) ==
              file.substr(16));
}

//===----------------------------------------------------------------------===//
// Every error, with its message
//===----------------------------------------------------------------------===//

TEST_F(IdxTest, NamesTheSystemsReasonWhenTheFileCannotBeOpened) {
  IdxImages images;
  std::string error;
  EXPECT_FALSE(readIdxImages(pathOf("missing"), images, error));
  EXPECT_EQ(error, "cannot read '" + pathOf("missing") +
                       "': No such file or directory");
  EXPECT_FALSE(readIdxImages(dir, images, error));
  EXPECT_EQ(error, "cannot read '" + dir + "': it is a directory");
}

TEST_F(IdxTest, RefusesAWrongMagic) {
  EXPECT_EQ(imagesReason(idx(0x00000802, {1, 1, 1}, "x")),
            "bad magic 0x00000802: IDX images files start with 0x00000803 "
            "(unsigned bytes, 3 dimensions)");
  // Little-endian, as a careless writer might produce.
  EXPECT_EQ(imagesReason(idx(0x03080000, {1, 1, 1}, "x")),
            "bad magic 0x03080000: IDX images files start with 0x00000803 "
            "(unsigned bytes, 3 dimensions)");
  // Floats (type 0x0D) are IDX, but not what MNIST holds.
  EXPECT_EQ(labelsReason(idx(0x00000D01, {1}, "xxxx")),
            "bad magic 0x00000D01: IDX labels files start with 0x00000801 "
            "(unsigned bytes, 1 dimension)");
  EXPECT_EQ(imagesReason("PK\x03\x04 a zip file"),
            "bad magic 0x504B0304: IDX images files start with 0x00000803 "
            "(unsigned bytes, 3 dimensions)");
}

TEST_F(IdxTest, SaysWhenImagesAndLabelsAreSwapped) {
  EXPECT_EQ(imagesReason(labelsFile("\x01")),
            "it is an IDX labels file (magic 0x00000801), not images "
            "(0x00000803)");
  EXPECT_EQ(labelsReason(imagesFile(1, 2, 2)),
            "it is an IDX images file (magic 0x00000803), not labels "
            "(0x00000801)");
}

TEST_F(IdxTest, RefusesATruncatedHeader) {
  EXPECT_EQ(imagesReason(""), "truncated: the file ends after 0 bytes, "
                              "inside the 16-byte IDX images header");
  EXPECT_EQ(imagesReason(imagesFile(1, 1, 1).substr(0, 10)),
            "truncated: the file ends after 10 bytes, inside the 16-byte IDX "
            "images header");
  EXPECT_EQ(
      labelsReason(gzip(bigEndian(kIdxLabelsMagic) + std::string(2, '\0'))),
      "truncated: the file ends after 6 bytes, inside the 8-byte IDX "
      "labels header");
}

TEST_F(IdxTest, RefusesEmptyAndImpossibleSizes) {
  EXPECT_EQ(imagesReason(idx(kIdxImagesMagic, {0, 28, 28}, "")),
            "its header says it holds no images");
  EXPECT_EQ(labelsReason(idx(kIdxLabelsMagic, {0}, "")),
            "its header says it holds no labels");
  EXPECT_EQ(imagesReason(idx(kIdxImagesMagic, {5, 0, 28}, "")),
            "its header says the images are 0x28 pixels");
  EXPECT_EQ(imagesReason(idx(kIdxImagesMagic, {5, 28, 40000}, "")),
            "images of 28x40000 pixels are larger than cnnc reads (32768 a "
            "side)");
  // Each size allowed, their product not: refused before any allocation.
  EXPECT_EQ(imagesReason(idx(kIdxImagesMagic, {0xFFFFFFFF, 32768, 32768}, "")),
            "4294967295 images of 32768x32768 are " +
                std::to_string(uint64_t(0xFFFFFFFF) << 30) +
                " bytes, more than cnnc reads (4 GiB)");
  EXPECT_EQ(imagesReason(gzip(idx(kIdxImagesMagic, {5, 32768, 32768}, ""))),
            "5 images of 32768x32768 are 5368709120 bytes, more than cnnc "
            "reads (4 GiB)");
}

TEST_F(IdxTest, RefusesAFileWhoseLengthDisagreesWithItsHeader) {
  std::string file = imagesFile(3, 2, 2); // 16 + 12 bytes
  EXPECT_EQ(imagesReason(file.substr(0, 27)),
            "truncated: the header promises 3 images of 2x2, 28 bytes in all, "
            "but the file has 27");
  EXPECT_EQ(imagesReason(file.substr(0, 16)),
            "truncated: the header promises 3 images of 2x2, 28 bytes in all, "
            "but the file has 16");
  EXPECT_EQ(imagesReason(file + "!"),
            "too long: the header promises 3 images of 2x2, 28 bytes in all, "
            "but the file has 29");
  EXPECT_EQ(imagesReason(gzip(file.substr(0, 20))),
            "truncated: the header promises 3 images of 2x2, 28 bytes in all, "
            "but the file decompresses to 20");
  EXPECT_EQ(imagesReason(gzip(file + "!!")),
            "too long: the header promises 3 images of 2x2, 28 bytes in all, "
            "but the file decompresses to more");
  EXPECT_EQ(labelsReason(labelsFile("\x01\x02").substr(0, 9)),
            "truncated: the header promises 2 labels, 10 bytes in all, but "
            "the file has 9");
}

TEST_F(IdxTest, RefusesDamagedGzipData) {
  std::string packed = gzip(imagesFile(3, 2, 2));
  EXPECT_EQ(imagesReason(packed.substr(0, packed.size() - 3)),
            "truncated gzip data (the compressed stream ends early)");
  // The last 8 bytes are the CRC-32 and the length of the data.
  std::string badCrc = packed;
  badCrc[badCrc.size() - 8] ^= 1;
  EXPECT_EQ(imagesReason(badCrc), "corrupt gzip data: incorrect data check");
  std::string badLength = packed;
  badLength[badLength.size() - 4] ^= 1;
  EXPECT_EQ(imagesReason(badLength),
            "corrupt gzip data: incorrect length check");
}

TEST_F(IdxTest, RefusesLabelsThatAreNotClasses) {
  EXPECT_EQ(labelsReason(labelsFile(std::string("\x00\x09\x0a", 3))),
            "label 10 at index 2 is not a class 0-9");
  EXPECT_EQ(labelsReason(gzip(labelsFile("\xff"))),
            "label 255 at index 0 is not a class 0-9");
}

//===----------------------------------------------------------------------===//
// Hostile input
//===----------------------------------------------------------------------===//

TEST_F(IdxTest, EveryTruncationIsAnError) {
  std::string images = imagesFile(2, 3, 3), labels = labelsFile("\x01\x02\x03");
  for (const std::string &file : {images, gzip(images)})
    for (size_t size = 0; size < file.size(); ++size)
      EXPECT_NE(imagesReason(file.substr(0, size)), "")
          << "a prefix of " << size << " bytes was accepted";
  for (const std::string &file : {labels, gzip(labels)})
    for (size_t size = 0; size < file.size(); ++size)
      EXPECT_NE(labelsReason(file.substr(0, size)), "")
          << "a prefix of " << size << " bytes was accepted";
}

TEST_F(IdxTest, EveryFlippedByteOfAGzippedFileIsReadOrRefusedCleanly) {
  std::string packed = gzip(imagesFile(2, 3, 3));
  for (size_t i = 0; i < packed.size(); ++i) {
    for (int bit : {0, 7}) {
      std::string bytes = packed;
      bytes[i] ^= char(1 << bit);
      std::string reason = imagesReason(bytes);
      // Flips in the gzip header's flags or time may still read; what must
      // never happen is a crash or a message without the path.
      EXPECT_EQ(reason.rfind("<no prefix>", 0), std::string::npos) << reason;
    }
  }
}

TEST_F(IdxTest, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  auto randomBytes = [&](size_t size) {
    std::string bytes(size, '\0');
    for (char &c : bytes)
      c = char(rng());
    return bytes;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string bytes;
    switch (round % 4) {
    case 0: // anything
      bytes = randomBytes(rng() % 64);
      break;
    case 1: // a right magic, random sizes and data
      bytes = bigEndian(round % 8 < 4 ? kIdxImagesMagic : kIdxLabelsMagic) +
              randomBytes(rng() % 64);
      break;
    case 2: // small plausible sizes, random data of a nearly right length
      bytes =
          idx(kIdxImagesMagic,
              {uint32_t(rng() % 4), uint32_t(rng() % 4), uint32_t(rng() % 4)},
              randomBytes(rng() % 40));
      break;
    case 3: // the same, gzipped
      bytes = gzip(
          idx(round % 8 < 4 ? kIdxImagesMagic : kIdxLabelsMagic,
              {uint32_t(rng() % 4), uint32_t(rng() % 4), uint32_t(rng() % 4)},
              randomBytes(rng() % 40)));
      break;
    }
    std::string images = imagesReason(bytes), labels = labelsReason(bytes);
    EXPECT_EQ(images.rfind("<no prefix>", 0), std::string::npos) << images;
    EXPECT_EQ(labels.rfind("<no prefix>", 0), std::string::npos) << labels;
  }
}

} // namespace
