// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// cnn.batch_norm and the two ops --cnn-fold-batch-norm makes, in their
// custom form, with and without the optional gamma, beta and bias; the
// printed form parses back to itself, and so does the generic form.

// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: %{{.*}}: tensor<8xf32> {cnn.param = "bn/moving_mean", cnn.trainable = false}
func.func @batch_norm(%x: tensor<?x6x6x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
                      %m: tensor<8xf32> {cnn.param = "bn/moving_mean", cnn.trainable = false},
                      %v: tensor<8xf32>) -> tensor<?x6x6x8xf32> {
  // CHECK: cnn.batch_norm %{{.*}} gamma %{{.*}} beta %{{.*}} mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 momentum = 0.98999999999999999 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  %0 = cnn.batch_norm %x gamma %g beta %b mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  // CHECK: cnn.batch_norm %{{.*}} mean %{{.*}} variance %{{.*}} epsilon = 0.000000e+00 momentum = 1.000000e+00 frozen : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  %1 = cnn.batch_norm %0 mean %m variance %v epsilon = 0.0 momentum = 1.0 frozen : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  // CHECK: cnn.batch_norm %{{.*}} beta %{{.*}} mean
  %2 = cnn.batch_norm %1 beta %b mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  return %2 : tensor<?x6x6x8xf32>
}

// A dense layer's output: the channels are its units.
// CHECK-LABEL: func.func @after_dense
// CHECK: cnn.batch_norm %{{.*}} gamma %{{.*}} mean
func.func @after_dense(%x: tensor<?x10xf32>, %g: tensor<10xf32>, %m: tensor<10xf32>, %v: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.batch_norm %x gamma %g mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// CHECK-LABEL: func.func @fold
// CHECK: cnn.fold_batch_norm_kernel %{{.*}} gamma %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 : (tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<3x3x1x8xf32>
// CHECK: cnn.fold_batch_norm_kernel %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 : (tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<3x3x1x8xf32>
// CHECK: cnn.fold_batch_norm_bias bias %{{.*}} gamma %{{.*}} beta %{{.*}} mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: cnn.fold_batch_norm_bias mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
func.func @fold(%k: tensor<3x3x1x8xf32>, %bias: tensor<8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>)
    -> (tensor<3x3x1x8xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = cnn.fold_batch_norm_kernel %k gamma %g variance %v epsilon = 1.0e-3 : (tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<3x3x1x8xf32>
  %1 = cnn.fold_batch_norm_kernel %k variance %v epsilon = 1.0e-3 : (tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<3x3x1x8xf32>
  %2 = cnn.fold_batch_norm_bias bias %bias gamma %g beta %b mean %m variance %v epsilon = 1.0e-3 : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %3 = cnn.fold_batch_norm_bias mean %m variance %v epsilon = 1.0e-3 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %0, %1, %2, %3 : tensor<3x3x1x8xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<8xf32>
}
