//===- KerasArchive.cpp - Read Keras 3's `.keras` files -------------------===//

#include "frontends/keras3/KerasArchive.h"

#include "frontends/common/LocatedError.h"
#include "frontends/keras-h5/Keras3H5.h"
#include "frontends/keras-json/JsonNode.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras-json/KerasReaders.h"
#include "frontends/keras3/ZipArchive.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace cnnc;

// What cnnc reads of each member at most. Keras writes a few hundred bytes
// of metadata, kilobytes of config (the JSON frontend's own limit is 16 MiB),
// and weights as large as the model.
static constexpr uint64_t kMaxMetadataBytes = 1 << 20;
static constexpr uint64_t kMaxConfigBytes = 16 << 20;
static constexpr uint64_t kMaxWeightsBytes = uint64_t(2) << 30;

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool cnnc::isZipSignature(llvm::StringRef head) {
  return head.starts_with(llvm::StringRef("PK\x03\x04", 4)) ||
         head.starts_with(llvm::StringRef("PK\x05\x06", 4));
}

/// The member `name`, which a `.keras` file must have.
static llvm::Expected<std::string> requiredMember(ZipReader &zip,
                                                  llvm::StringRef path,
                                                  llvm::StringRef name,
                                                  uint64_t maxBytes) {
  llvm::Expected<std::optional<std::string>> member = zip.read(name, maxBytes);
  if (!member)
    return member.takeError();
  if (*member)
    return std::move(**member);
  std::string has;
  for (const std::string &other : zip.names()) {
    if (has.size() > 80) {
      has += ", ...";
      break;
    }
    has += (has.empty() ? "" : ", ") + other;
  }
  return failure(
      "'" + path + "': not a Keras archive: it has no '" + name + "' (" +
      (has.empty() ? std::string("it is empty") : "its members: " + has) + ")");
}

llvm::Expected<KerasArchive> cnnc::readKerasArchive(llvm::StringRef path) {
  // A device or a pipe (/dev/zero) would be read without end.
  if (!llvm::sys::fs::is_regular_file(path))
    return failure("cannot read '" + path + "': " +
                   (llvm::sys::fs::exists(path) ? "not a regular file"
                                                : "no such file or directory"));
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return failure("cannot read '" + path +
                   "': " + buffer.getError().message());
  llvm::Expected<std::unique_ptr<ZipReader>> zip =
      ZipReader::open((*buffer)->getBuffer(), path);
  if (!zip)
    return zip.takeError();

  KerasArchive archive;
  llvm::Expected<std::string> metadata =
      requiredMember(**zip, path, "metadata.json", kMaxMetadataBytes);
  if (!metadata)
    return metadata.takeError();
  std::string metadataName = (path + ": metadata.json").str();
  llvm::StringRef metadataText = dropByteOrderMark(*metadata);
  llvm::Expected<llvm::json::Value> metadataRoot =
      parseKerasJsonText(metadataText, metadataName);
  if (!metadataRoot)
    return metadataRoot.takeError();
  JsonDocument doc(metadataName, metadataText);
  JsonNode root(doc, &*metadataRoot, JsonPath());
  if (!root.getObject())
    return root.error("expected an object, found " + root.describe());
  JsonNode version = root.get("keras_version");
  if (!version.getString())
    return (version.exists() ? version : root)
        .error("expected a string 'keras_version', found " +
               version.describe());
  archive.kerasVersion = version.getString()->str();

  llvm::Expected<std::string> config =
      requiredMember(**zip, path, "config.json", kMaxConfigBytes);
  if (!config)
    return config.takeError();
  archive.config = std::move(*config);

  if (llvm::is_contained((*zip)->names(), "model.weights.npz"))
    return failure("'" + path +
                   "': its weights are a model.weights.npz, which cnnc "
                   "does not read (Keras writes model.weights.h5)");
  llvm::Expected<std::string> weights =
      requiredMember(**zip, path, "model.weights.h5", kMaxWeightsBytes);
  if (!weights)
    return weights.takeError();
  archive.weights = std::move(*weights);
  return archive;
}

/// The layers of the model `model` (a config entry with `config.layers`)
/// into `result`, a nested model's layers under its path and scope.
static llvm::Error configLayers(const JsonNode &model,
                                const std::vector<KerasScopeRef> &scopes,
                                std::vector<KerasLayerRef> &result) {
  JsonNode layers = model.get("config").get("layers");
  if (!layers.getArray())
    return (layers.exists() ? layers : model)
        .error("expected the model's 'config' to hold a list of 'layers'");
  std::string prefix;
  for (const KerasScopeRef &scope : scopes)
    prefix += scope.name + "/";
  for (size_t i = 0; i < layers.getArray()->size(); ++i) {
    JsonNode entry = layers.at(i);
    JsonNode className = entry.get("class_name");
    if (!className.getString())
      return (className.exists() ? className : entry)
          .error("expected a string 'class_name' for the layer");
    KerasLayerRef layer;
    layer.className = bareClassName(*className.getString()).str();
    // A Lambda is Python code: nothing cnnc could compile, whatever the
    // model around it (said before the topology is, which may be refused
    // for its own reasons).
    if (layer.className == "Lambda")
      return className.error("Lambda layers run arbitrary Python code, which "
                             "cnnc cannot compile; rewrite the layer with "
                             "Keras's built-in layers");
    JsonNode name = entry.get("config").get("name");
    if (!name.exists())
      name = entry.get("name");
    if (name.exists() && !name.getString())
      return name.error("expected a string for 'name', found " +
                        name.describe());
    std::string leaf = name.exists() ? name.getString()->str() : "";
    // A nested model: its layers, below its group (Keras3Layout.h).
    if (isModelClass(layer.className)) {
      std::vector<KerasScopeRef> inner = scopes;
      inner.push_back({leaf, layer.className});
      if (llvm::Error err = configLayers(entry, inner, result))
        return err;
      continue;
    }
    layer.name = prefix + leaf;
    layer.scopes = scopes;
    result.push_back(std::move(layer));
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<KerasLayerRef>>
cnnc::kerasConfigLayers(llvm::StringRef configText, llvm::StringRef fileName) {
  configText = dropByteOrderMark(configText);
  llvm::Expected<llvm::json::Value> parsed =
      parseKerasJsonText(configText, fileName);
  if (!parsed)
    return parsed.takeError();
  JsonDocument doc(fileName, configText);
  JsonNode root(doc, &*parsed, JsonPath());
  if (!root.getObject())
    return root.error("expected a JSON object holding a Keras model, found " +
                      root.describe());
  std::vector<KerasLayerRef> result;
  if (llvm::Error err = configLayers(root, {}, result))
    return std::move(err);
  return result;
}

llvm::Expected<ModelSpec> cnnc::readKerasArchiveModel(llvm::StringRef path) {
  llvm::Expected<KerasArchive> archive = readKerasArchive(path);
  if (!archive)
    return archive.takeError();
  // Positions are within config.json, so the member is named with the
  // file, as an .h5's model_config attribute is.
  std::string fileName = (path + ": config.json").str();
  llvm::Expected<std::vector<KerasLayerRef>> layers =
      kerasConfigLayers(archive->config, fileName);
  if (!layers)
    return layers.takeError();
  return parseKerasJson(archive->config, fileName, archive->kerasVersion);
}

llvm::Expected<WeightSet> cnnc::readKerasArchiveWeights(llvm::StringRef path) {
  llvm::Expected<KerasArchive> archive = readKerasArchive(path);
  if (!archive)
    return archive.takeError();
  llvm::Expected<std::vector<KerasLayerRef>> layers =
      kerasConfigLayers(archive->config, (path + ": config.json").str());
  if (!layers)
    return layers.takeError();
  std::string member = (path + ": model.weights.h5").str();
  llvm::Expected<Keras3H5Contents> contents =
      readKeras3H5Image(archive->weights, member);
  if (!contents)
    return contents.takeError();
  if (contents->legacy)
    return failure("'" + member +
                   "' is laid out as a legacy Keras .h5 (layer_names), not "
                   "as Keras 3 writes a .keras archive's weights");
  return keras3WeightSet(*layers, *contents, path);
}
