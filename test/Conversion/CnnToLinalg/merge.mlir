// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// A merge is one elementwise linalg.generic over all its inputs, left to
// right; a broadcast input is read at index 0 along its size-1 dimensions
// (no copy). Average divides the sum by n, as Keras does. Concatenate
// inserts each input into its slice of one tensor.empty.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-LABEL: func.func @average_broadcast
// CHECK: %[[N:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BC]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %arg1, %arg0 : tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>, tensor<?x8x8x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S1:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[S2:.*]] = arith.addf %[[S1]], %[[C]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.divf %[[S2]], %[[N]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
func.func @average_broadcast(%a: tensor<?x8x8x4xf32>, %c: tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32> {
  %0 = cnn.merge average %a, %c, %a : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  return %0 : tensor<?x8x8x4xf32>
}

// -----

// CHECK-LABEL: func.func @kinds
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @kinds(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = cnn.merge subtract %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = cnn.merge multiply %0, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = cnn.merge maximum %1, %a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = cnn.merge minimum %2, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %3 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @concatenate
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x8x8x6xf32>
// CHECK: %[[R1:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0, 0, 0] [%{{.*}}, 8, 8, 4] [1, 1, 1, 1]
// CHECK: %[[R2:.*]] = tensor.insert_slice %arg1 into %[[R1]][0, 0, 0, 4] [%{{.*}}, 8, 8, 2] [1, 1, 1, 1]
// CHECK: return %[[R2]]
func.func @concatenate(%a: tensor<?x8x8x4xf32>, %b: tensor<?x8x8x2xf32>) -> tensor<?x8x8x6xf32> {
  %0 = cnn.concatenate %a, %b axis = -1 : (tensor<?x8x8x4xf32>, tensor<?x8x8x2xf32>) -> tensor<?x8x8x6xf32>
  return %0 : tensor<?x8x8x6xf32>
}

// -----

// The gradient of a broadcast input sums over the broadcast dimensions
// (reduction iterators), then puts the size-1 dimensions back. A maximum's
// gradient goes to the input the left-to-right loop kept: a later input
// only when strictly larger.
// CHECK-LABEL: func.func @maximum_grad_broadcast
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[G:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "parallel"]{{.*}} outs(%[[Z]] : tensor<?x4xf32>)
// CHECK: arith.cmpf oge
// CHECK: arith.select
// CHECK: tensor.expand_shape %[[G]] {{\[\[}}0, 1, 2], [3]] output_shape [%{{.*}}, 1, 1, 4] : tensor<?x4xf32> into tensor<?x1x1x4xf32>
func.func @maximum_grad_broadcast(%dy: tensor<?x8x8x4xf32>, %a: tensor<?x8x8x4xf32>, %c: tensor<?x1x1x4xf32>) -> tensor<?x1x1x4xf32> {
  %0 = cnn.merge_grad maximum index = 1 %dy, %a, %c : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x1x1x4xf32>
  return %0 : tensor<?x1x1x4xf32>
}

// -----

// CHECK-LABEL: func.func @concatenate_grad
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 4] [%{{.*}}, 8, 8, 2] [1, 1, 1, 1] : tensor<?x8x8x6xf32> to tensor<?x8x8x2xf32>
func.func @concatenate_grad(%dy: tensor<?x8x8x6xf32>) -> tensor<?x8x8x2xf32> {
  %0 = cnn.concatenate_grad %dy axis = 3 offset = 4 : (tensor<?x8x8x6xf32>) -> tensor<?x8x8x2xf32>
  return %0 : tensor<?x8x8x2xf32>
}
