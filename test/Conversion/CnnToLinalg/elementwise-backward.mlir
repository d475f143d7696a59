// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// relu's gradient passes where the output is positive.
// CHECK-LABEL: func.func @relu_grad
// CHECK: linalg.generic
// CHECK: %[[POSITIVE:.*]] = arith.cmpf ogt
// CHECK: arith.select %[[POSITIVE]]
func.func @relu_grad(%y: tensor<?x8xf32>, %dy: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.activation_grad relu %y, %dy : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// crop2d's gradient: dy in the top-left corner of zeros.
// CHECK-LABEL: func.func @crop_grad
// CHECK: %[[ZEROS:.*]] = linalg.fill {{.*}} -> tensor<?x13x13x32xf32>
// CHECK: tensor.insert_slice %arg0 into %[[ZEROS]][0, 0, 0, 0] [%{{.*}}, 12, 12, 32] [1, 1, 1, 1] : tensor<?x12x12x32xf32> into tensor<?x13x13x32xf32>
func.func @crop_grad(%dy: tensor<?x12x12x32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.crop2d_grad %dy : (tensor<?x12x12x32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}
