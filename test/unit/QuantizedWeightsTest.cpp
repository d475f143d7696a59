//===- QuantizedWeightsTest.cpp - `cnnc quantize`'s weight file -----------===//
//
// The layout is pinned by a file built byte by byte from what
// QuantizedWeights.h documents (CRC from zlib directly). Then: a round trip
// is exact; every truncation and every single-byte change is refused in
// one line; the writer refuses what the reader would.
//
//===----------------------------------------------------------------------===//

#include "runtime/quant/QuantizedWeights.h"

#include <gtest/gtest.h>

#include <cstring>
#include <zlib.h>

using namespace cnnc;

namespace {

std::string le(uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i)
    out += char((value >> (8 * i)) & 0xFF);
  return out;
}

std::string f32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return le(bits, 4);
}

std::string str(const std::string &text) { return le(text.size(), 4) + text; }

/// A dense kernel (2, 3) in int8, its bias in f32, one int8 layer.
std::string handMade() {
  std::string body = le(2, 4);
  body += str("dense/kernel") + le(2, 4) + le(2, 8) + le(3, 8) + '\x01';
  body += le(3, 4) + f32(0.5f) + f32(0.25f) + f32(2.0f);
  body += std::string("\x01\xFF\x7F\x81\x00\x02", 6);
  body += str("dense/bias") + le(1, 4) + le(3, 8) + '\x00';
  body += f32(1.0f) + f32(-1.0f) + f32(0.5f);
  body += le(1, 4) + str("dense") + f32(0.125f) + le(7, 4);
  std::string file = std::string("CNNCQNT1", 8) + le(1, 4) +
                     le(20 + body.size() + 4, 8) + body;
  uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef *>(file.data()),
                                uInt(file.size())));
  return file + le(crc, 4);
}

TEST(QuantizedWeightsTest, ReadsTheDocumentedLayout) {
  QuantizedWeights weights;
  std::string error;
  ASSERT_TRUE(parseQuantizedWeights(handMade(), "h.q", weights, error))
      << error;
  ASSERT_EQ(weights.parameters.size(), 2u);
  const QuantizedTensor &kernel = weights.parameters[0];
  EXPECT_EQ(kernel.name, "dense/kernel");
  EXPECT_EQ(kernel.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(kernel.int8);
  EXPECT_EQ(kernel.codes, (std::vector<int8_t>{1, -1, 127, -127, 0, 2}));
  // code * its column's scale.
  EXPECT_EQ(kernel.dequantized(),
            (std::vector<float>{0.5f, -0.25f, 254.0f, -63.5f, 0.0f, 4.0f}));
  EXPECT_EQ(weights.parameters[1].values,
            (std::vector<float>{1.0f, -1.0f, 0.5f}));
  ASSERT_EQ(weights.activations.size(), 1u);
  EXPECT_EQ(weights.activations[0].layer, "dense");
  EXPECT_EQ(weights.activations[0].scale, 0.125f);
  EXPECT_EQ(weights.activations[0].zeroPoint, 7);
}

TEST(QuantizedWeightsTest, WriterProducesTheSameBytes) {
  QuantizedWeights weights;
  std::string error, bytes;
  ASSERT_TRUE(parseQuantizedWeights(handMade(), "h.q", weights, error));
  ASSERT_TRUE(serializeQuantizedWeights(weights, bytes, error)) << error;
  EXPECT_EQ(bytes, handMade());
}

TEST(QuantizedWeightsTest, RefusesEveryTruncationAndEveryByteChange) {
  std::string good = handMade();
  QuantizedWeights weights;
  std::string error;
  for (size_t size = 0; size < good.size(); ++size) {
    EXPECT_FALSE(
        parseQuantizedWeights(good.substr(0, size), "h.q", weights, error))
        << size;
    EXPECT_EQ(error.rfind("cannot read 'h.q': ", 0), 0u) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
  for (size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] = char(bad[at] ^ 0x10);
    EXPECT_FALSE(parseQuantizedWeights(bad, "h.q", weights, error)) << at;
  }
  EXPECT_TRUE(weights.parameters.empty()); // left alone on failure
}

TEST(QuantizedWeightsTest, NamesWhatIsWrong) {
  QuantizedWeights weights;
  std::string error;
  EXPECT_FALSE(parseQuantizedWeights("CNNC", "h.q", weights, error));
  EXPECT_EQ(error, "cannot read 'h.q': truncated: 4 bytes, shorter than the "
                   "header");
  EXPECT_FALSE(parseQuantizedWeights("\x93NUMPY\x01\x00 and more bytes", "h.q",
                                     weights, error));
  EXPECT_EQ(error,
            "cannot read 'h.q': not a cnnc quantized weight file (bad magic)");
  EXPECT_TRUE(looksLikeQuantizedWeights("CNNCQ"));
  EXPECT_FALSE(looksLikeQuantizedWeights("CNNCKPT1"));
}

TEST(QuantizedWeightsTest, WriterRefusesWhatTheReaderWould) {
  QuantizedWeights weights;
  QuantizedTensor tensor;
  tensor.name = "k";
  tensor.shape = {2};
  tensor.int8 = true;
  tensor.codes = {1, -128};
  tensor.scales = {1.0f, 1.0f};
  weights.parameters.push_back(tensor);
  std::string bytes, error;
  EXPECT_FALSE(serializeQuantizedWeights(weights, bytes, error));
  EXPECT_EQ(error,
            "parameter 'k' has a code of -128 (symmetric int8 is -127..127)");
  weights.parameters[0].codes = {1, 2};
  weights.parameters[0].scales = {1.0f, 0.0f};
  EXPECT_FALSE(serializeQuantizedWeights(weights, bytes, error));
  EXPECT_EQ(error, "parameter 'k' has a scale that is not finite and positive");
  weights.parameters[0].scales = {1.0f, 2.0f};
  weights.activations.push_back({"k", 1.0f, 256});
  EXPECT_FALSE(serializeQuantizedWeights(weights, bytes, error));
  weights.activations[0].zeroPoint = 255;
  EXPECT_TRUE(serializeQuantizedWeights(weights, bytes, error)) << error;
}

} // namespace
