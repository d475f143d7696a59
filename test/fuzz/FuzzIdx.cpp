//===- FuzzIdx.cpp - libFuzzer target: the IDX (MNIST) reader -------------===//

#include "runtime/data/Idx.h"
#include "test/fuzz/FuzzRuntimeReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &path = cnnc::fuzz::asFile(data, size);
  std::string error;
  cnnc::IdxImages images;
  (void)cnnc::readIdxImages(path, images, error);
  std::vector<uint8_t> labels;
  (void)cnnc::readIdxLabels(path, labels, error);
  return 0;
}
