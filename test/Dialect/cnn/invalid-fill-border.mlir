// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// cnn.fill_border's widths: one low and one high per dimension, none
// negative, a border only where the size is known and large enough.

func.func @widths_per_dimension(%e: tensor<4x4xf32>, %v: f32) {
  // expected-error @+1 {{expects a low and a high width per dimension (2), got 1 and 2}}
  %0 = cnn.fill_border %v into %e low = [1] high = [1, 1] : tensor<4x4xf32>
  return
}

// -----

func.func @negative_width(%e: tensor<4x4xf32>, %v: f32) {
  // expected-error @+1 {{expects widths >= 0, got -1 and 1 in dimension 1}}
  %0 = cnn.fill_border %v into %e low = [0, -1] high = [0, 1] : tensor<4x4xf32>
  return
}

// -----

func.func @dynamic_dimension(%e: tensor<?x4xf32>, %v: f32) {
  // expected-error @+1 {{has a border in dynamic dimension 0}}
  %0 = cnn.fill_border %v into %e low = [1, 0] high = [0, 0] : tensor<?x4xf32>
  return
}

// -----

func.func @wider_than_the_dimension(%e: tensor<4x4xf32>, %v: f32) {
  // expected-error @+1 {{has a border of 3 + 2 in dimension 0 of size 4}}
  %0 = cnn.fill_border %v into %e low = [3, 0] high = [2, 0] : tensor<4x4xf32>
  return
}

// -----

func.func @value_of_another_type(%e: tensor<4x4xf32>, %v: f16) {
  // expected-error @+1 {{the value is of the tensor's element type}}
  %0 = "cnn.fill_border"(%v, %e) <{low = array<i64: 0, 0>, high = array<i64: 0, 0>}> : (f16, tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}
