// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// cnn.layer_norm and its backward ops check their axis, parameters and
// epsilon by Keras's rules (dialects/cnn/NormalizationRules.cpp); each rule
// that can fail has a case here.

func.func @negative_epsilon(%x: tensor<?x4x4x2xf32>) {
  // expected-error @+2 {{layer normalization's epsilon must be a finite number >= 0, got -1.000000e-03}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.layer_norm %x axis = 3 epsilon = -1.0e-3 : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

// Each sample is normalized on its own: never over the batch.
func.func @batch_axis(%x: tensor<?x4x4x2xf32>) {
  // expected-error @+2 {{layer normalization's first axis 0 must be in [1, 3] for input (None, 4, 4, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.layer_norm %x axis = 0 epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

func.func @axis_past_the_end(%x: tensor<?x4x4x2xf32>) {
  // expected-error @+2 {{layer normalization's first axis 4 must be in [1, 3] for input (None, 4, 4, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.layer_norm %x axis = 4 epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

// gamma has the normalized axes' shape: (4, 2) from axis 2.
func.func @gamma_of_the_channels_only(%x: tensor<?x4x4x2xf32>, %g: tensor<2xf32>) {
  // expected-error @+2 {{layer normalization's parameter 'tensor<2xf32>' must have the shape of the normalized axes (4, 2) of 'tensor<?x4x4x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.layer_norm %x gamma %g axis = 2 epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

func.func @param_grad_shape(%x: tensor<?x4x4x2xf32>, %dy: tensor<?x4x4x2xf32>) {
  // expected-error @+1 {{layer normalization's parameter 'tensor<4xf32>' must have the shape of the normalized axes (2,) of 'tensor<?x4x4x2xf32>'}}
  %db, %dg = cnn.layer_norm_param_grad %x, %dy axis = 3 epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @input_grad_axis(%x: tensor<?x10xf32>, %dy: tensor<?x10xf32>) {
  // expected-error @+1 {{layer normalization's first axis 2 must be in [1, 1] for input (None, 10)}}
  %dx = cnn.layer_norm_input_grad %x, %dy axis = 2 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return
}
