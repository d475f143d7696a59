// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// The binary losses: a sum over (sample, column) and a per-cell gradient;
// class indices are read as the targets 0 and 1.

// CHECK-LABEL: func.func @sigmoid_cross_entropy
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.sitofp
// CHECK: math.absf
// CHECK: math.exp
// CHECK: math.log
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK-NOT: cnn.
func.func @sigmoid_cross_entropy(%z: tensor<?x1xf32>, %labels: tensor<?xi32>, %scale: f32) -> (tensor<f32>, tensor<?x1xf32>) {
  %l, %g = cnn.sigmoid_cross_entropy %z, %labels, %scale : (tensor<?x1xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x1xf32>)
  return %l, %g : tensor<f32>, tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func.func @binary_cross_entropy
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.log
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.select
// CHECK-NOT: cnn.
func.func @binary_cross_entropy(%p: tensor<?x3xf32>, %y: tensor<?x3xf32>, %scale: f32) -> (tensor<f32>, tensor<?x3xf32>) {
  %l, %g = cnn.binary_cross_entropy %p, %y, %scale : (tensor<?x3xf32>, tensor<?x3xf32>, f32) -> (tensor<f32>, tensor<?x3xf32>)
  return %l, %g : tensor<f32>, tensor<?x3xf32>
}

// -----

// A penalty: the sum over every element, scaled and added to the loss in,
// and the gradient added to the weight's.
// CHECK-LABEL: func.func @penalty
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: math.absf
// CHECK: tensor.extract
// CHECK: tensor.from_elements
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.addf
// CHECK-NOT: cnn.
func.func @penalty(%w: tensor<4x2xf32>, %loss: tensor<f32>, %n: f32, %share: f32, %dw: tensor<4x2xf32>) -> (tensor<f32>, tensor<4x2xf32>) {
  %l, %g = cnn.penalty %w, %loss, %n, %share plus %dw : tensor<4x2xf32> l1 = 1.0e-02 l2 = 1.0e-03 : tensor<4x2xf32>, tensor<f32>
  return %l, %g : tensor<f32>, tensor<4x2xf32>
}

