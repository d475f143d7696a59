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
      .Case("LeakyReLU", LayerKind::LeakyReLU)
      .Case("ELU", LayerKind::ELU)
      .Case("PReLU", LayerKind::PReLU)
      .Case("ZeroPadding2D", LayerKind::ZeroPadding2D)
      .Case("Cropping2D", LayerKind::Cropping2D)
      .Case("Reshape", LayerKind::Reshape)
      .Case("Rescaling", LayerKind::Rescaling)
      .Case("SpatialDropout2D", LayerKind::SpatialDropout2D)
      .Case("GaussianNoise", LayerKind::GaussianNoise)
      .Case("GaussianDropout", LayerKind::GaussianDropout)
      .Case("Softmax", LayerKind::Softmax)
      .Case("BatchNormalization", LayerKind::BatchNormalization)
      .Case("LayerNormalization", LayerKind::LayerNormalization)
      .Case("Permute", LayerKind::Permute)
      .Case("ThresholdedReLU", LayerKind::ThresholdedReLU)
      .Case("AlphaDropout", LayerKind::AlphaDropout)
      .Case("Add", LayerKind::Add)
      .Case("Subtract", LayerKind::Subtract)
      .Case("Multiply", LayerKind::Multiply)
      .Case("Average", LayerKind::Average)
      .Case("Maximum", LayerKind::Maximum)
      .Case("Minimum", LayerKind::Minimum)
      .Case("Concatenate", LayerKind::Concatenate)
      .Case("DepthwiseConv2D", LayerKind::DepthwiseConv2D)
      .Cases("SeparableConv2D", "SeparableConvolution2D",
             LayerKind::SeparableConv2D)
      .Cases("Conv2DTranspose", "Convolution2DTranspose",
             LayerKind::Conv2DTranspose)
      .Case("UpSampling2D", LayerKind::UpSampling2D)
      .Case("RandomFlip", LayerKind::RandomFlip)
      .Case("RandomRotation", LayerKind::RandomRotation)
      .Case("RandomZoom", LayerKind::RandomZoom)
      .Case("RandomTranslation", LayerKind::RandomTranslation)
      .Case("RandomContrast", LayerKind::RandomContrast)
      .Case("RandomBrightness", LayerKind::RandomBrightness)
      .Default(std::nullopt);
}

std::optional<Activation> cnnc::activationForName(std::string_view name,
                                                  bool keras3) {
  return llvm::StringSwitch<std::optional<Activation>>(
             llvm::StringRef(name.data(), name.size()))
      .Case("linear", Activation::Linear)
      .Case("relu", Activation::ReLU)
      .Case("softmax", Activation::Softmax)
      .Case("sigmoid", Activation::Sigmoid)
      .Case("tanh", Activation::Tanh)
      .Case("elu", Activation::Elu)
      .Case("selu", Activation::Selu)
      .Case("softplus", Activation::Softplus)
      .Case("softsign", Activation::Softsign)
      .Cases("swish", "silu", Activation::Swish)
      .Case("gelu", Activation::Gelu)
      .Case("gelu_new", Activation::GeluTanh)
      .Case("hard_sigmoid",
            keras3 ? Activation::HardSigmoidKeras3 : Activation::HardSigmoid)
      .Case("relu6", Activation::Relu6)
      .Case("mish", Activation::Mish)
      .Case("exponential", Activation::Exponential)
      .Default(std::nullopt);
}

const char *cnnc::kerasActivationName(Activation activation) {
  switch (activation) {
  case Activation::Linear:
    return "linear";
  case Activation::ReLU:
    return "relu";
  case Activation::Softmax:
    return "softmax";
  case Activation::Sigmoid:
    return "sigmoid";
  case Activation::Tanh:
    return "tanh";
  case Activation::Elu:
    return "elu";
  case Activation::Selu:
    return "selu";
  case Activation::Softplus:
    return "softplus";
  case Activation::Softsign:
    return "softsign";
  case Activation::Swish:
    return "swish";
  case Activation::Gelu:
    return "gelu";
  case Activation::GeluTanh:
    return "gelu_new";
  case Activation::HardSigmoid:
  case Activation::HardSigmoidKeras3:
    return "hard_sigmoid";
  case Activation::Relu6:
    return "relu6";
  case Activation::Mish:
    return "mish";
  case Activation::Exponential:
    return "exponential";
  }
  return "linear";
}

const char *cnnc::kerasActivationNames() {
  return "linear, relu, softmax, sigmoid, tanh, elu, selu, softplus, "
         "softsign, swish, silu, gelu, gelu_new, hard_sigmoid, relu6, mish, "
         "exponential";
}

const char *cnnc::kerasName(KerasLoss loss) {
  switch (loss) {
  case KerasLoss::SparseCategoricalCrossentropy:
    return "sparse_categorical_crossentropy";
  case KerasLoss::CategoricalCrossentropy:
    return "categorical_crossentropy";
  case KerasLoss::MSE:
    return "mse";
  case KerasLoss::BinaryCrossentropy:
    return "binary_crossentropy";
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
  case LayerKind::LeakyReLU:
    return "LeakyReLU";
  case LayerKind::ELU:
    return "ELU";
  case LayerKind::PReLU:
    return "PReLU";
  case LayerKind::ZeroPadding2D:
    return "ZeroPadding2D";
  case LayerKind::Cropping2D:
    return "Cropping2D";
  case LayerKind::Reshape:
    return "Reshape";
  case LayerKind::Rescaling:
    return "Rescaling";
  case LayerKind::SpatialDropout2D:
    return "SpatialDropout2D";
  case LayerKind::GaussianNoise:
    return "GaussianNoise";
  case LayerKind::GaussianDropout:
    return "GaussianDropout";
  case LayerKind::Softmax:
    return "Softmax";
  case LayerKind::BatchNormalization:
    return "BatchNormalization";
  case LayerKind::LayerNormalization:
    return "LayerNormalization";
  case LayerKind::Permute:
    return "Permute";
  case LayerKind::ThresholdedReLU:
    return "ThresholdedReLU";
  case LayerKind::AlphaDropout:
    return "AlphaDropout";
  case LayerKind::Add:
    return "Add";
  case LayerKind::Subtract:
    return "Subtract";
  case LayerKind::Multiply:
    return "Multiply";
  case LayerKind::Average:
    return "Average";
  case LayerKind::Maximum:
    return "Maximum";
  case LayerKind::Minimum:
    return "Minimum";
  case LayerKind::Concatenate:
    return "Concatenate";
  case LayerKind::DepthwiseConv2D:
    return "DepthwiseConv2D";
  case LayerKind::SeparableConv2D:
    return "SeparableConv2D";
  case LayerKind::Conv2DTranspose:
    return "Conv2DTranspose";
  case LayerKind::UpSampling2D:
    return "UpSampling2D";
  case LayerKind::RandomFlip:
    return "RandomFlip";
  case LayerKind::RandomRotation:
    return "RandomRotation";
  case LayerKind::RandomZoom:
    return "RandomZoom";
  case LayerKind::RandomTranslation:
    return "RandomTranslation";
  case LayerKind::RandomContrast:
    return "RandomContrast";
  case LayerKind::RandomBrightness:
    return "RandomBrightness";
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
  case LayerKind::LeakyReLU:
    return "leaky_re_lu";
  case LayerKind::ELU:
    return "elu";
  case LayerKind::PReLU:
    return "p_re_lu";
  case LayerKind::ZeroPadding2D:
    return "zero_padding2d";
  case LayerKind::Cropping2D:
    return "cropping2d";
  case LayerKind::Reshape:
    return "reshape";
  case LayerKind::Rescaling:
    return "rescaling";
  case LayerKind::SpatialDropout2D:
    return "spatial_dropout2d";
  case LayerKind::GaussianNoise:
    return "gaussian_noise";
  case LayerKind::GaussianDropout:
    return "gaussian_dropout";
  case LayerKind::Softmax:
    return "softmax";
  case LayerKind::BatchNormalization:
    return "batch_normalization";
  case LayerKind::LayerNormalization:
    return "layer_normalization";
  case LayerKind::Permute:
    return "permute";
  case LayerKind::ThresholdedReLU:
    return "thresholded_re_lu";
  case LayerKind::AlphaDropout:
    return "alpha_dropout";
  case LayerKind::Add:
    return "add";
  case LayerKind::Subtract:
    return "subtract";
  case LayerKind::Multiply:
    return "multiply";
  case LayerKind::Average:
    return "average";
  case LayerKind::Maximum:
    return "maximum";
  case LayerKind::Minimum:
    return "minimum";
  case LayerKind::Concatenate:
    return "concatenate";
  case LayerKind::DepthwiseConv2D:
    return "depthwise_conv2d";
  case LayerKind::SeparableConv2D:
    return "separable_conv2d";
  case LayerKind::Conv2DTranspose:
    return "conv2d_transpose";
  case LayerKind::UpSampling2D:
    return "up_sampling2d";
  case LayerKind::RandomFlip:
    return "random_flip";
  case LayerKind::RandomRotation:
    return "random_rotation";
  case LayerKind::RandomZoom:
    return "random_zoom";
  case LayerKind::RandomTranslation:
    return "random_translation";
  case LayerKind::RandomContrast:
    return "random_contrast";
  case LayerKind::RandomBrightness:
    return "random_brightness";
  }
  return "?";
}

void cnnc::assignKerasNames(ModelSpec &model) {
  std::map<LayerKind, int> used;
  for (Layer &layer : model.layers) {
    // A shared layer's later calls are named as its first (ModelSpec.h).
    if (!layer.name.empty() || layer.call != 0)
      continue;
    int n = used[layer.kind]++;
    layer.name = kerasNameStem(layer.kind);
    if (n > 0)
      layer.name += "_" + std::to_string(n);
  }
}
