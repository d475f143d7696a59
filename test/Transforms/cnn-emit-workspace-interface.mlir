// RUN: cnnc-opt %s -split-input-file --cnn-emit-workspace-interface --verify-diagnostics | FileCheck %s

// --cnn-emit-workspace-interface runs after --cnn-emit-c-interface and
// --cnn-plan-memory, on @cnnc_forward (which allocates @forward's
// workspace, marked cnnc.workspace) and @forward_workspace_bytes. It adds
//   size_t cnnc_workspace_bytes(int64_t batch)
//     = @forward_workspace_bytes(max(batch, 0));
//   void cnnc_forward_ws(..., void *workspace)
//     = cnnc_forward's body with a memref<?xi8> descriptor of `workspace`
//       (offset 0, size the same bytes, stride 1) in place of the
//       allocation, and no deallocation;
//   const int64_t cnnc_param_elements[] = the element count of each
//     argument of @forward that names a Keras weight, in order.

// CHECK-LABEL: func.func @cnnc_workspace_bytes
// CHECK-SAME: (%[[BATCH:.*]]: i64) -> i64
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[N:.*]] = arith.maxsi %[[BATCH]], %[[ZERO]] : i64
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK: %[[BYTES:.*]] = call @forward_workspace_bytes(%[[NI]])
// CHECK: %[[R:.*]] = arith.index_cast %[[BYTES]] : index to i64
// CHECK: return %[[R]] : i64
//
// CHECK-LABEL: func.func @cnnc_forward_ws
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32>, %[[K:.*]]: memref<4x2xf32>, %[[B:.*]]: memref<2xf32>, %[[Y:.*]]: memref<?x2xf32>, %[[PTR:.*]]: !llvm.ptr)
// CHECK: %[[WBYTES:.*]] = call @forward_workspace_bytes
// CHECK: %[[SIZE:.*]] = arith.index_cast %[[WBYTES]] : index to i64
// CHECK: %[[D:.*]] = llvm.mlir.undef : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: llvm.insertvalue %[[PTR]], %[[D]][0]
// CHECK: llvm.insertvalue %[[PTR]], %{{.*}}[1]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[2]
// CHECK: llvm.insertvalue %[[SIZE]], %{{.*}}[3, 0]
// CHECK: %[[DESC:.*]] = llvm.insertvalue %{{.*}}, %{{.*}}[4, 0]
// CHECK: %[[WS:.*]] = builtin.unrealized_conversion_cast %[[DESC]] : {{.*}} to memref<?xi8>
// CHECK: call @forward(%[[X]], %[[K]], %[[B]], %[[Y]], %[[WS]])
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
//
// CHECK: llvm.mlir.global external constant @cnnc_param_elements(dense<[8, 2]> : tensor<2xi64>) {addr_space = 0 : i32} : !llvm.array<2 x i64>
func.func private @forward(%x: memref<?x4xf32>,
                           %k: memref<4x2xf32> {cnn.param = "dense/kernel"},
                           %b: memref<2xf32> {cnn.param = "dense/bias"},
                           %y: memref<?x2xf32>, %ws: memref<?xi8>) {
  return
}
func.func private @forward_workspace_bytes(%n: index) -> index {
  return %n : index
}
// Here cnnc_forward takes memrefs; the real one builds them from pointers.
func.func @cnnc_forward(%x: memref<?x4xf32>, %k: memref<4x2xf32>, %b: memref<2xf32>, %y: memref<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %bytes = call @forward_workspace_bytes(%n) : (index) -> index
  %ws = memref.alloc(%bytes) {alignment = 64 : i64, cnnc.workspace} : memref<?xi8>
  call @forward(%x, %k, %b, %y, %ws) : (memref<?x4xf32>, memref<4x2xf32>, memref<2xf32>, memref<?x2xf32>, memref<?xi8>) -> ()
  memref.dealloc %ws : memref<?xi8>
  return
}

// -----

// Without the plan there is no workspace to take.
// expected-error @below {{expected @forward, @cnnc_forward and @forward_workspace_bytes (run --cnn-emit-c-interface and --cnn-plan-memory first)}}
module {
  func.func private @forward(%x: memref<?x4xf32>) {
    return
  }
  func.func @cnnc_forward(%x: memref<?x4xf32>) {
    call @forward(%x) : (memref<?x4xf32>) -> ()
    return
  }
}
