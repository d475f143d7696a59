// RUN: cnnc-opt %s -split-input-file --cnn-forward-first-output | FileCheck %s

// A training module of two outputs: @forward keeps the first output and
// the ops it needs; the second head's dense goes, its parameter stays (the
// runtime passes every parameter). The training step is untouched.

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[WA:.*]]: tensor<4x3xf32>, %[[WB:.*]]: tensor<4x2xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %[[A:.*]] = cnn.dense %[[X]], %[[WA]]
// CHECK-NEXT: return %[[A]] : tensor<?x3xf32>
// CHECK-LABEL: func.func @train_gradients
// CHECK: cnn.dense
module attributes {cnn.model} {
func.func @forward(%x: tensor<?x4xf32>, %wa: tensor<4x3xf32>, %wb: tensor<4x2xf32>) -> (tensor<?x3xf32>, tensor<?x2xf32>) {
  %0 = cnn.dense %x, %wa : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = cnn.dense %x, %wb : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x2xf32>
}
func.func @train_gradients(%x: tensor<?x4xf32>, %wb: tensor<4x2xf32>) -> tensor<?x2xf32> {
  %1 = cnn.dense %x, %wb : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}
}

// -----

// Without a training step the outputs are the model's result: unchanged.

// CHECK-LABEL: func.func @forward
// CHECK-SAME: -> (tensor<?x3xf32>, tensor<?x2xf32>)
module attributes {cnn.model} {
func.func @forward(%x: tensor<?x4xf32>, %wa: tensor<4x3xf32>, %wb: tensor<4x2xf32>) -> (tensor<?x3xf32>, tensor<?x2xf32>) {
  %0 = cnn.dense %x, %wa : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = cnn.dense %x, %wb : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x2xf32>
}
}
