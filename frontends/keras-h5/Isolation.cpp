//===- Isolation.cpp - readKerasH5: libhdf5 in a child process ------------===//
//
// Debian's libhdf5 (1.10) can crash or loop on crafted files. The child
// reads the file and sends the contents back through a pipe, serialised
// as below; the parent trusts nothing it receives. A child that dies, runs
// out of time or memory becomes a one-line error.
//
//   u8 status (0: contents follow; 1: an error message follows)
//   contents: opt-string model_config, opt-string training_config,
//             u8 has_weights, u64 layers, per layer: string name,
//             u64 arrays, per array: string name, u64 rank, rank × u64,
//             u64 count, count × f32
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-h5/Wire.h"

#include "llvm/Support/FileSystem.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace cnnc;

using wire::Decoder;
using wire::Encoder;

static std::string encode(llvm::Expected<KerasH5Contents> contents) {
  Encoder e;
  if (!contents) {
    e.u8(1);
    e.string(llvm::toString(contents.takeError()));
    return std::move(e.bytes);
  }
  e.u8(0);
  e.optString(contents->modelConfig);
  e.optString(contents->trainingConfig);
  e.u8(contents->weights.has_value());
  if (contents->weights) {
    e.u64(contents->weights->layers.size());
    for (const LayerWeights &layer : contents->weights->layers) {
      e.string(layer.layer);
      e.u64(layer.weights.size());
      for (const WeightArray &array : layer.weights) {
        e.string(array.name);
        e.u64(array.shape.size());
        for (int64_t d : array.shape)
          e.u64(uint64_t(d));
        e.floats(array.data);
      }
    }
  }
  return std::move(e.bytes);
}

static llvm::Error childFailed(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot read '" + path.str() +
                                     "': " + why.str());
}

static llvm::Expected<KerasH5Contents> decode(std::string_view bytes,
                                              llvm::StringRef path) {
  Decoder d(bytes);
  uint8_t status = d.u8();
  if (d.ok() && status == 1) {
    std::string message = d.string();
    if (d.ok())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }
  KerasH5Contents contents;
  if (d.ok() && status == 0) {
    contents.modelConfig = d.optString();
    contents.trainingConfig = d.optString();
    if (d.u8()) {
      WeightSet weights;
      uint64_t layers = d.count(16);
      for (uint64_t i = 0; d.ok() && i < layers; ++i) {
        LayerWeights layer{d.string(), {}};
        uint64_t arrays = d.count(24);
        for (uint64_t j = 0; d.ok() && j < arrays; ++j) {
          WeightArray array;
          array.name = d.string();
          uint64_t rank = d.count(8);
          for (uint64_t k = 0; d.ok() && k < rank; ++k)
            array.shape.push_back(int64_t(d.u64()));
          array.data = d.floats();
          layer.weights.push_back(std::move(array));
        }
        weights.layers.push_back(std::move(layer));
      }
      contents.weights = std::move(weights);
    }
    if (d.ok() && d.done())
      return contents;
  }
  return childFailed(path, "its reader sent back damaged contents");
}

static bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

#if defined(__SANITIZE_ADDRESS__)
#define CNNC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNNC_ASAN 1
#endif
#endif

/// The wall-clock time a child may take, for a child that blocks. Its CPU
/// time is limited by the caller (KerasH5ReadOptions::cpuSeconds): a
/// crafted file can send libhdf5 into an endless loop (fuzz-keras-h5 found
/// one), which that limit ends quickly.
static constexpr unsigned kChildWallSeconds = 60;

[[noreturn]] static void runChild(int fd, uint64_t memoryBytes,
                                  unsigned cpuSeconds,
                                  llvm::function_ref<std::string()> produce) {
#ifndef CNNC_ASAN
  // A file may declare huge metadata; the library's allocations stop here.
  // (Not under ASan, whose shadow memory needs the address space.)
  rlim_t limit = rlim_t(2) << 30;
  limit += rlim_t(memoryBytes) * 3;
  struct rlimit memory = {limit, limit};
  setrlimit(RLIMIT_AS, &memory);
#endif
  (void)memoryBytes;
  struct rlimit cpu = {cpuSeconds, cpuSeconds};
  setrlimit(RLIMIT_CPU, &cpu);
  alarm(kChildWallSeconds);
  std::string bytes = produce();
  _exit(writeAll(fd, bytes) ? 0 : 3);
}

llvm::Expected<std::string>
cnnc::detail::runIsolated(llvm::StringRef path, uint64_t memoryBytes,
                          unsigned cpuSeconds,
                          llvm::function_ref<std::string()> produce) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return childFailed(path, llvm::Twine("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return childFailed(path, llvm::Twine("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    runChild(fds[1], memoryBytes, cpuSeconds, produce);
  }
  close(fds[1]);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    if (signal == SIGALRM || signal == SIGXCPU || signal == SIGKILL)
      return childFailed(path, "the HDF5 library did not finish reading it "
                               "(a damaged file?)");
    return childFailed(path, "the HDF5 library failed on it (" +
                                 llvm::Twine(strsignal(signal)) +
                                 "): the file is damaged");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return childFailed(path, "its reader failed (out of memory on a "
                             "damaged file?)");
  return bytes;
}

llvm::Expected<KerasH5Contents>
cnnc::readKerasH5(llvm::StringRef path, const KerasH5ReadOptions &options) {
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return childFailed(path, ec.message());
  llvm::Expected<std::string> bytes =
      detail::runIsolated(path, fileSize, options.cpuSeconds, [&] {
        return encode(detail::readKerasH5InProcess(path, options.weights));
      });
  if (!bytes)
    return bytes.takeError();
  return decode(*bytes, path);
}
