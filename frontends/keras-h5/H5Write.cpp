//===- H5Write.cpp - A Keras `model.save('m.h5')` file --------------------===//
//
// Built in memory (libhdf5's core driver, no backing file) so that the
// caller writes the bytes atomically like every other output. The layout is
// what h5py writes for Keras 2 (docs/keras-semantics.md §6): superblock v0,
// fixed-length byte-string attributes, contiguous float32 datasets at
// model_weights/<layer>/<layer>/kernel:0.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/H5Handle.h"
#include "frontends/keras-h5/KerasH5.h"

#include <algorithm>

using namespace cnnc;

/// The Keras version whose layout the file follows; Keras reads it only to
/// convert files of Keras 1.
static constexpr const char *kKerasVersion = "2.15.0";

/// A list of names as a fixed-length byte-string array (numpy's 'S'), or,
/// when empty, the empty float64 array Keras writes for an empty list.
static bool writeNames(hid_t object, const char *name,
                       const std::vector<std::string> &names) {
  if (names.empty()) {
    hsize_t zero = 0;
    H5Handle space(H5Screate_simple(1, &zero, nullptr), H5Sclose);
    H5Handle attribute(H5Acreate2(object, name, H5T_IEEE_F64LE, space,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       H5Aclose);
    return space.valid() && attribute.valid();
  }
  size_t width = 1;
  for (const std::string &s : names)
    width = std::max(width, s.size());
  std::string buffer(width * names.size(), '\0');
  for (size_t i = 0; i < names.size(); ++i)
    std::copy(names[i].begin(), names[i].end(), buffer.begin() + i * width);
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  hsize_t count = names.size();
  H5Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (!type.valid() || !space.valid() || H5Tset_size(type, width) < 0 ||
      H5Tset_strpad(type, H5T_STR_NULLPAD) < 0)
    return false;
  H5Handle attribute(
      H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  return attribute.valid() && H5Awrite(attribute, type, buffer.data()) >= 0;
}

/// A scalar fixed-length string attribute, as h5py stores Python bytes.
static bool writeString(hid_t object, const char *name, llvm::StringRef value) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!type.valid() || !space.valid() ||
      H5Tset_size(type, std::max<size_t>(value.size(), 1)) < 0 ||
      H5Tset_strpad(type, H5T_STR_NULLPAD) < 0)
    return false;
  std::string buffer = value.str();
  buffer.resize(std::max<size_t>(value.size(), 1), '\0');
  H5Handle attribute(
      H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  return attribute.valid() && H5Awrite(attribute, type, buffer.data()) >= 0;
}

static bool writeArray(hid_t group, const WeightArray &array) {
  std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
  H5Handle space(dims.empty()
                     ? H5Screate(H5S_SCALAR)
                     : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                 H5Sclose);
  // "conv2d/kernel:0" is a path: its groups are made on the way.
  H5Handle links(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!space.valid() || !links.valid() ||
      H5Pset_create_intermediate_group(links, 1) < 0)
    return false;
  H5Handle dataset(H5Dcreate2(group, array.name.c_str(), H5T_IEEE_F32LE, space,
                              links, H5P_DEFAULT, H5P_DEFAULT),
                   H5Dclose);
  return dataset.valid() &&
         (array.data.empty() ||
          H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                   array.data.data()) >= 0);
}

static bool writeModel(hid_t file, llvm::StringRef modelConfig,
                       const std::optional<std::string> &trainingConfig,
                       llvm::ArrayRef<LayerWeights> layers) {
  H5Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  if (!root.valid() || !writeString(root, "backend", "tensorflow") ||
      !writeString(root, "keras_version", kKerasVersion) ||
      !writeString(root, "model_config", modelConfig) ||
      (trainingConfig &&
       !writeString(root, "training_config", *trainingConfig)))
    return false;
  H5Handle weights(
      H5Gcreate2(file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Gclose);
  std::vector<std::string> layerNames;
  for (const LayerWeights &layer : layers)
    layerNames.push_back(layer.layer);
  if (!weights.valid() || !writeString(weights, "backend", "tensorflow") ||
      !writeString(weights, "keras_version", kKerasVersion) ||
      !writeNames(weights, "layer_names", layerNames))
    return false;
  for (const LayerWeights &layer : layers) {
    H5Handle group(H5Gcreate2(weights, layer.layer.c_str(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose);
    std::vector<std::string> weightNames;
    for (const WeightArray &array : layer.weights)
      weightNames.push_back(array.name);
    if (!group.valid() || !writeNames(group, "weight_names", weightNames))
      return false;
    for (const WeightArray &array : layer.weights)
      if (!writeArray(group, array))
        return false;
  }
  return true;
}

llvm::Expected<std::string>
cnnc::writeKerasH5Image(llvm::StringRef modelConfig,
                        const std::optional<std::string> &trainingConfig,
                        llvm::ArrayRef<LayerWeights> layers) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto failure = [] {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the HDF5 library could not build the file");
  };
  H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() ||
      H5Pset_fapl_core(access, 1 << 20, /*backing_store=*/0) < 0)
    return failure();
  H5Handle file(H5Fcreate("cnnc-export.h5", H5F_ACC_TRUNC, H5P_DEFAULT, access),
                H5Fclose);
  if (!file.valid() || !writeModel(file, modelConfig, trainingConfig, layers) ||
      H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
    return failure();
  ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size <= 0)
    return failure();
  std::string image(size_t(size), '\0');
  if (H5Fget_file_image(file, image.data(), image.size()) != size)
    return failure();
  return image;
}
