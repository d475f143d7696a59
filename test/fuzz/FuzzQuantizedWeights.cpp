//===- FuzzQuantizedWeights.cpp - libFuzzer target: `cnnc quantize` files -===//
//
// Any bytes as a quantized weight file. As for checkpoints, inputs of odd
// size get their length and CRC fixed up before reading, so that the
// fields behind them are reached too.
//
//===----------------------------------------------------------------------===//

#include "runtime/quant/QuantizedWeights.h"

#include <zlib.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  if (size % 2 == 1 && size >= 24) {
    for (int i = 0; i < 8; ++i)
      bytes[12 + i] = static_cast<char>((uint64_t(size) >> (8 * i)) & 0xff);
    uint32_t crc = crc32(0L, reinterpret_cast<const Bytef *>(bytes.data()),
                         static_cast<uInt>(size - 4));
    for (int i = 0; i < 4; ++i)
      bytes[size - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  }
  cnnc::QuantizedWeights weights;
  std::string error;
  if (cnnc::parseQuantizedWeights(bytes, "fuzz.q", weights, error))
    for (const cnnc::QuantizedTensor &tensor : weights.parameters)
      (void)tensor.dequantized();
  return 0;
}
