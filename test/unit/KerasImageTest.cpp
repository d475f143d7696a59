//===- KerasImageTest.cpp - Image files as Keras turns them into arrays ---===//
//
// The conversions of runtime/images against values Pillow, TensorFlow and
// numpy give (the numbers in each test are theirs).
//
//===----------------------------------------------------------------------===//

#include "runtime/images/KerasImage.h"
#include "runtime/images/ImageFolder.h"

#include <gtest/gtest.h>

using namespace cnnc;

static DecodedImage image(int64_t width, int64_t height, ImageMode mode,
                          std::vector<uint8_t> samples) {
  DecodedImage result;
  result.width = width;
  result.height = height;
  result.mode = mode;
  result.samples = std::move(samples);
  return result;
}

// Image.new("RGB", (1, 1), c).convert("L").getpixel((0, 0)) in Pillow.
TEST(KerasImage, GrayFromColorIsPillowsFixedPointLuma) {
  DecodedImage rgb = image(4, 1, ImageMode::RGB,
                           {255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50});
  DecodedImage gray = convertChannels(rgb, 1);
  EXPECT_EQ(gray.samples, (std::vector<uint8_t>{76, 150, 29, 124}));
}

TEST(KerasImage, AlphaIsDroppedOrKept) {
  DecodedImage la = image(1, 1, ImageMode::LA, {90, 7});
  EXPECT_EQ(convertChannels(la, 1).samples, (std::vector<uint8_t>{90}));
  EXPECT_EQ(convertChannels(la, 3).samples, (std::vector<uint8_t>{90, 90, 90}));
  EXPECT_EQ(convertChannels(la, 4).samples,
            (std::vector<uint8_t>{90, 90, 90, 7}));
  DecodedImage rgb = image(1, 1, ImageMode::RGB, {1, 2, 3});
  EXPECT_EQ(convertChannels(rgb, 4).samples,
            (std::vector<uint8_t>{1, 2, 3, 255}));
}

// Image.resize((w, h), Image.NEAREST) picks source (x + 0.5) * in / out.
TEST(KerasImage, NearestIsPillowsRule) {
  DecodedImage row = image(5, 1, ImageMode::L, {0, 10, 20, 30, 40});
  EXPECT_EQ(resizeImage(row, 1, 2, Resize::Nearest),
            (std::vector<float>{10, 30}));
  EXPECT_EQ(resizeImage(row, 1, 3, Resize::Nearest),
            (std::vector<float>{0, 20, 40}));
  EXPECT_EQ(resizeImage(row, 1, 7, Resize::Nearest),
            (std::vector<float>{0, 10, 10, 20, 30, 30, 40}));
}

// tf.image.resize([[[[0], [10], [20], [30], [40]]]], (1, 2)) etc.
TEST(KerasImage, BilinearIsTensorFlowsHalfPixelRule) {
  DecodedImage row = image(5, 1, ImageMode::L, {0, 10, 20, 30, 40});
  EXPECT_EQ(resizeImage(row, 1, 2, Resize::Bilinear),
            (std::vector<float>{7.5f, 32.5f}));
  DecodedImage two = image(2, 1, ImageMode::L, {0, 100});
  EXPECT_EQ(resizeImage(two, 1, 4, Resize::Bilinear),
            (std::vector<float>{0, 25, 75, 100}));
}

// np.random.RandomState(0).permutation(10), and (42).
TEST(ImageFolder, ShuffleIsNumpysRandomState) {
  EXPECT_EQ(numpyShuffleOrder(10, 0),
            (std::vector<int64_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
  EXPECT_EQ(numpyShuffleOrder(10, 42),
            (std::vector<int64_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
  EXPECT_EQ(numpyShuffleOrder(1, 7), (std::vector<int64_t>{0}));
}
