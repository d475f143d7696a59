// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// The training ops of a BatchNormalization check their operands by
// batch_norm's rules (dialects/cnn/NormalizationTrainingOps.cpp).

func.func @moments_not_per_channel(%x: tensor<?x4x4x2xf32>) {
  // expected-error @+1 {{batch normalization's parameter 'tensor<3xf32>' must be a vector of the 2 channels}}
  %mean, %variance = cnn.batch_moments %x : (tensor<?x4x4x2xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @momentum_out_of_range(%m: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'cnn.moving_average' op expects a momentum in [0, 1], got 1.5}}
  %0 = cnn.moving_average %m, %b momentum = 1.5 : tensor<2xf32>
  return
}

// -----

func.func @negative_epsilon(%x: tensor<?x4x4x2xf32>, %dy: tensor<?x4x4x2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{batch normalization's epsilon must be a finite number >= 0, got -1.000000e+00}}
  %db, %dg, %dx = cnn.batch_norm_grad %x, %dy mean %m variance %v epsilon = -1.0 : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<?x4x4x2xf32>)
  return
}

// -----

func.func @gamma_not_per_channel(%x: tensor<?x4x4x2xf32>, %dy: tensor<?x4x4x2xf32>, %g: tensor<4xf32>, %m: tensor<2xf32>) {
  // expected-error @+1 {{must be a vector of the 2 channels}}
  %db, %dg, %dx = cnn.batch_norm_grad %x, %dy gamma %g mean %m variance %m epsilon = 1.0e-3 : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>, tensor<4xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<?x4x4x2xf32>)
  return
}
