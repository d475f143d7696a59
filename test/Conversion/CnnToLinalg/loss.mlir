// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Softmax cross-entropy from logits: row max, row sum of exp, then the
// summed loss (a 0-d reduction) and the gradient softmax - onehot, scaled.
// CHECK-LABEL: func.func @softmax_cross_entropy
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: %[[LOSS:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK: math.log
// CHECK: %[[GRAD:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: return %[[LOSS]], %[[GRAD]]
func.func @softmax_cross_entropy(%z: tensor<?x10xf32>, %labels: tensor<?xi32>, %scale: f32) -> (tensor<f32>, tensor<?x10xf32>) {
  %l, %g = cnn.softmax_cross_entropy %z, %labels, %scale : (tensor<?x10xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  return %l, %g : tensor<f32>, tensor<?x10xf32>
}

// -----

// The accuracy count: argmax of each row (first maximum) against the label.
// CHECK-LABEL: func.func @count_correct
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xi32>)
// CHECK: arith.cmpi eq
// CHECK: outs(%{{.*}} : tensor<f32>)
func.func @count_correct(%z: tensor<?x10xf32>, %labels: tensor<?xi32>) -> tensor<f32> {
  %c = cnn.count_correct %z, %labels : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  return %c : tensor<f32>
}
