// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Dense: y[..., u] = b[u] + sum_i x[..., i] * K[i, u]. On (batch, inputs)
// it is linalg.matmul onto the bias broadcast over the batch (or onto zeros
// without a bias); on a higher rank Keras applies the kernel to the last
// axis, a contraction written as a linalg.generic.

// The lesson's Dense(128): rank 2.
// CHECK-LABEL: func.func @rank2
// CHECK-SAME: (%[[X:.*]]: tensor<?x800xf32>, %[[K:.*]]: tensor<800x128xf32>, %[[B:.*]]: tensor<128xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0 : tensor<?x800xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x128xf32>
// CHECK: %[[BIAS:.*]] = linalg.broadcast ins(%[[B]] : tensor<128xf32>) outs(%[[E]] : tensor<?x128xf32>) dimensions = [0]
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[K]] : tensor<?x800xf32>, tensor<800x128xf32>) outs(%[[BIAS]] : tensor<?x128xf32>) -> tensor<?x128xf32>
// CHECK: return %[[Y]]
func.func @rank2(%x: tensor<?x800xf32>, %k: tensor<800x128xf32>, %b: tensor<128xf32>) -> tensor<?x128xf32> {
  %0 = cnn.dense %x, %k, %b : (tensor<?x800xf32>, tensor<800x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// use_bias=False: the matmul accumulates onto a linalg.fill of 0.
// CHECK-LABEL: func.func @rank2_no_bias
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT: linalg.broadcast
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x128xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<?x800xf32>, tensor<800x128xf32>) outs(%[[INIT]] : tensor<?x128xf32>)
func.func @rank2_no_bias(%x: tensor<?x800xf32>, %k: tensor<800x128xf32>) -> tensor<?x128xf32> {
  %0 = cnn.dense %x, %k : (tensor<?x800xf32>, tensor<800x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// Rank 4 (Dense on images, a 1x1 convolution): loops (n, h, w, u, i), i the
// reduction; x is read at (n, h, w, i), K at (i, u), y written at
// (n, h, w, u); the bias is broadcast over (n, h, w).
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-DAG: #[[YMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @rank4
// CHECK: %[[BIAS:.*]] = linalg.broadcast ins(%arg2 : tensor<10xf32>) outs(%{{.*}} : tensor<?x5x5x10xf32>) dimensions = [0, 1, 2]
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[KMAP]], #[[YMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<?x5x5x32xf32>, tensor<32x10xf32>) outs(%[[BIAS]] : tensor<?x5x5x10xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[W:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[W]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @rank4(%x: tensor<?x5x5x32xf32>, %k: tensor<32x10xf32>, %b: tensor<10xf32>) -> tensor<?x5x5x10xf32> {
  %0 = cnn.dense %x, %k, %b : (tensor<?x5x5x32xf32>, tensor<32x10xf32>, tensor<10xf32>) -> tensor<?x5x5x10xf32>
  return %0 : tensor<?x5x5x10xf32>
}
