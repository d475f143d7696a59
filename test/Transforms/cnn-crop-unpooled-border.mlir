// RUN: cnnc-opt %s --cnn-crop-unpooled-border --split-input-file | FileCheck %s

// 2x2 windows over 11x11 read rows and columns 0..9: the convolution
// computes only those, from the 12x12 of its input they need. The pooling's
// result is unchanged.
// CHECK-LABEL: func.func @lesson_second_block
// CHECK: %[[CROP:.*]] = cnn.crop2d %arg0 rows = 12 cols = 12 : (tensor<?x13x13x32xf32>) -> tensor<?x12x12x32xf32>
// CHECK: %[[CONV:.*]] = cnn.conv2d %[[CROP]], %arg1, %arg2 {{.*}} -> tensor<?x10x10x32xf32>
// CHECK: %[[RELU:.*]] = cnn.relu %[[CONV]] : tensor<?x10x10x32xf32>
// CHECK: cnn.max_pool2d %[[RELU]] {{.*}} : (tensor<?x10x10x32xf32>) -> tensor<?x5x5x32xf32>
func.func @lesson_second_block(%x: tensor<?x13x13x32xf32>, %k: tensor<3x3x32x32xf32>, %b: tensor<32xf32>) -> tensor<?x5x5x32xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>, tensor<32xf32>) -> tensor<?x11x11x32xf32>
  %1 = cnn.relu %0 : tensor<?x11x11x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>) -> tensor<?x5x5x32xf32>
  return %2 : tensor<?x5x5x32xf32>
}

// -----

// Strides and dilations count. 3x3 windows with stride 2 over 12x10 read
// rows 0..10 and columns 0..8; a stride-2 convolution producing those reads
// input rows 0..(10*2 + 2) and columns 0..(8*2 + 2). A dilation-2
// convolution producing 10x10 reads 10 + 2*2 rows and columns.
// CHECK-LABEL: func.func @strided
// CHECK: cnn.crop2d %arg0 rows = 23 cols = 19
// CHECK: cnn.conv2d {{.*}} -> tensor<?x11x9x4xf32>
// CHECK: cnn.avg_pool2d {{.*}} : (tensor<?x11x9x4xf32>) -> tensor<?x5x4x4xf32>
// CHECK: cnn.crop2d %arg2 rows = 14 cols = 14
// CHECK: cnn.conv2d {{.*}} -> tensor<?x10x10x4xf32>
// CHECK: cnn.tanh {{.*}} : tensor<?x10x10x4xf32>
func.func @strided(%x: tensor<?x25x21x2xf32>, %k: tensor<3x3x2x4xf32>, %y: tensor<?x15x15x2xf32>)
    -> (tensor<?x5x4x4xf32>, tensor<?x5x5x4xf32>) {
  %0 = cnn.conv2d %x, %k strides = [2, 2] dilation = [1, 1] padding = valid : (tensor<?x25x21x2xf32>, tensor<3x3x2x4xf32>) -> tensor<?x12x10x4xf32>
  %1 = cnn.avg_pool2d %0 pool_size = [3, 3] strides = [2, 2] padding = valid : (tensor<?x12x10x4xf32>) -> tensor<?x5x4x4xf32>
  %2 = cnn.conv2d %y, %k strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<?x15x15x2xf32>, tensor<3x3x2x4xf32>) -> tensor<?x11x11x4xf32>
  %3 = cnn.tanh %2 : tensor<?x11x11x4xf32>
  %4 = cnn.min_pool2d %3 pool_size = [2, 2] padding = valid : (tensor<?x11x11x4xf32>) -> tensor<?x5x5x4xf32>
  return %1, %4 : tensor<?x5x4x4xf32>, tensor<?x5x5x4xf32>
}

// -----

// Windows that read everything (26 = 13 x 2), a `same` convolution (its
// padding depends on its input's size), a `same` pooling, and a
// convolution whose whole output is needed elsewhere are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: cnn.crop2d
// CHECK: return
func.func @left_alone(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x32xf32>, %y: tensor<?x13x13x32xf32>, %k2: tensor<3x3x32x32xf32>)
    -> (tensor<?x13x13x32xf32>, tensor<?x6x6x32xf32>, tensor<?x6x6x32xf32>, tensor<?x5x5x32xf32>, tensor<?x11x11x32xf32>) {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
  %1 = cnn.max_pool2d %0 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %2 = cnn.conv2d %y, %k2 strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x13x13x32xf32>
  %3 = cnn.max_pool2d %2 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x13x13x32xf32>) -> tensor<?x6x6x32xf32>
  %4 = cnn.conv2d %y, %k2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x11x11x32xf32>
  %5 = cnn.max_pool2d %4 pool_size = [2, 2] strides = [2, 2] padding = same : (tensor<?x11x11x32xf32>) -> tensor<?x6x6x32xf32>
  %6 = cnn.conv2d %y, %k2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x11x11x32xf32>
  %7 = cnn.max_pool2d %6 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>) -> tensor<?x5x5x32xf32>
  return %1, %3, %5, %7, %6 : tensor<?x13x13x32xf32>, tensor<?x6x6x32xf32>, tensor<?x6x6x32xf32>, tensor<?x5x5x32xf32>, tensor<?x11x11x32xf32>
}

// -----

// Windows that read every column but not the last row: only rows are cut.
// Any elementwise activation may sit between the convolution and the
// pooling.
// CHECK-LABEL: func.func @rows_only
// CHECK: cnn.crop2d %arg0 rows = 10 cols = 10 : (tensor<?x11x10x3xf32>) -> tensor<?x10x10x3xf32>
// CHECK: cnn.conv2d {{.*}} -> tensor<?x8x8x3xf32>
// CHECK: cnn.sigmoid {{.*}} : tensor<?x8x8x3xf32>
// CHECK: cnn.max_pool2d {{.*}} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
func.func @rows_only(%x: tensor<?x11x10x3xf32>, %k: tensor<3x3x3x3xf32>) -> tensor<?x4x4x3xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x11x10x3xf32>, tensor<3x3x3x3xf32>) -> tensor<?x9x8x3xf32>
  %1 = cnn.sigmoid %0 : tensor<?x9x8x3xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x9x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %2 : tensor<?x4x4x3xf32>
}

// -----

// An activation whose whole output is needed elsewhere keeps its
// convolution whole.
// CHECK-LABEL: func.func @activation_used_elsewhere
// CHECK-NOT: cnn.crop2d
// CHECK: return
func.func @activation_used_elsewhere(%x: tensor<?x13x13x8xf32>, %k: tensor<3x3x8x8xf32>) -> (tensor<?x5x5x8xf32>, tensor<?x11x11x8xf32>) {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x8xf32>, tensor<3x3x8x8xf32>) -> tensor<?x11x11x8xf32>
  %1 = cnn.relu %0 : tensor<?x11x11x8xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x8xf32>) -> tensor<?x5x5x8xf32>
  return %2, %1 : tensor<?x5x5x8xf32>, tensor<?x11x11x8xf32>
}
