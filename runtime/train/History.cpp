//===- History.cpp - Keras's History: per-epoch metrics -------------------===//

#include "runtime/train/History.h"

using namespace cnnc;

void History::addEpoch(const std::vector<MetricValue> &logs, double seconds) {
  for (const auto &[name, value] : logs) {
    auto it = series.begin();
    while (it != series.end() && it->name != name)
      ++it;
    if (it == series.end())
      it = series.insert(series.end(), HistorySeries{name, {}});
    it->values.push_back(value);
  }
  epochSeconds.push_back(seconds);
}

const std::vector<double> *History::find(const std::string &name) const {
  for (const HistorySeries &one : series)
    if (one.name == name)
      return &one.values;
  return nullptr;
}
