//===- AtomicFile.h - Write a file whole or not at all ----------*- C++ -*-===//
//
// Every output cnnc writes (objects, headers, IR, checkpoints, metrics) goes
// through here: the bytes go to a temporary file in the target's directory,
// which is fsynced and then renamed over the target. A failure at any point
// leaves no file behind and the previous file, if any, untouched.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_ATOMICFILE_H
#define CNNC_RUNTIME_SUPPORT_ATOMICFILE_H

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cnnc {

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
