//===- ModelSpec.cpp - Keras names for layer kinds ------------------------===//

#include "frontends/common/ModelSpec.h"

#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;

std::optional<LayerKind> cnnc::layerKindForClassName(std::string_view name) {
  return llvm::StringSwitch<std::optional<LayerKind>>(
             llvm::StringRef(name.data(), name.size()))
      .Cases("Conv2D", "Convolution2D", LayerKind::Conv2D)
      .Cases("MaxPooling2D", "MaxPool2D", LayerKind::MaxPooling2D)
      .Cases("AveragePooling2D", "AvgPool2D", LayerKind::AveragePooling2D)
      .Cases("MinPooling2D", "MinPool2D", LayerKind::MinPooling2D)
      .Cases("GlobalMaxPooling2D", "GlobalMaxPool2D",
             LayerKind::GlobalMaxPooling2D)
      .Cases("GlobalAveragePooling2D", "GlobalAvgPool2D",
             LayerKind::GlobalAveragePooling2D)
      .Cases("GlobalMinPooling2D", "GlobalMinPool2D",
             LayerKind::GlobalMinPooling2D)
      .Case("Flatten", LayerKind::Flatten)
      .Case("Dense", LayerKind::Dense)
      .Case("Dropout", LayerKind::Dropout)
      .Case("Activation", LayerKind::Activation)
      .Case("ReLU", LayerKind::ReLU)
      .Case("Softmax", LayerKind::Softmax)
      .Default(std::nullopt);
}

const char *cnnc::kerasName(KerasLoss loss) {
  switch (loss) {
  case KerasLoss::SparseCategoricalCrossentropy:
    return "sparse_categorical_crossentropy";
  case KerasLoss::CategoricalCrossentropy:
    return "categorical_crossentropy";
  case KerasLoss::MSE:
    return "mse";
  }
  return "?";
}

const char *cnnc::kerasName(KerasOptimizer optimizer) {
  switch (optimizer) {
  case KerasOptimizer::Adam:
    return "adam";
  case KerasOptimizer::SGD:
    return "sgd";
  case KerasOptimizer::RMSprop:
    return "rmsprop";
  }
  return "?";
}

const char *cnnc::kerasClassName(LayerKind kind) {
  switch (kind) {
  case LayerKind::Conv2D:
    return "Conv2D";
  case LayerKind::MaxPooling2D:
    return "MaxPooling2D";
  case LayerKind::AveragePooling2D:
    return "AveragePooling2D";
  case LayerKind::MinPooling2D:
    return "MinPooling2D";
  case LayerKind::GlobalMaxPooling2D:
    return "GlobalMaxPooling2D";
  case LayerKind::GlobalAveragePooling2D:
    return "GlobalAveragePooling2D";
  case LayerKind::GlobalMinPooling2D:
    return "GlobalMinPooling2D";
  case LayerKind::Flatten:
    return "Flatten";
  case LayerKind::Dense:
    return "Dense";
  case LayerKind::Dropout:
    return "Dropout";
  case LayerKind::Activation:
    return "Activation";
  case LayerKind::ReLU:
    return "ReLU";
  case LayerKind::Softmax:
    return "Softmax";
  }
  return "?";
}

const char *cnnc::kerasNameStem(LayerKind kind) {
  switch (kind) {
  case LayerKind::Conv2D:
    return "conv2d";
  case LayerKind::MaxPooling2D:
    return "max_pooling2d";
  case LayerKind::AveragePooling2D:
    return "average_pooling2d";
  case LayerKind::MinPooling2D:
    return "min_pooling2d";
  case LayerKind::GlobalMaxPooling2D:
    return "global_max_pooling2d";
  case LayerKind::GlobalAveragePooling2D:
    return "global_average_pooling2d";
  case LayerKind::GlobalMinPooling2D:
    return "global_min_pooling2d";
  case LayerKind::Flatten:
    return "flatten";
  case LayerKind::Dense:
    return "dense";
  case LayerKind::Dropout:
    return "dropout";
  case LayerKind::Activation:
    return "activation";
  case LayerKind::ReLU:
    return "re_lu";
  case LayerKind::Softmax:
    return "softmax";
  }
  return "?";
}

void cnnc::assignKerasNames(ModelSpec &model) {
  std::map<LayerKind, int> used;
  for (Layer &layer : model.layers) {
    if (!layer.name.empty())
      continue;
    int n = used[layer.kind]++;
    layer.name = kerasNameStem(layer.kind);
    if (n > 0)
      layer.name += "_" + std::to_string(n);
  }
}
