// RUN: cnnc-opt %s --cnn-vectorize --split-input-file | FileCheck %s

// A convolution's kernel gradient with 1, 2, 4 or 8 filters takes lanes of
// (filter, channel mod G), G = 16 / F (FewFilterKernelGradient.cpp), not
// rows of channels by an F-lane vector.
//
// The 8-filter chain's form: one tap per op, in a loop over a kernel row's
// taps. The row's 3 taps run in one pass over the pixels: per pixel, dy's
// 8 filters repeated twice (one shuffle), and for each tap and pair of
// channels one broadcast of the pair and one 16-lane FMA into an
// accumulator of its own (3 taps x 4 pairs = 12).

// CHECK-LABEL: func.func @tap_row
// CHECK-SAME: (%[[X:.*]]: memref<?x30x30x8xf32>, %{{.*}}: index, %[[DK:.*]]: memref<3x3x8x8xf32>, %[[DY:.*]]: memref<?x28x28x8xf32>)
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[KH:.*]] = %c0 to %c3 step %c1 {
// The tap loop is gone: each tap's views, for kw = 0, 1, 2.
// CHECK-NOT: scf.for
// CHECK: %[[X0:.*]] = memref.subview %[[X]][0, %[[KH]], 0, 0]
// CHECK: %[[DK0:.*]] = memref.subview %[[DK]][%[[KH]], 0, 0, 0]
// CHECK: %[[X1:.*]] = memref.subview %[[X]][0, %[[KH]], 1, 0]
// CHECK: %[[DK1:.*]] = memref.subview %[[DK]][%[[KH]], 1, 0, 0]
// CHECK: %[[X2:.*]] = memref.subview %[[X]][0, %[[KH]], 2, 0]
// CHECK: %[[DK2:.*]] = memref.subview %[[DK]][%[[KH]], 2, 0, 0]
// Each accumulator starts from the two rows of the output it sums into,
// its lanes reordered (lane f * 2 + j holds row j, column f): each (c, f)
// is one running sum from the output's value, the contraction tiles' order,
// also when the op is called once per image.
// CHECK: %[[OLD:.*]] = vector.transfer_read %[[DK0]][%c0, %c0]{{.*}} vector<2x8xf32>
// CHECK: %[[FLAT:.*]] = vector.shape_cast %[[OLD]] : vector<2x8xf32> to vector<16xf32>
// CHECK: %[[INIT:.*]] = vector.shuffle %[[FLAT]], %[[FLAT]] [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]
// CHECK-COUNT-3: vector.transfer_read %[[DK0]]
// CHECK-COUNT-4: vector.transfer_read %[[DK1]]
// CHECK-COUNT-4: vector.transfer_read %[[DK2]]
// Images, rows, then pixels one at a time (12 accumulators are enough).
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]], {{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: scf.for %{{.*}} = %c0 to %c28 step %c1
// CHECK: scf.for %[[W:.*]] = %c0 to %c28 step %c1
// CHECK: %[[D:.*]] = vector.transfer_read %[[DY]][%{{.*}}, %{{.*}}, %[[W]], %c0]{{.*}} vector<8xf32>
// CHECK: %[[REPEATED:.*]] = vector.shuffle %[[D]], %[[D]] [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
// CHECK: %[[PAIR:.*]] = vector.transfer_read %[[X0]][%{{.*}}, %{{.*}}, %[[W]], %c0]{{.*}} vector<2xf32>
// CHECK: %[[BROADCAST:.*]] = vector.shuffle %[[PAIR]], %[[PAIR]] [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
// CHECK: vector.fma %[[BROADCAST]], %[[REPEATED]], %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_read %[[X0]][%{{.*}}, %{{.*}}, %[[W]], %c2]
// CHECK-COUNT-11: vector.fma %{{.*}}, %[[REPEATED]], %{{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
// CHECK: scf.yield
// After the pixels: each accumulator's lanes back in the kernel's order
// (row c, column f), written over the two rows of the output it covers.
// CHECK-NOT: arith.addf
// CHECK: %[[ORDERED:.*]] = vector.shuffle %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15]
// CHECK-NOT: arith.addf
// CHECK: %[[ROWS:.*]] = vector.shape_cast %[[ORDERED]] : vector<16xf32> to vector<2x8xf32>
// CHECK: vector.transfer_write %[[ROWS]], %[[DK0]][%c0, %c0]
// CHECK-COUNT-3: vector.transfer_write %{{.*}}, %[[DK0]]
// CHECK-COUNT-4: vector.transfer_write %{{.*}}, %[[DK1]]
// CHECK-COUNT-4: vector.transfer_write %{{.*}}, %[[DK2]]
func.func @tap_row(%x: memref<?x30x30x8xf32>, %batch: index, %dk: memref<3x3x8x8xf32>, %dy: memref<?x28x28x8xf32>) {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c1 = arith.constant 1 : index
  scf.for %kh = %c0 to %c3 step %c1 {
    scf.for %kw = %c0 to %c3 step %c1 {
      %xs = memref.subview %x[0, %kh, %kw, 0] [%batch, 28, 28, 8] [1, 1, 1, 1] : memref<?x30x30x8xf32> to memref<?x28x28x8xf32, strided<[7200, 240, 8, 1], offset: ?>>
      %dks = memref.subview %dk[%kh, %kw, 0, 0] [1, 1, 8, 8] [1, 1, 1, 1] : memref<3x3x8x8xf32> to memref<8x8xf32, strided<[8, 1], offset: ?>>
      linalg.generic {indexing_maps = [affine_map<(c, f, n, h, w) -> (n, h, w, c)>, affine_map<(c, f, n, h, w) -> (n, h, w, f)>, affine_map<(c, f, n, h, w) -> (c, f)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%xs, %dy : memref<?x28x28x8xf32, strided<[7200, 240, 8, 1], offset: ?>>, memref<?x28x28x8xf32>) outs(%dks : memref<8x8xf32, strided<[8, 1], offset: ?>>) {
      ^bb0(%in: f32, %in_2: f32, %out: f32):
        %0 = arith.mulf %in, %in_2 : f32
        %1 = arith.addf %out, %0 : f32
        linalg.yield %1 : f32
      }
    }
  }
  return
}

// -----

// One tap alone (a 1x1 kernel has no tap loop), 4 filters x 8 channels:
// lanes of 4 filters x 4 channels, two groups of channels, one accumulator
// each. Each (c, f) stays one running sum over (image, row, column), the
// contraction tiles' order: pixels are not split over accumulators (that
// changed the sums' last bits, and training drifted from TF.js's).

// CHECK-LABEL: func.func @one_tap
// CHECK-SAME: (%[[X:.*]]: memref<2x6x8x8xf32>, %[[DY:.*]]: memref<2x6x8x4xf32>, %[[DK:.*]]: memref<8x4xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[OLD:.*]] = vector.transfer_read %[[DK]][%c0, %c0]{{.*}} vector<4x4xf32>
// CHECK: %[[FLAT:.*]] = vector.shape_cast %[[OLD]]
// CHECK: %[[INIT:.*]] = vector.shuffle %[[FLAT]], %[[FLAT]] [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
// CHECK: vector.transfer_read %[[DK]][%c4, %c0]{{.*}} vector<4x4xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]], %{{.*}} = %{{.*}})
// CHECK: scf.for %[[W:.*]] = %c0 to %c8 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>)
// CHECK: %[[D:.*]] = vector.transfer_read %[[DY]][%{{.*}}, %{{.*}}, %[[W]], %c0]{{.*}} vector<4xf32>
// CHECK: %[[REPEATED:.*]] = vector.shuffle %[[D]], %[[D]] [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]
// CHECK: %[[V:.*]] = vector.transfer_read %[[X]][%{{.*}}, %{{.*}}, %[[W]], %c0]{{.*}} vector<4xf32>
// CHECK: %[[B:.*]] = vector.shuffle %[[V]], %[[V]] [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]
// CHECK: vector.fma %[[B]], %[[REPEATED]], %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_read %[[X]][%{{.*}}, %{{.*}}, %[[W]], %c4]
// CHECK: vector.fma
// CHECK-NOT: vector.fma
// CHECK: scf.yield
// CHECK-NOT: arith.addf {{.*}}#
// CHECK: vector.shuffle %{{.*}}#0, %{{.*}}#0 [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
// CHECK-NOT: vector.transfer_read
// CHECK: vector.transfer_write %{{.*}}, %[[DK]][%c0, %c0]
// CHECK: vector.shuffle %{{.*}}#1, %{{.*}}#1
// CHECK: vector.transfer_write %{{.*}}, %[[DK]][%c4, %c0]
func.func @one_tap(%x: memref<2x6x8x8xf32>, %dy: memref<2x6x8x4xf32>, %dk: memref<8x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, f, n, h, w) -> (n, h, w, c)>, affine_map<(c, f, n, h, w) -> (n, h, w, f)>, affine_map<(c, f, n, h, w) -> (c, f)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : memref<2x6x8x8xf32>, memref<2x6x8x4xf32>) outs(%dk : memref<8x4xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %0 = arith.mulf %in, %in_2 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// Channels that do not fill the lanes' groups (3 channels, 8 filters: G =
// 2) and 16 filters keep the contraction tiles: rows of channels by a
// vector of filters (a contraction, lowered to outer products later).

// CHECK-LABEL: func.func @odd_channels
// CHECK-NOT: vector<16xf32>
// CHECK: vector.contract {{.*}} : vector<1x1x1x3xf32>, vector<1x1x1x8xf32> into vector<3x8xf32>
func.func @odd_channels(%x: memref<2x6x8x3xf32>, %dy: memref<2x6x8x8xf32>, %dk: memref<3x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, f, n, h, w) -> (n, h, w, c)>, affine_map<(c, f, n, h, w) -> (n, h, w, f)>, affine_map<(c, f, n, h, w) -> (c, f)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : memref<2x6x8x3xf32>, memref<2x6x8x8xf32>) outs(%dk : memref<3x8xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %0 = arith.mulf %in, %in_2 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// CHECK-LABEL: func.func @sixteen_filters
// CHECK-NOT: vector.shuffle
// CHECK: vector.contract {{.*}} : vector<1x1x1x8xf32>, vector<1x1x1x16xf32> into vector<8x16xf32>
func.func @sixteen_filters(%x: memref<2x6x8x8xf32>, %dy: memref<2x6x8x16xf32>, %dk: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, f, n, h, w) -> (n, h, w, c)>, affine_map<(c, f, n, h, w) -> (n, h, w, f)>, affine_map<(c, f, n, h, w) -> (c, f)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : memref<2x6x8x8xf32>, memref<2x6x8x16xf32>) outs(%dk : memref<8x16xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %0 = arith.mulf %in, %in_2 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
