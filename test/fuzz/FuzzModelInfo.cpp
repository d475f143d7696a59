//===- FuzzModelInfo.cpp - libFuzzer target: cnnc_model_info --------------===//
//
// The description a compiled model carries; an AOT trainer links whatever
// object it is given, so the runtime parses it defensively.
//
//===----------------------------------------------------------------------===//

#include "runtime/model/ModelInfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cnnc::ModelInfo info;
  std::string error;
  if (cnnc::parseModelInfo(
          std::string_view(reinterpret_cast<const char *>(data), size), info,
          error) &&
      info.paramElements() < (1 << 20)) {
    std::vector<float> params;
    (void)cnnc::initializeParams(info, 0, params, error);
  }
  return 0;
}
