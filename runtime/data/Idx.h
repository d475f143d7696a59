//===- Idx.h - MNIST's IDX files, plain or gzipped --------------*- C++ -*-===//
//
// The format of LeCun's MNIST files (and Fashion-MNIST's, which copies it):
// a big-endian 32-bit magic, 0x000008NN, where 0x08 says "unsigned bytes"
// and NN is the number of dimensions; NN big-endian 32-bit dimensions; then
// the bytes, row-major. cnnc reads two kinds:
//
//   images  0x00000803  count x rows x cols  (16-byte header)
//   labels  0x00000801  count                 (8-byte header)
//
// Either may be gzipped (the files are distributed as `.gz`); zlib reads
// both forms through one interface. The reader trusts nothing: the file
// must be exactly header + data long (after decompression), labels must be
// classes 0-9, and every size is bounded before it is computed, so a
// hostile header cannot cause an overflow or a huge allocation. Pixels stay
// uint8: a batch is converted to float when it is needed, which keeps the
// training set at 47 MB instead of 188.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_DATA_IDX_H
#define CNNC_RUNTIME_DATA_IDX_H

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

/// The magics cnnc reads.
constexpr uint32_t kIdxImagesMagic = 0x00000803;
constexpr uint32_t kIdxLabelsMagic = 0x00000801;

/// The largest data section readIdx* accepts (4 GiB), and the largest image
/// side (2^15): far beyond any MNIST-like set, far below any overflow.
constexpr uint64_t kIdxMaxDataBytes = uint64_t(1) << 32;
constexpr uint32_t kIdxMaxImageSide = uint32_t(1) << 15;

/// The number of classes a label may name (MNIST and Fashion-MNIST: 10).
constexpr unsigned kIdxClasses = 10;

/// `count` images of `rows` x `cols` unsigned bytes, image after image.
struct IdxImages {
  int64_t count = 0, rows = 0, cols = 0;
  /// IDX files hold one; images read from files (runtime/images) 1, 3 or 4,
  /// interleaved.
  int64_t channels = 1;
  std::vector<uint8_t> pixels;

  int64_t pixelsPerImage() const { return rows * cols * channels; }
  const uint8_t *image(int64_t i) const {
    return pixels.data() + i * pixelsPerImage();
  }
};

/// Reads an images file. On failure returns false and sets `error` to one
/// line, "cannot read '<path>': <reason>".
bool readIdxImages(const std::string &path, IdxImages &out, std::string &error);

/// Reads a labels file (every label < kIdxClasses). Errors as above.
bool readIdxLabels(const std::string &path, std::vector<uint8_t> &out,
                   std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_DATA_IDX_H
