// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-tile | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-tile=rows-per-tile=2 | FileCheck %s --check-prefix=ROWS2
// As in the pipeline, canonicalize after tiling: then nothing full-size of
// the convolution is left at all. (The pass alone leaves the untiled conv
// and relu behind, dead but for the tensor.dim that bounds the image loop.)
// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-tile --canonicalize --cse | FileCheck %s --check-prefix=CANON
// RUN: not cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-tile=rows-per-tile=0 2>&1 | FileCheck %s --check-prefix=ZERO
// A chain ending in a 'same' pooling (last, separate: see @fused_same_pool).
// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg --cnn-tile --canonicalize --cse | FileCheck %s --check-prefix=SAMEPOOL

// --cnn-tile tiles each lowered fused_conv2d (its `cnn.fusion_root`) by
// image and by `rows-per-tile` output rows, and fuses its producers (relu,
// convolution, bias broadcast) into the tile loop: each iteration computes
// only the convolution rows that its pooled rows read, from a slice of the
// input, so the full-size convolution output is never materialised. Ops
// that were not fused are not tiled.

// ZERO: error: rows-per-tile must be at least 1

// The lesson's first block. A pooled row i reads conv rows 2i, 2i+1, which
// read input rows 2i .. 2i+3: a [1, 4, 28, 1] slice of the input at row 2i,
// convolved into [1, 2, 26, 32], relu'd, pooled into [1, 1, 13, 32].
// CHECK-DAG: #[[TIMES2:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-LABEL: func.func @lesson_block
// CHECK-SAME: (%[[X:.*]]: tensor<?x28x28x1xf32>, %[[K:.*]]: tensor<3x3x1x32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C13:.*]] = arith.constant 13 : index
// CHECK: %[[OUT:.*]] = tensor.empty(%{{.*}}) : tensor<?x13x13x32xf32>
// CHECK: %[[R:.*]] = scf.for %[[N:.*]] = %[[C0]] to %{{.*}} step %[[C1]] iter_args(%[[A0:.*]] = %[[OUT]]) -> (tensor<?x13x13x32xf32>)
// CHECK-NEXT: scf.for %[[I:.*]] = %[[C0]] to %[[C13]] step %[[C1]] iter_args(%[[A1:.*]] = %[[A0]]) -> (tensor<?x13x13x32xf32>)
// CHECK-NEXT: %[[ROW:.*]] = affine.apply #[[TIMES2]](%[[I]])
// CHECK-NEXT: %[[XS:.*]] = tensor.extract_slice %[[X]][%[[N]], %[[ROW]], 0, 0] [1, 4, 28, 1] [1, 1, 1, 1] : tensor<?x28x28x1xf32> to tensor<1x4x28x1xf32>
// CHECK: %[[BS:.*]] = linalg.broadcast ins(%[[B]] : tensor<32xf32>) outs(%{{.*}} : tensor<1x2x26x32xf32>)
// CHECK-NEXT: %[[CS:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[XS]], %[[K]] : tensor<1x4x28x1xf32>, tensor<3x3x1x32xf32>) outs(%[[BS]] : tensor<1x2x26x32xf32>) -> tensor<1x2x26x32xf32>
// CHECK: %[[RS:.*]] = linalg.generic {{.*}} ins(%[[CS]] : tensor<1x2x26x32xf32>)
// CHECK: arith.select
// CHECK: %[[OS:.*]] = tensor.extract_slice %[[A1]][%[[N]], %[[I]], 0, 0] [1, 1, 13, 32] [1, 1, 1, 1]
// CHECK: %[[PS:.*]] = linalg.pooling_nhwc_max {{.*}} ins(%[[RS]], %{{.*}} : tensor<1x2x26x32xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x1x13x32xf32>)
// CHECK-NEXT: %[[INS:.*]] = tensor.insert_slice %[[PS]] into %[[A1]][%[[N]], %[[I]], 0, 0] [1, 1, 13, 32] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK: return %[[R]]
// The mark has served its purpose and is removed.
// CHECK-NOT: cnn.fusion_root
//
// Two pooled rows per tile: step 2; 13 rows leave a last tile of one row,
// so the tile's row count is min(13 - i, 2) and the slices are dynamic.
// ROWS2-LABEL: func.func @lesson_block
// ROWS2: %[[C2:.*]] = arith.constant 2 : index
// ROWS2: scf.for %[[I:.*]] = %{{.*}} to %c13 step %[[C2]]
// ROWS2: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, %{{.*}}, 28, 1] [1, 1, 1, 1] : tensor<?x28x28x1xf32> to tensor<1x?x28x1xf32>
// ROWS2: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x?x26x32xf32>
// ROWS2: linalg.pooling_nhwc_max {{.*}} -> tensor<1x?x13x32xf32>
//
// CANON-LABEL: func.func @lesson_block
// CANON-NOT: tensor<?x26x26x32xf32>
// CANON: scf.for
// CANON-NOT: tensor<?x26x26x32xf32>
// CANON: return
func.func @lesson_block(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool max size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}

// -----

// 30 rows convolve to 28 and pool to 14: with two pooled rows per tile
// every tile is whole and static: input rows [4i, 4i + 6), conv [1, 4, 28,
// 32], pooled [1, 2, 14, 32].
// ROWS2-LABEL: func.func @even_rows
// ROWS2: scf.for %{{.*}} = %{{.*}} to %c14 step %c2
// ROWS2: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, 6, 30, 1] [1, 1, 1, 1] : tensor<?x30x30x1xf32> to tensor<1x6x30x1xf32>
// ROWS2: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 : tensor<1x6x30x1xf32>, tensor<3x3x1x32xf32>) {{.*}} -> tensor<1x4x28x32xf32>
// ROWS2: linalg.pooling_nhwc_max {{.*}} -> tensor<1x2x14x32xf32>
// ROWS2: tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}, 0, 0] [1, 2, 14, 32]
func.func @even_rows(%x: tensor<?x30x30x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x14x14x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool max size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x30x30x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x14x14x32xf32>
  return %0 : tensor<?x14x14x32xf32>
}

// -----

// Without a pool the relu is the root: one conv row per tile, from 3 input
// rows.
// CHECK-LABEL: func.func @conv_relu
// CHECK: scf.for
// CHECK-NEXT: scf.for %[[I:.*]] = %{{.*}} to %c26 step %c1
// CHECK-NEXT: tensor.extract_slice %arg0[%{{.*}}, %[[I]], 0, 0] [1, 3, 28, 1] [1, 1, 1, 1] : tensor<?x28x28x1xf32> to tensor<1x3x28x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x1x26x32xf32>
// CHECK: arith.select
// CHECK: tensor.insert_slice %{{.*}} [1, 1, 26, 32]
func.func @conv_relu(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x26x26x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  return %0 : tensor<?x26x26x32xf32>
}

// -----

// Average pooling: the root is the division, and the sum pooling, relu and
// convolution are all fused into its loop.
// CHECK-LABEL: func.func @avg_block
// CHECK: scf.for
// CHECK-NEXT: scf.for
// CHECK: tensor.extract_slice %arg0[{{.*}}] [1, 4, 28, 1]
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x26x32xf32>
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x1x13x32xf32>
// CHECK: arith.divf
// CHECK: tensor.insert_slice
// CANON-LABEL: func.func @avg_block
// CANON-NOT: tensor<?x26x26x32xf32>
// CANON: return
func.func @avg_block(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x13x13x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu pool avg size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}

// -----

// A strided 'same' convolution (28 -> 14, k = 3, s = 2): the input is
// padded whole (one cell after), and conv row j is computed in the loop
// from padded rows 2j .. 2j + 2.
// CANON-LABEL: func.func @same_strided_conv
// CANON: tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CANON-NOT: linalg.conv_2d_nhwc_hwcf
// CANON: scf.for
// CANON: scf.for
// CANON: tensor.extract_slice %padded[{{.*}}] [1, 3, 29, 1] [1, 1, 1, 1] : tensor<?x29x29x1xf32> to tensor<1x3x29x1xf32>
// CANON: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x1x14x16xf32>
// CANON: arith.select
// CANON: tensor.insert_slice {{.*}} [1, 1, 14, 16]
func.func @same_strided_conv(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x16xf32>, %b: tensor<16xf32>) -> tensor<?x14x14x16xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [2, 2] dilation = [1, 1] padding = same relu : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

// Ops that were not fused (no fusion_root) are left as they are: no loops.
// CHECK-LABEL: func.func @unfused
// CHECK-NOT: scf.for
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<?x26x26x32xf32>
// CHECK: linalg.pooling_nhwc_max {{.*}} -> tensor<?x13x13x32xf32>
// CHECK: linalg.matmul
// CHECK-NOT: scf.for
// CHECK: return
func.func @unfused(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>, %k2: tensor<5408x10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.max_pool2d %0 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %2 = cnn.flatten %1 : (tensor<?x13x13x32xf32>) -> tensor<?x5408xf32>
  %3 = cnn.dense %2, %k2 : (tensor<?x5408xf32>, tensor<5408x10xf32>) -> tensor<?x10xf32>
  return %3 : tensor<?x10xf32>
}

// -----

// A 'same' pooling pads the relu's output with -inf, and the tiling cannot
// fuse producers through that tensor.pad: the convolution is computed
// full-size before the loop, and only the pooling is tiled. This is why
// --cnn-fuse-conv-relu-pool never makes such an op; written by hand, it is
// still computed correctly.
// SAMEPOOL-LABEL: func.func @fused_same_pool
// SAMEPOOL: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<?x28x28x32xf32>
// SAMEPOOL: tensor.pad
// SAMEPOOL: scf.for
// SAMEPOOL: scf.for
// SAMEPOOL: linalg.pooling_nhwc_max
// SAMEPOOL: return
func.func @fused_same_pool(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %b: tensor<32xf32>) -> tensor<?x14x14x32xf32> {
  %0 = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = same relu pool max size = [3, 3] strides = [2, 2] padding = same : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x14x14x32xf32>
  return %0 : tensor<?x14x14x32xf32>
}

// -----

// A producer whose whole result is needed elsewhere too is not fused into
// the tiles: here the pooling feeds both the second convolution (the root)
// and the caller, as in training, where the backward pass reads it. The
// tiles of a 3x3 convolution overlap, so fusing it would recompute each
// pooled row three times; the convolution reads it whole instead.
// CHECK-LABEL: func.func @shared_pooling
// CHECK: %[[POOLED:.*]] = linalg.pooling_nhwc_max {{.*}} -> tensor<?x13x13x32xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: linalg.pooling_nhwc_max
// CHECK: tensor.extract_slice %[[POOLED]]
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x1x11x32xf32>
// CHECK: return %{{.*}}, %[[POOLED]]
func.func @shared_pooling(%x: tensor<?x26x26x32xf32>, %k: tensor<3x3x32x32xf32>, %b: tensor<32xf32>) -> (tensor<?x11x11x32xf32>, tensor<?x13x13x32xf32>) {
  %0 = cnn.max_pool2d %x pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %1 = cnn.fused_conv2d %0, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>, tensor<32xf32>) -> tensor<?x11x11x32xf32>
  return %1, %0 : tensor<?x11x11x32xf32>, tensor<?x13x13x32xf32>
}
