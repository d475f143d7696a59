//===- Keras3Write.cpp - A Keras 3 weights file ---------------------------===//
//
// `model.weights.h5` as Keras 3.1 writes it into a `.keras` archive: groups
// `layers/<key>/vars` holding datasets `0`, `1`, ... (float32, contiguous)
// for every layer (weightless ones an empty `vars`), and an empty root
// `vars`. Built in memory with libhdf5's core driver, as H5Write.cpp is.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/H5Handle.h"
#include "frontends/keras-h5/Keras3H5.h"
#include "frontends/keras-h5/KerasH5.h"

using namespace cnnc;

/// Object creation properties without timestamps, as h5py creates objects
/// by default: the same weights give the same bytes.
static hid_t untimed(hid_t propertyClass) {
  hid_t properties = H5Pcreate(propertyClass);
  if (properties >= 0)
    H5Pset_obj_track_times(properties, 0);
  return properties;
}

static bool createGroup(hid_t parent, const std::string &name) {
  H5Handle creation(untimed(H5P_GROUP_CREATE), H5Pclose);
  H5Handle group(
      H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation, H5P_DEFAULT),
      H5Gclose);
  return creation.valid() && group.valid();
}

static bool writeVariable(hid_t vars, const std::string &name,
                          const WeightArray &array) {
  std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
  H5Handle space(dims.empty()
                     ? H5Screate(H5S_SCALAR)
                     : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                 H5Sclose);
  if (!space.valid())
    return false;
  H5Handle creation(untimed(H5P_DATASET_CREATE), H5Pclose);
  H5Handle dataset(H5Dcreate2(vars, name.c_str(), H5T_IEEE_F32LE, space,
                              H5P_DEFAULT, creation, H5P_DEFAULT),
                   H5Dclose);
  return creation.valid() && dataset.valid() &&
         (array.data.empty() ||
          H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                   array.data.data()) >= 0);
}

static bool writeGroups(hid_t file, llvm::ArrayRef<Keras3VarGroup> groups) {
  if (!createGroup(file, "layers") || !createGroup(file, "vars"))
    return false;
  for (const Keras3VarGroup &group : groups) {
    // "layers/conv2d", then its "vars".
    if (!createGroup(file, group.path))
      return false;
    H5Handle creation(untimed(H5P_GROUP_CREATE), H5Pclose);
    H5Handle vars(H5Gcreate2(file, (group.path + "/vars").c_str(), H5P_DEFAULT,
                             creation, H5P_DEFAULT),
                  H5Gclose);
    if (!creation.valid() || !vars.valid())
      return false;
    for (size_t i = 0; i < group.vars.size(); ++i)
      if (!writeVariable(vars, std::to_string(i), group.vars[i]))
        return false;
  }
  return true;
}

llvm::Expected<std::string>
cnnc::writeKeras3H5Image(llvm::ArrayRef<Keras3VarGroup> groups) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto failure = [] {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the HDF5 library could not build the "
                                   "weights file");
  };
  H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() ||
      H5Pset_fapl_core(access, 1 << 20, /*backing_store=*/0) < 0)
    return failure();
  H5Handle file(
      H5Fcreate("model.weights.h5", H5F_ACC_TRUNC, H5P_DEFAULT, access),
      H5Fclose);
  if (!file.valid() || !writeGroups(file, groups) ||
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
