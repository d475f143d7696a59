// RUN: cnnc-opt %s --convert-cnn-to-linalg | FileCheck %s

// The batch's statistics: this call's sums over (n, h, w) per channel,
// accumulated in f64, packed after the call's element count N = n * h * w
// (the images from tensor.dim), added up over the batch's chunks, and
// divided by the batch's count before rounding to f32; the variance's pass
// subtracts that mean first and goes through a sum of its own.
// CHECK-LABEL: func.func @moments
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]{{.*}} ins(%arg0 : tensor<?x4x4x2xf32>) outs(%{{.*}} : tensor<2xf64>)
// CHECK:   arith.extf
// CHECK:   arith.addf {{.*}} : f64
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[COUNT:.*]] = arith.muli %[[N]], %c16
// CHECK: %[[WIDE:.*]] = arith.sitofp {{.*}} to f64
// CHECK: %[[WITH_COUNT:.*]] = tensor.insert %[[WIDE]] into %{{.*}}[%c0] : tensor<3xf64>
// CHECK: %[[PACKED:.*]] = tensor.insert_slice %[[SUM]] into %[[WITH_COUNT]][1] [2] [1] : tensor<2xf64> into tensor<3xf64>
// CHECK: %[[TOTAL:.*]] = cnn.sum_across_chunks %[[PACKED]] : tensor<3xf64>
// CHECK: %[[BATCH_COUNT:.*]] = tensor.extract %[[TOTAL]][%c0]
// CHECK: %[[TOTAL_SUM:.*]] = tensor.extract_slice %[[TOTAL]][1] [2] [1]
// CHECK: linalg.generic {{.*}} ins(%[[TOTAL_SUM]] : tensor<2xf64>)
// CHECK:   arith.divf %{{.*}}, %[[BATCH_COUNT]] : f64
// CHECK:   arith.truncf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]
// CHECK:   arith.subf
// CHECK:   arith.mulf
// CHECK:   arith.extf
// CHECK: cnn.sum_across_chunks %{{.*}} : tensor<3xf64>
// CHECK-NOT: cnn.sum_across_chunks
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

// beta's and gamma's gradients are this call's two sums, in one generic;
// the input gradient adds the same two sums over the batch's chunks (one
// sum across chunks: the count, then both) and is one elementwise generic
// over (x, dy) with per-channel factors.
// CHECK-LABEL: func.func @backward
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} outs(%{{.*}}, %{{.*}} : tensor<3xf64>, tensor<3xf64>)
// CHECK: %[[DBETA:.*]] = linalg.generic {{.*}} ins(%[[SUMS]]#0 : tensor<3xf64>)
// CHECK: %[[DGAMMA:.*]] = linalg.generic {{.*}} ins(%[[SUMS]]#1 : tensor<3xf64>)
// CHECK: tensor.insert_slice %[[SUMS]]#0 into %{{.*}}[1] [3] [1] : tensor<3xf64> into tensor<7xf64>
// CHECK: tensor.insert_slice %[[SUMS]]#1 into %{{.*}}[4] [3] [1] : tensor<3xf64> into tensor<7xf64>
// CHECK: cnn.sum_across_chunks %{{.*}} : tensor<7xf64>
// CHECK-NOT: cnn.sum_across_chunks
// CHECK: %[[DX:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%arg0, %arg1, %arg2, {{.*}} : tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>
// CHECK: return %[[DBETA]], %[[DGAMMA]], %[[DX]]
func.func @backward(%x: tensor<?x3xf32>, %dy: tensor<?x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>) {
  %db, %dg, %dx = cnn.batch_norm_grad %x, %dy gamma %g mean %m variance %v epsilon = 1.0e-3 : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>)
  return %db, %dg, %dx : tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>
}

// Without a use of the input gradient (a BN on the model's input), only
// the parameters' gradients: nothing is summed across chunks.
// CHECK-LABEL: func.func @parameters_only
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-NOT: cnn.sum_across_chunks
// CHECK: return
func.func @parameters_only(%x: tensor<?x3xf32>, %dy: tensor<?x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %db, %dg, %dx = cnn.batch_norm_grad %x, %dy mean %m variance %v epsilon = 1.0e-3 : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>)
  return %db, %dg : tensor<3xf32>, tensor<3xf32>
}
