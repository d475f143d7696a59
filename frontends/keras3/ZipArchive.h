//===- ZipArchive.h - Members of a zip file, read through libzip -*- C++
//-*-===//
//
// A `.keras` file is a zip archive. This reads named members out of one held
// in memory, and writes one, through Debian's libzip. A zip file is
// untrusted input: every member is bounded by a size its caller gives, and
// the bytes actually inflated are counted, so a member that claims one size
// and inflates to another (a zip bomb) costs no more than the bound.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERAS3_ZIPARCHIVE_H
#define CNNC_FRONTENDS_KERAS3_ZIPARCHIVE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cnnc {

/// One member to write: stored, not compressed, as Keras writes them.
struct ZipMember {
  std::string name;
  std::string bytes;
};

class ZipReader {
public:
  /// Opens the archive in `bytes` (which must outlive the reader). Errors
  /// name `displayName` and say what is wrong with the archive.
  static llvm::Expected<std::unique_ptr<ZipReader>>
  open(llvm::StringRef bytes, llvm::StringRef displayName);
  ~ZipReader();

  /// The member named `name` exactly; none when the archive has no such
  /// member. Errors when it is larger than `maxBytes`, encrypted, compressed
  /// by a method other than deflate, or damaged.
  llvm::Expected<std::optional<std::string>> read(llvm::StringRef name,
                                                  uint64_t maxBytes);

  /// The names of the members, in the archive's order.
  const std::vector<std::string> &names() const { return memberNames; }

private:
  ZipReader() = default;
  llvm::Error fail(const llvm::Twine &message) const;

  struct Handle;
  std::unique_ptr<Handle> handle;
  std::string displayName;
  std::vector<std::string> memberNames;
};

/// The bytes of a zip archive holding `members` in order, each stored.
llvm::Expected<std::string> writeZip(llvm::ArrayRef<ZipMember> members);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERAS3_ZIPARCHIVE_H
