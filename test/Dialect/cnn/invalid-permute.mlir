// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// cnn.permute's dims must be Keras's permutation of the axes after the
// batch (dialects/cnn/ShapeLayerRules.cpp): one case per way to miss.

func.func @repeated(%x: tensor<?x4x5x3xf32>) {
  // expected-error @+2 {{permute dims [1, 1, 3] must be a permutation of 1 .. 3 (the axes of (None, 4, 5, 3) after the batch)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.permute %x dims = [1, 1, 3] : (tensor<?x4x5x3xf32>) -> tensor<?x4x4x3xf32>
  return
}

// -----

// The batch (0) stays where it is.
func.func @batch(%x: tensor<?x4x5x3xf32>) {
  // expected-error @+2 {{permute dims [0, 1, 2] must be a permutation of 1 .. 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.permute %x dims = [0, 1, 2] : (tensor<?x4x5x3xf32>) -> tensor<?x4x5x3xf32>
  return
}

// -----

func.func @too_few(%x: tensor<?x4x5x3xf32>) {
  // expected-error @+2 {{permute dims [2, 1] must be a permutation of 1 .. 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.permute %x dims = [2, 1] : (tensor<?x4x5x3xf32>) -> tensor<?x5x4xf32>
  return
}

// -----

func.func @past_the_end(%x: tensor<?x4x5xf32>) {
  // expected-error @+2 {{permute dims [3, 1] must be a permutation of 1 .. 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.permute %x dims = [3, 1] : (tensor<?x4x5xf32>) -> tensor<?x5x4xf32>
  return
}

// -----

// A declared result that is not the permuted shape.
func.func @wrong_result(%x: tensor<?x4x5x3xf32>) {
  // expected-error @+2 {{'cnn.permute' op inferred type(s) 'tensor<?x5x4x3xf32>' are incompatible with return type(s) of operation 'tensor<?x4x5x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.permute %x dims = [2, 1, 3] : (tensor<?x4x5x3xf32>) -> tensor<?x4x5x3xf32>
  return
}
