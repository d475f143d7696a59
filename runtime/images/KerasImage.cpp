//===- KerasImage.cpp - An image file as a Keras model's input ------------===//

#include "runtime/images/KerasImage.h"

#include <algorithm>
#include <cmath>

using namespace cnnc;

bool cnnc::isImageChannelCount(int64_t channels) {
  return channels == 1 || channels == 3 || channels == 4;
}

/// Pillow's rgb2l / p2l (Convert.c's L24).
static uint8_t luma(uint8_t r, uint8_t g, uint8_t b) {
  return uint8_t((uint32_t(r) * 19595 + uint32_t(g) * 38470 +
                  uint32_t(b) * 7471 + 0x8000) >>
                 16);
}

DecodedImage cnnc::convertChannels(const DecodedImage &image, int channels) {
  DecodedImage out;
  out.width = image.width;
  out.height = image.height;
  out.mode = channels == 1   ? ImageMode::L
             : channels == 3 ? ImageMode::RGB
                             : ImageMode::RGBA;
  int from = image.channels();
  bool color = image.mode == ImageMode::RGB || image.mode == ImageMode::RGBA;
  bool alpha = image.mode == ImageMode::LA || image.mode == ImageMode::RGBA;
  int64_t pixels = image.width * image.height;
  out.samples.resize(size_t(pixels * channels));
  for (int64_t p = 0; p < pixels; ++p) {
    const uint8_t *in = &image.samples[size_t(p * from)];
    uint8_t *o = &out.samples[size_t(p * channels)];
    uint8_t r = in[0], g = color ? in[1] : in[0], b = color ? in[2] : in[0];
    uint8_t a = alpha ? in[from - 1] : 255;
    if (channels == 1) {
      // L from LA keeps L; from color, the luma.
      o[0] = color ? luma(r, g, b) : in[0];
    } else {
      o[0] = r;
      o[1] = g;
      o[2] = b;
      if (channels == 4)
        o[3] = a;
    }
  }
  return out;
}

std::vector<float> cnnc::resizeImage(const DecodedImage &image, int64_t height,
                                     int64_t width, Resize resize) {
  int channels = image.channels();
  std::vector<float> out(size_t(height * width * channels));
  auto sample = [&](int64_t y, int64_t x, int c) {
    return float(image.samples[size_t((y * image.width + x) * channels + c)]);
  };
  double scaleY = double(image.height) / double(height);
  double scaleX = double(image.width) / double(width);
  if (resize == Resize::Nearest) {
    // Pillow's ImagingScaleAffine: the source coordinate starts at half a
    // step and is advanced by adding the step (not by multiplying), then
    // truncated; the sums are kept so that the rounding is Pillow's.
    std::vector<int64_t> sourceX(static_cast<size_t>(width));
    double xo = scaleX * 0.5;
    for (int64_t x = 0; x < width; ++x, xo += scaleX)
      sourceX[size_t(x)] = std::min(int64_t(xo), image.width - 1);
    double yo = scaleY * 0.5;
    for (int64_t y = 0; y < height; ++y, yo += scaleY) {
      int64_t sy = std::min(int64_t(yo), image.height - 1);
      for (int64_t x = 0; x < width; ++x)
        for (int c = 0; c < channels; ++c)
          out[size_t((y * width + x) * channels + c)] =
              sample(sy, sourceX[size_t(x)], c);
    }
    return out;
  }
  // TensorFlow's ResizeBilinear with half_pixel_centers: the source
  // coordinate (o + 0.5) * scale - 0.5 in float, its floor clamped to the
  // image, the neighbour above it clamped too, and the interpolation
  // top + (bottom - top) * lerp in float.
  struct Weight {
    int64_t lower, upper;
    float lerp;
  };
  auto weights = [](int64_t out, int64_t in, double scale) {
    std::vector<Weight> w(static_cast<size_t>(out));
    for (int64_t o = 0; o < out; ++o) {
      float source = (float(o) + 0.5f) * float(scale) - 0.5f;
      float floor = std::floor(source);
      w[size_t(o)] = {std::max(int64_t(floor), int64_t(0)),
                      std::min(int64_t(std::ceil(source)), in - 1),
                      source - floor};
    }
    return w;
  };
  std::vector<Weight> ys = weights(height, image.height, scaleY);
  std::vector<Weight> xs = weights(width, image.width, scaleX);
  for (int64_t y = 0; y < height; ++y) {
    const Weight &wy = ys[size_t(y)];
    for (int64_t x = 0; x < width; ++x) {
      const Weight &wx = xs[size_t(x)];
      for (int c = 0; c < channels; ++c) {
        float topLeft = sample(wy.lower, wx.lower, c);
        float topRight = sample(wy.lower, wx.upper, c);
        float bottomLeft = sample(wy.upper, wx.lower, c);
        float bottomRight = sample(wy.upper, wx.upper, c);
        float top = topLeft + (topRight - topLeft) * wx.lerp;
        float bottom = bottomLeft + (bottomRight - bottomLeft) * wx.lerp;
        out[size_t((y * width + x) * channels + c)] =
            top + (bottom - top) * wy.lerp;
      }
    }
  }
  return out;
}

std::vector<float> cnnc::imageAsInput(const DecodedImage &image, int64_t height,
                                      int64_t width, int64_t channels) {
  std::vector<float> values = resizeImage(convertChannels(image, int(channels)),
                                          height, width, Resize::Nearest);
  for (float &v : values)
    v /= 255.0f;
  return values;
}
