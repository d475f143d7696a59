// RUN: cnnc-opt %s -split-input-file --cnn-plan-memory --verify-diagnostics | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --cnn-plan-memory="free-workspaces=false" --verify-diagnostics | FileCheck %s --check-prefix=NOFREE

// --cnn-plan-memory runs on bufferized, outlined IR: @forward is one block
// of allocations, steps (calls of the nests) and deallocations. Each
// allocation becomes a memref.view of a workspace, a new last argument;
// its deallocations go.
//
// Lives, in steps (the calls, numbered from 0):
//   %a  memref<?x16xf32>   64 B per image   steps 0-1
//   %b  memref<?x32xf32>  128 B per image   steps 1-2
//   %c  memref<?x16xf32>   64 B per image   steps 2-4 (step 4 reads it
//                                           through a collapse_shape;
//                                           memref.dim of it is no use)
//   %t  memref<4x4xf32>    64 B             step 2
//   %u  memref<3xf32>      12 B -> 64       step 3
// Fixed buffers first: %t and %u never live together, so both sit at 0
// and the fixed region is 64 bytes. Per-image buffers after it, largest
// first: %b at 0; %a and %c each overlap %b in time, not each other, so
// both go to 128 per image. Workspace: 64 + 192 * n.
//
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: memref<?x16xf32>, %[[Y:.*]]: memref<?x16xf32>, %[[WS:.*]]: memref<?xi8> {cnnc.workspace})
// CHECK-SAME: cnnc.memory_plan = {buffers = [
// CHECK-SAME: {bytes = [64, 0], live = [0, 1], loc = #loc{{[0-9]*}}, offset = [128, 64]},
// CHECK-SAME: {bytes = [128, 0], live = [1, 2], loc = #loc{{[0-9]*}}, offset = [0, 64]},
// CHECK-SAME: {bytes = [64, 0], live = [2, 4], loc = #loc{{[0-9]*}}, offset = [128, 64]},
// CHECK-SAME: {bytes = [0, 64], live = [2, 2], loc = #loc{{[0-9]*}}, offset = [0, 0]},
// CHECK-SAME: {bytes = [0, 12], live = [3, 3], loc = #loc{{[0-9]*}}, offset = [0, 0]}],
// CHECK-SAME: fixed_bytes = 64 : i64, per_sample_bytes = 192 : i64, steps = [
// CHECK: memref.dim %[[X]], %{{.*}} : memref<?x16xf32>
// CHECK: %[[A_AT:.*]] = arith.addi {{.*}} : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[A_AT]]][%{{.*}}] : memref<?xi8> to memref<?x16xf32>
// CHECK: %[[B_AT:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[B_AT]]][%{{.*}}] : memref<?xi8> to memref<?x32xf32>
// CHECK: %[[C:.*]] = memref.view %[[WS]][%{{.*}}][%{{.*}}] : memref<?xi8> to memref<?x16xf32>
// CHECK: %[[T:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<?xi8> to memref<4x4xf32>
// CHECK: %[[U:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<?xi8> to memref<3xf32>
// CHECK: call @widen(%[[X]], %[[A]])
// CHECK: call @widen2(%[[A]], %[[B]])
// CHECK: call @scratch(%[[B]], %[[T]], %[[C]])
// CHECK: call @small(%[[U]])
// CHECK: call @read(%{{.*}}, %[[Y]])
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
//
// The bytes for a batch of n, for the callers and the C interface.
// CHECK-LABEL: func.func private @forward_workspace_bytes(%{{.*}}: index) -> index
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[S:.*]] = arith.muli %{{.*}}, %{{.*}}192
// CHECK: %[[TOTAL:.*]] = arith.addi %[[S]], %{{.*}}64
// CHECK: return %[[TOTAL]]
//
// A caller allocates the workspace around its call, 64-byte aligned.
// CHECK-LABEL: func.func @cnnc_forward
// CHECK: %[[BATCH:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?x16xf32>
// CHECK: %[[BYTES:.*]] = call @forward_workspace_bytes(%[[BATCH]])
// CHECK: %[[W:.*]] = memref.alloc(%[[BYTES]]) {alignment = 64 : i64, cnnc.workspace} : memref<?xi8>
// CHECK: call @forward(%{{.*}}, %{{.*}}, %[[W]])
// CHECK: memref.dealloc %[[W]]
func.func private @widen(memref<?x16xf32>, memref<?x16xf32>)
func.func private @widen2(memref<?x16xf32>, memref<?x32xf32>)
func.func private @scratch(memref<?x32xf32>, memref<4x4xf32>, memref<?x16xf32>)
func.func private @small(memref<3xf32>)
func.func private @read(memref<?xf32>, memref<?x16xf32>)
func.func @forward(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x32xf32>
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %t = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
  %u = memref.alloc() {alignment = 64 : i64} : memref<3xf32>
  call @widen(%x, %a) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  call @widen2(%a, %b) : (memref<?x16xf32>, memref<?x32xf32>) -> ()
  call @scratch(%b, %t, %c) : (memref<?x32xf32>, memref<4x4xf32>, memref<?x16xf32>) -> ()
  call @small(%u) : (memref<3xf32>) -> ()
  %flat = memref.collapse_shape %c [[0, 1]] : memref<?x16xf32> into memref<?xf32>
  // Reading a view's size is no use of the buffer's bytes.
  %size = memref.dim %flat, %c0 : memref<?xf32>
  call @read(%flat, %y) : (memref<?xf32>, memref<?x16xf32>) -> ()
  memref.dealloc %a : memref<?x16xf32>
  memref.dealloc %b : memref<?x32xf32>
  memref.dealloc %c : memref<?x16xf32>
  memref.dealloc %t : memref<4x4xf32>
  memref.dealloc %u : memref<3xf32>
  return
}
func.func @cnnc_forward(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  call @forward(%x, %y) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  return
}

// -----

// A buffer whose size is not a constant or a multiple of the batch (here
// n * n) has no place in a plan that holds for every n: it stays a heap
// allocation of its own, and the model still compiles.
// CHECK-LABEL: func.func @forward
// CHECK: %[[NN:.*]] = arith.muli
// CHECK-NEXT: memref.alloc(%[[NN]]) : memref<?xf32>
func.func @forward(%x: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %nn = arith.muli %n, %n : index
  %a = memref.alloc(%nn) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// Nor does one of n + 1 elements (a * n + b with both parts).
// CHECK-LABEL: func.func @forward
// CHECK: %[[M:.*]] = arith.addi
// CHECK-NEXT: memref.alloc(%[[M]]) : memref<?x4xf32>
func.func @forward(%x: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %m = arith.addi %n, %c1 : index
  %a = memref.alloc(%m) : memref<?x4xf32>
  memref.dealloc %a : memref<?x4xf32>
  return
}

// -----

// A buffer that leaves @forward cannot live in a workspace its caller
// does not keep.
func.func @forward(%x: memref<?x4xf32>) -> memref<8xf32> {
  %a = memref.alloc() : memref<8xf32>
  // expected-error @below {{cnnc cannot place a buffer that this op uses in the workspace}}
  return %a : memref<8xf32>
}

// -----

// Any other function (the training step's) gets a workspace of its own,
// allocated at its start and freed before it returns; @forward is absent
// here, so no @forward_workspace_bytes either. %a and %b are live together
// (step 1 reads %a, writes %b), %c only after %a: it takes %a's place.
// CHECK-LABEL: func.func private @train_gradients
// CHECK-SAME: (%[[X:.*]]: memref<?x16xf32>, %[[Y:.*]]: memref<?x16xf32>)
// CHECK: memref.dim %[[X]]
// CHECK: %[[S:.*]] = arith.muli %{{.*}}, %{{.*}}128
// CHECK: %[[BYTES:.*]] = arith.addi %[[S]], %{{.*}}
// CHECK: %[[WS:.*]] = memref.alloc(%[[BYTES]]) {alignment = 64 : i64, cnnc.workspace} : memref<?xi8>
// CHECK: memref.view %[[WS]]
// CHECK: memref.view %[[WS]]
// CHECK: memref.view %[[WS]]
// CHECK-NOT: memref.alloc
// CHECK: call @widen(%[[X]], %{{.*}})
// CHECK: memref.dealloc %[[WS]] : memref<?xi8>
// CHECK-NEXT: return
// CHECK-NOT: @forward_workspace_bytes
// NOFREE-LABEL: func.func private @train_gradients
// NOFREE: memref.alloc({{.*}}) {alignment = 64 : i64, cnnc.workspace}
// NOFREE-NOT: memref.dealloc
// NOFREE: return
func.func private @widen(memref<?x16xf32>, memref<?x16xf32>)
func.func private @train_gradients(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  call @widen(%x, %a) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  call @widen(%a, %b) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  call @widen(%b, %c) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  call @widen(%c, %y) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  return
}

// -----

// A buffer a loop passes through its iter_args lives as long as the loop's
// result is used: %a (steps 0-2, through %r) and %b (step 1) overlap, so
// they get different offsets.
// CHECK-LABEL: func.func private @evaluate
// CHECK: memref.alloc({{.*}}) {alignment = 64 : i64, cnnc.workspace}
// CHECK: %[[A_AT:.*]] = arith.addi
// CHECK-NEXT: memref.view %{{.*}}[%[[A_AT]]][{{.*}}] : memref<?xi8> to memref<?x16xf32>
// CHECK: %[[B_AT:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %{{.*}}[%[[B_AT]]][{{.*}}] : memref<?xi8> to memref<?x32xf32>
func.func private @widen(memref<?x16xf32>, memref<?x16xf32>)
func.func private @scratch(memref<?x32xf32>)
func.func private @evaluate(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x32xf32>
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%it = %a) -> (memref<?x16xf32>) {
    func.call @widen(%x, %it) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
    scf.yield %it : memref<?x16xf32>
  }
  call @scratch(%b) : (memref<?x32xf32>) -> ()
  call @widen(%r, %y) : (memref<?x16xf32>, memref<?x16xf32>) -> ()
  return
}

// -----

// The optimizer's functions have more than one dynamic size: a buffer
// sized by another one than the function's first stays on the heap.
// CHECK-LABEL: func.func private @apply_gradients
// CHECK: memref.alloc({{.*}}) {alignment = 64 : i64, cnnc.workspace} : memref<?xi8>
// CHECK: %[[M:.*]] = memref.dim %arg1, %{{.*}} : memref<?xf32>
// CHECK: memref.alloc(%[[M]]) {alignment = 64 : i64} : memref<?xf32>
func.func private @use(memref<?xf32>, memref<?xf32>)
func.func private @apply_gradients(%p: memref<?xf32>, %q: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %p, %c0 : memref<?xf32>
  %m = memref.dim %q, %c0 : memref<?xf32>
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  %b = memref.alloc(%m) {alignment = 64 : i64} : memref<?xf32>
  call @use(%a, %b) : (memref<?xf32>, memref<?xf32>) -> ()
  return
}
