//===- ImageFolder.cpp - A folder of class subfolders, as Keras reads it --===//

#include "runtime/images/ImageFolder.h"
#include "runtime/images/KerasImage.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <dirent.h>
#include <random>
#include <sys/stat.h>

using namespace cnnc;

namespace {

struct Entry {
  std::string name;
  bool isDirectory; // following a symbolic link, as os.scandir's is_dir()
  bool isLink;
};

/// The entries of `directory` but "." and "..", unsorted.
bool listDirectory(const std::string &directory, std::vector<Entry> &entries,
                   std::string &error) {
  DIR *dir = opendir(directory.c_str());
  if (!dir) {
    error = "cannot read '" + directory + "': " + std::strerror(errno);
    return false;
  }
  while (dirent *entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..")
      continue;
    std::string path = directory + "/" + name;
    struct stat followed, link;
    bool isDirectory =
        stat(path.c_str(), &followed) == 0 && S_ISDIR(followed.st_mode);
    bool isLink = lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
    entries.push_back({name, isDirectory, isLink});
  }
  closedir(dir);
  return true;
}

/// os.walk(directory, followlinks=False)'s directories: `directory` and
/// every directory under it that is not reached through a symbolic link.
bool walkDirectories(const std::string &directory,
                     std::vector<std::string> &roots, std::string &error) {
  roots.push_back(directory);
  std::vector<Entry> entries;
  if (!listDirectory(directory, entries, error))
    return false;
  for (const Entry &entry : entries)
    if (entry.isDirectory && !entry.isLink &&
        !walkDirectories(directory + "/" + entry.name, roots, error))
      return false;
  return true;
}

std::string lowercase(std::string text) {
  for (char &c : text)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool endsWith(const std::string &text, const char *suffix) {
  size_t n = std::strlen(suffix);
  return text.size() >= n && text.compare(text.size() - n, n, suffix) == 0;
}

/// A class's image files in Keras's order (iter_valid_files): the walk's
/// directories sorted by path, each one's files sorted by name.
bool classFiles(const std::string &classDirectory,
                std::vector<std::string> &files, std::string &error) {
  std::vector<std::string> roots;
  if (!walkDirectories(classDirectory, roots, error))
    return false;
  std::sort(roots.begin(), roots.end());
  for (const std::string &root : roots) {
    std::vector<Entry> entries;
    if (!listDirectory(root, entries, error))
      return false;
    std::vector<std::string> names;
    for (const Entry &entry : entries)
      if (!entry.isDirectory)
        names.push_back(entry.name);
    std::sort(names.begin(), names.end());
    for (const std::string &name : names) {
      std::string lower = lowercase(name);
      if (endsWith(lower, ".png") || endsWith(lower, ".jpg") ||
          endsWith(lower, ".jpeg")) {
        files.push_back(root + "/" + name);
      } else if (endsWith(lower, ".bmp") || endsWith(lower, ".gif")) {
        error = "cannot read '" + root + "/" + name +
                "': cnnc reads PNG and JPEG images, not BMP or GIF";
        return false;
      }
    }
  }
  return true;
}

/// numpy's legacy random_interval: a value in [0, max], drawn by masking
/// 32-bit outputs and rejecting those above max.
uint64_t randomInterval(std::mt19937 &rng, uint64_t max) {
  if (max == 0)
    return 0;
  uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2)
    mask |= mask >> shift;
  uint64_t value;
  do
    value = rng() & mask;
  while (value > max);
  return value;
}

} // namespace

std::vector<int64_t> cnnc::numpyShuffleOrder(int64_t count, uint32_t seed) {
  // RandomState(int) seeds MT19937 with init_genrand, std::mt19937's rule.
  std::mt19937 rng(seed);
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[size_t(i)] = i;
  for (int64_t i = count - 1; i >= 1; --i)
    std::swap(order[size_t(i)],
              order[size_t(randomInterval(rng, uint64_t(i)))]);
  return order;
}

bool cnnc::listImageClasses(const std::string &directory,
                            std::vector<std::string> &classes,
                            std::string &error) {
  struct stat info;
  if (stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = "--image-dir '" + directory + "' is not a directory";
    return false;
  }
  std::vector<Entry> entries;
  if (!listDirectory(directory, entries, error))
    return false;
  for (const Entry &entry : entries)
    if (entry.isDirectory && entry.name[0] != '.')
      classes.push_back(entry.name);
  std::sort(classes.begin(), classes.end());
  if (classes.empty()) {
    error = "--image-dir '" + directory +
            "' has no class subfolders (DIR/<class>/<image>.png, as Keras's "
            "image_dataset_from_directory reads)";
    return false;
  }
  if (classes.size() > 256) {
    error = "--image-dir '" + directory + "' has " +
            std::to_string(classes.size()) +
            " classes; cnnc trains on at most 256";
    return false;
  }
  return true;
}

bool cnnc::readImageFolder(const ImageFolderRequest &request, Dataset &out,
                           std::string &error) {
  std::vector<std::string> classes;
  if (!listImageClasses(request.directory, classes, error))
    return false;
  std::vector<std::string> files;
  std::vector<uint8_t> labels;
  for (size_t c = 0; c < classes.size(); ++c) {
    if (!classFiles(request.directory + "/" + classes[c], files, error))
      return false;
    labels.resize(files.size(), uint8_t(c));
  }
  int64_t count = int64_t(files.size());
  if (count == 0) {
    error = "--image-dir '" + request.directory +
            "' has no .png, .jpg or .jpeg files in its class subfolders";
    return false;
  }
  std::vector<int64_t> order = numpyShuffleOrder(count, uint32_t(request.seed));
  int64_t validationCount =
      request.train ? int64_t(request.validationSplit * double(count)) : 0;
  int64_t pixels = request.height * request.width * request.channels;

  auto fill = [&](IdxImages &images, std::vector<uint8_t> &setLabels,
                  int64_t begin, int64_t end) {
    images.count = end - begin;
    images.rows = request.height;
    images.cols = request.width;
    images.channels = request.channels;
    images.pixels.resize(size_t(images.count * pixels));
    setLabels.resize(size_t(images.count));
    for (int64_t k = begin; k < end; ++k) {
      int64_t source = order[size_t(k)];
      DecodedImage image;
      if (!readImageFile(files[size_t(source)], image, error))
        return false;
      std::vector<float> values =
          resizeImage(convertChannels(image, int(request.channels)),
                      request.height, request.width, Resize::Bilinear);
      uint8_t *target = images.pixels.data() + (k - begin) * pixels;
      for (int64_t p = 0; p < pixels; ++p)
        target[p] = uint8_t(
            std::clamp(std::nearbyint(values[size_t(p)]), 0.0f, 255.0f));
      setLabels[size_t(k - begin)] = labels[size_t(source)];
    }
    return true;
  };
  if (!request.train)
    return fill(out.testImages, out.testLabels, 0, count);
  out.separateValidation = true;
  return fill(out.trainImages, out.trainLabels, 0, count - validationCount) &&
         fill(out.validationImages, out.validationLabels,
              count - validationCount, count);
}
