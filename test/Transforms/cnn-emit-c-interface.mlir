// RUN: cnnc-opt %s -split-input-file --cnn-emit-c-interface --verify-diagnostics | FileCheck %s

// --cnn-emit-c-interface runs after bufferization and adds
//   void cnnc_forward(const float *input, int64_t batch,
//                     const float *const *params, float *output)
// as func.func @cnnc_forward(!llvm.ptr, i64, !llvm.ptr, !llvm.ptr). It
// builds one memref descriptor per @forward argument: allocated and aligned
// pointer the plain pointer, offset 0, sizes the static shape with the batch
// (the only dynamic size) as size 0, and constant row-major strides. The
// input is argument 0, params[i] (loaded through a GEP on `params`) is
// argument i + 1, the output is the last; then it calls @forward, which
// becomes private.

// CHECK-LABEL: func.func private @forward
// CHECK-SAME: (%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<4x2xf32>, %{{.*}}: memref<?x2xf32>)
// CHECK-LABEL: func.func @cnnc_forward
// CHECK-SAME: (%[[IN:.*]]: !llvm.ptr, %[[BATCH:.*]]: i64, %[[PARAMS:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr)
//
// The input, memref<?x4xf32>: sizes [batch, 4], strides [4, 1].
// CHECK: %[[D0:.*]] = llvm.mlir.undef : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: llvm.insertvalue %[[IN]], %[[D0]][0]
// CHECK: llvm.insertvalue %[[IN]], %{{.*}}[1]
// CHECK: %[[ZERO:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.insertvalue %[[ZERO]], %{{.*}}[2]
// CHECK: %[[FOUR:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: llvm.insertvalue %[[FOUR]], %{{.*}}[3, 1]
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: llvm.insertvalue %[[ONE]], %{{.*}}[4, 1]
// CHECK: llvm.insertvalue %[[BATCH]], %{{.*}}[3, 0]
// CHECK: %[[STRIDE0:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: %[[XD:.*]] = llvm.insertvalue %[[STRIDE0]], %{{.*}}[4, 0]
// CHECK: %[[X:.*]] = builtin.unrealized_conversion_cast %[[XD]] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<?x4xf32>
//
// params[0], memref<4x2xf32>: all static, sizes [4, 2], strides [2, 1].
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[1]
// CHECK-NOT: %[[BATCH]]
// CHECK: %[[KD:.*]] = llvm.insertvalue %{{.*}}, %{{.*}}[4, 0]
// CHECK: %[[K:.*]] = builtin.unrealized_conversion_cast %[[KD]] : {{.*}} to memref<4x2xf32>
//
// The output, memref<?x2xf32>: the batch again as size 0.
// CHECK: llvm.insertvalue %[[OUT]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[OUT]], %{{.*}}[1]
// CHECK: llvm.insertvalue %[[BATCH]], %{{.*}}[3, 0]
// CHECK: %[[Y:.*]] = builtin.unrealized_conversion_cast %{{.*}} : {{.*}} to memref<?x2xf32>
// CHECK: call @forward(%[[X]], %[[K]], %[[Y]]) : (memref<?x4xf32>, memref<4x2xf32>, memref<?x2xf32>) -> ()
// CHECK-NEXT: return
func.func @forward(%arg0: memref<?x4xf32>, %arg1: memref<4x2xf32>, %arg2: memref<?x2xf32>) {
  return
}

// -----

// A 4-D input and two parameters: params[1] is at GEP index 1; the
// NHWC input's strides are [28 * 28 * 1, 28 * 1, 1, 1] = [784, 28, 1, 1].
// CHECK-LABEL: func.func @cnnc_forward
// CHECK-DAG: llvm.mlir.constant(784 : i64) : i64
// CHECK-DAG: llvm.mlir.constant(28 : i64) : i64
// CHECK: memref<?x28x28x1xf32>
// CHECK: llvm.getelementptr %arg2[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: memref<3x3x1x8xf32>
// CHECK: llvm.getelementptr %arg2[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: memref<8xf32>
// CHECK: call @forward(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<?x28x28x1xf32>, memref<3x3x1x8xf32>, memref<8xf32>, memref<?x26x26x8xf32>) -> ()
func.func @forward(%x: memref<?x28x28x1xf32>, %k: memref<3x3x1x8xf32>, %b: memref<8xf32>, %y: memref<?x26x26x8xf32>) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// Errors: anything but a bufferized @forward returning nothing
//===----------------------------------------------------------------------===//

// No @forward.
// expected-error @+1 {{expected a bufferized 'func.func @forward' taking memrefs with static strides and returning nothing}}
module {
  func.func @main(%arg0: memref<?x4xf32>, %arg1: memref<?x4xf32>) {
    return
  }
}

// -----

// Not bufferized: tensors, and a result.
// expected-error @+1 {{expected a bufferized 'func.func @forward'}}
module {
  func.func @forward(%arg0: tensor<?x4xf32>, %arg1: tensor<4x2xf32>) -> tensor<?x2xf32> {
    %0 = tensor.empty() : tensor<1x2xf32>
    %1 = tensor.cast %0 : tensor<1x2xf32> to tensor<?x2xf32>
    return %1 : tensor<?x2xf32>
  }
}

// -----

// Still returns its result (cnn-materialize-output did not run).
// expected-error @+1 {{returning nothing}}
module {
  func.func @forward(%arg0: memref<?x4xf32>, %arg1: memref<4x2xf32>) -> memref<?x2xf32> {
    %c0 = arith.constant 0 : index
    %n = memref.dim %arg0, %c0 : memref<?x4xf32>
    %0 = memref.alloc(%n) : memref<?x2xf32>
    return %0 : memref<?x2xf32>
  }
}

// -----

// A layout with a dynamic stride cannot be described by a plain pointer.
// expected-error @+1 {{memrefs with static strides}}
module {
  func.func @forward(%arg0: memref<?x4xf32, strided<[?, 1]>>, %arg1: memref<?x2xf32>) {
    return
  }
}

// -----

// Input and output but no room for either: a single argument.
// expected-error @+1 {{expected a bufferized 'func.func @forward'}}
module {
  func.func @forward(%arg0: memref<?x4xf32>) {
    return
  }
}

// -----

// cnnc_apply_gradients(params, state, gradients, shards, iteration, begin,
// count) updates parameters [begin, begin + count): each pointer is moved
// `begin` floats on, `count` is the rows' dynamic size, and the state and
// gradient rows keep the whole vector's stride (44).
// CHECK-LABEL: func.func @cnnc_apply_gradients
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr, %[[S:.*]]: !llvm.ptr, %[[G:.*]]: !llvm.ptr, %[[SHARDS:.*]]: i64, %[[I:.*]]: i64, %[[BEGIN:.*]]: i64, %[[COUNT:.*]]: i64)
// CHECK: %[[PB:.*]] = llvm.getelementptr %[[P]][%[[BEGIN]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.insertvalue %[[PB]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[COUNT]], %{{.*}}[3, 0]
// CHECK: %[[SB:.*]] = llvm.getelementptr %[[S]][%[[BEGIN]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.insertvalue %[[COUNT]], %{{.*}}[3, 1]
// CHECK: %[[ROW:.*]] = llvm.mlir.constant(44 : i64) : i64
// CHECK: llvm.insertvalue %[[ROW]], %{{.*}}[4, 0]
// CHECK: %[[GB:.*]] = llvm.getelementptr %[[G]][%[[BEGIN]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.insertvalue %[[COUNT]], %{{.*}}[3, 1]
// CHECK: llvm.insertvalue %[[SHARDS]], %{{.*}}[3, 0]
// CHECK: call @apply_gradients(%{{.*}}, %{{.*}}, %{{.*}}, %[[I]]) : (memref<?xf32>, memref<2x?xf32, strided<[44, 1]>>, memref<?x?xf32, strided<[44, 1]>>, i64) -> ()
module {
  func.func @forward(%x: memref<?x4xf32>, %w: memref<4x11xf32>, %y: memref<?x11xf32>) {
    return
  }
  func.func @apply_gradients(%p: memref<?xf32>, %s: memref<2x?xf32, strided<[44, 1]>>, %g: memref<?x?xf32, strided<[44, 1]>>, %i: i64) {
    return
  }
}

// -----

// Two inputs (the leading arguments with a dynamic batch): cnnc_forward
// takes one pointer each, then the batch, params and output; each input's
// descriptor gets the batch. cnnc_forward_inputs takes them from an array,
// inputs[0] and inputs[1], in the same order.
// CHECK-LABEL: func.func @cnnc_forward
// CHECK-SAME: (%[[A:.*]]: !llvm.ptr, %[[B:.*]]: !llvm.ptr, %[[BATCH:.*]]: i64, %[[PARAMS:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr)
// CHECK: llvm.insertvalue %[[A]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[BATCH]], %{{.*}}[3, 0]
// CHECK: %[[XA:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<?x4xf32>
// CHECK: llvm.insertvalue %[[B]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[BATCH]], %{{.*}}[3, 0]
// CHECK: %[[XB:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<?x3xf32>
// CHECK: llvm.getelementptr %[[PARAMS]][0]
// CHECK: call @forward(%[[XA]], %[[XB]], %{{.*}}, %{{.*}}) : (memref<?x4xf32>, memref<?x3xf32>, memref<4x2xf32>, memref<?x2xf32>) -> ()
// CHECK-LABEL: func.func @cnnc_forward_inputs
// CHECK-SAME: (%[[IN:.*]]: !llvm.ptr, %[[N:.*]]: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[IN]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[P0]], %{{.*}}[0]
// CHECK: builtin.unrealized_conversion_cast %{{.*}} to memref<?x4xf32>
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[IN]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[P1]], %{{.*}}[0]
// CHECK: builtin.unrealized_conversion_cast %{{.*}} to memref<?x3xf32>
// CHECK: call @forward
func.func @forward(%a: memref<?x4xf32>, %b: memref<?x3xf32>, %w: memref<4x2xf32>, %y: memref<?x2xf32>) {
  return
}
