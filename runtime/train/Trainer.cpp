//===- Trainer.cpp - Training and evaluation on a compiled model ----------===//

#include "runtime/train/Trainer.h"
#include "runtime/infer/ForwardRunner.h"

#include <algorithm>
#include <cassert>

#include <malloc.h>

using namespace cnnc;

Trainer::Trainer(const ModelKernels &kernels, unsigned threads,
                 ProcessGroup &group)
    : kernels(kernels), group(group), pool(threads) {
  // The compiled code allocates its temporaries per call (megabytes per
  // step). With glibc's defaults those come from fresh mmaps and go back
  // to the kernel on free, so every step pays page faults for memory it
  // just released; keeping them in the heap makes a step allocation-free
  // after the first.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (!SplitChunks::install(kernels))
    overlap = false;
  LockstepChunks::install(kernels);
  const ModelInfo &info = kernels.info;
  int64_t count = info.paramElements();
  paramData.assign(count, 0.0f);
  stateData.assign(info.stateSlots * count, 0.0f);
}

void Trainer::reserveGradientRows(int64_t rows) {
  if (static_cast<int64_t>(gradientPointers.size()) >= rows)
    return;
  int64_t count = static_cast<int64_t>(paramData.size());
  gradientData.resize(rows * count);
  gradientPointers.clear();
  for (int64_t r = 0; r < rows; ++r)
    gradientPointers.push_back(
        writableParamPointers(kernels.info, gradientData.data() + r * count));
}

void Trainer::forEachChunk(ChunkRange range,
                           const std::function<void(int64_t, int64_t)> &chunk) {
  int64_t chunks = range.size();
  unsigned parts =
      static_cast<unsigned>(std::min<int64_t>(pool.size(), chunks));
  pool.run(parts, [&](unsigned t) {
    ChunkRange mine = chunksOfWorker(chunks, t, parts);
    for (int64_t slot = mine.begin; slot < mine.end; ++slot)
      chunk(range.begin + slot, slot);
  });
}

void Trainer::sumStats(int64_t chunks, std::vector<double> &sums) {
  int64_t width = kernels.info.statsPerCall();
  std::vector<int64_t> counts(group.size());
  for (int r = 0; r < group.size(); ++r)
    counts[r] = width * chunksOfWorker(chunks, r, group.size()).size();
  allStats.resize(width * chunks);
  group.gather(stats.data(), counts.data(), allStats.data());
  addStats(allStats.data(), chunks, sums);
}

void Trainer::addStats(const float *rows, int64_t chunks,
                       std::vector<double> &sums) const {
  int64_t width = kernels.info.statsPerCall();
  sums.assign(width, 0.0);
  for (int64_t k = 0; k < chunks; ++k)
    for (int64_t i = 0; i < width; ++i)
      sums[i] += rows[width * k + i];
}

/// The result of summed stats over `samples` samples: the total loss and
/// the count, then each output's.
static LossAndAccuracy resultOf(const std::vector<double> &sums,
                                int64_t samples) {
  LossAndAccuracy result;
  result.samples = samples;
  result.correct = static_cast<int64_t>(sums[1]);
  if (samples > 0) {
    result.loss = sums[0] / samples;
    result.accuracy = sums[1] / samples;
  }
  for (size_t i = 2; i + 1 < sums.size(); i += 2) {
    result.outputLoss.push_back(samples > 0 ? sums[i] / samples : 0.0);
    result.outputCorrect.push_back(static_cast<int64_t>(sums[i + 1]));
    result.outputAccuracy.push_back(samples > 0 ? sums[i + 1] / samples : 0.0);
  }
  return result;
}

GatherOptions Trainer::gatherOptions() const {
  GatherOptions options;
  options.classes = kernels.info.outputElements();
  options.oneHot = !kernels.info.sparseLabels;
  return options;
}

/// The labels of samples [first, ...) of `batch`, as the kernels take them.
static const void *labelsAt(const Batch &batch, const ModelInfo &info,
                            int64_t first) {
  if (info.sparseLabels)
    return batch.labels.data() + first;
  return batch.oneHot.data() + first * info.outputElements();
}

LossAndAccuracy Trainer::step(const Batch &batch, uint64_t seed, int stopSignal,
                              int *agreedStop) {
  const ModelInfo &info = kernels.info;
  // A model that normalizes with the batch's statistics runs its chunks in
  // lockstep through the sums across them (LockstepChunks.h), on every
  // thread and rank. Code without that hook needs the whole batch in one
  // call: its one chunk is the batch (so, like the fixed chunks, it does
  // not depend on the threads), and it trains in one process only.
  bool batchStatistics = info.needsWholeBatch();
  bool wholeBatch = batchStatistics && !kernels.sumAcrossChunksHook;
  assert((!wholeBatch || group.size() == 1) &&
         "a whole batch in one call cannot be split across ranks");
  int64_t chunkImages = wholeBatch ? batch.size : kTrainChunkImages;
  int64_t chunks = chunkCount(batch.size, chunkImages);
  ChunkRange mine = chunksOfWorker(chunks, group.rank(), group.size());
  reserveGradientRows(std::max<int64_t>(1, mine.size()));
  int64_t width = info.statsPerCall();
  if (stats.size() < size_t(width * mine.size()))
    stats.resize(width * mine.size());
  std::vector<const float *> params = paramPointers(info, paramData.data());
  float scale = 1.0f / static_cast<float>(batch.size);
  int64_t pixels = info.inputElements();
  auto computeChunk = [&](int64_t k, int64_t slot) {
    int64_t first = chunkFirstImage(k, chunkImages);
    int64_t n = chunkImageCount(k, batch.size, chunkImages);
    kernels.trainGradients(
        batch.images.data() + first * pixels, labelsAt(batch, info, first), n,
        params.data(), scale, static_cast<int64_t>(seed), iteration, first,
        stats.data() + width * slot, gradientPointers[slot].data());
  };
  int64_t count = static_cast<int64_t>(paramData.size());
  // The overlap needs a sum to start (several ranks) and chunks whose
  // gradients are final early; the decision depends only on what every
  // rank shares (the flag, the code, the batch), so all ranks take part
  // in the sum alike.
  if (batchStatistics && !wholeBatch && mine.size() > 0 &&
      (mine.size() > 1 || group.size() > 1)) {
    lockstepChunks.run(
        pool, mine.size(),
        [&](int64_t slot) { computeChunk(mine.begin + slot, slot); },
        [&](const double *rows, int64_t length, double *total) {
          group.sumChunkSums(rows, mine.size(), chunks, length, total);
        });
  } else if (overlap && group.size() > 1 && !batchStatistics &&
             kernels.gradientReadyHook && chunks > group.size()) {
    gradientTotal.resize(count);
    computeOverlapped(mine, chunks, computeChunk);
  } else {
    forEachChunk(mine, computeChunk);
  }
  if (batchStatistics)
    takeNextValues(mine.size(), chunks);
  // One process hands all chunk rows to the update, which adds them in
  // row order as it goes. Ranks add theirs across the group in the same
  // order, each rank getting the total of the slice of the parameters it
  // updates: the update gets one row (0 + total is the total: a fold that
  // starts from +0 never yields -0), and the updated slices are gathered.
  std::vector<double> sums;
  if (group.size() == 1) {
    update(0, count, gradientData.data(), mine.size());
    addStats(stats.data(), chunks, sums);
    if (agreedStop)
      *agreedStop = stopSignal;
  } else {
    // TrainRun refuses several outputs across ranks: the group's exchange
    // carries one (loss sum, count) pair per chunk.
    assert(width == 2 && "TrainRun refuses several outputs across ranks");
    gradientTotal.resize(count);
    StepTotals totals;
    group.sumStep(gradientData.data(), chunks, count, stats.data(), stopSignal,
                  gradientTotal.data(), totals);
    group.updateSlices(paramData.data(), count,
                       [&](int64_t begin, int64_t end) {
                         update(begin, end, gradientTotal.data(), 1);
                       });
    sums = {totals.lossSum, totals.correct};
    if (agreedStop)
      *agreedStop = totals.stopSignal;
  }
  ++iteration;
  return resultOf(sums, batch.size);
}

void Trainer::computeOverlapped(
    ChunkRange mine, int64_t chunks,
    const std::function<void(int64_t, int64_t)> &chunk) {
  int64_t count = static_cast<int64_t>(paramData.size());
  // The step reports the first parameter it is done with; the group cuts
  // the vector at that parameter's first element.
  auto startSum = [&](int64_t firstParam) {
    const std::vector<ParamInfo> &layout = kernels.info.params;
    if (firstParam <= 0 || firstParam >= static_cast<int64_t>(layout.size()))
      return;
    int64_t from = 0;
    for (int64_t p = 0; p < firstParam; ++p)
      from += layout[p].elements();
    group.beginSum(gradientData.data(), chunks, count, from,
                   gradientTotal.data(), paramData.data(),
                   [this](int64_t begin, int64_t end) {
                     update(begin, end, gradientTotal.data(), 1);
                   });
  };
  if (pool.size() > 1) {
    forEachChunk(mine, chunk);
    startSum(SplitChunks::reportedSplit());
    return;
  }
  split.run(
      mine.size(), [&](int64_t slot) { chunk(mine.begin + slot, slot); },
      startSum, [&] { group.progressSum(); });
}

void Trainer::update(int64_t begin, int64_t end, const float *rows,
                     int64_t rowCount) {
  // The update is elementwise: each thread takes a part of the parameters,
  // cut at multiples of 16 floats (cache lines, and the compiled update's
  // vectors) so that no two threads write one line.
  int64_t length = end - begin;
  unsigned updaters = static_cast<unsigned>(
      std::max<int64_t>(1, std::min<int64_t>(pool.size(), length / 4096)));
  pool.run(updaters, [&](unsigned u) {
    int64_t from = begin + length * u / updaters / 16 * 16;
    int64_t to =
        u + 1 == updaters ? end : begin + length * (u + 1) / updaters / 16 * 16;
    kernels.applyGradients(paramData.data(), stateData.data(), rows, rowCount,
                           iteration, from, to - from);
  });
}

void Trainer::gatherStateToRoot() {
  int64_t count = static_cast<int64_t>(paramData.size());
  for (int64_t slot = 0; slot < kernels.info.stateSlots; ++slot)
    group.gatherSlicesToRoot(stateData.data() + slot * count, count);
}

void Trainer::takeNextValues(int64_t rows, int64_t chunks) {
  // The slots of the parameters the step computes from the batch's
  // statistics hold their next values, the same in every chunk's row (each
  // computes them from the batch's totals): moved into the parameters from
  // the first, and zeroed in all so that the update sees a zero gradient
  // and (with its state at zero, as for every weight Keras does not train)
  // leaves them as they are. A rank without a chunk of this batch (a short
  // last batch) gets them from the first rank that has one.
  int owner = 0;
  while (chunksOfWorker(chunks, owner, group.size()).size() == 0)
    ++owner;
  std::vector<float *> params =
      writableParamPointers(kernels.info, paramData.data());
  for (size_t p = 0; p < kernels.info.params.size(); ++p) {
    const ParamInfo &param = kernels.info.params[p];
    if (!param.fromBatchStatistics)
      continue;
    if (rows > 0)
      std::copy_n(gradientPointers[0][p], param.elements(), params[p]);
    for (int64_t r = 0; r < rows; ++r)
      std::fill_n(gradientPointers[r][p], param.elements(), 0.0f);
    if (group.size() > 1)
      group.broadcastFrom(owner, params[p], param.elements());
  }
}

LossAndAccuracy Trainer::evaluate(const SampleSet &samples, int64_t batchSize) {
  const ModelInfo &info = kernels.info;
  std::vector<const float *> params = paramPointers(info, paramData.data());
  GatherOptions options = gatherOptions();
  int64_t pixels = info.inputElements();
  // The chunks are the set's, not the batch's: the sums do not depend on
  // the batch size, the threads or the ranks.
  int64_t chunks = chunkCount(samples.count, kEvalChunkImages);
  ChunkRange mine = chunksOfWorker(chunks, group.rank(), group.size());
  int64_t width = info.statsPerCall();
  if (stats.size() < size_t(width * mine.size()))
    stats.resize(width * mine.size());
  int64_t perGather = std::max<int64_t>(1, batchSize / kEvalChunkImages);
  for (int64_t begin = mine.begin; begin < mine.end; begin += perGather) {
    ChunkRange gathered{begin, std::min(mine.end, begin + perGather)};
    int64_t firstImage = chunkFirstImage(begin, kEvalChunkImages);
    int64_t images = std::min(samples.count,
                              chunkFirstImage(gathered.end, kEvalChunkImages)) -
                     firstImage;
    gatherRange(samples, firstImage, images, options, evalBatch);
    std::vector<float> gatheredStats(width * gathered.size());
    forEachChunk(gathered, [&](int64_t k, int64_t slot) {
      int64_t first = chunkFirstImage(k, kEvalChunkImages) - firstImage;
      int64_t n = chunkImageCount(k, samples.count, kEvalChunkImages);
      kernels.evaluate(evalBatch.images.data() + first * pixels,
                       labelsAt(evalBatch, info, first), n, params.data(),
                       gatheredStats.data() + width * slot);
    });
    std::copy(gatheredStats.begin(), gatheredStats.end(),
              stats.begin() + width * (begin - mine.begin));
  }
  std::vector<double> sums;
  sumStats(chunks, sums);
  return resultOf(sums, samples.count);
}

void Trainer::forward(const float *images, int64_t count, float *output) {
  std::vector<const float *> params =
      paramPointers(kernels.info, paramData.data());
  runForward(kernels, pool, images, count, params.data(), output);
}
