// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// Keras's augmentation layers take a batch of images (N, H, W, C).

func.func @not_images(%x: tensor<?x32xf32>) {
  // expected-error @+1 {{expected a 4-D input (batch, rows, columns, channels), got (None, 32)}}
  %0 = cnn.random_augmentation flip %x : tensor<?x32xf32>
  return
}
