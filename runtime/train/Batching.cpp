//===- Batching.cpp - fit()'s split, shuffle and batches ------------------===//

#include "runtime/train/Batching.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

using namespace cnnc;

SampleSet SampleSet::slice(int64_t begin, int64_t end) const {
  SampleSet part = *this;
  part.pixels = pixels + begin * pixelsPerSample;
  part.labels = labels + begin;
  part.count = end - begin;
  return part;
}

bool cnnc::splitForValidation(int64_t count, double fraction,
                              ValidationSplit &out, std::string &error) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", fraction);
  // Written so that NaN fails too.
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    error = std::string("validation_split must be in [0, 1), not ") + text;
    return false;
  }
  if (fraction == 0.0) {
    out = {count, 0};
    return true;
  }
  // Keras: split_at = int(math.floor(batch_dim * (1. - validation_split))),
  // in double; the same expression here gives the same split_at.
  int64_t splitAt = int64_t(std::floor(double(count) * (1.0 - fraction)));
  if (splitAt <= 0 || splitAt >= count) {
    error = "validation_split=" + std::string(text) + " leaves " +
            (splitAt <= 0 ? "no training samples" : "no validation samples") +
            " out of " + std::to_string(count) +
            " (Keras refuses such a split too): use more data or another "
            "fraction";
    return false;
  }
  out = {splitAt, count - splitAt};
  return true;
}

int64_t cnnc::stepsPerEpoch(int64_t count, int64_t batchSize) {
  return count / batchSize + (count % batchSize != 0);
}

std::mt19937_64 cnnc::epochGenerator(uint64_t seed, int64_t epoch) {
  // The words of (tag, seed, epoch): the tag keeps this stream apart from
  // any other the same seed drives (initializers, dropout).
  uint64_t e = uint64_t(epoch);
  std::seed_seq sequence{uint32_t(0x66667568), // "shuf"
                         uint32_t(seed), uint32_t(seed >> 32), uint32_t(e),
                         uint32_t(e >> 32)};
  return std::mt19937_64(sequence);
}

uint64_t cnnc::uniformBelow(std::mt19937_64 &rng, uint64_t bound) {
  // Accept x only from the largest multiple of `bound` that fits in 2^64,
  // so that every residue is equally likely; the rejected range is
  // 2^64 mod bound values, so for bounds far below 2^64 it is rarely hit.
  uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint64_t x = rng();
    if (x >= threshold)
      return x % bound;
  }
}

std::vector<int64_t> cnnc::epochOrder(int64_t count, uint64_t seed,
                                      int64_t epoch, bool shuffle) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), int64_t(0));
  if (!shuffle || count < 2)
    return order;
  std::mt19937_64 rng = epochGenerator(seed, epoch);
  for (int64_t i = count - 1; i > 0; --i) {
    int64_t j = int64_t(uniformBelow(rng, uint64_t(i) + 1));
    std::swap(order[size_t(i)], order[size_t(j)]);
  }
  return order;
}

//===----------------------------------------------------------------------===//
// Gathering
//===----------------------------------------------------------------------===//

namespace {

/// p / 255 for every byte, as float32. (Computing p / 255 in double and
/// rounding to float, as `x_train / 255` in numpy does, gives the same 256
/// values; BatchingTest checks it.)
const std::array<float, 256> &normalised() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> values{};
    for (int p = 0; p < 256; ++p)
      values[size_t(p)] = float(p) / 255.0f;
    return values;
  }();
  return table;
}

/// Gathers the samples `indexOf(0..n)` names.
template <typename IndexOf>
void gatherSamples(const SampleSet &samples, int64_t n, IndexOf indexOf,
                   const GatherOptions &options, Batch &out) {
  const std::array<float, 256> &scale = normalised();
  int64_t pixels = samples.pixelsPerSample;
  out.size = n;
  out.images.resize(size_t(n * pixels));
  out.labels.resize(size_t(n));
  if (options.oneHot)
    out.oneHot.assign(size_t(n * options.classes), 0.0f);
  else
    out.oneHot.clear();
  for (int64_t i = 0; i < n; ++i) {
    int64_t sample = indexOf(i);
    const uint8_t *source = samples.pixels + sample * pixels;
    float *target = out.images.data() + i * pixels;
    for (int64_t k = 0; k < pixels; ++k)
      target[k] = scale[source[k]];
    uint8_t label = samples.labels[sample];
    out.labels[size_t(i)] = int32_t(label);
    if (options.oneHot)
      out.oneHot[size_t(i * options.classes + label)] = 1.0f;
  }
}

} // namespace

void cnnc::gatherBatch(const SampleSet &samples, const int64_t *indices,
                       int64_t n, const GatherOptions &options, Batch &out) {
  gatherSamples(
      samples, n, [&](int64_t i) { return indices[i]; }, options, out);
}

void cnnc::gatherRange(const SampleSet &samples, int64_t begin, int64_t n,
                       const GatherOptions &options, Batch &out) {
  gatherSamples(samples, n, [&](int64_t i) { return begin + i; }, options, out);
}

//===----------------------------------------------------------------------===//
// EpochBatches
//===----------------------------------------------------------------------===//

EpochBatches::EpochBatches(const SampleSet &samples, int64_t batchSize,
                           uint64_t seed, int64_t epoch, bool shuffle)
    : samples(samples), batchSize(batchSize),
      stepCount(stepsPerEpoch(samples.count, batchSize)),
      visitOrder(epochOrder(samples.count, seed, epoch, shuffle)) {}

int64_t EpochBatches::sizeOf(int64_t step) const {
  return std::min(batchSize, samples.count - step * batchSize);
}

const int64_t *EpochBatches::indicesOf(int64_t step) const {
  return visitOrder.data() + step * batchSize;
}

void EpochBatches::gather(int64_t step, const GatherOptions &options,
                          Batch &out) const {
  gatherBatch(samples, indicesOf(step), sizeOf(step), options, out);
}
