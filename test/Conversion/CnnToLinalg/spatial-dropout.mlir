// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// SpatialDropout2D's training mask draws once per sample and channel: the
// hashed index is (sample) * channels + channel, never a row or a column,
// so every pixel of a channel keeps or drops together.
// CHECK-LABEL: func.func @spatial
// CHECK: linalg.generic
// CHECK: linalg.index 0 : index
// CHECK-NOT: linalg.index 1
// CHECK-NOT: linalg.index 2
// CHECK: %[[C:.*]] = linalg.index 3 : index
// CHECK: linalg.yield
func.func @spatial(%x: tensor<?x6x6x4xf32>, %seed: i64, %step: i64, %first: i64) -> tensor<?x6x6x4xf32> {
  %0 = cnn.dropout_mask %x, %seed, %step, %first rate = 5.000000e-01 stream = 0 spatial : tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

// Without `spatial`, every element has its own draw.
// CHECK-LABEL: func.func @elementwise
// CHECK: linalg.index 0 : index
// CHECK: linalg.index 1 : index
// CHECK: linalg.index 2 : index
// CHECK: linalg.index 3 : index
func.func @elementwise(%x: tensor<?x6x6x4xf32>, %seed: i64, %step: i64, %first: i64) -> tensor<?x6x6x4xf32> {
  %0 = cnn.dropout_mask %x, %seed, %step, %first rate = 5.000000e-01 stream = 0 : tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}
