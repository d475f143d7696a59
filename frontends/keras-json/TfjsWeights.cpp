//===- TfjsWeights.cpp - The weights a TF.js model.json names -------------===//
//
// A TF.js layers model keeps its weights beside model.json: the manifest
// lists groups, each a list of shard files and the weights they hold, in
// order. A group's shards are one byte stream cut into files (a weight may
// straddle two), little-endian, row-major, float32 unless the converter
// quantized them (uint8/uint16 affine, or float16).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

using namespace cnnc;

namespace {
/// How one weight's values are stored in the shards.
struct Encoding {
  enum Kind { Float32, Float16, Affine8, Affine16 } kind = Float32;
  double scale = 1.0, min = 0.0; // Affine: value = q * scale + min

  int64_t bytesPerValue() const {
    switch (kind) {
    case Float32:
      return 4;
    case Float16:
    case Affine16:
      return 2;
    case Affine8:
      return 1;
    }
    return 4;
  }
};

struct ManifestWeight {
  std::string name;
  std::vector<int64_t> shape;
  int64_t elements = 1;
  Encoding encoding;
  /// The optimizer's state (`"group": "optimizer"`, written by
  /// `model.save(..., {includeOptimizer: true})`): its bytes are passed
  /// over, as TF.js's loadLayersModel does.
  bool optimizerState = false;
  int64_t skippedBytesPerValue = 0;

  int64_t bytes() const {
    return elements *
           (optimizerState ? skippedBytesPerValue : encoding.bytesPerValue());
  }
};
} // namespace

/// IEEE half to float, subnormals and infinities included.
static float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  int exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(float(mantissa | 0x400), exponent - 25);
  uint32_t bits;
  std::memcpy(&bits, &magnitude, 4);
  bits |= sign;
  std::memcpy(&magnitude, &bits, 4);
  return magnitude;
}

/// The largest weight cnnc reads, in values: far beyond any CNN, and small
/// enough that byte counts cannot overflow.
static constexpr int64_t kMaxWeightValues = int64_t(1) << 36;

static llvm::Error readEncoding(const ConfigReader &weight, Encoding &out) {
  std::string dtype;
  if (llvm::Error err = weight.readString("dtype", dtype, /*required=*/true))
    return err;
  if (dtype != "float32")
    return weight.fail(weight.field("dtype"),
                       "weights of dtype '" + dtype +
                           "' are not supported (cnnc models are float32)");
  JsonNode quantization = weight.field("quantization");
  if (quantization.isNullOrMissing())
    return llvm::Error::success();
  if (!quantization.getObject())
    return weight.fail(quantization,
                       "expected an object for 'quantization', found " +
                           quantization.describe());
  ConfigReader q(quantization, weight.getOwner());
  std::string storage;
  if (llvm::Error err = q.readString("dtype", storage, /*required=*/true))
    return err;
  if (storage == "float16") {
    out.kind = Encoding::Float16;
    return llvm::Error::success();
  }
  if (storage != "uint8" && storage != "uint16")
    return q.fail(q.field("dtype"),
                  "unsupported quantization dtype '" + storage +
                      "' (cnnc reads uint8, uint16 and float16)");
  out.kind = storage == "uint8" ? Encoding::Affine8 : Encoding::Affine16;
  if (llvm::Error err = q.readNumber("scale", out.scale, /*required=*/true))
    return err;
  return q.readNumber("min", out.min, /*required=*/true);
}

static llvm::Error readManifestWeight(const JsonNode &node, size_t index,
                                      ManifestWeight &out) {
  if (!node.getObject())
    return node.error("expected an object for a manifest weight, found " +
                      node.describe());
  ConfigReader weight(node, "weight " + std::to_string(index + 1));
  if (llvm::Error err = weight.readString("name", out.name, /*required=*/true))
    return err;
  ConfigReader named(node, "weight '" + out.name + "'");
  JsonNode shape = named.field("shape");
  if (!shape.getArray())
    return named.fail(shape,
                      "expected a list for 'shape', found " + shape.describe());
  for (size_t i = 0; i < shape.getArray()->size(); ++i) {
    int64_t dim = 0;
    if (llvm::Error err = named.toInt(shape.at(i), "a dimension", dim))
      return err;
    if (dim < 0 || dim > kMaxSize)
      return named.fail(shape.at(i), "dimension " + std::to_string(dim) +
                                         " is out of range");
    out.shape.push_back(dim);
    if (dim && out.elements > kMaxWeightValues / dim)
      return named.fail(shape, "the weight is too large");
    out.elements *= dim;
  }
  std::string group;
  if (llvm::Error err = named.readString("group", group))
    return err;
  if (group == "optimizer") {
    std::string dtype;
    if (llvm::Error err = named.readString("dtype", dtype, /*required=*/true))
      return err;
    out.optimizerState = true;
    out.skippedBytesPerValue = dtype == "float32" || dtype == "int32" ? 4
                               : dtype == "bool"                      ? 1
                                                                      : 0;
    if (!out.skippedBytesPerValue ||
        !named.field("quantization").isNullOrMissing())
      return named.fail(named.field("dtype"), "optimizer state of dtype '" +
                                                  dtype +
                                                  "' cannot be passed over");
    return llvm::Error::success();
  }
  return readEncoding(named, out.encoding);
}

/// A shard path as TF.js resolves it: relative to model.json. A path that
/// leaves the model's directory is refused, so that a model file cannot
/// read whatever file it names.
static llvm::Expected<std::string> shardPath(const JsonNode &node,
                                             llvm::StringRef modelFile) {
  std::optional<llvm::StringRef> path = node.getString();
  if (!path)
    return node.error("expected a file name for a shard, found " +
                      node.describe());
  if (path->empty() || llvm::sys::path::is_absolute(*path))
    return node.error("shard path " + node.describe() +
                      " must be relative to the model.json");
  for (auto it = llvm::sys::path::begin(*path),
            end = llvm::sys::path::end(*path);
       it != end; ++it)
    if (*it == "..")
      return node.error("shard path " + node.describe() +
                        " leaves the model's directory");
  llvm::SmallString<256> full = llvm::sys::path::parent_path(modelFile);
  llvm::sys::path::append(full, *path);
  return std::string(full);
}

/// Reads one manifest group: its shards as one stream, cut into weights.
static llvm::Error readGroup(const JsonNode &group, llvm::StringRef modelFile,
                             WeightSet &out) {
  if (!group.getObject())
    return group.error("expected an object for a weight group, found " +
                       group.describe());
  JsonNode paths = group.get("paths");
  JsonNode weights = group.get("weights");
  if (!paths.getArray())
    return paths.error("expected a list of shard files for 'paths', found " +
                       paths.describe());
  if (!weights.getArray())
    return weights.error("expected a list for 'weights', found " +
                         weights.describe());

  std::vector<ManifestWeight> entries(weights.getArray()->size());
  int64_t needed = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (llvm::Error err = readManifestWeight(weights.at(i), i, entries[i]))
      return err;
    needed += entries[i].bytes();
    if (needed > kMaxWeightValues * 4)
      return weights.error("the weights are too large");
  }

  // The sizes first: nothing is read unless the shards hold exactly what
  // the manifest says.
  std::vector<std::string> files;
  uint64_t available = 0;
  for (size_t i = 0; i < paths.getArray()->size(); ++i) {
    llvm::Expected<std::string> file = shardPath(paths.at(i), modelFile);
    if (!file)
      return file.takeError();
    uint64_t size = 0;
    if (std::error_code ec = llvm::sys::fs::file_size(*file, size))
      return paths.at(i).error("cannot read shard '" + *file +
                               "': " + ec.message());
    available += size;
    files.push_back(std::move(*file));
  }
  if (available != uint64_t(needed))
    return paths.error("the shards hold " + std::to_string(available) +
                       " bytes, but the weights listed with them take " +
                       std::to_string(needed) +
                       " (a missing, truncated or foreign shard?)");

  std::string bytes;
  bytes.reserve(size_t(needed));
  for (size_t i = 0; i < files.size(); ++i) {
    auto buffer = llvm::MemoryBuffer::getFile(files[i], /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return paths.at(i).error("cannot read shard '" + files[i] +
                               "': " + buffer.getError().message());
    bytes.append((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  }
  if (bytes.size() != size_t(needed))
    return paths.error("the shards changed while they were read");

  const unsigned char *p =
      reinterpret_cast<const unsigned char *>(bytes.data());
  for (ManifestWeight &entry : entries) {
    if (entry.optimizerState) {
      p += entry.bytes();
      continue;
    }
    WeightArray array;
    array.name = entry.name;
    array.shape = entry.shape;
    array.data.resize(size_t(entry.elements));
    const Encoding &e = entry.encoding;
    for (int64_t i = 0; i < entry.elements; ++i) {
      float value;
      switch (e.kind) {
      case Encoding::Float32: {
        uint32_t bits = uint32_t(p[0]) | uint32_t(p[1]) << 8 |
                        uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        std::memcpy(&value, &bits, 4);
        break;
      }
      case Encoding::Float16:
        value = halfToFloat(uint16_t(p[0] | p[1] << 8));
        break;
      case Encoding::Affine8:
        value = float(p[0] * e.scale + e.min);
        break;
      case Encoding::Affine16:
        value = float((p[0] | p[1] << 8) * e.scale + e.min);
        break;
      }
      array.data[size_t(i)] = value;
      p += e.bytesPerValue();
    }
    // "conv2d/kernel" belongs to layer "conv2d"; consecutive weights of
    // one layer form its LayerWeights.
    llvm::StringRef name(entry.name);
    llvm::StringRef layer = name.contains('/') ? name.rsplit('/').first : name;
    if (out.layers.empty() || out.layers.back().layer != layer)
      out.layers.push_back({layer.str(), {}});
    out.layers.back().weights.push_back(std::move(array));
  }
  return llvm::Error::success();
}

/// TF.js's model.save lists every trainable weight of the model before the
/// non-trainable ones (LayersModel.weights), so a BatchNormalization's
/// moving statistics come after the last layer's kernel, a second run of
/// that layer's weights: each joins the layer's first run, after its gamma
/// and beta, which is Keras's order.
static WeightSet mergeLayers(WeightSet weights) {
  WeightSet merged;
  llvm::StringMap<size_t> index;
  for (LayerWeights &layer : weights.layers) {
    auto [it, inserted] = index.try_emplace(layer.layer, merged.layers.size());
    if (inserted) {
      merged.layers.push_back(std::move(layer));
      continue;
    }
    auto &into = merged.layers[it->second].weights;
    for (WeightArray &array : layer.weights)
      into.push_back(std::move(array));
  }
  return merged;
}

llvm::Expected<std::optional<WeightSet>>
cnnc::readTfjsWeights(llvm::StringRef text, llvm::StringRef fileName) {
  text = dropByteOrderMark(text);
  llvm::Expected<llvm::json::Value> root = parseKerasJsonText(text, fileName);
  if (!root)
    return root.takeError();
  JsonDocument doc(fileName, text);
  JsonNode rootNode(doc, &*root, JsonPath());
  JsonNode manifest = rootNode.get("weightsManifest");
  if (!rootNode.getObject() || manifest.isNullOrMissing())
    return std::nullopt;
  if (!manifest.getArray())
    return manifest.error("expected a list for 'weightsManifest', found " +
                          manifest.describe());
  WeightSet weights;
  for (size_t i = 0; i < manifest.getArray()->size(); ++i)
    if (llvm::Error err = readGroup(manifest.at(i), fileName, weights))
      return std::move(err);
  return std::optional<WeightSet>(mergeLayers(std::move(weights)));
}
