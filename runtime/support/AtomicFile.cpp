//===- AtomicFile.cpp - Write a file whole or not at all ------------------===//

#include "runtime/support/AtomicFile.h"
#include "runtime/support/Interrupt.h"

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

/// Deletes a temporary that will not be renamed into place.
static void removeTemporary(const std::string &temp) {
  unlink(temp.c_str());
  unregisterTemporary(temp.c_str());
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
  // Ctrl-C or a kill from here on removes the temporary (Interrupt.h).
  registerTemporary(temp.c_str());

  auto abandon = [&](const char *what) {
    int saved = errno;
    close(fd);
    removeTemporary(temp);
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
    int saved = errno;
    removeTemporary(temp);
    errno = saved;
    return fail(error, path, "close failed");
  }
  staged = {path, temp};
  return true;
}

/// Renames a staged file into place and makes the rename durable.
static bool commit(const StagedFile &staged, std::string &error) {
  if (rename(staged.temp.c_str(), staged.path.c_str()) != 0) {
    int saved = errno;
    removeTemporary(staged.temp);
    errno = saved;
    return fail(error, staged.path, "rename failed");
  }
  unregisterTemporary(staged.temp.c_str());
  int dirFd = open(directoryOf(staged.path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return true;
}

namespace {
/// Where a write to a path goes, once symbolic links are followed.
struct Target {
  enum Kind {
    New,     // nothing there yet: a temporary beside it, renamed
    Regular, // a regular file (at `path`): the same, over it
    Stream,  // a character device or a FIFO: written in place
    Refused  // a directory, a block device, a socket: `error` says why
  } kind;
  std::string path; // a symbolic link's target, so the link stays
};
} // namespace

static Target resolveTarget(const std::string &path, std::string &error) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0)
    return {Target::New, path};
  if (S_ISREG(info.st_mode)) {
    // Through a symbolic link the file it names is replaced, not the link.
    struct stat link;
    if (lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
      if (char *real = realpath(path.c_str(), nullptr)) {
        std::string resolved = real;
        std::free(real);
        return {Target::Regular, resolved};
      }
    return {Target::Regular, path};
  }
  if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode))
    return {Target::Stream, path};
  error = "cannot write '" + path + "': " +
          (S_ISDIR(info.st_mode)
               ? "it is a directory"
               : "it is not a regular file, a character device or a pipe");
  return {Target::Refused, path};
}

/// Writes `contents` straight into a device or a pipe (/dev/null, a FIFO):
/// there is nothing to rename over and nothing to fsync.
static bool writeInPlace(const std::string &path, std::string_view contents,
                         std::string &error) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(error, path, "cannot open");
  const char *data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t written = write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return fail(error, path, "write failed");
    }
    data += written;
    left -= size_t(written);
  }
  if (close(fd) != 0)
    return fail(error, path, "close failed");
  return true;
}

bool cnnc::isRegularOrNew(const std::string &path) {
  std::string error;
  Target::Kind kind = resolveTarget(path, error).kind;
  return kind == Target::New || kind == Target::Regular;
}

bool cnnc::writeFileAtomically(const std::string &path,
                               std::string_view contents, std::string &error) {
  return writeFilesAtomically({{path, std::string(contents)}}, error);
}

bool cnnc::writeFilesAtomically(
    const std::vector<std::pair<std::string, std::string>> &files,
    std::string &error) {
  // Only a regular file is replaced by a rename: renaming over /dev/null or
  // a FIFO would put a regular file in its place. Those are written in
  // place, after every regular file is staged.
  std::vector<Target> targets;
  for (const auto &file : files) {
    targets.push_back(resolveTarget(file.first, error));
    if (targets.back().kind == Target::Refused)
      return false;
  }
  std::vector<StagedFile> staged;
  auto discard = [&] {
    for (const StagedFile &file : staged)
      removeTemporary(file.temp);
  };
  for (size_t i = 0; i < files.size(); ++i) {
    if (targets[i].kind == Target::Stream)
      continue;
    StagedFile file;
    if (!stage(targets[i].path, files[i].second, file, error)) {
      discard();
      return false;
    }
    staged.push_back(file);
  }
  for (size_t i = 0; i < files.size(); ++i)
    if (targets[i].kind == Target::Stream &&
        !writeInPlace(targets[i].path, files[i].second, error)) {
      discard();
      return false;
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
  Target target = resolveTarget(path, error);
  if (target.kind == Target::Refused)
    return false;
  if (target.kind == Target::Stream) {
    if (access(path.c_str(), W_OK) != 0) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    return true;
  }
  std::string directory = directoryOf(target.path);
  struct stat info;
  if (stat(directory.c_str(), &info) != 0 && errno == ENOENT) {
    error = "cannot write '" + path + "': the directory '" + directory +
            "' does not exist";
    return false;
  }
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

bool cnnc::checkNotAnInput(const std::string &flag, const std::string &output,
                           const std::vector<NamedInput> &inputs,
                           std::string &error) {
  struct stat out;
  if (output.empty() || output == "-" || stat(output.c_str(), &out) != 0)
    return true;
  // A device (-o /dev/null) is not replaced, so it cannot lose an input.
  if (!S_ISREG(out.st_mode))
    return true;
  for (const NamedInput &input : inputs) {
    struct stat in;
    if (input.path.empty() || input.path == "-" ||
        stat(input.path.c_str(), &in) != 0)
      continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      error = flag + " '" + output + "' is " + input.what + " '" + input.path +
              "': cnnc does not overwrite an input it reads";
      return false;
    }
  }
  return true;
}
