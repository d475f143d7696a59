// RUN: cnnc-opt %s --cnn-outline-loop-nests | FileCheck %s

// --cnn-outline-loop-nests runs after bufferization: each loop or linalg op
// directly in a function's body moves into a private function of its own,
// called in its place; allocations, deallocations and views stay. The
// nest receives the buffers and scalars it uses; constants, and views with
// what they are views of, are rebuilt inside, so that two views of one
// buffer are still seen to alias there. Nests that compute the same share
// one function.

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[X:.*]]: memref<?x8xf32>, %[[N:.*]]: index, %[[Y:.*]]: memref<4xf32>)
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NOT: scf.for
// CHECK: call @step_nest0(%[[Y]]) : (memref<4xf32>) -> ()
// CHECK-NEXT: call @step_nest1(%[[N]], %[[X]], %[[BUF]]) : (index, memref<?x8xf32>, memref<16xf32>) -> ()
// CHECK-NEXT: memref.dealloc %[[BUF]]
// CHECK-NEXT: return
//
// A nest: internal (not exported from an object) and never inlined, so
// that LLVM does not rebuild the one big function.
// CHECK: func.func private @step_nest0(%[[A:.*]]: memref<4xf32>)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline}
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.0
// CHECK-NEXT: linalg.fill ins(%[[ZERO]] : f32) outs(%[[A]] : memref<4xf32>)
// CHECK-NEXT: return
//
// Both halves of %buf come in as %buf itself, their subviews rebuilt; the
// loop's bound is an argument, its step a constant again.
// CHECK: func.func private @step_nest1(%[[BOUND:.*]]: index, %[[IN:.*]]: memref<?x8xf32>, %[[B:.*]]: memref<16xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[LO:.*]] = memref.subview %[[B]][0] [8] [1]
// CHECK-DAG: %[[HI:.*]] = memref.subview %[[B]][8] [8] [1]
// CHECK: scf.for %[[I:.*]] = %[[C0]] to %[[BOUND]] step %[[C1]] {
// CHECK: memref.load %[[IN]][%[[I]], %{{.*}}]
// CHECK: memref.load %[[LO]]
// CHECK: memref.store %{{.*}}, %[[HI]]
// CHECK: return
func.func @step(%x: memref<?x8xf32>, %n: index, %y: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<16xf32>
  %lo = memref.subview %buf[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  %hi = memref.subview %buf[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  linalg.fill ins(%zero : f32) outs(%y : memref<4xf32>)
  scf.for %i = %c0 to %n step %c1 {
    %a = memref.load %x[%i, %c0] : memref<?x8xf32>
    %b = memref.load %lo[%c0] : memref<8xf32, strided<[1]>>
    %s = arith.addf %a, %b : f32
    memref.store %s, %hi[%c0] : memref<8xf32, strided<[1], offset: 8>>
  }
  memref.dealloc %buf : memref<16xf32>
  return
}

// Nests that compute the same share one function, whichever function they
// come from: both 4-float fills call @step_nest0; the 8-float one has its
// own, and no other function is made.
// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[P:.*]]: memref<4xf32>, %[[Q:.*]]: memref<4xf32>, %[[R:.*]]: memref<8xf32>)
// CHECK: call @step_nest0(%[[P]])
// CHECK-NEXT: call @step_nest0(%[[Q]])
// CHECK-NEXT: call @twice_nest2(%[[R]])
// CHECK-NEXT: return
// CHECK-NOT: func.func
// CHECK: func.func private @twice_nest2(%{{.*}}: memref<8xf32>)
// CHECK-NOT: func.func
func.func @twice(%p: memref<4xf32>, %q: memref<4xf32>, %r: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<4xf32>)
  linalg.fill ins(%zero : f32) outs(%q : memref<4xf32>)
  linalg.fill ins(%zero : f32) outs(%r : memref<8xf32>)
  return
}
