// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// The runtime adds a known number of doubles from a plain array: both forms
// need a static size, and the buffer an identity layout.

func.func @dynamic_size(%partial: tensor<?xf64>) {
  // expected-error @+1 {{expects a vector of static size, got 'tensor<?xf64>'}}
  %0 = cnn.sum_across_chunks %partial : tensor<?xf64>
  return
}

// -----

func.func @not_f64(%partial: tensor<4xf32>) {
  // expected-error @+1 {{must be 1D tensor of 64-bit float values}}
  %0 = cnn.sum_across_chunks %partial : tensor<4xf32>
  return
}

// -----

func.func @strided(%buffer: memref<4xf64, strided<[2]>>) {
  // expected-error @+1 {{expects a buffer of static size and identity layout, got 'memref<4xf64, strided<[2]>>'}}
  cnn.sum_across_chunks_in_place %buffer : memref<4xf64, strided<[2]>>
  return
}

// -----

func.func @dynamic_buffer(%buffer: memref<?xf64>) {
  // expected-error @+1 {{expects a buffer of static size and identity layout, got 'memref<?xf64>'}}
  cnn.sum_across_chunks_in_place %buffer : memref<?xf64>
  return
}
