// RUN: cnnc-opt %s --cnn-vectorize --split-input-file | FileCheck %s

// A convolution row on buffers: tiled to one output row of up to 14 pixels by
// up to 32 filters, one kernel tap and 8 input channels, decomposed to a 1-D
// convolution and vectorized into a contraction (outer products later).

// CHECK-LABEL: func.func @conv_row
func.func @conv_row(%in: memref<1x3x12x32xf32>, %k: memref<3x3x32x32xf32>,
                    %out: memref<1x1x10x32xf32>) {
  // CHECK-NOT: linalg.conv_2d_nhwc_hwcf
  // CHECK: scf.for
  // CHECK: vector.contract {{.*}} : vector<1x10x8xf32>, vector<8x32xf32> into vector<1x10x32xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x12x32xf32>, memref<3x3x32x32xf32>)
    outs(%out : memref<1x1x10x32xf32>)
  return
}

// -----

// 26 output pixels: the widest whole tile within 14 is 13 (no partial tiles).
// Its 26 accumulators are over the 24 that fit without spilling, but the
// only other divisor, 2, would leave the FMA latency exposed: the cost
// model keeps 13.
// CHECK-LABEL: func.func @conv_width_divides
func.func @conv_width_divides(%in: memref<1x3x28x1xf32>, %k: memref<3x3x1x32xf32>,
                              %out: memref<1x1x26x32xf32>) {
  // CHECK: vector.contract {{.*}} : vector<1x13x1xf32>, vector<1x32xf32> into vector<1x13x32xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x28x1xf32>, memref<3x3x1x32xf32>)
    outs(%out : memref<1x1x26x32xf32>)
  return
}

// -----

// A 'same' convolution's 28-pixel rows by 32 filters: 7 pixels (14
// accumulators, 4 tiles), not the widest divisor, 14, whose 28 accumulators
// spilled to the stack at every step of the reduction.
// CHECK-LABEL: func.func @conv_row_within_registers
func.func @conv_row_within_registers(%in: memref<1x3x30x32xf32>, %k: memref<3x3x32x32xf32>,
                                     %out: memref<1x1x28x32xf32>) {
  // CHECK-NOT: vector<1x14x32xf32>
  // CHECK: scf.for %{{.*}} = %c0 to %c28 step %c7
  // CHECK: vector.contract {{.*}} : vector<1x7x8xf32>, vector<8x32xf32> into vector<1x7x32xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x32xf32>, memref<3x3x32x32xf32>)
    outs(%out : memref<1x1x28x32xf32>)
  return
}

// -----

// 16 filters (one vector) on the same row: 14 pixels, 14 accumulators.
// CHECK-LABEL: func.func @conv_row_one_vector
func.func @conv_row_one_vector(%in: memref<1x3x30x32xf32>, %k: memref<3x3x32x16xf32>,
                               %out: memref<1x1x28x16xf32>) {
  // CHECK: vector.contract {{.*}} : vector<1x14x8xf32>, vector<8x16xf32> into vector<1x14x16xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x32xf32>, memref<3x3x32x16xf32>)
    outs(%out : memref<1x1x28x16xf32>)
  return
}

// -----

// 36 filters are not whole 16-lane vectors: a tile of 32 (two zmm
// registers) and the last 4 peeled off the filter loop, each static and
// vectorized whole; never two tiles of 18 (a zmm and a sliver joined by
// shuffles at every step). The 4 are a convolution of their own, whose
// lanes hold 4 filters x 4 input channels (below), not a 4-lane vector.
// CHECK-LABEL: func.func @conv_filters_remainder
func.func @conv_filters_remainder(%in: memref<1x3x12x8xf32>, %k: memref<3x3x8x36xf32>,
                                  %out: memref<1x1x10x36xf32>) {
  // CHECK-NOT: vector<{{.*}}x18xf32>
  // CHECK-NOT: vector<8x4xf32>
  // CHECK: vector.contract {{.*}} : vector<1x10x8xf32>, vector<8x32xf32> into vector<1x10x32xf32>
  // CHECK: vector.transfer_read {{.*}} : memref<3x3x8x4xf32, strided<{{.*}}>>, vector<4x4xf32>
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK: vector.transfer_write {{.*}} : vector<4xf32>, memref<1x1x10x4xf32, strided<{{.*}}>>
  // CHECK-NOT: vector<{{.*}}x18xf32>
  // CHECK-NOT: vector<8x4xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x12x8xf32>, memref<3x3x8x36xf32>)
    outs(%out : memref<1x1x10x36xf32>)
  return
}

// -----

// 48 filters are whole vectors: tiles of 16 that divide them, not 24.
// CHECK-LABEL: func.func @conv_filters_whole_vectors
func.func @conv_filters_whole_vectors(%in: memref<1x3x12x8xf32>, %k: memref<3x3x8x48xf32>,
                                      %out: memref<1x1x10x48xf32>) {
  // CHECK: vector.contract {{.*}} : vector<1x10x8xf32>, vector<8x16xf32> into vector<1x10x16xf32>
  // CHECK-NOT: x24xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x12x8xf32>, memref<3x3x8x48xf32>)
    outs(%out : memref<1x1x10x48xf32>)
  return
}

// -----

// The option bounds the row: conv-width=5 gives tiles of 5 of the 10 pixels.
// RUN: cnnc-opt %s --cnn-vectorize=conv-width=5 --split-input-file | FileCheck %s --check-prefix=WIDTH5
// WIDTH5-LABEL: func.func @conv_row
// WIDTH5: vector.contract {{.*}} : vector<1x5x8xf32>, vector<8x32xf32> into vector<1x5x32xf32>

// -----

// A pooling row becomes a 1-D pooling, vectorized over the channels.
// CHECK-LABEL: func.func @pool_row
func.func @pool_row(%in: memref<1x2x26x32xf32>, %out: memref<1x1x13x32xf32>) {
  %window = memref.alloc() : memref<2x2xf32>
  // CHECK-NOT: linalg.pooling_nhwc_max
  // The stride-2 window is unrolled along the row: one vector per output
  // pixel and window column.
  // CHECK: arith.maximumf {{.*}} : vector<1x1x32xf32>
  linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%in, %window : memref<1x2x26x32xf32>, memref<2x2xf32>)
    outs(%out : memref<1x1x13x32xf32>)
  memref.dealloc %window : memref<2x2xf32>
  return
}

// -----

// A matmul goes row by row, 128 columns (8 independent zmm accumulators) by
// 16 of the reduction: its multiply-and-reduce is a contraction again.
// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: memref<?x800xf32>, %b: memref<800x128xf32>, %c: memref<?x128xf32>) {
  // CHECK: vector.contract {{.*}} : vector<1x16xf32>, vector<16x128xf32> into vector<1x128xf32>
  linalg.matmul ins(%a, %b : memref<?x800xf32>, memref<800x128xf32>) outs(%c : memref<?x128xf32>)
  return
}

// -----

// An elementwise op goes along its innermost dimension.
// CHECK-LABEL: func.func @relu
func.func @relu(%x: memref<?x26x26x32xf32>, %y: memref<?x26x26x32xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK: arith.maximumf {{.*}} : vector<1x1x1x32xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : memref<?x26x26x32xf32>) outs(%y : memref<?x26x26x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A transpose that moves the innermost dimension goes in 16 x 16 blocks: a
// read of 16 rows and a register transpose, not strided scalar loads.
// CHECK-LABEL: func.func @transpose_blocks
func.func @transpose_blocks(%w: memref<800x128xf32>, %t: memref<128x800xf32>) {
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: vector.transfer_read {{.*}} : memref<16x16xf32, strided<[128, 1], offset: ?>>, vector<16x16xf32>
  // CHECK: vector.transpose {{.*}} [1, 0] : vector<16x16xf32> to vector<16x16xf32>
  // CHECK: vector.transfer_write {{.*}} : vector<16x16xf32>, memref<16x16xf32, strided<[800, 1], offset: ?>>
  linalg.transpose ins(%w : memref<800x128xf32>) outs(%t : memref<128x800xf32>)
    permutation = [1, 0]
  return
}

// -----

// A reduction over the batch (a convolution's bias gradient) is a loop of
// vector adds over the reduced dimensions: kept whole, its dynamic tile
// would stay a scalar loop.
// CHECK-LABEL: func.func @bias_gradient
func.func @bias_gradient(%g: memref<?x26x26x32xf32>, %b: memref<32xf32>) {
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: vector.transfer_read {{.*}} vector<1x1x1x32xf32>
  // CHECK: vector.multi_reduction <add>, {{.*}} [0, 1, 2] : vector<1x1x1x32xf32> to vector<32xf32>
  linalg.reduce ins(%g : memref<?x26x26x32xf32>) outs(%b : memref<32xf32>) dimensions = [0, 1, 2]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// An elementwise loop over a dynamic number of elements, contiguous in
// every operand (the optimizer's update of a thread's part of the
// parameters): tiles of 16 lanes, the last one masked.
// CHECK-LABEL: func.func @masked_update
func.func @masked_update(%p: memref<?xf32>, %g: memref<?xf32>, %o: memref<?xf32>) {
  // CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16
  // CHECK: %[[LANES:.*]] = affine.min
  // CHECK: %[[MASK:.*]] = vector.create_mask %[[LANES]] : vector<16xi1>
  // CHECK: vector.mask %[[MASK]] { vector.transfer_read {{.*}} vector<16xf32> }
  // CHECK: math.sqrt {{.*}} : vector<16xf32>
  // CHECK: vector.mask %[[MASK]] { vector.transfer_write
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%p, %g : memref<?xf32>, memref<?xf32>) outs(%o : memref<?xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.mulf %a, %b : f32
    %q = math.sqrt %s : f32
    linalg.yield %q : f32
  }
  return
}

// -----

// A dynamic loop that reads an operand across (here, transposed) is not
// masked: it stays scalar.
// CHECK-LABEL: func.func @unmasked_transpose
func.func @unmasked_transpose(%x: memref<?x16xf32>, %t: memref<16x?xf32>) {
  // CHECK-NOT: vector.mask
  // CHECK: memref.subview {{.*}} [1, 1]
  linalg.transpose ins(%x : memref<?x16xf32>) outs(%t : memref<16x?xf32>) permutation = [1, 0]
  return
}

// -----

// A kernel gradient tap, out(c, f) += x(n, i, j, c) * dy(n, i, j, f): tiles
// of 8 channels by 32 filters, every reduction loop by 1, each step a
// contraction of 8 channels of one x pixel with 32 filters of one dy pixel.
// The images and rows go outside the channel tiles, the columns inside:
// one row of x and dy is read for all the channel tiles while it is in the
// L1 cache, not the whole batch once per tile; each output still sums over
// (n, i, j) in the same order.
// CHECK-LABEL: func.func @kernel_grad_tap
func.func @kernel_grad_tap(%x: memref<?x11x11x32xf32, strided<[5408, 416, 32, 1], offset: ?>>,
                           %dy: memref<?x11x11x32xf32>, %o: memref<32x32xf32>) {
  // CHECK: scf.for %{{.*}} = %c0 to %dim step %c1
  // CHECK-NEXT: scf.for %{{.*}} = %c0 to %c11 step %c1
  // CHECK-NEXT: scf.for %{{.*}} = %c0 to %c32 step %c8
  // CHECK-NEXT: scf.for %{{.*}} = %c0 to %c11 step %c1
  // CHECK: vector.contract {{.*}} : vector<1x1x1x8xf32>, vector<1x1x1x32xf32> into vector<8x32xf32>
  linalg.generic {indexing_maps = [affine_map<(c, f, n, i, j) -> (n, i, j, c)>,
                                   affine_map<(c, f, n, i, j) -> (n, i, j, f)>,
                                   affine_map<(c, f, n, i, j) -> (c, f)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %dy : memref<?x11x11x32xf32, strided<[5408, 416, 32, 1], offset: ?>>, memref<?x11x11x32xf32>)
      outs(%o : memref<32x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A kernel gradient tap with 36 filters is split along them as a
// convolution is: 32 columns on the contraction tiles (8 rows x 2 zmm
// vectors), the 4 left over on few-filter lanes of 4 filters x 4 channels
// (FewFilterKernelGradient.cpp), on views of dy and of the output whose
// rows are 36 floats apart: no 4-lane contraction peeled off the filter
// loop, no vector of 18. The 4 filters' accumulators start from the
// output's values (each (c, f) one running sum, the contraction tiles'
// order) and are written back without an add.
// CHECK-LABEL: func.func @kernel_grad_tap_remainder
// CHECK-SAME: (%[[X:.*]]: memref<?x11x11x8xf32>, %[[DY:.*]]: memref<?x11x11x36xf32>, %[[O:.*]]: memref<8x36xf32>)
func.func @kernel_grad_tap_remainder(%x: memref<?x11x11x8xf32>, %dy: memref<?x11x11x36xf32>,
                                     %o: memref<8x36xf32>) {
  // CHECK: %[[O32:.*]] = memref.subview %[[O]][0, 0] [8, 32] [1, 1]
  // CHECK: vector.contract {{.*}} into vector<8x32xf32>
  // CHECK: vector.transfer_write %{{.*}}, %[[O32]]
  // CHECK: %[[DY4:.*]] = memref.subview %[[DY]][0, 0, 0, 32] [%{{.*}}, 11, 11, 4]
  // CHECK: %[[O4:.*]] = memref.subview %[[O]][0, 32] [8, 4] [1, 1] : memref<8x36xf32> to memref<8x4xf32, strided<[36, 1], offset: 32>>
  // CHECK: %[[ROWS:.*]] = vector.transfer_read %[[O4]][%c0, %c0]{{.*}} vector<4x4xf32>
  // CHECK: %[[FLAT:.*]] = vector.shape_cast %[[ROWS]] : vector<4x4xf32> to vector<16xf32>
  // CHECK: %[[INIT:.*]] = vector.shuffle %[[FLAT]], %[[FLAT]] [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
  // CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]], %{{.*}} = %{{.*}}) -> (vector<16xf32>, vector<16xf32>)
  // CHECK: vector.transfer_read %[[DY4]]{{.*}} vector<4xf32>
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK-NOT: arith.addf
  // CHECK: vector.transfer_write %{{.*}}, %[[O4]][%c0, %c0]
  // CHECK: vector.transfer_write %{{.*}}, %[[O4]][%c4, %c0]
  // CHECK-NOT: vector.contract
  // CHECK-NOT: x18xf32>
  // CHECK: return
  linalg.generic {indexing_maps = [affine_map<(c, f, n, i, j) -> (n, i, j, c)>,
                                   affine_map<(c, f, n, i, j) -> (n, i, j, f)>,
                                   affine_map<(c, f, n, i, j) -> (c, f)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %dy : memref<?x11x11x8xf32>, memref<?x11x11x36xf32>)
      outs(%o : memref<8x36xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A pooling gradient's position in its window (p, q) indexes only the
// output: those small loops stay whole in the tile, so each window's cells
// are read once for its 2 x 2 positions, not once per position.
// CHECK-LABEL: func.func @window_positions_whole
func.func @window_positions_whole(%dy: memref<?x13x13x32xf32>, %a: memref<?x13x13x32xf32>,
                                  %dx: memref<?x13x2x13x2x32xf32>) {
  // CHECK: scf.for
  // CHECK: scf.for %{{.*}} = %c0 to %c13 step %c1
  // CHECK: scf.for %{{.*}} = %c0 to %c13 step %c1
  // CHECK-NOT: scf.for
  // CHECK-COUNT-2: vector.transfer_read {{.*}} vector<1x1x1x32xf32>
  // CHECK-NOT: vector.transfer_read
  // CHECK: vector.transfer_write {{.*}} : vector<1x1x2x1x2x32xf32>
  linalg.generic {indexing_maps = [affine_map<(n, i, p, j, q, c) -> (n, i, j, c)>,
                                   affine_map<(n, i, p, j, q, c) -> (n, i, j, c)>,
                                   affine_map<(n, i, p, j, q, c) -> (n, i, p, j, q, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %a : memref<?x13x13x32xf32>, memref<?x13x13x32xf32>) outs(%dx : memref<?x13x2x13x2x32xf32>) {
  ^bb0(%g: f32, %x: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %positive = arith.cmpf ogt, %x, %zero : f32
    %p = linalg.index 2 : index
    %q = linalg.index 4 : index
    %offset = arith.addi %p, %q : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %offset, %c0 : index
    %pass = arith.andi %positive, %first : i1
    %r = arith.select %pass, %g, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A contraction whose output has one dimension (out(f) += a(n) * b(n, f))
// has no 8 x F tile: it is tiled like any other loop, the reductions
// whole.
// CHECK-LABEL: func.func @contraction_rank_one_output
func.func @contraction_rank_one_output(%a: memref<8xf32>, %b: memref<8x32xf32>, %o: memref<32xf32>) {
  // CHECK: vector.contract {{.*}} : vector<8xf32>, vector<8x32xf32> into vector<32xf32>
  linalg.generic {indexing_maps = [affine_map<(f, n) -> (n)>, affine_map<(f, n) -> (n, f)>,
                                   affine_map<(f, n) -> (f)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%a, %b : memref<8xf32>, memref<8x32xf32>) outs(%o : memref<32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A dynamic elementwise loop with an operand broadcast along it is not
// masked (a mask follows the vector's dimensions): it stays scalar.
// CHECK-LABEL: func.func @unmasked_broadcast
func.func @unmasked_broadcast(%x: memref<?x4xf32>, %b: memref<4xf32>, %o: memref<?x4xf32>) {
  // CHECK-NOT: vector.mask
  // CHECK: return
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i)>,
                                   affine_map<(i, j) -> (j, i)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : memref<?x4xf32>, memref<4xf32>) outs(%o : memref<?x4xf32>) {
  ^bb0(%v: f32, %w: f32, %out: f32):
    %s = arith.addf %v, %w : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// 8 filters fill half a vector: the lanes hold 8 filters x 2 input channels
// instead (FewFilterConv.cpp). The tile is a row of 14 pixels by all the
// filters and the whole kernel, one vector<16> accumulator per pixel. A
// step holds the kernel rows of all 3 taps of a kernel row (2 channels
// each, interleaved once for all the pixels) and broadcasts each of the 16
// input columns it reads once, against every tap that meets it: 16
// broadcasts feed 14 x 3 FMAs. When the row is stored, the 2 partial sums
// of two pixels at a time are gathered by one shuffle each into one
// 16-float vector, pixel w's 8 filters then w + 1's, as the output holds
// them.
// CHECK-LABEL: func.func @conv_8_filters
func.func @conv_8_filters(%in: memref<1x3x30x8xf32>, %k: memref<3x3x8x8xf32>,
                          %out: memref<1x1x28x8xf32>) {
  // CHECK-NOT: linalg.conv
  // CHECK-NOT: vector.contract
  // CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
  // CHECK-COUNT-3: vector.shuffle {{.*}} [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15] : vector<16xf32>, vector<16xf32>
  // CHECK-COUNT-16: vector.shuffle {{.*}} [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1] : vector<2xf32>, vector<2xf32>
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // The next 2 channels, likewise (8 channels per step).
  // CHECK: vector.transfer_read %{{.*}} : memref<3x3x8x8xf32>, vector<2x8xf32>
  // CHECK: %[[ROW:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : memref<1x1x14x8xf32, strided<{{.*}}>> into memref<1x1x112xf32, strided<{{.*}}>>
  // CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<16xf32>, vector<16xf32>
  // CHECK: vector.shuffle {{.*}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<16xf32>, vector<16xf32>
  // CHECK: vector.transfer_write {{.*}}, %[[ROW]][%c0, %c0, %c0] {{.*}} : vector<16xf32>, memref<1x1x112xf32
  // CHECK-COUNT-6: vector.transfer_write {{.*}}, %[[ROW]]{{.*}} : vector<16xf32>, memref<1x1x112xf32
  // CHECK-NOT: vector.transfer_write
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x8xf32>, memref<3x3x8x8xf32>)
    outs(%out : memref<1x1x28x8xf32>)
  return
}

// -----

// 4 filters: lanes of 4 filters x 4 channels.
// CHECK-LABEL: func.func @conv_4_filters
func.func @conv_4_filters(%in: memref<1x3x7x4xf32>, %k: memref<3x3x4x4xf32>,
                          %out: memref<1x1x5x4xf32>) {
  // CHECK-NOT: vector.contract
  // CHECK: vector.transfer_read %{{.*}} : memref<3x3x4x4xf32>, vector<4x4xf32>
  // CHECK: vector.shuffle {{.*}} [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
  // CHECK: vector.shuffle {{.*}} [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3] : vector<4xf32>, vector<4xf32>
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // 5 pixels: two pairs of 8 lanes, then the fifth alone.
  // CHECK: vector.transfer_write {{.*}} : vector<8xf32>, memref<1x1x20xf32
  // CHECK: vector.transfer_write {{.*}} : vector<8xf32>, memref<1x1x20xf32
  // CHECK: vector.transfer_write {{.*}} : vector<4xf32>, memref<1x1x5x4xf32
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x7x4xf32>, memref<3x3x4x4xf32>)
    outs(%out : memref<1x1x5x4xf32>)
  return
}

// -----

// A strided one keeps the filter vectors (FewFilterConv.cpp says why).
// CHECK-LABEL: func.func @conv_4_filters_strided
func.func @conv_4_filters_strided(%in: memref<1x5x11x4xf32>, %k: memref<3x3x4x4xf32>,
                                  %out: memref<1x2x5x4xf32>) {
  // CHECK-NOT: vector<16xf32>
  // CHECK: vector.contract {{.*}} : vector<1x1x4xf32>, vector<4x4xf32> into vector<1x1x4xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%in, %k : memref<1x5x11x4xf32>, memref<3x3x4x4xf32>)
    outs(%out : memref<1x2x5x4xf32>)
  return
}

// -----

// 6 filters do not divide a vector: they keep one 6-lane vector of filters
// per input channel.
// CHECK-LABEL: func.func @conv_6_filters
func.func @conv_6_filters(%in: memref<1x3x12x8xf32>, %k: memref<3x3x8x6xf32>,
                          %out: memref<1x1x10x6xf32>) {
  // CHECK: vector.contract {{.*}} : vector<1x10x8xf32>, vector<8x6xf32> into vector<1x10x6xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x12x8xf32>, memref<3x3x8x6xf32>)
    outs(%out : memref<1x1x10x6xf32>)
  return
}

// -----

// The chain's cache tile: the bias broadcast into a scratch row %t, the
// convolution accumulating into it, the relu writing the activation's row
// (ConvEpilogue.cpp). The convolution is a fused_conv2d's (cnn.fused_conv):
// the relu alone reads %t. So the tile starts each sum from the bias (read
// once, repeated for a pair of pixels), applies the relu's own ops to it and
// stores to %y: no broadcast pass, no reload of %t, no write to it, no relu
// pass of its own.
// CHECK-LABEL: func.func @conv_8_filters_epilogue
// CHECK-SAME: (%[[IN:.*]]: memref<1x3x30x8xf32>, %[[K:.*]]: memref<3x3x8x8xf32>, %[[B:.*]]: memref<8xf32>, %[[T:.*]]: memref<1x1x28x8xf32>, %[[Y:.*]]: memref<1x1x28x8xf32, strided<[7200, 240, 8, 1], offset: ?>>)
func.func @conv_8_filters_epilogue(%in: memref<1x3x30x8xf32>, %k: memref<3x3x8x8xf32>,
                                   %b: memref<8xf32>, %t: memref<1x1x28x8xf32>,
                                   %y: memref<1x1x28x8xf32, strided<[7200, 240, 8, 1], offset: ?>>) {
  // CHECK-NOT: linalg.
  // CHECK-NOT: %[[T]]{{[^0-9]}}
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK: %[[BIAS:.*]] = vector.transfer_read %[[B]][%c0], %{{.*}} {in_bounds = [true]} : memref<8xf32>, vector<8xf32>
  // CHECK: %[[ROW:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : memref<1x1x14x8xf32, strided<[7200, 240, 8, 1], offset: ?>> into memref<1x1x112xf32, strided<[7200, 240, 1], offset: ?>>
  // CHECK: %[[SUM:.*]] = arith.addf
  // CHECK: %[[PAIR:.*]] = vector.shuffle %[[BIAS]], %[[BIAS]] [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
  // CHECK: %[[X:.*]] = arith.addf %[[PAIR]], %[[SUM]] : vector<16xf32>
  // CHECK: %[[NEG:.*]] = arith.cmpf ogt, %{{.*}}, %[[X]] : vector<16xf32>
  // CHECK: %[[RELU:.*]] = arith.select %[[NEG]], %{{.*}}, %[[X]] : vector<16xi1>, vector<16xf32>
  // CHECK: vector.transfer_write %[[RELU]], %[[ROW]][%c0, %c0, %c0] {{.*}} : vector<16xf32>, memref<1x1x112xf32
  // CHECK-COUNT-6: vector.transfer_write {{.*}}, %[[ROW]]{{.*}} : vector<16xf32>, memref<1x1x112xf32
  // CHECK-NOT: %[[T]]{{[^0-9]}}
  // CHECK: return
  %cst = arith.constant 0.000000e+00 : f32
  linalg.broadcast ins(%b : memref<8xf32>) outs(%t : memref<1x1x28x8xf32>) dimensions = [0, 1, 2]
  linalg.conv_2d_nhwc_hwcf {cnn.fused_conv, dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x8xf32>, memref<3x3x8x8xf32>)
    outs(%t : memref<1x1x28x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%t : memref<1x1x28x8xf32>) outs(%y : memref<1x1x28x8xf32, strided<[7200, 240, 8, 1], offset: ?>>) {
  ^bb0(%in_0: f32, %out: f32):
    %0 = arith.cmpf ogt, %cst, %in_0 : f32
    %1 = arith.select %0, %cst, %in_0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// Without the mark, a convolution's output may be read by others too: the
// tile adds its sums to what %t holds and writes them there, and the relu
// is a pass of its own.
// CHECK-LABEL: func.func @conv_8_filters_unmarked
func.func @conv_8_filters_unmarked(%in: memref<1x3x30x8xf32>, %k: memref<3x3x8x8xf32>,
                                   %b: memref<8xf32>, %t: memref<1x1x28x8xf32>,
                                   %y: memref<1x1x28x8xf32>) {
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK: vector.transfer_read {{.*}} : memref<1x1x112xf32, {{.*}}>, vector<16xf32>
  // CHECK: arith.select {{.*}} : vector<{{.*}}xi1>, vector<{{.*}}xf32>
  %cst = arith.constant 0.000000e+00 : f32
  linalg.broadcast ins(%b : memref<8xf32>) outs(%t : memref<1x1x28x8xf32>) dimensions = [0, 1, 2]
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x8xf32>, memref<3x3x8x8xf32>)
    outs(%t : memref<1x1x28x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%t : memref<1x1x28x8xf32>) outs(%y : memref<1x1x28x8xf32>) {
  ^bb0(%in_0: f32, %out: f32):
    %0 = arith.cmpf ogt, %cst, %in_0 : f32
    %1 = arith.select %0, %cst, %in_0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// Marked, but the sums are read again after the relu (here by a copy): the
// same as unmarked.
// CHECK-LABEL: func.func @conv_8_filters_sums_read_again
func.func @conv_8_filters_sums_read_again(%in: memref<1x3x30x8xf32>, %k: memref<3x3x8x8xf32>,
                                          %b: memref<8xf32>, %t: memref<1x1x28x8xf32>,
                                          %y: memref<1x1x28x8xf32>, %z: memref<1x1x28x8xf32>) {
  // CHECK: vector.fma {{.*}} : vector<16xf32>
  // CHECK: vector.transfer_read {{.*}} : memref<1x1x112xf32, {{.*}}>, vector<16xf32>
  // CHECK: arith.select {{.*}} : vector<{{.*}}xi1>, vector<{{.*}}xf32>
  %cst = arith.constant 0.000000e+00 : f32
  linalg.broadcast ins(%b : memref<8xf32>) outs(%t : memref<1x1x28x8xf32>) dimensions = [0, 1, 2]
  linalg.conv_2d_nhwc_hwcf {cnn.fused_conv, dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%in, %k : memref<1x3x30x8xf32>, memref<3x3x8x8xf32>)
    outs(%t : memref<1x1x28x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%t : memref<1x1x28x8xf32>) outs(%y : memref<1x1x28x8xf32>) {
  ^bb0(%in_0: f32, %out: f32):
    %0 = arith.cmpf ogt, %cst, %in_0 : f32
    %1 = arith.select %0, %cst, %in_0 : f32
    linalg.yield %1 : f32
  }
  linalg.copy ins(%t : memref<1x1x28x8xf32>) outs(%z : memref<1x1x28x8xf32>)
  return
}
