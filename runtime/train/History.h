//===- History.h - Keras's History: per-epoch metrics -----------*- C++ -*-===//
//
// What `model.fit()` returns as `history.history`: for each metric the
// training loop logs ("loss", "accuracy", then "val_loss", "val_accuracy"
// when there is validation data), one value per epoch, in the order Keras
// logs them. cnnc keeps the epochs' wall times beside it, since both the
// --metrics-json file and a checkpoint carry them.
//
// The series are named rather than fixed fields because which ones exist
// depends on the model: no "accuracy" without metrics=['accuracy'], no
// "val_*" without validation data.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_HISTORY_H
#define CNNC_RUNTIME_TRAIN_HISTORY_H

#include <string>
#include <utility>
#include <vector>

namespace cnnc {

/// One metric's values, epoch after epoch.
struct HistorySeries {
  std::string name;
  std::vector<double> values;

  bool operator==(const HistorySeries &other) const {
    return name == other.name && values == other.values;
  }
};

/// A metric's name and value, as a log line or the test result holds them.
using MetricValue = std::pair<std::string, double>;

struct History {
  std::vector<HistorySeries> series; // in the order they were first logged
  std::vector<double> epochSeconds;  // each epoch's training-loop wall time

  /// Appends one epoch's logs: each value to its series, creating series in
  /// first-seen order, and the epoch's wall time.
  void addEpoch(const std::vector<MetricValue> &logs, double seconds);

  /// The series called `name`, or null.
  const std::vector<double> *find(const std::string &name) const;

  /// The number of epochs recorded.
  size_t epochs() const { return epochSeconds.size(); }

  bool operator==(const History &other) const {
    return series == other.series && epochSeconds == other.epochSeconds;
  }
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_HISTORY_H
