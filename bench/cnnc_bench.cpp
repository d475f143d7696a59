//===- cnnc_bench.cpp - Inference throughput of a JIT-compiled model ------===//
//
//   cnnc-bench [MODEL] [--data DIR] [--batch-size B] [--threads T]
//              [--passes N] [--seed S] [--random-images N] [--no-fuse]
//              [--no-tile] [--weights W]
//
// Compiles MODEL (default: the lesson's examples/mnist_cnn.py) in process,
// exactly as `cnnc predict` does, draws its parameters from its seeded
// initializers, and times the forward pass over the MNIST test set
// (10,000 images, normalised /255) in batches of B (the last one partial),
// on T threads; with --random-images N, over N images of the model's input
// shape drawn uniformly from [0, 1) instead (any model, any input size:
// bench/models times published models so). It reports the best of N passes,
// after one untimed pass that warms caches and pages: images/s, GFLOP/s (2 x
// the multiply-adds of the model's conv and dense layers) and the share of the
// CPU's FP32 peak, first as a sentence, then as one JSON line for scripts.
//
// With --weights W the parameters are W's (any file `cnnc predict` takes);
// a `cnnc quantize` file runs the model in int8, as predict does.
//
// Weights are random, so accuracy means nothing here; the checksum (the
// sum of the squared outputs) is printed instead, so runs with different
// thread counts or pipelines can be checked to compute the same thing.
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/CompiledModel.h"
#include "compiler/commands/Int8Weights.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "dialects/cnn/CnnOps.h"
#include "frontends/LoadModel.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/data/Mnist.h"
#include "runtime/infer/ForwardRunner.h"
#include "runtime/support/AtomicFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <type_traits>

using namespace mlir;
using namespace cnnc;

#ifndef CNNC_SOURCE_DIR
#define CNNC_SOURCE_DIR "."
#endif

namespace {

/// The command line. Parsed by hand, not with llvm::cl: libLLVM registers
/// its own `-threads`, and the names here should match `cnnc predict`'s.
struct Options {
  std::string model = CNNC_SOURCE_DIR "/examples/mnist_cnn.py";
  std::string dataDir, dataset = "mnist", weights;
  int64_t batchSize = 256;
  unsigned threads = 2, passes = 5;
  uint64_t seed = 0;
  int64_t randomImages = 0;  // 0: the test set
  double peakGflops = 230.0; // both cores of this machine (bench/README.md)
  bool fuse = true, tile = true;
};

const char kUsage[] =
    "usage: cnnc-bench [MODEL] [--data DIR] [--dataset mnist|fashion_mnist]\n"
    "                  [--batch-size B] [--threads T] [--passes N] [--seed S]\n"
    "                  [--peak-gflops G] [--random-images N] [--no-fuse]\n"
    "                  [--no-tile] [--weights W]\n"
    "Times the JIT-compiled forward pass of MODEL (default: the lesson's\n"
    "examples/mnist_cnn.py) over the test set (or N random images of the\n"
    "model's input shape): best of N passes, batch B (256), T threads (2;\n"
    "0 = all cores), N = 5, G = 230 GFLOP/s.\n";

/// Parses `argv` into `options`; false with `error` set on a bad flag.
bool parseArgs(int argc, char **argv, Options &options, std::string &error) {
  bool sawModel = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--no-fuse" || arg == "--no-tile") {
      (arg == "--no-fuse" ? options.fuse : options.tile) = false;
      continue;
    }
    if (arg.rfind("-", 0) != 0) {
      if (sawModel) {
        error =
            "more than one MODEL: '" + options.model + "' and '" + arg + "'";
        return false;
      }
      options.model = arg;
      sawModel = true;
      continue;
    }
    // --flag=value or --flag value.
    size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
      arg.resize(equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = "'" + arg + "' needs a value";
      return false;
    }
    auto number = [&](auto &field, double least) {
      char *end = nullptr;
      double parsed = std::strtod(value.c_str(), &end);
      if (value.empty() || *end || !(parsed >= least) || parsed > 1e12) {
        error = "'" + arg + "' needs a number >= " +
                llvm::formatv("{0}", int64_t(least)).str() + ", not '" + value +
                "'";
        return false;
      }
      field = static_cast<std::remove_reference_t<decltype(field)>>(parsed);
      return true;
    };
    bool ok = true;
    if (arg == "--data")
      options.dataDir = value;
    else if (arg == "--dataset")
      options.dataset = value;
    else if (arg == "--weights")
      options.weights = value;
    else if (arg == "--batch-size")
      ok = number(options.batchSize, 1);
    else if (arg == "--threads")
      ok = number(options.threads, 0);
    else if (arg == "--passes")
      ok = number(options.passes, 1);
    else if (arg == "--seed")
      ok = number(options.seed, 0);
    else if (arg == "--random-images")
      ok = number(options.randomImages, 1);
    else if (arg == "--peak-gflops")
      ok = number(options.peakGflops, 1);
    else {
      error = "unknown option '" + arg + "' (see --help)";
      return false;
    }
    if (!ok)
      return false;
  }
  return true;
}

/// `text` as a JSON string literal.
std::string jsonString(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// Multiply-adds per image of the model's conv and dense layers: the work
/// everyone counts (pooling, bias and activations are a rounding error).
int64_t macsPerImage(func::FuncOp forward) {
  int64_t macs = 0;
  auto conv = [&](RankedTensorType output, Value kernel) {
    // kernel: (kh, kw, cin, filters); output: (batch, oh, ow, filters).
    auto k = cast<ShapedType>(kernel.getType()).getShape();
    macs += product(output.getShape().drop_front()) * k[0] * k[1] * k[2];
  };
  forward.walk([&](Operation *op) {
    if (auto c = dyn_cast<cnn::Conv2DOp>(op))
      conv(cast<RankedTensorType>(c.getType()), c.getKernel());
    else if (auto f = dyn_cast<cnn::FusedConv2DOp>(op))
      conv(f.getConvType(), f.getKernel());
    else if (auto d = dyn_cast<cnn::DenseOp>(op))
      macs += product(cast<ShapedType>(d.getType()).getShape().drop_front()) *
              cast<ShapedType>(d.getKernel().getType()).getShape()[0];
  });
  return macs;
}

/// The images to time: N uniform [0, 1) images of the model's input shape
/// with --random-images, else the test set, normalised as the lesson's users
/// do (x / 255), once, outside the timing (the PyTorch peer converts its
/// tensors up front too).
bool benchInputs(const Options &opt, func::FuncOp forward,
                 std::vector<float> &x, int64_t &count, std::string &error) {
  auto input = cast<ShapedType>(forward.getArgument(0).getType()).getShape();
  if (opt.randomImages > 0) {
    int64_t perImage = product(input.drop_front());
    if (perImage > (int64_t(1) << 32) / opt.randomImages) {
      error = "--random-images: too many values";
      return false;
    }
    count = opt.randomImages;
    x.resize(size_t(count * perImage));
    std::mt19937 random(uint32_t(opt.seed) + 1);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (float &v : x)
      v = uniform(random);
    return true;
  }
  DatasetRequest request;
  request.dataset = opt.dataset;
  request.dataDir = opt.dataDir;
  request.train = false;
  Dataset data;
  if (!loadDataset(request, data, error))
    return false;
  const IdxImages &images = data.testImages;
  if (input.size() != 4 || input[1] != images.rows || input[2] != images.cols ||
      input[3] != 1) {
    error = "the model's input is not " + std::to_string(images.rows) + "x" +
            std::to_string(images.cols) +
            "x1, the test images' shape (--random-images times any model)";
    return false;
  }
  count = images.count;
  x.resize(images.pixels.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(images.pixels[i]) / 255.0f;
  return true;
}

double seconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  installFatalErrorHandler();
  failWritesBeyondFileSizeLimit();
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      llvm::outs() << kUsage;
      return 0;
    }
  }
  Options opt;
  std::string error;
  if (!parseArgs(argc, argv, opt, error)) {
    reportError(error);
    return 1;
  }

  DialectRegistry registry;
  registerModelDialects(registry);
  registerPipelineDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  OneLineDiagnosticHandler diagnostics(&context);

  OwningOpRef<ModuleOp> module = loadModel(opt.model, context);
  if (!module)
    return 1;
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  int64_t macs = macsPerImage(forward);
  ModelInfo info = describeModel(*module);
  auto weights = weightsOrInitializers(info, opt.model, opt.weights, opt.seed);
  if (!weights) {
    report(weights.takeError());
    return 1;
  }
  std::vector<float> params = std::move(*weights);

  std::vector<float> x;
  int64_t count = 0;
  if (!benchInputs(opt, forward, x, count, error)) {
    reportError(error);
    return 1;
  }

  PipelineOptions options;
  options.fuse = opt.fuse;
  options.tile = opt.tile;
  if (llvm::Error error = prepareInt8(*module, info, opt.weights, options)) {
    report(std::move(error));
    return 1;
  }
  double start = seconds();
  auto compiled = CompiledModel::compile(*module, options);
  if (!compiled) {
    report(compiled.takeError());
    return 1;
  }
  double compileSeconds = seconds() - start;

  std::vector<const float *> pointers = paramPointers(info, params.data());
  int64_t outPer = info.outputElements();
  int64_t inPer = info.inputElements();
  WorkerPool pool(opt.threads);
  std::vector<float> y(size_t(count * outPer));
  auto pass = [&] {
    double t0 = seconds();
    for (int64_t i = 0; i < count; i += opt.batchSize) {
      int64_t b = std::min<int64_t>(opt.batchSize, count - i);
      runForward((*compiled)->kernels(), pool, x.data() + i * inPer, b,
                 pointers.data(), y.data() + i * outPer);
    }
    return seconds() - t0;
  };
  pass(); // warm-up
  std::vector<double> times;
  for (unsigned i = 0; i < opt.passes; ++i)
    times.push_back(pass());
  double best = *std::min_element(times.begin(), times.end());
  // Sum of squares: softmax rows all sum to 1, their squares do not.
  double checksum = 0;
  for (float v : y)
    checksum += double(v) * double(v);

  unsigned usedThreads = pool.size();
  double imagesPerSecond = double(count) / best;
  double mflopPerImage = 2.0 * double(macs) / 1e6;
  double gflops = imagesPerSecond * mflopPerImage / 1e3;
  double peakPercent = 100.0 * gflops / opt.peakGflops;

  llvm::outs() << llvm::format(
      "cnnc: %lld images, batch %lld, %u threads: best %.4f s of %u passes "
      "-> %.0f images/s, %.1f GFLOP/s (%.3f MFLOP/image), %.1f %% of %.0f "
      "GFLOP/s peak; compile %.2f s; checksum %.6g\n",
      (long long)count, (long long)opt.batchSize, usedThreads, best, opt.passes,
      imagesPerSecond, gflops, mflopPerImage, peakPercent, opt.peakGflops,
      compileSeconds, checksum);
  // The JSON line by hand: llvm::json prints doubles with 17 digits.
  std::string passList;
  for (double t : times)
    passList +=
        (passList.empty() ? "" : ", ") + llvm::formatv("{0:F5}", t).str();
  llvm::outs() << llvm::formatv(
      "{{\"impl\": \"cnnc\", \"model\": {0}, \"images\": {1}, \"batch\": {2}, "
      "\"threads\": {3}, \"passes\": {4}, \"best_s\": {5:F5}, "
      "\"images_per_s\": {6:F1}, \"mflop_per_image\": {7:F4}, "
      "\"gflops\": {8:F2}, \"peak_pct\": {9:F2}, \"compile_s\": {10:F3}, "
      "\"fuse\": {11}, \"tile\": {12}, \"checksum\": {13}, "
      "\"pass_s\": [{14}]}\n",
      jsonString(llvm::sys::path::filename(opt.model)), count, opt.batchSize,
      usedThreads, opt.passes, best, imagesPerSecond, mflopPerImage, gflops,
      peakPercent, compileSeconds, opt.fuse ? "true" : "false",
      opt.tile ? "true" : "false", llvm::format("%.9g", checksum), passList);
  return 0;
}
