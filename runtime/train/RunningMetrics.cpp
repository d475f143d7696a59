//===- RunningMetrics.cpp - fit()'s epoch loss and accuracy ---------------===//

#include "runtime/train/RunningMetrics.h"

using namespace cnnc;

void RunningMean::add(float value, float weight) {
  // TensorFlow rounds the product before adding it; a compiler allowed to
  // contract `total + value * weight` into one FMA (-ffp-contract=fast with
  // -mfma) would not, so the product goes through memory.
  volatile float product = value * weight;
  total += product;
  count += weight;
}

void EpochMetrics::addBatch(float meanLoss, int64_t correct,
                            int64_t batchSize) {
  // Keras casts the batch size (tf.shape(y)[0]) to float32 as the weight.
  float weight = float(batchSize);
  lossMean.add(meanLoss, weight);
  // A batch's matches are 0/1 float32 values; their sum is exact as long as
  // a batch holds fewer than 2^24 samples, so float(correct) is that sum.
  accuracyMean.addSum(float(correct), weight);
  seen += batchSize;
  ++batchCount;
}

void EpochMetrics::reset() {
  lossMean.reset();
  accuracyMean.reset();
  seen = batchCount = 0;
}
