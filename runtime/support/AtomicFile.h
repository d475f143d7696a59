//===- AtomicFile.h - Write a file whole or not at all ----------*- C++ -*-===//
//
// Every output cnnc writes (objects, headers, IR, checkpoints, metrics) goes
// through here: the bytes go to a temporary file in the target's directory,
// which is fsynced and then renamed over the target. A failure at any point
// leaves no file behind and the previous file, if any, untouched.
//
// Only a regular file is replaced that way (through a symbolic link, the
// file it names). A character device or a FIFO (/dev/null, a named pipe) is
// written in place; a directory, a block device or a socket is refused.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_ATOMICFILE_H
#define CNNC_RUNTIME_SUPPORT_ATOMICFILE_H

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cnnc {

/// Checks, before any long work, that `path` could be written atomically:
/// its directory exists, is a directory and is writable (a device or a pipe:
/// it is writable itself; a directory or a socket cannot be written). False
/// with a one-line `error` otherwise.
bool checkWritable(const std::string &path, std::string &error);

/// A file a command reads: what it is ("the model file") and its path.
struct NamedInput {
  std::string what, path;
};

/// Checks that `output`, which `flag` names, is none of `inputs`: the same
/// device and inode, whatever the names (a hard link, a symbolic link,
/// ./x), so that a command never overwrites what it reads. False with a
/// one-line `error` naming both otherwise. Empty paths and "-" are skipped.
bool checkNotAnInput(const std::string &flag, const std::string &output,
                     const std::vector<NamedInput> &inputs, std::string &error);

/// True when `path` names nothing yet or a regular file (after symbolic
/// links): what a write replaces by a rename. False for a device or a pipe,
/// which a write goes into in place.
bool isRegularOrNew(const std::string &path);

/// Makes a write beyond the file-size limit (`ulimit -f`) fail with EFBIG,
/// which the writers below report as an error, instead of killing the
/// process with SIGXFSZ. Tools call it once at start-up.
void failWritesBeyondFileSizeLimit();

/// Writes `contents` to `path` atomically. On failure returns false and sets
/// `error` to a message naming the path and the system's reason.
bool writeFileAtomically(const std::string &path, std::string_view contents,
                         std::string &error);

/// Writes several files as one: every file is staged as a temporary first,
/// and only when all are staged are they renamed into place, so a failure
/// leaves none of them (an object without its header would mislead).
bool writeFilesAtomically(
    const std::vector<std::pair<std::string, std::string>> &files,
    std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_ATOMICFILE_H
