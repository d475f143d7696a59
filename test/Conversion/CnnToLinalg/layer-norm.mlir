// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// cnn.layer_norm: every generic runs over the input's own shape, the
// per-sample tensors indexed by the leading dimensions and gamma, beta by
// the trailing ones. Two reductions over the normalized axes (the sum, then
// the squared deviations from the mean: tf.nn.moments's order), a map to
// 1 / sqrt(sum / K + epsilon) per sample (K = 8 elements here), and
// (x - mean) * (r * gamma) + beta.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[PAR:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK-DAG: %[[K:.*]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0 : tensor<?x6x6x8xf32>)
// CHECK: arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x6x6xf32>)
// CHECK: arith.divf %{{.*}}, %[[K]]
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %[[MEAN]] : tensor<?x6x6x8xf32>, tensor<?x6x6xf32>)
// CHECK-NEXT: ^bb0(%[[X0:.*]]: f32, %[[M0:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[X0]], %[[M0]] : f32
// CHECK-NEXT: %[[D2:.*]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT: arith.addf %[[ACC]], %[[D2]] : f32
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?x6x6xf32>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[V:.*]] = arith.divf %[[S]], %[[K]] : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[V]], %[[EPS]] : f32
// CHECK-NEXT: %[[ROOT:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: arith.divf %[[ONE]], %[[ROOT]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[PAR]], #[[PAR]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %[[MEAN]], %[[R]], %arg1, %arg2 :
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[RR:.*]]: f32, %[[G:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[SC:.*]] = arith.mulf %[[RR]], %[[G]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[C]], %[[SC]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[P]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
// CHECK-NOT: cnn.
func.func @layer_norm(%x: tensor<?x6x6x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x6x6x8xf32> {
  %0 = cnn.layer_norm %x gamma %g beta %b axis = 3 epsilon = 1.0e-3 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  return %0 : tensor<?x6x6x8xf32>
}

// -----

// Over every axis after the batch, without gamma and beta: the per-sample
// tensors are (N), the mean divides by K = 6 * 6 * 8 = 288, and the
// result is (x - mean) * r.
// CHECK-LABEL: func.func @every_axis
// CHECK-DAG: arith.constant 2.880000e+02 : f32
// CHECK: iterator_types = ["parallel", "reduction", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<?xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[C]], %[[R]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
func.func @every_axis(%x: tensor<?x6x6x8xf32>) -> tensor<?x6x6x8xf32> {
  %0 = cnn.layer_norm %x axis = 1 epsilon = 1.0e-3 : (tensor<?x6x6x8xf32>) -> tensor<?x6x6x8xf32>
  return %0 : tensor<?x6x6x8xf32>
}

// -----

// The parameters' gradients reduce over the leading axes (the trailing
// ones parallel) in f64, then round to f32; the input gradient reduces
// g = dy * gamma and g * x_hat per sample.
// CHECK-LABEL: func.func @gradients
// CHECK: iterator_types = ["reduction", "parallel"]{{.*}} outs(%{{.*}}, %{{.*}} : tensor<10xf64>, tensor<10xf64>)
// CHECK: arith.extf
// CHECK: arith.truncf
// CHECK: iterator_types = ["parallel", "reduction"]{{.*}} ins(%arg0, %arg1, %{{.*}}, %{{.*}}, %arg2 : {{.*}}) outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32>)
// CHECK-NOT: cnn.
func.func @gradients(%x: tensor<?x10xf32>, %dy: tensor<?x10xf32>, %g: tensor<10xf32>) -> (tensor<10xf32>, tensor<10xf32>, tensor<?x10xf32>) {
  %db, %dg = cnn.layer_norm_param_grad %x, %dy axis = 1 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>) -> (tensor<10xf32>, tensor<10xf32>)
  %dx = cnn.layer_norm_input_grad %x, %dy gamma %g axis = 1 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %db, %dg, %dx : tensor<10xf32>, tensor<10xf32>, tensor<?x10xf32>
}
