//===- ImageFile.h - PNG and JPEG files, decoded as Pillow opens them -*- C++
//-*-===//
//
// Keras reads image files through Pillow (`load_img`); cnnc decodes them
// with the libraries Pillow itself uses (libpng, libjpeg-turbo), keeping
// what Pillow keeps, so that the conversions in KerasImage.h start from the
// same samples:
//
//   PNG  gray (1/2/4/8 bits, expanded to 8 as Pillow's "L;2"/"L;4" do),
//        gray+alpha, RGB, RGBA; a palette becomes RGB (its transparency is
//        dropped, as converting "P" to "RGB" or "L" drops it); 16-bit
//        color keeps each sample's high byte (Pillow's "RGB;16B"); 16-bit
//        gray is refused (Pillow keeps it as 32-bit integers, not 0..255);
//   JPEG gray or YCbCr (decoded to RGB with libjpeg's defaults: the
//        accurate integer IDCT and fancy upsampling, as Pillow decodes);
//        CMYK is refused.
//
// Files are untrusted: the file is read up to kImageMaxFileBytes, the
// header's size is checked against kImageMaxPixels before anything is
// allocated, and the libraries' errors come back as one line.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_IMAGES_IMAGEFILE_H
#define CNNC_RUNTIME_IMAGES_IMAGEFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

constexpr int64_t kImageMaxFileBytes = int64_t(256) << 20; // 256 MiB
constexpr int64_t kImageMaxPixels = int64_t(1) << 28;      // 16384 x 16384

/// What a decoded image's channels are (Pillow's mode).
enum class ImageMode { L, LA, RGB, RGBA };

/// 8-bit samples, row by row, channels interleaved.
struct DecodedImage {
  int64_t width = 0, height = 0;
  ImageMode mode = ImageMode::L;
  std::vector<uint8_t> samples;

  int channels() const;
};

/// Decodes a PNG or JPEG file (told apart by its first bytes). False with
/// a one-line `error`: "cannot read 'a.png': ...".
bool readImageFile(const std::string &path, DecodedImage &out,
                   std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_IMAGES_IMAGEFILE_H
