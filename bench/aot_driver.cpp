//===- aot_driver.cpp - Times an AOT-compiled model, for profiling --------===//
//
//   cnnc MODEL -o DIR/model.o
//   c++ -O2 -I<repo> -IDIR bench/aot_driver.cpp DIR/model.o \
//       build/runtime/libCnncRuntimeSupport.a -lz -pthread
//   ./a.out DATA_DIR [BATCH] [THREADS] [PASSES]
//
// The AOT route of the benchmark: the object `cnnc -o` writes, linked with
// this and the runtime, no MLIR or LLVM in the process. It also lets a
// profiler (perf, callgrind) see the generated code as an ordinary function
// with a symbol, which it cannot in the JIT. Same measurement as
// cnnc-bench: the MNIST test set /255, batches of BATCH split over THREADS
// threads as CompiledModel::forward splits them, best of PASSES passes
// after a warm-up; a sentence, then a JSON line. The parameters are one
// constant buffer shared by all (the time does not depend on their
// values), so the driver needs only model.h's element counts.
//
//===----------------------------------------------------------------------===//

#include "model.h"
#include "runtime/data/Mnist.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

constexpr int64_t kInputPerImage = CNNC_INPUT_ELEMENTS_PER_IMAGE;
constexpr int64_t kOutputPerImage = CNNC_OUTPUT_ELEMENTS_PER_IMAGE;
/// Elements of the shared parameter buffer: more than any one parameter of
/// the models this is used with (the lesson's largest has 102,400).
constexpr size_t kParamElements = size_t(1) << 22;

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

  cnnc::DatasetRequest request;
  request.dataDir = argv[1];
  request.train = false;
  cnnc::Dataset data;
  std::string error;
  if (!cnnc::loadDataset(request, data, error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  const cnnc::IdxImages &images = data.testImages;
  std::vector<float> x(images.pixels.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(images.pixels[i]) / 255.0f;

  if (int64_t(images.pixelsPerImage()) != kInputPerImage) {
    std::fprintf(stderr, "error: the model takes %lld inputs per image, the "
                 "test images have %lld pixels\n",
                 (long long)kInputPerImage, (long long)images.pixelsPerImage());
    return 1;
  }
  std::vector<float> params(kParamElements, 0.01f);
  std::vector<const float *> pointers(CNNC_NUM_PARAMS, params.data());
  int64_t count = images.count;
  std::vector<float> y(size_t(count * kOutputPerImage));

  auto run = [&](int64_t start, int64_t n) {
    cnnc_forward(x.data() + start * kInputPerImage, n, pointers.data(),
                 y.data() + start * kOutputPerImage);
  };
  auto pass = [&] {
    auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < count; i += batch) {
      int64_t b = std::min(batch, count - i);
      int64_t workers = std::min(threads, b);
      if (workers == 1) {
        run(i, b);
        continue;
      }
      std::vector<std::thread> pool;
      int64_t chunk = (b + workers - 1) / workers;
      for (int64_t s = 0; s < b; s += chunk)
        pool.emplace_back(run, i + s, std::min(chunk, b - s));
      for (std::thread &t : pool)
        t.join();
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
