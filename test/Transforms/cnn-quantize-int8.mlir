// RUN: cnnc-opt %s -split-input-file -verify-diagnostics --cnn-quantize-int8 | FileCheck %s

// --cnn-quantize-int8 runs the conv2d and dense layers the module's
// cnn.int8 table names on integer codes: the input becomes its uint8 code
// minus the zero point (cnn.quantize_input), the kernel its int8 codes per
// output channel (cnn.quantize_kernel); the layer runs on those without
// bias (exact integer sums); cnn.dequantize scales the sums back by
// s_x * s_k[c] and adds the bias. Layers the table does not name (the
// classifier) are left alone; a table that does not fit the model is an
// error.

// The input: scale 0.5 (inverse 2), zero point 3. The kernel's channels:
// scales 0.25 and 0.5 (inverses 4 and 2); the rescaling is 0.125 and 0.25.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x6x6x1xf32>, %[[K:.*]]: tensor<3x3x1x2xf32>, %[[B:.*]]: tensor<2xf32>, %[[DK:.*]]: tensor<32x10xf32>, %[[DB:.*]]: tensor<10xf32>)
// CHECK-NEXT: %[[XQ:.*]] = cnn.quantize_input %[[X]] scale = 5.000000e-01 zero_point = 3 : tensor<?x6x6x1xf32>
// CHECK-NEXT: %[[KQ:.*]] = cnn.quantize_kernel %[[K]] scales = [2.500000e-01, 5.000000e-01] : tensor<3x3x1x2xf32>
// CHECK-NEXT: %[[A:.*]] = cnn.conv2d %[[XQ]], %[[KQ]] strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">} : (tensor<?x6x6x1xf32>, tensor<3x3x1x2xf32>) -> tensor<?x4x4x2xf32>
// CHECK-NEXT: %[[Y:.*]] = cnn.dequantize %[[A]] bias %[[B]] multipliers = [1.250000e-01, 2.500000e-01] : (tensor<?x4x4x2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
// CHECK-NEXT: %[[R:.*]] = cnn.relu %[[Y]]
// CHECK-NEXT: %[[F:.*]] = cnn.flatten %[[R]]
// The classifier, which the table does not name, stays f32.
// CHECK-NEXT: %[[O:.*]] = cnn.dense %[[F]], %[[DK]], %[[DB]] {cnn.layer = #cnn.layer<"dense", "Dense">}
// CHECK-NEXT: return %[[O]]
module attributes {cnn.int8 = {conv2d = {input_scale = 0.5 : f32, input_zero_point = 3 : i64, kernel_scales = array<f32: 0.25, 0.5>}}} {
func.func @forward(%x: tensor<?x6x6x1xf32>, %k: tensor<3x3x1x2xf32>, %b: tensor<2xf32>, %dk: tensor<32x10xf32>, %db: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">} : (tensor<?x6x6x1xf32>, tensor<3x3x1x2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  %1 = cnn.relu %0 : tensor<?x4x4x2xf32>
  %2 = cnn.flatten %1 : (tensor<?x4x4x2xf32>) -> tensor<?x32xf32>
  %3 = cnn.dense %2, %dk, %db {cnn.layer = #cnn.layer<"dense", "Dense">} : (tensor<?x32xf32>, tensor<32x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %3 : tensor<?x10xf32>
}
}

// -----

// A dense layer without bias: the rescaling alone.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[K:.*]]: tensor<4x3xf32>)
// CHECK-NEXT: %[[XQ:.*]] = cnn.quantize_input %[[X]] scale = 2.500000e-01 zero_point = 0 : tensor<?x4xf32>
// CHECK-NEXT: %[[KQ:.*]] = cnn.quantize_kernel %[[K]] scales = [1.000000e+00, 5.000000e-01, 2.000000e+00] : tensor<4x3xf32>
// CHECK-NEXT: %[[A:.*]] = cnn.dense %[[XQ]], %[[KQ]] {cnn.layer = #cnn.layer<"hidden", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %[[Y:.*]] = cnn.dequantize %[[A]] multipliers = [2.500000e-01, 1.250000e-01, 5.000000e-01] : (tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: return %[[Y]]
module attributes {cnn.int8 = {hidden = {input_scale = 0.25 : f32, input_zero_point = 0 : i64, kernel_scales = array<f32: 1.0, 0.5, 2.0>}}} {
func.func @dense(%x: tensor<?x4xf32>, %k: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %0 = cnn.dense %x, %k {cnn.layer = #cnn.layer<"hidden", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
}

// -----

// An entry for a layer the model does not have.
// expected-error @+1 {{cnn.int8 entry 'conv9' names no conv2d or dense layer of the model}}
module attributes {cnn.int8 = {conv9 = {input_scale = 1.0 : f32, input_zero_point = 0 : i64, kernel_scales = array<f32: 1.0>}}} {
func.func @forward(%x: tensor<?x4xf32>, %k: tensor<4x1xf32>) -> tensor<?x1xf32> {
  %0 = cnn.dense %x, %k {cnn.layer = #cnn.layer<"dense", "Dense">} : (tensor<?x4xf32>, tensor<4x1xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// Kernel scales for another number of channels.
module attributes {cnn.int8 = {dense = {input_scale = 1.0 : f32, input_zero_point = 0 : i64, kernel_scales = array<f32: 1.0, 2.0>}}} {
func.func @forward(%x: tensor<?x4xf32>, %k: tensor<4x1xf32>) -> tensor<?x1xf32> {
  // expected-error @+1 {{cnn.int8 entry 'dense' needs a parameter kernel of 2 output channels}}
  %0 = cnn.dense %x, %k {cnn.layer = #cnn.layer<"dense", "Dense">} : (tensor<?x4xf32>, tensor<4x1xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// A zero point outside 0..255.
// expected-error @+1 {{cnn.int8 entry 'dense': scales must be finite and positive, the zero point 0..255}}
module attributes {cnn.int8 = {dense = {input_scale = 1.0 : f32, input_zero_point = 256 : i64, kernel_scales = array<f32: 1.0>}}} {
func.func @forward(%x: tensor<?x4xf32>, %k: tensor<4x1xf32>) -> tensor<?x1xf32> {
  %0 = cnn.dense %x, %k {cnn.layer = #cnn.layer<"dense", "Dense">} : (tensor<?x4xf32>, tensor<4x1xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// A malformed entry.
// expected-error @+1 {{cnn.int8 entry 'dense' needs input_scale (f32), input_zero_point (i64) and kernel_scales (array<f32>)}}
module attributes {cnn.int8 = {dense = {input_scale = 1.0 : f32}}} {
func.func @forward(%x: tensor<?x4xf32>, %k: tensor<4x1xf32>) -> tensor<?x1xf32> {
  %0 = cnn.dense %x, %k {cnn.layer = #cnn.layer<"dense", "Dense">} : (tensor<?x4xf32>, tensor<4x1xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}
