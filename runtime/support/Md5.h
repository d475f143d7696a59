//===- Md5.h - MD5 digests of downloaded files ------------------*- C++ -*-===//
//
// RFC 1321. The datasets cnnc downloads are published with MD5 sums (as
// Keras checks them), so the runtime needs MD5 and nothing stronger; it is a
// check against a damaged download, not against an attacker.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_MD5_H
#define CNNC_RUNTIME_SUPPORT_MD5_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace cnnc {

/// An incremental MD5: update() any number of times, then hexDigest() once.
class Md5 {
public:
  Md5();
  void update(const void *data, size_t size);
  /// The digest as 32 lowercase hex digits, as md5sum prints it.
  std::string hexDigest();

private:
  void block(const uint8_t *bytes);
  uint32_t state[4];
  uint64_t length = 0; // bytes so far
  uint8_t pending[64];
  size_t pendingSize = 0;
};

/// The MD5 of the file at `path`, or false with `error` set.
bool md5File(const std::string &path, std::string &hex, std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_MD5_H
