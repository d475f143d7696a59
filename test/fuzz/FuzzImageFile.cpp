//===- FuzzImageFile.cpp - libFuzzer target: PNG and JPEG files -----------===//
//
// The decoders (libpng, libjpeg-turbo behind runtime/images) and what
// follows a decoded image: conversion to each channel count and both
// resizes to a small input.

#include "runtime/images/ImageFile.h"
#include "runtime/images/KerasImage.h"
#include "test/fuzz/FuzzRuntimeReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  cnnc::DecodedImage image;
  if (!cnnc::readImageFile(cnnc::fuzz::asFile(data, size), image, error))
    return 0;
  for (int channels : {1, 3, 4}) {
    cnnc::DecodedImage converted = cnnc::convertChannels(image, channels);
    (void)cnnc::resizeImage(converted, 7, 5, cnnc::Resize::Nearest);
    (void)cnnc::resizeImage(converted, 9, 11, cnnc::Resize::Bilinear);
  }
  return 0;
}
