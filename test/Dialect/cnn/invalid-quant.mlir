// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// The int8 ops' per-channel arrays must fit the last dimension, the bias
// must be one value per channel, and cnn.int8 must be a dictionary on the
// module.

func.func @kernel_scales(%k: tensor<3x3x1x2xf32>) -> tensor<3x3x1x2xf32> {
  // expected-error @+1 {{expected 2 per-channel values (the last dimension), not 3}}
  %0 = cnn.quantize_kernel %k scales = [1.0, 1.0, 1.0] : tensor<3x3x1x2xf32>
  return %0 : tensor<3x3x1x2xf32>
}

// -----

func.func @multipliers(%a: tensor<?x2xf32>) -> tensor<?x2xf32> {
  // expected-error @+2 {{expected 2 per-channel values (the last dimension), not 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.dequantize %a multipliers = [1.0] : (tensor<?x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @bias(%a: tensor<?x2xf32>, %b: tensor<3xf32>) -> tensor<?x2xf32> {
  // expected-error @+2 {{expected a bias of 2 values, one per channel}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.dequantize %a bias %b multipliers = [1.0, 1.0] : (tensor<?x2xf32>, tensor<3xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// expected-error @+1 {{'cnn.int8' must be a dictionary on the module}}
module attributes {cnn.int8 = 1 : i64} {
}

// -----

// The int8 ops print and parse back.
func.func @round_trip(%x: tensor<?x4xf32>, %k: tensor<4x2xf32>) -> tensor<?x2xf32> {
  %0 = cnn.quantize_input %x scale = 0.5 zero_point = 3 : tensor<?x4xf32>
  %1 = cnn.quantize_kernel %k scales = [1.0, 2.0] : tensor<4x2xf32>
  %2 = cnn.dense %0, %1 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %3 = cnn.dequantize %2 multipliers = [0.5, 1.0] : (tensor<?x2xf32>) -> tensor<?x2xf32>
  return %3 : tensor<?x2xf32>
}
