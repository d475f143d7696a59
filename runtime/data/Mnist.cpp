//===- Mnist.cpp - MNIST and Fashion-MNIST, found or read -----------------===//
//
// Locating and reading; fetching is in Fetch.cpp.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Mnist.h"

#include <cstdlib>
#include <sys/stat.h>

using namespace cnnc;

const char *const cnnc::kMnistFileNames[4] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

const char *const cnnc::kMnistMd5s[4] = {
    "6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
    "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"};

/// Where Debian's dataset-fashion-mnist installs its (gzipped) files.
static const char kDebianFashionMnist[] = "/usr/share/datasets/fashion-mnist";

std::string cnnc::defaultDatasetCache() {
  const char *xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/')
    return std::string(xdg) + "/cnnc/datasets";
  const char *home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.cache/cnnc/datasets";
}

static bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

/// Finds `name` or `name.gz` in `dir` (the plain file first: it is what a
/// user who unpacked the files meant). Empty if neither exists.
static std::string findInDirectory(const std::string &dir,
                                   const std::string &name) {
  for (const char *suffix : {"", ".gz"}) {
    std::string path = dir + "/" + name + suffix;
    if (isFile(path))
      return path;
  }
  return "";
}

/// Fills `files` from `dir` for the halves `request` asks for; false (with
/// the first missing name in `missing`) if one of them is not there.
static bool filesIn(const std::string &dir, const DatasetRequest &request,
                    DatasetFiles &files, std::string &missing) {
  std::string *slots[4] = {&files.trainImages, &files.trainLabels,
                           &files.testImages, &files.testLabels};
  for (int i = 0; i < 4; ++i) {
    if (!(i < 2 ? request.train : request.test))
      continue;
    *slots[i] = findInDirectory(dir, kMnistFileNames[i]);
    if (slots[i]->empty()) {
      missing = kMnistFileNames[i];
      return false;
    }
  }
  return true;
}

bool cnnc::locateDataset(const DatasetRequest &request, DatasetFiles &files,
                         std::string &error) {
  bool fashion = request.dataset == "fashion_mnist";
  if (!fashion && request.dataset != "mnist") {
    error = "unknown dataset '" + request.dataset +
            "': cnnc knows mnist and fashion_mnist";
    return false;
  }
  std::string missing;
  if (!request.dataDir.empty()) {
    if (filesIn(request.dataDir, request, files, missing))
      return true;
    error = "'" + request.dataDir + "' has no " + missing + " (nor " + missing +
            ".gz): --data names a directory holding the " +
            (fashion ? "Fashion-MNIST" : "MNIST") + " files under their " +
            "original names";
    return false;
  }
  if (fashion && filesIn(kDebianFashionMnist, request, files, missing))
    return true;

  std::string root =
      request.cacheRoot.empty() ? defaultDatasetCache() : request.cacheRoot;
  std::string dir = root + (fashion ? "/fashion-mnist" : "/mnist");
  if (filesIn(dir, request, files, missing))
    return true;
  if (!(fashion ? fetchFashionMnist(dir, request.log, error)
                : fetchMnist(dir, request.log, error)))
    return false;
  if (filesIn(dir, request, files, missing))
    return true;
  error = "fetching " + request.dataset + " left no " + missing + " in '" +
          dir + "'";
  return false;
}

/// Reads one half (images + labels) and checks their counts agree.
static bool loadHalf(const std::string &imagesPath,
                     const std::string &labelsPath, IdxImages &images,
                     std::vector<uint8_t> &labels, std::string &error) {
  if (!readIdxImages(imagesPath, images, error) ||
      !readIdxLabels(labelsPath, labels, error))
    return false;
  if (images.count == int64_t(labels.size()))
    return true;
  error = "'" + imagesPath + "' holds " + std::to_string(images.count) +
          " images but '" + labelsPath + "' holds " +
          std::to_string(labels.size()) + " labels";
  return false;
}

bool cnnc::loadDataset(const DatasetRequest &request, Dataset &out,
                       std::string &error) {
  DatasetFiles files;
  if (!locateDataset(request, files, error))
    return false;
  if (request.train && !loadHalf(files.trainImages, files.trainLabels,
                                 out.trainImages, out.trainLabels, error))
    return false;
  if (request.test && !loadHalf(files.testImages, files.testLabels,
                                out.testImages, out.testLabels, error))
    return false;
  const IdxImages &train = out.trainImages, &test = out.testImages;
  if (request.train && request.test &&
      (train.rows != test.rows || train.cols != test.cols)) {
    auto size = [](const IdxImages &images) {
      return std::to_string(images.rows) + "x" + std::to_string(images.cols);
    };
    error = "'" + files.testImages + "' holds " + size(test) + " images but '" +
            files.trainImages + "' holds " + size(train) + " images";
    return false;
  }
  return true;
}
