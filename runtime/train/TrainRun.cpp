//===- TrainRun.cpp - `cnnc train` and `cnnc eval`, on compiled kernels ---===//

#include "runtime/train/TrainRun.h"

#include "runtime/data/Mnist.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/support/Interrupt.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/MetricsJson.h"
#include "runtime/train/OutputMetrics.h"
#include "runtime/train/ProgressBar.h"
#include "runtime/train/RunningMetrics.h"
#include "runtime/train/Trainer.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace cnnc;

namespace {

std::string &programName() {
  static std::string name = "cnnc";
  return name;
}

int fail(const std::string &message) {
  std::fprintf(stderr, "%s: error: %s\n", programName().c_str(),
               message.c_str());
  return 1;
}

double seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string number(double value) { return formatJsonNumber(value); }

/// The names of the optimizer's slots, as the checkpoint stores them.
std::vector<std::string> slotNames(const ModelInfo &info) {
  if (info.optimizer == OptimizerKind::Adam)
    return {"m", "v"};
  if (info.optimizer == OptimizerKind::RMSprop)
    return {"velocity"};
  std::vector<std::string> names;
  for (int64_t i = 0; i < info.stateSlots; ++i)
    names.push_back(i == 0 ? "momentum" : "slot" + std::to_string(i));
  return names;
}

ModelIdentity identityOf(const ModelInfo &info) {
  ModelIdentity identity;
  for (const ParamInfo &p : info.params)
    identity.parameters.push_back({p.name, p.shape});
  identity.signature = parameterSignature(identity.parameters);
  return identity;
}

/// The dataset's images must be the model's input and its labels classes
/// the output can hold.
bool checkDataFitsModel(const ModelInfo &info, const IdxImages &images,
                        const std::vector<uint8_t> &labels,
                        const std::string &what, std::string &error) {
  const std::vector<int64_t> &in = info.inputShapes.front();
  bool fits = in.size() >= 2 && in[0] == images.rows && in[1] == images.cols &&
              info.inputElements() == images.pixelsPerImage();
  if (images.count == 0)
    return true;
  if (!fits) {
    std::string shape;
    for (int64_t d : in)
      shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    error =
        "the model's input is (" + shape + ") but the " + what +
        " images are " + std::to_string(images.rows) + "x" +
        std::to_string(images.cols) + " with " +
        (images.channels == 1 ? std::string("one channel")
                              : std::to_string(images.channels) + " channels");
    return false;
  }
  int64_t classes = info.outputElements();
  uint8_t maxLabel = 0;
  for (uint8_t l : labels)
    maxLabel = std::max(maxLabel, l);
  // binary_crossentropy takes each label as the target 0 or 1 of its one
  // output (the compiler checked that there is one).
  if (info.loss == LossKind::BinaryCrossentropy && !labels.empty() &&
      maxLabel > 1) {
    error = "binary_crossentropy needs two classes (labels 0 and 1), but the " +
            what + " labels go up to " + std::to_string(maxLabel) +
            ": use sparse_categorical_crossentropy with one output per class";
    return false;
  }
  if (info.loss == LossKind::BinaryCrossentropy)
    return true;
  if (!labels.empty() && maxLabel >= classes) {
    error = "the model has " + std::to_string(classes) + " outputs, but the " +
            what + " labels go up to " + std::to_string(maxLabel) +
            ": its last layer needs at least " + std::to_string(maxLabel + 1) +
            " units";
    return false;
  }
  return true;
}

/// Reads the dataset the options name, checked against the model.
bool loadData(const ModelInfo &info, const RunOptions &options, bool train,
              Dataset &data, std::string &error) {
  // A sample of cnnc's datasets is one image: there is nothing to give a
  // model's other inputs (predict takes any number).
  if (info.inputShapes.size() != 1) {
    error = "the model has " + std::to_string(info.inputShapes.size()) +
            " inputs, but a sample of cnnc's datasets (MNIST, "
            "Fashion-MNIST, --image-dir) is one image: cnnc trains and "
            "evaluates models of one input (cnnc predict takes --input once "
            "per input)";
    return false;
  }
  if (options.readData) {
    if (!options.readData(info, options, train, data, error))
      return false;
  } else {
    DatasetRequest request;
    request.dataset = options.dataset.value_or("mnist");
    request.dataDir = options.dataDir;
    request.train = train;
    request.test = true;
    if (!loadDataset(request, data, error))
      return false;
  }
  if (data.separateValidation &&
      !checkDataFitsModel(info, data.validationImages, data.validationLabels,
                          "validation", error))
    return false;
  if (train && !checkDataFitsModel(info, data.trainImages, data.trainLabels,
                                   "training", error))
    return false;
  return checkDataFitsModel(info, data.testImages, data.testLabels, "test",
                            error);
}

SampleSet samplesOf(const IdxImages &images,
                    const std::vector<uint8_t> &labels) {
  SampleSet set;
  set.pixels = images.pixels.data();
  set.labels = labels.data();
  set.count = images.count;
  set.pixelsPerSample = images.pixelsPerImage();
  return set;
}

/// The test set's images per second through the compiled forward pass: the
/// best of three passes at batch 256 (docs/cli.md §9.6).
double forwardImagesPerSecond(Trainer &trainer, const SampleSet &test) {
  Batch all;
  gatherRange(test, 0, test.count, GatherOptions{}, all);
  std::vector<float> output(test.count * trainer.info().outputElements());
  double best = 0.0;
  for (int pass = 0; pass < 3; ++pass) {
    double start = seconds();
    trainer.forward(all.images.data(), test.count, output.data());
    double elapsed = seconds() - start;
    if (elapsed > 0)
      best = std::max(best, test.count / elapsed);
  }
  return best;
}

/// A test's fault: CNNC_TEST_FAULT=RANK:STEP:KILL makes rank RANK kill
/// itself (SIGKILL, as a crash or the OOM killer would) before optimizer
/// step STEP; RANK:STEP:STOP freezes it (SIGSTOP, as a node that stops
/// answering); RANK:STEP:INT interrupts it (SIGINT, as Ctrl-C on one
/// machine). Tests end, freeze or interrupt a rank mid-epoch without racing
/// it.
void faultIfTestAsks(const ProcessGroup &group, int64_t step) {
  static const char *fault = std::getenv("CNNC_TEST_FAULT");
  if (!fault)
    return;
  int rank = -1;
  long long when = -1;
  char kind[8] = "";
  if (std::sscanf(fault, "%d:%lld:%7s", &rank, &when, kind) == 3 &&
      rank == group.rank() && when == step)
    std::raise(std::string(kind) == "STOP"  ? SIGSTOP
               : std::string(kind) == "INT" ? SIGINT
                                            : SIGKILL);
}

std::string setting(const Checkpoint &checkpoint, const std::string &key) {
  for (const auto &[k, v] : checkpoint.settings)
    if (k == key)
      return v;
  return "";
}

} // namespace

void cnnc::setRunProgramName(const std::string &name) { programName() = name; }

bool cnnc::loadWeights(const ModelInfo &info, const std::string &path,
                       std::vector<float> &params, std::string &error) {
  ModelIdentity identity = identityOf(info);
  Checkpoint checkpoint;
  if (!readCheckpoint(path, &identity, checkpoint, error))
    return false;
  params.clear();
  for (const CheckpointTensor &t : checkpoint.parameters)
    params.insert(params.end(), t.data.begin(), t.data.end());
  return true;
}

bool cnnc::checkRunOutputs(const RunOptions &options, std::string &error) {
  std::vector<NamedInput> inputs = options.inputs;
  inputs.push_back({"the --weights file", options.weightsPath});
  // A run that resumes a checkpoint may keep saving over it.
  if (!options.savePath.empty() &&
      (!checkWritable(options.savePath, error) ||
       !checkNotAnInput("--save", options.savePath, inputs, error)))
    return false;
  inputs.push_back({"the --resume checkpoint", options.resumePath});
  return options.metricsJsonPath.empty() ||
         (checkWritable(options.metricsJsonPath, error) &&
          checkNotAnInput("--metrics-json", options.metricsJsonPath, inputs,
                          error));
}

namespace {

/// Where a run stopped by a signal was.
struct Interruption {
  int signal = 0;
  int64_t epochs = 0, steps = 0;
  int64_t epoch = -1, step = 0; // the epoch in progress, if any (0-based)
  int64_t completed = 0;        // epochs done, counting a resumed run's
  std::string checkpoint;       // the last checkpoint written or resumed
  int64_t checkpointEpoch = 0;  // the epochs it holds
};

/// One line on stderr: what stopped the run, where, and how to go on.
void reportInterruption(const Interruption &at) {
  std::string where =
      at.epoch >= 0 ? "in epoch " + std::to_string(at.epoch + 1) + "/" +
                          std::to_string(at.epochs) + " at step " +
                          std::to_string(at.step) + "/" +
                          std::to_string(at.steps) + " (that epoch is not kept)"
                    : "after epoch " + std::to_string(at.completed) + "/" +
                          std::to_string(at.epochs);
  std::string saved =
      at.checkpoint.empty()
          ? "no checkpoint was saved (--save FILE keeps one per epoch)"
          : "'" + at.checkpoint + "' holds epoch " +
                std::to_string(at.checkpointEpoch) + " (--resume " +
                at.checkpoint + " continues from there)";
  std::fprintf(stderr, "%s: stopped by %s %s; %s\n", programName().c_str(),
               signalName(at.signal), where.c_str(), saved.c_str());
}

/// What a training run will do, settled before it starts: the flags, the
/// model's fit() and a resumed checkpoint's settings, resolved into one
/// set; the checkpoint; the data, read and checked against the model.
struct TrainingPlan {
  int64_t epochs = 1, batchSize = 32;
  double validationSplit = 0.0;
  bool shuffle = true;
  uint64_t seed = 0;
  std::string dataset;
  std::optional<Checkpoint> resumed;
  Dataset data;
  ValidationSplit split;
};

/// Fills `plan`; false with a one-line `error` for anything that would
/// stop the run.
bool planTraining(const ModelInfo &info, const RunOptions &options,
                  TrainingPlan &plan, std::string &error) {
  // A resumed run's settings are its checkpoint's; flags may not contradict
  // them, since the run would then not continue the same training.
  bool resuming = !options.resumePath.empty();
  if (resuming) {
    Checkpoint &resumed = plan.resumed.emplace();
    ModelIdentity identity = identityOf(info);
    if (!readCheckpoint(options.resumePath, &identity, resumed, error))
      return false;
    if (parseOptimizerName(resumed.optimizer) != info.optimizer) {
      error = "'" + options.resumePath + "' was trained with " +
              resumed.optimizer + ", but this model compiles " +
              optimizerName(info.optimizer);
      return false;
    }
    std::vector<std::string> names = slotNames(info);
    if (resumed.optimizerState.size() != names.size()) {
      error = "'" + options.resumePath + "' holds " +
              std::to_string(resumed.optimizerState.size()) +
              " optimizer slots; " + optimizerName(info.optimizer) + " has " +
              std::to_string(names.size());
      return false;
    }
    for (size_t i = 0; i < names.size(); ++i)
      if (resumed.optimizerState[i].data.size() !=
          size_t(info.paramElements())) {
        error = "'" + options.resumePath + "': optimizer slot '" +
                resumed.optimizerState[i].name + "' has the wrong size";
        return false;
      }
  }
  auto fitDefault = [&](const char *key, double fallback) {
    auto it = info.fit.find(key);
    return it == info.fit.end() ? fallback : it->second;
  };
  struct Setting {
    const char *key;
    std::string value;
    bool explicitlySet;
  };
  plan.epochs = options.epochs.value_or(int64_t(fitDefault("epochs", 1)));
  plan.batchSize =
      options.batchSize.value_or(int64_t(fitDefault("batch_size", 32)));
  plan.validationSplit =
      options.validationSplit.value_or(fitDefault("validation_split", 0.0));
  plan.shuffle = options.shuffle.value_or(fitDefault("shuffle", 1) != 0);
  plan.seed = options.seed.value_or(0);
  plan.dataset = options.dataset.value_or("mnist");
  if (resuming) {
    const Checkpoint &resumed = *plan.resumed;
    std::vector<Setting> settings = {
        {"batch_size", std::to_string(plan.batchSize), bool(options.batchSize)},
        {"validation_split", number(plan.validationSplit),
         bool(options.validationSplit)},
        {"shuffle", plan.shuffle ? "1" : "0", bool(options.shuffle)},
        {"seed", std::to_string(plan.seed), bool(options.seed)},
        {"dataset", plan.dataset, bool(options.dataset)}};
    for (const Setting &s : settings) {
      std::string saved = setting(resumed, s.key);
      if (saved.empty() || saved == s.value)
        continue;
      if (s.explicitlySet) {
        error = "--resume: '" + options.resumePath + "' was trained with " +
                s.key + " " + saved + ", not " + s.value +
                ": a resumed run continues the same training";
        return false;
      }
    }
    // The checkpoint's values stand for every flag not given.
    if (!options.batchSize && !setting(resumed, "batch_size").empty())
      plan.batchSize = std::stoll(setting(resumed, "batch_size"));
    if (!options.validationSplit &&
        !setting(resumed, "validation_split").empty())
      plan.validationSplit = std::stod(setting(resumed, "validation_split"));
    if (!options.shuffle && !setting(resumed, "shuffle").empty())
      plan.shuffle = setting(resumed, "shuffle") == "1";
    if (!options.seed)
      plan.seed = resumed.seed;
    if (!options.dataset && !setting(resumed, "dataset").empty())
      plan.dataset = setting(resumed, "dataset");
  }
  if (plan.epochs < 0) {
    error = "--epochs must be at least 0, not " + std::to_string(plan.epochs);
    return false;
  }
  if (plan.batchSize < 1) {
    error = "--batch-size must be at least 1, not " +
            std::to_string(plan.batchSize);
    return false;
  }
  // Every data file is read and checked before any training.
  RunOptions dataOptions = options;
  dataOptions.dataset = plan.dataset;
  dataOptions.validationSplit = plan.validationSplit;
  dataOptions.seed = plan.seed;
  if (!loadData(info, dataOptions, /*train=*/true, plan.data, error))
    return false;
  // A reader that split off its own validation subset has applied the
  // fraction already.
  if (plan.data.separateValidation) {
    plan.split = {plan.data.trainImages.count, 0};
    return true;
  }
  return splitForValidation(plan.data.trainImages.count, plan.validationSplit,
                            plan.split, error);
}

/// The images per evaluation call of `cnnc eval`: it changes nothing but
/// speed and memory.
bool evaluationBatchSize(const RunOptions &options, int64_t &batchSize,
                         std::string &error) {
  batchSize = options.batchSize.value_or(256);
  if (batchSize >= 1)
    return true;
  error = "--batch-size must be at least 1, not " + std::to_string(batchSize);
  return false;
}

/// "Test loss: 0.0312" and "Test accuracy: 0.9901" (Keras's example
/// scripts' lines), one per value, with each output's for several.
void printTestResult(const std::vector<MetricValue> &values) {
  for (const auto &[name, value] : values)
    std::printf("Test %s: %.4f\n", name.c_str(), value);
}

} // namespace

bool cnnc::checkTrainingGroup(const ModelInfo &info, const ProcessGroup &group,
                              std::string &error) {
  if (group.size() > 1 && !info.trainOutputs.empty()) {
    error = "mpirun started " + std::to_string(group.size()) +
            " processes, but the model has " +
            std::to_string(info.trainOutputs.size()) +
            " outputs, and cnnc's ranks exchange one loss and accuracy per "
            "step so far: train this model without mpirun";
    return false;
  }
  return true;
}

bool cnnc::checkTrainingInputs(const ModelInfo &info, const RunOptions &options,
                               std::string &error) {
  TrainingPlan plan;
  return planTraining(info, options, plan, error);
}

bool cnnc::checkEvaluationInputs(const ModelInfo &info,
                                 const RunOptions &options,
                                 std::string &error) {
  int64_t batchSize;
  Dataset data;
  return evaluationBatchSize(options, batchSize, error) &&
         loadData(info, options, /*train=*/false, data, error);
}

int cnnc::runTraining(const ModelKernels &kernels, const RunOptions &options) {
  const ModelInfo &info = kernels.info;
  if (!info.trainable || !kernels.trainGradients || !kernels.applyGradients ||
      !kernels.evaluate)
    return fail("this compiled model has no training step (compile it with "
                "--train-step)");
  std::string error;
  ProcessGroup &group = options.group ? *options.group : singleProcess();
  if (!checkTrainingGroup(info, group, error))
    return group.isRoot() ? fail(error) : 1;
  // Where results go is checked before anything long runs.
  if (!checkRunOutputs(options, error))
    return fail(error);
  TrainingPlan plan;
  if (!planTraining(info, options, plan, error))
    return fail(error);
  const int64_t epochs = plan.epochs, batchSize = plan.batchSize;
  const double validationSplit = plan.validationSplit;
  const bool shuffle = plan.shuffle;
  const uint64_t seed = plan.seed;
  const std::string &dataset = plan.dataset;
  SampleSet all = samplesOf(plan.data.trainImages, plan.data.trainLabels);
  SampleSet trainSet = all.slice(0, plan.split.trainCount);
  SampleSet validationSet =
      plan.data.separateValidation
          ? samplesOf(plan.data.validationImages, plan.data.validationLabels)
          : all.slice(plan.split.trainCount,
                      plan.split.trainCount + plan.split.validationCount);
  SampleSet testSet = samplesOf(plan.data.testImages, plan.data.testLabels);

  Trainer trainer(kernels, options.threads, group);
  trainer.setOverlap(options.overlap);
  History history;
  int64_t firstEpoch = 0;
  if (plan.resumed) {
    const Checkpoint &resumed = *plan.resumed;
    std::vector<float> &params = trainer.params();
    params.clear();
    for (const CheckpointTensor &t : resumed.parameters)
      params.insert(params.end(), t.data.begin(), t.data.end());
    std::vector<float> &state = trainer.state();
    state.clear();
    for (const CheckpointTensor &t : resumed.optimizerState)
      state.insert(state.end(), t.data.begin(), t.data.end());
    trainer.iteration = static_cast<int64_t>(resumed.step);
    firstEpoch = static_cast<int64_t>(resumed.epoch);
    history = resumed.history;
  } else if (options.initialParams) {
    trainer.params() = *options.initialParams;
  } else if (!options.weightsPath.empty()) {
    if (!loadWeights(info, options.weightsPath, trainer.params(), error))
      return fail(error);
  } else if (!initializeParams(info, seed, trainer.params(), error)) {
    return fail(error);
  }
  // Every rank starts from rank 0's weights and slots: the same files and
  // seed give them anyway, and the broadcast makes sure.
  group.broadcast(trainer.params().data(),
                  static_cast<int64_t>(trainer.params().size()));
  group.broadcast(trainer.state().data(),
                  static_cast<int64_t>(trainer.state().size()));

  ProgressOptions progressOptions;
  // The bar on a terminal (or with --verbose); otherwise Keras's verbose=2,
  // one line per epoch, which a pipe or a log file can keep.
  progressOptions.perEpoch = !wantsProgress(STDOUT_FILENO, options.verbose);
  progressOptions.enabled = group.isRoot();
  int64_t steps = stepsPerEpoch(trainSet.count, batchSize);
  TrainingProgress progress(epochs, steps, progressOptions);
  GatherOptions gather = trainer.gatherOptions();
  Batch batch;
  // Ctrl-C or a kill stops the run between two batches (Interrupt.h): the
  // epoch in progress is dropped, the checkpoint being written is finished,
  // and the completed epochs' metrics are kept. Ranks stop at the same
  // batch: the one where any of them got a signal.
  StopRequest stop;
  int stopSignal = 0;
  auto stopping = [&] {
    if (!stopSignal)
      stopSignal = group.maxOverRanks(stop.signal());
    return stopSignal != 0;
  };
  // Within an epoch, ranks agree in each step's gradient exchange (the
  // signals ride along with it) rather than in a wait of their own.
  int agreedStop = 0;
  auto stoppingBefore = [&](int64_t step) {
    if (step == 0 || group.size() == 1)
      return stopping();
    stopSignal = agreedStop;
    return stopSignal != 0;
  };
  Interruption interruption;
  interruption.epochs = epochs;
  interruption.steps = steps;
  interruption.completed = firstEpoch;
  if (plan.resumed) {
    interruption.checkpoint = options.resumePath;
    interruption.checkpointEpoch = firstEpoch;
  }
  for (int64_t epoch = firstEpoch; epoch < epochs && !stopping(); ++epoch) {
    progress.beginEpoch(epoch);
    double start = seconds();
    EpochBatches batches(trainSet, batchSize, seed, epoch, shuffle);
    FitMetrics metrics(info.trainOutputs);
    for (int64_t step = 0; step < batches.steps(); ++step) {
      faultIfTestAsks(group, trainer.iteration);
      if (stoppingBefore(step)) {
        interruption.epoch = epoch;
        interruption.step = step;
        break;
      }
      batches.gather(step, gather, batch);
      LossAndAccuracy result =
          trainer.step(batch, seed, stop.signal(), &agreedStop);
      metrics.addBatch(result, batch.size);
      progress.endBatch(step, metrics.logs());
    }
    if (interruption.epoch >= 0) {
      progress.interrupt();
      break;
    }
    double elapsed = seconds() - start;
    std::vector<MetricValue> logs = metrics.logs();
    if (validationSet.count > 0) {
      std::vector<MetricValue> validation = evaluationLogs(
          info.trainOutputs, trainer.evaluate(validationSet), "val_");
      logs.insert(logs.end(), validation.begin(), validation.end());
    }
    history.addEpoch(logs, elapsed);
    progress.endEpoch(logs);

    if (!options.savePath.empty())
      trainer.gatherStateToRoot();
    if (!options.savePath.empty() && group.isRoot()) {
      Checkpoint checkpoint;
      ModelIdentity identity = identityOf(info);
      checkpoint.signature = identity.signature;
      const float *p = trainer.params().data();
      for (const ParamInfo &param : info.params) {
        checkpoint.parameters.push_back(
            {param.name, param.shape,
             std::vector<float>(p, p + param.elements())});
        p += param.elements();
      }
      checkpoint.optimizer = optimizerName(info.optimizer);
      std::vector<std::string> names = slotNames(info);
      int64_t count = info.paramElements();
      for (size_t i = 0; i < names.size(); ++i) {
        const float *slot = trainer.state().data() + i * count;
        checkpoint.optimizerState.push_back(
            {optimizerName(info.optimizer) + ("/" + names[i]),
             {count},
             std::vector<float>(slot, slot + count)});
      }
      checkpoint.step = static_cast<uint64_t>(trainer.iteration);
      checkpoint.epoch = static_cast<uint64_t>(epoch + 1);
      checkpoint.seed = seed;
      checkpoint.settings = {{"batch_size", std::to_string(batchSize)},
                             {"validation_split", number(validationSplit)},
                             {"shuffle", shuffle ? "1" : "0"},
                             {"seed", std::to_string(seed)},
                             {"dataset", dataset},
                             {"loss", lossName(info.loss)}};
      for (const auto &[name, value] : info.hyperParameters)
        checkpoint.settings.push_back(
            {optimizerName(info.optimizer) + ("." + name), number(value)});
      checkpoint.history = history;
      if (!writeCheckpoint(options.savePath, checkpoint, error))
        return fail(error);
      interruption.checkpoint = options.savePath;
      interruption.checkpointEpoch = epoch + 1;
    }
    interruption.completed = epoch + 1;
  }
  if (stopping()) {
    interruption.signal = stopSignal;
    if (!group.isRoot())
      return 128 + interruption.signal;
    reportInterruption(interruption);
    if (!options.metricsJsonPath.empty()) {
      MetricsReport report;
      report.history = history;
      if (!writeMetricsJson(options.metricsJsonPath, report, error))
        return fail(error);
    }
    return 128 + interruption.signal;
  }

  if (group.isRoot() && options.afterTraining &&
      !options.afterTraining(trainer.params(), error))
    return fail(error);
  // An image folder has no test set: its validation subset is what the
  // epochs report.
  MetricsReport report;
  report.history = history;
  if (testSet.count > 0) {
    LossAndAccuracy test = trainer.evaluate(testSet);
    report.test = evaluationLogs(info.trainOutputs, test, "");
    if (group.isRoot()) {
      printTestResult(report.test);
      std::fflush(stdout);
    }
  }
  if (!group.isRoot())
    return 0;
  if (!options.metricsJsonPath.empty()) {
    if (testSet.count > 0)
      report.evalImagesPerSecond = forwardImagesPerSecond(trainer, testSet);
    if (!writeMetricsJson(options.metricsJsonPath, report, error))
      return fail(error);
  }
  return 0;
}

int cnnc::runEvaluation(const ModelKernels &kernels,
                        const RunOptions &options) {
  const ModelInfo &info = kernels.info;
  if (!kernels.evaluate)
    return fail("this compiled model has no evaluation step (compile it with "
                "--train-step)");
  if (options.weightsPath.empty() && !options.initialParams)
    return fail("cnnc eval needs --weights FILE");
  int64_t batchSize;
  std::string error;
  if (!evaluationBatchSize(options, batchSize, error))
    return fail(error);
  if (!checkRunOutputs(options, error))
    return fail(error);
  ProcessGroup &group = options.group ? *options.group : singleProcess();
  Trainer trainer(kernels, options.threads, group);
  if (options.initialParams)
    trainer.params() = *options.initialParams;
  else if (!loadWeights(info, options.weightsPath, trainer.params(), error))
    return fail(error);
  Dataset data;
  if (!loadData(info, options, /*train=*/false, data, error))
    return fail(error);
  LossAndAccuracy test =
      trainer.evaluate(samplesOf(data.testImages, data.testLabels), batchSize);
  if (!group.isRoot())
    return 0;
  printTestResult(evaluationLogs(info.trainOutputs, test, ""));
  if (!options.metricsJsonPath.empty()) {
    MetricsReport report;
    report.test = evaluationLogs(info.trainOutputs, test, "");
    report.evalImagesPerSecond = forwardImagesPerSecond(
        trainer, samplesOf(data.testImages, data.testLabels));
    if (!writeMetricsJson(options.metricsJsonPath, report, error))
      return fail(error);
  }
  return 0;
}
