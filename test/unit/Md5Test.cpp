//===- Md5Test.cpp - MD5, against RFC 1321's test suite -------------------===//

#include "runtime/support/Md5.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace cnnc;

namespace {

std::string md5(const std::string &text) {
  Md5 hash;
  hash.update(text.data(), text.size());
  return hash.hexDigest();
}

TEST(Md5Test, MatchesRfc1321sTestSuite) {
  EXPECT_EQ(md5(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5("abcdefghijklmnopqrstuvwxyz"),
            "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(
      md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
      "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(md5("1234567890123456789012345678901234567890123456789012345678901"
                "2345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5Test, PiecesGiveTheSameDigestAsTheWhole) {
  // Every split of a text that crosses the 56- and 64-byte boundaries.
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += char('a' + i % 26);
  std::string whole = md5(text);
  for (size_t split = 0; split <= text.size(); ++split) {
    Md5 hash;
    hash.update(text.data(), split);
    hash.update(text.data() + split, text.size() - split);
    EXPECT_EQ(hash.hexDigest(), whole) << "split at " << split;
  }
}

TEST(Md5Test, HashesAFile) {
  std::string path = ::testing::TempDir() + "cnnc-md5-XXXXXX";
  int fd = mkstemp(path.data());
  ASSERT_GE(fd, 0);
  std::string text(200000, 'x');
  ASSERT_EQ(write(fd, text.data(), text.size()), ssize_t(text.size()));
  close(fd);
  std::string hex, error;
  ASSERT_TRUE(md5File(path, hex, error)) << error;
  EXPECT_EQ(hex, md5(text));
  unlink(path.c_str());
  EXPECT_FALSE(md5File(path, hex, error));
  EXPECT_EQ(error, "cannot read '" + path + "': No such file or directory");
}

} // namespace
