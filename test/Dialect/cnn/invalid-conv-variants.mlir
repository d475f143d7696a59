// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// Each rule of the convolution variants and UpSampling2D that can fail has a
// case here (dialects/cnn/ConvVariantRules.cpp).

func.func @depth_multiplier_zero(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x0xf32>) {
  // expected-error @+2 {{depth_multiplier must be in [1, 16777216], got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.depthwise_conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x8x3xf32>, tensor<3x3x3x0xf32>) -> tensor<?x8x8x0xf32>
  return
}

// -----

func.func @depthwise_channels(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x4x1xf32>) {
  // expected-error @+2 {{depthwise kernel 'tensor<3x3x4x1xf32>' expects 4 input channels, but the input has 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.depthwise_conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x8x3xf32>, tensor<3x3x4x1xf32>) -> tensor<?x8x8x4xf32>
  return
}

// -----

func.func @depthwise_bias(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x2xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{expected a bias of shape (6,), got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.depthwise_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<?x8x8x6xf32>
  return
}

// -----

func.func @depthwise_too_small(%x: tensor<?x2x8x3xf32>, %k: tensor<3x3x3x1xf32>) {
  // expected-error @+2 {{computed output size would be zero or negative: input (None, 2, 8, 3), kernel 3x3, 'valid' padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.depthwise_conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x2x8x3xf32>, tensor<3x3x3x1xf32>) -> tensor<?x0x6x3xf32>
  return
}

// -----

func.func @output_padding_not_below_stride(%x: tensor<?x5x5x8xf32>, %k: tensor<3x3x2x8xf32>) {
  // expected-error @+2 {{output_padding (2, 1) must be less than the strides (2, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d_transpose %x, %k strides = [2, 2] padding = same output_padding = [2, 1] : (tensor<?x5x5x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x11x10x2xf32>
  return
}

// -----

func.func @output_padding_negative(%x: tensor<?x5x5x8xf32>, %k: tensor<3x3x2x8xf32>) {
  // expected-error @+2 {{output_padding must be in [0, 16777216], got (-1, 0)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d_transpose %x, %k strides = [2, 2] padding = same output_padding = [-1, 0] : (tensor<?x5x5x8xf32>, tensor<3x3x2x8xf32>) -> tensor<?x8x9x2xf32>
  return
}

// -----

func.func @transpose_channels(%x: tensor<?x5x5x8xf32>, %k: tensor<3x3x2x4xf32>) {
  // expected-error @+2 {{kernel 'tensor<3x3x2x4xf32>' expects 4 input channels, but the input has 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d_transpose %x, %k strides = [1, 1] padding = same : (tensor<?x5x5x8xf32>, tensor<3x3x2x4xf32>) -> tensor<?x5x5x2xf32>
  return
}

// -----

func.func @transpose_does_not_convolve_back(%x: tensor<?x5x5x8xf32>, %k: tensor<4x4x2x8xf32>) {
  // An even kernel, 'same', output_padding 0: (5 - 1) * 2 + 4 - 4 + 0 = 8,
  // which a stride-2 'same' convolution maps to 4, not 5.
  // expected-error @+2 {{output size 8 does not convolve back to 5 with kernel 4 and stride 2 (TensorFlow refuses this output_padding too)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d_transpose %x, %k strides = [2, 2] padding = same output_padding = [0, 0] : (tensor<?x5x5x8xf32>, tensor<4x4x2x8xf32>) -> tensor<?x8x8x2xf32>
  return
}

// -----

func.func @upsampling_size_zero(%x: tensor<?x5x5x8xf32>) {
  // expected-error @+2 {{size must be in [1, 16777216], got (0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.upsampling2d %x size = [0, 2] : (tensor<?x5x5x8xf32>) -> tensor<?x0x10x8xf32>
  return
}

// -----

func.func @upsampling_not_an_image(%x: tensor<?x5x8xf32>) {
  // expected-error @+2 {{expected a 4-D input (batch, rows, columns, channels), got (None, 5, 8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.upsampling2d %x size = [2, 2] : (tensor<?x5x8xf32>) -> tensor<?x10x16xf32>
  return
}

// -----

func.func @upsampling_grad_type(%dy: tensor<?x10x10x8xf32>) {
  // expected-error @+1 {{'cnn.upsampling2d_grad' op expects an output gradient of type 'tensor<?x10x8x8xf32>', not 'tensor<?x10x10x8xf32>'}}
  %0 = cnn.upsampling2d_grad %dy size = [2, 2] : (tensor<?x10x10x8xf32>) -> tensor<?x5x4x8xf32>
  return
}

// -----

func.func @depthwise_kernel_grad_type(%x: tensor<?x8x8x3xf32>, %dy: tensor<?x8x8x3xf32>) {
  // expected-error @+1 {{'cnn.depthwise_conv2d_kernel_grad' op expects an output gradient of type 'tensor<?x8x8x6xf32>', not 'tensor<?x8x8x3xf32>'}}
  %0 = cnn.depthwise_conv2d_kernel_grad %x, %dy strides = [1, 1] dilation = [1, 1] padding = same : (tensor<?x8x8x3xf32>, tensor<?x8x8x3xf32>) -> tensor<3x3x3x2xf32>
  return
}
