// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s --check-prefix=BUF

// cnn.sum_across_chunks round-trips, and bufferizes in place: the partial
// sums' buffer is handed to the runtime and holds the totals after, so
// nothing is copied and the result is read from the same buffer.

// CHECK-LABEL: func.func @packed
// CHECK: %[[TOTAL:.*]] = cnn.sum_across_chunks %arg0 : tensor<5xf64>
// CHECK: return %[[TOTAL]]
// BUF-LABEL: func.func @packed
// BUF-SAME: (%[[BUFFER:.*]]: memref<5xf64
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: cnn.sum_across_chunks_in_place %[[BUFFER]] : memref<5xf64>
// BUF: return %[[BUFFER]]
func.func @packed(%partial: tensor<5xf64>) -> tensor<5xf64> {
  %total = cnn.sum_across_chunks %partial : tensor<5xf64>
  return %total : tensor<5xf64>
}

// The partial sums read after the sum are a copy made before it.
// BUF-LABEL: func.func @partial_kept
// BUF: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<3xf64>
// BUF: memref.copy %arg0, %[[COPY]]
// BUF: cnn.sum_across_chunks_in_place %[[COPY]] : memref<3xf64>
func.func @partial_kept(%partial: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %total = cnn.sum_across_chunks %partial : tensor<3xf64>
  return %partial, %total : tensor<3xf64>, tensor<3xf64>
}

// CHECK-LABEL: func.func @in_place
// CHECK: cnn.sum_across_chunks_in_place %arg0 : memref<9xf64>
func.func @in_place(%buffer: memref<9xf64>) {
  cnn.sum_across_chunks_in_place %buffer : memref<9xf64>
  return
}
