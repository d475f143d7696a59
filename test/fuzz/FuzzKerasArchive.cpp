//===- FuzzKerasArchive.cpp - libFuzzer target: Keras 3 .keras files ------===//
//
// fuzz-keras-archive: the input is a `.keras` file, read as `cnnc predict
// m.keras` reads it: the zip (libzip), metadata.json and config.json (the
// JSON frontend), then model.weights.h5 (libhdf5, in the child process)
// bound to the config's layers.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras3/KerasArchive.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

static const std::string &scratchFile() {
  // A directory of this process's own, removed at exit (a crash leaves it,
  // with the input that crashed).
  struct Scratch {
    std::string directory;
    Scratch() {
      char pattern[] = "/tmp/cnnc-fuzz-XXXXXX";
      const char *made = mkdtemp(pattern);
      if (!made)
        std::abort();
      directory = made;
    }
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(directory, ignored);
    }
  };
  static const Scratch scratch;
  static const std::string path = scratch.directory + "/model.keras";
  return path;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &path = scratchFile();
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char *>(data), std::streamsize(size));
  llvm::consumeError(cnnc::readKerasArchiveModel(path).takeError());
  llvm::consumeError(cnnc::readKerasArchiveWeights(path).takeError());
  return 0;
}
