// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// Each op checks its operands and attributes by Keras's rules; each rule that
// can fail has a case here.

func.func @kernel_larger_than_input(%x: tensor<?x3x3x1xf32>, %k: tensor<5x5x1x8xf32>) {
  // expected-error @+2 {{computed output size would be zero or negative: input (None, 3, 3, 1), kernel 5x5, 'valid' padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x3x3x1xf32>, tensor<5x5x1x8xf32>) -> tensor<?x1x1x8xf32>
  return
}

// -----

func.func @dilated_kernel_larger_than_input(%x: tensor<?x4x4x1xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{computed output size would be zero or negative: input (None, 4, 4, 1), kernel 3x3 dilated by 2x2, 'valid' padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<?x4x4x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x1x1x8xf32>
  return
}

// -----

func.func @channel_mismatch(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{kernel 'tensor<3x3x1x8xf32>' expects 1 input channels, but the input has 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x3xf32>, tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @bias_shape(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x8xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{expected a bias of shape (8,), got 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>, tensor<4xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @strides_and_dilation(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{strides > 1 together with dilation > 1 is not supported (Keras refuses it too)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [2, 2] dilation = [2, 2] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x2x2x8xf32>
  return
}

// -----

func.func @zero_stride(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{strides must be in [1, 16777216], got 0x1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [0, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @three_strides(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{strides must have 2 values, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1, 1] dilation = [1, 1] padding = valid : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @conv_on_flat_input(%x: tensor<?x784xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{expected a 4-D input (batch, rows, columns, channels), got (None, 784)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x784xf32>, tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @wrong_result_type(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x8xf32>) {
  // expected-error @+2 {{'cnn.conv2d' op inferred type(s) 'tensor<?x26x26x8xf32>' are incompatible with return type(s) of operation 'tensor<?x28x28x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x28x28x8xf32>
  return
}

// -----

func.func @only_batch_is_dynamic(%x: tensor<?x?x28x1xf32>) {
  // expected-error @+1 {{dimension 1 of 'tensor<?x?x28x1xf32>' must be static: only the batch may be dynamic}}
  %0 = cnn.relu %x : tensor<?x?x28x1xf32>
  return
}

// -----

func.func @too_large(%x: tensor<?x20000000x1x1xf32>) {
  // expected-error @+1 {{dimension 1 of 'tensor<?x20000000x1x1xf32>' must be in [1, 16777216]}}
  %0 = cnn.relu %x : tensor<?x20000000x1x1xf32>
  return
}

// -----

func.func @too_many_elements(%x: tensor<?x100000x100000x1xf32>) {
  // expected-error @+1 {{tensor (None, 100000, 100000, 1) has more than 268435456 elements per sample}}
  %0 = cnn.relu %x : tensor<?x100000x100000x1xf32>
  return
}

// -----

func.func @activation_negative_slope(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{relu's negative_slope (alpha) must be a finite number >= 0, got -1.000000e-01}}
  %0 = cnn.activation relu %x alpha = -1.000000e-01 : tensor<?x8xf32>
  return
}

// -----

func.func @activation_negative_max_value(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{relu's max_value must be a finite number >= 0, got -6.000000e+00}}
  %0 = cnn.activation relu %x max_value = -6.000000e+00 : tensor<?x8xf32>
  return
}

// -----

func.func @activation_parameter_it_lacks(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{activation 'selu' takes no alpha}}
  %0 = cnn.activation selu %x alpha = 1.000000e+00 : tensor<?x8xf32>
  return
}

// -----

func.func @activation_max_value_it_lacks(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{activation 'elu' takes no max_value or threshold}}
  %0 = cnn.activation elu %x alpha = 1.000000e+00 max_value = 1.000000e+00 : tensor<?x8xf32>
  return
}

// -----

func.func @hard_sigmoid_flat(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{hard_sigmoid's slope (alpha) must be finite and > 0, got 0.000000e+00}}
  %0 = cnn.activation hard_sigmoid %x : tensor<?x8xf32>
  return
}

// -----

func.func @prelu_alpha_misfit(%x: tensor<?x4x4x3xf32>, %a: tensor<4x2x3xf32>) {
  // expected-error @+2 {{prelu's alpha 'tensor<4x2x3xf32>' does not fit the input (None, 4, 4, 3): it needs the input's shape without the batch, with 1 on each shared axis}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.prelu %x, %a : (tensor<?x4x4x3xf32>, tensor<4x2x3xf32>) -> tensor<?x4x4x3xf32>
  return
}

// -----

func.func @negative_padding(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+2 {{padding must be in [0, 16777216], got ((1, 1), (-1, 0))}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.zero_padding2d %x padding = [1, 1, -1, 0] : (tensor<?x8x8x1xf32>) -> tensor<?x10x7x1xf32>
  return
}

// -----

func.func @cropping_everything(%x: tensor<?x8x8x1xf32>) {
  // expected-error @+2 {{cropping ((4, 4), (0, 0)) leaves nothing of (None, 8, 8, 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.cropping2d %x cropping = [4, 4, 0, 0] : (tensor<?x8x8x1xf32>) -> tensor<?x0x8x1xf32>
  return
}

// -----

func.func @rescaling_by_infinity(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{rescaling's scale and offset must be finite, got INF and 0.000000e+00}}
  %0 = cnn.rescaling %x scale = 0x7FF0000000000000 offset = 0.0 : tensor<?x8xf32>
  return
}

// -----

func.func @f64_elements(%x: tensor<?x8xf64>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = "cnn.relu"(%x) : (tensor<?x8xf64>) -> tensor<?x8xf64>
  return
}

// -----

func.func @no_batch(%x: tensor<8xf32>) {
  // expected-error @+1 {{expected a batch dimension and at least one more, got 'tensor<8xf32>'}}
  %0 = cnn.relu %x : tensor<8xf32>
  return
}

// -----

func.func @pool_larger_than_input(%x: tensor<?x1x1x8xf32>) {
  // expected-error @+2 {{computed output size would be zero or negative: input (None, 1, 1, 8), pool size 2x2, 'valid' padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.max_pool2d %x pool_size = [2, 2] padding = valid : (tensor<?x1x1x8xf32>) -> tensor<?x1x1x8xf32>
  return
}

// -----

func.func @zero_pool(%x: tensor<?x4x4x8xf32>) {
  // expected-error @+2 {{pool size must be in [1, 16777216], got 0x2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.avg_pool2d %x pool_size = [0, 2] padding = valid : (tensor<?x4x4x8xf32>) -> tensor<?x4x2x8xf32>
  return
}

// -----

func.func @global_pool_on_flat(%x: tensor<?x800xf32>) {
  // expected-error @+2 {{expected a 4-D input (batch, rows, columns, channels), got (None, 800)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.global_max_pool2d %x : (tensor<?x800xf32>) -> tensor<?x800xf32>
  return
}

// -----

func.func @dense_mismatch(%x: tensor<?x800xf32>, %k: tensor<128x10xf32>) {
  // expected-error @+2 {{kernel 'tensor<128x10xf32>' expects 128 inputs on the last axis, but the input (None, 800) has 800}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.dense %x, %k : (tensor<?x800xf32>, tensor<128x10xf32>) -> tensor<?x10xf32>
  return
}

// -----

func.func @dropout_everything(%x: tensor<?x800xf32>) {
  // expected-error @+1 {{dropout rate must be in [0, 1), got 1.000000e+00}}
  %0 = cnn.dropout %x rate = 1.0 : tensor<?x800xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{softmax axis 2 is out of range for (None, 10)}}
  %0 = cnn.softmax %x axis = 2 : tensor<?x10xf32>
  return
}

// -----

func.func @missing_attribute(%x: tensor<?x4x4x8xf32>) {
  // expected-error @+1 {{requires attribute 'pool_size'}}
  %0 = "cnn.max_pool2d"(%x) <{padding = 0 : i32}> : (tensor<?x4x4x8xf32>) -> tensor<?x2x2x8xf32>
  return
}

// -----

func.func @bad_layer_attr(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{'cnn.layer' must be a #cnn.layer}}
  %0 = cnn.relu %x {cnn.layer = "dense"} : tensor<?x10xf32>
  return
}

// -----

func.func @bad_call_attr(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{'cnn.call' must be a positive integer (a shared layer's call after its first)}}
  %0 = cnn.relu %x {cnn.call = 0 : i64} : tensor<?x10xf32>
  return
}

// -----

func.func @bad_call_attr_type(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{'cnn.call' must be a positive integer}}
  %0 = cnn.relu %x {cnn.call = "1"} : tensor<?x10xf32>
  return
}

// -----

// The mark --cnn-vectorize reads on a lowered fused_conv2d's convolution
// (compiler/Transforms/ConvEpilogue.h): a unit attribute, nothing else.
func.func @bad_fused_conv_attr(%x: memref<1x3x30x8xf32>, %k: memref<3x3x8x8xf32>, %t: memref<1x1x28x8xf32>) {
  // expected-error @+1 {{'cnn.fused_conv' must be a unit attribute}}
  linalg.conv_2d_nhwc_hwcf {cnn.fused_conv = true} ins(%x, %k : memref<1x3x30x8xf32>, memref<3x3x8x8xf32>) outs(%t : memref<1x1x28x8xf32>)
  return
}

// -----

// expected-error @+1 {{'cnn.param' of argument 0 must be a string "<layer>/<weight>"}}
func.func @bad_param_attr(%k: tensor<3x3x1x8xf32> {cnn.param = 3}) {
  return
}

// -----

func.func @crop_more_than_the_image(%x: tensor<?x4x4x8xf32>) {
  // expected-error @+2 {{crop2d keeps 5x4 of a 4x4 image: it must keep at least 1x1 and at most all of it}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.crop2d %x rows = 5 cols = 4 : (tensor<?x4x4x8xf32>) -> tensor<?x5x4x8xf32>
  return
}

// -----

func.func @crop_nothing(%x: tensor<?x4x4x8xf32>) {
  // expected-error @+2 {{crop2d keeps 4x0 of a 4x4 image}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.crop2d %x rows = 4 cols = 0 : (tensor<?x4x4x8xf32>) -> tensor<?x4x0x8xf32>
  return
}
