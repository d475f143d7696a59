// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// cnn.batch_norm is two generics: the per-channel factor
// s = gamma / sqrt(variance + epsilon) over the channels, then
// (x - mean) * s + beta over the input, the channel operands broadcast
// through a map to the last dimension. The folding ops are the same
// factor, then K * s over the kernel and (b - mean) * s + beta over the
// bias (b = 0 when absent).

// CHECK-DAG: #[[ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH4:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @batch_norm
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]], #[[ID1]]], iterator_types = ["parallel"]} ins(%arg4, %arg1 : tensor<8xf32>, tensor<8xf32>)
// CHECK: arith.addf
// CHECK-NEXT: math.sqrt
// CHECK-NEXT: arith.divf
// CHECK: linalg.generic {indexing_maps = [#[[ID4]], #[[CH4]], #[[CH4]], #[[CH4]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %arg3, %[[S]], %arg2 : tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[SC:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[C]], %[[SC]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[P]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
// CHECK-NOT: cnn.
func.func @batch_norm(%x: tensor<?x6x6x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<?x6x6x8xf32> {
  %0 = cnn.batch_norm %x gamma %g beta %b mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  return %0 : tensor<?x6x6x8xf32>
}

// -----

// Without gamma the factor is 1 / sqrt(variance + epsilon); without beta
// nothing is added.
// CHECK-LABEL: func.func @no_gamma_no_beta
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%arg2 : tensor<10xf32>)
// CHECK: arith.divf %[[ONE]]
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
func.func @no_gamma_no_beta(%x: tensor<?x10xf32>, %m: tensor<10xf32>, %v: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.batch_norm %x mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @fold
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%arg4, %arg1 : tensor<4xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[S]] : tensor<3x3x1x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[K:.*]]: f32, %[[SC:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf %[[K]], %[[SC]] : f32
// CHECK: %[[S2:.*]] = linalg.generic {{.*}} ins(%arg4, %arg1 : tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: linalg.generic {{.*}} ins(%[[ZERO]], %arg3, %[[S2]], %arg2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: arith.subf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
func.func @fold(%k: tensor<3x3x1x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<3x3x1x4xf32>, tensor<4xf32>) {
  %0 = cnn.fold_batch_norm_kernel %k gamma %g variance %v epsilon = 1.0e-3 : (tensor<3x3x1x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x3x1x4xf32>
  %1 = cnn.fold_batch_norm_bias gamma %g beta %b mean %m variance %v epsilon = 1.0e-3 : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<3x3x1x4xf32>, tensor<4xf32>
}
