//===- H5Read.cpp - Read a Keras .h5 with libhdf5 -------------------------===//
//
// Runs in readKerasH5's child process. Reads only what Keras writes, by the
// names its attributes give, and bounds what it allocates by the file's
// size: a crafted file cannot make it read more than the file holds.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/H5Handle.h"
#include "frontends/keras-h5/KerasH5.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"

#include <cstring>

using namespace cnnc;

namespace {
/// The limits that keep a crafted file from costing more than a real one.
struct Budget {
  uint64_t bytesLeft; // dataset bytes: at most the file's size
  size_t stringsLeft = 1 << 20;
};

constexpr size_t kMaxAttributeBytes = 64 << 20;
constexpr int kMaxRank = 8;

class Reader {
public:
  Reader(llvm::StringRef path, uint64_t fileSize)
      : path(path.str()), budget{fileSize} {}

  llvm::Error fail(const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + path + "': " + message.str());
  }

  /// A string attribute, or a list of strings; nullopt when absent.
  llvm::Expected<std::optional<std::vector<std::string>>>
  readStrings(hid_t object, const char *name);
  llvm::Expected<std::optional<std::string>> readString(hid_t object,
                                                        const char *name);
  llvm::Error readDataset(hid_t group, const std::string &name,
                          WeightArray &out);
  llvm::Error readWeights(hid_t root, bool datasets, KerasH5Contents &out);

private:
  std::string path;
  Budget budget;
};
} // namespace

bool cnnc::isHdf5Signature(llvm::StringRef bytes) {
  return bytes.starts_with(llvm::StringRef("\x89HDF\r\n\x1a\n", 8));
}

llvm::Expected<std::optional<std::vector<std::string>>>
Reader::readStrings(hid_t object, const char *name) {
  htri_t exists = H5Aexists(object, name);
  if (exists < 0)
    return fail(llvm::Twine("cannot read attribute '") + name + "'");
  if (exists == 0)
    return std::nullopt;
  H5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid())
    return fail(llvm::Twine("cannot open attribute '") + name + "'");
  H5Handle type(H5Aget_type(attribute), H5Tclose);
  H5Handle space(H5Aget_space(attribute), H5Sclose);
  if (!type.valid() || !space.valid())
    return fail(llvm::Twine("attribute '") + name + "' is damaged");
  hssize_t count = H5Sget_simple_extent_npoints(space);
  if (count < 0 || size_t(count) > budget.stringsLeft)
    return fail(llvm::Twine("attribute '") + name + "' is damaged");
  budget.stringsLeft -= size_t(count);

  std::vector<std::string> strings;
  // An empty attribute of any type is an empty list: Keras writes an empty
  // name list as an empty float64 array, h5py writes np.array([], dtype='S')
  // as a zero-length fixed-length string array (which there is nothing to
  // read from), and h5py.Empty as a null dataspace.
  if (count == 0)
    return std::optional<std::vector<std::string>>(strings);
  if (H5Tget_class(type) != H5T_STRING)
    return fail(llvm::Twine("attribute '") + name + "' is not a string");

  if (H5Tis_variable_str(type) > 0) {
    H5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memory.valid() || H5Tset_size(memory, H5T_VARIABLE) < 0 ||
        H5Tset_cset(memory, H5Tget_cset(type)) < 0)
      return fail(llvm::Twine("cannot read attribute '") + name + "'");
    std::vector<char *> pointers(size_t(count), nullptr);
    if (H5Aread(attribute, memory, pointers.data()) < 0)
      return fail(llvm::Twine("cannot read attribute '") + name + "'");
    size_t total = 0;
    for (char *p : pointers) {
      std::string s = p ? std::string(p, strnlen(p, kMaxAttributeBytes)) : "";
      total += s.size();
      strings.push_back(std::move(s));
    }
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, pointers.data());
    if (total > kMaxAttributeBytes)
      return fail(llvm::Twine("attribute '") + name + "' is too large");
    return std::optional<std::vector<std::string>>(std::move(strings));
  }

  size_t size = H5Tget_size(type);
  if (size == 0 || size > kMaxAttributeBytes ||
      size_t(count) > kMaxAttributeBytes / size)
    return fail(llvm::Twine("attribute '") + name + "' is too large");
  std::vector<char> buffer(size * size_t(count));
  if (H5Aread(attribute, type, buffer.data()) < 0)
    return fail(llvm::Twine("cannot read attribute '") + name + "'");
  for (size_t i = 0; i < size_t(count); ++i) {
    const char *s = buffer.data() + i * size;
    strings.emplace_back(s, strnlen(s, size));
  }
  return std::optional<std::vector<std::string>>(std::move(strings));
}

llvm::Expected<std::optional<std::string>>
Reader::readString(hid_t object, const char *name) {
  auto strings = readStrings(object, name);
  if (!strings)
    return strings.takeError();
  if (!*strings)
    return std::nullopt;
  if ((*strings)->size() != 1)
    return fail(llvm::Twine("attribute '") + name + "' is not one string");
  return std::optional<std::string>(std::move((**strings)[0]));
}

llvm::Error Reader::readDataset(hid_t group, const std::string &name,
                                WeightArray &out) {
  out.name = name;
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0)
    return fail("weight '" + name + "' is listed but not in the file");
  H5Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid())
    return fail("cannot open weight '" + name + "' (not a dataset?)");
  H5Handle type(H5Dget_type(dataset), H5Tclose);
  H5Handle space(H5Dget_space(dataset), H5Sclose);
  if (!type.valid() || !space.valid())
    return fail("weight '" + name + "' is damaged");
  if (H5Tget_class(type) != H5T_FLOAT)
    return fail("weight '" + name + "' is not floating point");
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > kMaxRank)
    return fail("weight '" + name + "' has an unsupported rank");
  hsize_t dims[kMaxRank];
  if (H5Sget_simple_extent_dims(space, dims, nullptr) < 0)
    return fail("weight '" + name + "' is damaged");
  uint64_t elements = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] > (uint64_t(1) << 31) ||
        (dims[i] && elements > budget.bytesLeft / dims[i]))
      return fail("weight '" + name + "' is larger than the file");
    elements *= dims[i];
    out.shape.push_back(int64_t(dims[i]));
  }
  // Everything read must be stored in the file: this bounds allocation by
  // the file's size (Keras stores weights uncompressed and contiguous).
  uint64_t bytes = elements * H5Tget_size(type);
  if (bytes > budget.bytesLeft)
    return fail("the weights are larger than the file");
  budget.bytesLeft -= bytes;
  if (elements && H5Dget_storage_size(dataset) < bytes)
    return fail("weight '" + name + "' is compressed or incomplete");
  out.data.resize(size_t(elements));
  if (elements && H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                          H5P_DEFAULT, out.data.data()) < 0)
    return fail("cannot read weight '" + name + "'");
  return llvm::Error::success();
}

llvm::Error Reader::readWeights(hid_t root, bool datasets,
                                KerasH5Contents &out) {
  // model.save() puts the layers under model_weights; save_weights() at the
  // root.
  htri_t nested = H5Lexists(root, "model_weights", H5P_DEFAULT);
  H5Handle weightsGroup(nested > 0
                            ? H5Gopen2(root, "model_weights", H5P_DEFAULT)
                            : H5Gopen2(root, "/", H5P_DEFAULT),
                        H5Gclose);
  if (!weightsGroup.valid())
    return fail("cannot open its 'model_weights' group");
  auto layerNames = readStrings(weightsGroup, "layer_names");
  if (!layerNames)
    return layerNames.takeError();
  if (!*layerNames) {
    if (nested > 0)
      return fail("'model_weights' has no 'layer_names' attribute");
    return llvm::Error::success(); // a topology alone
  }
  WeightSet weights;
  if (!datasets) {
    out.weights = std::move(weights);
    return llvm::Error::success();
  }
  for (const std::string &layer : **layerNames) {
    if (H5Lexists(weightsGroup, layer.c_str(), H5P_DEFAULT) <= 0)
      return fail("layer '" + layer + "' is listed but has no group");
    H5Handle group(H5Gopen2(weightsGroup, layer.c_str(), H5P_DEFAULT),
                   H5Gclose);
    if (!group.valid())
      return fail("cannot open the group of layer '" + layer + "'");
    auto weightNames = readStrings(group, "weight_names");
    if (!weightNames)
      return weightNames.takeError();
    if (!*weightNames || (*weightNames)->empty())
      continue;
    LayerWeights layerWeights{layer, {}};
    for (const std::string &name : **weightNames) {
      WeightArray array;
      if (llvm::Error err = readDataset(group, name, array))
        return err;
      layerWeights.weights.push_back(std::move(array));
    }
    weights.layers.push_back(std::move(layerWeights));
  }
  out.weights = std::move(weights);
  return llvm::Error::success();
}

llvm::Expected<KerasH5Contents>
cnnc::detail::readKerasH5InProcess(llvm::StringRef path, bool weights) {
  // libhdf5 prints its error stack to stderr by default; cnnc reports one
  // line of its own instead.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return llvm::createStringError(ec, "cannot read '" + path.str() +
                                           "': " + ec.message());
  Reader reader(path, fileSize);
  std::string pathString = path.str();
  if (H5Fis_hdf5(pathString.c_str()) <= 0)
    return reader.fail("not an HDF5 file, or a damaged one");
  H5Handle file(H5Fopen(pathString.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                H5Fclose);
  if (!file.valid())
    return reader.fail("not an HDF5 file, or a damaged one");
  H5Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  if (!root.valid())
    return reader.fail("cannot open its root group");

  KerasH5Contents contents;
  auto modelConfig = reader.readString(root, "model_config");
  if (!modelConfig)
    return modelConfig.takeError();
  contents.modelConfig = std::move(*modelConfig);
  auto trainingConfig = reader.readString(root, "training_config");
  if (!trainingConfig)
    return trainingConfig.takeError();
  contents.trainingConfig = std::move(*trainingConfig);
  if (llvm::Error err = reader.readWeights(root, weights, contents))
    return std::move(err);
  if (!contents.modelConfig && !contents.weights)
    return reader.fail("not a legacy Keras file: no 'model_config' and no "
                       "'layer_names' (a Keras 3 .weights.h5 holds weights "
                       "only: give it as --weights)");
  return contents;
}
