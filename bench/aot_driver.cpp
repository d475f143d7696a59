//===- aot_driver.cpp - Times an AOT-compiled model, for profiling --------===//
//
//   cnnc MODEL -o DIR/model.o
//   c++ -O2 -I<repo> -IDIR bench/aot_driver.cpp DIR/model.o \
//       build/runtime/libCnncRuntimeSupport.a \
//       build/runtime/libCnncRuntimeModel.a -lz -pthread
//   ./a.out DATA_DIR [BATCH] [THREADS] [PASSES]
//
// The AOT route of the benchmark: the object `cnnc -o` writes, linked with
// this and the runtime, no MLIR or LLVM in the process. It also lets a
// profiler (perf, callgrind) see the generated code as an ordinary function
// with a symbol, which it cannot in the JIT. Same measurement as
// cnnc-bench: the MNIST test set /255, batches of BATCH run on THREADS
// threads by the runtime's forward runner (as `cnnc predict` runs them),
// best of PASSES passes after a warm-up; a sentence, then a JSON line. The
// parameters are one constant buffer shared by all (the time does not
// depend on their values).
//
//===----------------------------------------------------------------------===//

#include "model.h"
#include "runtime/data/Mnist.h"
#include "runtime/infer/ForwardRunner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [BATCH] [THREADS] [PASSES]\n",
                 argv[0]);
    return 1;
  }
  int64_t batch = argc > 2 ? std::atoll(argv[2]) : 256;
  int64_t threads = argc > 3 ? std::atoll(argv[3]) : 2;
  int passes = argc > 4 ? std::atoi(argv[4]) : 5;
  if (batch < 1 || threads < 1 || passes < 1) {
    std::fprintf(stderr, "BATCH, THREADS and PASSES must be at least 1\n");
    return 1;
  }

  cnnc::ModelKernels kernels;
  kernels.forward = cnnc_forward;
  kernels.forwardWorkspace = cnnc_forward_ws;
  kernels.workspaceBytes = cnnc_workspace_bytes;
  std::string error;
  if (!cnnc::parseModelInfo(cnnc_model_info, kernels.info, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  const int64_t inputPerImage = kernels.info.inputElements();
  const int64_t outputPerImage = kernels.info.outputElements();

  cnnc::DatasetRequest request;
  request.dataDir = argv[1];
  request.train = false;
  cnnc::Dataset data;
  if (!cnnc::loadDataset(request, data, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  const cnnc::IdxImages &images = data.testImages;
  std::vector<float> x(images.pixels.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(images.pixels[i]) / 255.0f;

  if (int64_t(images.pixelsPerImage()) != inputPerImage) {
    std::fprintf(stderr,
                 "error: the model takes %lld inputs per image, the "
                 "test images have %lld pixels\n",
                 (long long)inputPerImage, (long long)images.pixelsPerImage());
    return 1;
  }
  // One buffer as large as the largest parameter serves them all.
  int64_t largest = 1;
  for (const cnnc::ParamInfo &param : kernels.info.params)
    largest = std::max(largest, param.elements());
  std::vector<float> params(size_t(largest), 0.01f);
  std::vector<const float *> pointers(kernels.info.params.size(),
                                      params.data());
  int64_t count = images.count;
  std::vector<float> y(size_t(count * outputPerImage));
  cnnc::WorkerPool pool{unsigned(threads)};

  auto pass = [&] {
    auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < count; i += batch) {
      int64_t b = std::min(batch, count - i);
      cnnc::runForward(kernels, pool, x.data() + i * inputPerImage, b,
                       pointers.data(), y.data() + i * outputPerImage);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
        .count();
  };
  pass();
  double best = 1e30;
  for (int i = 0; i < passes; ++i)
    best = std::min(best, pass());
  std::printf("cnnc AOT: %lld images, batch %lld, %lld threads: best %.4f s "
              "of %d passes -> %.0f images/s\n",
              (long long)count, (long long)batch, (long long)threads, best,
              passes, double(count) / best);
  std::printf("{\"impl\": \"cnnc-aot\", \"images\": %lld, \"batch\": %lld, "
              "\"threads\": %lld, \"passes\": %d, \"best_s\": %.5f, "
              "\"images_per_s\": %.1f}\n",
              (long long)count, (long long)batch, (long long)threads, passes,
              best, double(count) / best);
  return 0;
}
