//===- FuzzRuntimeReaders.h - Inputs as files for readers -------*- C++ -*-===//
//
// The IDX and .npy readers take paths (they check a file's length against
// its header); the fuzz targets hand them the input as a file in /dev/shm.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TEST_FUZZ_FUZZRUNTIMEREADERS_H
#define CNNC_TEST_FUZZ_FUZZRUNTIMEREADERS_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace cnnc::fuzz {

/// Writes `data` to a file of this process's own, removed at exit, and
/// returns its path.
inline const std::string &asFile(const uint8_t *data, size_t size) {
  static const struct OwnFile {
    std::string path = "/dev/shm/cnnc-fuzz-" + std::to_string(getpid());
    ~OwnFile() { std::remove(path.c_str()); }
  } file;
  const std::string &path = file.path;
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (f) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

} // namespace cnnc::fuzz

#endif // CNNC_TEST_FUZZ_FUZZRUNTIMEREADERS_H
