//===- Process.cpp - Running a helper program -----------------------------===//

#include "runtime/support/Process.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace cnnc;

/// The last non-empty line of `path` (at most its last 4 KiB), trimmed.
static std::string lastLine(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "";
  char buffer[4096];
  off_t end = lseek(fd, 0, SEEK_END);
  off_t start = end > off_t(sizeof buffer) ? end - off_t(sizeof buffer) : 0;
  ssize_t got = pread(fd, buffer, sizeof buffer, start);
  close(fd);
  std::string text(buffer, got > 0 ? size_t(got) : 0);
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  size_t newline = text.find_last_of('\n');
  if (newline != std::string::npos)
    text.erase(0, newline + 1);
  return text;
}

bool cnnc::runProcess(const std::vector<std::string> &argv,
                      const std::string &workingDir, const std::string &logPath,
                      std::string &error) {
  std::string command;
  for (const std::string &arg : argv)
    command += (command.empty() ? "" : " ") + arg;
  std::vector<char *> args;
  for (const std::string &arg : argv)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // glibc >= 2.29: the child changes directory, the parent never does.
  if (!workingDir.empty())
    posix_spawn_file_actions_addchdir_np(&actions, workingDir.c_str());
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int spawned =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    error = spawned == ENOENT
                ? "'" + argv[0] + "' is not installed (needed to run '" +
                      command + "')"
                : "cannot run '" + command + "': " + std::strerror(spawned);
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      error = "cannot wait for '" + command + "': " + std::strerror(errno);
      return false;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  error =
      "'" + command + "' failed (" +
      (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                         : "signal " + std::to_string(WTERMSIG(status))) +
      ")";
  std::string reason = lastLine(logPath);
  if (!reason.empty())
    error += ": " + reason;
  return false;
}

bool cnnc::moveIntoPlace(const std::string &from, const std::string &to,
                         std::string &error) {
  auto fail = [&](const char *what) {
    error = "cannot move '" + from + "' to '" + to + "': " + what + ": " +
            std::strerror(errno);
    return false;
  };
  int fd = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail("open failed");
  bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced)
    return fail("fsync failed");
  if (rename(from.c_str(), to.c_str()) != 0)
    return fail("rename failed");
  std::string directory = to.substr(0, to.rfind('/') + 1);
  int dirFd = open(directory.empty() ? "." : directory.c_str(),
                   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    fsync(dirFd);
    close(dirFd);
  }
  return true;
}
