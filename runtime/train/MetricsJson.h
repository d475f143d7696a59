//===- MetricsJson.h - The --metrics-json file ------------------*- C++ -*-===//
//
// Keras's History plus timings, as docs/cli.md §9.6 specifies it, on one line:
//
//   {"history": {"loss": [...], "accuracy": [...], "val_loss": [...],
//   "val_accuracy": [...]}, "epoch_seconds": [...], "test": {"loss": L,
//   "accuracy": A}, "eval_images_per_second": R}
//
// History's series appear in the order they were logged, so val_* only when
// the run had validation data. Numbers are written as Python's json.dumps
// writes a float (its repr: the shortest digits that read back to the same
// double, "0.1" not "0.10000000000000001"), so the file reads back exactly
// and looks like `json.dump(history.history, f)` would. JSON has no NaN or
// infinity (a diverging run can log them): those are written as null, which
// every JSON parser accepts, where Python would write the non-standard NaN.
// The file is written atomically.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_METRICSJSON_H
#define CNNC_RUNTIME_TRAIN_METRICSJSON_H

#include "runtime/train/History.h"

#include <optional>
#include <string>
#include <vector>

namespace cnnc {

/// Everything the file holds.
struct MetricsReport {
  /// fit()'s History and epoch times; the keys are left out when unset
  /// (`cnnc eval` trains nothing).
  std::optional<History> history;
  /// The test set's metrics, e.g. {{"loss", L}, {"accuracy", A}}; the
  /// "test" key is left out when empty (no evaluation ran).
  std::vector<MetricValue> test;
  /// Test images per second of the compiled forward pass; the key is left
  /// out when unset.
  std::optional<double> evalImagesPerSecond;
};

/// `value` as Python's repr() writes a float ("0.1", "1e-05", "100.0",
/// "1e+16"); "null" for NaN and infinities.
std::string formatJsonNumber(double value);

/// The file's text, ending in a newline.
std::string formatMetricsJson(const MetricsReport &report);

/// Writes formatMetricsJson(report) to `path` atomically. On failure returns
/// false with `error` set to one line naming the path.
bool writeMetricsJson(const std::string &path, const MetricsReport &report,
                      std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_METRICSJSON_H
