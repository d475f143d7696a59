// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// The ops --cnn-build-train-step writes for a trainable BatchNormalization,
// in their custom form (with and without gamma); printed, they parse back.

// CHECK-LABEL: func.func @training
// CHECK: %{{.*}}, %{{.*}} = cnn.batch_moments %arg0 : (tensor<?x4x4x2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
// CHECK: cnn.moving_average %arg2, %{{.*}} momentum = 0.98999999999999999 : tensor<2xf32>
// CHECK: cnn.batch_norm_grad %arg0, %arg1 gamma %arg3 mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03
// CHECK: cnn.batch_norm_grad %arg0, %arg1 mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03
func.func @training(%x: tensor<?x4x4x2xf32>, %dy: tensor<?x4x4x2xf32>, %m: tensor<2xf32>, %g: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) {
  %mean, %variance = cnn.batch_moments %x : (tensor<?x4x4x2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  %next = cnn.moving_average %m, %mean momentum = 0.99 : tensor<2xf32>
  %db, %dg, %dx = cnn.batch_norm_grad %x, %dy gamma %g mean %mean variance %variance epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<?x4x4x2xf32>)
  %db2, %dg2, %dx2 = cnn.batch_norm_grad %x, %dy mean %mean variance %variance epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<?x4x4x2xf32>)
  return %next, %dx, %dx2 : tensor<2xf32>, tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>
}
