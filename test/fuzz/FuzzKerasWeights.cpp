//===- FuzzKerasWeights.cpp - libFuzzer targets: TF.js and .h5 weights ----===//
//
// fuzz-tfjs-weights: the input is a model.json, a NUL byte, then the bytes
// of its shard, which lands beside it as group1-shard1of1.bin (and a.bin,
// for manifests that name a second shard).
// fuzz-keras-h5 (CNNC_FUZZ_H5): the input is an .h5 file, read as cnnc
// reads untrusted ones, through the child process; what is checked is
// that nothing the file does to libhdf5 reaches cnnc.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-json/KerasJson.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {
/// A directory of this process's own, removed at exit (a crash leaves it,
/// with the input that crashed).
struct ScratchDirectory {
  std::string path;
  ScratchDirectory() {
    char pattern[] = "/tmp/cnnc-fuzz-XXXXXX";
    const char *made = mkdtemp(pattern);
    if (!made)
      std::abort();
    path = made;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};
} // namespace

static const std::string &scratchDirectory() {
  static const ScratchDirectory directory;
  return directory.path;
}

static void writeFile(const std::string &path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), std::streamsize(bytes.size()));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  const std::string &dir = scratchDirectory();
#ifdef CNNC_FUZZ_H5
  std::string path = dir + "/model.h5";
  writeFile(path, input);
  // One CPU second: the endless loops crafted files send libhdf5 into are
  // caught either way, and the fuzzer tries five times as many inputs.
  cnnc::KerasH5ReadOptions options;
  options.cpuSeconds = 1;
  llvm::consumeError(cnnc::readKerasH5(path, options).takeError());
#else
  size_t split = input.find('\0');
  std::string_view json = input.substr(0, split);
  std::string_view shard = split == std::string_view::npos
                               ? std::string_view()
                               : input.substr(split + 1);
  writeFile(dir + "/group1-shard1of1.bin", shard);
  writeFile(dir + "/a.bin", shard.substr(shard.size() / 2));
  std::string path = dir + "/model.json";
  llvm::consumeError(
      cnnc::readTfjsWeights(std::string(json), path).takeError());
#endif
  return 0;
}
