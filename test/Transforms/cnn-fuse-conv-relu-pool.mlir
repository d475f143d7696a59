// RUN: cnnc-opt %s -split-input-file --cnn-fuse-conv-relu-pool | FileCheck %s

// --cnn-fuse-conv-relu-pool turns `conv2d -> relu [-> pool]` into one
// cnn.fused_conv2d whose semantics are the chain's: the conv's strides,
// dilation and padding and the pool's kind, size, effective strides and
// padding are carried over unchanged, and the result type is the pool's (or
// the relu's). Only single-use chains fuse: a value someone else reads must
// still exist.

// The lesson's first block: conv 3x3 valid, relu, max pool 2 stride 2.
// CHECK-LABEL: func.func @lesson_block
// CHECK-SAME: (%[[X:.*]]: tensor<?x28x28x1xf32>, %[[K:.*]]: tensor<3x3x1x32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK-NEXT: %[[F:.*]] = cnn.fused_conv2d %[[X]], %[[K]], %[[B]] strides = [1, 1] dilation = [1, 1] padding = valid relu pool max size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x13x13x32xf32>
// CHECK-NEXT: return %[[F]]
func.func @lesson_block(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// Average pooling fuses as `pool avg`.
// CHECK-LABEL: func.func @avg_pool
// CHECK-NEXT: cnn.fused_conv2d {{.*}} padding = valid relu pool avg size = [2, 2] strides = [2, 2] padding = valid : {{.*}} -> tensor<?x13x13x32xf32>
// CHECK-NOT: cnn.
// CHECK: return
func.func @avg_pool(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.avg_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// Min pooling without `strides` moves by its size: the fused op states the
// effective strides, [2, 2]. A conv without bias fuses too.
// CHECK-LABEL: func.func @min_pool_default_strides_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<?x28x28x1xf32>, %[[K:.*]]: tensor<3x3x1x32xf32>)
// CHECK-NEXT: cnn.fused_conv2d %[[X]], %[[K]] strides = [1, 1] dilation = [1, 1] padding = valid relu pool min size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x13x13x32xf32>
// CHECK-NEXT: return
func.func @min_pool_default_strides_no_bias(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.min_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// conv -> relu with no pool after it: `fused_conv2d relu`, no pool clause.
// CHECK-LABEL: func.func @conv_relu
// CHECK-NEXT: %[[F:.*]] = cnn.fused_conv2d %arg0, %arg1, %arg2 strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
// CHECK-NEXT: return %[[F]]
func.func @conv_relu(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x26x26x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  return %1 : tensor<?x26x26x32xf32>
}

// -----

// Every conv stride / padding / dilation fuses, attributes verbatim, and so
// does every pooling that does not pad its input. A pooling that pads stays
// apart after the fused conv+relu.
// CHECK-LABEL: func.func @attribute_combinations
func.func @attribute_combinations(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x8xf32>, %b: tensor<8xf32>)
    -> (tensor<?x7x7x8xf32>, tensor<?x23x23x8xf32>, tensor<?x9x9x8xf32>, tensor<?x7x14x8xf32>) {
  // 'same' conv with stride 2 (28 -> 14), then a 'same' max pool 3 stride 2
  // (14 -> 7), whose last window overhangs by one row and column: the
  // pooling pads, so it stays apart.
  // CHECK: %[[A:.*]] = cnn.fused_conv2d {{.*}} strides = [2, 2] dilation = [1, 1] padding = same relu : {{.*}} -> tensor<?x14x14x8xf32>
  // CHECK: cnn.max_pool2d %[[A]] pool_size = [3, 3] strides = [2, 2] padding = same
  %0 = cnn.conv2d %x, %k, %b strides = [2, 2] dilation = [1, 1] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x14x14x8xf32>
  %1 = cnn.relu %0 : tensor<?x14x14x8xf32>
  %2 = cnn.max_pool2d %1 pool_size = [3, 3] strides = [2, 2] padding = same : (tensor<?x14x14x8xf32>) -> tensor<?x7x7x8xf32>
  // Dilated conv (3 taps over 5 cells: 28 -> 24), then an overlapping avg
  // pool 2 stride 1 (24 -> 23).
  // CHECK: cnn.fused_conv2d {{.*}} strides = [1, 1] dilation = [2, 2] padding = valid relu pool avg size = [2, 2] strides = [1, 1] padding = valid : {{.*}} -> tensor<?x23x23x8xf32>
  %3 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x24x24x8xf32>
  %4 = cnn.relu %3 : tensor<?x24x24x8xf32>
  %5 = cnn.avg_pool2d %4 pool_size = [2, 2] strides = [1, 1] padding = valid : (tensor<?x24x24x8xf32>) -> tensor<?x23x23x8xf32>
  // 'same' stride-1 conv (28 -> 28), then a min pool 3 with default
  // strides (28 -> 9).
  // CHECK: cnn.fused_conv2d {{.*}} strides = [1, 1] dilation = [1, 1] padding = same relu pool min size = [3, 3] strides = [3, 3] padding = valid : {{.*}} -> tensor<?x9x9x8xf32>
  %6 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x28x28x8xf32>
  %7 = cnn.relu %6 : tensor<?x28x28x8xf32>
  %8 = cnn.min_pool2d %7 pool_size = [3, 3] padding = valid : (tensor<?x28x28x8xf32>) -> tensor<?x9x9x8xf32>
  // Rectangular strides: conv [2, 1] 'same' (28x28 -> 14x28), then a
  // 'same' max pool 2 with strides [2, 2] (-> 7x14), which needs no padding
  // (its windows tile the input exactly): fused.
  // CHECK: cnn.fused_conv2d {{.*}} strides = [2, 1] dilation = [1, 1] padding = same relu pool max size = [2, 2] strides = [2, 2] padding = same : {{.*}} -> tensor<?x7x14x8xf32>
  %9 = cnn.conv2d %x, %k, %b strides = [2, 1] dilation = [1, 1] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x14x28x8xf32>
  %10 = cnn.relu %9 : tensor<?x14x28x8xf32>
  %11 = cnn.max_pool2d %10 pool_size = [2, 2] strides = [2, 2] padding = same : (tensor<?x14x28x8xf32>) -> tensor<?x7x14x8xf32>
  // CHECK-NOT: cnn.conv2d
  // CHECK-NOT: cnn.relu
  return %2, %5, %8, %11 : tensor<?x7x7x8xf32>, tensor<?x23x23x8xf32>, tensor<?x9x9x8xf32>, tensor<?x7x14x8xf32>
}

// -----

// Two blocks in a row, as in the lesson: each chain becomes one op, the
// second reading the first.
// CHECK-LABEL: func.func @two_blocks
// CHECK-NEXT: %[[F1:.*]] = cnn.fused_conv2d %arg0, %arg1, %arg2 {{.*}} relu pool max {{.*}} -> tensor<?x13x13x32xf32>
// CHECK-NEXT: %[[F2:.*]] = cnn.fused_conv2d %[[F1]], %arg3, %arg4 {{.*}} relu pool max {{.*}} -> tensor<?x5x5x32xf32>
// CHECK-NEXT: return %[[F2]]
func.func @two_blocks(%x: tensor<?x28x28x1xf32>, %k1: tensor<3x3x1x32xf32>, %b1: tensor<32xf32>,
                      %k2: tensor<3x3x32x32xf32>, %b2: tensor<32xf32>) -> tensor<?x5x5x32xf32> {
  %0 = cnn.conv2d %x, %k1, %b1 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %3 = cnn.conv2d %2, %k2, %b2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>, tensor<32xf32>) -> tensor<?x11x11x32xf32>
  %4 = cnn.relu %3 : tensor<?x11x11x32xf32>
  %5 = cnn.max_pool2d %4 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>) -> tensor<?x5x5x32xf32>
  return %5 : tensor<?x5x5x32xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Chains that must not fuse (or only partly)
//===----------------------------------------------------------------------===//

// The relu's result is also returned: conv -> relu still fuses (the relu
// value is the fused op's result, computed once), but the pool cannot take
// it over, since the unpooled value is needed.
// CHECK-LABEL: func.func @relu_has_second_user
// CHECK-NEXT: %[[F:.*]] = cnn.fused_conv2d %arg0, %arg1, %arg2 strides = [1, 1] dilation = [1, 1] padding = valid relu : {{.*}} -> tensor<?x26x26x32xf32>
// CHECK-NEXT: %[[P:.*]] = cnn.max_pool2d %[[F]] pool_size = [2, 2] strides = [2, 2] padding = valid
// CHECK-NEXT: return %[[P]], %[[F]]
func.func @relu_has_second_user(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> (tensor<?x13x13x32xf32>, tensor<?x26x26x32xf32>) {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2, %1 : tensor<?x13x13x32xf32>, tensor<?x26x26x32xf32>
}

// -----

// The conv's result (before relu) is also returned: nothing fuses, or the
// convolution would be computed twice.
// CHECK-LABEL: func.func @conv_has_second_user
// CHECK-NEXT: %[[C:.*]] = cnn.conv2d
// CHECK-NEXT: %[[R:.*]] = cnn.relu %[[C]]
// CHECK-NEXT: %[[P:.*]] = cnn.max_pool2d %[[R]]
// CHECK-NEXT: return %[[P]], %[[C]]
// CHECK-NOT: fused_conv2d
func.func @conv_has_second_user(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> (tensor<?x13x13x32xf32>, tensor<?x26x26x32xf32>) {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2, %0 : tensor<?x13x13x32xf32>, tensor<?x26x26x32xf32>
}

// -----

// relu -> pool with no convolution in front: nothing to fuse into.
// CHECK-LABEL: func.func @pool_of_plain_relu
// CHECK-NEXT: %[[R:.*]] = cnn.relu %arg0
// CHECK-NEXT: %[[P:.*]] = cnn.max_pool2d %[[R]]
// CHECK-NEXT: return %[[P]]
func.func @pool_of_plain_relu(%x: tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32> {
  %1 = cnn.relu %x : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// conv -> pool without a relu between: fused_conv2d always applies its
// optional relu before its pool, and there is no relu here; left alone.
// CHECK-LABEL: func.func @conv_pool_without_relu
// CHECK-NEXT: %[[C:.*]] = cnn.conv2d
// CHECK-NEXT: %[[P:.*]] = cnn.avg_pool2d %[[C]]
// CHECK-NEXT: return %[[P]]
func.func @conv_pool_without_relu(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %2 = cnn.avg_pool2d %0 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// Only relu fuses: conv -> sigmoid (-> pool) is left alone.
// CHECK-LABEL: func.func @conv_sigmoid
// CHECK-NEXT: %[[C:.*]] = cnn.conv2d
// CHECK-NEXT: %[[S:.*]] = cnn.sigmoid %[[C]]
// CHECK-NEXT: %[[P:.*]] = cnn.max_pool2d %[[S]]
// CHECK-NEXT: return %[[P]]
func.func @conv_sigmoid(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.sigmoid %0 : tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// A global pooling after conv -> relu: conv -> relu fuses; global pooling
// is not a window pooling and stays a separate op.
// CHECK-LABEL: func.func @global_pool_not_fused
// CHECK-NEXT: %[[F:.*]] = cnn.fused_conv2d {{.*}} padding = valid relu : {{.*}} -> tensor<?x26x26x32xf32>
// CHECK-NEXT: %[[G:.*]] = cnn.global_max_pool2d %[[F]]
// CHECK-NEXT: return %[[G]]
func.func @global_pool_not_fused(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  %2 = cnn.global_max_pool2d %1 : (tensor<?x26x26x32xf32>) -> tensor<?x32xf32>
  return %2 : tensor<?x32xf32>
}

// -----

//===----------------------------------------------------------------------===//
// int8 layers (--cnn-quantize-int8)
//===----------------------------------------------------------------------===//

// conv2d -> dequantize -> relu -> pool: the integer convolution becomes a
// fused_conv2d without relu or pool (its lowering marks it as the fusion
// root that --cnn-fuse-epilogue carries through the rest); the dequantize,
// relu and pooling stay as they are.
// CHECK-LABEL: func.func @int8_conv
// CHECK-NEXT: %[[F:.*]] = cnn.fused_conv2d %arg0, %arg1 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
// CHECK-NEXT: %[[D:.*]] = cnn.dequantize %[[F]] bias %arg2
// CHECK-NEXT: %[[R:.*]] = cnn.relu %[[D]]
// CHECK-NEXT: %[[P:.*]] = cnn.max_pool2d %[[R]]
// CHECK-NEXT: return %[[P]]
func.func @int8_conv(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.dequantize %0 bias %b multipliers = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0] : (tensor<?x26x26x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %2 = cnn.relu %1 : tensor<?x26x26x32xf32>
  %3 = cnn.max_pool2d %2 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %3 : tensor<?x13x13x32xf32>
}

// -----

// The integer sums are also returned: the convolution stays a conv2d, or
// the tile loop would compute it a second time.
// CHECK-LABEL: func.func @int8_conv_second_user
// CHECK-NEXT: %[[C:.*]] = cnn.conv2d
// CHECK-NEXT: cnn.dequantize %[[C]]
// CHECK-NOT: fused_conv2d
func.func @int8_conv_second_user(%x: tensor<?x6x6x1xf32>, %k: tensor<3x3x1x2xf32>) -> (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x6x6x1xf32>, tensor<3x3x1x2xf32>) -> tensor<?x4x4x2xf32>
  %1 = cnn.dequantize %0 multipliers = [0.5, 0.25] : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  return %1, %0 : tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>
}
