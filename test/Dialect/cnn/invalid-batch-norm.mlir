// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// cnn.batch_norm and its folding ops check their parameters by Keras's
// rules (dialects/cnn/NormalizationRules.cpp); each rule that can fail has a
// case here.

func.func @negative_epsilon(%x: tensor<?x4x4x2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) {
  // expected-error @+2 {{batch normalization's epsilon must be a finite number >= 0, got -1.000000e-03}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.batch_norm %x mean %m variance %v epsilon = -1.0e-3 momentum = 0.99 : (tensor<?x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

func.func @momentum_above_one(%x: tensor<?x4x4x2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) {
  // expected-error @+2 {{batch normalization's momentum must be in [0, 1], got 1.500000e+00}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.batch_norm %x mean %m variance %v epsilon = 1.0e-3 momentum = 1.5 : (tensor<?x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

// One value per channel of the last axis, not of another.
func.func @not_the_channels(%x: tensor<?x4x4x2xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{batch normalization's parameter 'tensor<4xf32>' must be a vector of the 2 channels of 'tensor<?x4x4x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.batch_norm %x mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x4x4x2xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

func.func @gamma_not_a_vector(%x: tensor<?x4x4x2xf32>, %g: tensor<1x2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) {
  // expected-error @+2 {{batch normalization's parameter 'tensor<1x2xf32>' must be a vector of the 2 channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.batch_norm %x gamma %g mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 : (tensor<?x4x4x2xf32>, tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

// The kernel's output channels are its last dimension.
func.func @fold_kernel_channels(%k: tensor<3x3x2x8xf32>, %v: tensor<2xf32>) {
  // expected-error @+2 {{batch normalization's parameter 'tensor<2xf32>' must be a vector of the 8 channels of 'tensor<3x3x2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.fold_batch_norm_kernel %k variance %v epsilon = 1.0e-3 : (tensor<3x3x2x8xf32>, tensor<2xf32>) -> tensor<3x3x2x8xf32>
  return
}

// -----

func.func @fold_bias_channels(%b: tensor<4xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) {
  // expected-error @+2 {{batch normalization's parameter 'tensor<4xf32>' must be a vector of the 8 channels of 'tensor<8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.fold_batch_norm_bias bias %b mean %m variance %v epsilon = 1.0e-3 : (tensor<4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @trainable_not_a_bool(%x: tensor<?x4xf32>, %m: tensor<4xf32> {cnn.trainable = 0 : i32}) {
  // expected-error @-1 {{'cnn.trainable' of argument 1 must be a boolean}}
  return
}
