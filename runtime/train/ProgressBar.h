//===- ProgressBar.h - Keras's progress bar, byte for byte ------*- C++ -*-===//
//
// What `fit(verbose=1)` prints, reproduced from tf.keras 2.x
// (keras/utils/generic_utils.py::Progbar, keras/callbacks.py::
// ProgbarLogger), so that cnnc's output reads exactly like Keras's:
//
//   Epoch 1/5                                  (only when epochs > 1)
//    312/1875 [====>.........................] - ETA: 5s - loss: 0.3 ...
//   1875/1875 [==============================] - 6s 3ms/step - loss: 0.1432
//       - accuracy: 0.9571 - val_loss: 0.0565 - val_accuracy: 0.9822
//
// (the last line is one line). Each redraw is "\b" times the previous
// line's width, then "\r", then the line padded with spaces to cover the
// previous one; the final line ends in "\n". Keras writes the backspaces
// too (on Linux it always takes its "dynamic display" path, terminal or
// not), so they are kept for byte equality; on a terminal they are
// harmless, since the "\r" after them returns to the line's start anyway.
// Redraws are at most one per `interval` (0.05 s) but the final one.
//
// Times: the elapsed seconds "%.0fs"; per step "%.0fs", "%.0fms" or
// "%.0fus" (from 1 s, from 1 ms, below); the ETA "%ds", "%d:%02d" above a
// minute, "%d:%02d:%02d" above an hour. The time per step leaves out the
// first step (it carries the warm-up) once there are more. Values print
// "%.4f", or "%.4e" when |v| <= 1e-3. The values a step shows are the
// running means the loop passes in (tf.keras logs them as stateful
// metrics, which Progbar shows as given).
//
// Whether to show anything is the caller's choice: wantsProgress() is the
// rule (a terminal, or --verbose); a disabled bar prints nothing.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_PROGRESSBAR_H
#define CNNC_RUNTIME_TRAIN_PROGRESSBAR_H

#include "runtime/train/History.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

struct ProgressOptions {
  /// False: print nothing at all.
  bool enabled = true;
  /// Keras's verbose=2, for output that is not a terminal: no bar, one line
  /// as each epoch ends (`4/4 - 1s - loss: 0.5 - accuracy: 0.8 - 1s/epoch -
  /// 250ms/step`), after the `Epoch i/n` header.
  bool perEpoch = false;
  /// Where the text goes; empty: stdout, flushed after every write.
  std::function<void(std::string_view)> write;
  /// Seconds since any fixed origin, never going back; empty: the steady
  /// clock. Tests inject their own.
  std::function<double()> clock;
  int width = 30;         // characters between the brackets
  double interval = 0.05; // seconds between redraws
  std::string unitName = "step";
};

/// Keras's rule for cnnc: show progress when `fd` is a terminal, or when
/// --verbose asks for it even though it is not.
bool wantsProgress(int fd, bool verbose);

/// The time formats Keras uses (exposed for tests).
std::string formatStepTime(double secondsPerUnit, const std::string &unit);
std::string formatEta(double seconds);
std::string formatMetricValue(double value);

/// One bar: Keras's Progbar(target, verbose=1).
class ProgressBar {
public:
  /// Starts the bar's clock (Keras: the Progbar's creation time).
  ProgressBar(int64_t target, ProgressOptions options = {});

  /// Progbar.update(current, values, finalize): redraws at `current` steps
  /// done, unless the last redraw is under `interval` old and this is not
  /// the final one. The final redraw shows the elapsed and per-step times
  /// instead of the ETA, and ends the line.
  void update(int64_t current, const std::vector<MetricValue> &values,
              bool finalize);

private:
  double now() const;
  void emit(std::string_view text) const;
  double stepDuration(int64_t current, double at);

  int64_t target;
  ProgressOptions options;
  std::vector<MetricValue> shown; // in first-logged order, latest values
  double start, lastUpdate = 0.0;
  bool updated = false;
  bool haveTimeAfterFirstStep = false;
  double timeAfterFirstStep = 0.0;
  size_t totalWidth = 0;
};

/// fit()'s output over a whole run: Keras's ProgbarLogger(verbose=1).
class TrainingProgress {
public:
  TrainingProgress(int64_t epochs, int64_t stepsPerEpoch,
                   ProgressOptions options = {});

  /// Epoch `epoch` (0-based) begins: prints "Epoch k/N" when the run has
  /// more than one epoch and starts a new bar.
  void beginEpoch(int64_t epoch);
  /// Batch `batch` (0-based) of the epoch is done; `logs` are the epoch's
  /// running means so far.
  void endBatch(int64_t batch, const std::vector<MetricValue> &logs);
  /// The epoch is done: the final line, with `logs` (the running means and
  /// any val_* values).
  void endEpoch(const std::vector<MetricValue> &logs);
  /// The run stops inside the epoch: the bar's line is ended as it stands.
  void interrupt();

private:
  int64_t epochs, steps;
  ProgressOptions options;
  std::unique_ptr<ProgressBar> bar;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_PROGRESSBAR_H
