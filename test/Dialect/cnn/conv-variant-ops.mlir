// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// The convolution variants and UpSampling2D in their custom form, with the
// result types Keras gives; each parses back to itself.

// CHECK-LABEL: func.func @depthwise
func.func @depthwise(%x: tensor<?x8x7x3xf32>, %k: tensor<3x3x3x2xf32>, %b: tensor<6xf32>, %k1: tensor<2x2x3x1xf32>) -> tensor<?x4x4x3xf32> {
  // 'same' keeps 8x7; channels 3 * multiplier 2.
  // CHECK: cnn.depthwise_conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>) -> tensor<?x8x7x6xf32>
  %0 = cnn.depthwise_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>) -> tensor<?x8x7x6xf32>
  // 'same', strides 2, no bias: ceil(8 / 2) = 4, ceil(7 / 2) = 4.
  // CHECK: cnn.depthwise_conv2d %{{.*}}, %{{.*}} strides = [2, 2] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<2x2x3x1xf32>) -> tensor<?x4x4x3xf32>
  %1 = cnn.depthwise_conv2d %x, %k1 strides = [2, 2] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<2x2x3x1xf32>) -> tensor<?x4x4x3xf32>
  return %1 : tensor<?x4x4x3xf32>
}

// CHECK-LABEL: func.func @transpose
func.func @transpose(%x: tensor<?x5x4x8xf32>, %k: tensor<3x3x2x8xf32>, %b: tensor<2xf32>, %k2: tensor<2x2x2x8xf32>) {
  // valid: in * s + max(k - s, 0) = 5 * 2 + 1, 4 * 2 + 1.
  // CHECK: cnn.conv2d_transpose %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] padding = valid : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>, tensor<2xf32>) -> tensor<?x11x9x2xf32>
  %0 = cnn.conv2d_transpose %x, %k, %b strides = [2, 2] padding = valid : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>, tensor<2xf32>) -> tensor<?x11x9x2xf32>
  // same: in * s.
  // CHECK: cnn.conv2d_transpose %{{.*}}, %{{.*}} strides = [2, 2] padding = same : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x10x8x2xf32>
  %1 = cnn.conv2d_transpose %x, %k strides = [2, 2] padding = same : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x10x8x2xf32>
  // same with output_padding: (in - 1) * s + k - 2 * (k / 2) + p.
  // CHECK: cnn.conv2d_transpose %{{.*}}, %{{.*}} strides = [2, 2] padding = same output_padding = [1, 0] : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x10x7x2xf32>
  %2 = cnn.conv2d_transpose %x, %k strides = [2, 2] padding = same output_padding = [1, 0] : (tensor<?x5x4x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x10x7x2xf32>
  // valid, kernel below the stride, output_padding: (in - 1) * s + k + p.
  // CHECK: cnn.conv2d_transpose %{{.*}}, %{{.*}} strides = [3, 3] padding = valid output_padding = [2, 0] : (tensor<?x5x4x8xf32>, tensor<2x2x2x8xf32>) -> tensor<?x16x11x2xf32>
  %3 = cnn.conv2d_transpose %x, %k2 strides = [3, 3] padding = valid output_padding = [2, 0] : (tensor<?x5x4x8xf32>, tensor<2x2x2x8xf32>) -> tensor<?x16x11x2xf32>
  return
}

// CHECK-LABEL: func.func @upsampling
func.func @upsampling(%x: tensor<?x5x4x8xf32>) {
  // CHECK: cnn.upsampling2d %{{.*}} size = [2, 3] : (tensor<?x5x4x8xf32>) -> tensor<?x10x12x8xf32>
  %0 = cnn.upsampling2d %x size = [2, 3] : (tensor<?x5x4x8xf32>) -> tensor<?x10x12x8xf32>
  // CHECK: cnn.upsampling2d %{{.*}} size = [2, 2] bilinear : (tensor<?x5x4x8xf32>) -> tensor<?x10x8x8xf32>
  %1 = cnn.upsampling2d %x size = [2, 2] bilinear : (tensor<?x5x4x8xf32>) -> tensor<?x10x8x8xf32>
  return
}

// CHECK-LABEL: func.func @backward
func.func @backward(%x: tensor<?x8x7x3xf32>, %k: tensor<3x3x3x2xf32>, %dy: tensor<?x8x7x6xf32>, %du: tensor<?x16x14x3xf32>) {
  // CHECK: cnn.depthwise_conv2d_input_grad %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x6xf32>, tensor<3x3x3x2xf32>) -> tensor<?x8x7x3xf32>
  %0 = cnn.depthwise_conv2d_input_grad %dy, %k strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x6xf32>, tensor<3x3x3x2xf32>) -> tensor<?x8x7x3xf32>
  // CHECK: cnn.depthwise_conv2d_kernel_grad %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<?x8x7x6xf32>) -> tensor<3x3x3x2xf32>
  %1 = cnn.depthwise_conv2d_kernel_grad %x, %dy strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x7x3xf32>, tensor<?x8x7x6xf32>) -> tensor<3x3x3x2xf32>
  // CHECK: cnn.upsampling2d_grad %{{.*}} size = [2, 2] : (tensor<?x16x14x3xf32>) -> tensor<?x8x7x3xf32>
  %2 = cnn.upsampling2d_grad %du size = [2, 2] : (tensor<?x16x14x3xf32>) -> tensor<?x8x7x3xf32>
  return
}
