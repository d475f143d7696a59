//===- QuantizedWeights.cpp - `cnnc quantize`'s weight file ---------------===//
//
// Written whole in memory and renamed into place (writeFileAtomically);
// read with a size check before anything large is allocated, then a CRC,
// then a cursor that refuses to step past the end. See the header for the
// layout.
//
//===----------------------------------------------------------------------===//

#include "runtime/quant/QuantizedWeights.h"

#include "runtime/npy/Npy.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/support/BinaryFile.h"

#include <cmath>

using namespace cnnc;

namespace {

constexpr size_t kMagicBytes = 8;
constexpr size_t kHeaderBytes = 20; // magic, version, length
constexpr size_t kCrcBytes = 4;
constexpr uint64_t kMaxBytes = uint64_t(1) << 34;
constexpr uint32_t kMaxString = uint32_t(1) << 16;
constexpr uint32_t kMaxRank = 8;
constexpr uint64_t kMaxDimension = uint64_t(1) << 40;

bool validScale(float scale) { return std::isfinite(scale) && scale > 0.0f; }

const ByteLimits kLimits{kMaxString, kMaxRank, kMaxDimension,
                         /*elementBytes=*/1, "a quantized weight file"};

/// Why `tensor` cannot be written (and so could not be read back), or "".
std::string tensorProblem(const QuantizedTensor &tensor) {
  std::string what = "parameter '" + tensor.name + "'";
  uint64_t count;
  if (tensor.name.size() > kMaxString || tensor.shape.size() > kMaxRank ||
      !elementCount(tensor.shape, kMaxDimension, kMaxBytes, count))
    return what + " has an unsupported name or shape";
  if (!tensor.int8)
    return tensor.values.size() == count
               ? ""
               : what + " has " + std::to_string(tensor.values.size()) +
                     " values for shape " + formatNpyShape(tensor.shape);
  if (tensor.shape.empty())
    return what + " is int8 but has no channel dimension";
  if (tensor.codes.size() != count ||
      tensor.scales.size() != uint64_t(tensor.shape.back()))
    return what + " has " + std::to_string(tensor.codes.size()) +
           " codes and " + std::to_string(tensor.scales.size()) +
           " scales for shape " + formatNpyShape(tensor.shape);
  for (float scale : tensor.scales)
    if (!validScale(scale))
      return what + " has a scale that is not finite and positive";
  for (int8_t code : tensor.codes)
    if (code == -128)
      return what + " has a code of -128 (symmetric int8 is -127..127)";
  return "";
}

} // namespace

std::vector<float> QuantizedTensor::dequantized() const {
  if (!int8)
    return values;
  std::vector<float> out(codes.size());
  size_t channels = scales.size();
  for (size_t i = 0; i < codes.size(); ++i)
    out[i] = float(codes[i]) * scales[i % channels];
  return out;
}

bool cnnc::serializeQuantizedWeights(const QuantizedWeights &weights,
                                     std::string &bytes, std::string &error) {
  for (const QuantizedTensor &tensor : weights.parameters) {
    error = tensorProblem(tensor);
    if (!error.empty())
      return false;
  }
  for (const ActivationQuantization &activation : weights.activations)
    if (activation.layer.size() > kMaxString || !validScale(activation.scale) ||
        activation.zeroPoint < 0 || activation.zeroPoint > 255) {
      error = "layer '" + activation.layer +
              "' has an input scale or zero point that cannot be stored";
      return false;
    }
  bytes.clear();
  ByteWriter out(bytes);
  bytes.append(kQuantizedMagic, kMagicBytes);
  out.u32(kQuantizedVersion);
  out.u64(0); // the length, patched below
  out.u32(uint32_t(weights.parameters.size()));
  for (const QuantizedTensor &tensor : weights.parameters) {
    out.str(tensor.name);
    out.shape(tensor.shape);
    out.u8(tensor.int8 ? 1 : 0);
    if (!tensor.int8) {
      out.floats(tensor.values);
      continue;
    }
    out.u32(uint32_t(tensor.scales.size()));
    out.floats(tensor.scales);
    bytes.append(reinterpret_cast<const char *>(tensor.codes.data()),
                 tensor.codes.size());
  }
  out.u32(uint32_t(weights.activations.size()));
  for (const ActivationQuantization &activation : weights.activations) {
    out.str(activation.layer);
    out.f32(activation.scale);
    out.u32(uint32_t(activation.zeroPoint));
  }
  uint64_t length = bytes.size() + kCrcBytes;
  out.patchU64(12, length);
  out.u32(crc32Of(bytes));
  return true;
}

bool cnnc::writeQuantizedWeights(const std::string &path,
                                 const QuantizedWeights &weights,
                                 std::string &error) {
  std::string bytes;
  if (!serializeQuantizedWeights(weights, bytes, error)) {
    error = "cannot write '" + path + "': " + error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}

/// The header's problem for a file of `fileSize` bytes, or "".
static std::string headerProblem(std::string_view head, uint64_t fileSize,
                                 uint64_t &length) {
  if (head.size() < kMagicBytes ||
      head.substr(0, kMagicBytes) !=
          std::string_view(kQuantizedMagic, kMagicBytes))
    return looksLikeQuantizedWeights(head)
               ? "truncated: " + std::to_string(fileSize) +
                     " bytes, shorter than the header"
               : "not a cnnc quantized weight file (bad magic)";
  if (head.size() < kHeaderBytes)
    return "truncated: " + std::to_string(fileSize) +
           " bytes, shorter than the header";
  uint32_t version = uint32_t(readLittleEndian(head.data() + 8, 4));
  if (version != kQuantizedVersion)
    return "quantized weight file version " + std::to_string(version) +
           ", this cnnc reads version " + std::to_string(kQuantizedVersion);
  length = readLittleEndian(head.data() + 12, 8);
  if (length != fileSize)
    return "truncated or damaged: the header says " + std::to_string(length) +
           " bytes, the file has " + std::to_string(fileSize);
  if (length < kHeaderBytes + kCrcBytes || length > kMaxBytes)
    return "damaged: a stated length of " + std::to_string(length) + " bytes";
  return "";
}

bool cnnc::parseQuantizedWeights(std::string_view bytes,
                                 const std::string &path, QuantizedWeights &out,
                                 std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  uint64_t length = 0;
  std::string problem =
      headerProblem(bytes.substr(0, kHeaderBytes), bytes.size(), length);
  if (!problem.empty())
    return fail(problem);
  std::string_view body = bytes.substr(0, bytes.size() - kCrcBytes);
  uint32_t stored =
      uint32_t(readLittleEndian(bytes.data() + bytes.size() - kCrcBytes, 4));
  if (crc32Of(body) != stored)
    return fail("damaged: its CRC does not match its contents");

  ByteReader in(body.substr(kHeaderBytes), kLimits);
  QuantizedWeights result;
  uint32_t parameters;
  if (!in.count(parameters, 14, "the parameter count"))
    return fail(in.problem());
  for (uint32_t p = 0; p < parameters; ++p) {
    QuantizedTensor tensor;
    std::string what = "parameter " + std::to_string(p + 1);
    uint64_t elements;
    uint8_t kind;
    if (!in.str(tensor.name, what + "'s name") ||
        !in.shape(tensor.shape, elements, "parameter '" + tensor.name + "'") ||
        !in.u8(kind, "parameter '" + tensor.name + "'s kind"))
      return fail(in.problem());
    what = "parameter '" + tensor.name + "'";
    if (kind > 1)
      return fail(what + " has an unknown kind " + std::to_string(kind));
    tensor.int8 = kind == 1;
    if (!tensor.int8) {
      if (!in.floats(tensor.values, elements, what + "'s values"))
        return fail(in.problem());
    } else {
      uint32_t channels;
      if (!in.u32(channels, what + "'s channel count"))
        return fail(in.problem());
      if (tensor.shape.empty() || channels != uint64_t(tensor.shape.back()))
        return fail(what + " has " + std::to_string(channels) +
                    " scales for shape " + formatNpyShape(tensor.shape) +
                    " (one per element of the last dimension)");
      if (!in.floats(tensor.scales, channels, what + "'s scales"))
        return fail(in.problem());
      if (elements > in.left())
        return fail(what + "'s codes run past the end of the data");
      tensor.codes.resize(size_t(elements));
      if (!in.raw(tensor.codes.data(), elements, what + "'s codes"))
        return fail(in.problem());
      std::string bad = tensorProblem(tensor);
      if (!bad.empty())
        return fail(bad);
    }
    result.parameters.push_back(std::move(tensor));
  }
  uint32_t activations;
  if (!in.count(activations, 12, "the int8 layer count"))
    return fail(in.problem());
  for (uint32_t a = 0; a < activations; ++a) {
    ActivationQuantization activation;
    uint32_t zeroPoint;
    if (!in.str(activation.layer, "int8 layer " + std::to_string(a + 1)) ||
        !in.f32(activation.scale, "layer '" + activation.layer + "'s scale") ||
        !in.u32(zeroPoint, "layer '" + activation.layer + "'s zero point"))
      return fail(in.problem());
    if (!validScale(activation.scale))
      return fail("layer '" + activation.layer +
                  "' has an input scale that is not finite and positive");
    if (zeroPoint > 255)
      return fail("layer '" + activation.layer +
                  "' has an input zero point of " + std::to_string(zeroPoint) +
                  ", outside 0..255");
    activation.zeroPoint = int32_t(zeroPoint);
    result.activations.push_back(std::move(activation));
  }
  if (in.left() != 0)
    return fail(std::to_string(in.left()) +
                " bytes follow the last int8 layer");
  out = std::move(result);
  return true;
}

bool cnnc::readQuantizedWeights(const std::string &path, QuantizedWeights &out,
                                std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot read '" + path + "': " + reason;
    return false;
  };
  std::string bytes, reason;
  if (!readLengthCheckedFile(path, kHeaderBytes, headerProblem, bytes, reason))
    return fail(reason);
  return parseQuantizedWeights(bytes, path, out, error);
}

bool cnnc::looksLikeQuantizedWeights(std::string_view firstBytes) {
  return startsWithMagic(firstBytes,
                         std::string_view(kQuantizedMagic, kMagicBytes));
}
