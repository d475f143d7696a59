//===- TrainerMain.cpp - main() of an AOT-built trainer -------------------===//
//
// Linked with an object from `cnnc MODEL --train-step -o model.o`, this is
// a standalone trainer with no LLVM or MLIR in it:
//
//   c++ model.o build/lib/libcnnc_trainer.a -lz -lpthread -o trainer
//   ./trainer [train] [--epochs N] [--batch-size B] ...   (cnnc train's flags)
//   ./trainer eval --weights CKPT
//
// What the object compiled in (the optimizer, its learning rate, the loss)
// is fixed: those flags are refused with the command that changes them.
//
//===----------------------------------------------------------------------===//

#include "runtime/model/Kernels.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/train/TrainRun.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" {
void cnnc_forward(const float *, int64_t, const float *const *, float *);
void cnnc_train_gradients(const float *, const void *, int64_t,
                          const float *const *, float, int64_t, int64_t,
                          int64_t, float *, float *const *);
void cnnc_evaluate(const float *, const void *, int64_t, const float *const *,
                   float *);
void cnnc_apply_gradients(float *, float *, const float *, int64_t, int64_t,
                          int64_t, int64_t);
extern const char cnnc_model_info[];
// Weak: an object whose step has no point to report defines none.
extern cnnc::GradientReadyFn cnnc_gradient_ready_hook __attribute__((weak));
extern cnnc::SumAcrossChunksFn cnnc_sum_across_chunks_hook
    __attribute__((weak));
}

using namespace cnnc;

namespace {

const char kUsage[] =
    "usage: %s [train] [--data DIR] [--dataset mnist|fashion_mnist] [--epochs "
    "N]\n"
    "          [--batch-size B] [--seed S] [--validation-split F] [--threads "
    "T]\n"
    "          [--save FILE] [--resume FILE] [--weights FILE] [--no-shuffle]\n"
    "          [--overlap]\n"
    "          [--metrics-json FILE] [--verbose]\n"
    "       %s eval --weights FILE [--data DIR] [--dataset D] [--batch-size "
    "B]\n"
    "          [--threads T] [--metrics-json FILE]\n"
    "A trainer built by linking a cnnc object (cnnc MODEL --train-step -o\n"
    "model.o) with libcnnc_trainer.a; the optimizer, learning rate and loss\n"
    "are compiled into the object.\n";

/// The trainer's name, as its errors start: `trainer: error: ...`.
std::string programName = "trainer";

int usageError(const std::string &message) {
  std::fprintf(stderr, "%s: error: %s\n", programName.c_str(), message.c_str());
  return 1;
}

/// The options that take a value (--flag VALUE or --flag=VALUE).
bool takesValue(const std::string &flag) {
  for (const char *known :
       {"--data", "--dataset", "--epochs", "--batch-size", "--seed",
        "--validation-split", "--threads", "--save", "--resume", "--weights",
        "--metrics-json", "--optimizer", "--lr", "--loss"})
    if (flag == known)
      return true;
  return false;
}

bool parseInteger(const char *text, int64_t &out) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text, &end, 10);
  if (errno || end == text || *end)
    return false;
  out = value;
  return true;
}

bool parseNumber(const char *text, double &out) {
  char *end = nullptr;
  errno = 0;
  out = std::strtod(text, &end);
  return !errno && end != text && !*end;
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 0 && argv[0][0]) {
    programName = argv[0];
    programName = programName.substr(programName.rfind('/') + 1);
  }
  setRunProgramName(programName);
  failWritesBeyondFileSizeLimit();
  ModelKernels kernels;
  std::string error;
  if (!parseModelInfo(cnnc_model_info, kernels.info, error))
    return usageError(error);
  kernels.forward = cnnc_forward;
  kernels.trainGradients = cnnc_train_gradients;
  kernels.evaluate = cnnc_evaluate;
  kernels.applyGradients = cnnc_apply_gradients;
  kernels.gradientReadyHook = &cnnc_gradient_ready_hook;
  kernels.sumAcrossChunksHook = &cnnc_sum_across_chunks_hook;

  RunOptions options;
  bool evaluate = false;
  int i = 1;
  if (i < argc &&
      (!std::strcmp(argv[i], "train") || !std::strcmp(argv[i], "eval")))
    evaluate = !std::strcmp(argv[i++], "eval");
  for (; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf(kUsage, argv[0], argv[0]);
      return 0;
    }
    if (flag == "--no-shuffle") {
      options.shuffle = false;
      continue;
    }
    if (flag == "--overlap") {
      options.overlap = true;
      continue;
    }
    if (flag == "--verbose") {
      options.verbose = true;
      continue;
    }
    // --flag VALUE or --flag=VALUE
    std::string value;
    size_t eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    // An unknown option is that, not "needs a value".
    if (!takesValue(flag))
      return usageError("unknown option '" + flag + "' (see --help)");
    if (eq == std::string::npos) {
      if (i + 1 >= argc)
        return usageError(flag + " needs a value (see --help)");
      value = argv[++i];
    }
    int64_t integer;
    double number;
    auto badValue = [&](const char *what) {
      return usageError(flag + " takes " + what + ", not '" + value + "'");
    };
    if (flag == "--data") {
      options.dataDir = value;
    } else if (flag == "--dataset") {
      options.dataset = value;
    } else if (flag == "--epochs") {
      if (!parseInteger(value.c_str(), integer))
        return badValue("an integer");
      options.epochs = integer;
    } else if (flag == "--batch-size") {
      if (!parseInteger(value.c_str(), integer))
        return badValue("an integer");
      options.batchSize = integer;
    } else if (flag == "--seed") {
      if (!parseInteger(value.c_str(), integer) || integer < 0)
        return badValue("a non-negative integer");
      options.seed = static_cast<uint64_t>(integer);
    } else if (flag == "--validation-split") {
      if (!parseNumber(value.c_str(), number))
        return badValue("a number");
      options.validationSplit = number;
    } else if (flag == "--threads") {
      if (!parseInteger(value.c_str(), integer) || integer < 0 ||
          integer > 1024)
        return badValue("a thread count");
      options.threads = static_cast<unsigned>(integer);
    } else if (flag == "--save") {
      options.savePath = value;
    } else if (flag == "--resume") {
      options.resumePath = value;
    } else if (flag == "--weights") {
      options.weightsPath = value;
    } else if (flag == "--metrics-json") {
      options.metricsJsonPath = value;
    } else if (flag == "--optimizer" || flag == "--lr" || flag == "--loss") {
      return usageError(flag + " is compiled into this trainer (" +
                        optimizerName(kernels.info.optimizer) + ", " +
                        lossName(kernels.info.loss) +
                        "); compile another: cnnc MODEL --train-step " + flag +
                        " ... -o model.o");
    } else {
      return usageError("unknown option '" + flag + "' (see --help)");
    }
  }
  // Under mpirun, the ranks train together (libcnnc_trainer_mpi.a).
  options.group = joinProcessGroup(programName, error);
  if (!options.group) {
    std::fprintf(stderr, "%s: error: %s\n", programName.c_str(), error.c_str());
    return 1;
  }
  int code = evaluate ? runEvaluation(kernels, options)
                      : runTraining(kernels, options);
  options.group->finish(code == 0);
  return code;
}
