// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Window pooling is linalg.pooling_nhwc_{max,min,sum} with a tensor.empty
// window of the pool size, into an output filled with a value that never
// wins: -inf for max (0xFF800000), +inf for min (0x7F800000), 0 for the sum.
// Under 'same' the input is padded with that same value, so padding never
// wins either. Average pooling divides the sum by the number of in-bounds
// cells of each window, as Keras does. Global pooling is a linalg.reduce
// over rows and columns (dimensions [1, 2]).

// The lesson's max pool: 'valid', no pad.
// CHECK-LABEL: func.func @max_valid
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: tensor.pad
// CHECK: %[[W:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x13x13x32xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%[[E]] : tensor<?x13x13x32xf32>)
// CHECK: %[[P:.*]] = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%arg0, %[[W]] : tensor<?x26x26x32xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<?x13x13x32xf32>) -> tensor<?x13x13x32xf32>
// CHECK-NOT: cnn.fusion_root
// CHECK: return %[[P]]
func.func @max_valid(%x: tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.max_pool2d %x pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}

// -----

// 'same' max pool 3, stride 2, 7 -> 4: total = 3 * 2 + 3 - 7 = 2, one on
// each side, padded with -inf.
// CHECK-LABEL: func.func @max_same
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]] : f32
// CHECK: } : tensor<?x7x7x32xf32> to tensor<?x9x9x32xf32>
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x9x9x32xf32>, tensor<3x3xf32>) {{.*}} -> tensor<?x4x4x32xf32>
func.func @max_same(%x: tensor<?x7x7x32xf32>) -> tensor<?x4x4x32xf32> {
  %0 = cnn.max_pool2d %x pool_size = [3, 3] strides = [2, 2] padding = same : (tensor<?x7x7x32xf32>) -> tensor<?x4x4x32xf32>
  return %0 : tensor<?x4x4x32xf32>
}

// -----

// Min pooling, no strides given (they default to the pool size), 'same'
// on 5 -> 3: the odd cell after, padded with +inf.
// CHECK-LABEL: func.func @min_same_default_strides
// CHECK: %[[POSINF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[POSINF]] : f32
// CHECK: } : tensor<?x5x5x8xf32> to tensor<?x6x6x8xf32>
// CHECK: linalg.fill ins(%[[POSINF]] : f32)
// CHECK: linalg.pooling_nhwc_min {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x6x6x8xf32>, tensor<2x2xf32>) {{.*}} -> tensor<?x3x3x8xf32>
func.func @min_same_default_strides(%x: tensor<?x5x5x8xf32>) -> tensor<?x3x3x8xf32> {
  %0 = cnn.min_pool2d %x pool_size = [2, 2] padding = same : (tensor<?x5x5x8xf32>) -> tensor<?x3x3x8xf32>
  return %0 : tensor<?x3x3x8xf32>
}

// -----

// Pool strides different from the pool size: overlapping 3x3 windows,
// stride 1, 'valid', 6 -> 4.
// CHECK-LABEL: func.func @min_overlapping
// CHECK-NOT: tensor.pad
// CHECK: linalg.pooling_nhwc_min {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%arg0, %{{.*}} : tensor<?x6x6x8xf32>, tensor<3x3xf32>) {{.*}} -> tensor<?x4x4x8xf32>
func.func @min_overlapping(%x: tensor<?x6x6x8xf32>) -> tensor<?x4x4x8xf32> {
  %0 = cnn.min_pool2d %x pool_size = [3, 3] strides = [1, 1] padding = valid : (tensor<?x6x6x8xf32>) -> tensor<?x4x4x8xf32>
  return %0 : tensor<?x4x4x8xf32>
}

// -----

// Average pooling, 'same', 5 -> 3: padded with 0, summed, then each sum is
// divided by its window's in-bounds cell count, computed from the output
// position: start = pos * stride - padBefore, count = min(start + k, in) -
// max(start, 0), rows times columns (the last row's window has 1 row in
// bounds, not 2).
// CHECK-LABEL: func.func @avg_same
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[IN:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[K:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x6x6x8xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<?x3x3x8xf32>)
// CHECK: %[[AVG:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[SUM]] : tensor<?x3x3x8xf32>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ROW:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[R0:.*]] = arith.muli %[[ROW]], %[[K]] : index
// CHECK-NEXT: %[[RSTART:.*]] = arith.subi %[[R0]], %[[C0]] : index
// CHECK-NEXT: %[[REND:.*]] = arith.addi %[[RSTART]], %[[K]] : index
// CHECK-NEXT: %[[RHI:.*]] = arith.minsi %[[REND]], %[[IN]] : index
// CHECK-NEXT: %[[RLO:.*]] = arith.maxsi %[[RSTART]], %[[C0]] : index
// CHECK-NEXT: arith.subi %[[RHI]], %[[RLO]] : index
// CHECK: linalg.index 2 : index
// CHECK: %[[COUNT:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[S]], %[[COUNT]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
// CHECK: return %[[AVG]]
func.func @avg_same(%x: tensor<?x5x5x8xf32>) -> tensor<?x3x3x8xf32> {
  %0 = cnn.avg_pool2d %x pool_size = [2, 2] padding = same : (tensor<?x5x5x8xf32>) -> tensor<?x3x3x8xf32>
  return %0 : tensor<?x3x3x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Global pooling: (N, H, W, C) -> (N, C) by a linalg.reduce over [1, 2]
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @global_max
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK: %[[R:.*]] = linalg.reduce ins(%arg0 : tensor<?x5x5x8xf32>) outs(%[[INIT]] : tensor<?x8xf32>) dimensions = [1, 2]
// CHECK: arith.maximumf
// CHECK: return %[[R]]
func.func @global_max(%x: tensor<?x5x5x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.global_max_pool2d %x : (tensor<?x5x5x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @global_min
// CHECK: %[[POSINF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[POSINF]] : f32)
// CHECK: linalg.reduce ins(%arg0 : tensor<?x5x5x8xf32>) outs(%[[INIT]] : tensor<?x8xf32>) dimensions = [1, 2]
// CHECK: arith.minimumf
func.func @global_min(%x: tensor<?x5x5x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.global_min_pool2d %x : (tensor<?x5x5x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// The mean is the sum times 1 / (5 * 5) = 0.04; keepdims expands (N, C)
// back to (N, 1, 1, C).
// CHECK-LABEL: func.func @global_avg_keepdims
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 4.000000e-02 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[SUM:.*]] = linalg.reduce ins(%arg0 : tensor<?x5x5x8xf32>) outs(%[[INIT]] : tensor<?x8xf32>) dimensions = [1, 2]
// CHECK: arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x8xf32>)
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[N:.*]] = tensor.dim %[[MEAN]], %c0
// CHECK: %[[X:.*]] = tensor.expand_shape %[[MEAN]] {{\[}}[0, 1, 2], [3]] output_shape [%[[N]], 1, 1, 8] : tensor<?x8xf32> into tensor<?x1x1x8xf32>
// CHECK: return %[[X]]
func.func @global_avg_keepdims(%x: tensor<?x5x5x8xf32>) -> tensor<?x1x1x8xf32> {
  %0 = cnn.global_avg_pool2d %x keepdims : (tensor<?x5x5x8xf32>) -> tensor<?x1x1x8xf32>
  return %0 : tensor<?x1x1x8xf32>
}
