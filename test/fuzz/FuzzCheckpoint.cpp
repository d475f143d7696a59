//===- FuzzCheckpoint.cpp - libFuzzer target: checkpoints -----------------===//
//
// Any bytes as a checkpoint, read with and without an expected model. The
// CRC stops most mutations early, so inputs of odd size get their CRC
// fixed up before reading: the fields behind it are reached too (the seed
// corpus holds valid checkpoints).
//
//===----------------------------------------------------------------------===//

#include "runtime/train/Checkpoint.h"

#include <zlib.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  if (size % 2 == 1 && size >= 4) {
    uint32_t crc = crc32(0L, reinterpret_cast<const Bytef *>(bytes.data()),
                         static_cast<uInt>(size - 4));
    for (int i = 0; i < 4; ++i)
      bytes[size - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  }
  cnnc::Checkpoint checkpoint;
  std::string error;
  (void)cnnc::parseCheckpoint(bytes, "fuzz.ckpt", nullptr, checkpoint, error);
  cnnc::ModelIdentity identity;
  identity.parameters = {{"conv2d/kernel", {3, 3, 1, 32}},
                         {"conv2d/bias", {32}}};
  identity.signature = cnnc::parameterSignature(identity.parameters);
  (void)cnnc::parseCheckpoint(bytes, "fuzz.ckpt", &identity, checkpoint, error);
  return 0;
}
