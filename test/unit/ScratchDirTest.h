//===- ScratchDirTest.h - A fresh directory for each test -------*- C++ -*-===//
//
// The fixture of the tests that read and write files (IDX, MNIST, .npy,
// checkpoints): each test gets an empty directory of its own under gtest's
// TempDir, removed with everything in it when the test ends.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TEST_UNIT_SCRATCHDIRTEST_H
#define CNNC_TEST_UNIT_SCRATCHDIRTEST_H

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace cnnc::test {

class ScratchDirTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "cnnc-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  std::string pathOf(const std::string &name) const { return dir + "/" + name; }

  /// Writes `bytes` to a file called `name` in the scratch directory and
  /// returns its path. The file is overwritten in place and then cut to
  /// size, rather than truncated first: freeing and reallocating its blocks
  /// on every call makes thousands of writes slow on a filesystem mounted
  /// with `discard`.
  std::string put(const std::string &bytes, const std::string &name) {
    std::string path = pathOf(name);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
    if (fd < 0)
      return path;
    EXPECT_EQ(pwrite(fd, bytes.data(), bytes.size(), 0), ssize_t(bytes.size()));
    EXPECT_EQ(ftruncate(fd, off_t(bytes.size())), 0);
    close(fd);
    return path;
  }

  /// The whole of the file at `path` ("" if it cannot be read).
  static std::string slurp(const std::string &path) {
    std::string bytes;
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
      return bytes;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
      bytes.append(buffer, n);
    std::fclose(f);
    return bytes;
  }

  std::string dir;
};

} // namespace cnnc::test

#endif // CNNC_TEST_UNIT_SCRATCHDIRTEST_H
