//===- MpiGroup.cpp - A process group over MPI ----------------------------===//
//
// The ranks of MPI_COMM_WORLD, one model replica each. Every operation is
// nonblocking underneath and waited for by polling, so that a wait can end
// the process with one line when the others stop answering: MPI's own
// waits would hang, or abort with pages of text. Only the main thread
// calls MPI (MPI_THREAD_FUNNELED).
//
// The gradient sum is a chain: rank 0 adds its chunks' rows to zeros and
// passes the partial sum to rank 1, which adds its rows (the next chunks)
// and passes it on; the last rank holds the sum in chunk order and
// broadcasts it. The vector goes in segments, so that rank r + 1 adds
// segment s while rank r adds segment s + 1: a pipelined chain moves each
// byte over each link about twice (chain, then broadcast), as a ring
// allreduce does, and its order is fixed.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/ProcessGroup.h"
#include "runtime/support/Interrupt.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace cnnc;

namespace {

/// Floats per piece of the chain: large enough that a message's latency
/// is small next to its bytes, small enough to pipeline a model of a
/// megabyte over a few ranks.
constexpr int kSegment = 16384;

/// How long a wait polls without sleeping.
constexpr std::chrono::microseconds kSpin(1000);

class MpiGroup : public ProcessGroup {
public:
  MpiGroup(const std::string &programName) : programName(programName) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    // Errors come back as codes, which wait() turns into one line.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rankIndex);
    MPI_Comm_size(MPI_COMM_WORLD, &rankCount);
    if (const char *seconds = std::getenv("CNNC_MPI_TIMEOUT"))
      timeout = std::max(1.0, std::atof(seconds));
  }

  int rank() const override { return rankIndex; }
  int size() const override { return rankCount; }

  void broadcast(float *data, int64_t count) override {
    for (int64_t at = 0; at < count; at += kSegment) {
      MPI_Request request;
      check(MPI_Ibcast(data + at, pieceSize(at, count), MPI_FLOAT, 0,
                       MPI_COMM_WORLD, &request),
            "broadcasting the weights");
      wait(request, "broadcasting the weights");
    }
  }

  void sumInChunkOrder(const float *rows, int64_t rowCount, int64_t count,
                       float *total) override {
    const char *what = "summing the gradients";
    // Every piece's receive is posted at once, so that the previous rank's
    // sends land as soon as they leave.
    std::vector<MPI_Request> receives, sends;
    if (rankIndex > 0)
      for (int64_t at = 0; at < count; at += kSegment) {
        receives.emplace_back();
        check(MPI_Irecv(total + at, pieceSize(at, count), MPI_FLOAT,
                        rankIndex - 1, kChainTag, MPI_COMM_WORLD,
                        &receives.back()),
              what);
      }
    for (int64_t at = 0, piece = 0; at < count; at += kSegment, ++piece) {
      int n = pieceSize(at, count);
      float *sum = total + at;
      if (rankIndex == 0)
        std::fill(sum, sum + n, 0.0f);
      else
        wait(receives[piece], what);
      for (int64_t r = 0; r < rowCount; ++r) {
        const float *row = rows + r * count + at;
        for (int i = 0; i < n; ++i)
          sum[i] += row[i];
      }
      if (rankIndex + 1 < rankCount) {
        sends.emplace_back();
        check(MPI_Isend(sum, n, MPI_FLOAT, rankIndex + 1, kChainTag,
                        MPI_COMM_WORLD, &sends.back()),
              what);
      }
    }
    for (MPI_Request &request : sends)
      wait(request, what);
    // The last rank has the whole sum; its pieces go out together.
    std::vector<MPI_Request> broadcasts;
    for (int64_t at = 0; at < count; at += kSegment) {
      broadcasts.emplace_back();
      check(MPI_Ibcast(total + at, pieceSize(at, count), MPI_FLOAT,
                       rankCount - 1, MPI_COMM_WORLD, &broadcasts.back()),
            what);
    }
    for (MPI_Request &request : broadcasts)
      wait(request, what);
  }

  void gather(const float *mine, const int64_t *counts, float *all) override {
    std::vector<int> sizes(rankCount), offsets(rankCount);
    int offset = 0;
    for (int r = 0; r < rankCount; ++r) {
      sizes[r] = static_cast<int>(counts[r]);
      offsets[r] = offset;
      offset += sizes[r];
    }
    MPI_Request request;
    check(MPI_Iallgatherv(mine, sizes[rankIndex], MPI_FLOAT, all, sizes.data(),
                          offsets.data(), MPI_FLOAT, MPI_COMM_WORLD, &request),
          "collecting the metrics");
    wait(request, "collecting the metrics");
  }

  int maxOverRanks(int value) override {
    int result = value;
    MPI_Request request;
    check(MPI_Iallreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD,
                         &request),
          "agreeing on when to stop");
    wait(request, "agreeing on when to stop");
    return result;
  }

  void finish(bool succeeded) override {
    // MPI_Finalize waits for every rank; after a failure the others may
    // never come, and mpirun ends them when this one exits.
    if (succeeded && !finished)
      MPI_Finalize();
    finished = true;
  }

private:
  static constexpr int kChainTag = 20;

  static int pieceSize(int64_t at, int64_t count) {
    return static_cast<int>(std::min<int64_t>(kSegment, count - at));
  }

  [[noreturn]] void die(const std::string &message) {
    std::fprintf(stderr, "%s: error: rank %d of %d: %s\n", programName.c_str(),
                 rankIndex, rankCount, message.c_str());
    std::fflush(stderr);
    // Not MPI_Abort, whose report is a page long: mpirun sees the exit
    // code and ends the other ranks.
    _exit(1);
  }

  void check(int code, const char *what) {
    if (code == MPI_SUCCESS)
      return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    die(std::string("MPI failed while ") + what + ": " +
        std::string(text, length));
  }

  /// Polls `request` until it completes. Gives up with one line when the
  /// other ranks have not answered for `timeout` seconds, or shortly after
  /// a signal: mpirun sends SIGTERM to the ranks left when one dies, and a
  /// rank whose peers are gone would otherwise wait for ever. The grace
  /// lets a Ctrl-C that every rank got end the step it interrupted.
  void wait(MPI_Request &request, const char *what) {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    Clock::time_point signalled;
    for (unsigned polls = 0;; ++polls) {
      int done = 0;
      check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
      if (done)
        return;
      // Spin while the answer is likely close (the other ranks finishing
      // the same step: a step of the lesson's model is 1-2 ms), then give
      // the core to them: oversubscribed ranks need it to get there.
      if (Clock::now() - start < kSpin)
        continue;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      if (polls % 64 != 0)
        continue;
      auto now = Clock::now();
      if (int signal = stopSignalReceived()) {
        if (signalled == Clock::time_point())
          signalled = now;
        else if (now - signalled > std::chrono::milliseconds(500))
          die(std::string("stopped by ") + signalName(signal) + " while " +
              what + " (another rank ended?)");
      }
      if (std::chrono::duration<double>(now - start).count() > timeout)
        die(std::string("no answer from the other ranks for ") +
            std::to_string(static_cast<int>(timeout)) + " s while " + what +
            " (CNNC_MPI_TIMEOUT sets the limit)");
    }
  }

  std::string programName;
  int rankIndex = 0, rankCount = 1;
  double timeout = 300;
  bool finished = false;
};

} // namespace

ProcessGroup *cnnc::joinProcessGroup(const std::string &programName,
                                     std::string &error) {
  if (!launchedByMpi())
    return &singleProcess();
  static MpiGroup group(programName);
  return &group;
}
