// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// The merge ops check their inputs by Keras's rules (keras/src/layers/
// merging): each rule that can fail has a case here.

func.func @not_broadcastable(%a: tensor<?x8x8x4xf32>, %b: tensor<?x8x8x8xf32>) {
  // expected-error @+2 {{inputs (None, 8, 8, 4) and (None, 8, 8, 8) cannot be broadcast together: dimension 3 is 4 in one and 8 in the other}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.merge add %a, %b : (tensor<?x8x8x4xf32>, tensor<?x8x8x8xf32>) -> tensor<?x8x8x4xf32>
  return
}

// -----

func.func @mixed_ranks(%a: tensor<?x8x8x4xf32>, %b: tensor<?x4xf32>) {
  // expected-error @+2 {{inputs of different ranks cannot be merged: (None, 8, 8, 4) and (None, 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.merge multiply %a, %b : (tensor<?x8x8x4xf32>, tensor<?x4xf32>) -> tensor<?x8x8x4xf32>
  return
}

// -----

func.func @subtract_three(%a: tensor<?x4xf32>) {
  // expected-error @+2 {{a Subtract layer takes exactly 2 inputs, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.merge subtract %a, %a, %a : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @no_inputs() {
  // expected-error @+2 {{expected at least 1 input(s), got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.merge add : () -> tensor<?x4xf32>
  return
}

// -----

func.func @concatenate_mismatch(%a: tensor<?x8x8x4xf32>, %b: tensor<?x7x8x2xf32>) {
  // expected-error @+2 {{inputs must have the same shape except along the concatenation axis 3, got (None, 8, 8, 4) and (None, 7, 8, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.concatenate %a, %b axis = -1 : (tensor<?x8x8x4xf32>, tensor<?x7x8x2xf32>) -> tensor<?x8x8x6xf32>
  return
}

// -----

func.func @concatenate_batch(%a: tensor<?x4xf32>) {
  // expected-error @+2 {{cannot concatenate along the batch axis}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.concatenate %a, %a axis = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @concatenate_axis_out_of_range(%a: tensor<?x4xf32>) {
  // expected-error @+2 {{axis 2 is out of range for (None, 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.concatenate %a, %a axis = 2 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @merge_grad_index(%dy: tensor<?x4xf32>, %a: tensor<?x4xf32>) {
  // expected-error @+1 {{index 2 is not one of the 2 inputs}}
  %0 = cnn.merge_grad add index = 2 %dy, %a, %a : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @merge_grad_types(%dy: tensor<?x4xf32>, %a: tensor<?x4xf32>, %c: tensor<?x1xf32>) {
  // expected-error @+1 {{expects the input gradient to have input 1's type 'tensor<?x1xf32>'}}
  %0 = cnn.merge_grad add index = 1 %dy, %a, %c : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @concatenate_grad_slice(%dy: tensor<?x6xf32>) {
  // expected-error @+1 {{slice [4, 7) is outside the output gradient's axis of 6}}
  %0 = cnn.concatenate_grad %dy axis = 1 offset = 4 : (tensor<?x6xf32>) -> tensor<?x3xf32>
  return
}
