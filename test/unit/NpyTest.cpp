//===- NpyTest.cpp - The .npy reader and writer ---------------------------===//
//
// Fixtures are built byte by byte from numpy's format rules
// (numpy/lib/format.py), not by cnnc's writer, so that the reader is checked
// against the format and not against itself. Every refusal is checked with
// its exact message: users see these lines.
//
//===----------------------------------------------------------------------===//

#include "runtime/npy/Npy.h"

#include "ScratchDirTest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace cnnc;

namespace {

//===----------------------------------------------------------------------===//
// Building .npy bytes by hand
//===----------------------------------------------------------------------===//

/// The little-endian bytes of `values`.
std::string floatBytes(const std::vector<float> &values) {
  std::string bytes;
  for (float value : values) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    for (int i = 0; i < 4; ++i)
      bytes += char((bits >> (8 * i)) & 0xFF);
  }
  return bytes;
}

/// A .npy file: magic, `major`.0, the header length, `header` as given
/// (no padding added), then `data`.
std::string rawNpy(int major, const std::string &header,
                   const std::string &data) {
  std::string bytes = "\x93NUMPY";
  bytes += char(major);
  bytes += char(0);
  int lengthBytes = major == 1 ? 2 : 4;
  for (int i = 0; i < lengthBytes; ++i)
    bytes += char((header.size() >> (8 * i)) & 0xFF);
  return bytes + header + data;
}

/// `dict` padded as numpy pads it: spaces, then a newline, so that the
/// data starts at a multiple of `align` (64 since numpy 1.14, 16 before).
std::string padded(int major, std::string dict, size_t align = 64) {
  size_t preamble = major == 1 ? 10 : 12;
  dict.append(align - (preamble + dict.size() + 1) % align, ' ');
  return dict + '\n';
}

/// What numpy >= 1.24 writes for a C-order float32 array: sorted keys, a
/// trailing ", ", 21 - len(repr(shape[0])) spare spaces, then padding.
std::string numpyFile(const std::string &shapeRepr, size_t firstDimDigits,
                      const std::vector<float> &values, int major = 1) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeRepr + ", }";
  dict.append(firstDimDigits ? 21 - firstDimDigits : 0, ' ');
  return rawNpy(major, padded(major, dict), floatBytes(values));
}

/// A header for the given descr / order / shape texts, numpy-padded.
std::string fileWith(const std::string &descr, const std::string &fortran,
                     const std::string &shape, const std::string &data) {
  return rawNpy(1,
                padded(1, "{'descr': " + descr + ", 'fortran_order': " +
                              fortran + ", 'shape': " + shape + ", }"),
                data);
}

std::vector<float> iota(size_t count) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = float(i) + 0.5f;
  return values;
}

//===----------------------------------------------------------------------===//
// A scratch directory per test
//===----------------------------------------------------------------------===//

class NpyTest : public cnnc::test::ScratchDirTest {
protected:
  using ScratchDirTest::put;
  std::string put(const std::string &bytes) { return put(bytes, "x.npy"); }

  /// The message readNpy gives for `bytes` ("" if it reads them).
  std::string readError(const std::string &bytes) {
    std::string path = put(bytes);
    NpyArray array;
    std::string error;
    if (readNpy(path, array, error))
      return "";
    return error;
  }

  /// The reason after "cannot read '<path>': ".
  std::string reason(const std::string &bytes) {
    std::string error = readError(bytes);
    std::string prefix = "cannot read '" + pathOf("x.npy") + "': ";
    if (error.compare(0, prefix.size(), prefix) != 0)
      return "<no prefix> " + error;
    return error.substr(prefix.size());
  }
};

bool sameBits(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, WritesNumpysBytesExactly) {
  // numpy.save(np.arange(6, dtype='<f4').reshape(2, 3) + 0.5): a 118-byte
  // header, so the data starts at byte 128.
  NpyArray array{{2, 3}, iota(6)};
  std::string error;
  std::string path = pathOf("a.npy");
  ASSERT_TRUE(writeNpy(path, array, error)) << error;
  std::string expected =
      std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" +
      std::string(20 + 38, ' ') + "\n" + floatBytes(iota(6));
  EXPECT_EQ(slurp(path), expected);
  EXPECT_EQ(expected.size(), 128u + 24u);
}

TEST_F(NpyTest, WritesAZeroDimensionalArrayWithAnEmptyTuple) {
  std::string error;
  std::string path = pathOf("s.npy");
  ASSERT_TRUE(writeNpy(path, NpyArray{{}, {2.5f}}, error)) << error;
  std::string bytes = slurp(path);
  // No spare room for growth when there is no first axis.
  EXPECT_EQ(bytes, rawNpy(1,
                          padded(1, "{'descr': '<f4', 'fortran_order': "
                                    "False, 'shape': (), }"),
                          floatBytes({2.5f})));
  EXPECT_EQ((bytes.size() - 4) % 64, 0u);
}

TEST_F(NpyTest, EveryHeaderWrittenEndsOnA64ByteBoundary) {
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{},
        {0},
        {7},
        {10, 28, 28, 1},
        {123456789, 0},
        {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}) {
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::string error;
    std::string path = pathOf("b.npy");
    ASSERT_TRUE(writeNpy(path, NpyArray{shape, iota(size_t(count))}, error))
        << error;
    std::string bytes = slurp(path);
    size_t headerSize = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
    EXPECT_EQ((10 + headerSize) % 64, 0u) << formatNpyShape(shape);
    EXPECT_EQ(bytes[10 + headerSize - 1], '\n');
    EXPECT_EQ(bytes.size(), 10 + headerSize + size_t(count) * 4);
  }
}

TEST_F(NpyTest, RoundTripsEveryRankAndEveryBitPattern) {
  std::vector<float> special = {0.0f,
                                -0.0f,
                                1.0f,
                                -1.5f,
                                std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN(),
                                std::numeric_limits<float>::denorm_min(),
                                std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::lowest()};
  std::mt19937 random(42);
  std::uniform_real_distribution<float> uniform(-1, 1);
  for (std::vector<int64_t> shape : {std::vector<int64_t>{},
                                     {0},
                                     {10},
                                     {2, 5},
                                     {2, 0, 4},
                                     {3, 28, 28, 1},
                                     {1, 2, 1, 2, 1, 2}}) {
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::vector<float> values(static_cast<size_t>(count));
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = i < special.size() ? special[i] : uniform(random);
    std::string error;
    std::string path = pathOf("r.npy");
    ASSERT_TRUE(writeNpy(path, NpyArray{shape, values}, error)) << error;
    NpyArray back;
    ASSERT_TRUE(readNpy(path, back, error)) << error;
    EXPECT_EQ(back.shape, shape);
    EXPECT_TRUE(sameBits(back.data, values)) << formatNpyShape(shape);
  }
}

TEST_F(NpyTest, RefusesAShapeThatDoesNotMatchTheData) {
  std::string error;
  std::string path = pathOf("m.npy");
  EXPECT_FALSE(writeNpy(path, NpyArray{{2, 3}, iota(5)}, error));
  EXPECT_EQ(error, "cannot write '" + path +
                       "': shape (2, 3) holds 6 elements, the data 5");
  EXPECT_FALSE(writeNpy(path, NpyArray{{-1}, {}}, error));
  EXPECT_EQ(error, "cannot write '" + path +
                       "': shape (-1,) has a negative dimension");
  EXPECT_EQ(access(path.c_str(), F_OK), -1) << "a failed write left a file";
}

TEST_F(NpyTest, AFailedWriteKeepsTheOldFileAndReportsWhy) {
  std::string path = put("old contents", "keep.npy");
  std::string error;
  EXPECT_FALSE(writeNpy(path, NpyArray{{2}, iota(3)}, error));
  EXPECT_EQ(slurp(path), "old contents");

  std::string missing = pathOf("no-such-dir/y.npy");
  EXPECT_FALSE(writeNpy(missing, NpyArray{{1}, {1.0f}}, error));
  EXPECT_EQ(error, "cannot write '" + missing +
                       "': cannot create a temporary file: No such file or "
                       "directory");
}

//===----------------------------------------------------------------------===//
// Reading what numpy and other writers produce
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, ReadsWhatNumpyWrites) {
  struct Case {
    const char *what;
    std::string bytes;
    std::vector<int64_t> shape;
  };
  std::vector<Case> cases = {
      {"v1.0, numpy >= 1.24", numpyFile("(2, 3)", 1, iota(6)), {2, 3}},
      {"v1.0, one axis", numpyFile("(6,)", 1, iota(6)), {6}},
      {"v1.0, 0-d", numpyFile("()", 0, iota(1)), {}},
      {"v1.0, empty", numpyFile("(0, 5)", 1, {}), {0, 5}},
      {"v1.0, MNIST-like",
       numpyFile("(10, 28, 28, 1)", 2, iota(7840)),
       {10, 28, 28, 1}},
      {"v2.0", numpyFile("(2, 3)", 1, iota(6), 2), {2, 3}},
      {"v3.0 (UTF-8 header)", numpyFile("(2, 3)", 1, iota(6), 3), {2, 3}},
      // numpy 1.14 to 1.23: no spare room after the dict.
      {"v1.0, numpy 1.14",
       rawNpy(1,
              padded(1, "{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (2, 3), }"),
              floatBytes(iota(6))),
       {2, 3}},
      // numpy before 1.14 aligned the data to 16 bytes.
      {"v1.0, numpy 1.13",
       rawNpy(1,
              padded(1,
                     "{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (2, 3), }",
                     16),
              floatBytes(iota(6))),
       {2, 3}},
      // Python 2 numpy wrote longs.
      {"v1.0, Python 2",
       rawNpy(1,
              padded(1, "{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (2L, 3L), }"),
              floatBytes(iota(6))),
       {2, 3}},
      // Other writers: any key order, double quotes, no trailing comma,
      // no padding, no newline.
      {"hand-written",
       rawNpy(1,
              "{ \"shape\" : ( 2 ,3 ) ,'fortran_order':False,"
              "\"descr\":'<f4'}",
              floatBytes(iota(6))),
       {2, 3}},
      {"tabs and CRLF",
       rawNpy(1,
              "{'descr':\t'<f4',\r\n'fortran_order': False,\r\n"
              "'shape': (6,)}\r\n",
              floatBytes(iota(6))),
       {6}},
      // With at most one axis longer than 1, Fortran order is C order.
      {"Fortran-ordered vector",
       fileWith("'<f4'", "True", "(1, 6)", floatBytes(iota(6))),
       {1, 6}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    std::string path = put(c.bytes);
    NpyArray array;
    std::string error;
    ASSERT_TRUE(readNpy(path, array, error)) << error;
    EXPECT_EQ(array.shape, c.shape);
    int64_t count = 1;
    for (int64_t d : c.shape)
      count *= d;
    EXPECT_TRUE(sameBits(array.data, iota(size_t(count))));
  }
}

TEST_F(NpyTest, ReadsFromAPipe) {
  // A FIFO has no size to check up front; the reader checks as it reads.
  std::string fifo = pathOf("pipe.npy");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // A reader that stops early must not kill the test through the writer.
  signal(SIGPIPE, SIG_IGN);
  auto feed = [&](const std::string &bytes) {
    return std::thread([&fifo, bytes] {
      int fd = open(fifo.c_str(), O_WRONLY);
      if (fd < 0)
        return;
      for (size_t at = 0; at < bytes.size();) {
        ssize_t n = write(fd, bytes.data() + at, bytes.size() - at);
        if (n <= 0)
          break;
        at += size_t(n);
      }
      close(fd);
    });
  };
  std::string good = numpyFile("(100, 100)", 3, iota(10000));
  NpyArray array;
  std::string error;
  std::thread writer = feed(good);
  EXPECT_TRUE(readNpy(fifo, array, error)) << error;
  writer.join();
  EXPECT_EQ(array.shape, (std::vector<int64_t>{100, 100}));
  EXPECT_TRUE(sameBits(array.data, iota(10000)));

  writer = feed(good.substr(0, good.size() - 1));
  EXPECT_FALSE(readNpy(fifo, array, error));
  writer.join();
  EXPECT_EQ(error, "cannot read '" + fifo +
                       "': the file is truncated: header says (100, 100) = "
                       "40000 bytes of data, file has 39999");

  writer = feed(good + "x");
  EXPECT_FALSE(readNpy(fifo, array, error));
  writer.join();
  EXPECT_EQ(error, "cannot read '" + fifo +
                       "': the file has bytes after the data: header says "
                       "(100, 100) = 40000 bytes of data, file has 40001");
}

//===----------------------------------------------------------------------===//
// Refusals, one per kind, with their messages
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, NamesTheSystemsReasonWhenTheFileCannotBeOpened) {
  NpyArray array;
  std::string error;
  std::string missing = pathOf("missing.npy");
  EXPECT_FALSE(readNpy(missing, array, error));
  EXPECT_EQ(error, "cannot read '" + missing + "': No such file or directory");
  EXPECT_FALSE(readNpy(dir, array, error));
  EXPECT_EQ(error, "cannot read '" + dir + "': is a directory");
}

TEST_F(NpyTest, RefusesFilesThatAreNotNpy) {
  EXPECT_EQ(reason(""), "the file is empty (expected a .npy file)");
  EXPECT_EQ(reason("hello, world"), "not a .npy file (bad magic)");
  EXPECT_EQ(reason("\x93NUMPZ\x01\x00"), "not a .npy file (bad magic)");
  EXPECT_EQ(reason(std::string("PK\x03\x04", 4) + "rest of a zip"),
            "not a .npy file (bad magic; it looks like a .npz or other zip "
            "archive, and cnnc reads single .npy arrays)");
  // A prefix of the magic is a truncated .npy file, not a foreign one.
  EXPECT_EQ(reason("\x93NUM"), "the file is truncated: 4 bytes, shorter than "
                               "a .npy preamble");
}

TEST_F(NpyTest, RefusesOtherFormatVersions) {
  std::string dict = padded(1, "{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (1,), }");
  std::string v4 = rawNpy(1, dict, floatBytes({1}));
  v4[6] = 4;
  EXPECT_EQ(reason(v4),
            "unsupported .npy version 4.0; cnnc reads 1.0, 2.0 and 3.0");
  std::string v11 = rawNpy(1, dict, floatBytes({1}));
  v11[7] = 1;
  EXPECT_EQ(reason(v11),
            "unsupported .npy version 1.1; cnnc reads 1.0, 2.0 and 3.0");
}

TEST_F(NpyTest, NamesTheDtypeFoundAndTheOneExpected) {
  const std::string tail = "; cnnc reads little-endian float32 ('<f4')";
  auto withDescr = [&](const std::string &descr) {
    return reason(fileWith(descr, "False", "(2,)", std::string(16, '\0')));
  };
  EXPECT_EQ(withDescr("'<f8'"), "dtype '<f8' (float64)" + tail);
  EXPECT_EQ(withDescr("'>f4'"), "dtype '>f4' (big-endian float32)" + tail);
  EXPECT_EQ(withDescr("'<f2'"), "dtype '<f2' (float16)" + tail);
  EXPECT_EQ(withDescr("'|u1'"), "dtype '|u1' (uint8)" + tail);
  EXPECT_EQ(withDescr("'<i8'"), "dtype '<i8' (int64)" + tail);
  EXPECT_EQ(withDescr("'|b1'"), "dtype '|b1' (bool)" + tail);
  EXPECT_EQ(withDescr("'|f4'"),
            "dtype '|f4' (float32 with no byte order)" + tail);
  EXPECT_EQ(withDescr("'|O'"), "dtype '|O' (Python object)" + tail);
  EXPECT_EQ(withDescr("'<U5'"), "dtype '<U5' (unicode string)" + tail);
  EXPECT_EQ(withDescr("'<M8[ns]'"), "dtype '<M8[ns]' (datetime64)" + tail);
  EXPECT_EQ(withDescr("'float32'"), "dtype 'float32'" + tail);
  EXPECT_EQ(withDescr("[('x', '<f4'), ('y', '<f4')]"),
            "dtype is a structured (record) type" + tail);
  EXPECT_EQ(withDescr("3"), "dtype is not a type string" + tail);
}

TEST_F(NpyTest, RefusesFortranOrder) {
  EXPECT_EQ(reason(fileWith("'<f4'", "True", "(2, 3)", floatBytes(iota(6)))),
            "fortran_order is True; cnnc reads C-order arrays (save "
            "np.ascontiguousarray(a))");
}

TEST_F(NpyTest, RefusesDataOfTheWrongLength) {
  // The brief's example: ten MNIST images announced, 1200 bytes present.
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "(10, 28, 28, 1)",
                            std::string(1200, '\0'))),
            "the file is truncated: header says (10, 28, 28, 1) = 31360 "
            "bytes of data, file has 1200");
  EXPECT_EQ(
      reason(fileWith("'<f4'", "False", "(2, 3)", floatBytes(iota(6)) + "\n")),
      "the file has bytes after the data: header says (2, 3) = 24 "
      "bytes of data, file has 25");
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "()", "")),
            "the file is truncated: header says () = 4 bytes of data, file "
            "has 0");
}

TEST_F(NpyTest, RefusesImpossibleShapesBeforeAllocating) {
  // 2^62 x 8 elements: the product overflows int64; it must be refused,
  // not wrapped around into a small number.
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "(4611686018427387904, 8)", "")),
            "shape (4611686018427387904, 8) has more than 2147483648 "
            "elements, the most cnnc reads");
  EXPECT_EQ(
      reason(fileWith("'<f4'", "False", "(99999999999999999999999999,)", "")),
      "shape (99999999999999999999999999,) has more than 2147483648 "
      "elements, the most cnnc reads");
  // 2^16 x 2^16 = 2^32: each dimension is fine, their product is not.
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "(65536, 65536)", "")),
            "shape (65536, 65536) has more than 2147483648 elements, the "
            "most cnnc reads");
  // Exactly at the limit the shape is fine; the data is what is missing.
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "(32768, 65536)", "")),
            "the file is truncated: header says (32768, 65536) = 8589934592 "
            "bytes of data, file has 0");
  EXPECT_EQ(reason(fileWith("'<f4'", "False", "(2, -3)", "")),
            "shape (2, -3) has a negative dimension");
}

TEST_F(NpyTest, RefusesMalformedHeaders) {
  auto withHeader = [&](const std::string &header) {
    return reason(rawNpy(1, header, floatBytes({1})));
  };
  EXPECT_EQ(withHeader("['descr', '<f4']"), "malformed header (not a dict)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': False}"),
            "malformed header (no 'shape' key)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(1,), 'extra': 1}"),
            "malformed header (unexpected key 'extra'; a .npy header holds "
            "'descr', 'fortran_order' and 'shape')");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': "
                       "False, 'shape': (1,)}"),
            "malformed header (key 'descr' appears twice)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}"),
            "malformed header ('fortran_order' is not True or False)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "[1]}"),
            "malformed header ('shape' is not a tuple)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "('1',)}"),
            "malformed header ('shape' holds something other than integers)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(1,)"),
            "malformed header (expected ',' or '}' at offset 54)");
  EXPECT_EQ(withHeader("{'descr': '<f4}"),
            "malformed header (expected a closing quote at offset 15)");
  EXPECT_EQ(withHeader("{'descr': '<f4', 'fortran_order': false}"),
            "malformed header (unknown name 'false' at offset 34)");
  EXPECT_EQ(withHeader("{'descr': '<f4'} {}"),
            "malformed header (unexpected text after the dict at offset 17)");
  EXPECT_EQ(withHeader(std::string(100, '(')),
            "malformed header (nesting deeper than 32 at offset 33)");
  EXPECT_EQ(withHeader(""), "malformed header (expected a value at offset 0)");
}

TEST_F(NpyTest, RefusesAHeaderLongerThanTheFile) {
  std::string bytes = "\x93NUMPY\x02";
  bytes += std::string("\x00\xff\xff\xff\x7f", 5); // 2 GiB of header
  bytes += "{}";
  EXPECT_EQ(reason(bytes), "the file is truncated: the header length says "
                           "2147483647 bytes, the file has 2 bytes after the "
                           "preamble");
  EXPECT_EQ(reason(std::string("\x93NUMPY\x01\x00\x05", 9)),
            "the file is truncated: it ends inside the header length");
}

TEST_F(NpyTest, RefusesAnAbsurdlyLongHeader) {
  std::string header = padded(2, "{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (1,), }" +
                                     std::string(2 << 20, ' '));
  EXPECT_EQ(reason(rawNpy(2, header, floatBytes({1}))),
            "the header is " + std::to_string(header.size()) +
                " bytes long; cnnc reads headers of at most 1048576 bytes");
}

//===----------------------------------------------------------------------===//
// Hostile input: never a crash, never a partial result
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, EveryTruncationOfAValidFileIsAnError) {
  for (int major : {1, 2, 3})
    for (const std::string &good : {numpyFile("(2, 3)", 1, iota(6), major),
                                    numpyFile("()", 0, iota(1), major)}) {
      for (size_t length = 0; length < good.size(); ++length) {
        std::string path = put(good.substr(0, length));
        NpyArray array{{7}, {1, 2, 3, 4, 5, 6, 7}};
        std::string error;
        EXPECT_FALSE(readNpy(path, array, error))
            << "v" << major << ", " << length << " bytes";
        EXPECT_FALSE(error.empty());
        // A failed read leaves the output as it was.
        EXPECT_EQ(array.shape, std::vector<int64_t>{7});
      }
    }
}

TEST_F(NpyTest, RandomBytesNeverCrashTheReader) {
  std::mt19937 random(1234);
  std::string valid = numpyFile("(2, 3)", 1, iota(6));
  auto check = [&](const std::string &bytes) {
    std::string path = put(bytes);
    NpyArray array;
    std::string error;
    if (readNpy(path, array, error)) {
      // Whatever was accepted is self-consistent.
      int64_t count = 1;
      for (int64_t d : array.shape)
        count *= d;
      EXPECT_EQ(size_t(count), array.data.size());
    } else {
      EXPECT_EQ(error.find('\n'), std::string::npos) << "one line";
      EXPECT_EQ(error.rfind("cannot read '", 0), 0u);
    }
  };
  // Pure noise, and noise behind a valid preamble so that it reaches the
  // header parser.
  for (int i = 0; i < 1000; ++i) {
    std::string noise(random() % 200, '\0');
    for (char &c : noise)
      c = char(random());
    check(noise);
    check(std::string("\x93NUMPY\x01\x00", 8) + char(noise.size() & 0xFF) +
          '\0' + noise);
  }
  // A valid file with a few bytes changed: mostly header damage.
  const char alphabet[] = "{}()[],:' \"<>f4TrueFalse0123456789-\n\\L";
  for (int i = 0; i < 10000; ++i) {
    std::string bytes = valid;
    for (int edits = 1 + random() % 3; edits > 0; --edits) {
      size_t at = random() % 128;
      bytes[at] = random() % 2 ? char(random())
                               : alphabet[random() % (sizeof alphabet - 1)];
    }
    check(bytes);
  }
}

} // namespace
