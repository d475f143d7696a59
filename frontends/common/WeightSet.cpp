//===- WeightSet.cpp - A Keras model's weights ----------------------------===//

#include "frontends/common/WeightSet.h"

using namespace cnnc;

std::string_view cnnc::shortWeightName(std::string_view name) {
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  if (size_t colon = name.find(':'); colon != std::string_view::npos)
    name = name.substr(0, colon);
  return name;
}
