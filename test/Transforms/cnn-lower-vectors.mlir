// RUN: cnnc-opt %s --cnn-lower-vectors --split-input-file | FileCheck %s

// After bufferization: a convolution's accumulators are read once, carried
// through the reduction loop in registers, written once; the contraction is
// broadcast-and-FMA (outer products).

// CHECK-LABEL: func.func @accumulate
func.func @accumulate(%in: memref<1x12x32xf32>, %k: memref<3x32x32xf32>, %out: memref<1x10x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: vector.transfer_read %{{.*}} : memref<1x10x32xf32>, vector<10x32xf32>
  // CHECK: scf.for {{.*}} iter_args
  // CHECK: scf.for {{.*}} iter_args
  // CHECK-NOT: memref<1x10x32xf32>
  // CHECK: vector.fma {{.*}} : vector<32xf32>
  // CHECK: scf.yield
  // CHECK: scf.yield
  // CHECK: vector.transfer_write %{{.*}} : vector<10x32xf32>, memref<1x10x32xf32>
  scf.for %kw = %c0 to %c3 step %c1 {
    scf.for %c = %c0 to %c32 step %c8 {
      %sub = memref.subview %out[0, 0, 0] [1, 10, 32] [1, 1, 1] : memref<1x10x32xf32> to memref<1x10x32xf32, strided<[320, 32, 1]>>
      %acc = vector.transfer_read %sub[%c0, %c0, %c0], %zero {in_bounds = [true, true, true]} : memref<1x10x32xf32, strided<[320, 32, 1]>>, vector<1x10x32xf32>
      %x = vector.transfer_read %in[%c0, %kw, %c], %zero {in_bounds = [true, true, true]} : memref<1x12x32xf32>, vector<1x10x8xf32>
      %w = vector.transfer_read %k[%kw, %c, %c0], %zero {in_bounds = [true, true]} : memref<3x32x32xf32>, vector<8x32xf32>
      %r = vector.contract {indexing_maps = [affine_map<(n, w, f, c) -> (n, w, c)>, affine_map<(n, w, f, c) -> (c, f)>, affine_map<(n, w, f, c) -> (n, w, f)>],
                            iterator_types = ["parallel", "parallel", "parallel", "reduction"], kind = #vector.kind<add>}
           %x, %w, %acc : vector<1x10x8xf32>, vector<8x32xf32> into vector<1x10x32xf32>
      vector.transfer_write %r, %sub[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x10x32xf32>, memref<1x10x32xf32, strided<[320, 32, 1]>>
    }
  }
  return
}

// -----

// The same through a view at a dynamic offset (a tap's window of the input
// gradient, dx[:, p + i, q + j, :], read at row i): folding the view into the read and
// the write gives each its own affine.apply of the same operands; after
// CSE they are one value, and the pair is hoisted out of the reduction
// loop (before, the accumulators were loaded and stored at every step).
// CHECK-LABEL: func.func @accumulate_in_window
func.func @accumulate_in_window(%in: memref<1x10x32xf32>, %k: memref<32x32xf32>, %out: memref<1x24x32xf32>, %q: index, %i: index) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[ACC:.*]] = vector.transfer_read %{{.*}} : memref<1x24x32xf32>, vector<10x32xf32>
  // CHECK: %[[SUM:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[ACC]])
  // CHECK-NOT: memref<1x24x32xf32>
  // CHECK: vector.fma {{.*}} : vector<32xf32>
  // CHECK: scf.yield
  // CHECK: vector.transfer_write %[[SUM]], %{{.*}} : vector<10x32xf32>, memref<1x24x32xf32>
  %window = memref.subview %out[0, %q, 0] [1, 14, 32] [1, 1, 1] : memref<1x24x32xf32> to memref<1x14x32xf32, strided<[768, 32, 1], offset: ?>>
  scf.for %c = %c0 to %c32 step %c8 {
    %acc = vector.transfer_read %window[%c0, %i, %c0], %zero {in_bounds = [true, true, true]} : memref<1x14x32xf32, strided<[768, 32, 1], offset: ?>>, vector<1x10x32xf32>
    %x = vector.transfer_read %in[%c0, %c0, %c], %zero {in_bounds = [true, true, true]} : memref<1x10x32xf32>, vector<1x10x8xf32>
    %w = vector.transfer_read %k[%c, %c0], %zero {in_bounds = [true, true]} : memref<32x32xf32>, vector<8x32xf32>
    %r = vector.contract {indexing_maps = [affine_map<(n, w, f, c) -> (n, w, c)>, affine_map<(n, w, f, c) -> (c, f)>, affine_map<(n, w, f, c) -> (n, w, f)>],
                          iterator_types = ["parallel", "parallel", "parallel", "reduction"], kind = #vector.kind<add>}
         %x, %w, %acc : vector<1x10x8xf32>, vector<8x32xf32> into vector<1x10x32xf32>
    vector.transfer_write %r, %window[%c0, %i, %c0] {in_bounds = [true, true, true]} : vector<1x10x32xf32>, memref<1x14x32xf32, strided<[768, 32, 1], offset: ?>>
  }
  return
}

// -----

// A 16 x 16 transpose becomes shuffles of whole rows, not 256 scalar moves.
// CHECK-LABEL: func.func @transpose16x16
func.func @transpose16x16(%v: vector<16x16xf32>) -> vector<16x16xf32> {
  // CHECK-NOT: vector.extract {{.*}} : f32
  // CHECK-COUNT-64: vector.shuffle
  // CHECK-NOT: vector.shuffle
  %t = vector.transpose %v, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
  return %t : vector<16x16xf32>
}

// -----

// A masked tile's transfers become masked loads and stores.
// CHECK-LABEL: func.func @masked_tile
func.func @masked_tile(%m: memref<?xf32>, %n: index) {
  // CHECK: %[[MASK:.*]] = vector.create_mask
  // CHECK: vector.maskedload %{{.*}}[%{{.*}}], %[[MASK]]
  // CHECK: vector.maskedstore %{{.*}}[%{{.*}}], %[[MASK]]
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %mask = vector.create_mask %n : vector<16xi1>
  %v = vector.mask %mask { vector.transfer_read %m[%c0], %pad {in_bounds = [true]} : memref<?xf32>, vector<16xf32> } : vector<16xi1> -> vector<16xf32>
  %w = arith.addf %v, %v : vector<16xf32>
  vector.mask %mask { vector.transfer_write %w, %m[%c0] {in_bounds = [true]} : vector<16xf32>, memref<?xf32> } : vector<16xi1>
  return
}

// -----

// A contraction whose reductions all have size 1 is an outer product: one
// broadcast FMA per row, not element-by-element products.
// CHECK-LABEL: func.func @unit_reduction_contract
func.func @unit_reduction_contract(%a: vector<1x1x1x8xf32>, %b: vector<1x1x1x32xf32>,
                                   %acc: vector<8x32xf32>) -> vector<8x32xf32> {
  // CHECK-COUNT-8: vector.fma {{.*}} : vector<32xf32>
  // CHECK-NOT: vector.fma
  // CHECK-NOT: arith.mulf
  %r = vector.contract {indexing_maps = [affine_map<(c, f, n, i, j) -> (n, i, j, c)>,
                                         affine_map<(c, f, n, i, j) -> (n, i, j, f)>,
                                         affine_map<(c, f, n, i, j) -> (c, f)>],
                        iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"],
                        kind = #vector.kind<add>} %a, %b, %acc
       : vector<1x1x1x8xf32>, vector<1x1x1x32xf32> into vector<8x32xf32>
  return %r : vector<8x32xf32>
}

// -----

// With a scalar operand (one tap of a one-channel kernel gradient: an x
// value against a dy pixel's filters), it is one broadcast FMA.
// CHECK-LABEL: func.func @unit_reduction_axpy
func.func @unit_reduction_axpy(%x: vector<1x1x1xf32>, %dy: vector<1x1x1x32xf32>,
                               %acc: vector<32xf32>) -> vector<32xf32> {
  // CHECK: %[[DY:.*]] = vector.extract %arg1[0, 0, 0] : vector<32xf32> from vector<1x1x1x32xf32>
  // CHECK: %[[X:.*]] = vector.extract %arg0[0, 0, 0] : f32 from vector<1x1x1xf32>
  // CHECK: %[[SPLAT:.*]] = vector.splat %[[X]] : vector<32xf32>
  // CHECK: vector.fma %[[DY]], %[[SPLAT]], %arg2 : vector<32xf32>
  // CHECK-NOT: vector.insert
  %r = vector.contract {indexing_maps = [affine_map<(n, i, j, f) -> (n, i, j)>,
                                         affine_map<(n, i, j, f) -> (n, i, j, f)>,
                                         affine_map<(n, i, j, f) -> (f)>],
                        iterator_types = ["reduction", "reduction", "reduction", "parallel"],
                        kind = #vector.kind<add>} %x, %dy, %acc
       : vector<1x1x1xf32>, vector<1x1x1x32xf32> into vector<32xf32>
  return %r : vector<32xf32>
}

// -----

// A reduction of size 2 is not an outer product: the pattern leaves such a
// contraction to the general lowering (which then reduces along it), and
// changes nothing on its way.
// CHECK-LABEL: func.func @reduction_of_two
func.func @reduction_of_two(%a: vector<2x8xf32>, %b: vector<2x32xf32>,
                            %acc: vector<8x32xf32>) -> vector<8x32xf32> {
  // CHECK-NOT: vector.contract
  // CHECK-COUNT-16: vector.fma
  // CHECK-NOT: vector.fma
  %r = vector.contract {indexing_maps = [affine_map<(c, f, k) -> (k, c)>,
                                         affine_map<(c, f, k) -> (k, f)>,
                                         affine_map<(c, f, k) -> (c, f)>],
                        iterator_types = ["parallel", "parallel", "reduction"],
                        kind = #vector.kind<add>} %a, %b, %acc
       : vector<2x8xf32>, vector<2x32xf32> into vector<8x32xf32>
  return %r : vector<8x32xf32>
}

// -----

// out(i) += a(i) * b(i): neither operand is a scalar, so this is no outer
// product either.
// CHECK-LABEL: func.func @elementwise_product
func.func @elementwise_product(%a: vector<1x16xf32>, %b: vector<1x16xf32>,
                               %acc: vector<16xf32>) -> vector<16xf32> {
  // CHECK-NOT: vector.outerproduct
  // CHECK-NOT: vector.splat
  %r = vector.contract {indexing_maps = [affine_map<(k, i) -> (k, i)>,
                                         affine_map<(k, i) -> (k, i)>,
                                         affine_map<(k, i) -> (i)>],
                        iterator_types = ["reduction", "parallel"],
                        kind = #vector.kind<add>} %a, %b, %acc
       : vector<1x16xf32>, vector<1x16xf32> into vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// A one-element transfer through a rank-reducing subview (a 1-filter,
// 1-channel kernel gradient's tap written into its kernel) is a scalar load
// and store. Folded into the kernel as a transfer whose map picks the outer
// dimension, it sent the permutation-map and unit-dimension patterns into
// a loop that grew the IR until memory ran out.
// CHECK-LABEL: func.func @one_element_through_subview
// CHECK-SAME: (%[[SRC:.*]]: memref<1xf32>, %[[K:.*]]: memref<4x3x1x1xf32>)
// CHECK: %[[V:.*]] = memref.load %[[SRC]][%c0] : memref<1xf32>
// CHECK-NEXT: memref.store %[[V]], %[[K]][%c0, %c0, %c0, %c0] : memref<4x3x1x1xf32>
// CHECK-NEXT: return
func.func @one_element_through_subview(%src: memref<1xf32>, %k: memref<4x3x1x1xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %tap = memref.subview %k[0, 0, 0, 0] [1, 1, 1, 1] [1, 1, 1, 1] : memref<4x3x1x1xf32> to memref<1xf32, strided<[3]>>
  %v = vector.transfer_read %src[%c0], %cst {in_bounds = [true]} : memref<1xf32>, vector<1xf32>
  vector.transfer_write %v, %tap[%c0] {in_bounds = [true]} : vector<1xf32>, memref<1xf32, strided<[3]>>
  return
}
