//===- AtomicFile.cpp - Write a file whole or not at all ------------------===//

#include "runtime/support/AtomicFile.h"

#include <csignal>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace cnnc;

static std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

static bool fail(std::string &error, const std::string &path,
                 const char *what) {
  error = "cannot write '" + path + "': " + what + ": " + std::strerror(errno);
  return false;
}

namespace {
/// A file written in full to a temporary beside its target, not yet renamed.
struct StagedFile {
  std::string path, temp;
};
} // namespace

/// Writes `contents` to a synced temporary beside `path`.
static bool stage(const std::string &path, std::string_view contents,
                  StagedFile &staged, std::string &error) {
  std::string directory = directoryOf(path);
  std::string name = path.substr(path.rfind('/') + 1);
  // open(O_EXCL, 0666) rather than mkstemp: the file gets the permissions
  // an ordinary output would (0666 less the umask) without touching umask.
  static std::atomic<unsigned> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = directory + "/." + name + ".tmp-" + std::to_string(getpid()) + "-" +
           std::to_string(counter++);
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    return fail(error, path, "cannot create a temporary file");

  auto abandon = [&](const char *what) {
    int saved = errno;
    close(fd);
    unlink(temp.c_str());
    errno = saved;
    return fail(error, path, what);
  };

  const char *data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t written = write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return abandon("write failed");
    }
    data += written;
    left -= size_t(written);
  }
  if (fsync(fd) != 0)
    return abandon("fsync failed");
  if (close(fd) != 0) {
    unlink(temp.c_str());
    return fail(error, path, "close failed");
  }
  staged = {path, temp};
  return true;
}

/// Renames a staged file into place and makes the rename durable.
static bool commit(const StagedFile &staged, std::string &error) {
  if (rename(staged.temp.c_str(), staged.path.c_str()) != 0) {
    int saved = errno;
    unlink(staged.temp.c_str());
    errno = saved;
    return fail(error, staged.path, "rename failed");
  }
  int dirFd = open(directoryOf(staged.path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return true;
}

bool cnnc::writeFileAtomically(const std::string &path,
                               std::string_view contents, std::string &error) {
  return writeFilesAtomically({{path, std::string(contents)}}, error);
}

bool cnnc::writeFilesAtomically(
    const std::vector<std::pair<std::string, std::string>> &files,
    std::string &error) {
  std::vector<StagedFile> staged;
  auto discard = [&] {
    for (const StagedFile &file : staged)
      unlink(file.temp.c_str());
  };
  for (const auto &[path, contents] : files) {
    StagedFile file;
    if (!stage(path, contents, file, error)) {
      discard();
      return false;
    }
    staged.push_back(file);
  }
  // A rename into an existing directory or onto a read-only name fails; try
  // the last files first, so that the first (the object) is never left
  // without the rest.
  for (size_t i = staged.size(); i-- > 0;) {
    if (!commit(staged[i], error)) {
      staged.resize(i);
      discard();
      return false;
    }
  }
  return true;
}

void cnnc::failWritesBeyondFileSizeLimit() { std::signal(SIGXFSZ, SIG_IGN); }

bool cnnc::checkWritable(const std::string &path, std::string &error) {
  std::string directory = directoryOf(path);
  struct stat info;
  if (stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error =
        "cannot write '" + path + "': '" + directory + "' is not a directory";
    return false;
  }
  if (access(directory.c_str(), W_OK) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}
