// RUN: cnnc-opt %s -split-input-file -verify-diagnostics --cnn-gradient-ready-hook | FileCheck %s

// --cnn-gradient-ready-hook: in the bufferized @train_gradients (x, labels,
// params[P], scale, seed, step, first_sample, loss_sum, correct,
// gradients[P]), a call of cnnc_gradient_ready(s) right after the last
// write of the gradients of parameters [s, P) or read of those parameters,
// when those all come before any gradient of [0, s) is first written; s
// as small as that allows. The call goes through a weak global pointer, null until the
// runtime sets it.

// A dense layer's kernel and bias (parameters 2 and 3) get their gradients
// first, as the backward pass goes from the last layer, and its kernel is
// read once more for the input gradient; the convolution's gradients (0
// and 1) come after. The call reports 2 and sits after that read.
// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: %[[G0:[^:]*]]: memref<3x3x1x4xf32>, %[[G1:[^:]*]]: memref<4xf32>, %[[G2:[^:]*]]: memref<8x2xf32>, %[[G3:[^:]*]]: memref<2xf32>)
// CHECK: linalg.fill {{.*}} outs(%[[G3]]
// CHECK: linalg.fill {{.*}} outs(%[[G2]]
// CHECK: memref.subview %[[G2]]
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<8x2xf32>)
// CHECK-NEXT: %[[S:.*]] = arith.constant 2 : i64
// CHECK-NEXT: llvm.call @cnnc_gradient_ready(%[[S]]) : (i64) -> ()
// CHECK-NEXT: linalg.fill {{.*}} outs(%[[G0]]
// CHECK-NEXT: linalg.fill {{.*}} outs(%[[G1]]
// CHECK-NOT: llvm.call
// CHECK: return
// CHECK-LABEL: llvm.mlir.global weak @cnnc_gradient_ready_hook() {{.*}} : !llvm.ptr
// CHECK: llvm.mlir.zero : !llvm.ptr
// CHECK-LABEL: llvm.func internal @cnnc_gradient_ready(%{{.*}}: i64)
// CHECK: %[[ADDR:.*]] = llvm.mlir.addressof @cnnc_gradient_ready_hook
// CHECK: %[[HOOK:.*]] = llvm.load %[[ADDR]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.icmp "ne" %[[HOOK]]
// CHECK: llvm.call %[[HOOK]](%{{.*}}) : !llvm.ptr, (i64) -> ()
func.func @train_gradients(%x: memref<?x4x4x1xf32>, %labels: memref<?xi32>,
    %p0: memref<3x3x1x4xf32>, %p1: memref<4xf32>, %p2: memref<8x2xf32>,
    %p3: memref<2xf32>, %scale: f32, %seed: i64, %step: i64, %first: i64,
    %loss: memref<f32>, %correct: memref<f32>, %g0: memref<3x3x1x4xf32>,
    %g1: memref<4xf32>, %g2: memref<8x2xf32>, %g3: memref<2xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%loss : memref<f32>)
  linalg.fill ins(%one : f32) outs(%g3 : memref<2xf32>)
  linalg.fill ins(%one : f32) outs(%g2 : memref<8x2xf32>)
  // A write through a view counts as a write of the buffer it views.
  %row = memref.subview %g2[0, 0] [1, 2] [1, 1] : memref<8x2xf32> to memref<1x2xf32, strided<[2, 1]>>
  linalg.fill ins(%zero : f32) outs(%row : memref<1x2xf32, strided<[2, 1]>>)
  %dx = memref.alloc() : memref<8x2xf32>
  linalg.copy ins(%p2 : memref<8x2xf32>) outs(%dx : memref<8x2xf32>)
  linalg.fill ins(%one : f32) outs(%g0 : memref<3x3x1x4xf32>)
  linalg.fill ins(%one : f32) outs(%g1 : memref<4xf32>)
  return
}

// -----

// The bias of the last layer is written again after the first layer's
// kernel gradient (as a weight penalty would): [3, 4) is not final before
// [0, 3) starts, and no shorter run is either, so there is no call.
// CHECK-LABEL: func.func @train_gradients
// CHECK-NOT: llvm.call
// CHECK-NOT: cnnc_gradient_ready
func.func @train_gradients(%x: memref<?x4xf32>, %labels: memref<?xi32>,
    %p0: memref<4x2xf32>, %p1: memref<2xf32>, %p2: memref<2x2xf32>,
    %p3: memref<2xf32>, %scale: f32, %seed: i64, %step: i64, %first: i64,
    %loss: memref<f32>, %correct: memref<f32>, %g0: memref<4x2xf32>,
    %g1: memref<2xf32>, %g2: memref<2x2xf32>, %g3: memref<2xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%g3 : memref<2xf32>)
  linalg.fill ins(%one : f32) outs(%g2 : memref<2x2xf32>)
  linalg.fill ins(%one : f32) outs(%g0 : memref<4x2xf32>)
  linalg.fill ins(%one : f32) outs(%g1 : memref<2xf32>)
  linalg.fill ins(%one : f32) outs(%g3 : memref<2xf32>)
  return
}

// -----

// The last layer's kernel is read after the first layer's gradient is
// written: the runtime could not update it early, so [2, 4) does not
// qualify; [3, 4) (the bias) does.
// CHECK-LABEL: func.func @train_gradients
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : memref<2xf32>)
// CHECK-NEXT: %[[S:.*]] = arith.constant 3 : i64
// CHECK-NEXT: llvm.call @cnnc_gradient_ready(%[[S]])
// CHECK-NEXT: linalg.fill
func.func @train_gradients(%x: memref<?x4xf32>, %labels: memref<?xi32>,
    %p0: memref<4x2xf32>, %p1: memref<2xf32>, %p2: memref<2x2xf32>,
    %p3: memref<2xf32>, %scale: f32, %seed: i64, %step: i64, %first: i64,
    %loss: memref<f32>, %correct: memref<f32>, %g0: memref<4x2xf32>,
    %g1: memref<2xf32>, %g2: memref<2x2xf32>, %g3: memref<2xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%g3 : memref<2xf32>)
  linalg.fill ins(%one : f32) outs(%g2 : memref<2x2xf32>)
  linalg.fill ins(%one : f32) outs(%g0 : memref<4x2xf32>)
  %dx = memref.alloc() : memref<2x2xf32>
  linalg.copy ins(%p2 : memref<2x2xf32>) outs(%dx : memref<2x2xf32>)
  linalg.fill ins(%one : f32) outs(%g1 : memref<2xf32>)
  return
}

// -----

// An op whose writes are unknown (a call) may write any gradient: after
// the last layer's it may have written the first layer's too, so no run is
// known final before the rest starts, and there is no call.
// CHECK-LABEL: func.func @train_gradients
// CHECK-NOT: cnnc_gradient_ready
func.func private @opaque()
func.func @train_gradients(%x: memref<?x4xf32>, %labels: memref<?xi32>,
    %p0: memref<4x2xf32>, %p1: memref<2xf32>, %p2: memref<2x2xf32>,
    %p3: memref<2xf32>, %scale: f32, %seed: i64, %step: i64, %first: i64,
    %loss: memref<f32>, %correct: memref<f32>, %g0: memref<4x2xf32>,
    %g1: memref<2xf32>, %g2: memref<2x2xf32>, %g3: memref<2xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%g3 : memref<2xf32>)
  call @opaque() : () -> ()
  linalg.fill ins(%one : f32) outs(%g1 : memref<2xf32>)
  linalg.fill ins(%one : f32) outs(%g0 : memref<4x2xf32>)
  return
}

// -----

// A module without a training step is left as it is.
// CHECK-LABEL: func.func @forward
// CHECK-NOT: cnnc_gradient_ready
func.func @forward(%x: memref<?x4xf32>, %out: memref<?x4xf32>) {
  return
}

// -----

// @train_gradients before bufferization (results, not output arguments).
// expected-error @+1 {{--cnn-gradient-ready-hook expects the bufferized @train_gradients, its results written through output arguments}}
func.func @train_gradients(%x: tensor<?x4xf32>) -> tensor<f32> {
  %zero = arith.constant dense<0.0> : tensor<f32>
  return %zero : tensor<f32>
}

// -----

// expected-error @+1 {{the module already has a gradient-ready hook}}
module {
  llvm.mlir.global weak @cnnc_gradient_ready_hook() : !llvm.ptr
  func.func @train_gradients(%x: memref<?x4xf32>) {
    return
  }
}
