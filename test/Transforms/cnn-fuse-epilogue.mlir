// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-fuse-epilogue | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-fuse-epilogue --cnn-tile --canonicalize --cse | FileCheck %s --check-prefix=TILED

// --cnn-fuse-epilogue moves a lowered fused_conv2d's fusion root (its relu
// or pooling) forward through an elementwise consumer with per-channel
// operands (an inference batch_norm after the relu), then onto an unpadded
// pooling if the chain has none yet, so that --cnn-tile computes conv ->
// relu -> BN -> pooling in one tile loop. Anything else keeps its root.

// Conv2D(activation='relu') -> BatchNormalization -> MaxPooling2D, the
// lesson-bn block: the mark goes from the relu through the BN to the
// pooling.
// CHECK-LABEL: func.func @relu_bn_pool
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: cnn.fusion_root
// CHECK: arith.select
// CHECK-NOT: cnn.fusion_root
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.pooling_nhwc_max {cnn.fusion_root
// One tile loop computes the convolution's two rows, the relu, the BN and
// the pooled row; nothing of the full 26x26 size is left. The BN's
// per-channel scale (static) is computed once, before the loop.
// TILED-LABEL: func.func @relu_bn_pool
// TILED: math.sqrt
// TILED: scf.for
// TILED-NEXT: scf.for
// TILED: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x26x32xf32>
// TILED: arith.select
// TILED: arith.subf
// TILED: linalg.pooling_nhwc_max {{.*}} -> tensor<1x1x13x32xf32>
// TILED: tensor.insert_slice
// TILED-NOT: tensor<?x26x26x32xf32>
// TILED: return
func.func @relu_bn_pool(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>, %g: tensor<32xf32>, %be: tensor<32xf32>, %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.batch_norm %0 gamma %g beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x26x26x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  return %2 : tensor<?x13x13x32xf32>
}

// -----

// No pooling after the BN (a convolution reads it): the BN is the root.
// The next convolution is no epilogue and is not pulled in.
// CHECK-LABEL: func.func @relu_bn_conv
// CHECK: arith.select
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.subf
// CHECK-NOT: cnn.fusion_root
// CHECK: return
func.func @relu_bn_conv(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %k2: tensor<3x3x4x2xf32>) -> tensor<?x4x4x2xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %2 = cnn.conv2d %1, %k2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x6x6x4xf32>, tensor<3x3x4x2xf32>) -> tensor<?x4x4x2xf32>
  return %2 : tensor<?x4x4x2xf32>
}

// -----

// A fused chain that pools already takes the BN after it, but not a
// second pooling: windows of windows would be computed again by every
// overlapping tile.
// CHECK-LABEL: func.func @pool_bn_pool
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: cnn.fusion_root
// CHECK: return
func.func @pool_bn_pool(%x: tensor<?x10x10x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x2x2x4xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool max size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x10x10x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x4x4x4xf32>) -> tensor<?x2x2x4xf32>
  return %2 : tensor<?x2x2x4xf32>
}

// -----

// A 'same' pooling that pads (7 -> 4 rows): the pad stands between, and
// the BN stays the root, as --cnn-fuse-conv-relu-pool leaves such a
// pooling apart.
// CHECK-LABEL: func.func @padded_pool
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: tensor.pad
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: cnn.fusion_root
// CHECK: return
func.func @padded_pool(%x: tensor<?x9x9x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x9x9x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x7x7x4xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x7x7x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x7x7x4xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] padding = same : (tensor<?x7x7x4xf32>) -> tensor<?x4x4x4xf32>
  return %2 : tensor<?x4x4x4xf32>
}

// -----

// Average pooling after the BN: the root goes on to the division.
// CHECK-LABEL: func.func @relu_bn_avg
// CHECK: linalg.pooling_nhwc_sum
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: arith.divf
// TILED-LABEL: func.func @relu_bn_avg
// TILED: scf.for
// TILED: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x6x4xf32>
// TILED: arith.subf
// TILED: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x1x3x4xf32>
// TILED: arith.divf
// TILED: tensor.insert_slice
func.func @relu_bn_avg(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x3x3x4xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %2 = cnn.avg_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x6x6x4xf32>) -> tensor<?x3x3x4xf32>
  return %2 : tensor<?x3x3x4xf32>
}

// -----

// The relu's output has a second user (training's batch statistics read
// it whole): moving the root would compute the convolution twice, so the
// relu stays the root.
// CHECK-LABEL: func.func @relu_used_twice
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: arith.select
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: cnn.fusion_root
// CHECK: return
func.func @relu_used_twice(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x3x3x4xf32>, tensor<?x6x6x4xf32>) {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.batch_norm %0 beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x6x6x4xf32>) -> tensor<?x3x3x4xf32>
  return %2, %0 : tensor<?x3x3x4xf32>, tensor<?x6x6x4xf32>
}

// -----

// A full-size second operand (a residual Add) is no per-channel epilogue:
// the relu stays the root.
// CHECK-LABEL: func.func @full_size_operand
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: arith.select
// CHECK: arith.addf
// CHECK-NOT: cnn.fusion_root
// CHECK: return
func.func @full_size_operand(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %b: tensor<4xf32>, %y: tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %1 = cnn.merge add %0, %y : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
  return %1 : tensor<?x6x6x4xf32>
}

// -----

// A per-channel operand computed from the root (here from its batch size,
// which the one-consumer rule does not count) cannot be computed before
// the tile loop: the root stays where it is.
// CHECK-LABEL: func.func @operand_from_root
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK-NOT: cnn.fusion_root
// CHECK: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @operand_from_root(%x: tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x6x6x4xf32>
  %e = tensor.empty(%n) : tensor<?x6x6x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x6x6x4xf32>) outs(%e : tensor<?x6x6x4xf32>) attrs = {cnn.fusion_root} {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x6x6x4xf32>
  %rn = tensor.dim %r, %c0 : tensor<?x6x6x4xf32>
  %i = arith.index_cast %rn : index to i64
  %f = arith.sitofp %i : i64 to f32
  %ce = tensor.empty() : tensor<4xf32>
  %s = linalg.fill ins(%f : f32) outs(%ce : tensor<4xf32>) -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %s : tensor<?x6x6x4xf32>, tensor<4xf32>) outs(%e : tensor<?x6x6x4xf32>) {
  ^bb0(%in: f32, %sc: f32, %out: f32):
    %p = arith.mulf %in, %sc : f32
    linalg.yield %p : f32
  } -> tensor<?x6x6x4xf32>
  return %y : tensor<?x6x6x4xf32>
}

// -----

// An int8 block (--cnn-quantize-int8, then --cnn-fuse-conv-relu-pool): the
// integer convolution is the root, and the mark goes through its
// dequantization (the rescaling by a constant and the bias, per channel),
// the relu, the pooling and the next int8 layer's input coding (an
// elementwise generic of the pooled value alone), so that one tile loop
// computes the next layer's codes from the convolution's rows.
// CHECK-LABEL: func.func @int8_block
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: cnn.fusion_root
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NOT: cnn.fusion_root
// CHECK: arith.select
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: cnn.fusion_root
// CHECK: linalg.generic {{.*}}cnn.fusion_root
// CHECK: math.roundeven
// CHECK: return
// One tile loop: the convolution's two rows, the rescaling, relu, pooling
// and coding of one pooled row; no 26x26 tensor is left.
// TILED-LABEL: func.func @int8_block
// TILED: scf.for
// TILED-NEXT: scf.for
// TILED: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x26x32xf32>
// TILED: arith.mulf
// TILED: arith.select
// TILED: linalg.pooling_nhwc_max {{.*}} -> tensor<1x1x13x32xf32>
// TILED: math.roundeven
// TILED: tensor.insert_slice
// TILED-NOT: tensor<?x26x26x32xf32>
// TILED: return
func.func @int8_block(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.dequantize %0 bias %b multipliers = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5] : (tensor<?x26x26x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %2 = cnn.relu %1 : tensor<?x26x26x32xf32>
  %3 = cnn.max_pool2d %2 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %4 = cnn.quantize_input %3 scale = 0.5 zero_point = 3 : tensor<?x13x13x32xf32>
  return %4 : tensor<?x13x13x32xf32>
}
