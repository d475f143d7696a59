// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// conv2d and fused_conv2d to linalg on tensors. A convolution is
// linalg.conv_2d_nhwc_hwcf with the op's strides and dilations, accumulating
// onto the bias broadcast over (batch, rows, columns), or onto zeros without
// a bias. 'same' padding is an explicit tensor.pad of zeros with Keras's
// amounts: total = (out - 1) * stride + (k - 1) * dilation + 1 - in, the
// smaller half before, the odd cell after (bottom / right).

// 'valid': no padding; the dynamic batch of the result comes from the input.
// CHECK-LABEL: func.func @valid_with_bias
// CHECK-SAME: (%[[X:.*]]: tensor<?x28x28x1xf32>, %[[K:.*]]: tensor<3x3x1x32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x26x26x32xf32>
// CHECK: %[[BIAS:.*]] = linalg.broadcast ins(%[[B]] : tensor<32xf32>) outs(%[[E]] : tensor<?x26x26x32xf32>) dimensions = [0, 1, 2]
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[X]], %[[K]] : tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) outs(%[[BIAS]] : tensor<?x26x26x32xf32>) -> tensor<?x26x26x32xf32>
// CHECK: return %[[C]]
func.func @valid_with_bias(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x26x26x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  return %0 : tensor<?x26x26x32xf32>
}

// -----

// 'same', k = 3, stride 2, 28 -> 14: total = 13 * 2 + 3 - 28 = 1, so nothing
// before and one row / column after.
// CHECK-LABEL: func.func @same_strided
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.yield %[[ZERO]] : f32
// CHECK-NEXT: } : tensor<?x28x28x1xf32> to tensor<?x29x29x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %arg1 : tensor<?x29x29x1xf32>, tensor<3x3x1x16xf32>) {{.*}} -> tensor<?x14x14x16xf32>
func.func @same_strided(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x16xf32>, %b: tensor<16xf32>) -> tensor<?x14x14x16xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [2, 2] dilation = [1, 1] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

// 'same', k = 5, stride 2, 7 -> 4: total = 3 * 2 + 5 - 7 = 4, 2 before and 2
// after; with rectangular strides [2, 1] the columns keep 7: total = 4 too.
// CHECK-LABEL: func.func @same_rectangular_strides
// CHECK: tensor.pad %arg0 low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: } : tensor<?x7x7x16xf32> to tensor<?x11x11x16xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<[2, 1]> : vector<2xi64>} {{.*}} -> tensor<?x4x7x32xf32>
func.func @same_rectangular_strides(%x: tensor<?x7x7x16xf32>, %k: tensor<5x5x16x32xf32>, %b: tensor<32xf32>) -> tensor<?x4x7x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [2, 1] dilation = [1, 1] padding = same : (tensor<?x7x7x16xf32>, tensor<5x5x16x32xf32>, tensor<32xf32>) -> tensor<?x4x7x32xf32>
  return %0 : tensor<?x4x7x32xf32>
}

// -----

// Dilation 2 with 'same': a 3-tap kernel spans 5 cells, total = 4, 2 + 2.
// No bias: the convolution accumulates onto a linalg.fill of 0. A static
// batch needs no tensor.dim.
// CHECK-LABEL: func.func @dilated_same_no_bias
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: } : tensor<2x9x9x3xf32> to tensor<2x13x13x3xf32>
// CHECK-NOT: tensor.dim
// CHECK-NOT: linalg.broadcast
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x9x9x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x9x9x4xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[P]], %arg1 : tensor<2x13x13x3xf32>, tensor<3x3x3x4xf32>) outs(%[[INIT]] : tensor<2x9x9x4xf32>)
func.func @dilated_same_no_bias(%x: tensor<2x9x9x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<2x9x9x4xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [2, 2] padding = same : (tensor<2x9x9x3xf32>, tensor<3x3x3x4xf32>) -> tensor<2x9x9x4xf32>
  return %0 : tensor<2x9x9x4xf32>
}

// -----

// Dilation 2, 'valid': no padding, 28 -> 24.
// CHECK-LABEL: func.func @dilated_valid
// CHECK-NOT: tensor.pad
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%arg0, %arg1 : tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>) {{.*}} -> tensor<?x24x24x8xf32>
func.func @dilated_valid(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x8xf32>, %b: tensor<8xf32>) -> tensor<?x24x24x8xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x24x24x8xf32>
  return %0 : tensor<?x24x24x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused_conv2d: the same convolution, then relu, then the pooling; the op
// producing the result is marked `cnn.fusion_root` for --cnn-tile, and
// the convolution `cnn.fused_conv`: the relu alone reads its sums.
//===----------------------------------------------------------------------===//

// The lesson's first block: conv, relu (a NaN-keeping select), max pool
// over the relu.
// CHECK-LABEL: func.func @fused_lesson_block
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {cnn.fused_conv, dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%arg0, %arg1 : {{.*}}) outs(%{{.*}} : tensor<?x26x26x32xf32>)
// CHECK-NOT: cnn.fusion_root
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<?x26x26x32xf32>)
// CHECK-NOT: cnn.fusion_root
// CHECK: arith.cmpf ogt
// CHECK-NEXT: arith.select
// CHECK: %[[P:.*]] = linalg.pooling_nhwc_max {cnn.fusion_root, dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[R]], %{{.*}} : tensor<?x26x26x32xf32>, tensor<2x2xf32>) {{.*}} -> tensor<?x13x13x32xf32>
// CHECK: return %[[P]]
func.func @fused_lesson_block(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool max size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}

// -----

// Relu only: the relu's generic is the root.
// CHECK-LABEL: func.func @fused_relu_only
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<?x26x26x32xf32>) {{.*}} attrs = {cnn.fusion_root}
// CHECK: arith.select
// CHECK-NOT: pooling
// CHECK: return %[[R]]
func.func @fused_relu_only(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x26x26x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  return %0 : tensor<?x26x26x32xf32>
}

// -----

// 'same' conv and 'same' pooling: the input is padded with 0 for the
// convolution and the relu's output with -inf for the max pool (28 -> 14
// with a 3x3 window, stride 2: 0 before, 1 after).
// CHECK-LABEL: func.func @fused_same_same
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZERO]]
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[C]]
// CHECK: %[[RP:.*]] = tensor.pad %[[R]] low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: } : tensor<?x28x28x32xf32> to tensor<?x29x29x32xf32>
// CHECK: linalg.pooling_nhwc_max {cnn.fusion_root, dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[RP]], %{{.*}} : tensor<?x29x29x32xf32>, tensor<3x3xf32>) {{.*}} -> tensor<?x14x14x32xf32>
func.func @fused_same_same(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x14x14x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = same relu pool max size = [3, 3] strides = [2, 2] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x14x14x32xf32>
  return %0 : tensor<?x14x14x32xf32>
}

// -----

// Average pooling ends with its division, so the division is the root and
// the sum pooling is not.
// CHECK-LABEL: func.func @fused_avg
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK: %[[S:.*]] = linalg.pooling_nhwc_sum {dilations
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<?x13x13x32xf32>) {{.*}} attrs = {cnn.fusion_root}
// CHECK: arith.divf
// CHECK: return %[[D]]
func.func @fused_avg(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool avg size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}
