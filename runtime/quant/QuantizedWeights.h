//===- QuantizedWeights.h - `cnnc quantize`'s weight file -------*- C++ -*-===//
//
// A quantized model's weights: what `cnnc quantize` writes and `--weights`
// reads (told apart from checkpoints, .h5 and TF.js files by its magic). It
// holds every parameter of the model, the int8 ones as codes with one
// scale per output channel, the rest as float32, and for each layer that
// runs in int8 the scale and zero point of its uint8 input. The scheme is
// in docs/compiler.md ("int8 inference"). Version 1; integers and floats
// little-endian; a "str" is a u32 byte count then the bytes; a "shape" is a
// u32 rank (at most 8) then that many u64 dimensions:
//
//   magic        8 bytes "CNNCQNT1"
//   version      u32 = 1
//   length       u64, the whole file's size in bytes
//   parameters   u32 count, then per parameter:
//                  name str, shape, kind u8:
//                  0 (float32): the f32 elements
//                  1 (int8, per output channel, symmetric): u32 channels (the
//                    last dimension), that many f32 scales (each finite and
//                    > 0), then the i8 codes, each in [-127, 127]
//   activations  u32 count, then per int8 layer: its Keras name str, the
//                input's f32 scale (finite, > 0) and i32 zero point
//                (0..255)
//   crc          u32, CRC-32 (zlib's) of every byte before it
//
// The reader trusts nothing, as the checkpoint reader: the magic, version
// and stated length first (the length must be the file's), then the CRC,
// then every count and shape against what is left of the file, so a
// truncated, damaged or crafted file is one line, "cannot read '<path>':
// <reason>", never a crash or a large allocation.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_QUANT_QUANTIZEDWEIGHTS_H
#define CNNC_RUNTIME_QUANT_QUANTIZEDWEIGHTS_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

constexpr char kQuantizedMagic[] = "CNNCQNT1"; // 8 bytes, no terminator
constexpr uint32_t kQuantizedVersion = 1;

/// One parameter: float32 values, or int8 codes with one scale per element
/// of the last dimension (a kernel's output channel): value = code * scale.
struct QuantizedTensor {
  std::string name; // "<layer>/<weight>", as ModelInfo names parameters
  std::vector<int64_t> shape;
  bool int8 = false;
  std::vector<float> values; // float32 parameters
  std::vector<int8_t> codes; // int8 parameters, row-major
  std::vector<float> scales; // int8 parameters: shape.back() of them

  /// The float32 values: `values`, or each code times its channel's scale
  /// (exact: a code has at most 8 significant bits).
  std::vector<float> dequantized() const;
};

/// How a layer's input is quantized: q = clamp(rint(x / scale) + zeroPoint,
/// 0, 255).
struct ActivationQuantization {
  std::string layer;
  float scale = 1.0f;
  int32_t zeroPoint = 0;
};

struct QuantizedWeights {
  std::vector<QuantizedTensor> parameters; // the model's order
  std::vector<ActivationQuantization> activations;
};

/// The bytes of `weights`; false with `error` set when they could not be
/// read back (a shape that does not match the data, a scale that is not
/// finite and positive, a code of -128, a zero point outside 0..255).
bool serializeQuantizedWeights(const QuantizedWeights &weights,
                               std::string &bytes, std::string &error);

/// Serializes `weights` and writes them to `path` atomically.
bool writeQuantizedWeights(const std::string &path,
                           const QuantizedWeights &weights, std::string &error);

/// Reads `path`; on failure leaves `out` alone and sets `error` to one
/// line, "cannot read '<path>': <reason>".
bool readQuantizedWeights(const std::string &path, QuantizedWeights &out,
                          std::string &error);

/// readQuantizedWeights on bytes in memory; `path` names them in errors.
bool parseQuantizedWeights(std::string_view bytes, const std::string &path,
                           QuantizedWeights &out, std::string &error);

/// True when `firstBytes` start with the magic, or are a shorter non-empty
/// prefix of it (a truncated file is best reported by this reader).
bool looksLikeQuantizedWeights(std::string_view firstBytes);

} // namespace cnnc

#endif // CNNC_RUNTIME_QUANT_QUANTIZEDWEIGHTS_H
