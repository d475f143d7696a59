// RUN: cnnc-opt %s -split-input-file --cnn-fold-batch-norm | FileCheck %s

// --cnn-fold-batch-norm folds an inference-mode batch_norm into the conv2d
// or dense layer whose single use it is: the layer takes the folded kernel
// (scaled per output channel) and the folded bias (made when the layer had
// none), computed from the unfolded parameters, and the batch_norm is gone.
// Anything else keeps its batch_norm.

// A convolution without bias (Keras's usual Conv2D(use_bias=False) before
// BN): the folded bias comes from the BN alone; the layer attribute stays
// the convolution's.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x8x1xf32>, %[[K:.*]]: tensor<3x3x1x4xf32>, %[[G:.*]]: tensor<4xf32>, %[[BE:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xf32>, %[[V:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[K2:.*]] = cnn.fold_batch_norm_kernel %[[K]] gamma %[[G]] variance %[[V]] epsilon = 1.000000e-03
// CHECK-NEXT: %[[B2:.*]] = cnn.fold_batch_norm_bias gamma %[[G]] beta %[[BE]] mean %[[M]] variance %[[V]] epsilon = 1.000000e-03
// CHECK-NEXT: %[[C:.*]] = cnn.conv2d %[[X]], %[[K2]], %[[B2]] strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">}
// CHECK-NEXT: %[[R:.*]] = cnn.relu %[[C]]
// CHECK-NEXT: return %[[R]]
func.func @forward(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x6x6x4xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">} : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.batch_norm %0 gamma %g beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 {cnn.layer = #cnn.layer<"batch_normalization", "BatchNormalization">} : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %2 = cnn.relu %1 : tensor<?x6x6x4xf32>
  return %2 : tensor<?x6x6x4xf32>
}

// -----

// A dense layer with bias and a BN without gamma (scale=False): the bias
// is folded with the layer's own.
// CHECK-LABEL: func.func @evaluate
// CHECK-NEXT: %[[K2:.*]] = cnn.fold_batch_norm_kernel %{{.*}} variance %{{.*}} epsilon = 5.000000e-02 : (tensor<6x3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[B2:.*]] = cnn.fold_batch_norm_bias bias %{{.*}} beta %{{.*}} mean %{{.*}} variance %{{.*}} epsilon = 5.000000e-02
// CHECK-NEXT: %[[D:.*]] = cnn.dense %{{.*}}, %[[K2]], %[[B2]]
// CHECK-NEXT: return %[[D]]
func.func @evaluate(%x: tensor<?x6xf32>, %k: tensor<6x3xf32>, %b: tensor<3xf32>, %be: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<?x3xf32> {
  %0 = cnn.dense %x, %k, %b : (tensor<?x6xf32>, tensor<6x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 0.05 momentum = 0.99 : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}

// -----

// Not after a linear layer (a relu between), and after a conv2d whose
// output is used twice: both batch_norms stay.
// CHECK-LABEL: func.func @unfoldable
// CHECK-NOT: fold_batch_norm
// CHECK: cnn.batch_norm
// CHECK: cnn.batch_norm
func.func @unfoldable(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.relu %0 : tensor<?x6x6x4xf32>
  %2 = cnn.batch_norm %1 mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %3 = cnn.batch_norm %0 mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  return %2, %3 : tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>
}

// -----

// @train_gradients is left as it is: the kernel's gradient is the unfolded
// kernel's.
// CHECK-LABEL: func.func @train_gradients
// CHECK-NOT: fold_batch_norm
// CHECK: cnn.batch_norm
func.func @train_gradients(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x6x6x4xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.batch_norm %0 mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 frozen : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  return %1 : tensor<?x6x6x4xf32>
}
