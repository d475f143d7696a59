// RUN: cnnc-opt %s -split-input-file --cnn-emit-model-info --verify-diagnostics | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --cnn-build-train-step --cnn-emit-model-info --verify-diagnostics | FileCheck %s --check-prefix=TRAIN

// --cnn-emit-model-info describes the model to the runtime in the constant
// string @cnnc_model_info, one fact per line (runtime/model/ModelInfo.h):
// the shapes without the batch, the bytes of one image's intermediate
// tensors (conv 4x4x2, pool 2x2x2, flatten 8, dense 3, softmax 3: 54
// floats), each parameter's name, shape and
// initializer (Keras's defaults where the IR names none), and compile()'s
// fit() settings. With a training step it adds the loss, the label kind and
// the optimizer with its state slots and settings.

// CHECK: llvm.mlir.global external constant @cnnc_model_info("cnnc-model-info 1\0Aname lesson\0Ainput 6 6 1\0Aoutput 3\0Aactivations 216\0A
// CHECK-SAME: param conv2d/kernel 3 3 1 2\0Ainit conv2d/kernel kind=variance_scaling scale=1 mode=fan_avg distribution=uniform
// CHECK-SAME: param conv2d/bias 2\0Ainit conv2d/bias kind=constant
// CHECK-SAME: param dense/kernel 8 3\0Ainit dense/kernel kind=variance_scaling scale=2 mode=fan_in distribution=truncated_normal
// CHECK-SAME: fit batch_size 64\0Afit epochs 3\0A\00")
// CHECK-NOT: train

// TRAIN: @cnnc_model_info(
// TRAIN-SAME: train categorical_crossentropy dense\0Aoptimizer sgd 1\0Ahyper learning_rate 0.01\0Ahyper momentum 0\0Ahyper nesterov 0\0Afit batch_size 64
module attributes {cnn.model, cnn.model_name = "lesson", cnn.training = #cnn.training<loss = categorical_crossentropy, optimizer = #cnn.optimizer<sgd>, epochs = 3, batch_size = 64>} {
func.func @forward(%x: tensor<?x6x6x1xf32>,
    %k: tensor<3x3x1x2xf32> {cnn.param = "conv2d/kernel"},
    %b: tensor<2xf32> {cnn.param = "conv2d/bias", cnn.initializer = {kind = "constant", value = 0.0 : f64}},
    %w: tensor<8x3xf32> {cnn.param = "dense/kernel", cnn.initializer = {kind = "variance_scaling", scale = 2.0 : f64, mode = "fan_in", distribution = "truncated_normal"}}) -> tensor<?x3xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x6x6x1xf32>, tensor<3x3x1x2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  %1 = cnn.max_pool2d %0 pool_size = [2, 2] padding = valid : (tensor<?x4x4x2xf32>) -> tensor<?x2x2x2xf32>
  %2 = cnn.flatten %1 : (tensor<?x2x2x2xf32>) -> tensor<?x8xf32>
  %3 = cnn.dense %2, %w : (tensor<?x8xf32>, tensor<8x3xf32>) -> tensor<?x3xf32>
  %4 = cnn.softmax %3 : tensor<?x3xf32>
  return %4 : tensor<?x3xf32>
}
}

// -----

// The description is the pipeline's: a module that is not a model is
// refused here as everywhere, by the verifier when it is marked as one...
// expected-error @+1 {{the module has no model}}
module attributes {cnn.model} {
}

// -----

// ... and by the pass when it is not.
// expected-error @+1 {{needs a cnn model: a module marked 'cnn.model'}}
module {
  func.func @forward(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
    return %x : tensor<?x3xf32>
  }
}
