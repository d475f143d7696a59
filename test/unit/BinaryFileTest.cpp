//===- BinaryFileTest.cpp - The byte cursor cnnc's binary formats share ---===//
//
// What checkpoints and int8 weight files rely on when they read a file
// from anywhere: values come back as written, little-endian; no read
// passes the end; counts and shapes are checked against what is left
// before anything is allocated; the first problem is the one reported.
//
//===----------------------------------------------------------------------===//

#include "runtime/support/BinaryFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace cnnc;

namespace {

const ByteLimits kTestLimits{/*maxString=*/8, /*maxRank=*/3,
                             /*maxDimension=*/1000, /*elementBytes=*/4,
                             "a test file"};

TEST(BinaryFileTest, ValuesComeBackAsWrittenLittleEndian) {
  std::string bytes;
  ByteWriter out(bytes);
  out.u8(7);
  out.u32(0x01020304);
  out.u64(0x0102030405060708ull);
  out.f32(-1.5f);
  out.f64(0.1);
  out.str("abc");
  out.shape({2, 3});
  out.floats({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f});
  EXPECT_EQ(bytes.substr(1, 4), std::string("\x04\x03\x02\x01", 4));

  ByteReader in(bytes, kTestLimits);
  uint8_t u8;
  uint32_t u32;
  uint64_t u64, elements;
  float f32;
  double f64;
  std::string text;
  std::vector<int64_t> dims;
  std::vector<float> values;
  ASSERT_TRUE(in.u8(u8, "a") && in.u32(u32, "b") && in.u64(u64, "c") &&
              in.f32(f32, "d") && in.f64(f64, "e") && in.str(text, "f") &&
              in.shape(dims, elements, "g") && in.floats(values, elements, "h"))
      << in.problem();
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(u32, 0x01020304u);
  EXPECT_EQ(u64, 0x0102030405060708ull);
  EXPECT_EQ(f32, -1.5f);
  EXPECT_EQ(f64, 0.1);
  EXPECT_EQ(text, "abc");
  EXPECT_EQ(dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(in.left(), 0u);
}

TEST(BinaryFileTest, PatchesTheLengthInPlace) {
  std::string bytes = "MAGIC";
  ByteWriter out(bytes);
  out.u64(0);
  out.u32(9);
  out.patchU64(5, bytes.size());
  ByteReader in(std::string_view(bytes).substr(5), kTestLimits);
  uint64_t length;
  ASSERT_TRUE(in.u64(length, "the length"));
  EXPECT_EQ(length, 17u);
}

TEST(BinaryFileTest, NoReadPassesTheEnd) {
  std::string bytes("\x05\x00\x00", 3);
  ByteReader in(bytes, kTestLimits);
  uint32_t value;
  EXPECT_FALSE(in.u32(value, "the count"));
  EXPECT_EQ(in.problem(), "the count runs past the end of the data");
  // The first problem stays, and reads after it fail.
  uint8_t byte;
  EXPECT_FALSE(in.u8(byte, "a byte"));
  EXPECT_EQ(in.problem(), "the count runs past the end of the data");
}

TEST(BinaryFileTest, RefusesLongStringsBeforeReadingThem) {
  std::string bytes;
  ByteWriter(bytes).str("nine byte");
  std::string text;
  ByteReader in(bytes, kTestLimits);
  EXPECT_FALSE(in.str(text, "the name"));
  EXPECT_EQ(in.problem(),
            "the name is 9 bytes long, more than a test file holds");
}

TEST(BinaryFileTest, CountsAreCheckedAgainstWhatIsLeft) {
  std::string bytes;
  ByteWriter out(bytes);
  out.u32(3);
  out.u64(0); // 8 bytes left: room for 2 records of 4 bytes, not 3
  uint32_t count;
  ByteReader tooMany(bytes, kTestLimits);
  EXPECT_FALSE(tooMany.count(count, 4, "the records"));
  EXPECT_EQ(tooMany.problem(),
            "the records (3) is more than the file can hold");
  ByteReader capped(bytes, kTestLimits);
  EXPECT_FALSE(capped.count(count, 1, "the records", /*cap=*/2));
  ByteReader fits(bytes, kTestLimits);
  EXPECT_TRUE(fits.count(count, 2, "the records"));
  EXPECT_EQ(count, 3u);
}

TEST(BinaryFileTest, ShapesAreCheckedBeforeAllocation) {
  auto shapeProblem = [](const std::vector<int64_t> &dims, size_t payload) {
    std::string bytes;
    ByteWriter(bytes).shape(dims);
    bytes.append(payload, '\0');
    ByteReader in(bytes, kTestLimits);
    std::vector<int64_t> read;
    uint64_t elements;
    in.shape(read, elements, "t");
    return in.problem();
  };
  EXPECT_EQ(shapeProblem({2, 2}, 16), "");
  EXPECT_EQ(shapeProblem({2, 3}, 16),
            "t's shape (2, 3) has more elements than the file holds");
  EXPECT_EQ(shapeProblem({1, 1, 1, 1}, 4), "t has rank 4, more than 3");
  EXPECT_EQ(shapeProblem({1001}, 4), "t has a dimension of 1001");
  // A product that would overflow 64 bits is refused, not wrapped.
  EXPECT_EQ(shapeProblem({1000, 1000, 1000}, 4),
            "t's shape (1000, 1000, 1000) has more elements than the file "
            "holds");
}

TEST(BinaryFileTest, ElementCountRefusesNegativeAndHugeShapes) {
  uint64_t count;
  EXPECT_TRUE(elementCount({3, 0, 5}, 10, 100, count));
  EXPECT_EQ(count, 0u);
  EXPECT_FALSE(elementCount({-1}, 10, 100, count));
  EXPECT_FALSE(elementCount({11}, 10, 100, count));
  EXPECT_FALSE(elementCount({10, 10, 2}, 10, 100, count));
  EXPECT_TRUE(elementCount({10, 10}, 10, 100, count));
}

TEST(BinaryFileTest, MagicPrefixesAreTruncatedFilesOfTheFormat) {
  EXPECT_TRUE(startsWithMagic("CNNCKPT1 and more", "CNNCKPT1"));
  EXPECT_TRUE(startsWithMagic("CNNC", "CNNCKPT1"));
  EXPECT_FALSE(startsWithMagic("", "CNNCKPT1"));
  EXPECT_FALSE(startsWithMagic("CNNCQNT1", "CNNCKPT1"));
}

TEST(BinaryFileTest, CrcIsZlibs) {
  // The CRC-32 check value of "123456789".
  EXPECT_EQ(crc32Of("123456789"), 0xCBF43926u);
}

TEST(BinaryFileTest, ReadsTheHeaderFirstThenTheStatedLength) {
  std::string path = ::testing::TempDir() + "/binary-file-test";
  {
    std::ofstream file(path, std::ios::binary);
    file << "HDR" << char(9) << "-payload";
  }
  auto statedLength = [](std::string_view head, uint64_t fileSize,
                         uint64_t &length) -> std::string {
    if (head.size() < 4 || head.substr(0, 3) != "HDR")
      return "bad header";
    length = uint8_t(head[3]);
    return length == fileSize ? "" : "wrong length";
  };
  std::string bytes, reason;
  EXPECT_FALSE(readLengthCheckedFile(path, 4, statedLength, bytes, reason));
  EXPECT_EQ(reason, "wrong length");
  {
    std::ofstream file(path, std::ios::binary);
    file << "HDR" << char(9) << "12345";
  }
  ASSERT_TRUE(readLengthCheckedFile(path, 4, statedLength, bytes, reason))
      << reason;
  EXPECT_EQ(bytes, std::string("HDR\x09") + "12345");
  EXPECT_FALSE(readLengthCheckedFile(::testing::TempDir(), 4, statedLength,
                                     bytes, reason));
  EXPECT_EQ(reason, "it is a directory");
  std::remove(path.c_str());
}

} // namespace
