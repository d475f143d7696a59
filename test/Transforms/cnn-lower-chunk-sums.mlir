// RUN: cnnc-opt %s -split-input-file --cnn-lower-chunk-sums -verify-diagnostics | FileCheck %s

// Each sum across chunks becomes a call of the runtime's hook, through a
// weak global that is null unless the runtime sets it (then the call does
// nothing: the buffer keeps this call's sums, which are the batch's). The
// runtime gets a copy on the stack, so that the pointer is the first of the
// doubles whatever view of the workspace the buffer is, and the totals are
// copied back.

// CHECK-LABEL: func.func @train_gradients
// CHECK: %[[VIEW:.*]] = memref.view
// CHECK: %[[COPY:.*]] = memref.alloca() : memref<5xf64>
// CHECK: memref.copy %[[VIEW]], %[[COPY]]
// CHECK: %[[ADDRESS:.*]] = memref.extract_aligned_pointer_as_index %[[COPY]]
// CHECK: %[[INT:.*]] = arith.index_cast %[[ADDRESS]] : index to i64
// CHECK: %[[PTR:.*]] = llvm.inttoptr %[[INT]] : i64 to !llvm.ptr
// CHECK: %[[LENGTH:.*]] = arith.constant 5 : i64
// CHECK: llvm.call @cnnc_sum_across_chunks(%[[PTR]], %[[LENGTH]])
// CHECK: memref.copy %[[COPY]], %[[VIEW]]
// CHECK: memref.load %[[VIEW]]
// CHECK: llvm.call @cnnc_sum_across_chunks(%{{.*}}, %{{.*}})
// CHECK-NOT: cnn.sum_across_chunks_in_place
// CHECK: llvm.mlir.global weak @cnnc_sum_across_chunks_hook() {{.*}} : !llvm.ptr
// CHECK:   llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.func internal @cnnc_sum_across_chunks(%[[P:.*]]: !llvm.ptr, %[[N:.*]]: i64)
// CHECK:   %[[HOOK:.*]] = llvm.load
// CHECK:   llvm.icmp "ne" %[[HOOK]]
// CHECK:   llvm.call %[[HOOK]](%[[P]], %[[N]])
func.func @train_gradients(%workspace: memref<?xi8>) -> f64 {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %sums = memref.view %workspace[%c64][] : memref<?xi8> to memref<5xf64>
  cnn.sum_across_chunks_in_place %sums : memref<5xf64>
  %count = memref.load %sums[%c0] : memref<5xf64>
  %more = memref.view %workspace[%c0][] : memref<?xi8> to memref<3xf64>
  cnn.sum_across_chunks_in_place %more : memref<3xf64>
  return %count : f64
}

// -----

// Nothing to sum: the module gets no hook.
// CHECK-LABEL: func.func @forward
// CHECK-NOT: cnnc_sum_across_chunks
func.func @forward(%x: memref<4xf32>) {
  return
}

// -----

// expected-error @+1 {{the module already defines 'cnnc_sum_across_chunks_hook' or 'cnnc_sum_across_chunks'}}
module {
  llvm.mlir.global weak @cnnc_sum_across_chunks_hook() : !llvm.ptr
  func.func @train_gradients(%sums: memref<3xf64>) {
    cnn.sum_across_chunks_in_place %sums : memref<3xf64>
    return
  }
}
