// RUN: cnnc-opt %s --convert-cnn-to-linalg | FileCheck %s

// The batch's statistics: sums over (n, h, w) per channel, accumulated in
// f64 and divided by N = n * h * w (the batch from tensor.dim) before
// rounding to f32; the variance subtracts the mean first.
// CHECK-LABEL: func.func @moments
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[COUNT:.*]] = arith.muli %[[N]], %c16
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]{{.*}} ins(%arg0 : tensor<?x4x4x2xf32>) outs(%{{.*}} : tensor<2xf64>)
// CHECK:   arith.extf
// CHECK:   arith.addf {{.*}} : f64
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2xf64>)
// CHECK:   arith.divf {{.*}} : f64
// CHECK:   arith.truncf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]
// CHECK:   arith.subf
// CHECK:   arith.mulf
// CHECK:   arith.extf
func.func @moments(%x: tensor<?x4x4x2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %mean, %variance = cnn.batch_moments %x : (tensor<?x4x4x2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %mean, %variance : tensor<2xf32>, tensor<2xf32>
}

// moving * momentum + batch * (1 - momentum), both factors f32.
// CHECK-LABEL: func.func @moving
// CHECK-DAG: arith.constant 0.899999976 : f32
// CHECK-DAG: arith.constant 1.000000e-01 : f32
// CHECK: linalg.generic
// CHECK:   arith.mulf
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @moving(%m: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %0 = cnn.moving_average %m, %b momentum = 0.9 : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// beta's and gamma's gradients are two sums in one generic; the input
// gradient one elementwise generic over (x, dy) with per-channel factors.
// CHECK-LABEL: func.func @backward
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} outs(%{{.*}}, %{{.*}} : tensor<3xf64>, tensor<3xf64>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%arg0, %arg1, %arg2, {{.*}} : tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>
func.func @backward(%x: tensor<?x3xf32>, %dy: tensor<?x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>) {
  %db, %dg = cnn.batch_norm_param_grad %x, %dy mean %m variance %v epsilon = 1.0e-3 : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  %dx = cnn.batch_norm_input_grad %x, %dy gamma %g mean %m variance %v sums %db, %dg epsilon = 1.0e-3 : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %db, %dg, %dx : tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>
}
