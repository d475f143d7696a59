//===- ImageFolder.h - A folder of class subfolders, as Keras reads it -*- C++
//-*-===//
//
// `cnnc train|eval MODEL --image-dir DIR` reads DIR as Keras's
// `image_dataset_from_directory(DIR, labels='inferred', color_mode=<the
// model's channels>, image_size=<the model's input>, shuffle=True,
// seed=<--seed>, validation_split=<--validation-split>)` does:
//
//   - each subfolder of DIR is a class; classes are the subfolder names in
//     sorted (byte) order, labels their indices; files directly in DIR are
//     not samples;
//   - a class's files are those under its folder, walked recursively with
//     directories in sorted order and files sorted in each, whose names end
//     in .png, .jpg or .jpeg in any case (.bmp and .gif, which Keras also
//     takes, are refused by name);
//   - the list is shuffled with numpy's RandomState(seed).shuffle (MT19937
//     seeded as std::mt19937 is, Fisher-Yates from the end, bounded draws
//     by masking), and the last int(split * n) samples are the validation
//     subset;
//   - each image is converted to the model's channels as Pillow's
//     convert() would and resized with TensorFlow's bilinear rule
//     (KerasImage.h); the values, floats in Keras, are rounded to the
//     nearest integer here (a difference of at most 0.5/255 after scaling,
//     and none when the image already has the model's size).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_IMAGES_IMAGEFOLDER_H
#define CNNC_RUNTIME_IMAGES_IMAGEFOLDER_H

#include "runtime/data/Mnist.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

/// What to read, for a model whose input is (height, width, channels).
struct ImageFolderRequest {
  std::string directory;
  int64_t height = 0, width = 0, channels = 1;
  /// Training: the training and validation subsets; otherwise every image
  /// is a test image.
  bool train = true;
  double validationSplit = 0.0;
  uint64_t seed = 0;
};

/// Fills `out.trainImages` / `out.validationImages` (training) or
/// `out.testImages`; false with a one-line `error`.
bool readImageFolder(const ImageFolderRequest &request, Dataset &out,
                     std::string &error);

/// The class names (the subfolders, sorted), for messages and tests.
bool listImageClasses(const std::string &directory,
                      std::vector<std::string> &classes, std::string &error);

/// numpy's RandomState(seed).shuffle's permutation of `count` items.
std::vector<int64_t> numpyShuffleOrder(int64_t count, uint32_t seed);

} // namespace cnnc

#endif // CNNC_RUNTIME_IMAGES_IMAGEFOLDER_H
