//===- ProgressBar.cpp - Keras's progress bar, byte for byte --------------===//
//
// Each function follows the Python it reproduces line by line; where Python
// and C differ (`%d` of a float truncates in Python, `int()` too; `%.4e` of
// a NaN is "nan" whatever its sign), the difference is handled here.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/ProgressBar.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

using namespace cnnc;

bool cnnc::wantsProgress(int fd, bool verbose) {
  return verbose || isatty(fd) == 1;
}

/// printf into a std::string, of any length (`%.0f` of a huge time is
/// hundreds of digits).
template <typename... Args>
static std::string format(const char *pattern, Args... args) {
  int length = std::snprintf(nullptr, 0, pattern, args...);
  if (length <= 0)
    return "";
  std::string text(size_t(length) + 1, '\0');
  std::snprintf(text.data(), text.size(), pattern, args...);
  text.pop_back();
  return text;
}

/// Python's `a // b` for floats (CPython's float_floor_div), which is not
/// always floor(a / b): a / b may round up to the next integer.
static double pyFloorDiv(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0)))
    div -= 1.0;
  if (div == 0)
    return std::copysign(0.0, a / b);
  double floorDiv = std::floor(div);
  if (div - floorDiv > 0.5)
    floorDiv += 1.0;
  return floorDiv;
}

/// Python's `a % b` for floats with b > 0.
static double pyMod(double a, double b) {
  double mod = std::fmod(a, b);
  if (mod != 0 && mod < 0)
    mod += b;
  return mod;
}

/// Python's `'%d' % x` for a float x: int(x), which truncates.
static long long pyInt(double x) {
  if (!(std::fabs(x) < 9.2e18)) // also NaN: Python would raise
    return 0;
  return (long long)x;
}

std::string cnnc::formatStepTime(double secondsPerUnit,
                                 const std::string &unit) {
  // Keras: `if time_per_unit >= 1 or time_per_unit == 0: ' %.0fs/%s'`.
  if (secondsPerUnit >= 1 || secondsPerUnit == 0)
    return format(" %.0fs/", secondsPerUnit) + unit;
  if (secondsPerUnit >= 1e-3)
    return format(" %.0fms/", secondsPerUnit * 1e3) + unit;
  return format(" %.0fus/", secondsPerUnit * 1e6) + unit;
}

std::string cnnc::formatEta(double eta) {
  if (eta > 3600)
    return format("%lld:%02lld:%02lld", pyInt(pyFloorDiv(eta, 3600)),
                  pyInt(pyFloorDiv(pyMod(eta, 3600), 60)),
                  pyInt(pyMod(eta, 60)));
  if (eta > 60)
    return format("%lld:%02lld", pyInt(pyFloorDiv(eta, 60)),
                  pyInt(pyMod(eta, 60)));
  return format("%llds", pyInt(eta));
}

std::string cnnc::formatMetricValue(double value) {
  if (std::isnan(value))
    return "nan"; // Python prints no sign on a NaN
  if (std::fabs(value) > 1e-3)
    return format("%.4f", value);
  return format("%.4e", value);
}

//===----------------------------------------------------------------------===//
// ProgressBar
//===----------------------------------------------------------------------===//

ProgressBar::ProgressBar(int64_t target, ProgressOptions options)
    : target(target), options(std::move(options)) {
  start = now();
}

double ProgressBar::now() const {
  if (options.clock)
    return options.clock();
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

/// Writes `text` where `options` say: their writer, or stdout, flushed as
/// Keras flushes after each update.
static void emitTo(const ProgressOptions &options, std::string_view text) {
  if (options.write) {
    options.write(text);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void ProgressBar::emit(std::string_view text) const { emitTo(options, text); }

/// Progbar._estimate_step_duration: the first step's time is left out once
/// there are more, since it carries the warm-up.
double ProgressBar::stepDuration(int64_t current, double at) {
  if (current == 0)
    return 0;
  double perUnit = haveTimeAfterFirstStep && current > 1
                       ? (at - timeAfterFirstStep) / double(current - 1)
                       : (at - start) / double(current);
  if (current == 1) {
    haveTimeAfterFirstStep = true;
    timeAfterFirstStep = at;
  }
  return perUnit;
}

void ProgressBar::update(int64_t current,
                         const std::vector<MetricValue> &values,
                         bool finalize) {
  for (const MetricValue &value : values) {
    auto it = shown.begin();
    while (it != shown.end() && it->first != value.first)
      ++it;
    if (it == shown.end())
      shown.push_back(value);
    else
      it->second = value.second;
  }
  if (!options.enabled)
    return;

  double at = now();
  if (options.perEpoch) {
    // Progbar.update at verbose=2: only the final line, without the bar.
    if (!finalize)
      return;
    int digits = int(std::to_string(target).size());
    double elapsed = at - start;
    std::string line =
        format("%*lld/%lld", digits, (long long)current, (long long)target) +
        format(" - %.0fs", elapsed);
    for (const auto &[name, value] : shown)
      line += " - " + name + ": " + formatMetricValue(value);
    line += " -" + formatStepTime(elapsed, "epoch");
    line += " -" + formatStepTime(target > 0 ? elapsed / double(target) : 0,
                                  options.unitName);
    emit(line + "\n");
    return;
  }
  // Keras starts with _last_update = 0 against time.time(), so its first
  // update always draws; `updated` says the same for any clock.
  if (updated && at - lastUpdate < options.interval && !finalize)
    return;

  size_t previousWidth = totalWidth;
  std::string message(previousWidth, '\b');
  message += '\r';

  // "%{digits}d/%d [" then the bar: '=' for each full cell, '>' as the head
  // while in progress, '.' for the rest.
  int digits = int(std::to_string(target).size());
  std::string bar =
      format("%*lld/%lld [", digits, (long long)current, (long long)target);
  // (Keras has no bar for 0 steps; cnnc shows a full one rather than 0/0.)
  double progress = target > 0 ? double(current) / double(target) : 1.0;
  int64_t filled = int64_t(double(options.width) * progress);
  if (filled > 0) {
    bar.append(size_t(filled - 1), '=');
    bar += current < target ? '>' : '=';
  }
  if (options.width > filled)
    bar.append(size_t(options.width - filled), '.');
  bar += ']';
  totalWidth = bar.size();
  message += bar;

  double perUnit = stepDuration(current, at);
  std::string info;
  if (finalize) {
    info = format(" - %.0fs", at - start);
    info += formatStepTime(perUnit, options.unitName);
  } else {
    info = " - ETA: " + formatEta(perUnit * double(target - current));
  }
  for (const auto &[name, value] : shown)
    info += " - " + name + ": " + formatMetricValue(value);

  totalWidth += info.size();
  if (previousWidth > totalWidth)
    info.append(previousWidth - totalWidth, ' ');
  if (finalize)
    info += '\n';
  message += info;
  emit(message);

  lastUpdate = at;
  updated = true;
}

//===----------------------------------------------------------------------===//
// TrainingProgress
//===----------------------------------------------------------------------===//

TrainingProgress::TrainingProgress(int64_t epochs, int64_t stepsPerEpoch,
                                   ProgressOptions options)
    : epochs(epochs), steps(stepsPerEpoch), options(std::move(options)) {}

void TrainingProgress::beginEpoch(int64_t epoch) {
  // ProgbarLogger.on_epoch_begin makes the bar (starting its clock), then
  // prints the header.
  bar = std::make_unique<ProgressBar>(steps, options);
  if (!options.enabled || epochs <= 1)
    return;
  emitTo(options, "Epoch " + std::to_string(epoch + 1) + "/" +
                      std::to_string(epochs) + "\n");
}

void TrainingProgress::endBatch(int64_t batch,
                                const std::vector<MetricValue> &logs) {
  if (bar)
    bar->update(batch + 1, logs, /*finalize=*/false);
}

void TrainingProgress::endEpoch(const std::vector<MetricValue> &logs) {
  if (bar)
    bar->update(steps, logs, /*finalize=*/true);
  bar.reset();
}

void TrainingProgress::interrupt() {
  // A bar being drawn has no newline yet; the per-epoch form always ends
  // its lines.
  if (bar && options.enabled && !options.perEpoch)
    emitTo(options, "\n");
  bar.reset();
}
