//===- ForwardRunnerTest.cpp - Each image once, in bounded calls ----------===//
//
// runForward drives a compiled forward pass; here a plain C function stands
// in for the compiled code and records what it was asked to do.

#include "runtime/infer/ForwardRunner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

using namespace cnnc;

namespace {

std::mutex callsMutex;
std::vector<int64_t> callSizes;

/// Two inputs per image, one output: the output is their sum plus the only
/// parameter, so every image's result shows that it ran with its own input.
extern "C" void sumForward(const float *input, int64_t batch,
                           const float *const *params, float *output) {
  {
    std::lock_guard<std::mutex> lock(callsMutex);
    callSizes.push_back(batch);
  }
  for (int64_t i = 0; i < batch; ++i)
    output[i] = input[2 * i] + input[2 * i + 1] + params[0][0];
}

ModelKernels sumKernels(int64_t activationBytesPerImage) {
  ModelKernels kernels;
  kernels.forward = sumForward;
  kernels.info.inputShapes = {{2}};
  kernels.info.outputShape = {1};
  kernels.info.params = {ParamInfo{"dense/bias", {1}, {}}};
  kernels.info.activationBytesPerImage = activationBytesPerImage;
  return kernels;
}

void expectEveryImageOnce(const ModelKernels &kernels, unsigned threads,
                          int64_t batch) {
  callSizes.clear();
  std::vector<float> input(2 * batch), output(batch, -1.0f);
  for (int64_t i = 0; i < 2 * batch; ++i)
    input[i] = float(i);
  float bias = 0.5f;
  const float *params[] = {&bias};
  WorkerPool pool(threads);
  runForward(kernels, pool, input.data(), batch, params, output.data());
  for (int64_t i = 0; i < batch; ++i)
    ASSERT_EQ(output[i], float(4 * i + 1) + 0.5f) << "image " << i;
  int64_t images = 0;
  for (int64_t size : callSizes) {
    EXPECT_LE(size, kernels.info.imagesPerCall());
    images += size;
  }
  EXPECT_EQ(images, batch);
}

TEST(ForwardRunner, EveryImageOnceOnAnyThreadCount) {
  ModelKernels kernels = sumKernels(64);
  for (unsigned threads : {1u, 2u, 3u})
    for (int64_t batch : {0, 1, 2, 7, 300, 1000})
      expectEveryImageOnce(kernels, threads, batch);
}

TEST(ForwardRunner, CallsStayWithinTheModelsBound) {
  // 256 MiB an image: a call takes at most 4 images (1 GiB), however large
  // the batch.
  ModelKernels kernels = sumKernels(int64_t(256) << 20);
  ASSERT_EQ(kernels.info.imagesPerCall(), 4);
  expectEveryImageOnce(kernels, 2, 37);
  EXPECT_GE(callSizes.size(), 10u);
}

TEST(ForwardRunner, SmallModelsRunInCallsOfUpTo256Images) {
  EXPECT_EQ(sumKernels(0).info.imagesPerCall(), 256);
  EXPECT_EQ(sumKernels(100).info.imagesPerCall(), 256);
}

} // namespace

// The allocation-free entry point, where the code has one: each call gets
// a workspace of the bytes the model asks for its batch, 64-byte aligned,
// and a thread's later calls get the same workspace back instead of a new
// allocation (cnnc_forward's own allocation per call was mapped and
// faulted in every time).
namespace {

std::vector<std::pair<uintptr_t, int64_t>> workspaceCalls;

extern "C" size_t testWorkspaceBytes(int64_t batch) { return 100 + 8 * batch; }

extern "C" void sumForwardWorkspace(const float *input, int64_t batch,
                                    const float *const *params, float *output,
                                    void *workspace) {
  // Writes all of the bytes it was promised: a short workspace shows up
  // under the sanitizers.
  std::memset(workspace, 0xab, testWorkspaceBytes(batch));
  {
    std::lock_guard<std::mutex> lock(callsMutex);
    workspaceCalls.push_back({reinterpret_cast<uintptr_t>(workspace), batch});
  }
  sumForward(input, batch, params, output);
}

TEST(ForwardRunner, ReusesOneAlignedWorkspacePerThread) {
  ModelKernels kernels = sumKernels(64);
  kernels.forwardWorkspace = sumForwardWorkspace;
  kernels.workspaceBytes = testWorkspaceBytes;
  workspaceCalls.clear();
  expectEveryImageOnce(kernels, 1, 300);
  EXPECT_EQ(workspaceCalls.size(), callSizes.size())
      << "the forward without a workspace ran";
  expectEveryImageOnce(kernels, 1, 200);
  ASSERT_GE(workspaceCalls.size(), 2u);
  for (auto [address, batch] : workspaceCalls) {
    EXPECT_EQ(address % 64, 0u);
    EXPECT_EQ(address, workspaceCalls.front().first)
        << "a smaller call got a new workspace";
  }
  workspaceCalls.clear();
  expectEveryImageOnce(kernels, 2, 1000);
  int64_t images = 0;
  for (auto [address, batch] : workspaceCalls)
    images += batch;
  EXPECT_EQ(images, 1000);
}

} // namespace
