//===- ImageFile.cpp - PNG and JPEG files, decoded as Pillow opens them ---===//

#include "runtime/images/ImageFile.h"

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

using namespace cnnc;

int DecodedImage::channels() const {
  switch (mode) {
  case ImageMode::L:
    return 1;
  case ImageMode::LA:
    return 2;
  case ImageMode::RGB:
    return 3;
  case ImageMode::RGBA:
    return 4;
  }
  return 1;
}

static bool fail(std::string &error, const std::string &path,
                 const std::string &why) {
  error = "cannot read '" + path + "': " + why;
  return false;
}

/// The whole file, if it is at most kImageMaxFileBytes (read in pieces, so
/// that a device that never ends stops at the cap).
static bool readBounded(const std::string &path, std::string &bytes,
                        std::string &error) {
  struct stat status;
  if (stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode))
    return fail(error, path, "it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(error, path, std::strerror(errno));
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    bytes.append(buffer, size_t(in.gcount()));
    if (int64_t(bytes.size()) > kImageMaxFileBytes)
      return fail(error, path,
                  "it is larger than the 256 MiB an image file may be");
  }
  if (in.bad())
    return fail(error, path, "read failed");
  return true;
}

static bool checkSize(int64_t width, int64_t height, const std::string &path,
                      std::string &error) {
  if (width < 1 || height < 1)
    return fail(error, path, "the image is empty");
  if (width > kImageMaxPixels / height)
    return fail(error, path,
                "its header declares " + std::to_string(width) + "x" +
                    std::to_string(height) +
                    " pixels; cnnc reads images of at most 2^28 pixels");
  return true;
}

//===----------------------------------------------------------------------===//
// PNG
//===----------------------------------------------------------------------===//

namespace {
struct PngReader {
  const std::string &bytes;
  size_t offset = 0;
  std::string message; // libpng's error, if any
};
} // namespace

extern "C" {
static void pngError(png_structp png, png_const_charp message) {
  auto *reader = static_cast<PngReader *>(png_get_error_ptr(png));
  reader->message = message;
  png_longjmp(png, 1);
}
static void pngWarning(png_structp, png_const_charp) {}
static void pngRead(png_structp png, png_bytep data, size_t length) {
  auto *reader = static_cast<PngReader *>(png_get_io_ptr(png));
  if (reader->bytes.size() - reader->offset < length)
    png_error(png, "the file is truncated");
  std::memcpy(data, reader->bytes.data() + reader->offset, length);
  reader->offset += length;
}
}

static bool decodePng(const std::string &bytes, const std::string &path,
                      DecodedImage &out, std::string &error) {
  PngReader reader{bytes, 0, {}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader,
                                           pngError, pngWarning);
  if (!png)
    return fail(error, path, "out of memory");
  png_infop info = png_create_info_struct(png);
  // Everything with a destructor lives outside the setjmp region: libpng's
  // errors longjmp out of it, past any destructor inside.
  std::vector<uint8_t> decoded;
  std::vector<png_bytep> rows;
  int64_t width = 0, height = 0;
  int channels = 0, decodedChannels = 0;
  bool gray = false, hasAlpha = false;
  enum Outcome { Damaged, TooLarge, Gray16, Decoded };
  volatile Outcome outcome = Damaged;
  if (info && setjmp(png_jmpbuf(png)) == 0) {
    png_set_read_fn(png, &reader, pngRead);
    png_read_info(png, info);
    width = png_get_image_width(png, info);
    height = png_get_image_height(png, info);
    int colorType = png_get_color_type(png, info);
    int bitDepth = png_get_bit_depth(png, info);
    gray = !(colorType & PNG_COLOR_MASK_COLOR);
    hasAlpha = colorType & PNG_COLOR_MASK_ALPHA;
    if (width < 1 || height < 1 || width > kImageMaxPixels / height) {
      outcome = TooLarge;
    } else if (gray && bitDepth == 16) {
      outcome = Gray16;
    } else {
      if (colorType == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
      if (gray && bitDepth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
      if (bitDepth == 16)
        png_set_strip_16(png);
      png_set_interlace_handling(png);
      png_read_update_info(png, info);
      decodedChannels = png_get_channels(png, info);
      decoded.resize(size_t(width * height * decodedChannels));
      rows.resize(size_t(height));
      for (int64_t y = 0; y < height; ++y)
        rows[size_t(y)] = decoded.data() + y * width * decodedChannels;
      png_read_image(png, rows.data());
      png_read_end(png, nullptr);
      outcome = Decoded;
    }
  }
  png_destroy_read_struct(&png, &info, nullptr);
  switch (outcome) {
  case Damaged:
    return fail(
        error, path,
        "not a valid PNG file (" +
            (reader.message.empty() ? std::string("damaged") : reader.message) +
            ")");
  case TooLarge:
    return checkSize(width, height, path, error);
  case Gray16:
    return fail(error, path,
                "it is a 16-bit grayscale PNG, which Keras reads as "
                "unscaled 16-bit values; save it with 8 bits per pixel");
  case Decoded:
    break;
  }
  // A palette's or a single color's transparency (tRNS) is not a channel
  // of the image Pillow opens: drop what libpng made of it.
  channels = (gray ? 1 : 3) + (hasAlpha ? 1 : 0);
  out.width = width;
  out.height = height;
  out.mode = gray ? (hasAlpha ? ImageMode::LA : ImageMode::L)
                  : (hasAlpha ? ImageMode::RGBA : ImageMode::RGB);
  if (channels == decodedChannels) {
    out.samples = std::move(decoded);
    return true;
  }
  out.samples.resize(size_t(width * height * channels));
  for (int64_t p = 0; p < width * height; ++p)
    std::memcpy(&out.samples[size_t(p * channels)],
                &decoded[size_t(p * decodedChannels)], size_t(channels));
  return true;
}

//===----------------------------------------------------------------------===//
// JPEG
//===----------------------------------------------------------------------===//

namespace {
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  std::string message;
};
} // namespace

extern "C" {
static void jpegErrorExit(j_common_ptr cinfo) {
  auto *errors = reinterpret_cast<JpegErrors *>(cinfo->err);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  errors->message = text;
  std::longjmp(errors->jump, 1);
}
static void jpegMessage(j_common_ptr cinfo, int level) {
  // A file that ends early decodes as gray filler in libjpeg; Pillow
  // refuses it ("image file is truncated"), and so does cnnc. Other
  // warnings (extraneous bytes) Pillow ignores.
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto *errors = reinterpret_cast<JpegErrors *>(cinfo->err);
    errors->message = "the file is truncated";
    std::longjmp(errors->jump, 1);
  }
}
}

static bool decodeJpeg(const std::string &bytes, const std::string &path,
                       DecodedImage &out, std::string &error) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpegErrorExit;
  errors.manager.emit_message = jpegMessage;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return fail(error, path, "not a valid JPEG file (" + errors.message + ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char *>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (!checkSize(cinfo.image_width, cinfo.image_height, path, error)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  switch (cinfo.jpeg_color_space) {
  case JCS_GRAYSCALE:
    cinfo.out_color_space = JCS_GRAYSCALE;
    out.mode = ImageMode::L;
    break;
  case JCS_YCbCr:
  case JCS_RGB:
    cinfo.out_color_space = JCS_RGB;
    out.mode = ImageMode::RGB;
    break;
  default:
    jpeg_destroy_decompress(&cinfo);
    return fail(error, path,
                "it is a CMYK JPEG; cnnc reads grayscale and color ones");
  }
  jpeg_start_decompress(&cinfo);
  out.width = cinfo.output_width;
  out.height = cinfo.output_height;
  int channels = out.channels();
  out.samples.assign(size_t(out.width * out.height * channels), 0);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.samples.data() +
                   int64_t(cinfo.output_scanline) * out.width * channels;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

bool cnnc::readImageFile(const std::string &path, DecodedImage &out,
                         std::string &error) {
  std::string bytes;
  if (!readBounded(path, bytes, error))
    return false;
  static const char pngSignature[] = "\x89PNG\r\n\x1a\n";
  if (bytes.compare(0, 8, pngSignature, 8) == 0)
    return decodePng(bytes, path, out, error);
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xFF\xD8\xFF", 3) == 0)
    return decodeJpeg(bytes, path, out, error);
  return fail(error, path, "not a PNG or JPEG file");
}
