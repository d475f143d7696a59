//===- TrainRun.h - cnnc train and eval on compiled code --------*- C++ -*-===//
//
// fit() and evaluate() as Keras runs them, on whatever compiled the model:
// the JIT (`cnnc train`) or a linked object (an AOT-built trainer). Both
// fill RunOptions from their command lines and call these.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_TRAINRUN_H
#define CNNC_RUNTIME_TRAIN_TRAINRUN_H

#include "runtime/data/Mnist.h"
#include "runtime/distributed/ProcessGroup.h"
#include "runtime/model/Kernels.h"
#include "runtime/support/AtomicFile.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cnnc {

/// The command line of `cnnc train` / `cnnc eval`. Unset values fall back
/// to a resumed checkpoint's settings, then to the model file's fit(), then
/// to Keras's defaults.
struct RunOptions {
  std::string dataDir;
  std::optional<std::string> dataset;
  std::optional<int64_t> epochs, batchSize;
  std::optional<uint64_t> seed;
  std::optional<double> validationSplit;
  std::optional<bool> shuffle;
  unsigned threads = 0;
  std::string savePath, resumePath, weightsPath, metricsJsonPath;
  bool verbose = false;
  /// Across ranks, start summing the last layers' gradients while the
  /// rest of the backward pass runs (`--overlap`; off by default, since it
  /// measured slower, docs/compiler.md §10).
  bool overlap = false;
  /// Files the caller read (the model file): no output may be one of them.
  std::vector<NamedInput> inputs;
  /// Weights already read by the caller (from a format the runtime does not
  /// read, such as Keras .h5); they take the place of weightsPath.
  std::optional<std::vector<float>> initialParams;
  /// Reads the data in place of the IDX files (`--image-dir`: the runtime
  /// itself links no image library), with the run's resolved
  /// validationSplit and seed in `options`; false with a one-line `error`.
  std::function<bool(const ModelInfo &info, const RunOptions &options,
                     bool train, Dataset &data, std::string &error)>
      readData;
  /// Called with the trained parameters after the last epoch, before the
  /// test evaluation (e.g. to export the model); false and `error` stop
  /// the run.
  std::function<bool(const std::vector<float> &params, std::string &error)>
      afterTraining;
  /// The processes training together (joinProcessGroup); null: this one
  /// alone. Every rank runs the same command; rank 0 prints and writes.
  ProcessGroup *group = nullptr;
};

/// The name errors start with (`NAME: error: ...`): "cnnc" unless an AOT
/// trainer gives its own.
void setRunProgramName(const std::string &name);

/// Checks, before anything long runs, that the run's outputs (--save,
/// --metrics-json) can be written and are none of its inputs (the weights,
/// the checkpoint resumed, `options.inputs`); --save may be the checkpoint
/// it resumes. False with a one-line `error`.
bool checkRunOutputs(const RunOptions &options, std::string &error);

/// Checks that `group` can train the model: a model of several outputs
/// trains in one process (the ranks exchange one loss and accuracy per
/// step). False with a one-line `error`; callers print it on rank 0 only.
bool checkTrainingGroup(const ModelInfo &info, const ProcessGroup &group,
                        std::string &error);

/// Checks, before anything is compiled, what runTraining will read and
/// settle first: the settings (flags, the model's fit(), a resumed
/// checkpoint), the checkpoint, and the data files against the model
/// (fetching a dataset that is not cached yet). False with a one-line
/// `error`. runTraining checks the same again; a caller that compiles
/// first calls this so that a missing directory is not found minutes
/// later.
bool checkTrainingInputs(const ModelInfo &info, const RunOptions &options,
                         std::string &error);

/// The same for runEvaluation: the batch size and the test data.
bool checkEvaluationInputs(const ModelInfo &info, const RunOptions &options,
                           std::string &error);

/// Trains, then evaluates on the test set; prints Keras's progress and the
/// test metrics. Returns the process exit code; errors are one line on
/// stderr.
int runTraining(const ModelKernels &kernels, const RunOptions &options);

/// Evaluates the weights in options.weightsPath on the test set.
int runEvaluation(const ModelKernels &kernels, const RunOptions &options);

/// The parameters from a weight file (a cnnc checkpoint), laid end to end.
bool loadWeights(const ModelInfo &info, const std::string &path,
                 std::vector<float> &params, std::string &error);

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_TRAINRUN_H
