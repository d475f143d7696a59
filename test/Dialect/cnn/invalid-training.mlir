// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// Each training op's verifier runs the forward rule of the op it
// differentiates on its types; each check that can fail has a case here.

func.func @conv_input_grad_wrong_input(%dy: tensor<?x11x11x32xf32>, %k: tensor<3x3x32x32xf32>) {
  // expected-error @+1 {{'cnn.conv2d_input_grad' op expects an output gradient of type 'tensor<?x12x12x32xf32>', not 'tensor<?x11x11x32xf32>'}}
  %0 = cnn.conv2d_input_grad %dy, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x11x11x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x14x14x32xf32>
  return
}

// -----

func.func @conv_kernel_grad_wrong_kernel(%x: tensor<?x13x13x32xf32>, %dy: tensor<?x11x11x32xf32>) {
  // expected-error @+1 {{expects an output gradient of type 'tensor<?x11x11x16xf32>'}}
  %0 = cnn.conv2d_kernel_grad %x, %dy strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<?x11x11x32xf32>) -> tensor<3x3x32x16xf32>
  return
}

// -----

func.func @bias_grad_wrong_size(%dy: tensor<?x11x11x32xf32>) {
  // expected-error @+1 {{'cnn.bias_grad' op expects a result of type 'tensor<32xf32>'}}
  %0 = cnn.bias_grad %dy : (tensor<?x11x11x32xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @dense_input_grad_wrong_kernel(%dy: tensor<?x10xf32>, %w: tensor<128x12xf32>) {
  // expected-error @+1 {{expects an output gradient of type 'tensor<?x12xf32>', not 'tensor<?x10xf32>'}}
  %0 = cnn.dense_input_grad %dy, %w : (tensor<?x10xf32>, tensor<128x12xf32>) -> tensor<?x128xf32>
  return
}

// -----

func.func @pool_grad_wrong_window(%x: tensor<?x11x11x32xf32>, %dy: tensor<?x5x5x32xf32>) {
  // expected-error @+1 {{expects an output gradient of type 'tensor<?x3x3x32xf32>', not 'tensor<?x5x5x32xf32>'}}
  %0 = cnn.pool2d_grad avg %x, %dy pool_size = [3, 3] strides = [3, 3] padding = valid : (tensor<?x11x11x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x11x11x32xf32>
  return
}

// -----

func.func @pool_grad_result_not_input(%x: tensor<?x11x11x32xf32>, %dy: tensor<?x5x5x32xf32>) {
  // expected-error @+1 {{expects the input gradient to have the input's type}}
  %0 = cnn.pool2d_grad max %x, %dy pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x10x10x32xf32>
  return
}

// -----

func.func @global_pool_grad_wrong_channels(%x: tensor<?x4x4x8xf32>, %dy: tensor<?x6xf32>) {
  // expected-error @+1 {{expects an output gradient of type 'tensor<?x8xf32>' or 'tensor<?x1x1x8xf32>', not 'tensor<?x6xf32>'}}
  %0 = cnn.global_pool2d_grad min %x, %dy : (tensor<?x4x4x8xf32>, tensor<?x6xf32>) -> tensor<?x4x4x8xf32>
  return
}

// -----

func.func @reshape_changes_elements(%x: tensor<?x800xf32>) {
  // expected-error @+1 {{cannot reshape 'tensor<?x800xf32>' to 'tensor<?x5x5x16xf32>': the batch and the elements per sample must agree}}
  %0 = cnn.reshape %x : (tensor<?x800xf32>) -> tensor<?x5x5x16xf32>
  return
}

// -----

func.func @dropout_mask_rate(%x: tensor<?x8xf32>, %s: i64) {
  // expected-error @+1 {{rate}}
  %0 = cnn.dropout_mask %x, %s, %s, %s rate = 1.000000e+00 stream = 0 : tensor<?x8xf32>
  return
}

// -----

func.func @loss_labels_per_sample(%z: tensor<?x10xf32>, %labels: tensor<?x2xi32>, %scale: f32) {
  // expected-error @+1 {{expects one class index per sample, not 'tensor<?x2xi32>'}}
  %l, %g = cnn.softmax_cross_entropy %z, %labels, %scale : (tensor<?x10xf32>, tensor<?x2xi32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  return
}

// -----

func.func @loss_targets_like_prediction(%z: tensor<?x10xf32>, %t: tensor<?x9xf32>, %scale: f32) {
  // expected-error @+1 {{expects targets of type 'tensor<?x10xf32>', not 'tensor<?x9xf32>'}}
  %l, %g = cnn.cross_entropy %z, %t, %scale : (tensor<?x10xf32>, tensor<?x9xf32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  return
}

// -----

func.func @mse_needs_targets(%z: tensor<?x10xf32>, %labels: tensor<?xi32>, %scale: f32) {
  // expected-error @+1 {{expects float targets}}
  %l, %g = cnn.mean_squared_error %z, %labels, %scale : (tensor<?x10xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  return
}

// -----

func.func @loss_on_images(%z: tensor<?x2x2x3xf32>, %t: tensor<?x2x2x3xf32>, %scale: f32) {
  // expected-error @+1 {{expects a (batch, classes) prediction}}
  %l, %g = cnn.mean_squared_error %z, %t, %scale : (tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>, f32) -> (tensor<f32>, tensor<?x2x2x3xf32>)
  return
}

// -----

func.func @adam_state_rows(%p: tensor<44xf32>, %s: tensor<1x44xf32>, %g: tensor<?x44xf32>, %i: i64) {
  // expected-error @+1 {{expects a state of type tensor<2x44xf32>}}
  %0:2 = cnn.adam_update %p, %s, %g, %i {learning_rate = 1.0e-3, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1.0e-7} : tensor<44xf32>, tensor<1x44xf32>, tensor<?x44xf32>
  return
}

// -----

func.func @update_gradient_width(%p: tensor<44xf32>, %s: tensor<1x44xf32>, %g: tensor<?x40xf32>, %i: i64) {
  // expected-error @+1 {{expects gradients of type tensor<?x44xf32>}}
  %0:2 = cnn.rmsprop_update %p, %s, %g, %i {learning_rate = 1.0e-3, rho = 0.9, epsilon = 1.0e-7} : tensor<44xf32>, tensor<1x44xf32>, tensor<?x40xf32>
  return
}

// -----

func.func @update_negative_rate(%p: tensor<44xf32>, %s: tensor<1x44xf32>, %g: tensor<?x44xf32>, %i: i64) {
  // expected-error @+1 {{expects a non-negative learning rate}}
  %0:2 = cnn.sgd_update %p, %s, %g, %i {learning_rate = -1.0e-3, momentum = 0.0, nesterov = false} : tensor<44xf32>, tensor<1x44xf32>, tensor<?x44xf32>
  return
}

// -----

func.func @crop_grad_bigger_than_its_input(%dy: tensor<?x5x4x8xf32>) {
  // expected-error @+1 {{crop2d keeps 5x4 of a 4x4 image}}
  %0 = cnn.crop2d_grad %dy : (tensor<?x5x4x8xf32>) -> tensor<?x4x4x8xf32>
  return
}

// -----

func.func @crop_grad_other_channels(%dy: tensor<?x3x4x8xf32>) {
  // expected-error @+1 {{expects an output gradient of type 'tensor<?x3x4x4xf32>', not 'tensor<?x3x4x8xf32>'}}
  %0 = cnn.crop2d_grad %dy : (tensor<?x3x4x8xf32>) -> tensor<?x4x4x4xf32>
  return
}

// -----

func.func @crop_grad_not_an_image(%dy: tensor<?x12xf32>) {
  // expected-error @+1 {{expects an image gradient (N, H, W, C), not 'tensor<?x12xf32>'}}
  %0 = cnn.crop2d_grad %dy : (tensor<?x12xf32>) -> tensor<?x4x4x4xf32>
  return
}
