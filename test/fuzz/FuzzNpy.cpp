//===- FuzzNpy.cpp - libFuzzer target: the .npy reader --------------------===//

#include "runtime/npy/Npy.h"
#include "test/fuzz/FuzzRuntimeReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  cnnc::NpyArray array;
  (void)cnnc::readNpy(cnnc::fuzz::asFile(data, size), array, error);
  return 0;
}
