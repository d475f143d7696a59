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
// and passes it on; the last rank holds the sum in chunk order. The ranks
// share the optimizer's update out: each updates one slice of the
// parameters (sliceOfRank), so the last rank sends each piece of the total
// to the rank that updates it, and the updated slices are then gathered
// on every rank. The vector goes in pieces, so that rank r + 1 adds piece
// s while rank r adds piece s + 1 and the last rank returns piece s - 1:
// each byte crosses each link about twice (chain, then the total or the
// updated weights back), as in a ring allreduce, in a fixed order. When
// no rank owns more than one chunk (a small batch), there is nothing to
// chain: each rank sends its row's slices straight to the ranks that
// update them, which fold the rows in chunk order themselves (one hop).
// The batch's loss, accuracy count and the ranks' stop signals ride along
// as three doubles ahead of the pieces, so a step waits for nothing else.
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
/// megabyte over a few ranks. A multiple of 16 (the update's cuts), and
/// just under 64 KB so that Open MPI's TCP transport sends a piece eagerly
/// (its default eager limit is 64 KB with the header): larger, each piece
/// waits for a handshake that only progresses inside MPI calls, which cost
/// the two-host run a fifth of its speed.
constexpr int kSegment = 16256;

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

  void sumStep(const float *rows, int64_t chunks, int64_t count,
               const float *stats, int signal, float *total,
               StepTotals &totals) override {
    // Sends from the last step may still be out (the last rank's, below).
    waitPending("summing the gradients");
    if (chunks <= rankCount)
      sumDirect(rows, chunks, count, stats, signal, total, totals);
    else
      sumChain(rows, chunksOfWorker(chunks, rankIndex, rankCount).size(), count,
               stats, signal, total, totals);
  }

  /// Every rank owns at most one chunk (a small batch): each sends its row's
  /// slices straight to the ranks that update them, and every rank folds
  /// its slice's rows in chunk order itself. One hop, and the bytes of a
  /// ring allreduce: latency, not bandwidth, is what a small batch waits
  /// for.
  void sumDirect(const float *rows, int64_t chunks, int64_t count,
                 const float *stats, int signal, float *total,
                 StepTotals &totals) {
    const char *what = "summing the gradients";
    auto owns = [&](int r) {
      return chunksOfWorker(chunks, r, rankCount).size() == 1;
    };
    ParamSlice mySlice = sliceOfRank(count, rankIndex, rankCount);
    incoming.resize(rankCount * mySlice.size());
    std::vector<MPI_Request> requests;
    // (loss sum, correct, signal) from every rank, into its own row.
    allStats.assign(3 * rankCount, 0.0);
    for (int r = 0; r < rankCount; ++r) {
      if (r == rankIndex)
        continue;
      requests.emplace_back();
      check(MPI_Irecv(&allStats[3 * r], 3, MPI_DOUBLE, r, kStatsTag,
                      MPI_COMM_WORLD, &requests.back()),
            what);
      if (owns(r) && mySlice.size() > 0) {
        requests.emplace_back();
        check(MPI_Irecv(incoming.data() + r * mySlice.size(),
                        static_cast<int>(mySlice.size()), MPI_FLOAT, r,
                        kDirectTag, MPI_COMM_WORLD, &requests.back()),
              what);
      }
    }
    double *mine = &allStats[3 * rankIndex];
    if (owns(rankIndex)) {
      mine[0] = stats[0];
      mine[1] = stats[1];
    }
    mine[2] = signal;
    for (int r = 0; r < rankCount; ++r) {
      if (r == rankIndex)
        continue;
      pending.emplace_back();
      check(MPI_Isend(mine, 3, MPI_DOUBLE, r, kStatsTag, MPI_COMM_WORLD,
                      &pending.back()),
            what);
      ParamSlice slice = sliceOfRank(count, r, rankCount);
      if (owns(rankIndex) && slice.size() > 0) {
        pending.emplace_back();
        check(MPI_Isend(rows + slice.begin, static_cast<int>(slice.size()),
                        MPI_FLOAT, r, kDirectTag, MPI_COMM_WORLD,
                        &pending.back()),
              what);
      }
    }
    for (MPI_Request &request : requests)
      wait(request, what);
    // With chunks <= ranks each rank owns one chunk or none, and the owners
    // own them in rank order (chunksOfWorker): rank order is chunk order.
    float *sum = total + mySlice.begin;
    std::fill(sum, sum + mySlice.size(), 0.0f);
    totals = StepTotals();
    for (int r = 0; r < rankCount; ++r) {
      if (owns(r)) {
        const float *row = r == rankIndex
                               ? rows + mySlice.begin
                               : incoming.data() + r * mySlice.size();
        for (int64_t j = 0; j < mySlice.size(); ++j)
          sum[j] += row[j];
        totals.lossSum += allStats[3 * r];
        totals.correct += allStats[3 * r + 1];
      }
      totals.stopSignal =
          std::max(totals.stopSignal, static_cast<int>(allStats[3 * r + 2]));
    }
    // This rank's sends read `rows` and its stats, which stay untouched
    // until the next step: updateSlices waits for them.
  }

  /// Starts the chain on the parameters [from, count), whose rows are
  /// final while the rest are still being computed (the overlap): every
  /// receive of the step is posted, and rank 0 folds and sends those pieces
  /// at once; the other ranks fold theirs as they come (progressSum), and
  /// sumStep does the rest.
  void beginSum(const float *rows, int64_t chunks, int64_t count, int64_t from,
                float *total, float *data,
                const std::function<void(int64_t, int64_t)> &update) override {
    if (chunks <= rankCount || from <= 0 || from >= count)
      return;
    waitPending("summing the gradients");
    beginChain(rows, chunksOfWorker(chunks, rankIndex, rankCount).size(), count,
               from, total);
    // The early pieces' updated weights from their owners, in the order
    // each owner sends them: the chain's.
    early = Early();
    early.active = true;
    early.cut = from;
    early.data = data;
    early.update = update;
    for (size_t i = 0; i < chain.early; ++i) {
      const Piece &p = chain.pieces[i];
      if (p.owner == rankIndex) {
        early.mine.push_back(i);
        early.minePieces.push_back(p);
        continue;
      }
      early.requests.emplace_back();
      check(MPI_Irecv(data + p.begin, p.size, MPI_FLOAT, p.owner, kWeightsTag,
                      MPI_COMM_WORLD, &early.requests.back()),
            "sharing the updated weights");
    }
    progressSum();
  }

  void progressSum() override {
    if (!chain.active)
      return;
    while (chain.folded < chain.early && foldNext(/*block=*/false)) {
    }
    while (early.updated < early.mine.size() && updateNext()) {
    }
    progress("summing the gradients");
  }

  /// Updates this rank's next early piece once its total is there (on the
  /// last rank, once folded; elsewhere, once returned) and sends it to the
  /// other ranks. Returns false when the total has not come yet (what is
  /// left then is updated in updateSlices).
  bool updateNext() {
    const char *what = "sharing the updated weights";
    size_t i = early.mine[early.updated];
    const Piece &p = chain.pieces[i];
    if (rankIndex == rankCount - 1) {
      if (chain.folded <= i)
        return false; // folded in order: sumChain gets there
    } else {
      // This rank's pieces' totals come in the chain's order, the early
      // ones first: the k-th of its early pieces is the k-th return.
      int done = 0;
      check(MPI_Test(&chain.totalIn[early.updated], &done, MPI_STATUS_IGNORE),
            what);
      if (!done)
        return false;
    }
    updateAndSend(early.data, p, early.update, early.requests);
    ++early.updated;
    return true;
  }

  /// Ranks own several chunks: the chain, pipelined in pieces.
  void sumChain(const float *rows, int64_t rowCount, int64_t count,
                const float *stats, int signal, float *total,
                StepTotals &totals) {
    const char *what = "summing the gradients";
    int last = rankCount - 1;
    bool isLast = rankIndex == last;
    // Begun by beginSum (the overlap), or from scratch: every piece late.
    if (!chain.active)
      beginChain(rows, rowCount, count, count, total);
    double *carried = stepStats, *final = stepTotals;
    std::fill(carried, carried + 3, 0.0);
    std::fill(final, final + 3, 0.0);
    MPI_Request statsIn = MPI_REQUEST_NULL, totalsIn = MPI_REQUEST_NULL;
    if (rankIndex > 0)
      check(MPI_Irecv(carried, 3, MPI_DOUBLE, rankIndex - 1, kStatsTag,
                      MPI_COMM_WORLD, &statsIn),
            what);
    if (!isLast)
      check(MPI_Irecv(final, 3, MPI_DOUBLE, last, kTotalsTag, MPI_COMM_WORLD,
                      &totalsIn),
            what);
    // The stats first: they are small and ready, and the next rank folds
    // its own onto them before the pieces come. In double, in chunk order
    // from 0, as one process adds them; the signal is the largest so far.
    if (rankIndex > 0)
      wait(statsIn, what);
    for (int64_t r = 0; r < rowCount; ++r) {
      carried[0] += stats[2 * r];
      carried[1] += stats[2 * r + 1];
    }
    carried[2] = std::max(carried[2], static_cast<double>(signal));
    std::vector<MPI_Request> &sends = chain.sends;
    if (isLast) {
      std::copy(carried, carried + 3, final);
      for (int r = 0; r < last; ++r) {
        sends.emplace_back();
        check(MPI_Isend(final, 3, MPI_DOUBLE, r, kTotalsTag, MPI_COMM_WORLD,
                        &sends.back()),
              what);
      }
    } else {
      sends.emplace_back();
      check(MPI_Isend(carried, 3, MPI_DOUBLE, rankIndex + 1, kStatsTag,
                      MPI_COMM_WORLD, &sends.back()),
            what);
    }
    // Then the pieces not folded yet, in their order.
    while (chain.folded < chain.pieces.size())
      foldNext(/*block=*/true);
    for (MPI_Request &request : chain.totalIn)
      wait(request, what);
    if (!isLast)
      wait(totalsIn, what);
    // The last rank's sends may still be in flight while it updates its
    // slice (which they do not touch); updateSlices waits for them.
    for (MPI_Request &request : sends)
      pending.push_back(request);
    chain = Chain();
    if (!isLast)
      waitPending(what);
    totals.lossSum = final[0];
    totals.correct = final[1];
    totals.stopSignal = static_cast<int>(final[2]);
  }

  /// Posts every receive of the chain: the previous rank's partial sum of
  /// each piece (into `partial`, or on the last rank straight into
  /// `total`) and, but on the last rank, the totals of this rank's slice.
  /// Pieces of [from, count) travel first.
  void beginChain(const float *rows, int64_t rowCount, int64_t count,
                  int64_t from, float *total) {
    const char *what = "summing the gradients";
    int last = rankCount - 1;
    bool isLast = rankIndex == last;
    chain = Chain();
    chain.active = true;
    chain.rows = rows;
    chain.rowCount = rowCount;
    chain.count = count;
    partial.resize(count);
    chain.sums = isLast ? total : partial.data();
    // Messages of one tag from one rank match receives in the order both
    // are posted, and every rank orders the pieces alike.
    for (const Piece &p : piecesOf(count, from))
      if (p.begin >= from)
        chain.pieces.push_back(p);
    chain.early = chain.pieces.size();
    for (const Piece &p : piecesOf(count, from))
      if (p.begin < from)
        chain.pieces.push_back(p);
    for (const Piece &p : chain.pieces) {
      chain.in.emplace_back(MPI_REQUEST_NULL);
      if (rankIndex > 0)
        check(MPI_Irecv(chain.sums + p.begin, p.size, MPI_FLOAT, rankIndex - 1,
                        kChainTag, MPI_COMM_WORLD, &chain.in.back()),
              what);
      if (!isLast && p.owner == rankIndex) {
        chain.totalIn.emplace_back();
        check(MPI_Irecv(total + p.begin, p.size, MPI_FLOAT, last, kReturnTag,
                        MPI_COMM_WORLD, &chain.totalIn.back()),
              what);
      }
    }
  }

  /// Folds the chain's next piece and passes it on, so that rank r + 1
  /// folds piece s while rank r folds piece s + 1; the last rank sends each
  /// total piece straight to the rank that updates it. Without `block`,
  /// returns false when the piece has not come yet.
  bool foldNext(bool block) {
    const char *what = "summing the gradients";
    int last = rankCount - 1;
    bool isLast = rankIndex == last;
    size_t i = chain.folded;
    const Piece &p = chain.pieces[i];
    float *sum = chain.sums + p.begin;
    if (rankIndex == 0) {
      std::fill(sum, sum + p.size, 0.0f);
    } else if (block) {
      wait(chain.in[i], what);
    } else {
      int done = 0;
      check(MPI_Test(&chain.in[i], &done, MPI_STATUS_IGNORE), what);
      if (!done)
        return false;
    }
    for (int64_t r = 0; r < chain.rowCount; ++r) {
      const float *row = chain.rows + r * chain.count + p.begin;
      for (int j = 0; j < p.size; ++j)
        sum[j] += row[j];
    }
    if (!isLast || p.owner != last) {
      chain.sends.emplace_back();
      check(MPI_Isend(sum, p.size, MPI_FLOAT, isLast ? p.owner : rankIndex + 1,
                      isLast ? kReturnTag : kChainTag, MPI_COMM_WORLD,
                      &chain.sends.back()),
            what);
    }
    ++chain.folded;
    progress(what);
    return true;
  }

  void
  updateSlices(float *data, int64_t count,
               const std::function<void(int64_t, int64_t)> &update) override {
    const char *what = "sharing the updated weights";
    // The gradient's sends still out read buffers the update does not
    // write (the rows, the total); the next step writes them, so they are
    // waited for below with the weights.
    std::vector<MPI_Request> requests;
    requests.swap(pending);
    // With the overlap, the pieces of [cut, count) were updated (or are
    // received) in the early phase, and were cut as the chain cut them;
    // this rank's early pieces not updated yet go first, in the order the
    // other ranks posted their receives.
    int64_t cut = early.active ? early.cut : count;
    std::vector<Piece> pieces = piecesOf(count, early.active ? cut : -1);
    if (early.active) {
      for (MPI_Request &request : early.requests)
        requests.push_back(request);
      for (size_t k = early.updated; k < early.mine.size(); ++k)
        updateAndSend(data, early.minePieces[k], update, requests);
      early = Early();
    }
    for (const Piece &p : pieces)
      if (p.owner != rankIndex && p.begin < cut) {
        requests.emplace_back();
        check(MPI_Irecv(data + p.begin, p.size, MPI_FLOAT, p.owner, kWeightsTag,
                        MPI_COMM_WORLD, &requests.back()),
              what);
      }
    // Each piece leaves as soon as it is updated, while the next one is.
    for (const Piece &p : pieces) {
      if (p.owner != rankIndex || p.begin >= cut)
        continue;
      updateAndSend(data, p, update, requests);
      progress(what);
    }
    for (MPI_Request &request : requests)
      wait(request, what);
  }

  void sumChunkSums(const double *rows, int64_t rowCount, int64_t chunks,
                    int64_t length, double *total) override {
    // The ranks that own chunks are those with a non-empty run; the first
    // of them gathers every run (rank order is chunk order), folds them
    // as one process would, and sends the total back. A few dozen doubles
    // per rank, several times a step: latency, not bandwidth.
    const char *what = "summing the batch's statistics";
    std::vector<int> owners;
    for (int r = 0; r < rankCount; ++r)
      if (chunksOfWorker(chunks, r, rankCount).size() > 0)
        owners.push_back(r);
    if (rankIndex != owners.front()) {
      check(MPI_Send(rows, static_cast<int>(rowCount * length), MPI_DOUBLE,
                     owners.front(), kChunkSumsTag, MPI_COMM_WORLD),
            what);
      check(MPI_Recv(total, static_cast<int>(length), MPI_DOUBLE,
                     owners.front(), kChunkSumsTag, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            what);
      return;
    }
    chunkSums.resize(chunks * length);
    std::copy(rows, rows + rowCount * length, chunkSums.begin());
    for (int r : owners) {
      ChunkRange run = chunksOfWorker(chunks, r, rankCount);
      if (r != rankIndex)
        check(MPI_Recv(chunkSums.data() + run.begin * length,
                       static_cast<int>(run.size() * length), MPI_DOUBLE, r,
                       kChunkSumsTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              what);
    }
    ProcessGroup::sumChunkSums(chunkSums.data(), chunks, chunks, length, total);
    for (int r : owners)
      if (r != rankIndex)
        check(MPI_Send(total, static_cast<int>(length), MPI_DOUBLE, r,
                       kChunkSumsTag, MPI_COMM_WORLD),
              what);
  }

  void broadcastFrom(int root, float *data, int64_t count) override {
    MPI_Request request;
    check(MPI_Ibcast(data, static_cast<int>(count), MPI_FLOAT, root,
                     MPI_COMM_WORLD, &request),
          "sharing the moving statistics");
    wait(request, "sharing the moving statistics");
  }

  void gatherSlicesToRoot(float *data, int64_t count) override {
    const char *what = "collecting the optimizer's state";
    std::vector<int> sizes, offsets;
    sliceLayout(count, sizes, offsets);
    MPI_Request request;
    if (rankIndex == 0)
      check(MPI_Igatherv(MPI_IN_PLACE, 0, MPI_FLOAT, data, sizes.data(),
                         offsets.data(), MPI_FLOAT, 0, MPI_COMM_WORLD,
                         &request),
            what);
    else
      check(MPI_Igatherv(data + offsets[rankIndex], sizes[rankIndex], MPI_FLOAT,
                         nullptr, nullptr, nullptr, MPI_FLOAT, 0,
                         MPI_COMM_WORLD, &request),
            what);
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
  static constexpr int kChainTag = 20, kStatsTag = 21, kReturnTag = 22,
                       kTotalsTag = 23, kDirectTag = 24, kWeightsTag = 25,
                       kChunkSumsTag = 26;

  /// Every chunk's partial sums on the first rank that owns a chunk
  /// (sumChunkSums).
  std::vector<double> chunkSums;

  /// A piece of the gradient vector and the rank that updates it.
  struct Piece {
    int64_t begin;
    int size;
    int owner;
  };

  /// The vector cut into the ranks' slices, each slice into pieces of at
  /// most kSegment floats, in order; no piece straddles `cut` (the start of
  /// the parameters summed early, or `count`).
  std::vector<Piece> piecesOf(int64_t count, int64_t cut = -1) const {
    std::vector<Piece> pieces;
    for (int owner = 0; owner < rankCount; ++owner) {
      ParamSlice slice = sliceOfRank(count, owner, rankCount);
      for (int64_t at = slice.begin; at < slice.end;) {
        int64_t end = std::min(slice.end, at + kSegment);
        if (at < cut && cut < end)
          end = cut;
        pieces.push_back({at, static_cast<int>(end - at), owner});
        at = end;
      }
    }
    return pieces;
  }

  /// Updates this rank's piece `p` of `data` and sends it to every other
  /// rank, adding the sends to `requests`.
  void updateAndSend(float *data, const Piece &p,
                     const std::function<void(int64_t, int64_t)> &update,
                     std::vector<MPI_Request> &requests) {
    update(p.begin, p.begin + p.size);
    for (int r = 0; r < rankCount; ++r)
      if (r != rankIndex) {
        requests.emplace_back();
        check(MPI_Isend(data + p.begin, p.size, MPI_FLOAT, r, kWeightsTag,
                        MPI_COMM_WORLD, &requests.back()),
              "sharing the updated weights");
      }
  }

  /// The ranks' slices as MPI's (count, displacement) lists.
  void sliceLayout(int64_t count, std::vector<int> &sizes,
                   std::vector<int> &offsets) const {
    for (int r = 0; r < rankCount; ++r) {
      ParamSlice slice = sliceOfRank(count, r, rankCount);
      sizes.push_back(static_cast<int>(slice.size()));
      offsets.push_back(static_cast<int>(slice.begin));
    }
  }

  /// Lets MPI move the messages in flight: Open MPI's TCP transport sends
  /// only inside MPI calls, and a rank folding or updating makes none.
  void progress(const char *what) {
    int flag = 0;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag,
                     MPI_STATUS_IGNORE),
          what);
  }

  void waitPending(const char *what) {
    for (MPI_Request &request : pending)
      wait(request, what);
    pending.clear();
  }

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
  double stepStats[3], stepTotals[3]; // (loss sum, correct, signal)
  std::vector<float> partial;         // the chain's partial sums
  std::vector<float> incoming;        // the other ranks' rows of my slice
  std::vector<double> allStats;       // (loss, correct, signal) per rank
  std::vector<MPI_Request> pending;   // sends updateSlices waits for

  /// The early update of the step in progress (beginSum).
  struct Early {
    bool active = false;
    int64_t cut = 0;
    float *data = nullptr;
    std::function<void(int64_t, int64_t)> update;
    std::vector<size_t> mine;      // this rank's early pieces, chain indices
    std::vector<Piece> minePieces; // the same pieces
    size_t updated = 0;            // mine[0, updated) are updated and sent
    std::vector<MPI_Request> requests; // their sends, the others' receives
  } early;

  /// The chain of the step in progress.
  struct Chain {
    bool active = false;
    const float *rows = nullptr;
    int64_t rowCount = 0, count = 0;
    float *sums = nullptr;     // the partial sums (the total on the last rank)
    std::vector<Piece> pieces; // in the order they travel
    size_t early = 0;          // pieces[0, early) may be folded early
    size_t folded = 0;         // pieces[0, folded) are folded and sent
    std::vector<MPI_Request> in, totalIn, sends;
  } chain;
};

} // namespace

ProcessGroup *cnnc::joinProcessGroup(const std::string &programName,
                                     std::string &error) {
  if (!launchedByMpi())
    return &singleProcess();
  static MpiGroup group(programName);
  return &group;
}
