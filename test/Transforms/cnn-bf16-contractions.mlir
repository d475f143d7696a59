// RUN: cnnc-opt %s --cnn-bf16-contractions --split-input-file | FileCheck %s

// A Dense layer's matmul, x [?, 4] · W [4, 16]: x is rounded to bf16 and
// viewed as [?, 2, 2] (pairs of the reduction); W is rounded and packed as
// [2, 16, 2], Wb[k', n, p] = W[2k' + p, n], so that the 16 columns' pairs
// are 32 contiguous bf16; the contraction runs over (k', p) into the f32
// output, each operand extended to f32.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK-DAG: #[[WOUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[XA:.*]]: tensor<?x4xf32>, %[[WA:.*]]: tensor<4x16xf32>, %[[INIT:.*]]: tensor<?x16xf32>)
// CHECK: %[[XB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[XA]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<?x4xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[XP:.*]] = tensor.expand_shape %[[XB]] {{\[\[}}0], [1, 2]] output_shape [%{{.*}}, 2, 2] : tensor<?x4xbf16> into tensor<?x2x2xbf16>
// CHECK: %[[WS:.*]] = tensor.expand_shape %[[WA]] {{\[\[}}0, 1], [2]] output_shape [2, 2, 16] : tensor<4x16xf32> into tensor<2x2x16xf32>
// CHECK: %[[WP:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[WOUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[WS]] : tensor<2x2x16xf32>) outs(%{{.*}} : tensor<2x16x2xbf16>)
// CHECK: arith.truncf
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[XP]], %[[WP]] : tensor<?x2x2xbf16>, tensor<2x16x2xbf16>) outs(%[[INIT]] : tensor<?x16xf32>)
// CHECK: ^bb0(%[[A:.*]]: bf16, %[[B:.*]]: bf16, %[[C:.*]]: f32):
// CHECK: %[[AE:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK: %[[BE:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[AE]], %[[BE]] : f32
// CHECK: arith.addf %[[C]], %[[M]] : f32
// CHECK-NOT: linalg.matmul
func.func @dense(%x: tensor<?x4xf32>, %w: tensor<4x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// An odd reduction has no pairs: the matmul stays f32.
// CHECK-LABEL: func.func @odd
// CHECK: linalg.matmul
// CHECK-NOT: bf16
func.func @odd(%x: tensor<?x3xf32>, %w: tensor<3x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = linalg.matmul ins(%x, %w : tensor<?x3xf32>, tensor<3x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}
