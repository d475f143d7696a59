// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Max pooling's gradient, for windows that tile the input (pool_size =
// strides, valid): one map over (n, i, p, j, q, c), channels innermost,
// that reads each window's cells through strided views of the input,
// finds the first maximum (row-major) and writes cell (i*2 + p, j*2 + q)
// the window's gradient where the window chose it. It writes dx viewed as
// (n, i, p, j, q, c), so that its output map is the identity (the
// vectorizer takes no other). The windows cover the 4x4 input, so nothing
// is zero-filled first.
// CHECK-DAG: #[[WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5)>
// CHECK-DAG: #[[CELL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @max_pool_grad
// CHECK: %[[C00:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [%{{.*}}, 2, 2, 2] [1, 2, 2, 1]
// CHECK: %[[C01:.*]] = tensor.extract_slice %arg0[0, 0, 1, 0] [%{{.*}}, 2, 2, 2] [1, 2, 2, 1]
// CHECK: %[[C10:.*]] = tensor.extract_slice %arg0[0, 1, 0, 0] [%{{.*}}, 2, 2, 2] [1, 2, 2, 1]
// CHECK: %[[C11:.*]] = tensor.extract_slice %arg0[0, 1, 1, 0] [%{{.*}}, 2, 2, 2] [1, 2, 2, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[CELLS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2], [3, 4], [5]] {{.*}} : tensor<?x4x4x2xf32> into tensor<?x2x2x2x2x2xf32>
// CHECK: %[[GRAD:.*]] = linalg.generic {indexing_maps = [#[[WINDOW]], #[[WINDOW]], #[[WINDOW]], #[[WINDOW]], #[[WINDOW]], #[[CELL]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%arg1, %[[C00]], %[[C01]], %[[C10]], %[[C11]] : {{.*}}) outs(%[[CELLS]] :
// CHECK-COUNT-3: arith.cmpf ogt
// CHECK-NOT: tensor.extract
// CHECK: tensor.collapse_shape %[[GRAD]] {{\[}}[0], [1, 2], [3, 4], [5]] : tensor<?x2x2x2x2x2xf32> into tensor<?x4x4x2xf32>
func.func @max_pool_grad(%y: tensor<?x4x4x2xf32>, %p: tensor<?x2x2x2xf32>) -> tensor<?x4x4x2xf32> {
  %0 = cnn.pool2d_grad max %y, %p pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x4x4x2xf32>, tensor<?x2x2x2xf32>) -> tensor<?x4x4x2xf32>
  return %0 : tensor<?x4x4x2xf32>
}

// -----

// The gradient of a relu under that pooling joins it: the chosen cell
// passes the gradient only if it is positive. The windows leave the last
// row and column of the 5x5 input uncovered: those are zero-filled, and
// the map writes the 4x4 part the windows cover.
// CHECK-LABEL: func.func @relu_max_pool_grad
// CHECK: %[[ZEROS:.*]] = linalg.fill
// CHECK: %[[COVERED:.*]] = tensor.extract_slice %[[ZEROS]][0, 0, 0, 0] [%{{.*}}, 4, 4, 2] [1, 1, 1, 1]
// CHECK: tensor.expand_shape %[[COVERED]]
// CHECK: linalg.generic
// CHECK-COUNT-3: arith.cmpf ogt
// CHECK: %[[CHOSEN:.*]] = arith.cmpi eq
// CHECK: %[[POSITIVE:.*]] = arith.cmpf ogt, %{{.*}}, %cst
// CHECK: arith.andi %[[CHOSEN]], %[[POSITIVE]]
// CHECK-NOT: linalg.generic
// CHECK: tensor.insert_slice %{{.*}} into %[[ZEROS]][0, 0, 0, 0] [%{{.*}}, 4, 4, 2] [1, 1, 1, 1]
// CHECK: return
func.func @relu_max_pool_grad(%y: tensor<?x5x5x2xf32>, %p: tensor<?x2x2x2xf32>) -> tensor<?x5x5x2xf32> {
  %0 = cnn.pool2d_grad max %y, %p pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x5x5x2xf32>, tensor<?x2x2x2xf32>) -> tensor<?x5x5x2xf32>
  %1 = cnn.activation_grad relu %y, %0 : tensor<?x5x5x2xf32>
  return %1 : tensor<?x5x5x2xf32>
}

// -----

// Overlapping windows: each input cell gathers the gradients of the windows
// that hold it and chose it.
// CHECK-LABEL: func.func @overlapping_max_pool_grad
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x5x5x2xf32>)
// CHECK: tensor.extract %{{.*}} : tensor<?x2x2x2xf32>
// CHECK: tensor.extract %{{.*}} : tensor<?x2x2x2xi32>
func.func @overlapping_max_pool_grad(%y: tensor<?x5x5x2xf32>, %p: tensor<?x2x2x2xf32>) -> tensor<?x5x5x2xf32> {
  %0 = cnn.pool2d_grad max %y, %p pool_size = [3, 3] strides = [2, 2] padding = valid : (tensor<?x5x5x2xf32>, tensor<?x2x2x2xf32>) -> tensor<?x5x5x2xf32>
  return %0 : tensor<?x5x5x2xf32>
}
