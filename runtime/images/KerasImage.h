//===- KerasImage.h - An image file as a Keras model's input ----*- C++ -*-===//
//
// Two Keras routes from a file to an array, which differ:
//
//   load_img + img_to_array (what `cnnc predict --image` follows): Pillow's
//     convert() to the model's channels (1: "L", 3: "RGB", 4: "RGBA"; gray
//     from color is ITU-R 601-2 luma in Pillow's fixed point, (19595 R +
//     38470 G + 7471 B + 0x8000) >> 16), then resize(NEAREST), whose
//     source pixel is (x + 0.5) * in / out truncated, on each axis, the
//     product accumulated by addition as Pillow computes it;
//   image_dataset_from_directory (what `--image-dir` follows): the same
//     channels, then tf.image.resize's bilinear (half-pixel centers, no
//     antialiasing).
//
// Values stay on Keras's 0..255 scale; the caller scales as training does.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_IMAGES_KERASIMAGE_H
#define CNNC_RUNTIME_IMAGES_KERASIMAGE_H

#include "runtime/images/ImageFile.h"

namespace cnnc {

enum class Resize { Nearest, Bilinear };

/// `image` with `channels` channels (1, 3 or 4) as Pillow converts it.
DecodedImage convertChannels(const DecodedImage &image, int channels);

/// `image` resized to height x width, HWC floats on 0..255.
std::vector<float> resizeImage(const DecodedImage &image, int64_t height,
                               int64_t width, Resize resize);

/// `image` as a model input of height x width x channels takes it from a
/// file: load_img (nearest) + img_to_array, scaled by 1/255 as `cnnc
/// train` scales its data.
std::vector<float> imageAsInput(const DecodedImage &image, int64_t height,
                                int64_t width, int64_t channels);

/// Whether a model input of `channels` channels can take images (1, 3, 4).
bool isImageChannelCount(int64_t channels);

} // namespace cnnc

#endif // CNNC_RUNTIME_IMAGES_KERASIMAGE_H
