// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// What counts as a model: a module marked `cnn.model` is verified against
// the model's contract (@forward's signature and body) whenever it is
// verified; each rule has a case here. An unmarked module is plain IR.

// expected-error @+1 {{the module has no model: expected a 'func.func @forward' with a body}}
module attributes {cnn.model} {
  func.func @predict(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

// expected-error @+1 {{the module has no model: expected a 'func.func @forward' with a body}}
module attributes {cnn.model} {
  func.func private @forward(tensor<?x4xf32>) -> tensor<?x4xf32>
}

// -----

module attributes {cnn.model} {
  // expected-error @+1 {{@forward's first argument must be the input: an f32 tensor whose only dynamic dimension is the batch (e.g. tensor<?x28x28x1xf32>)}}
  func.func @forward(%x: tensor<4x4xf32>) -> tensor<?x4xf32> {
    %0 = tensor.cast %x : tensor<4x4xf32> to tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
}

// -----

module attributes {cnn.model} {
  // expected-error @+1 {{@forward's argument 1 must be a parameter: a statically shaped f32 tensor, not 'tensor<4x?xf32>'}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x?xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

module attributes {cnn.model} {
  // expected-error @+1 {{@forward's argument 1 'tensor<2x2000000000xf32>' is too large}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<2x2000000000xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

module attributes {cnn.model} {
  // expected-error @+1 {{the model has more than}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<40000x40000xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

module attributes {cnn.model} {
  // expected-error @+1 {{@forward must return one or more f32 tensors whose only dynamic dimension is the batch}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>) -> tensor<4x4xf32> {
    return %w : tensor<4x4xf32>
  }
}

// -----

// A graph model's second output must be an activation too.
module attributes {cnn.model} {
  // expected-error @+1 {{@forward must return one or more f32 tensors whose only dynamic dimension is the batch}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>) -> (tensor<?x4xf32>, tensor<4x4xf32>) {
    return %x, %w : tensor<?x4xf32>, tensor<4x4xf32>
  }
}

// -----

// Inputs are the leading batched arguments; a batched argument after a
// parameter is neither.
module attributes {cnn.model} {
  // expected-error @+1 {{@forward's argument 2 must be a parameter: a statically shaped f32 tensor, not 'tensor<?x4xf32>'}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

module attributes {cnn.model} {
  func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    // expected-error @+1 {{'arith.addf' is not a cnn op: @forward may hold only cnn ops and its return}}
    %0 = arith.addf %x, %x : tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
}

// -----

// expected-error @+1 {{'cnn.model' must be a unit attribute}}
module attributes {cnn.model = 1 : i32} {
}

// -----

// expected-error @+1 {{'cnn.model' belongs on the module}}
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {cnn.model} {
  return %x : tensor<?x4xf32>
}

// -----

// Unmarked, the same IR is no model and no error.
func.func @forward(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = arith.addf %x, %x : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
