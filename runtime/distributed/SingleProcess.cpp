//===- SingleProcess.cpp - A group of one process -------------------------===//

#include "runtime/distributed/ProcessGroup.h"

#include <algorithm>
#include <cstdlib>

using namespace cnnc;

namespace {

class SingleProcessGroup : public ProcessGroup {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void broadcast(float *, int64_t) override {}
  void sumStep(const float *rows, int64_t rowCount, int64_t count,
               const float *stats, int signal, float *total,
               StepTotals &totals) override {
    std::fill(total, total + count, 0.0f);
    for (int64_t r = 0; r < rowCount; ++r)
      for (int64_t i = 0; i < count; ++i)
        total[i] += rows[r * count + i];
    totals = StepTotals();
    for (int64_t r = 0; r < rowCount; ++r) {
      totals.lossSum += stats[2 * r];
      totals.correct += stats[2 * r + 1];
    }
    totals.stopSignal = signal;
  }
  void
  updateSlices(float *, int64_t count,
               const std::function<void(int64_t, int64_t)> &update) override {
    update(0, count);
  }
  void gatherSlicesToRoot(float *, int64_t) override {}
  void gather(const float *mine, const int64_t *counts, float *all) override {
    std::copy(mine, mine + counts[0], all);
  }
  int maxOverRanks(int value) override { return value; }
};

} // namespace

void ProcessGroup::sumChunkSums(const double *rows, int64_t rowCount, int64_t,
                                int64_t length, double *total) {
  std::fill(total, total + length, 0.0);
  for (int64_t r = 0; r < rowCount; ++r)
    for (int64_t i = 0; i < length; ++i)
      total[i] += rows[r * length + i];
}

ProcessGroup &cnnc::singleProcess() {
  static SingleProcessGroup group;
  return group;
}

bool cnnc::launchedByMpi() {
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char *size = std::getenv(name))
      return std::atoi(size) > 1;
  return false;
}
