//===- Trainer.cpp - Training and evaluation on a compiled model ----------===//

#include "runtime/train/Trainer.h"
#include "runtime/infer/ForwardRunner.h"

#include <algorithm>

#include <malloc.h>

using namespace cnnc;

Trainer::Trainer(const ModelKernels &kernels, unsigned threads)
    : kernels(kernels), pool(threads) {
  // The compiled code allocates its temporaries per call (megabytes per
  // step). With glibc's defaults those come from fresh mmaps and go back
  // to the kernel on free, so every step pays page faults for memory it
  // just released; keeping them in the heap makes a step allocation-free
  // after the first.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  const ModelInfo &info = kernels.info;
  int64_t count = info.paramElements();
  paramData.assign(count, 0.0f);
  stateData.assign(info.stateSlots * count, 0.0f);
  gradientData.assign(int64_t(pool.size()) * count, 0.0f);
  stats.assign(2 * pool.size(), 0.0f);
  for (unsigned s = 0; s < pool.size(); ++s)
    gradientPointers.push_back(
        writableParamPointers(info, gradientData.data() + s * count));
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

LossAndAccuracy Trainer::step(const Batch &batch, uint64_t seed) {
  const ModelInfo &info = kernels.info;
  std::vector<int64_t> bounds = pool.shards(batch.size);
  unsigned parts = bounds.size() - 1;
  std::vector<const float *> params = paramPointers(info, paramData.data());
  float scale = 1.0f / static_cast<float>(batch.size);
  int64_t pixels = info.inputElements();
  pool.run(parts, [&](unsigned s) {
    int64_t first = bounds[s], n = bounds[s + 1] - bounds[s];
    kernels.trainGradients(batch.images.data() + first * pixels,
                           labelsAt(batch, info, first), n, params.data(),
                           scale, static_cast<int64_t>(seed), iteration, first,
                           stats.data() + 2 * s, gradientPointers[s].data());
  });
  // The update is elementwise: each thread takes a part of the parameters,
  // cut at cache-line multiples so that no two threads write one line.
  int64_t count = static_cast<int64_t>(paramData.size());
  unsigned updaters = static_cast<unsigned>(
      std::max<int64_t>(1, std::min<int64_t>(pool.size(), count / 4096)));
  pool.run(updaters, [&](unsigned u) {
    int64_t begin = count * u / updaters / 16 * 16;
    int64_t end =
        u + 1 == updaters ? count : count * (u + 1) / updaters / 16 * 16;
    kernels.applyGradients(paramData.data(), stateData.data(),
                           gradientData.data(), parts, iteration, begin,
                           end - begin);
  });
  ++iteration;

  LossAndAccuracy result;
  double lossSum = 0.0, correct = 0.0;
  for (unsigned s = 0; s < parts; ++s) {
    lossSum += stats[2 * s];
    correct += stats[2 * s + 1];
  }
  result.samples = batch.size;
  result.correct = static_cast<int64_t>(correct);
  result.loss = lossSum / batch.size;
  result.accuracy = correct / batch.size;
  return result;
}

LossAndAccuracy Trainer::evaluate(const SampleSet &samples, int64_t batchSize) {
  const ModelInfo &info = kernels.info;
  std::vector<const float *> params = paramPointers(info, paramData.data());
  GatherOptions options = gatherOptions();
  int64_t pixels = info.inputElements();
  double lossSum = 0.0, correct = 0.0;
  for (int64_t begin = 0; begin < samples.count; begin += batchSize) {
    int64_t n = std::min(batchSize, samples.count - begin);
    gatherRange(samples, begin, n, options, evalBatch);
    std::vector<int64_t> bounds = pool.shards(n);
    unsigned parts = bounds.size() - 1;
    pool.run(parts, [&](unsigned s) {
      int64_t first = bounds[s];
      kernels.evaluate(evalBatch.images.data() + first * pixels,
                       labelsAt(evalBatch, info, first), bounds[s + 1] - first,
                       params.data(), stats.data() + 2 * s);
    });
    for (unsigned s = 0; s < parts; ++s) {
      lossSum += stats[2 * s];
      correct += stats[2 * s + 1];
    }
  }
  LossAndAccuracy result;
  result.samples = samples.count;
  result.correct = static_cast<int64_t>(correct);
  if (samples.count > 0) {
    result.loss = lossSum / samples.count;
    result.accuracy = correct / samples.count;
  }
  return result;
}

void Trainer::forward(const float *images, int64_t count, float *output) {
  std::vector<const float *> params =
      paramPointers(kernels.info, paramData.data());
  runForward(kernels, pool, images, count, params.data(), output);
}
