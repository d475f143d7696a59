//===- Batching.h - fit()'s split, shuffle and batches ----------*- C++ -*-===//
//
// How Keras's `fit()` feeds a model (docs/keras-semantics.md §4):
//
//   validation_split=f   split_at = floor(N * (1 - f)), computed in double
//                        as Keras does; samples [split_at, N) are the
//                        validation set, taken before any shuffling and
//                        always visited in order;
//   shuffle              a new permutation of the training samples every
//                        epoch (--no-shuffle keeps file order);
//   batches              steps = ceil(N / batch_size), the last batch
//                        partial when batch_size does not divide N.
//
// An epoch's permutation is a pure function of (seed, epoch): the generator
// is std::mt19937_64 seeded from both through std::seed_seq, and the
// shuffle is cnnc's own Fisher-Yates over the generator's raw output. Both
// std::shuffle and std::uniform_int_distribution are implementation-
// defined, so with them a permutation could change between standard
// libraries; with the engine alone (whose output the standard fixes) it
// cannot. Because nothing carries over between epochs, `--resume` at epoch
// k draws exactly the permutation an uninterrupted run draws at epoch k.
//
// Samples stay uint8 until a batch is gathered: gatherBatch() converts the
// batch's images to float /255 and its labels to int32 (and to one-hot
// float rows for the categorical losses). It writes only to its output, so
// threads may gather different batches at once.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_BATCHING_H
#define CNNC_RUNTIME_TRAIN_BATCHING_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cnnc {

/// A run of samples: `count` images of `pixelsPerSample` bytes each, image
/// after image (NHWC, so an MNIST image is 28x28x1), and one label each.
/// A view: the bytes belong to whoever loaded them.
struct SampleSet {
  const uint8_t *pixels = nullptr;
  const uint8_t *labels = nullptr;
  int64_t count = 0;
  int64_t pixelsPerSample = 0;

  /// Samples [begin, end) of this set.
  SampleSet slice(int64_t begin, int64_t end) const;
};

/// How fit()'s validation_split divides N samples: training is
/// [0, trainCount), validation [trainCount, trainCount + validationCount).
struct ValidationSplit {
  int64_t trainCount = 0;
  int64_t validationCount = 0;
};

/// Splits `count` samples as `validation_split=fraction` does. A fraction of
/// 0 keeps every sample for training. Fails, with `error` set to one line,
/// for a fraction outside [0, 1) and, as Keras does, when either side
/// would be empty.
bool splitForValidation(int64_t count, double fraction, ValidationSplit &out,
                        std::string &error);

/// ceil(count / batchSize): the steps of an epoch, the last one partial
/// when batchSize does not divide count. batchSize must be positive.
int64_t stepsPerEpoch(int64_t count, int64_t batchSize);

/// The generator epoch `epoch` of a run seeded with `seed` shuffles with.
std::mt19937_64 epochGenerator(uint64_t seed, int64_t epoch);

/// A uniform integer in [0, bound) from `rng`'s raw output, by rejection
/// (no modulo bias). bound must be positive.
uint64_t uniformBelow(std::mt19937_64 &rng, uint64_t bound);

/// The order epoch `epoch` visits `count` training samples in: a
/// Fisher-Yates permutation of 0..count-1 drawn from epochGenerator(seed,
/// epoch), or 0..count-1 itself when `shuffle` is false.
std::vector<int64_t> epochOrder(int64_t count, uint64_t seed, int64_t epoch,
                                bool shuffle);

/// One batch, ready for the compiled step. Buffers are reused from batch
/// to batch: they are resized, never shrunk in capacity.
struct Batch {
  int64_t size = 0;            // samples in this batch
  std::vector<float> images;   // size * pixelsPerSample, each pixel / 255
  std::vector<int32_t> labels; // size class indices
  std::vector<float> oneHot;   // size * classes rows, or empty
};

/// What gatherBatch fills besides the images.
struct GatherOptions {
  int64_t classes = 10; // one-hot row length
  bool oneHot = false;  // fill Batch::oneHot (categorical losses)
};

/// Gathers samples `indices[0..n)` of `samples` into `out`. The indices must
/// be in range and labels below `options.classes` (both are the caller's
/// invariants: the IDX reader checks labels, epochOrder makes indices).
void gatherBatch(const SampleSet &samples, const int64_t *indices, int64_t n,
                 const GatherOptions &options, Batch &out);

/// Gathers samples [begin, begin + n) in order (validation and test).
void gatherRange(const SampleSet &samples, int64_t begin, int64_t n,
                 const GatherOptions &options, Batch &out);

/// One epoch of training batches: the epoch's order, cut into steps.
class EpochBatches {
public:
  /// The batches of epoch `epoch` over all of `samples` (the training part
  /// of a split). batchSize must be positive.
  EpochBatches(const SampleSet &samples, int64_t batchSize, uint64_t seed,
               int64_t epoch, bool shuffle);

  int64_t steps() const { return stepCount; }
  /// The number of samples in batch `step` (batchSize but for the last).
  int64_t sizeOf(int64_t step) const;
  /// The sample indices of batch `step`, sizeOf(step) of them.
  const int64_t *indicesOf(int64_t step) const;
  /// The whole epoch's order.
  const std::vector<int64_t> &order() const { return visitOrder; }

  /// Gathers batch `step` into `out`; const, so threads may gather
  /// different steps at once.
  void gather(int64_t step, const GatherOptions &options, Batch &out) const;

private:
  SampleSet samples;
  int64_t batchSize, stepCount;
  std::vector<int64_t> visitOrder;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_BATCHING_H
