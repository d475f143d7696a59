//===- Process.h - Running a helper program ---------------------*- C++ -*-===//
//
// The runtime fetches datasets with the tools that already do it well (npm,
// tar, apt-get) rather than with an HTTP client of its own. They run without
// a shell (no quoting to get wrong), their output goes to a log file, and a
// failure is reported as one line with the log's last line as the reason.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_PROCESS_H
#define CNNC_RUNTIME_SUPPORT_PROCESS_H

#include <string>
#include <vector>

namespace cnnc {

/// Runs `argv` (argv[0] looked up on PATH) in `workingDir` (empty: this
/// process's), with stdin from /dev/null and stdout and stderr appended to
/// `logPath`; true if it exits with 0. On
/// failure `error` names the command and why ("is not installed", its exit
/// status and the log's last line).
bool runProcess(const std::vector<std::string> &argv,
                const std::string &workingDir, const std::string &logPath,
                std::string &error);

/// Moves `from` to `to` (same file system) so that `to` is either absent,
/// the old file or the whole new one: fsync, rename, fsync of the directory.
bool moveIntoPlace(const std::string &from, const std::string &to,
                   std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_PROCESS_H
