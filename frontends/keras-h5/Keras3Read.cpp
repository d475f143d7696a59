//===- Keras3Read.cpp - Read Keras 3's weights files with libhdf5 ---------===//
//
// Runs in a child process (detail::runIsolated). Follows hard links only (a
// soft or external link could point anywhere, an external one into another
// file), at most kMaxDepth groups deep (hard links may form cycles), and
// reads at most as many dataset bytes as the file holds.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/H5Handle.h"
#include "frontends/keras-h5/Keras3H5.h"
#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-h5/Wire.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

using namespace cnnc;

namespace {
constexpr int kMaxDepth = 16;
constexpr size_t kMaxGroups = 100000;
constexpr int kMaxRank = 8;
constexpr size_t kMaxNameBytes = 1 << 16;

class Keras3Reader {
public:
  Keras3Reader(llvm::StringRef displayName, uint64_t fileBytes)
      : displayName(displayName.str()), bytesLeft(fileBytes) {}

  llvm::Expected<Keras3H5Contents> read(hid_t file);

private:
  llvm::Error fail(const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + displayName + "': " + message.str());
  }
  llvm::Error walk(hid_t group, const std::string &path, int depth);
  llvm::Error readVars(hid_t vars, const std::string &path);
  llvm::Error readVariable(hid_t vars, const std::string &index,
                           const std::string &path, WeightArray &out);
  llvm::Expected<std::vector<std::string>> linkNames(hid_t group,
                                                     const std::string &path);

  std::string displayName;
  uint64_t bytesLeft;
  size_t groupsSeen = 0;
  Keras3H5Contents contents;
};
} // namespace

bool cnnc::keras3LayerGroupKey(llvm::StringRef path, std::string &key) {
  for (llvm::StringRef prefix : {"layers/", "_layer_checkpoint_dependencies/"})
    if (path.starts_with(prefix) && path.size() > prefix.size()) {
      key = path.drop_front(prefix.size()).str();
      return true;
    }
  return false;
}

llvm::Expected<std::vector<std::string>>
Keras3Reader::linkNames(hid_t group, const std::string &path) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0)
    return fail("group '" + path + "' is damaged");
  if (info.nlinks > kMaxGroups)
    return fail("group '" + path + "' has too many members");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                      nullptr, 0, H5P_DEFAULT);
    if (size < 0 || size_t(size) > kMaxNameBytes)
      return fail("group '" + path + "' is damaged");
    std::string name(size_t(size) + 1, '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                           name.data(), name.size(), H5P_DEFAULT) < 0)
      return fail("group '" + path + "' is damaged");
    name.resize(size_t(size));
    names.push_back(std::move(name));
  }
  return names;
}

/// A scalar string attribute (h5py writes `str` as variable-length UTF-8,
/// `bytes` as fixed-length); none when absent or of another kind.
static std::optional<std::string> stringAttribute(hid_t object,
                                                  const char *name) {
  if (H5Aexists(object, name) <= 0)
    return std::nullopt;
  H5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid())
    return std::nullopt;
  H5Handle type(H5Aget_type(attribute), H5Tclose);
  H5Handle space(H5Aget_space(attribute), H5Sclose);
  if (!type.valid() || !space.valid() || H5Tget_class(type) != H5T_STRING ||
      H5Sget_simple_extent_npoints(space) != 1)
    return std::nullopt;
  if (H5Tis_variable_str(type) > 0) {
    H5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    char *value = nullptr;
    if (!memory.valid() || H5Tset_size(memory, H5T_VARIABLE) < 0 ||
        H5Tset_cset(memory, H5Tget_cset(type)) < 0 ||
        H5Aread(attribute, memory, &value) < 0)
      return std::nullopt;
    std::string result = value
                             ? std::string(value, strnlen(value, kMaxNameBytes))
                             : std::string();
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, &value);
    return result;
  }
  size_t size = H5Tget_size(type);
  if (size == 0 || size > kMaxNameBytes)
    return std::nullopt;
  std::string buffer(size, '\0');
  if (H5Aread(attribute, type, buffer.data()) < 0)
    return std::nullopt;
  return std::string(buffer.c_str(), strnlen(buffer.c_str(), size));
}

llvm::Error Keras3Reader::readVariable(hid_t vars, const std::string &index,
                                       const std::string &path,
                                       WeightArray &out) {
  std::string where = path + "/vars/" + index;
  out.name = where;
  H5Handle dataset(H5Dopen2(vars, index.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid())
    return fail("'" + where + "' is not a dataset");
  H5Handle type(H5Dget_type(dataset), H5Tclose);
  H5Handle space(H5Dget_space(dataset), H5Sclose);
  if (!type.valid() || !space.valid())
    return fail("'" + where + "' is damaged");
  if (H5Tget_class(type) != H5T_FLOAT)
    return fail("'" + where + "' is not floating point");
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > kMaxRank)
    return fail("'" + where + "' has an unsupported rank");
  hsize_t dims[kMaxRank];
  if (H5Sget_simple_extent_dims(space, dims, nullptr) < 0)
    return fail("'" + where + "' is damaged");
  uint64_t elements = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] > (uint64_t(1) << 31) ||
        (dims[i] && elements > bytesLeft / dims[i]))
      return fail("'" + where + "' is larger than the file");
    elements *= dims[i];
    out.shape.push_back(int64_t(dims[i]));
  }
  // Whatever is read must be stored in the file (Keras stores weights
  // uncompressed and contiguous): allocation is bounded by the file's size.
  uint64_t bytes = elements * H5Tget_size(type);
  if (bytes > bytesLeft)
    return fail("the weights are larger than the file");
  bytesLeft -= bytes;
  if (elements && H5Dget_storage_size(dataset) < bytes)
    return fail("'" + where + "' is compressed or incomplete");
  out.data.resize(size_t(elements));
  if (elements && H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                          H5P_DEFAULT, out.data.data()) < 0)
    return fail("cannot read '" + where + "'");
  return llvm::Error::success();
}

llvm::Error Keras3Reader::readVars(hid_t vars, const std::string &path) {
  llvm::Expected<std::vector<std::string>> names = linkNames(vars, path);
  if (!names)
    return names.takeError();
  Keras3VarGroup group;
  group.path = path;
  group.savedName = stringAttribute(vars, "name");
  // Variables are numbered 0..k-1; links are listed alphabetically
  // ("10" before "2"), so each number is looked up.
  for (size_t i = 0; i < names->size(); ++i) {
    std::string index = std::to_string(i);
    if (!llvm::is_contained(*names, index))
      return fail("'" + path + "/vars' holds " + llvm::Twine(names->size()) +
                  " members but no variable " + index);
    WeightArray array;
    if (llvm::Error err = readVariable(vars, index, path, array))
      return err;
    group.vars.push_back(std::move(array));
  }
  contents.groups.push_back(std::move(group));
  return llvm::Error::success();
}

llvm::Error Keras3Reader::walk(hid_t group, const std::string &path,
                               int depth) {
  if (depth > kMaxDepth)
    return fail("groups nested more than " + llvm::Twine(kMaxDepth) +
                " deep under '" + path + "'");
  llvm::Expected<std::vector<std::string>> names = linkNames(group, path);
  if (!names)
    return names.takeError();
  for (const std::string &name : *names) {
    // tf.keras 2.15 on Windows joined paths with `\` inside one link name.
    std::string normalized = name;
    std::replace(normalized.begin(), normalized.end(), '\\', '/');
    std::string child = path.empty() ? normalized : path + "/" + normalized;
    // The optimizer's and the metrics' variables are not the model's.
    if (depth == 0 &&
        (llvm::StringRef(child).starts_with("optimizer") ||
         llvm::StringRef(child).starts_with("metrics/") || child == "metrics"))
      continue;
    H5L_info_t link;
    if (H5Lget_info(group, name.c_str(), &link, H5P_DEFAULT) < 0)
      return fail("member '" + child + "' is damaged");
    if (link.type != H5L_TYPE_HARD)
      return fail("member '" + child +
                  "' is a soft or external link, which Keras never writes");
    H5O_info_t object;
    if (H5Oget_info_by_name(group, name.c_str(), &object, H5P_DEFAULT) < 0)
      return fail("member '" + child + "' is damaged");
    if (object.type != H5O_TYPE_GROUP)
      continue;
    if (++groupsSeen > kMaxGroups)
      return fail("more groups than a model has");
    H5Handle sub(H5Gopen2(group, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!sub.valid())
      return fail("cannot open group '" + child + "'");
    if (normalized == "vars") {
      if (!path.empty())
        if (llvm::Error err = readVars(sub, path))
          return err;
      continue;
    }
    if (llvm::Error err = walk(sub, child, depth + 1))
      return err;
  }
  return llvm::Error::success();
}

llvm::Expected<Keras3H5Contents> Keras3Reader::read(hid_t file) {
  H5Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  if (!root.valid())
    return fail("cannot open its root group");
  if (H5Aexists(root, "layer_names") > 0 ||
      H5Lexists(root, "model_weights", H5P_DEFAULT) > 0) {
    contents.legacy = true;
    return std::move(contents);
  }
  if (llvm::Error err = walk(root, "", 0))
    return std::move(err);
  bool any = llvm::any_of(contents.groups, [](const Keras3VarGroup &g) {
    std::string key;
    return keras3LayerGroupKey(g.path, key);
  });
  if (!any)
    return fail("not a Keras weights file: no 'layers' group (Keras 3), no "
                "'_layer_checkpoint_dependencies' (tf.keras 2.13) and no "
                "'layer_names' (Keras 2)");
  return std::move(contents);
}

//===----------------------------------------------------------------------===//
// The child's side and the parent's
//===----------------------------------------------------------------------===//

static std::string encode(llvm::Expected<Keras3H5Contents> contents) {
  wire::Encoder e;
  if (!contents) {
    e.u8(1);
    e.string(llvm::toString(contents.takeError()));
    return std::move(e.bytes);
  }
  e.u8(0);
  e.u8(contents->legacy);
  e.u64(contents->groups.size());
  for (const Keras3VarGroup &group : contents->groups) {
    e.string(group.path);
    e.optString(group.savedName);
    e.u64(group.vars.size());
    for (const WeightArray &array : group.vars) {
      e.string(array.name);
      e.u64(array.shape.size());
      for (int64_t d : array.shape)
        e.u64(uint64_t(d));
      e.floats(array.data);
    }
  }
  return std::move(e.bytes);
}

static llvm::Expected<Keras3H5Contents> decode(std::string_view bytes,
                                               llvm::StringRef displayName) {
  wire::Decoder d(bytes);
  uint8_t status = d.u8();
  if (d.ok() && status == 1) {
    std::string message = d.string();
    if (d.ok())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }
  Keras3H5Contents contents;
  if (d.ok() && status == 0) {
    contents.legacy = d.u8();
    uint64_t groups = d.count(17);
    for (uint64_t i = 0; d.ok() && i < groups; ++i) {
      Keras3VarGroup group;
      group.path = d.string();
      group.savedName = d.optString();
      uint64_t arrays = d.count(24);
      for (uint64_t j = 0; d.ok() && j < arrays; ++j) {
        WeightArray array;
        array.name = d.string();
        uint64_t rank = d.count(8);
        for (uint64_t k = 0; d.ok() && k < rank; ++k)
          array.shape.push_back(int64_t(d.u64()));
        array.data = d.floats();
        group.vars.push_back(std::move(array));
      }
      contents.groups.push_back(std::move(group));
    }
    if (d.ok() && d.done())
      return contents;
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot read '" + displayName.str() +
                                     "': its reader sent back damaged "
                                     "contents");
}

/// The CPU time the reading child may take (as KerasH5ReadOptions).
static constexpr unsigned kCpuSeconds = 5;

llvm::Expected<Keras3H5Contents> cnnc::readKeras3H5File(llvm::StringRef path) {
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return llvm::createStringError(ec, "cannot read '" + path.str() +
                                           "': " + ec.message());
  llvm::Expected<std::string> bytes =
      detail::runIsolated(path, fileSize, kCpuSeconds, [&] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        Keras3Reader reader(path, fileSize);
        std::string pathString = path.str();
        H5Handle file(H5Fopen(pathString.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                      H5Fclose);
        if (!file.valid())
          return encode(llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "'" + pathString + "': not an HDF5 file, or a damaged one"));
        return encode(reader.read(file));
      });
  if (!bytes)
    return bytes.takeError();
  return decode(*bytes, path);
}

llvm::Expected<Keras3H5Contents>
cnnc::readKeras3H5Image(llvm::StringRef image, llvm::StringRef displayName) {
  llvm::Expected<std::string> bytes =
      detail::runIsolated(displayName, image.size(), kCpuSeconds, [&] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        auto damaged = [&] {
          return encode(llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "'" + displayName.str() +
                  "': not an HDF5 file, or a damaged one"));
        };
        if (!isHdf5Signature(image))
          return damaged();
        // The core driver reads the image in memory: no file is written.
        H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
        if (!access.valid() ||
            H5Pset_fapl_core(access, 1 << 16, /*backing_store=*/0) < 0 ||
            H5Pset_file_image(access, const_cast<char *>(image.data()),
                              image.size()) < 0)
          return damaged();
        // libhdf5 1.10's core driver still opens the name it is given and
        // refuses an image whose name exists as a file ("file already
        // exists"): a path below /dev/null can exist nowhere.
        H5Handle file(
            H5Fopen("/dev/null/model.weights.h5", H5F_ACC_RDONLY, access),
            H5Fclose);
        if (!file.valid())
          return damaged();
        Keras3Reader reader(displayName, image.size());
        return encode(reader.read(file));
      });
  if (!bytes)
    return bytes.takeError();
  return decode(*bytes, displayName);
}
